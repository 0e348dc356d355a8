//! `kechuang index sensitivity` and `kechuang index uncertainty`: how far the ranks move when the
//! framework's assumptions do.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use indicatif::ProgressBar;
use kechuang_engine::Dataset;
use kechuang_tabular::{LoadedFramework, write_csv};

use crate::index::{InvalidInput, invalid_engine, read_data, resolve_framework};

fn parse_normaliser(s: &str) -> Result<kechuang_engine::Normaliser> {
    use kechuang_engine::Normaliser;
    Ok(match s.trim() {
        "minmax" => Normaliser::default(),
        "zscore" => Normaliser::ZScore { mean: 0.0, sd: 1.0 },
        "percent_rank" => Normaliser::PercentRank { scale: 100.0 },
        "rank" => Normaliser::Rank,
        o => {
            return Err(InvalidInput(format!(
                "--normalisations: '{o}' is not one of minmax, zscore, percent_rank, rank"
            ))
            .into());
        }
    })
}

fn parse_aggregation(s: &str) -> Result<kechuang_engine::Aggregation> {
    use kechuang_engine::Aggregation;
    Ok(match s.trim() {
        "arithmetic" => Aggregation::Arithmetic,
        "geometric" => Aggregation::Geometric,
        "harmonic" => Aggregation::Harmonic,
        o => {
            return Err(InvalidInput(format!(
                "--aggregations: '{o}' is not one of arithmetic, geometric, harmonic"
            ))
            .into());
        }
    })
}

pub(crate) fn assumptions(
    a: &crate::args::AssumptionArgs,
) -> Result<kechuang_engine::uncertainty::Assumptions> {
    Ok(kechuang_engine::uncertainty::Assumptions {
        weight_perturbation: a.weights,
        normalisations: a
            .normalisations
            .iter()
            .map(|s| parse_normaliser(s))
            .collect::<Result<_>>()?,
        aggregations: a
            .aggregations
            .iter()
            .map(|s| parse_aggregation(s))
            .collect::<Result<_>>()?,
        toggle_treatment: a.toggle_treatment,
        winmax: a.winmax.clone(),
        imputations: a
            .imputations
            .iter()
            .map(|s| match s.trim() {
                "mean" => Ok(kechuang_engine::Imputation::Mean),
                "median" => Ok(kechuang_engine::Imputation::Median),
                o => Err(
                    InvalidInput(format!("--imputations: '{o}' is not one of mean, median")).into(),
                ),
            })
            .collect::<Result<_>>()?,
        drop_indicator: a.drop_indicator,
    })
}

pub fn sensitivity(args: &crate::args::SensitivityArgs) -> Result<()> {
    use kechuang_tabular::{Cell, Table};
    let loaded = resolve_framework(&args.framework)?;
    let data = read_data(&loaded, &args.data, &[])?;
    let a = assumptions(&args.assumptions)?;
    let spinner = ProgressBar::new_spinner();
    spinner.set_message("sensitivity analysis …");
    spinner.enable_steady_tick(Duration::from_millis(120));
    let s = kechuang_engine::sensitivity::run(
        &loaded.framework,
        &data,
        &a,
        args.samples,
        args.bootstrap,
        args.seed,
    )
    .map_err(|e| invalid_engine(&args.data.display().to_string(), e));
    spinner.finish_and_clear();
    let s = s?;
    let table = Table {
        name: "sensitivity".into(),
        headers: [
            "Factor",
            "First",
            "FirstLow",
            "FirstHigh",
            "Total",
            "TotalLow",
            "TotalHigh",
        ]
        .map(String::from)
        .to_vec(),
        rows: s
            .factors
            .iter()
            .map(|f| {
                vec![
                    Cell::Text(f.factor.into()),
                    f.first.into(),
                    f.first_ci.0.into(),
                    f.first_ci.1.into(),
                    f.total.into(),
                    f.total_ci.0.into(),
                    f.total_ci.1.into(),
                ]
            })
            .collect(),
    };
    write_csv(&table, &args.out)?;
    println!("{} builds, output variance {:.3}:", s.runs, s.variance);
    for f in &s.factors {
        println!(
            "  {:<18} S {:>6.3} [{:.3}, {:.3}]   ST {:>6.3} [{:.3}, {:.3}]",
            f.factor, f.first, f.first_ci.0, f.first_ci.1, f.total, f.total_ci.0, f.total_ci.1
        );
    }
    println!("wrote {}", args.out.display());
    Ok(())
}

