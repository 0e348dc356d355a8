//! Sensitivity analysis of the ranks: first-order and total-order indices of each uncertain
//! assumption (Saltelli sampling, Jansen estimators) with bootstrap confidence intervals.
//!
//! The model output is the mean absolute rank shift from the nominal ranks. Each assumption of
//! [`Assumptions`] that varies is one factor, drawn from a uniform number in [0, 1): the weight draw's
//! seed, the normalisation or aggregation chosen, treatment on/off, the indicator left out (none for
//! half of the range). `N` base samples cost `N·(k + 2)` builds for `k` factors.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::Serialize;

use crate::build::{Build, BuildOptions};
use crate::dataset::Dataset;
use crate::error::Result;
use crate::framework::Framework;
use crate::uncertainty::{Assumptions, Choice, nominal, replicate, treat_choices, variants};

/// Indices of one factor.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FactorIndices {
    /// `weights`, `normalisation`, `aggregation`, `treatment`, `imputation` or `indicator_removal`.
    pub factor: &'static str,
    /// First-order index S.
    pub first: f64,
    /// Total-order index ST.
    pub total: f64,
    /// 95% bootstrap interval of S.
    pub first_ci: (f64, f64),
    /// 95% bootstrap interval of ST.
    pub total_ci: (f64, f64),
}

/// The analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    /// Base samples N.
    pub samples: usize,
    /// Builds run.
    pub runs: usize,
    /// Variance of the output.
    pub variance: f64,
    /// One entry per factor that varies.
    pub factors: Vec<FactorIndices>,
}

fn factors(a: &Assumptions) -> Vec<&'static str> {
    let mut f = Vec::new();
    if a.weight_perturbation.is_some() {
        f.push("weights");
    }
    if !a.normalisations.is_empty() {
        f.push("normalisation");
    }
    if !a.aggregations.is_empty() {
        f.push("aggregation");
    }
    if a.toggle_treatment || !a.winmax.is_empty() {
        f.push("treatment");
    }
    if !a.imputations.is_empty() {
        f.push("imputation");
    }
    if a.drop_indicator {
        f.push("indicator_removal");
    }
    f
}

fn choice(names: &[&str], u: &[f64], a: &Assumptions, indicators: usize) -> Choice {
    let imputations = a.imputations.len().max(1);
    let (mut treatment, mut imputation) = (0, 0);
    let mut c = Choice {
        variant: 0,
        weight_seed: 0,
        normaliser: None,
        aggregation: None,
        dropped: None,
    };
    for (name, &x) in names.iter().zip(u) {
        let pick = |m: usize| ((x * m as f64) as usize).min(m - 1);
        match *name {
            "weights" => c.weight_seed = (x * 4_294_967_296.0) as u64,
            "normalisation" => c.normaliser = Some(pick(a.normalisations.len())),
            "aggregation" => c.aggregation = Some(pick(a.aggregations.len())),
            "treatment" => treatment = pick(treat_choices(a).len()),
            "imputation" => imputation = pick(imputations),
            _ => {
                c.dropped = (x >= 0.5)
                    .then_some((((x - 0.5) * 2.0 * indicators as f64) as usize).min(indicators - 1))
            }
        }
    }
    c.variant = treatment * imputations + imputation;
    c
}

fn variance(v: &[f64]) -> f64 {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0)
}

/// Jansen estimators of (S, ST) for factor `i` over the sample indices `js`.
fn jansen(fa: &[f64], fb: &[f64], fab: &[f64], js: &[usize]) -> (f64, f64) {
    let both: Vec<f64> = js.iter().flat_map(|&j| [fa[j], fb[j]]).collect();
    let v = variance(&both);
    if v <= 0.0 {
        return (0.0, 0.0);
    }
    let n = js.len() as f64;
    let first = 1.0 - js.iter().map(|&j| (fb[j] - fab[j]).powi(2)).sum::<f64>() / (2.0 * n) / v;
    let total = js.iter().map(|&j| (fa[j] - fab[j]).powi(2)).sum::<f64>() / (2.0 * n) / v;
    (first, total)
}

