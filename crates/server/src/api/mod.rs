//! The REST API under `/api/v1` (documented in `openapi.json`), and the operations the pages share
//! with it: login, enterprise access, lists, uploads, rebuilds.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, extract::rejection::JsonRejection};
use kechuang_portrait::Portrait;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::access::{Capability, TokenScope};
use crate::auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Allowed, Anyone, SignedIn, can};
use crate::{Ctx, Shared};

/// The routes that take files (survey uploads): their body limit is the configured upload size.
pub fn upload_routes() -> Router<Shared> {
    Router::new().route("/api/v1/imports", get(imports).post(upload))
}

/// The API's routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/healthz", get(health))
        .route("/readyz", get(ready))
        .route("/api/v1/openapi.json", get(crate::openapi::document))
        .route("/api/docs", get(crate::openapi::page))
        .route("/api/v1/session", post(login).delete(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/enterprises", get(list_enterprises))
        .route("/api/v1/enterprises/export", get(export_enterprises))
        .route("/api/v1/enterprises/{code}", get(enterprise_record))
        .route("/api/v1/enterprises/{code}/portrait", get(portrait))
        .route("/api/v1/schemes", get(schemes))
        .route("/api/v1/schemes/{id}/targets", get(targets))
        .route("/api/v1/schemes/{id}/targets/export", get(export_targets))
        .route("/api/v1/regions", get(regions))
        .route("/api/v1/builds", get(builds).post(rebuild))
        .route("/api/v1/consents", get(consents).post(grant).delete(revoke))
        .route("/api/v1/tokens", get(tokens).post(create_token))
        .route("/api/v1/tokens/{id}", delete(revoke_token))
        .route("/api/v1/admin/users", get(users).post(create_user))
        .route("/api/v1/admin/users/{name}", post(update_user))
        .route("/api/v1/admin/audit", get(audit_log))
}

fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> ApiResult<T> {
    body.map(|Json(v)| v).map_err(ApiError::from)
}

async fn health() -> Json<Value> {
    Json(json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}))
}

async fn ready(State(state): State<Shared>) -> Response {
    match state.store.ping().await {
        Ok(()) => Json(json!({"status": "ready", "database": state.store.kind()})).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "readiness: database");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

mod admin;
mod builds;
mod consents;
mod enterprises;
mod imports;
mod regions;
mod schemes;
mod sessions;
mod tokens;

pub use admin::*;
pub use builds::*;
use consents::*;
pub use enterprises::*;
pub use imports::*;
pub use regions::*;
pub use schemes::*;
pub use sessions::*;
pub use tokens::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_logins_back_off() {
        let now = chrono::Utc::now();
        let ago = |m: i64| stamp(now - chrono::Duration::minutes(m), true);
        assert_eq!(login_wait(4, Some(&ago(0)), now, 5, 15), None);
        assert_eq!(login_wait(5, Some(&ago(0)), now, 5, 15), Some(15));
        assert_eq!(login_wait(5, Some(&ago(16)), now, 5, 15), None);
        assert_eq!(login_wait(6, Some(&ago(16)), now, 5, 15), Some(14));
        assert_eq!(login_wait(8, Some(&ago(0)), now, 5, 15), Some(120));
        assert_eq!(login_wait(99, Some(&ago(0)), now, 5, 15), Some(24 * 60));
        assert!(page_number(Some(i64::MAX)).is_err());
        assert!(page_number(Some(0)).is_err());
        assert_eq!(page_number(None).ok(), Some(1));
    }

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_cell("-1.5"), "-1.5");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn the_dummy_hash_is_a_valid_phc_string() {
        assert!(
            argon2::password_hash::phc::PasswordHash::new(DUMMY_HASH).is_ok(),
            "timing equalisation needs a parseable hash"
        );
    }
}
