//! `kechuang bench engine`: the engine's full pipeline on synthetic data, timed, with peak memory.

use std::time::Instant;

use anyhow::Result;
use kechuang_engine::{Build, BuildOptions};
use kechuang_synthetic::{Shape, dataset, framework};

use crate::args::BenchArgs;

/// Peak resident memory of this process (Linux `VmHWM`), in bytes.
pub fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

pub fn engine(args: &BenchArgs) -> Result<()> {
    let shape = Shape {
        units: args.units,
        indicators: args.indicators,
        groups: args.groups,
        seed: args.seed,
        ..Shape::default()
    };
    let fw = framework(&shape, true)?;
    let input_bytes = (args.units * args.indicators * 8) as f64;
    println!(
        "engine bench: {} units × {} indicators (4 levels, {} aggregates), {} groups, {} threads",
        args.units,
        args.indicators,
        fw.aggregates().len(),
        args.groups,
        rayon::current_num_threads()
    );
    println!(
        "pipeline: impute (mean) → treat (winsorise, log fallback) → min-max → arithmetic → ranks overall and by group"
    );
    let mut times = Vec::new();
    for run in 0..args.runs.max(1) {
        let data = dataset(&Shape {
            seed: args.seed + run as u64,
            ..shape
        });
        let start = Instant::now();
        let build = Build::run(&fw, data, BuildOptions::default())?;
        let secs = start.elapsed().as_secs_f64();
        let ranked = build.ranks.iter().filter(|r| r.is_some()).count();
        println!("  run {}: {secs:.3} s ({ranked} units ranked)", run + 1);
        times.push(secs);
    }
    times.sort_by(f64::total_cmp);
    let peak = peak_rss().map_or(f64::NAN, |b| b as f64);
    println!(
        "best {:.3} s, median {:.3} s; input {:.0} MiB as f64; peak RSS {:.0} MiB ({:.2}× the input)",
        times[0],
        times[times.len() / 2],
        input_bytes / 1048576.0,
        peak / 1048576.0,
        peak / input_bytes
    );
    Ok(())
}

/// `kechuang bench import`: CSV → validated records → store, then a year back for the engine.
pub fn import(args: &crate::args::BenchImportArgs) -> Result<()> {
    use kechuang_store::Store;
    use kechuang_synthetic::region::{RegionSpec, region};
    use kechuang_tabular::survey::records_table;

    let tmp = args.dir.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("kechuang-bench-{}", std::process::id()))
    });
    std::fs::create_dir_all(&tmp)?;
    let csv = tmp.join(format!("survey-{}.csv", args.rows));
    let t = Instant::now();
    let records = region(&RegionSpec {
        enterprises: args.rows,
        years: vec![2025],
        seed: 7,
    });
    kechuang_tabular::write_csv_table(&records_table(&records), &csv, true)?;
    let rows = records.len();
    drop(records);
    println!(
        "generated {rows} survey rows as CSV ({:.0} MiB) in {:.1} s",
        std::fs::metadata(&csv)?.len() as f64 / 1048576.0,
        t.elapsed().as_secs_f64()
    );

    let db = args.db.clone().unwrap_or_else(|| {
        let file = tmp.join("bench.db");
        for end in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{end}", file.display()));
        }
        file.display().to_string()
    });
    // The whole command, as a user runs it, in a process of its own.
    let rss_file = tmp.join("peak-rss");
    let t = Instant::now();
    let status = std::process::Command::new(std::env::current_exe()?)
        .args(["survey", "import"])
        .arg(&csv)
        .args(["--db", &db, "--user", "bench", "--accept-warnings"])
        .env(PEAK_RSS_FILE, &rss_file)
        .env("KECHUANG_TIMINGS", "1")
        .stdout(std::process::Stdio::null())
        .status()?;
    let secs = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        status.success(),
        "survey import failed on {}",
        csv.display()
    );
    let peak: u64 = std::fs::read_to_string(&rss_file)?.trim().parse()?;
    println!(
        "kechuang survey import, whole process ({} rows into {}): {secs:.1} s, peak RSS {:.2} GB",
        rows,
        if db.starts_with("postgres") {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        peak as f64 / 1e9
    );
    crate::runtime()?.block_on(async {
        let store = Store::open(&db).await?;
        let t = Instant::now();
        let loaded = store.load_year(2025).await?;
        let read = t.elapsed().as_secs_f64();
        let data = kechuang_enterprise::dataset(&loaded);
        let total = t.elapsed().as_secs_f64();
        println!(
            "loaded a {}-row year into an engine dataset: {total:.1} s ({read:.1} s reading the store, {:.1} s making the dataset)",
            data.len(),
            total - read
        );
        store.close().await;
        anyhow::Ok(())
    })?;
    if args.dir.is_none() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    Ok(())
}

