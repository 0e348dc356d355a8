//! `kechuang survey template|import|export`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use kechuang_app::intake::{IntakeError, Validated};
use kechuang_domain::ParseContext;
use kechuang_store::{BatchMeta, ImportSummary, Store};
use kechuang_tabular::survey::{
    Encoding, LocatedIssue, SurveyReadOptions, current_year, read_mapping, records_table,
    report_table,
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
            jump_factor: None,
        },
        limits: kechuang_tabular::survey::GridLimits::default(),
    })
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

/// Reads and validates the files (see [`kechuang_app::intake::validate`]); a file that cannot be
/// read is the user's to fix (exit code 1).
pub async fn validate(
    store: &Store,
    files: &[PathBuf],
    options: &SurveyReadOptions,
) -> Result<Validated> {
    kechuang_app::intake::validate(
        store,
        files,
        options,
        kechuang_app::intake::Parsing::Foreground,
    )
    .await
    .map_err(|e| match e {
        IntakeError::File(e) => invalid_tabular(e),
        IntakeError::Store(e) => e.into(),
        e @ IntakeError::Parser(_) => anyhow::anyhow!(e),
    })
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
    let mut options = read_options(&args.encoding, args.sheet.clone(), args.mapping.as_deref())?;
    if let Some(f) = args.jump_factor {
        if !(f.is_finite() && f > 1.0) {
            return Err(InvalidInput(format!("--jump-factor {f}: give a factor above 1")).into());
        }
        options.context.jump_factor = Some(f);
    }
    let phases = crate::index::Phases::from_env();
    runtime()?.block_on(async {
        // Written at once: see `Store::open_bulk`.
        let store = Store::open_bulk(&args.store.db).await.with_context(|| format!("opening the store {}", args.store.db))?;
        phases.done("open the store");
        let v = validate(&store, &args.files, &options).await?;
        phases.done("read and validate");
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
        phases.done("store");
        store.close().await;
        phases.done("close the store");
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
            _ => write_csv_table(&records_table(&records), &args.out, true).map(drop)?,
        }
        println!(
            "exported {} records ({years:?}) to {}",
            records.len(),
            args.out.display()
        );
        Ok(())
    })
}
