//! `kechuang survey template|import|export`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use kechuang_domain::{Field, ParseContext, Severity, SurveyRecord, Text, cross_year};
use kechuang_store::{BatchMeta, ImportSummary, Store};
use kechuang_tabular::survey::{
    Encoding, LocatedIssue, SurveyFile, SurveyReadOptions, count, current_year, read_mapping,
    read_survey, records_table, report_table,
};
use kechuang_tabular::{write_csv_table, write_template, write_xlsx};

use crate::args::{ExportArgs, ImportArgs, TemplateArgs};
use crate::index::{InvalidInput, invalid_tabular};
use crate::output::sha256_file;
use crate::runtime;

pub fn template(args: &TemplateArgs) -> Result<()> {
    write_template(&args.out).map_err(invalid_tabular)?;
    println!("wrote {}", args.out.display());
    Ok(())
}

/// Files read and validated, with the issues that the store adds (cross-year checks against stored
/// years, duplicates across files).
pub struct Validated {
    pub files: Vec<(PathBuf, SurveyFile)>,
    pub issues: Vec<LocatedIssue>,
}

impl Validated {
    pub fn errors(&self) -> usize {
        count(&self.issues, Severity::Error)
    }

    pub fn warnings(&self) -> usize {
        count(&self.issues, Severity::Warning)
    }
}

pub fn read_options(
    encoding: &str,
    sheet: Option<String>,
    mapping: Option<&Path>,
) -> Result<SurveyReadOptions> {
    let encoding = Encoding::parse(encoding).ok_or_else(|| {
        InvalidInput(format!(
            "--encoding '{encoding}': use auto, utf-8, gbk or gb18030"
        ))
    })?;
    let mapping = match mapping {
        Some(p) => read_mapping(p).map_err(invalid_tabular)?,
        None => HashMap::new(),
    };
    Ok(SurveyReadOptions {
        encoding,
        sheet,
        mapping,
        context: ParseContext {
            max_year: current_year(),
        },
    })
}

/// Reads and validates every file, then checks each record against the same enterprise's stored
/// previous year and for the same enterprise and year in two files.
pub async fn validate(
    store: &Store,
    files: &[PathBuf],
    options: &SurveyReadOptions,
) -> Result<Validated> {
    let mut read = Vec::new();
    let mut issues = Vec::new();
    for f in files {
        let file = read_survey(f, options).map_err(invalid_tabular)?;
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

pub fn write_report(issues: &[LocatedIssue], path: &Path) -> Result<()> {
    let table = report_table(issues);
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
    {
        write_xlsx(&[table], path)?;
    } else {
        write_csv_table(&table, path, true)?;
    }
    Ok(())
}

/// Imports validated files, one batch and one transaction each, with a progress bar.
pub async fn import_validated(
    store: &Store,
    v: &Validated,
    user: &str,
) -> Result<Vec<(PathBuf, ImportSummary)>> {
    let mut out = Vec::new();
    let warnings = v.warnings();
    for (path, file) in &v.files {
        let bar = ProgressBar::new(file.records.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} rows ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar.set_message(
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
        );
        let meta = BatchMeta {
            file_name: path.display().to_string(),
            sha256: sha256_file(path)?,
            user_name: user.into(),
            warnings: if v.files.len() == 1 {
                warnings
            } else {
                file.warnings()
            },
        };
        let summary = store
            .import(&meta, &file.records, &|done| {
                bar.set_position(done as u64);
                true
            })
            .await
            .with_context(|| format!("importing {}", path.display()))?;
        bar.finish_and_clear();
        out.push((path.clone(), summary));
    }
    Ok(out)
}

pub fn print_issues(issues: &[LocatedIssue], limit: usize) {
    for i in issues.iter().take(limit) {
        eprintln!("  {i}");
    }
    if issues.len() > limit {
        eprintln!(
            "  … and {} more (write them all with --report FILE)",
            issues.len() - limit
        );
    }
}

pub fn import(args: &ImportArgs) -> Result<()> {
    let options = read_options(&args.encoding, args.sheet.clone(), args.mapping.as_deref())?;
    runtime()?.block_on(async {
        let store = Store::open(&args.store.db).await.with_context(|| format!("opening the store {}", args.store.db))?;
        let v = validate(&store, &args.files, &options).await?;
        let rows: usize = v.files.iter().map(|(_, f)| f.rows).sum();
        println!("{} file(s), {rows} rows: {} errors, {} warnings", v.files.len(), v.errors(), v.warnings());
        print_issues(&v.issues, 20);
        if let Some(report) = &args.report {
            write_report(&v.issues, report)?;
            println!("validation report: {}", report.display());
        }
        if v.errors() > 0 {
            return Err(InvalidInput(format!("{} error(s) in the files: nothing was imported", v.errors())).into());
        }
        if v.warnings() > 0 && !args.accept_warnings {
            return Err(InvalidInput(format!("{} warning(s): review them, then pass --accept-warnings to import; nothing was imported", v.warnings())).into());
        }
        if args.dry_run {
            println!("dry run: nothing was imported");
            return Ok(());
        }
        for (path, s) in import_validated(&store, &v, &args.user).await? {
            println!("{}: batch {}: {} new, {} updated (previous versions kept), {} unchanged", path.display(), s.batch_id, s.inserted, s.updated, s.unchanged);
        }
        Ok(())
    })
}

pub fn export(args: &ExportArgs) -> Result<()> {
    runtime()?.block_on(async {
        let store = Store::open(&args.store.db)
            .await
            .with_context(|| format!("opening the store {}", args.store.db))?;
        let years = if args.years.is_empty() {
            store.years().await?
        } else {
            args.years.clone()
        };
        let records = store.load_years(&years).await?;
        let ext = args
            .out
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        match ext.as_str() {
            "xlsx" => write_xlsx(&[records_table(&records)], &args.out)?,
            "parquet" => kechuang_tabular::write_records_parquet(&records, &args.out)?,
            _ => write_csv_table(&records_table(&records), &args.out, true)?,
        }
        println!(
            "exported {} records ({years:?}) to {}",
            records.len(),
            args.out.display()
        );
        Ok(())
    })
}
