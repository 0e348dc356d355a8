//! Survey uploads: validated, reported issue by issue, stored all or nothing; the import history.

use crate::api::prelude::*;

pub use kechuang_app::imports::{ImportSummary, IssueView, REPORTED_ISSUES, Upload, UploadReport};

/// Validates an uploaded survey file and, unless `dry_run` or it has errors, imports it in one
/// transaction (see [`kechuang_app::imports::upload_survey`]).
pub async fn upload_survey(
    state: &Shared,
    ctx: &Allowed<can::FileSurvey>,
    file_name: &str,
    bytes: &[u8],
    dry_run: bool,
) -> ApiResult<UploadReport> {
    let upload = Upload {
        file_name,
        bytes,
        dry_run,
    };
    Ok(kechuang_app::imports::upload_survey(
        state,
        &ctx.caller(),
        upload,
        state.config.max_upload_bytes,
    )
    .await?)
}

/// `?file_name=&dry_run=`.
#[derive(Debug, Deserialize)]
pub struct UploadParams {
    /// The file's name (its extension decides CSV or XLSX).
    pub file_name: String,
    /// Validate only.
    #[serde(default)]
    pub dry_run: bool,
}

pub(super) async fn upload(
    State(state): State<Shared>,
    ctx: Allowed<can::FileSurvey>,
    Query(params): Query<UploadParams>,
    body: Bytes,
) -> ApiResult<Response> {
    let report = upload_survey(&state, &ctx, &params.file_name, &body, params.dry_run).await?;
    let status = if report.errors > 0 {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if report.imported {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(report)).into_response())
}

pub(super) async fn imports(
    State(state): State<Shared>,
    _: Allowed<can::BuildIndex>,
) -> ApiResult<Json<Value>> {
    let list: Vec<Value> = state
        .store
        .batches()
        .await?
        .into_iter()
        .map(|b| json!({"id": b.id, "file_name": b.file_name, "sha256": b.sha256, "rows": b.rows_total,
                        "inserted": b.rows_inserted, "updated": b.rows_updated, "unchanged": b.rows_unchanged,
                        "warnings": b.warnings, "imported_at": b.imported_at, "user": b.user_name}))
        .collect();
    Ok(Json(json!({"imports": list})))
}
