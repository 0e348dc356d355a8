//! Survey files as they arrive (upload or command line): read, validated row by row, then checked
//! across files and against the stored previous year. Nothing is written here.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use kechuang_domain::{Field, Severity, SurveyRecord, Text, cross_year};
use kechuang_store::Store;
use kechuang_tabular::survey::{LocatedIssue, SurveyFile, SurveyReadOptions, count, read_survey};

/// Why files could not be validated at all (as opposed to the issues found in them).
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    /// The file cannot be read as a survey file (format, encoding, missing columns…).
    #[error(transparent)]
    File(#[from] kechuang_tabular::Error),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] kechuang_store::Error),
    /// The parser stopped without an answer (it panicked: a bug, reported as such).
    #[error("reading the file failed: {0}")]
    Parser(String),
}

/// Files parsed at once by this process: parsing is CPU-bound and runs off the async workers, and
/// a burst of large uploads waits here instead of taking every core and its memory at once.
static PARSE_SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// Runs a parser on the blocking pool, at most [`PARSE_SLOTS`] at a time. A panic in the parser
/// becomes [`IntakeError::Parser`]; the server goes on.
pub async fn parse_blocking<T, F>(parse: F) -> Result<T, IntakeError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let _slot = PARSE_SLOTS
        .acquire()
        .await
        .map_err(|e| IntakeError::Parser(e.to_string()))?;
    tokio::task::spawn_blocking(parse)
        .await
        .map_err(|e| IntakeError::Parser(e.to_string()))
}

/// Files read and validated, with the issues that the store adds (cross-year checks against stored
/// years, duplicates across files).
pub struct Validated {
    /// Each file and what was read from it.
    pub files: Vec<(PathBuf, SurveyFile)>,
    /// Every issue of every file, and those found across files and against the store.
    pub issues: Vec<LocatedIssue>,
}

impl Validated {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        count(&self.issues, Severity::Error)
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        count(&self.issues, Severity::Warning)
    }
}

/// Reads and validates every file, then checks each record against the same enterprise's stored
/// previous year and for the same enterprise and year in two files.
pub async fn validate(
    store: &Store,
    files: &[PathBuf],
    options: &SurveyReadOptions,
) -> Result<Validated, IntakeError> {
    let mut read = Vec::new();
    let mut issues = Vec::new();
    for f in files {
        let (path, opts) = (f.clone(), options.clone());
        let file = parse_blocking(move || read_survey(&path, &opts)).await??;
        issues.extend(file.issues.iter().cloned());
        read.push((f.clone(), file));
    }
    let mut seen: HashMap<(String, i32), PathBuf> = HashMap::new();
    let mut years: HashSet<i32> = HashSet::new();
    for (path, file) in &read {
        for r in &file.records {
            years.insert(r.year);
            if let Some(first) = seen.insert((r.credit_code.to_string(), r.year), path.clone())
                && first != *path
            {
                issues.push(located(
                    path,
                    r,
                    "duplicate_record",
                    Severity::Error,
                    format!(
                        "the same enterprise and year is also in {}",
                        first.display()
                    ),
                ));
            }
        }
    }
    // The previous year may already be stored: check jumps against it.
    for &y in &years {
        if years.contains(&(y - 1)) {
            continue; // checked within the files
        }
        let previous: HashMap<String, SurveyRecord> = store
            .load_year(y - 1)
            .await?
            .into_iter()
            .map(|r| (r.credit_code.to_string(), r))
            .collect();
        if previous.is_empty() {
            continue;
        }
        for (path, file) in &read {
            for r in file.records.iter().filter(|r| r.year == y) {
                if let Some(p) = previous.get(r.credit_code.as_str()) {
                    for i in cross_year(p, r) {
                        issues.push(located(
                            path,
                            r,
                            i.rule,
                            i.severity,
                            format!("{} (stored {})", i.message, y - 1),
                        ));
                    }
                }
            }
        }
    }
    Ok(Validated {
        files: read,
        issues,
    })
}

fn located(
    path: &Path,
    r: &SurveyRecord,
    rule: &str,
    severity: Severity,
    message: String,
) -> LocatedIssue {
    LocatedIssue {
        file: path.to_path_buf(),
        sheet: None,
        row: 0,
        column: Field::Text(Text::CreditCode).zh().into(),
        value: format!("{} {}", r.credit_code, r.year),
        rule: rule.into(),
        severity,
        message,
    }
}

/// Options for a file as it arrives: encoding detected, first sheet, the standard columns.
pub fn detected_options(max_upload_bytes: usize) -> SurveyReadOptions {
    SurveyReadOptions {
        encoding: kechuang_tabular::survey::Encoding::Detect,
        sheet: None,
        mapping: HashMap::new(),
        context: kechuang_domain::ParseContext {
            max_year: kechuang_tabular::survey::current_year(),
        },
        limits: kechuang_tabular::survey::GridLimits::for_uploads(max_upload_bytes),
    }
}

/// An uploaded file written to a private temporary folder (the file readers take paths), removed
/// when dropped — on every path out, errors included.
pub struct TempUpload {
    dir: PathBuf,
    /// The file.
    pub path: PathBuf,
}

impl TempUpload {
    /// Writes `bytes` as `upload.{extension}` in a new folder with a random name.
    pub fn write(extension: &str, bytes: &[u8], random: &str) -> std::io::Result<TempUpload> {
        let dir = std::env::temp_dir().join(format!("kechuang-upload-{random}"));
        std::fs::create_dir_all(&dir)?;
        let upload = TempUpload {
            path: dir.join(format!("upload.{extension}")),
            dir,
        };
        std::fs::write(&upload.path, bytes)?;
        Ok(upload)
    }

    /// A message about the file with its temporary path replaced by the name the user gave.
    pub fn named(&self, message: &str, file_name: &str) -> String {
        message.replace(&self.path.display().to_string(), file_name)
    }
}

impl Drop for TempUpload {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