/// `kechuang bench policy`: every shipped scheme over a synthetic panel.
pub fn policy(args: &crate::args::BenchPolicyArgs) -> Result<()> {
    use kechuang_synthetic::region::{RegionSpec, region};
    let enterprises = args.enterprise_years / 4;
    let t = Instant::now();
    let records = region(&RegionSpec {
        enterprises: enterprises * 100 / 88,
        years: vec![2022, 2023, 2024, 2025],
        seed: 11,
    });
    println!(
        "generated {} enterprise-years in {:.1} s",
        records.len(),
        t.elapsed().as_secs_f64()
    );
    let t = Instant::now();
    let panel = kechuang_policy::Panel::new(&records);
    let mut total = t.elapsed().as_secs_f64();
    println!("indexed the panel by enterprise in {total:.2} s");
    for (id, _) in kechuang_policy::SHIPPED {
        let rules = kechuang_policy::shipped(id).ok_or_else(|| anyhow::anyhow!("rule set {id}"))?;
        let t = Instant::now();
        let (mut evaluated, mut qualify) = (0, 0);
        for year in [2022, 2023, 2024, 2025] {
            evaluated += records.iter().filter(|r| r.year == year).count();
            // As `kechuang target` does: keep those that qualify.
            qualify += panel
                .evaluate_year_where(&rules, year, false, |e| {
                    e.outcome == kechuang_policy::Outcome::Qualifies
                })
                .len();
        }
        let secs = t.elapsed().as_secs_f64();
        total += secs;
        println!("  {id:<16} {evaluated} enterprise-years in {secs:.2} s ({qualify} qualify)");
    }
    println!(
        "all schemes: {total:.2} s for {} enterprise-years each",
        records.len()
    );
    Ok(())
}

/// `kechuang bench portrait`: a region imported and built, then portraits read from the store.
pub fn portrait(args: &crate::args::BenchPortraitArgs) -> Result<()> {
    use kechuang_store::{BatchMeta, Store};
    use kechuang_synthetic::region::{RegionSpec, region};
    let tmp = std::env::temp_dir().join(format!("kechuang-bench-portrait-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let records = region(&RegionSpec {
        enterprises: args.enterprises * 100 / 88,
        years: vec![2024, 2025],
        seed: 5,
    });
    let rules: Vec<_> = kechuang_policy::SHIPPED
        .iter()
        .filter_map(|(id, _)| kechuang_policy::shipped(id))
        .collect();
    crate::runtime()?.block_on(async {
        let store = Store::open(tmp.join("bench.db").to_str().unwrap_or("bench.db")).await?;
        let meta = BatchMeta { file_name: "bench".into(), sha256: String::new(), user_name: "bench".into(), warnings: 0 };
        let t = Instant::now();
        store.import(&meta, &records, &|_| true).await?;
        let fw = kechuang_enterprise::shipped_framework("kechuang-enterprise").ok_or_else(|| anyhow::anyhow!("framework"))?;
        kechuang_enterprise::stored::build_from_store(&store, &fw, &[], "bench", kechuang_engine::BuildOptions::default()).await?;
        let in_2025: Vec<&str> = records.iter().filter(|r| r.year == 2025).map(|r| r.credit_code.as_str()).collect();
        println!("{} enterprises in 2025 ({} records) imported and built in {:.1} s", in_2025.len(), records.len(), t.elapsed().as_secs_f64());
        let mut times = Vec::with_capacity(args.portraits);
        for k in 0..args.portraits {
            let code = in_2025[(k * 7919) % in_2025.len()];
            let t = Instant::now();
            let p = kechuang_app::views::gather(&store, code, Some(2025), &rules).await?;
            let _ = kechuang_portrait::html::render(&p, kechuang_portrait::html::Lang::Zh);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "portrait from the store (gather + assemble + HTML) over {} enterprises: median {:.2} ms, p95 {:.2} ms, max {:.2} ms",
            in_2025.len(),
            times[times.len() / 2],
            times[times.len() * 95 / 100],
            times[times.len() - 1]
        );
        store.close().await;
        anyhow::Ok(())
    })?;
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(())
}

