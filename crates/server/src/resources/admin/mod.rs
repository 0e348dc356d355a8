//! Administration: accounts, API tokens and the audit log (API and page).

use axum::Router;
use axum::routing::{delete, get, post};

use crate::Shared;

pub mod api;
pub mod pages;
pub mod tokens;

pub use api::*;
pub use tokens::*;

/// The routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route(
            "/api/v1/tokens",
            get(tokens::tokens).post(tokens::create_token),
        )
        .route("/api/v1/tokens/{id}", delete(tokens::revoke_token))
        .route(
            "/api/v1/admin/users",
            get(api::users).post(api::create_user),
        )
        .route("/api/v1/admin/users/{name}", post(api::update_user))
        .route("/api/v1/admin/audit", get(api::audit_log))
        .route("/admin", get(pages::admin).post(pages::admin_add_user))
        .route("/admin/users/{name}", post(pages::admin_toggle_user))
        .route("/tokens", post(pages::token_create))
        .route("/tokens/{id}/revoke", post(pages::token_revoke))
}
