//! The pipeline's methods as written in a framework file, checked and resolved: each step's
//! method name and parameters become a [`Step`] (impute, treat, normalise, aggregate, rescale…),
//! with every parameter known and every error located. Split from `framework.rs` to keep files
//! short; the hierarchy is checked there.

use super::*;

pub(super) fn check_weight(w: f64, loc: &str) -> Result<()> {
    if !w.is_finite() || w < 0.0 {
        return Err(Error::framework(
            loc,
            format!("weight is {w}, must be a finite number ≥ 0"),
        ));
    }
    Ok(())
}

/// Lists the parameters set in a method spec, so that unused ones can be rejected.
pub(super) fn params_set(m: &MethodSpec) -> Vec<&'static str> {
    let mut v = Vec::new();
    macro_rules! note {
        ($($f:ident),*) => { $( if m.$f.is_some() { v.push(stringify!($f)); } )* };
    }
    note!(
        group, winmax, skew, kurt, fallback, lambda, low, high, mean, sd, lower, upper, scale, cap,
        unit, target, p, min_share, year, invalid, floor
    );
    v
}

pub(super) fn only(m: &MethodSpec, loc: &str, allowed: &[&str]) -> Result<()> {
    for p in params_set(m) {
        if !allowed.contains(&p) {
            let method = m.method.as_deref().or(m.step.as_deref()).unwrap_or("?");
            return Err(Error::framework(
                loc,
                format!("parameter '{p}' does not apply to '{method}'"),
            ));
        }
    }
    Ok(())
}

pub(super) fn override_method<'a>(m: &'a MethodSpec, loc: &str) -> Result<&'a MethodSpec> {
    if m.step.is_some() {
        return Err(Error::framework(
            loc,
            "'step' belongs in [[step]], not in an override",
        ));
    }
    if m.method.is_none() {
        return Err(Error::framework(loc, "an override needs a 'method'"));
    }
    Ok(m)
}

pub(super) fn method_name<'a>(m: &'a MethodSpec, loc: &str) -> Result<&'a str> {
    m.method
        .as_deref()
        .ok_or_else(|| Error::framework(loc, "needs a 'method'"))
}

pub(super) fn unknown(loc: &str, what: &str, name: &str, choices: &str) -> Error {
    Error::framework(loc, format!("{what} '{name}' is not one of {choices}"))
}

pub(super) fn steps(specs: &[MethodSpec]) -> Result<Vec<Step>> {
    let mut out: Vec<Step> = Vec::with_capacity(specs.len());
    for (k, m) in specs.iter().enumerate() {
        let loc = format!("step {}", k + 1);
        let name = m
            .step
            .as_deref()
            .ok_or_else(|| Error::framework(&loc, "needs 'step = ...'"))?;
        let step = match name {
            "denominate" => {
                only(m, &loc, &[])?;
                if m.method.is_some() {
                    return Err(Error::framework(&loc, "denominate takes no method"));
                }
                Step::Denominate
            }
            "screen" => {
                only(m, &loc, &["min_share"])?;
                let min_share = m.min_share.unwrap_or(0.0);
                share(min_share, &loc)?;
                Step::Screen { min_share }
            }
            "impute" => Step::Impute {
                imputation: imputation(m, &loc)?,
            },
            "treat" => Step::Treat {
                treatment: treatment(m, &loc)?,
            },
            "normalise" | "normalize" => Step::Normalise {
                normaliser: normaliser(m, &loc)?,
            },
            "weight" => {
                only(m, &loc, &[])?;
                let weighting = match method_name(m, &loc)? {
                    "framework" => Weighting::Framework,
                    "equal" => Weighting::Equal,
                    "pca" => Weighting::Pca,
                    o => return Err(unknown(&loc, "weighting", o, "framework, equal, pca")),
                };
                Step::Weight { weighting }
            }
            "aggregate" => {
                let min_share = m.min_share.unwrap_or(0.0);
                share(min_share, &loc)?;
                let invalid = invalid_values(m, &loc)?;
                let mut method_only = m.clone();
                method_only.min_share = None;
                method_only.invalid = None;
                method_only.floor = None;
                let aggregation = if m.method.is_some() {
                    aggregation(&method_only, &loc)?
                } else {
                    only(&method_only, &loc, &[])?;
                    Aggregation::Arithmetic
                };
                Step::Aggregate {
                    aggregation,
                    min_share,
                    invalid,
                }
            }
            o => {
                return Err(unknown(
                    &loc,
                    "step",
                    o,
                    "denominate, screen, impute, treat, normalise, weight, aggregate",
                ));
            }
        };
        if out.iter().any(|s| s.name() == step.name()) {
            return Err(Error::framework(
                &loc,
                format!("step '{}' appears twice", step.name()),
            ));
        }
        out.push(step);
    }
    let pos = |n: &str| out.iter().position(|s| s.name() == n);
    let (Some(norm), Some(agg)) = (pos("normalise"), pos("aggregate")) else {
        return Err(Error::framework(
            "steps",
            "a pipeline needs a 'normalise' and an 'aggregate' step",
        ));
    };
    if agg < norm {
        return Err(Error::framework(
            "steps",
            "'aggregate' must come after 'normalise'",
        ));
    }
    if let Some(w) = pos("weight")
        && w > agg
    {
        return Err(Error::framework(
            "steps",
            "'weight' must come before 'aggregate'",
        ));
    }
    for late in ["denominate", "screen", "impute", "treat"] {
        if pos(late).is_some_and(|p| p > norm) {
            return Err(Error::framework(
                "steps",
                format!("'{late}' must come before 'normalise'"),
            ));
        }
    }
    Ok(out)
}

