//! `kechuang index build` and `kechuang index check`.

use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use kechuang_engine::{Build, BuildOptions, Dataset, Framework};
use kechuang_tabular::{
    LoadedFramework, ReadOptions, build_tables, load_framework, read_dataset, write_csv, write_xlsx,
};
use serde::Serialize;

use crate::args::{BuildArgs, CheckArgs};
use crate::output::{MANIFEST, OutputDir, sha256_file};

/// The input has problems the user must fix (exit code 1).
#[derive(Debug)]
pub struct InvalidInput(pub String);

impl std::fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidInput {}

fn invalid_tabular(e: kechuang_tabular::Error) -> anyhow::Error {
    match e {
        kechuang_tabular::Error::Io { .. } => anyhow::Error::new(e),
        other => InvalidInput(other.to_string()).into(),
    }
}

fn invalid_engine(path: &Path, e: kechuang_engine::Error) -> anyhow::Error {
    InvalidInput(format!("{}: {e}", path.display())).into()
}

fn load(
    framework: &Path,
    data: Option<&Path>,
    extra_groups: &[String],
) -> Result<(LoadedFramework, Option<Dataset>)> {
    let loaded = load_framework(framework).map_err(invalid_tabular)?;
    let data = match data {
        None => None,
        Some(path) => {
            let mut group_columns = loaded.framework.required_columns().1;
            group_columns.extend(extra_groups.iter().cloned());
            group_columns.dedup();
            Some(read_dataset(path, &ReadOptions { group_columns }).map_err(invalid_tabular)?)
        }
    };
    Ok((loaded, data))
}

fn run_build(
    framework: &Framework,
    data: Dataset,
    data_path: &Path,
    keep_stages: bool,
) -> Result<Build> {
    let spinner = ProgressBar::new_spinner();
    spinner.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    spinner.enable_steady_tick(Duration::from_millis(120));
    let report = |step: &str| spinner.set_message(format!("{step} …"));
    let options = BuildOptions {
        keep_stages,
        rank_aggregates: true,
        progress: Some(&report),
    };
    let build = Build::run(framework, data, options).map_err(|e| invalid_engine(data_path, e));
    spinner.finish_and_clear();
    build
}

#[derive(Serialize)]
struct FileDigest {
    path: String,
    sha256: String,
}

#[derive(Serialize)]
struct Manifest<'a> {
    kechuang_version: &'static str,
    engine_version: &'static str,
    created_unix_seconds: u64,
    framework_id: &'a str,
    framework_version: &'a str,
    framework_files: Vec<FileDigest>,
    data: FileDigest,
    input_rows: usize,
    units_built: usize,
    screened_out: usize,
    years: Vec<i32>,
    rebuild: String,
    settings: &'a Framework,
    outputs: Vec<FileDigest>,
}

