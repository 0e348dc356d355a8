//! Survey uploads (调查上报): validated, reported, stored all or nothing; the import history (API and page).

use axum::Router;
use axum::routing::get;

use crate::Shared;

pub mod api;
pub mod pages;

pub use api::*;

/// The routes.
pub fn routes() -> Router<Shared> {
    Router::new()
}

/// The routes that take files (their body limit is the configured upload size).
pub fn upload_routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/imports", get(api::imports).post(api::upload))
        .route(
            "/upload",
            get(pages::upload_form).post(pages::upload_submit),
        )
}