/// Runs the analysis with `samples` base samples and `bootstrap` resamples for the intervals.
pub fn run(
    framework: &Framework,
    data: &Dataset,
    a: &Assumptions,
    samples: usize,
    bootstrap: usize,
    seed: u64,
) -> Result<Sensitivity> {
    let names = factors(a);
    let k = names.len();
    let vars = variants(framework, data, a)?;
    let (nominal_data, nominal_fw) = nominal(framework, data)?;
    let nominal = Build::run(&nominal_fw, nominal_data, BuildOptions::default())?;
    let nominal: Vec<u32> = nominal.ranks.iter().map(|r| r.unwrap_or(0)).collect();
    let shift = |ranks: &[u32]| -> f64 {
        let pairs: Vec<f64> = ranks
            .iter()
            .zip(&nominal)
            .filter(|(r, n)| **r > 0 && **n > 0)
            .map(|(r, n)| (f64::from(*r) - f64::from(*n)).abs())
            .collect();
        if pairs.is_empty() {
            0.0
        } else {
            pairs.iter().sum::<f64>() / pairs.len() as f64
        }
    };
    let mut rng = SmallRng::seed_from_u64(seed);
    let a_rows: Vec<Vec<f64>> = (0..samples)
        .map(|_| (0..k).map(|_| rng.random::<f64>()).collect())
        .collect();
    let b_rows: Vec<Vec<f64>> = (0..samples)
        .map(|_| (0..k).map(|_| rng.random::<f64>()).collect())
        .collect();
    // Every design point: A, B, then AB_i (A with column i from B) for each factor.
    let mut design: Vec<Vec<f64>> = Vec::with_capacity(samples * (k + 2));
    design.extend(a_rows.iter().cloned());
    design.extend(b_rows.iter().cloned());
    for i in 0..k {
        for j in 0..samples {
            let mut row = a_rows[j].clone();
            row[i] = b_rows[j][i];
            design.push(row);
        }
    }
    let indicators = framework.indicator_count;
    let outputs: Vec<f64> = design
        .par_iter()
        .map(|u| replicate(&vars, a, &choice(&names, u, a, indicators)).map(|r| shift(&r)))
        .collect::<Result<_>>()?;
    let fa = &outputs[..samples];
    let fb = &outputs[samples..2 * samples];
    let all: Vec<usize> = (0..samples).collect();
    let mut boot = SmallRng::seed_from_u64(seed ^ 0xB007);
    let resamples: Vec<Vec<usize>> = (0..bootstrap)
        .map(|_| {
            (0..samples)
                .map(|_| boot.random_range(0..samples))
                .collect()
        })
        .collect();
    let interval = |mut v: Vec<f64>| -> (f64, f64) {
        if v.is_empty() {
            return (f64::NAN, f64::NAN);
        }
        v.sort_by(f64::total_cmp);
        let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
        (at(0.025), at(0.975))
    };
    let factors = names
        .iter()
        .enumerate()
        .map(|(i, &name)| {
            let fab = &outputs[(2 + i) * samples..(3 + i) * samples];
            let (first, total) = jansen(fa, fb, fab, &all);
            let boots: Vec<(f64, f64)> =
                resamples.iter().map(|js| jansen(fa, fb, fab, js)).collect();
            FactorIndices {
                factor: name,
                first,
                total,
                first_ci: interval(boots.iter().map(|b| b.0).collect()),
                total_ci: interval(boots.iter().map(|b| b.1).collect()),
            }
        })
        .collect();
    let both: Vec<f64> = fa.iter().chain(fb).copied().collect();
    Ok(Sensitivity {
        samples,
        runs: outputs.len(),
        variance: variance(&both),
        factors,
    })
}
