//! Enterprises: the ranking and its export, an enterprise's record and portrait (API and pages).

use axum::Router;
use axum::routing::get;

use crate::Shared;

pub mod api;
pub mod pages;

pub use api::*;

/// The routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/enterprises", get(api::list_enterprises))
        .route("/api/v1/enterprises/export", get(api::export_enterprises))
        .route("/api/v1/enterprises/{code}", get(api::enterprise_record))
        .route("/api/v1/enterprises/{code}/portrait", get(api::portrait))
        .route("/ranking", get(pages::ranking))
        .route("/enterprises/{code}", get(pages::portrait))
}
