//! `kechuang index build` and `kechuang index check`.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use kechuang_engine::{Build, BuildOptions, Dataset, Framework};
use kechuang_enterprise::stored::{Error as StoredError, build_from_store};
use kechuang_store::Store;
use kechuang_tabular::{
    LoadedFramework, ReadOptions, build_tables, load_framework, other_tables, read_dataset_noting,
    unit_tables, unit_tables_besides_results, write_csv, write_results_and_held_stages_csv,
    write_row_table_csv, write_row_table_parquet, write_stage_csv, write_stage_parquet,
    write_table_parquet, write_xlsx,
};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::args::{BuildArgs, CheckArgs, TableFormat, VerifyArgs};
use crate::output::{MANIFEST, OutputDir, blake3_file, sha256_file};
use crate::robustness::{assumptions, monte_carlo, report_title};
use crate::runtime;
use crate::written::{StageWriter, Written};
use kechuang_tabular::OutputDigest;

/// The input has problems the user must fix (exit code 1).
#[derive(Debug)]
pub struct InvalidInput(pub String);

impl std::fmt::Display for InvalidInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidInput {}

pub fn invalid_tabular(e: kechuang_tabular::Error) -> anyhow::Error {
    match e {
        kechuang_tabular::Error::Io { .. } => anyhow::Error::new(e),
        other => InvalidInput(other.to_string()).into(),
    }
}

/// A view that could not be gathered: missing data is the user's to fix (exit code 1).
pub fn invalid_view(e: kechuang_app::views::ViewError) -> anyhow::Error {
    match e {
        kechuang_app::views::ViewError::Missing(m) => InvalidInput(m).into(),
        kechuang_app::views::ViewError::Store(e) => anyhow::Error::new(e),
        kechuang_app::views::ViewError::Stored(e) => anyhow::Error::new(e),
    }
}

pub(crate) fn invalid_engine(source: &str, e: kechuang_engine::Error) -> anyhow::Error {
    InvalidInput(format!("{source}: {e}")).into()
}

/// A framework file, or the name of a framework shipped with kechuang.
pub fn resolve_framework(path: &Path) -> Result<LoadedFramework> {
    if !path.exists()
        && let Some(framework) = path
            .to_str()
            .and_then(kechuang_enterprise::shipped_framework)
    {
        return Ok(LoadedFramework {
            framework,
            files: Vec::new(),
            spec: None,
        });
    }
    load_framework(path).map_err(invalid_tabular)
}

pub(crate) fn read_data(
    loaded: &LoadedFramework,
    path: &Path,
    extra_groups: &[String],
) -> Result<Dataset> {
    let fw = &loaded.framework;
    let (denominators, mut group_columns) = fw.required_columns();
    group_columns.extend(extra_groups.iter().cloned());
    group_columns.dedup();
    // Every column the framework reads: a text column outside these is ignored with a note.
    let mut used: Vec<String> = fw.indicators().iter().map(|n| n.code.clone()).collect();
    used.extend(denominators);
    used.extend(group_columns.iter().cloned());
    let options = ReadOptions {
        group_columns,
        used_columns: Some(used),
    };
    let (data, notes) = read_dataset_noting(path, &options).map_err(invalid_tabular)?;
    for n in notes {
        eprintln!("note: {}: {n}", path.display());
    }
    Ok(data)
}

/// With `KECHUANG_TIMINGS=1`, the time of each phase of a command on standard error (for the
/// benchmarks; a user sees nothing).
pub(crate) struct Phases(Option<std::cell::Cell<(std::time::Instant, f64)>>);

impl Phases {
    pub(crate) fn from_env() -> Phases {
        Phases(
            Phases::wanted()
                .then(|| std::cell::Cell::new((std::time::Instant::now(), Phases::cpu_seconds()))),
        )
    }

