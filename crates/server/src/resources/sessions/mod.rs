//! Sessions: signing in and out (API and pages), who am I.

use axum::Router;
use axum::routing::{get, post};

use crate::Shared;

pub mod api;
pub mod pages;

pub use api::*;

/// The routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/session", post(api::login).delete(api::logout))
        .route("/api/v1/me", get(api::me))
        .route("/login", get(pages::login_form).post(pages::login_submit))
        .route("/logout", post(pages::logout))
}
