//! The methods a framework can choose for each step, as resolved, typed settings.
//!
//! The framework file spells these as a `method` name plus flat parameters (see `spec.rs`); this
//! module holds the checked form the pipeline runs on.

use serde::Serialize;

/// How missing values are filled (step `impute`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Imputation {
    /// The indicator's mean over all units.
    Mean,
    /// The indicator's median over all units.
    Median,
    /// The indicator's mean over units of the same group.
    GroupMean {
        /// The group column.
        group: String,
    },
    /// The indicator's median over units of the same group.
    GroupMedian {
        /// The group column.
        group: String,
    },
    /// Panel data: the unit's latest earlier value of the indicator.
    CarryForward,
    /// Panel data: linear interpolation between the unit's nearest earlier and later values; at the
    /// ends of the series, the nearest known value.
    Interpolate,
}

/// Outlier treatment (step `treat`, or an indicator's override).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Treatment {
    /// Leave the indicator as it is.
    None,
    /// COINr's default: while |skew| ≥ `skew` and kurtosis ≥ `kurt`, winsorise the extreme value(s)
    /// on the side of the skew, up to `winmax` points; if that does not pass, apply `fallback` to the
    /// original values.
    Winsorise {
        /// Most points to winsorise.
        winmax: usize,
        /// Absolute skewness threshold.
        skew: f64,
        /// Kurtosis threshold.
        kurt: f64,
        /// Applied to the untreated column when winsorising does not pass.
        fallback: Fallback,
    },
    /// `ln(x − min + 0.01·(max − min))` (COINr `log_CT`).
    LogCt,
    /// The GII scaled log `ln((max − 1)(x − min)/(max − min) + 1)` (COINr `log_GII`).
    GiiLog,
    /// Box–Cox with a fixed λ after shifting to `x − min + 1`.
    BoxCox {
        /// The Box–Cox λ (0 = log).
        lambda: f64,
    },
}

/// What winsorisation falls back to when it cannot bring skew and kurtosis within bounds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Fallback {
    /// Keep the winsorised values.
    None,
    /// COINr `log_CT` on the original values.
    LogCt,
    /// COINr `log_GII` on the original values.
    GiiLog,
    /// Box–Cox on the original values.
    BoxCox {
        /// The Box–Cox λ.
        lambda: f64,
    },
}

/// A transform applied to an indicator just before it is normalised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Transform {
    /// Natural logarithm; every value must be positive.
    Log,
    /// Square root; every value must be non-negative.
    Sqrt,
}

/// Normalisation (step `normalise`, or an indicator's override). Unless noted, the method is applied
/// to `direction × x`, so that a direction of −1 reverses the scale.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Normaliser {
    /// Linear map of [min, max] onto [low, high].
    MinMax {
        /// Score of the worst unit.
        low: f64,
        /// Score of the best unit.
        high: f64,
    },
    /// `(x − mean)/sd · target_sd + target_mean` (sample standard deviation).
    ZScore {
        /// Target mean.
        mean: f64,
        /// Target standard deviation.
        sd: f64,
    },
    /// Rank, 1 for the lowest; ties take the lowest rank.
    Rank,
    /// `(rank − 1)/(n − 1) · scale`, ties taking the lowest rank.
    PercentRank {
        /// Multiplier (1 gives [0, 1]).
        scale: f64,
    },
    /// `(x − lower)/(upper − lower) · scale` on the raw value; direction −1 uses
    /// `(x − upper)/(lower − upper)`. With `cap`, the fraction is clamped to [0, 1]. Goalposts
    /// are written in the units of the data: an indicator's transform applies to them too.
    Goalposts {
        /// Lower goalpost.
        lower: f64,
        /// Upper goalpost.
        upper: f64,
        /// Multiplier of the fraction.
        scale: f64,
        /// Clamp to the goalposts.
        cap: bool,
    },
    /// `1 − (max − x)/(max − min)`, times `scale`.
    DistToMax {
        /// Multiplier.
        scale: f64,
    },
    /// `1 − (x_ref − x)/(x_ref − min)` where `x_ref` is the value of the reference unit (in the
    /// same year, or in `year`), times `scale`.
    DistToRef {
        /// The reference unit's code.
        unit: String,
        /// Panel data: take the reference's value in this year for every year (pooled panels
        /// only); without it, the reference's value in the same year as the unit.
        year: Option<i32>,
        /// Clamp values above the reference to 1.
        cap: bool,
        /// Multiplier.
        scale: f64,
    },
    /// On the raw value: `(x − min)/(target − min)` for direction 1, `(max − x)/(max − target)` for
    /// −1; the target is the indicator's `target` unless given here. Times `scale`.
    DistToTarget {
        /// Overrides the indicator's target.
        target: Option<f64>,
        /// Clamp values beyond the target to 1.
        cap: bool,
        /// Multiplier.
        scale: f64,
    },
    /// `x / max`, times `scale`.
    FracMax {
        /// Multiplier.
        scale: f64,
    },
    /// Leave values as they are (direction still applies).
    None,
}

