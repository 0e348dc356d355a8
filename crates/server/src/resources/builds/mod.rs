//! Index builds: the stored builds and a rebuild, and the index's predictive validity (API and
//! pages).

use axum::Router;
use axum::routing::get;

use crate::Shared;

pub mod api;
mod audit_page;
mod pages;

pub use api::*;

/// The routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/builds", get(api::builds).post(api::rebuild))
        .route("/api/v1/index/validity", get(api::validity))
        .route("/builds", get(pages::builds).post(pages::rebuild))
        .route("/validity", get(pages::validity))
        .route("/audit", get(audit_page::index_audit))
}
