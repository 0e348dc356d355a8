//! Filing the survey online (调查上报): an uploaded file validated where it is, reported issue by
//! issue, stored all or nothing, the attempt audited. An enterprise account files its own rows
//! only.

use kechuang_domain::Severity;
use kechuang_store::{AuditAction, BatchMeta};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::access::{Capability, Role};
use crate::{App, Caller, Error, Result, intake};

/// An uploaded survey file.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    /// The name the user gave it (its extension decides CSV or XLSX; issues are located in it).
    pub file_name: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
    /// Validate only.
    pub dry_run: bool,
}

/// SHA-256 of the file, hex: the import batch's fingerprint.
fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

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
    pub summary: Option<ImportSummary>,
}

/// What an import stored.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    /// The import batch.
    pub batch_id: i64,
    /// New (enterprise, year) records.
    pub inserted: usize,
    /// Records replaced by changed ones.
    pub updated: usize,
    /// Records filed again unchanged.
    pub unchanged: usize,
}

impl std::fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "batch {}: {} inserted, {} updated, {} unchanged",
            self.batch_id, self.inserted, self.updated, self.unchanged
        )
    }
}

/// Validates an uploaded survey file and, unless `dry_run` or it has errors, imports it in one
/// transaction. An enterprise user may only file rows of its own enterprise.
pub async fn upload_survey(
    app: &App,
    caller: &Caller<'_>,
    upload: Upload<'_>,
    max_upload_bytes: usize,
) -> Result<UploadReport> {
    let p = caller.require(Capability::FileSurvey)?;
    let Upload {
        file_name,
        bytes,
        dry_run,
    } = upload;
    let known = std::path::Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .is_some_and(|e| e == "csv" || e == "xlsx");
    if !known {
        return Err(Error::Invalid(format!(
            "{file_name}: upload a .csv or .xlsx survey file"
        )));
    }
    if bytes.is_empty() {
        return Err(Error::Invalid(format!("{file_name} is empty")));
    }
    let result = async {
        let options = intake::detected_options(max_upload_bytes);
        let v = intake::validate_upload(
            &app.store,
            file_name,
            bytes.to_vec(),
            &options,
            intake::Parsing::Background,
        )
        .await
        .map_err(|e| match e {
            intake::IntakeError::File(e) => Error::Invalid(e.to_string()),
            intake::IntakeError::Store(e) => e.into(),
            intake::IntakeError::Parser(m) => Error::Internal(m),
        })?;
        if p.role == Role::Enterprise {
            let own = p.scope.first().cloned().unwrap_or_default();
            if let Some(other) = v
                .files
                .iter()
                .flat_map(|(_, f)| &f.records)
                .find(|r| r.credit_code.as_str() != own)
            {
                return Err(Error::Forbidden(format!(
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
                sha256: sha256_hex(bytes),
                user_name: p.name.clone(),
                warnings: report.warnings,
            };
            let s = app.store.import(&meta, &records, &|_| true).await?;
            report.imported = true;
            report.summary = Some(ImportSummary {
                batch_id: s.batch_id,
                inserted: s.inserted,
                updated: s.updated,
                unchanged: s.unchanged,
            });
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
    app.auditor
        .record(
            &p.name,
            AuditAction::SurveyUpload,
            file_name,
            caller.remote,
            outcome,
        )
        .await;
    result
}
