//! The talent pool's API (统一科技人才库): HTTP in and out of the use cases in
//! [`kechuang_app::talent`], which check the permission, audit the reads and keep the trail.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, extract::rejection::JsonRejection};
use kechuang_app::talent::{self as use_case, MergeBody, TalentParams};
use kechuang_store::AuditAction;
use kechuang_talent::shipped;
use serde_json::{Value, json};

use crate::Shared;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Allowed, can};

pub(super) async fn list(
    State(state): State<Shared>,
    ctx: Allowed<can::Talent>,
    Query(q): Query<TalentParams>,
) -> ApiResult<Json<Value>> {
    let caller = ctx.caller();
    let (total, items) = use_case::search_in(&use_case::pool(&state.store, &caller).await?, &q);
    use_case::audit_read(
        &state.auditor,
        &caller,
        AuditAction::TalentList,
        &format!("page {}", q.page.unwrap_or(1).max(1)),
    )
    .await;
    Ok(Json(
        json!({"total": total, "items": items, "criteria": shipped().version, "as_of": use_case::this_year()}),
    ))
}

pub(super) async fn stats(
    State(state): State<Shared>,
    ctx: Allowed<can::Talent>,
) -> ApiResult<Json<kechuang_talent::Statistics>> {
    let pool = use_case::pool(&state.store, &ctx.caller()).await?;
    Ok(Json(use_case::statistics_in(&pool)))
}

pub(super) async fn duplicates(
    State(state): State<Shared>,
    ctx: Allowed<can::Talent>,
) -> ApiResult<Json<Value>> {
    let caller = ctx.caller();
    let pairs = use_case::pairs_in(&use_case::pool(&state.store, &caller).await?);
    use_case::audit_read(&state.auditor, &caller, AuditAction::TalentDuplicates, "").await;
    Ok(Json(json!({"pairs": pairs})))
}

pub(super) async fn person(
    State(state): State<Shared>,
    ctx: Allowed<can::Talent>,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let (person, evaluation) =
        use_case::person(&state.store, &state.auditor, &ctx.caller(), &id).await?;
    Ok(Json(json!({"person": person, "evaluation": evaluation})))
}

pub(super) async fn import(
    State(state): State<Shared>,
    ctx: Allowed<can::Talent>,
    body: Bytes,
) -> ApiResult<Response> {
    let n = use_case::import_register(&state.store, &state.auditor, &ctx.caller(), &body).await?;
    Ok((StatusCode::CREATED, Json(json!({"imported": n}))).into_response())
}

pub(super) async fn merge_pair(
    State(state): State<Shared>,
    ctx: Allowed<can::Talent>,
    b: Result<Json<MergeBody>, JsonRejection>,
) -> ApiResult<Response> {
    let body = b.map(|Json(v)| v).map_err(ApiError::from)?;
    let record =
        use_case::merge_records(&state.store, &state.auditor, &ctx.caller(), &body).await?;
    Ok((StatusCode::CREATED, Json(record)).into_response())
}

pub(super) async fn merges(
    State(state): State<Shared>,
    _: Allowed<can::Talent>,
) -> ApiResult<Json<Value>> {
    Ok(Json(json!({"merges": state.store.merges().await?})))
}