/// `kechuang bench uncertainty`: Monte Carlo replications on synthetic data.
pub fn uncertainty(args: &crate::args::BenchUncertaintyArgs) -> Result<()> {
    use kechuang_engine::uncertainty::{Assumptions, run};
    use kechuang_engine::{Aggregation, Normaliser};
    let shape = Shape {
        units: args.units,
        indicators: args.indicators,
        ..Shape::default()
    };
    let fw = framework(&shape, true)?;
    let data = dataset(&shape);
    let a = Assumptions {
        weight_perturbation: Some(0.25),
        normalisations: vec![
            Normaliser::default(),
            Normaliser::ZScore { mean: 0.0, sd: 1.0 },
        ],
        aggregations: vec![Aggregation::Arithmetic, Aggregation::Power { p: 2.0 }],
        toggle_treatment: false,
        winmax: Vec::new(),
        imputations: Vec::new(),
        drop_indicator: true,
    };
    let bar = indicatif::ProgressBar::new(args.replications as u64);
    let t = Instant::now();
    let r = run(&fw, &data, &a, args.replications, 1, &|k| {
        bar.set_position(k as u64)
    })?;
    bar.finish_and_clear();
    let secs = t.elapsed().as_secs_f64();
    let widest = r.units.iter().map(|u| u.p95 - u.p5).fold(0.0, f64::max);
    println!(
        "{} replications, {} units × {} indicators: {secs:.1} s ({} threads); mean |rank shift| {:.1}, widest 5–95% interval {widest:.0} ranks",
        r.replications,
        args.units,
        args.indicators,
        rayon::current_num_threads(),
        r.mean_abs_shift
    );
    Ok(())
}

/// The environment variable in which `bench build` asks the process it times to leave its peak
/// memory (written by `main` on the way out).
pub const PEAK_RSS_FILE: &str = "KECHUANG_PEAK_RSS_FILE";

