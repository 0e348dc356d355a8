//! Survey files as they arrive (upload or command line): read, validated row by row, then checked
//! across files and against the stored previous year. Nothing is written here.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use kechuang_domain::{Field, Severity, SurveyRecord, Text, cross_year};
use kechuang_store::Store;
use kechuang_tabular::survey::{
    LocatedIssue, SurveyFile, SurveyReadOptions, count, read_survey, read_survey_bytes,
};

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

/// The pool that parses uploaded files: one thread per core but one (at least one), each at a
/// lower CPU priority (nice 10 on Linux). Parsing a large file is seconds of CPU; on a small
/// machine it must not take the cores that answer every other request, so readers keep their
/// share while files are parsed, and parsing still gets whatever CPU is idle. A parser's own
/// parallel loops (rayon) run on this pool, not on the global one.
static PARSE_POOL: LazyLock<Option<rayon::ThreadPool>> = LazyLock::new(|| {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .saturating_sub(1)
        .max(1);
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("kechuang-parse-{i}"))
        .start_handler(|_| lower_this_threads_priority())
        .build()
        .map_err(|e| tracing::error!(error = %e, "the parse pool could not start"))
        .ok()
});

/// Files parsed at once: as many as the pool has threads, so that a burst of large uploads waits
/// here, holding only its bytes, instead of holding every parse's memory at once.
static PARSE_SLOTS: LazyLock<tokio::sync::Semaphore> = LazyLock::new(|| {
    tokio::sync::Semaphore::new(PARSE_POOL.as_ref().map_or(1, |p| p.current_num_threads()))
});

/// The niceness of the parse threads: below every request handler, above nothing.
const PARSE_NICENESS: i32 = 10;

#[cfg(target_os = "linux")]
fn lower_this_threads_priority() {
    // On Linux the nice value belongs to the thread, so this leaves the rest of the process alone.
    let me = rustix::thread::gettid();
    if let Err(e) = rustix::process::setpriority_process(Some(me), PARSE_NICENESS) {
        tracing::warn!(error = %e, "could not lower the parse thread's priority");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_this_threads_priority() {
    let _ = PARSE_NICENESS;
}

/// The niceness of the calling thread (Linux), for the test that parsing runs below the handlers.
#[cfg(target_os = "linux")]
pub fn this_threads_niceness() -> Option<i32> {
    rustix::process::getpriority_process(Some(rustix::thread::gettid())).ok()
}

/// Runs a parser on the parse pool ([`PARSE_POOL`]), at most [`PARSE_SLOTS`] at a time. A panic
/// in the parser becomes [`IntakeError::Parser`]; the server goes on.
pub async fn parse_blocking<T, F>(parse: F) -> Result<T, IntakeError>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let _slot = PARSE_SLOTS
        .acquire()
        .await
        .map_err(|e| IntakeError::Parser(e.to_string()))?;
    let Some(pool) = PARSE_POOL.as_ref() else {
        // No pool (threads could not be created): parse on the blocking pool as before.
        return tokio::task::spawn_blocking(parse)
            .await
            .map_err(|e| IntakeError::Parser(e.to_string()));
    };
    let (done, answer) = tokio::sync::oneshot::channel();
    pool.spawn(move || {
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse));
        let _ = done.send(outcome);
    });
    match answer.await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(panic)) => Err(IntakeError::Parser(panic_message(panic.as_ref()))),
        Err(_) => Err(IntakeError::Parser("the parser stopped".into())),
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "the parser panicked".into())
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

/// Where files are parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parsing {
    /// On the low-priority parse pool, so that a server goes on answering requests.
    Background,
    /// On every core: a command the user is waiting for.
    Foreground,
}

/// Reads and validates every file, then checks each record against the same enterprise's stored
/// previous year and for the same enterprise and year in two files.
pub async fn validate(
    store: &Store,
    files: &[PathBuf],
    options: &SurveyReadOptions,
    parsing: Parsing,
) -> Result<Validated, IntakeError> {
    let mut read = Vec::new();
    for f in files {
        let (path, opts) = (f.clone(), options.clone());
        let file = parse_on(parsing, move || read_survey(&path, &opts)).await?;
        read.push((f.clone(), file));
    }
    against_store(store, read, options).await
}

/// [`validate`] of one uploaded file's bytes, named `file_name` in every issue: read where it is,
/// never written to disk.
pub async fn validate_upload(
    store: &Store,
    file_name: &str,
    bytes: Vec<u8>,
    options: &SurveyReadOptions,
    parsing: Parsing,
) -> Result<Validated, IntakeError> {
    let name = PathBuf::from(file_name);
    let (path, opts) = (name.clone(), options.clone());
    let file = parse_on(parsing, move || read_survey_bytes(&path, bytes, &opts)).await?;
    against_store(store, vec![(name, file)], options).await
}

/// Runs a parse where `parsing` says.
async fn parse_on<T, F>(parsing: Parsing, parse: F) -> Result<T, IntakeError>
where
    T: Send + 'static,
    F: FnOnce() -> kechuang_tabular::Result<T> + Send + 'static,
{
    Ok(match parsing {
        Parsing::Background => parse_blocking(parse).await??,
        Parsing::Foreground => tokio::task::spawn_blocking(parse)
            .await
            .map_err(|e| IntakeError::Parser(e.to_string()))??,
    })
}

/// The files' own issues, then each record checked against the same enterprise's stored previous
/// year and for the same enterprise and year in two files.
async fn against_store(
    store: &Store,
    read: Vec<(PathBuf, SurveyFile)>,
    options: &SurveyReadOptions,
) -> Result<Validated, IntakeError> {
    let mut issues: Vec<LocatedIssue> = read
        .iter()
        .flat_map(|(_, f)| f.issues.iter().cloned())
        .collect();
    // The first file of each (code, year), by its position in `read`.
    let mut seen: foldhash::HashMap<(&str, i32), usize> = Default::default();
    let mut years: HashSet<i32> = HashSet::new();
    for (k, (path, file)) in read.iter().enumerate() {
        for r in &file.records {
            years.insert(r.year);
            if let Some(first) = seen.insert((r.credit_code.as_str(), r.year), k)
                && read[first].0 != *path
            {
                issues.push(located(
                    path,
                    r,
                    "duplicate_record",
                    Severity::Error,
                    format!(
                        "the same enterprise and year is also in {}",
                        read[first].0.display()
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
                    for i in cross_year(p, r, &options.context) {
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
            jump_factor: None,
        },
        limits: kechuang_tabular::survey::GridLimits::for_uploads(max_upload_bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn files_are_parsed_on_the_pool_below_the_request_handlers() {
        let handler = this_threads_niceness().expect("niceness");
        let parser = parse_blocking(this_threads_niceness)
            .await
            .expect("parsed")
            .expect("niceness");
        assert!(
            parser >= PARSE_NICENESS.max(handler),
            "{parser} vs {handler}"
        );
        let name = parse_blocking(|| std::thread::current().name().map(str::to_string))
            .await
            .expect("parsed");
        assert!(name.is_some_and(|n| n.starts_with("kechuang-parse-")));
    }

    #[tokio::test]
    async fn a_panicking_parser_is_an_error_not_a_crash() {
        let outcome = parse_blocking(|| -> u8 { panic!("bad cell") }).await;
        assert!(matches!(outcome, Err(IntakeError::Parser(m)) if m.contains("bad cell")));
        // The pool goes on.
        assert_eq!(parse_blocking(|| 7).await.expect("parsed"), 7);
    }
}
