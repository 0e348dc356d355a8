//! Support schemes and their target lists (政策靶向), with export (API and page).

use axum::Router;
use axum::routing::get;

use crate::Shared;

pub mod api;
pub mod pages;

pub use api::*;

/// The routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/schemes", get(api::schemes))
        .route("/api/v1/schemes/{id}/targets", get(api::targets))
        .route(
            "/api/v1/schemes/{id}/targets/export",
            get(api::export_targets),
        )
        .route("/targets", get(pages::targets))
}
