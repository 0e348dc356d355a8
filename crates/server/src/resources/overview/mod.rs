//! The bureau's overview dashboard (概览; page).

use axum::Router;
use axum::routing::get;

use crate::Shared;

pub mod pages;

/// The routes.
pub fn routes() -> Router<Shared> {
    Router::new().route("/", get(pages::overview))
}
