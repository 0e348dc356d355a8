//! Banks' consents (征信授权) to read an enterprise (API and page).

use axum::Router;
use axum::routing::get;

use crate::Shared;

pub mod api;
pub mod pages;

/// The routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/api/v1/consents",
            get(api::consents).post(api::grant).delete(api::revoke),
        )
        .route(
            "/consents",
            get(pages::consents).post(pages::consent_change),
        )
}
