//! The REST API under `/api/v1` (documented in `openapi.json`): what every resource's API handlers
//! share (their [`prelude`], the JSON body reader), the routes of no resource (health, readiness,
//! the API document), and the resources' operations re-exported for the pages and the tests.

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, extract::rejection::JsonRejection};
use serde_json::{Value, json};

use crate::Shared;
use crate::error::{ApiError, ApiResult};

/// The API's routes that belong to no resource: health, readiness and the API document.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/healthz", get(health))
        .route("/readyz", get(ready))
        .route("/api/v1/openapi.json", get(crate::openapi::document))
        .route("/api/docs", get(crate::openapi::page))
}

/// A JSON body, or the refusal of a malformed one.
pub(crate) fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> ApiResult<T> {
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

/// The most rows an export holds (a region of a million enterprise-years).
pub(crate) const EXPORT_ROWS: i64 = 1_000_000;

/// A CSV download (UTF-8 with BOM, so Excel reads the Chinese).
pub(crate) fn csv_download(
    file_name: &str,
    header: &str,
    rows: impl Iterator<Item = Vec<String>>,
) -> Response {
    let mut out = format!("\u{feff}{header}\n");
    for cells in rows {
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        out,
    )
        .into_response()
}

/// A workbook (XLSX) as a download.
pub(crate) fn xlsx_download(file_name: &str, bytes: Vec<u8>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// Quotes a CSV cell when needed, and defuses spreadsheet formulas.
pub(crate) fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

// The resources' API, re-exported: the operations the pages and the tests call by `api::…`.
pub use crate::resources::admin::api::*;
pub use crate::resources::admin::tokens::*;
pub use crate::resources::builds::api::*;
pub use crate::resources::catalogue::api::*;
pub use crate::resources::enterprises::api::*;
pub use crate::resources::imports::api::*;
pub use crate::resources::regions::api::*;
pub use crate::resources::schemes::api::*;
pub use crate::resources::sessions::api::*;

/// What the resources' API handlers use.
pub(crate) mod prelude {
    pub(crate) use std::sync::Arc;

    pub(crate) use axum::body::Bytes;
    pub(crate) use axum::extract::{Path, Query, State};
    pub(crate) use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
    pub(crate) use axum::response::{IntoResponse, Response};
    pub(crate) use axum::{Json, extract::rejection::JsonRejection};
    pub(crate) use kechuang_portrait::Portrait;
    pub(crate) use serde::Deserialize;
    pub(crate) use serde_json::{Value, json};

    pub(crate) use super::*;
    pub(crate) use crate::access::{Capability, TokenScope};
    pub(crate) use crate::auth;
    pub(crate) use crate::error::{ApiError, ApiResult};
    pub(crate) use crate::extract::{Allowed, Anyone, SignedIn, can};
    pub(crate) use crate::{Ctx, Shared};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_cell("-1.5"), "-1.5");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
