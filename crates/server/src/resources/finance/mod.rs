//! 科技金融: innovation-credit loans — applications and answers, loans recorded by banks, the
//! bureau's and the published totals (API and page), through [`kechuang_app::finance`].

use axum::Router;
use axum::routing::{get, post};

use crate::Shared;

pub mod api;
pub mod pages;

/// The routes that take files (a bank's loan file).
pub fn upload_routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/finance/loans/import", post(api::import))
        .route("/finance/loans/import", post(pages::import))
}

/// The routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/finance/banks", get(api::banks))
        .route(
            "/api/v1/finance/applications",
            get(api::applications).post(api::apply),
        )
        .route(
            "/api/v1/finance/applications/{id}/answer",
            post(api::answer),
        )
        .route("/api/v1/finance/loans", get(api::loans).post(api::record))
        .route("/api/v1/finance/totals", get(api::totals))
        .route("/api/v1/finance/published", get(api::published))
        .route("/finance", get(pages::finance_page))
        .route("/finance/applications", post(pages::apply))
        .route("/finance/applications/{id}/answer", post(pages::answer))
}
