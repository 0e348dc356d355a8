//! Survey uploads: validated, reported issue by issue, stored all or nothing; the import history.

use super::*;

/// The most issues an upload report lists (their total is always given).
pub const REPORTED_ISSUES: usize = 10_000;

/// One issue of an uploaded file, located.
#[derive(Debug, Clone, Serialize)]
pub struct IssueView {
    /// 1-based row as the user sees it (the header is row 1).
    pub row: usize,
    /// The column header as written.
    pub column: String,
    /// The value as written.
    pub value: String,
    /// Rule id.
    pub rule: String,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// What is wrong.
    pub message: String,
}

/// What an upload found and did.
#[derive(Debug, Serialize)]
pub struct UploadReport {
    /// File name as given.
    pub file_name: String,
    /// Data rows read.
    pub rows: usize,
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Issues found (errors and warnings), of which `issues` holds the first
    /// [`REPORTED_ISSUES`] in file order.
    pub issues_total: usize,
    /// The first issues, in file order (the whole list of a file with hundreds of thousands of
    /// mistakes helps nobody and would be a response many times the upload's size).
    pub issues: Vec<IssueView>,
    /// Whether the rows were imported (only when there are no errors and it was not a dry run).
    pub imported: bool,
    /// Rows inserted, updated, unchanged.
    pub summary: Option<Value>,
}

/// Validates an uploaded survey file and, unless `dry_run` or it has errors, imports it in one
/// transaction. An enterprise user may only file rows of its own enterprise.
pub async fn upload_survey(
    state: &Shared,
    ctx: &Allowed<can::FileSurvey>,
    file_name: &str,
    bytes: &[u8],
    dry_run: bool,
) -> ApiResult<UploadReport> {
    let p = ctx.principal();
    let known = std::path::Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .is_some_and(|e| e == "csv" || e == "xlsx");
    if !known {
        return Err(ApiError::BadRequest(format!(
            "{file_name}: upload a .csv or .xlsx survey file"
        )));
    }
    if bytes.is_empty() {
        return Err(ApiError::BadRequest(format!("{file_name} is empty")));
    }
    let result = async {
        let options = crate::intake::detected_options(state.config.max_upload_bytes);
        let v = crate::intake::validate_upload(
            &state.store,
            file_name,
            bytes.to_vec(),
            &options,
            crate::intake::Parsing::Background,
        )
        .await
        .map_err(|e| match e {
            crate::intake::IntakeError::File(e) => ApiError::BadRequest(e.to_string()),
            crate::intake::IntakeError::Store(e) => e.into(),
            crate::intake::IntakeError::Parser(m) => ApiError::Internal(m),
        })?;
        if p.role == Role::Enterprise {
            let own = p.scope.first().cloned().unwrap_or_default();
            if let Some(other) = v
                .files
                .iter()
                .flat_map(|(_, f)| &f.records)
                .find(|r| r.credit_code.as_str() != own)
            {
                return Err(ApiError::Forbidden(format!(
                    "an enterprise account may only file its own survey; the file has {}",
                    other.credit_code
                )));
            }
        }
        let issues: Vec<IssueView> = v
            .issues
            .iter()
            .take(REPORTED_ISSUES)
            .map(|i| IssueView {
                row: i.row,
                column: i.column.clone(),
                value: i.value.clone(),
                rule: i.rule.clone(),
                severity: if i.severity == Severity::Error {
                    "error"
                } else {
                    "warning"
                },
                message: i.message.clone(),
            })
            .collect();
        let rows = v.files.iter().map(|(_, f)| f.rows).sum();
        let mut report = UploadReport {
            file_name: file_name.to_string(),
            rows,
            errors: v.errors(),
            warnings: v.warnings(),
            issues_total: v.issues.len(),
            issues,
            imported: false,
            summary: None,
        };
        if report.errors == 0 && !dry_run {
            let records: Vec<_> = v.files.into_iter().flat_map(|(_, f)| f.records).collect();
            let meta = BatchMeta {
                file_name: file_name.to_string(),
                sha256: crate::auth::digest_bytes(bytes),
                user_name: p.name.clone(),
                warnings: report.warnings,
            };
            let s = state.store.import(&meta, &records, &|_| true).await?;
            report.imported = true;
            report.summary = Some(json!({"batch_id": s.batch_id, "inserted": s.inserted, "updated": s.updated, "unchanged": s.unchanged}));
        }
        Ok(report)
    }
    .await;
    let outcome = match &result {
        Ok(r) if r.imported => "imported",
        Ok(r) if r.errors > 0 => "rejected",
        Ok(_) => "validated",
        Err(e) => e.code(),
    };
    state
        .auditor
        .record(
            &p.name,
            kechuang_store::AuditAction::SurveyUpload,
            file_name,
            &ctx.remote,
            outcome,
        )
        .await;
    result
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
