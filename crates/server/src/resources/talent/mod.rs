//! The unified talent pool (统一科技人才库; API and page).

use axum::Router;
use axum::routing::{get, post};

use crate::Shared;

pub mod api;
pub mod pages;

/// The routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/talent", get(api::list))
        .route("/api/v1/talent/statistics", get(api::stats))
        .route("/api/v1/talent/duplicates", get(api::duplicates))
        .route(
            "/api/v1/talent/merges",
            get(api::merges).post(api::merge_pair),
        )
        .route("/api/v1/talent/{id}", get(api::person))
        .route("/talent", get(pages::talent_page))
        .route("/talent/merge", post(pages::talent_merge))
}

/// The routes that take files (their body limit is the configured upload size).
pub fn upload_routes() -> Router<Shared> {
    Router::new().route("/api/v1/talent/imports", post(api::import))
}