pub(super) fn share(v: f64, loc: &str) -> Result<()> {
    if !(0.0..=1.0).contains(&v) {
        return Err(Error::framework(
            loc,
            format!("min_share is {v}, must be within [0, 1]"),
        ));
    }
    Ok(())
}

pub(super) fn imputation(m: &MethodSpec, loc: &str) -> Result<Imputation> {
    let name = method_name(m, loc)?;
    let group = || {
        m.group.clone().ok_or_else(|| {
            Error::framework(loc, format!("'{name}' needs 'group', the group column"))
        })
    };
    let im = match name {
        "mean" => Imputation::Mean,
        "median" => Imputation::Median,
        "group_mean" => Imputation::GroupMean { group: group()? },
        "group_median" => Imputation::GroupMedian { group: group()? },
        "carry_forward" => Imputation::CarryForward,
        "interpolate" => Imputation::Interpolate,
        o => {
            return Err(unknown(
                loc,
                "imputation",
                o,
                "mean, median, group_mean, group_median, carry_forward, interpolate",
            ));
        }
    };
    let allowed: &[&str] = if matches!(
        im,
        Imputation::GroupMean { .. } | Imputation::GroupMedian { .. }
    ) {
        &["group"]
    } else {
        &[]
    };
    only(m, loc, allowed)?;
    Ok(im)
}

pub(super) fn fallback(name: &str, lambda: Option<f64>, loc: &str) -> Result<Fallback> {
    Ok(match name {
        "none" => Fallback::None,
        "log_ct" => Fallback::LogCt,
        "gii_log" => Fallback::GiiLog,
        "box_cox" => Fallback::BoxCox {
            lambda: lambda.ok_or_else(|| Error::framework(loc, "box_cox needs 'lambda'"))?,
        },
        o => {
            return Err(unknown(
                loc,
                "fallback",
                o,
                "none, log_ct, gii_log, box_cox",
            ));
        }
    })
}

pub(super) fn treatment(m: &MethodSpec, loc: &str) -> Result<Treatment> {
    let name = method_name(m, loc)?;
    let t = match name {
        "none" => {
            only(m, loc, &[])?;
            Treatment::None
        }
        "winsorise" | "winsorize" => {
            only(m, loc, &["winmax", "skew", "kurt", "fallback", "lambda"])?;
            let skew = m.skew.unwrap_or(2.0);
            let kurt = m.kurt.unwrap_or(3.5);
            if skew <= 0.0 {
                return Err(Error::framework(
                    loc,
                    format!("skew threshold is {skew}, must be > 0"),
                ));
            }
            Treatment::Winsorise {
                winmax: m.winmax.unwrap_or(5),
                skew,
                kurt,
                fallback: fallback(m.fallback.as_deref().unwrap_or("log_ct"), m.lambda, loc)?,
            }
        }
        "log_ct" => {
            only(m, loc, &[])?;
            Treatment::LogCt
        }
        "gii_log" => {
            only(m, loc, &[])?;
            Treatment::GiiLog
        }
        "box_cox" => {
            only(m, loc, &["lambda"])?;
            Treatment::BoxCox {
                lambda: m
                    .lambda
                    .ok_or_else(|| Error::framework(loc, "box_cox needs 'lambda'"))?,
            }
        }
        o => {
            return Err(unknown(
                loc,
                "treatment",
                o,
                "none, winsorise, log_ct, gii_log, box_cox",
            ));
        }
    };
    Ok(t)
}

