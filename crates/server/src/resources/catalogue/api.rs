//! Matchmaking's API: HTTP in and out of the use cases in [`kechuang_app::catalogue`] (search,
//! matches, publishing, deals), plus the upload edge (a file's rows read off the async workers)
//! and the inbox. Documented in `openapi.json`, used by the pages.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, extract::rejection::JsonRejection};
use kechuang_app::catalogue::{
    DealBody, DealsParams, MatchParams, MoveBody, SearchParams, publishable,
};
use kechuang_matching::import::Issue;
use kechuang_matching::matching::Match;
use kechuang_matching::{Doc, Kind};
use kechuang_store::Deal;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::error::{ApiError, ApiResult};
use crate::extract::{Allowed, SignedIn, can};
use crate::{Ctx, Shared};

pub use kechuang_app::catalogue::stored_entries;

/// Supply for the weakest pillars of an enterprise's portrait. Reading the portrait is decided
/// and audited as for the portrait itself.
pub async fn suggestions_for(
    state: &Shared,
    ctx: &Allowed<can::ListEnterprises>,
    code: &str,
) -> ApiResult<Vec<(String, Vec<Match>)>> {
    let portrait = crate::api::portrait_of(state, ctx, code, None).await?;
    Ok(state.matchmaking().suggestions(&portrait).await?)
}

pub(super) async fn suggestions(
    State(state): State<Shared>,
    ctx: Allowed<can::ListEnterprises>,
    Path(code): Path<String>,
) -> ApiResult<Json<Value>> {
    let code = code.trim().to_ascii_uppercase();
    let found = suggestions_for(&state, &ctx, &code).await?;
    let items: Vec<Value> = found
        .into_iter()
        .map(|(pillar, matches)| json!({"pillar": pillar, "matches": matches}))
        .collect();
    Ok(Json(json!({"credit_code": code, "items": items})))
}

pub(super) async fn search(
    State(state): State<Shared>,
    ctx: Allowed<can::ListEnterprises>,
    Query(p): Query<SearchParams>,
) -> ApiResult<Json<Value>> {
    let found = state.matchmaking().search(&ctx.caller(), &p).await?;
    Ok(Json(json!({"total": found.total, "items": found.hits})))
}

pub(super) async fn entry(
    State(state): State<Shared>,
    ctx: Allowed<can::ListEnterprises>,
    Path((kind, id)): Path<(String, String)>,
) -> ApiResult<Json<Doc>> {
    let (idx, at) = state.matchmaking().find(&ctx.caller(), &kind, &id).await?;
    Ok(Json(idx.index.docs()[at].clone()))
}

pub(super) async fn matches(
    State(state): State<Shared>,
    ctx: Allowed<can::ListEnterprises>,
    Path((kind, id)): Path<(String, String)>,
    Query(p): Query<MatchParams>,
) -> ApiResult<Json<Value>> {
    let (doc, found) = state
        .matchmaking()
        .matches(&ctx.caller(), &kind, &id, &p)
        .await?;
    Ok(Json(json!({"for": doc, "items": found})))
}

/// `?kind=&file_name=`.
#[derive(Debug, Deserialize)]
pub struct ImportParams {
    /// The kind of entries in the file.
    pub kind: String,
    /// The file's name: `.xlsx` reads the first sheet; anything else is CSV (UTF-8, GBK or GB18030).
    pub file_name: Option<String>,
}

/// The rows of an uploaded CSV or XLSX file, parsed off the async workers within the upload
/// limits (read where it is: nothing is written to disk).
pub async fn upload_rows(
    state: &Shared,
    file_name: &str,
    bytes: &[u8],
) -> ApiResult<Vec<Vec<String>>> {
    let options = crate::intake::detected_options(state.config.max_upload_bytes);
    let (name, bytes) = (std::path::PathBuf::from(file_name), bytes.to_vec());
    let read = crate::intake::parse_blocking(move || {
        kechuang_tabular::survey::read_grid_bytes(&name, bytes, &options)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    read.map(|(_, rows)| rows)
        .map_err(|e| ApiError::BadRequest(e.to_string()))
}

/// Validates a catalogue file (CSV or XLSX) and, with no problem, writes every entry in one
/// transaction (see [`publishable`] for who may publish what).
pub async fn run_import(
    state: &Shared,
    ctx: &Ctx,
    kind: &str,
    file_name: &str,
    bytes: &[u8],
) -> ApiResult<Result<usize, Vec<Issue>>> {
    let caller = ctx.caller()?;
    let kind: Kind = publishable(&caller, kind)?;
    let rows = upload_rows(state, file_name, bytes).await?;
    Ok(state
        .matchmaking()
        .import_rows(&caller, kind, &rows)
        .await?)
}

pub(super) async fn import(
    State(state): State<Shared>,
    ctx: SignedIn,
    Query(q): Query<ImportParams>,
    body: Bytes,
) -> ApiResult<Response> {
    let name = q
        .file_name
        .clone()
        .unwrap_or_else(|| format!("{}.csv", q.kind));
    match run_import(&state, &ctx, &q.kind, &name, &body).await? {
        Ok(n) => Ok((StatusCode::CREATED, Json(json!({"imported": n}))).into_response()),
        Err(issues) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"imported": 0, "issues": issues})),
        )
            .into_response()),
    }
}

pub(super) async fn deals(
    State(state): State<Shared>,
    ctx: Allowed<can::ListEnterprises>,
    Query(q): Query<DealsParams>,
) -> ApiResult<Json<Value>> {
    let deals = state
        .matchmaking()
        .visible_deals(&ctx.caller(), q.demand.as_deref())
        .await?;
    Ok(Json(json!({ "deals": deals })))
}

pub(super) fn body<T>(b: Result<Json<T>, JsonRejection>) -> ApiResult<T> {
    b.map(|Json(v)| v).map_err(ApiError::from)
}

pub(super) async fn open_deal(
    State(state): State<Shared>,
    ctx: Allowed<can::ListEnterprises>,
    b: Result<Json<DealBody>, JsonRejection>,
) -> ApiResult<Response> {
    let id = state
        .matchmaking()
        .start_deal(&ctx.caller(), &body(b)?)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": id, "status": "matched"})),
    )
        .into_response())
}

pub(super) async fn move_deal(
    State(state): State<Shared>,
    ctx: Allowed<can::ListEnterprises>,
    Path(id): Path<i64>,
    b: Result<Json<MoveBody>, JsonRejection>,
) -> ApiResult<Json<Deal>> {
    Ok(Json(
        state
            .matchmaking()
            .step_deal(&ctx.caller(), id, &body(b)?)
            .await?,
    ))
}

pub(super) async fn inbox(State(state): State<Shared>, ctx: SignedIn) -> ApiResult<Json<Value>> {
    let p = ctx.user()?;
    Ok(Json(json!({"messages": state.store.inbox(&p.name).await?})))
}
