//! Synthetic, seeded data for demos and benchmarks: engine datasets of any size with skewed, partly
//! missing indicators and matching frameworks, and [`region`], a realistic demo region of enterprises'
//! survey records. The same seed always gives the same data.
//!
//! ```
//! use kechuang_synthetic::{Shape, dataset, framework};
//!
//! let shape = Shape { units: 100, ..Shape::default() };
//! let data = dataset(&shape);
//! let framework = framework(&shape, true).unwrap();
//! assert_eq!(data.len(), 100);
//! assert_eq!(framework.indicators().len(), shape.indicators);
//! ```
#![warn(missing_docs)]

pub mod catalogue;
pub mod region;
pub mod talent;

use kechuang_engine::{
    AggregateSpec, Column, Dataset, Framework, FrameworkSpec, GroupColumn, IndicatorSpec,
    MethodSpec,
};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, LogNormal};
use rayon::prelude::*;

/// The size and shape of a synthetic dataset and its framework (a 4-level hierarchy).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    /// Units (rows).
    pub units: usize,
    /// Indicators (level 1).
    pub indicators: usize,
    /// Pillars (level 2).
    pub pillars: usize,
    /// Sub-indexes (level 3); the index is level 4.
    pub sub_indexes: usize,
    /// Distinct values of the `region_group` column.
    pub groups: usize,
    /// Share of indicator values left missing.
    pub missing_share: f64,
    /// Random seed.
    pub seed: u64,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            units: 1000,
            indicators: 50,
            pillars: 10,
            sub_indexes: 3,
            groups: 20,
            missing_share: 0.05,
            seed: 42,
        }
    }
}

/// Indicator codes `i01`, `i02`, ...
pub fn indicator_code(i: usize) -> String {
    format!("i{:02}", i + 1)
}

/// A dataset of `shape.units` units with a `region_group` column and log-normal indicators, some
/// of them reversed (negatively correlated with the latent quality of the unit) and a few zero-
/// inflated, with `missing_share` of cells missing at random.
pub fn dataset(shape: &Shape) -> Dataset {
    let n = shape.units;
    let mut rng = SmallRng::seed_from_u64(shape.seed);
    let latent: Vec<f64> = (0..n).map(|_| rng.random::<f64>() * 2.0 - 1.0).collect();
    let labels: Vec<String> = (0..n)
        .map(|_| format!("R{:02}", rng.random_range(0..shape.groups.max(1)) + 1))
        .collect();
    let columns = (0..shape.indicators)
        .into_par_iter()
        .map(|i| {
            let mut rng = SmallRng::seed_from_u64(
                shape.seed ^ (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15),
            );
            let noise = LogNormal::new(0.0, 0.6 + 0.05 * (i % 7) as f64)
                .unwrap_or_else(|_| unreachable!("valid sigma"));
            let sign = if i % 5 == 4 { -1.0 } else { 1.0 };
            let zero_inflated = i % 6 == 5;
            let values = latent
                .iter()
                .map(|&q| {
                    if rng.random::<f64>() < shape.missing_share {
                        return f64::NAN;
                    }
                    if zero_inflated && rng.random::<f64>() < 0.3 {
                        return 0.0;
                    }
                    (sign * q).exp() * noise.sample(&mut rng) * (10.0 + i as f64)
                })
                .collect();
            Column {
                code: indicator_code(i),
                values,
            }
        })
        .collect();
    Dataset {
        codes: (0..n).map(|u| format!("U{u:07}")).collect(),
        names: (0..n).map(|u| format!("Unit {u}")).collect(),
        times: None,
        groups: vec![GroupColumn::from_labels("region_group", &labels)],
        columns,
    }
}

/// The framework for [`dataset`]: indicators spread evenly over pillars, pillars over sub-indexes,
/// every fifth indicator with direction −1. With `full_pipeline`, the steps are mean imputation,
/// COINr's default treatment, min-max 0–100 and arithmetic aggregation; without, the minimal build.
pub fn framework(shape: &Shape, full_pipeline: bool) -> kechuang_engine::Result<Framework> {
    Framework::from_spec(&framework_spec(shape, full_pipeline), None)
}

/// The framework file behind [`framework`], e.g. to write it out as TOML.
pub fn framework_spec(shape: &Shape, full_pipeline: bool) -> FrameworkSpec {
    let pillar = |p: usize| format!("P{:02}", p + 1);
    let sub = |s: usize| format!("S{}", s + 1);
    let indicators = (0..shape.indicators)
        .map(|i| IndicatorSpec {
            code: indicator_code(i),
            name: format!("Indicator {}", i + 1),
            parent: pillar(i * shape.pillars / shape.indicators),
            direction: if i % 5 == 4 { -1.0 } else { 1.0 },
            weight: 1.0,
            ..IndicatorSpec::default()
        })
        .collect();
    let mut aggregates: Vec<AggregateSpec> = (0..shape.pillars)
        .map(|p| AggregateSpec {
            code: pillar(p),
            name: format!("Pillar {}", p + 1),
            parent: Some(sub(p * shape.sub_indexes / shape.pillars)),
            weight: 1.0,
            ..AggregateSpec::default()
        })
        .collect();
    aggregates.extend((0..shape.sub_indexes).map(|s| AggregateSpec {
        code: sub(s),
        name: format!("Sub-index {}", s + 1),
        parent: Some("Index".into()),
        weight: 1.0,
        ..AggregateSpec::default()
    }));
    aggregates.push(AggregateSpec {
        code: "Index".into(),
        name: "Index".into(),
        weight: 1.0,
        ..AggregateSpec::default()
    });
    let step = |step: &str, method: Option<&str>| MethodSpec {
        step: Some(step.into()),
        method: method.map(Into::into),
        ..MethodSpec::default()
    };
    let steps = if full_pipeline {
        vec![
            step("impute", Some("mean")),
            step("treat", Some("winsorise")),
            step("normalise", Some("minmax")),
            step("aggregate", Some("arithmetic")),
        ]
    } else {
        Vec::new()
    };
    FrameworkSpec {
        id: "synthetic".into(),
        version: "1".into(),
        name: "Synthetic benchmark framework".into(),
        indicators,
        aggregates,
        steps,
        ..FrameworkSpec::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_data() {
        let s = Shape {
            units: 50,
            indicators: 6,
            pillars: 2,
            sub_indexes: 1,
            ..Shape::default()
        };
        // Compared as bits: missing values are NaN, which is never equal to itself.
        let bits = |d: &Dataset| -> Vec<Vec<u64>> {
            d.columns
                .iter()
                .map(|c| c.values.iter().map(|v| v.to_bits()).collect())
                .collect()
        };
        let (a, b) = (dataset(&s), dataset(&s));
        assert!(
            bits(&a) == bits(&b) && a.groups == b.groups,
            "same seed, same data"
        );
        let other = dataset(&Shape { seed: 7, ..s });
        assert!(bits(&a) != bits(&other), "another seed, other data");
    }

    #[test]
    fn four_level_hierarchy() {
        let f = framework(&Shape::default(), true).expect("valid");
        assert_eq!(f.max_level(), 4);
        assert_eq!(f.aggregates().len(), 10 + 3 + 1);
    }
}