/// "framework version — data file", the subtitle of the audit and uncertainty reports.
pub(crate) fn report_title(loaded: &LoadedFramework, data: &Path) -> String {
    format!(
        "{} {} — {}",
        loaded.framework.id,
        loaded.framework.version,
        data.display()
    )
}

/// Runs the Monte Carlo replications with a progress bar, through a checkpoint file when given.
pub(crate) fn monte_carlo(
    loaded: &LoadedFramework,
    data: &Dataset,
    data_path: &Path,
    assumptions: &kechuang_engine::uncertainty::Assumptions,
    replications: usize,
    seed: u64,
    checkpoint: Option<&Path>,
) -> Result<kechuang_engine::uncertainty::UncertaintyResult> {
    use kechuang_engine::uncertainty::Analysis;
    let source = data_path.display().to_string();
    let analysis = Analysis::prepare(&loaded.framework, data, assumptions, seed)
        .map_err(|e| invalid_engine(&source, e))?;
    let bar = ProgressBar::new(replications as u64);
    let progress = |k: usize| bar.set_position(k as u64);
    let ranks = match checkpoint {
        None => analysis
            .replicate(0..replications, &progress)
            .map_err(|e| invalid_engine(&source, e))?,
        Some(path) => {
            let data_bytes =
                std::fs::read(data_path).with_context(|| format!("reading {source}"))?;
            let print = crate::checkpoint::fingerprint(&[
                &data_bytes,
                serde_json::to_string(&loaded.framework)?.as_bytes(),
                format!("{assumptions:?}").as_bytes(),
                &seed.to_le_bytes(),
                &(analysis.unit_count() as u64).to_le_bytes(),
            ]);
            let (ranks, resumed) =
                crate::checkpoint::run(&analysis, path, &print, replications, &progress)?;
            if resumed > 0 {
                println!("resumed {resumed} replications from {}", path.display());
            }
            ranks
        }
    };
    bar.finish_and_clear();
    Ok(analysis.summarise(&ranks))
}

pub fn uncertainty(args: &crate::args::UncertaintyArgs) -> Result<()> {
    let loaded = resolve_framework(&args.framework)?;
    let data = read_data(&loaded, &args.data, &[])?;
    let assumptions = assumptions(&args.assumptions)?;
    let r = monte_carlo(
        &loaded,
        &data,
        &args.data,
        &assumptions,
        args.replications,
        args.seed,
        args.checkpoint.as_deref(),
    )?;
    if let Some(report) = &args.report {
        let title = report_title(&loaded, &args.data);
        let page = kechuang_tabular::uncertainty_html(&r, &assumptions.describe(), &title);
        std::fs::write(report, page).with_context(|| format!("writing {}", report.display()))?;
        println!("wrote {}", report.display());
    }
    let table = kechuang_tabular::Table {
        name: "uncertainty".into(),
        headers: [
            "uCode",
            "Time",
            "NominalRank",
            "MedianRank",
            "P5",
            "P95",
            "MeanAbsShift",
        ]
        .map(String::from)
        .to_vec(),
        rows: r
            .units
            .iter()
            .map(|u| {
                vec![
                    kechuang_tabular::Cell::Text(u.code.clone()),
                    kechuang_tabular::Cell::from(u.time),
                    kechuang_tabular::Cell::from(u.nominal),
                    u.median.into(),
                    u.p5.into(),
                    u.p95.into(),
                    u.mean_abs_shift.into(),
                ]
            })
            .collect(),
    };
    write_csv(&table, &args.out)?;
    println!(
        "{} replications: mean |rank shift| {:.2}; wrote {}",
        r.replications,
        r.mean_abs_shift,
        args.out.display()
    );
    Ok(())
}