pub(super) fn normaliser(m: &MethodSpec, loc: &str) -> Result<Normaliser> {
    let name = method_name(m, loc)?;
    let scale = m.scale.unwrap_or(1.0);
    let n = match name {
        "minmax" => {
            only(m, loc, &["low", "high"])?;
            let (low, high) = (m.low.unwrap_or(0.0), m.high.unwrap_or(100.0));
            if high <= low {
                return Err(Error::framework(
                    loc,
                    format!("minmax needs low < high, got [{low}, {high}]"),
                ));
            }
            Normaliser::MinMax { low, high }
        }
        "zscore" => {
            only(m, loc, &["mean", "sd"])?;
            let sd = m.sd.unwrap_or(1.0);
            if sd <= 0.0 {
                return Err(Error::framework(
                    loc,
                    format!("zscore needs sd > 0, got {sd}"),
                ));
            }
            Normaliser::ZScore {
                mean: m.mean.unwrap_or(0.0),
                sd,
            }
        }
        "rank" => {
            only(m, loc, &[])?;
            Normaliser::Rank
        }
        "percent_rank" => {
            only(m, loc, &["scale"])?;
            Normaliser::PercentRank { scale }
        }
        "goalposts" => {
            only(m, loc, &["lower", "upper", "scale", "cap"])?;
            let (Some(lower), Some(upper)) = (m.lower, m.upper) else {
                return Err(Error::framework(loc, "goalposts needs 'lower' and 'upper'"));
            };
            if lower == upper {
                return Err(Error::framework(
                    loc,
                    "goalposts 'lower' and 'upper' are equal",
                ));
            }
            Normaliser::Goalposts {
                lower,
                upper,
                scale,
                cap: m.cap.unwrap_or(true),
            }
        }
        "dist_to_max" => {
            only(m, loc, &["scale"])?;
            Normaliser::DistToMax { scale }
        }
        "dist_to_ref" => {
            only(m, loc, &["unit", "year", "cap", "scale"])?;
            Normaliser::DistToRef {
                unit: m.unit.clone().ok_or_else(|| {
                    Error::framework(loc, "dist_to_ref needs 'unit', the reference unit's code")
                })?,
                year: m.year,
                cap: m.cap.unwrap_or(false),
                scale,
            }
        }
        "dist_to_target" => {
            only(m, loc, &["target", "cap", "scale"])?;
            Normaliser::DistToTarget {
                target: m.target,
                cap: m.cap.unwrap_or(false),
                scale,
            }
        }
        "frac_max" => {
            only(m, loc, &["scale"])?;
            Normaliser::FracMax { scale }
        }
        "none" => {
            only(m, loc, &[])?;
            Normaliser::None
        }
        o => {
            return Err(unknown(
                loc,
                "normalisation",
                o,
                "minmax, zscore, rank, percent_rank, goalposts, dist_to_max, dist_to_ref, dist_to_target, frac_max, none",
            ));
        }
    };
    Ok(n)
}

pub(super) fn aggregation(m: &MethodSpec, loc: &str) -> Result<Aggregation> {
    let name = method_name(m, loc)?;
    let a = match name {
        "arithmetic" => Aggregation::Arithmetic,
        "geometric" => Aggregation::Geometric,
        "harmonic" => Aggregation::Harmonic,
        "power" => Aggregation::Power {
            p: m.p
                .filter(|p| p.is_finite())
                .ok_or_else(|| Error::framework(loc, "power needs a finite 'p'"))?,
        },
        "copeland" => Aggregation::Copeland,
        o => {
            return Err(unknown(
                loc,
                "aggregation",
                o,
                "arithmetic, geometric, harmonic, power, copeland",
            ));
        }
    };
    only(
        m,
        loc,
        if matches!(a, Aggregation::Power { .. }) {
            &["p"]
        } else {
            &[]
        },
    )?;
    Ok(a)
}

/// `invalid` and `floor` of the aggregate step.
pub(super) fn invalid_values(m: &MethodSpec, loc: &str) -> Result<InvalidValues> {
    let policy = match m.invalid.as_deref() {
        None | Some("error") => InvalidValues::Error,
        Some("missing") => InvalidValues::Missing,
        Some("floor") => {
            let floor = m
                .floor
                .ok_or_else(|| Error::framework(loc, "invalid = \"floor\" needs 'floor'"))?;
            if !(floor > 0.0 && floor.is_finite()) {
                return Err(Error::framework(
                    loc,
                    format!("'floor' must be a positive number, got {floor}"),
                ));
            }
            InvalidValues::Floor { floor }
        }
        Some(o) => return Err(unknown(loc, "invalid", o, "error, missing, floor")),
    };
    if m.floor.is_some() && !matches!(policy, InvalidValues::Floor { .. }) {
        return Err(Error::framework(
            loc,
            "'floor' applies only with invalid = \"floor\"",
        ));
    }
    Ok(policy)
}

/// `[rescale]`.
pub(super) fn rescale(m: &MethodSpec, loc: &str) -> Result<Rescale> {
    if m.step.is_some() {
        return Err(Error::framework(loc, "[rescale] takes no 'step'"));
    }
    let scale = m.scale.unwrap_or(100.0);
    if !(scale.is_finite() && scale != 0.0) {
        return Err(Error::framework(
            loc,
            format!("'scale' must be a non-zero number, got {scale}"),
        ));
    }
    match method_name(m, loc)? {
        "reference" => {
            only(m, loc, &["unit", "year", "scale"])?;
            Ok(Rescale::Reference {
                unit: m.unit.clone().ok_or_else(|| {
                    Error::framework(loc, "reference needs 'unit', the reference unit's code")
                })?,
                year: m.year,
                scale,
            })
        }
        "base_year" => {
            only(m, loc, &["year", "scale"])?;
            Ok(Rescale::BaseYear {
                year: m
                    .year
                    .ok_or_else(|| Error::framework(loc, "base_year needs 'year'"))?,
                scale,
            })
        }
        o => Err(unknown(loc, "rescale method", o, "reference, base_year")),
    }
}