impl Default for Normaliser {
    fn default() -> Self {
        Normaliser::MinMax {
            low: 0.0,
            high: 100.0,
        }
    }
}

/// Where aggregation weights come from (step `weight`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Weighting {
    /// The weights written in the framework (per-level `equal_weights` still applies).
    #[default]
    Framework,
    /// Every child of an aggregate weighs the same.
    Equal,
    /// Squared loadings of the first principal component of each aggregate's children (they sum to 1).
    Pca,
}

/// How children are combined into an aggregate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Aggregation {
    /// Weighted arithmetic mean over the children present, weights renormalised.
    #[default]
    Arithmetic,
    /// Weighted geometric mean; every child must be positive.
    Geometric,
    /// Weighted harmonic mean; every child must be positive.
    Harmonic,
    /// Weighted generalised (power) mean `(Σ w xᵖ / Σ w)^(1/p)`; `p = 0` is the geometric mean.
    Power {
        /// The exponent.
        p: f64,
    },
    /// Copeland outranking score: for each other unit, +1 if the unit beats it on a weighted majority
    /// of children, −1 if beaten, 0 on a tie.
    Copeland,
}

/// What an aggregation does with a child value outside its domain (zero or negative under a
/// geometric or harmonic mean, or a power mean that needs positive values).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Default)]
#[serde(tag = "invalid", rename_all = "snake_case")]
pub enum InvalidValues {
    /// Stop the build, naming the unit, year, aggregate and child.
    #[default]
    Error,
    /// Leave that unit-year's aggregate missing, with a warning (what publishers do when an input
    /// is out of range).
    Missing,
    /// Raise every child value below `floor` to it before aggregating, with a warning.
    Floor {
        /// The least value taken (> 0).
        floor: f64,
    },
}

/// A step after aggregation that expresses every aggregate relative to a reference.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Rescale {
    /// `scale × score / score(reference unit, year)`: e.g. the European Innovation Scoreboard's
    /// performance relative to the EU in a base year. Without `year`, the reference's score in
    /// the same year.
    Reference {
        /// The reference unit's code.
        unit: String,
        /// The reference year (panel data).
        year: Option<i32>,
        /// Multiplier (100 gives "EU = 100").
        scale: f64,
    },
    /// `scale × score / score(same unit, base year)`: each unit's progress since the base year.
    BaseYear {
        /// The base year.
        year: i32,
        /// Multiplier.
        scale: f64,
    },
}

/// How multi-year data is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PanelMode {
    /// Each year is built on its own (statistics, goalposts and ranks per year).
    #[default]
    PerYear,
    /// All years are imputed, treated and normalised together so that scores compare over time;
    /// ranks are still given within each year.
    Pooled,
}
