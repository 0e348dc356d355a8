//! `kechuang bench engine`: the engine's full pipeline on synthetic data, timed, with peak memory.

use std::time::Instant;

use anyhow::Result;
use kechuang_engine::{Build, BuildOptions};
use kechuang_synthetic::{Shape, dataset, framework};

use crate::args::BenchArgs;

/// Peak resident memory of this process (Linux `VmHWM`), in bytes.
fn peak_rss() -> Option<u64> {
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