    /// The process's CPU time so far (user and system, every thread), from `/proc/self/stat` in
    /// Linux's fixed 100 ticks a second; 0 where that cannot be read.
    fn cpu_seconds() -> f64 {
        let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
        // The fields after the command name, which is in parentheses and may hold spaces.
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
        // utime and stime are the 14th and 15th fields, the 12th and 13th after the name.
        let ticks = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<f64>().ok())
                .unwrap_or(0.0)
        };
        (ticks(11) + ticks(12)) / 100.0
    }

    /// Whether timings are asked for.
    pub(crate) fn wanted() -> bool {
        std::env::var_os("KECHUANG_TIMINGS").is_some()
    }

    /// Prints when each step it is told of starts, counted from now and labelled `label`
    /// (KECHUANG_TIMINGS; nothing otherwise): the engine's steps, a stored build's phases.
    pub(crate) fn step_starts(label: &'static str) -> impl Fn(&str) + Sync {
        let timings = Phases::wanted();
        let started = std::time::Instant::now();
        move |step| {
            if timings {
                eprintln!(
                    "timing:   {label}{step} from {:.2} s",
                    started.elapsed().as_secs_f64()
                );
            }
        }
    }

    pub(crate) fn done(&self, phase: &str) {
        if let Some(start) = &self.0 {
            // The memory held now and at most so far, to see which phase sets the peak.
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let field = |name: &str| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix(name))
                    .map_or(String::new(), |v| v.trim().to_string())
            };
            let (started, cpu) = start.get();
            let cpu_now = Phases::cpu_seconds();
            eprintln!(
                "timing: {phase}: {:.2} s, {:.2} s of CPU (resident {}, peak {})",
                started.elapsed().as_secs_f64(),
                cpu_now - cpu,
                field("VmRSS:"),
                field("VmHWM:")
            );
            start.set((std::time::Instant::now(), cpu_now));
        }
    }
}

pub fn run_build(
    framework: &Framework,
    data: Dataset,
    source: &str,
    keep_stages: bool,
    stage_sink: Option<kechuang_engine::StageSink<'_>>,
) -> Result<Build> {
    let spinner = ProgressBar::new_spinner();
    spinner.set_style(
        ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    spinner.enable_steady_tick(Duration::from_millis(120));
    let starts = Phases::step_starts("step ");
    let report = |step: &str| {
        starts(step);
        spinner.set_message(format!("{step} …"))
    };
    let options = BuildOptions {
        keep_stages,
        rank_aggregates: true,
        progress: Some(&report),
        stage_sink,
    };
    let build = Build::run(framework, data, options).map_err(|e| invalid_engine(source, e));
    spinner.finish_and_clear();
    build
}

/// A file's path and BLAKE3 hash, as `b3sum` prints it: the data, the framework files and every
/// output (`index verify` checks the outputs). BLAKE3 hashed 4 GB of a 10⁶ build's outputs in a
/// quarter of SHA-256's time, which had been a fifth of the build's CPU.
#[derive(Serialize, Clone)]
pub struct FileDigest {
    pub path: String,
    pub blake3: String,
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

fn manifest<'a>(
    build: &'a Build,
    loaded: &LoadedFramework,
    data: FileDigest,
    input_rows: usize,
    years: Vec<i32>,
    rebuild: String,
) -> Result<Manifest<'a>> {
    let fw = &build.framework;
    Ok(Manifest {
        kechuang_version: env!("CARGO_PKG_VERSION"),
        engine_version: kechuang_engine::VERSION,
        created_unix_seconds: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        framework_id: &fw.id,
        framework_version: &fw.version,
        framework_files: loaded
            .files
            .iter()
            .map(|f| {
                Ok(FileDigest {
                    path: f.display().to_string(),
                    blake3: blake3_file(f)?,
                })
            })
            .collect::<Result<_>>()?,
        data,
        input_rows,
        units_built: build.rows.len(),
        screened_out: build.records.screened_out.len(),
        years,
        rebuild,
        settings: fw,
        outputs: Vec::new(),
    })
}