pub fn build(args: &BuildArgs) -> Result<()> {
    let (loaded, data) = load(&args.framework, Some(&args.data), &args.groups)?;
    let data = data.context("no data")?;
    let input_rows = data.len();
    let years = data.years();
    let fw = &loaded.framework;
    let build = run_build(fw, data, &args.data, true)?;
    let tables = build_tables(&build);

    let out = OutputDir::create(&args.out)?;
    let mut outputs = Vec::new();
    for t in &tables {
        let path = out.path().join(format!("{}.csv", t.name));
        write_csv(t, &path)?;
        outputs.push(path);
    }
    if args.xlsx {
        let path = out.path().join("index.xlsx");
        write_xlsx(&tables, &path)?;
        outputs.push(path);
    }
    // Copies of the framework files, so that the output directory alone can rebuild the scores.
    let framework_dir = out.path().join("framework");
    std::fs::create_dir(&framework_dir)?;
    let mut framework_files = Vec::new();
    for f in &loaded.files {
        let name = f.file_name().context("framework file name")?;
        std::fs::copy(f, framework_dir.join(name))
            .with_context(|| format!("copying {}", f.display()))?;
        framework_files.push(FileDigest {
            path: f.display().to_string(),
            sha256: sha256_file(f)?,
        });
    }
    // A TOML file naming an iMeta file by a relative path is rewritten to name the copy beside it.
    if let (Some(spec), Some(imeta)) = (&loaded.spec, loaded.files.get(1)) {
        let mut copy = spec.clone();
        copy.imeta = imeta.file_name().map(|n| n.to_string_lossy().into_owned());
        let name = loaded.files[0].file_name().context("framework file name")?;
        std::fs::write(
            framework_dir.join(name),
            copy.to_toml().map_err(anyhow::Error::msg)?,
        )?;
    }
    let manifest = Manifest {
        kechuang_version: env!("CARGO_PKG_VERSION"),
        engine_version: kechuang_engine::VERSION,
        created_unix_seconds: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        framework_id: &fw.id,
        framework_version: &fw.version,
        framework_files,
        data: FileDigest {
            path: args.data.display().to_string(),
            sha256: sha256_file(&args.data)?,
        },
        input_rows,
        units_built: build.rows.len(),
        screened_out: build.records.screened_out.len(),
        years,
        rebuild: format!(
            "kechuang index build --data {} --framework framework/{} --out OUT",
            args.data.display(),
            loaded.files[0]
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        ),
        settings: fw,
        outputs: outputs
            .iter()
            .map(|p| {
                Ok(FileDigest {
                    path: p
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    sha256: sha256_file(p)?,
                })
            })
            .collect::<Result<_>>()?,
    };
    let json = serde_json::to_string_pretty(&manifest)?;
    std::fs::write(out.path().join(MANIFEST), json)?;
    out.commit()?;

    summarise(&build, &args.out);
    Ok(())
}

fn summarise(build: &Build, out: &Path) {
    let fw = &build.framework;
    println!(
        "built {} {} on {} units ({} screened out): {} stages, {} warnings",
        fw.id,
        fw.version,
        build.rows.len(),
        build.records.screened_out.len(),
        build.stages.len(),
        build.records.warnings.len()
    );
    for w in &build.records.warnings {
        println!("  warning: {w}");
    }
    let root = fw.root();
    let mut top: Vec<usize> = (0..build.rows.len())
        .filter(|&u| build.ranks[u].is_some())
        .collect();
    top.sort_by_key(|&u| {
        (
            build.units.times.as_ref().map(|t| std::cmp::Reverse(t[u])),
            build.ranks[u],
        )
    });
    println!("top units by {}:", fw.nodes[root].code);
    for &u in top.iter().take(5) {
        let year = build
            .units
            .times
            .as_ref()
            .map(|t| format!(" {}", t[u]))
            .unwrap_or_default();
        println!(
            "  {:>4}  {:<12} {:<24} {:8.2}{year}",
            build.ranks[u].unwrap_or(0),
            build.units.codes[u],
            build.units.names[u],
            build.scores[root][u]
        );
    }
    println!("wrote {}", out.display());
}

pub fn check(args: &CheckArgs) -> Result<()> {
    let (loaded, data) = load(&args.framework, args.data.as_deref(), &args.groups)?;
    let fw = &loaded.framework;
    println!(
        "framework {} {}: {} indicators, {} aggregates, {} levels, steps: {}",
        fw.id,
        fw.version,
        fw.indicator_count,
        fw.aggregates().len(),
        fw.max_level(),
        fw.steps
            .iter()
            .map(|s| s.name())
            .collect::<Vec<_>>()
            .join(" → ")
    );
    if let (Some(data), Some(path)) = (data, args.data.as_ref()) {
        let rows = data.len();
        let build = run_build(fw, data, path, false)?;
        println!(
            "data {}: {rows} rows, {} units after screening: the build would succeed",
            path.display(),
            build.rows.len()
        );
        for w in &build.records.warnings {
            println!("  warning: {w}");
        }
    }
    Ok(())
}