/// `kechuang bench build`: the whole `index build --data` process on generated files of growing
/// size, with wall time and peak memory, and the ratio to COINr's compute time on the same data
/// (5.56 s at 20,000 units, measured by the reporter; scaled linearly).
pub fn build(args: &crate::args::BenchBuildArgs) -> Result<()> {
    use std::process::Command;
    std::fs::create_dir_all(&args.dir)?;
    let imeta = args.asem.join("iMeta.csv");
    let idata = args.asem.join("iData.csv");
    let exe = std::env::current_exe()?;
    println!(
        "index build --data, whole process ({} cores): units, input, best and median wall time, peak RSS, output",
        rayon::current_num_threads()
    );
    for &units in &args.units {
        let file = args.dir.join(format!("asem-{units}.csv"));
        if !file.exists() {
            generate_asem(&idata, units, &file)?;
        }
        let input = std::fs::metadata(&file)?.len();
        let mut times = Vec::new();
        let mut peak = 0;
        let mut written = 0;
        for run in 0..args.runs.max(1) {
            let out = args.dir.join(format!("out-{units}"));
            let _ = std::fs::remove_dir_all(&out);
            let rss_file = args.dir.join("peak-rss");
            let t = Instant::now();
            let status = Command::new(&exe)
                .args(["index", "build", "--data"])
                .arg(&file)
                .arg("--framework")
                .arg(&imeta)
                .arg("--out")
                .arg(&out)
                .args(&args.build_args)
                .env(PEAK_RSS_FILE, &rss_file)
                .stdout(std::process::Stdio::null())
                .status()?;
            let secs = t.elapsed().as_secs_f64();
            anyhow::ensure!(status.success(), "index build failed on {}", file.display());
            times.push(secs);
            peak = peak.max(std::fs::read_to_string(&rss_file)?.trim().parse::<u64>()?);
            written = dir_size(&out)?;
            if run + 1 == args.runs.max(1) {
                let _ = std::fs::remove_dir_all(&out);
            }
        }
        times.sort_by(f64::total_cmp);
        let best = times[0];
        let median = times[times.len() / 2];
        // The input held as f64: units × 49 indicators × 8 bytes.
        let as_f64 = (units * 49 * 8) as f64;
        let coinr = 5.56 * units as f64 / 20_000.0;
        println!(
            "  {units:>9}  {:>7.1} MB  best {best:>7.2} s  median {median:>7.2} s  peak RSS {:>6.2} GB ({:.1}× the input as f64)  wrote {:>7.1} MB  COINr ~{coinr:.1} s: {:.0}× faster",
            input as f64 / 1e6,
            peak as f64 / 1e9,
            peak as f64 / as_f64,
            written as f64 / 1e6,
            coinr / best,
        );
    }
    Ok(())
}

fn dir_size(dir: &std::path::Path) -> Result<u64> {
    let mut total = 0;
    for e in std::fs::read_dir(dir)? {
        let e = e?;
        let m = e.metadata()?;
        total += if m.is_dir() {
            dir_size(&e.path())?
        } else {
            m.len()
        };
    }
    Ok(total)
}

/// COINr's ASEM units resampled with noise (each value times a factor in [0.9, 1.1], missing
/// values kept missing) to `units` rows, written as an iData CSV with the same columns.
fn generate_asem(idata: &std::path::Path, units: usize, out: &std::path::Path) -> Result<()> {
    use rand::{Rng, SeedableRng};
    use std::io::Write;
    let mut reader = csv::Reader::from_path(idata)?;
    let headers = reader.headers()?.clone();
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;
    anyhow::ensure!(!rows.is_empty(), "{} has no rows", idata.display());
    let code_col = headers.iter().position(|h| h == "uCode");
    let name_col = headers.iter().position(|h| h == "uName");
    let mut rng = rand::rngs::SmallRng::seed_from_u64(2026);
    let mut w = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    writeln!(
        w,
        "{}",
        headers.iter().map(quote).collect::<Vec<_>>().join(",")
    )?;
    let mut line = String::new();
    for u in 0..units {
        let base = &rows[u % rows.len()];
        line.clear();
        for (c, cell) in base.iter().enumerate() {
            if c > 0 {
                line.push(',');
            }
            if Some(c) == code_col {
                line.push_str(&format!("\"U{u:07}\""));
            } else if Some(c) == name_col {
                line.push_str(&format!("\"Unit {u}\""));
            } else if let Ok(v) = cell.parse::<f64>() {
                if headers.get(c) == Some("Time") {
                    line.push_str(cell);
                } else {
                    let noisy = v * rng.random_range(0.9..1.1);
                    line.push_str(&noisy.to_string());
                }
            } else if cell.is_empty() || cell == "NA" {
                line.push_str("NA");
            } else {
                line.push_str(&quote(cell));
            }
        }
        writeln!(w, "{line}")?;
    }
    w.flush()?;
    Ok(())
}