/// What the build wrote already, and what it left to write with the results.
struct Wrote<'a> {
    /// Stages written as the build gave them out, with their digests.
    streamed: Vec<(PathBuf, OutputDigest)>,
    /// Stages to write from the scores with the results ([`Written::held_in_scores`]).
    held: &'a [&'static str],
}

/// Writes every table, the framework files and the manifest into `out`, all at once, after what
/// the build `wrote` as it went.
fn write_outputs(
    out: OutputDir,
    wrote: Wrote<'_>,
    build: &Build,
    loaded: &LoadedFramework,
    xlsx: bool,
    written: &Written,
    mut manifest: Manifest<'_>,
) -> Result<()> {
    let phases = Phases::from_env();
    // Every file is written in parallel: the stages straight from their columns (never held as
    // cells), the other tables from their cells.
    // Tables of one row per unit are made as they are written; the small ones at once.
    // CSV results are written with the stages that repeat their scores, each number formatted once.
    let csv = written.format == TableFormat::Csv;
    let per_unit_tables = if csv {
        unit_tables_besides_results
    } else {
        unit_tables
    };
    let (per_unit, tables) = rayon::join(|| per_unit_tables(build), || other_tables(build));
    phases.done("  the result tables prepared");
    let file = |name: &str| out.path().join(format!("{name}.{}", written.extension()));
    let results_path = file("results");
    let held_paths: Vec<(&str, PathBuf)> = wrote.held.iter().map(|&n| (n, file(n))).collect();
    let held_named: Vec<(&str, &Path)> =
        held_paths.iter().map(|(n, p)| (*n, p.as_path())).collect();
    let stages: Vec<&kechuang_engine::Stage> = build
        .stages
        .iter()
        .filter(|s| written.writes(s.name))
        .collect();
    let stage_paths: Vec<PathBuf> = stages.iter().map(|s| file(s.name)).collect();
    let stage_views: Vec<kechuang_engine::StageView<'_>> =
        stages.iter().map(|s| s.view()).collect();
    let unit_paths: Vec<PathBuf> = per_unit.iter().map(|t| file(&t.name)).collect();
    let table_paths: Vec<PathBuf> = tables.iter().map(|t| file(&t.name)).collect();
    type Writer<T> = fn(&T, &Path) -> kechuang_tabular::Result<OutputDigest>;
    let (stage_writer, unit_writer, table_writer): (
        Writer<kechuang_engine::StageView<'_>>,
        Writer<kechuang_tabular::RowTable<'_>>,
        Writer<kechuang_tabular::Table>,
    ) = match written.format {
        TableFormat::Csv => (write_stage_csv, write_row_table_csv, write_csv),
        TableFormat::Parquet => (
            write_stage_parquet,
            write_row_table_parquet,
            write_table_parquet,
        ),
    };
    // Each file is fingerprinted as it is written.
    type Digests = kechuang_tabular::Result<Vec<OutputDigest>>;
    type ResultsDigests = kechuang_tabular::Result<(OutputDigest, Vec<OutputDigest>)>;
    let ((stages_written, results_written), (units_written, tables_written)): (
        (Digests, Option<ResultsDigests>),
        (Digests, Digests),
    ) = rayon::join(
        || {
            rayon::join(
                || {
                    stage_views
                        .par_iter()
                        .zip(&stage_paths)
                        .map(|(s, p)| stage_writer(s, p))
                        .collect()
                },
                || {
                    csv.then(|| {
                        write_results_and_held_stages_csv(build, &results_path, &held_named)
                    })
                },
            )
        },
        || {
            rayon::join(
                || {
                    per_unit
                        .par_iter()
                        .zip(&unit_paths)
                        .map(|(t, p)| unit_writer(t, p))
                        .collect()
                },
                || {
                    tables
                        .par_iter()
                        .zip(&table_paths)
                        .map(|(t, p)| table_writer(t, p))
                        .collect()
                },
            )
        },
    );
    let (results_digest, held_digests) = match results_written.transpose()? {
        Some((results, held)) => (Some(results), held),
        None => (None, Vec::new()),
    };
    let mut outputs: Vec<(PathBuf, Option<OutputDigest>)> = wrote
        .streamed
        .into_iter()
        .map(|(p, d)| (p, Some(d)))
        .chain(
            held_paths
                .into_iter()
                .map(|(_, p)| p)
                .zip(held_digests.into_iter().map(Some)),
        )
        .chain(
            stage_paths
                .into_iter()
                .zip(stages_written?.into_iter().map(Some)),
        )
        .chain(results_digest.map(|d| (results_path, Some(d))))
        .chain(
            unit_paths
                .into_iter()
                .zip(units_written?.into_iter().map(Some)),
        )
        .chain(
            table_paths
                .into_iter()
                .zip(tables_written?.into_iter().map(Some)),
        )
        .collect();
    phases.done("  stages and tables written");
    if xlsx {
        let path = out.path().join("index.xlsx");
        write_xlsx(&build_tables(build), &path)?;
        outputs.push((path, None));
    }
    // Copies of the framework files, so that the output directory alone can rebuild the scores.
    let framework_dir = out.path().join("framework");
    std::fs::create_dir(&framework_dir)?;
    for f in &loaded.files {
        let name = f.file_name().context("framework file name")?;
        std::fs::copy(f, framework_dir.join(name))
            .with_context(|| format!("copying {}", f.display()))?;
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
    if loaded.files.is_empty() {
        // A shipped framework: write its text so that the build can be repeated from the directory.
        let spec = kechuang_enterprise::SHIPPED
            .iter()
            .find(|(_, t)| t.contains(&format!("id = \"{}\"", build.framework.id)));
        if let Some((name, text)) = spec {
            std::fs::write(framework_dir.join(format!("{name}.toml")), text)?;
        }
    }
    phases.done("  framework copied");
    // Fingerprints of the outputs in file order; only the workbook is read back to be hashed.
    manifest.outputs = outputs
        .iter()
        .map(|(p, digest)| {
            Ok(FileDigest {
                path: p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                blake3: match digest {
                    Some(d) => d.hex(),
                    None => blake3_file(p)?,
                },
            })
        })
        .collect::<Result<_>>()?;
    phases.done("  outputs fingerprinted");
    std::fs::write(
        out.path().join(MANIFEST),
        serde_json::to_string_pretty(&manifest)?,
    )?;
    let committed = out.commit();
    phases.done("  manifest written, directory committed");
    committed
}

pub fn build(args: &BuildArgs) -> Result<()> {
    let loaded = resolve_framework(&args.framework)?;
    match &args.data {
        Some(data_path) => {
            let out = args
                .out
                .as_ref()
                .ok_or_else(|| InvalidInput("--out is required with --data".into()))?;
            let written = Written::from_args(args)?;
            let out_dir = OutputDir::create(out)?;
            let phases = Phases::from_env();
            // The input's fingerprint is taken while it is read, on the other core whenever the
            // reading leaves it idle (at the end of each chunk, waiting for its slowest piece).
            let (data, input_digest) = rayon::join(
                || read_data(&loaded, data_path, &args.groups),
                || blake3_file(data_path),
            );
            let data = data?;
            phases.done("read and validate the data (and fingerprint it)");
            let input_rows = data.len();
            let years = data.years();
            // Stages are written as the build makes them, so that no copy of the data is kept;
            // a workbook (--xlsx) holds them all, so it keeps them.
            let stream = written.keeps_stages() && !args.xlsx;
            let held = written.held_in_scores(&loaded.framework, stream);
            let writer = StageWriter {
                out: &out_dir,
                written: &written,
                held: &held,
                paths: Default::default(),
                failure: Default::default(),
            };
            let sink = |stage: kechuang_engine::StageView<'_>| writer.take(stage);
            let build = run_build(
                &loaded.framework,
                data,
                &data_path.display().to_string(),
                written.keeps_stages() && !stream,
                stream.then_some(&sink as kechuang_engine::StageSink<'_>),
            );
            let failure = writer.failure.lock().ok().and_then(|mut f| f.take());
            let build = match (build, failure) {
                (Ok(build), _) => build,
                (Err(_), Some(failure)) => return Err(failure),
                (Err(e), None) => return Err(e),
            };
            let streamed = writer
                .paths
                .into_inner()
                .map_err(|_| anyhow::anyhow!("writing the stages failed"))?;
            phases.done("build");
            let digest = FileDigest {
                path: data_path.display().to_string(),
                blake3: input_digest?,
            };
            let fw_name = loaded
                .files
                .first()
                .and_then(|f| f.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let rebuild = format!(
                "kechuang index build --data {} --framework framework/{fw_name}{} --out OUT",
                data_path.display(),
                written.as_args()
            );
            let m = manifest(&build, &loaded, digest, input_rows, years, rebuild)?;
            let wrote = Wrote {
                streamed,
                held: &held,
            };
            write_outputs(out_dir, wrote, &build, &loaded, args.xlsx, &written, m)?;
            phases.done("write every output");
            summarise(&build, &out.display().to_string());
            Ok(())
        }
        None => runtime()?.block_on(build_stored(args, &loaded)),
    }
}

/// Builds the stored survey records of the chosen years, stores the results, and writes the files
/// when `--out` is given.
pub async fn build_stored(args: &BuildArgs, loaded: &LoadedFramework) -> Result<()> {
    let written = Written::from_args(args)?;
    // A result row per enterprise written at once: see `Store::open_bulk`.
    let store = Store::open_bulk(&args.store.db)
        .await
        .with_context(|| format!("opening the store {}", args.store.db))?;
    let spinner = ProgressBar::new_spinner();
    spinner.set_message("loading and building …");
    spinner.enable_steady_tick(Duration::from_millis(120));
    // The phases and the engine's steps, with the time each starts at (KECHUANG_TIMINGS).
    let report = Phases::step_starts("");
    let options = BuildOptions {
        keep_stages: args.out.is_some() && written.keeps_stages(),
        rank_aggregates: true,
        progress: Some(&report),
        stage_sink: None,
    };
    let stored =
        build_from_store(&store, &loaded.framework, &args.years, &args.user, options).await;
    spinner.finish_and_clear();
    let stored = stored.map_err(|e| match e {
        StoredError::Store(e) => anyhow::Error::new(e),
        other => InvalidInput(format!("store {}: {other}", args.store.db)).into(),
    })?;
    if let Some(out) = &args.out {
        let digest = FileDigest {
            path: format!("store {} ({} backend)", args.store.db, store.kind()),
            blake3: String::new(),
        };
        let years_arg: String = stored
            .years
            .iter()
            .map(|y| format!(" --year {y}"))
            .collect();
        let rebuild = format!(
            "kechuang index build --framework {}{years_arg}{} --out OUT",
            args.framework.display(),
            written.as_args()
        );
        let m = manifest(
            &stored.build,
            loaded,
            digest,
            stored.input_rows,
            stored.years.clone(),
            rebuild,
        )?;
        write_outputs(
            OutputDir::create(out)?,
            Wrote {
                streamed: Vec::new(),
                held: &[],
            },
            &stored.build,
            loaded,
            args.xlsx,
            &written,
            m,
        )?;
    }
    summarise(
        &stored.build,
        &format!("build {} in {}", stored.id, args.store.db),
    );
    Ok(())
}

/// Decimals to print scores with: the published decimals when the framework sets them, else at
/// least two and as many more (up to eight) as it takes to tell different scores apart.
fn shown_decimals(scores: &[f64], published: Option<u8>) -> usize {
    if let Some(d) = published {
        return usize::from(d);
    }
    (2..=8)
        .find(|&d| {
            scores
                .windows(2)
                .all(|w| w[0] == w[1] || format!("{:.d$}", w[0]) != format!("{:.d$}", w[1]))
        })
        .unwrap_or(8)
}

pub fn summarise(build: &Build, wrote: &str) {
    let fw = &build.framework;
    // Panel rows are unit-years: say so, with how many units and years they are.
    let rows = match &build.units.times {
        Some(t) if t.iter().all(|y| Some(y) == t.first()) => {
            format!("{} units in {}", build.rows.len(), t[0])
        }
        Some(t) => {
            let years: std::collections::BTreeSet<i32> = t.iter().copied().collect();
            let units: std::collections::HashSet<&str> =
                build.units.codes.iter().map(String::as_str).collect();
            format!(
                "{} unit-years ({} units × {} years)",
                build.rows.len(),
                units.len(),
                years.len()
            )
        }
        None => format!("{} units", build.rows.len()),
    };
    println!(
        "built {} {} on {rows} ({} screened out): {} stages kept, {} warnings",
        fw.id,
        fw.version,
        build.records.screened_out.len(),
        build.stages.len(),
        build.records.warnings.len()
    );
    for w in build.records.warnings.iter().take(10) {
        println!("  warning: {w}");
    }
    let root = fw.root();
    let latest = build
        .units
        .times
        .as_ref()
        .and_then(|t| t.iter().max().copied());
    let mut top: Vec<usize> = (0..build.rows.len())
        .filter(|&u| {
            build.ranks[u].is_some()
                && build
                    .units
                    .times
                    .as_ref()
                    .is_none_or(|t| Some(t[u]) == latest)
        })
        .collect();
    top.sort_by_key(|&u| build.ranks[u]);
    println!(
        "top units by {}{}:",
        fw.nodes[root].code,
        latest.map(|y| format!(" in {y}")).unwrap_or_default()
    );
    let shown: Vec<usize> = top.iter().copied().take(5).collect();
    let published = build.published(root);
    let decimals = shown_decimals(
        &shown.iter().map(|&u| published[u]).collect::<Vec<_>>(),
        fw.nodes[root].decimals,
    );
    for &u in &shown {
        println!(
            "  {:>4}  {:<20} {:<28} {:8.decimals$}",
            build.ranks[u].unwrap_or(0),
            build.units.codes[u],
            build.units.names[u],
            published[u]
        );
    }
    println!("wrote {wrote}");
}

/// An output as a manifest lists it: by BLAKE3, or by SHA-256 in manifests written before.
#[derive(Deserialize)]
struct ListedOutput {
    path: String,
    blake3: Option<String>,
    sha256: Option<String>,
}

#[derive(Deserialize)]
struct ListedOutputs {
    outputs: Vec<ListedOutput>,
}

/// What is wrong with one listed output, if anything.
fn verify_output(dir: &Path, listed: &ListedOutput) -> Option<String> {
    let name = &listed.path;
    // Only a file of the directory itself: a manifest edited to name `../x` reads nothing else.
    if Path::new(name).file_name() != Some(std::ffi::OsStr::new(name)) {
        return Some(format!("{name:?}: not a file name of this directory"));
    }
    let path = dir.join(name);
    // Not followed: a link put in the place of an output is not the output.
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_file() => {}
        Ok(_) => return Some(format!("{name}: not a regular file")),
        Err(_) => return Some(format!("{name}: missing")),
    }
    let (expected, actual) = match (&listed.blake3, &listed.sha256) {
        (Some(b), _) => (b, blake3_file(&path)),
        (None, Some(s)) => (s, sha256_file(&path)),
        (None, None) => return Some(format!("{name}: the manifest gives no hash")),
    };
    match actual {
        Ok(a) if a.eq_ignore_ascii_case(expected) => None,
        Ok(_) => Some(format!("{name}: changed since the build")),
        Err(e) => Some(format!("{name}: {e:#}")),
    }
}

/// `index verify`: every output listed in the manifest hashed again and compared.
pub fn verify(args: &VerifyArgs) -> Result<()> {
    let manifest = args.dir.join(MANIFEST);
    let text =
        std::fs::read(&manifest).with_context(|| format!("reading {}", manifest.display()))?;
    let listed: ListedOutputs = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not a build manifest", manifest.display()))?;
    let problems: Vec<String> = listed
        .outputs
        .par_iter()
        .filter_map(|o| verify_output(&args.dir, o))
        .collect();
    if problems.is_empty() {
        println!(
            "{}: all {} outputs are as built",
            args.dir.display(),
            listed.outputs.len()
        );
        return Ok(());
    }
    for p in &problems {
        eprintln!("{p}");
    }
    Err(InvalidInput(format!(
        "{}: {} of {} outputs differ from the manifest",
        args.dir.display(),
        problems.len(),
        listed.outputs.len()
    ))
    .into())
}

pub fn check(args: &CheckArgs) -> Result<()> {
    let loaded = resolve_framework(&args.framework)?;
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
    if let Some(path) = &args.data {
        let data = read_data(&loaded, path, &args.groups)?;
        let rows = data.len();
        let build = run_build(fw, data, &path.display().to_string(), false, None)?;
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

pub fn audit(args: &crate::args::AuditArgs) -> Result<()> {
    let loaded = resolve_framework(&args.framework)?;
    let data = read_data(&loaded, &args.data, &[])?;
    let uncertainty = if args.replications > 0 {
        let assumptions = assumptions(&args.assumptions)?;
        let r = monte_carlo(
            &loaded,
            &data,
            &args.data,
            &assumptions,
            args.replications,
            args.seed,
            None,
        )?;
        println!(
            "{} replications: mean |rank shift| {:.2}",
            r.replications, r.mean_abs_shift
        );
        Some((r, assumptions.describe()))
    } else {
        None
    };
    let build = run_build(
        &loaded.framework,
        data,
        &args.data.display().to_string(),
        true,
        None,
    )?;
    let a = kechuang_engine::audit::audit(&build, kechuang_engine::audit::AuditSettings::default());
    let html = args
        .out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("html"));
    let text = if html {
        let title = report_title(&loaded, &args.data);
        let validity = args
            .validity_db
            .as_deref()
            .map(|db| crate::validity::load(db, 200, 1))
            .transpose()?;
        kechuang_tabular::audit_html(
            &a,
            &title,
            uncertainty.as_ref().map(|(r, what)| (r, what.as_str())),
            validity.as_deref().map(crate::validity::section),
        )
    } else {
        serde_json::to_string_pretty(&a)?
    };
    std::fs::write(&args.out, text).with_context(|| format!("writing {}", args.out.display()))?;
    for ag in &a.aggregates {
        println!(
            "{:<12} alpha {:>6}  PC1 explains {:>5}  children {}",
            ag.code,
            ag.cronbach_alpha.map_or("—".into(), |x| format!("{x:.3}")),
            ag.pca
                .as_ref()
                .map_or("—".into(), |p| format!("{:.0}%", p.explained[0] * 100.0)),
            ag.children.len()
        );
    }
    for f in &a.flags {
        println!(
            "  flag {:?}: {} / {} in {} (r = {:.2})",
            f.kind, f.a, f.b, f.aggregate, f.value
        );
    }
    println!("wrote {}", args.out.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::shown_decimals;

    #[test]
    fn summaries_print_enough_decimals_to_tell_units_apart() {
        assert_eq!(shown_decimals(&[64.8195, 64.8041, 60.0], None), 2);
        // 64.820 and 64.819.
        assert_eq!(shown_decimals(&[64.8195, 64.8191], None), 3);
        assert_eq!(shown_decimals(&[64.819_52, 64.819_51], None), 5);
        assert_eq!(
            shown_decimals(&[50.0, 50.0], None),
            2,
            "equal scores stay equal"
        );
        assert_eq!(shown_decimals(&[64.8195, 64.8041], Some(1)), 1);
    }
}
