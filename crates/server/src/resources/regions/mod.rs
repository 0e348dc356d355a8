//! The published regional tables (区域统计; API and page).

use axum::Router;
use axum::routing::get;

use crate::Shared;

pub mod api;
pub mod pages;

pub use api::*;

/// The routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/regions", get(api::regions))
        .route("/tables", get(pages::tables))
}
