//! Normalisation of one indicator column, with its direction, target and optional transform.

use crate::methods::{Normaliser, Transform};
use crate::stats;

/// Why a column could not be normalised; the caller adds the indicator and the unit.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The method would divide by zero or has nothing to work on (the message says which).
    Degenerate(String),
    /// A value outside the transform's domain, at this row.
    OutOfDomain {
        /// Row within the column.
        row: usize,
        /// The value.
        value: f64,
        /// The rule it breaks.
        message: &'static str,
    },
}

/// What the normaliser needs to know about the indicator besides its values.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// 1 or −1.
    pub direction: f64,
    /// The indicator's target.
    pub target: Option<f64>,
    /// For `dist_to_ref`: for each row, the row of the reference unit it is measured against
    /// (the same year, or the named year), `None` where the reference has no row there.
    pub reference_rows: Option<&'a [Option<usize>]>,
    /// Transform before normalising.
    pub transform: Option<Transform>,
}

/// A value in the data's units carried into the transformed scale (goalposts and targets are
/// written in the data's units). `None` when the transform cannot take it.
fn transformed(v: f64, t: Option<Transform>) -> Option<f64> {
    match t {
        None => Some(v),
        Some(Transform::Log) => (v > 0.0).then(|| v.ln()),
        Some(Transform::Sqrt) => (v >= 0.0).then(|| v.sqrt()),
    }
}

fn degenerate(msg: impl Into<String>) -> Problem {
    Problem::Degenerate(msg.into())
}

/// Normalises a column in place.
pub fn column(x: &mut [f64], method: &Normaliser, cx: Context<'_>) -> Result<(), Problem> {
    if let Some(t) = cx.transform {
        for (row, v) in x.iter_mut().enumerate() {
            if v.is_nan() {
                continue;
            }
            match t {
                Transform::Log if *v <= 0.0 => {
                    return Err(Problem::OutOfDomain {
                        row,
                        value: *v,
                        message: "log transform needs values > 0",
                    });
                }
                Transform::Sqrt if *v < 0.0 => {
                    return Err(Problem::OutOfDomain {
                        row,
                        value: *v,
                        message: "sqrt transform needs values ≥ 0",
                    });
                }
                Transform::Log => *v = v.ln(),
                Transform::Sqrt => *v = v.sqrt(),
            }
        }
    }
    let Some((raw_min, raw_max)) = stats::min_max(x) else {
        return Err(degenerate("has no values to normalise"));
    };
    let d = cx.direction;
    // Methods other than goalposts and distance-to-target work on direction × x.
    let (min, max) = if d < 0.0 {
        (-raw_max, -raw_min)
    } else {
        (raw_min, raw_max)
    };
    let constant = || {
        degenerate(format!(
            "is constant ({raw_min}): the method divides by its range, which is zero"
        ))
    };
    match method {
        Normaliser::MinMax { low, high } => {
            if max == min {
                return Err(constant());
            }
            let k = (high - low) / (max - min);
            x.iter_mut().for_each(|v| *v = (d * *v - min) * k + low);
        }
        Normaliser::ZScore { mean, sd } => {
            x.iter_mut().for_each(|v| *v *= d);
            let (m, s) = (stats::mean(x), stats::sd(x));
            if s.is_nan() || s <= 0.0 {
                return Err(constant());
            }
            x.iter_mut().for_each(|v| *v = (*v - m) / s * sd + mean);
        }
        Normaliser::Rank => {
            x.iter_mut().for_each(|v| *v *= d);
            let r = stats::rank_ascending_min(x);
            x.copy_from_slice(&r);
        }
        Normaliser::PercentRank { scale } => {
            x.iter_mut().for_each(|v| *v *= d);
            let n = stats::count(x);
            if n < 2 {
                return Err(degenerate(
                    "has fewer than two values: percentile ranks are undefined",
                ));
            }
            let r = stats::rank_ascending_min(x);
            for (v, r) in x.iter_mut().zip(r) {
                *v = (r - 1.0) / (n - 1) as f64 * scale;
            }
        }
        Normaliser::Goalposts {
            lower,
            upper,
            scale,
            cap,
        } => {
            // Goalposts are in the data's units: the indicator's transform applies to them too.
            let post = |v: f64| {
                transformed(v, cx.transform).ok_or_else(|| {
                    degenerate(format!(
                        "goalposts: {v} is outside the domain of the indicator's transform"
                    ))
                })
            };
            let (lower, upper) = (post(*lower)?, post(*upper)?);
            let (from, to) = if d < 0.0 {
                (upper, lower)
            } else {
                (lower, upper)
            };
            x.iter_mut().for_each(|v| {
                let mut y = (*v - from) / (to - from);
                if *cap {
                    y = y.clamp(0.0, 1.0);
                }
                *v = y * scale;
            });
        }
        Normaliser::DistToMax { scale } => {
            if max == min {
                return Err(constant());
            }
            x.iter_mut()
                .for_each(|v| *v = (1.0 - (max - d * *v) / (max - min)) * scale);
        }
        Normaliser::DistToRef {
            unit,
            year,
            cap,
            scale,
        } => {
            let in_year = year.map(|y| format!(" in {y}")).unwrap_or_default();
            let Some(rows) = cx.reference_rows else {
                return Err(degenerate(format!(
                    "dist_to_ref: reference unit '{unit}' is not in the data"
                )));
            };
            // The reference value of every row, read before the column is overwritten.
            let mut refs = Vec::with_capacity(x.len());
            for (i, v) in x.iter().enumerate() {
                if v.is_nan() {
                    refs.push(f64::NAN);
                    continue;
                }
                let Some(r) = rows.get(i).copied().flatten() else {
                    return Err(degenerate(format!(
                        "dist_to_ref: reference unit '{unit}' has no row{in_year} beside row {}",
                        i + 1
                    )));
                };
                let xref = d * x[r];
                if xref.is_nan() {
                    return Err(degenerate(format!(
                        "dist_to_ref: reference unit '{unit}' has no value{in_year}"
                    )));
                }
                if xref == min {
                    return Err(degenerate(format!(
                        "dist_to_ref: reference unit '{unit}' has the lowest value{in_year}, so the distance scale is zero"
                    )));
                }
                refs.push(xref);
            }
            x.iter_mut().zip(refs).for_each(|(v, xref)| {
                let mut y = 1.0 - (xref - d * *v) / (xref - min);
                if *cap && y > 1.0 {
                    y = 1.0;
                }
                *v = y * scale;
            });
        }
        Normaliser::DistToTarget { target, cap, scale } => {
            let Some(t) = target.or(cx.target) else {
                return Err(degenerate("dist_to_target: no target"));
            };
            // The target is in the data's units, like goalposts.
            let t = transformed(t, cx.transform).ok_or_else(|| {
                degenerate(format!(
                    "dist_to_target: the target {t} is outside the domain of the indicator's transform"
                ))
            })?;
            let (base, span) = if d < 0.0 {
                (raw_max, raw_max - t)
            } else {
                (raw_min, t - raw_min)
            };
            if span == 0.0 {
                return Err(degenerate(format!(
                    "dist_to_target: the target {t} equals the worst value, so the scale is zero"
                )));
            }
            x.iter_mut().for_each(|v| {
                let mut y = d * (*v - base) / span;
                if *cap && y > 1.0 {
                    y = 1.0;
                }
                *v = y * scale;
            });
        }
        Normaliser::FracMax { scale } => {
            if max == 0.0 {
                return Err(degenerate("frac_max: the maximum is zero"));
            }
            x.iter_mut().for_each(|v| *v = d * *v / max * scale);
        }
        Normaliser::None => x.iter_mut().for_each(|v| *v *= d),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NA: f64 = f64::NAN;

    fn cx(direction: f64) -> Context<'static> {
        Context {
            direction,
            target: None,
            reference_rows: None,
            transform: None,
        }
    }

    fn run(x: &[f64], m: Normaliser, c: Context<'_>) -> Vec<f64> {
        let mut v = x.to_vec();
        column(&mut v, &m, c).expect("normalises");
        v
    }

    fn close(a: &[f64], b: &[f64]) {
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(b) {
            assert!(
                (x.is_nan() && y.is_nan()) || (x - y).abs() < 1e-12,
                "{a:?} vs {b:?}"
            );
        }
    }

    #[test]
    fn minmax_with_directions() {
        let x = [2.0, 4.0, NA, 6.0];
        close(
            &run(&x, Normaliser::default(), cx(1.0)),
            &[0.0, 50.0, NA, 100.0],
        );
        close(
            &run(&x, Normaliser::default(), cx(-1.0)),
            &[100.0, 50.0, NA, 0.0],
        );
        close(
            &run(
                &x,
                Normaliser::MinMax {
                    low: 1.0,
                    high: 2.0,
                },
                cx(1.0),
            ),
            &[1.0, 1.5, NA, 2.0],
        );
    }

    #[test]
    fn constant_indicator_is_an_error() {
        let mut x = vec![3.0, 3.0];
        let e = column(&mut x, &Normaliser::default(), cx(1.0)).expect_err("constant");
        assert!(matches!(e, Problem::Degenerate(m) if m.contains("constant")));
    }

    #[test]
    fn goalposts_match_the_reference_examples() {
        let gp = Normaliser::Goalposts {
            lower: 0.0,
            upper: 10.0,
            scale: 1.0,
            cap: true,
        };
        close(&run(&[1.0], gp.clone(), cx(1.0)), &[0.1]);
        close(&run(&[1.0], gp.clone(), cx(-1.0)), &[0.9]);
        close(&run(&[-5.0, 15.0], gp, cx(1.0)), &[0.0, 1.0]);
        let uncapped = Normaliser::Goalposts {
            lower: 0.0,
            upper: 10.0,
            scale: 100.0,
            cap: false,
        };
        close(&run(&[15.0], uncapped, cx(1.0)), &[150.0]);
    }

    #[test]
    fn zscore_rank_and_percent_rank() {
        // mean 2, sd 1
        close(
            &run(
                &[1.0, 2.0, 3.0],
                Normaliser::ZScore {
                    mean: 10.0,
                    sd: 2.0,
                },
                cx(1.0),
            ),
            &[8.0, 10.0, 12.0],
        );
        close(
            &run(&[3.0, 1.0, 3.0, 2.0], Normaliser::Rank, cx(1.0)),
            &[3.0, 1.0, 3.0, 2.0],
        );
        close(
            &run(&[3.0, 1.0, 3.0, 2.0], Normaliser::Rank, cx(-1.0)),
            &[1.0, 4.0, 1.0, 3.0],
        );
        close(
            &run(
                &[3.0, 1.0, 3.0, 2.0, NA],
                Normaliser::PercentRank { scale: 100.0 },
                cx(1.0),
            ),
            &[200.0 / 3.0, 0.0, 200.0 / 3.0, 100.0 / 3.0, NA],
        );
    }

    #[test]
    fn distances_and_fraction_of_max() {
        let x = [2.0, 4.0, 10.0];
        close(
            &run(&x, Normaliser::DistToMax { scale: 1.0 }, cx(1.0)),
            &[0.0, 0.25, 1.0],
        );
        close(
            &run(&x, Normaliser::FracMax { scale: 1.0 }, cx(1.0)),
            &[0.2, 0.4, 1.0],
        );
        let rows = [Some(1), Some(1), Some(1)];
        let reference = Context {
            reference_rows: Some(&rows),
            ..cx(1.0)
        };
        let dref = Normaliser::DistToRef {
            unit: "B".into(),
            year: None,
            cap: true,
            scale: 1.0,
        };
        close(&run(&x, dref, reference), &[0.0, 1.0, 1.0]);
        let dref = Normaliser::DistToRef {
            unit: "B".into(),
            year: None,
            cap: false,
            scale: 1.0,
        };
        close(&run(&x, dref, reference), &[0.0, 1.0, 4.0]);
        let targeted = Context {
            target: Some(6.0),
            ..cx(1.0)
        };
        let dt = Normaliser::DistToTarget {
            target: None,
            cap: true,
            scale: 1.0,
        };
        close(&run(&x, dt.clone(), targeted), &[0.0, 0.5, 1.0]);
        // Less is better: max 10, target 2 → (10 − x)/8.
        let low_target = Context {
            target: Some(2.0),
            ..cx(-1.0)
        };
        close(&run(&x, dt, low_target), &[1.0, 0.75, 0.0]);
    }

    #[test]
    fn transforms_apply_first_and_check_their_domain() {
        let c = Context {
            transform: Some(Transform::Log),
            ..cx(1.0)
        };
        close(
            &run(&[1.0, std::f64::consts::E], Normaliser::None, c),
            &[0.0, 1.0],
        );
        let mut x = vec![1.0, -2.0];
        let e = column(&mut x, &Normaliser::None, c).expect_err("log of a negative");
        assert_eq!(
            e,
            Problem::OutOfDomain {
                row: 1,
                value: -2.0,
                message: "log transform needs values > 0"
            }
        );
        let c = Context {
            transform: Some(Transform::Sqrt),
            ..cx(1.0)
        };
        close(&run(&[4.0, 9.0], Normaliser::None, c), &[2.0, 3.0]);
    }

    #[test]
    fn goalposts_and_targets_are_in_the_units_of_the_data() {
        // The HDI's income index: (ln x − ln 100) / (ln 75000 − ln 100), goalposts written as
        // 100 and 75,000 dollars.
        let c = Context {
            transform: Some(Transform::Log),
            ..cx(1.0)
        };
        let gp = Normaliser::Goalposts {
            lower: 100.0,
            upper: 75_000.0,
            scale: 1.0,
            cap: true,
        };
        let income = [100.0, 10_000.0, 75_000.0, 200_000.0];
        let want = (10_000f64.ln() - 100f64.ln()) / (75_000f64.ln() - 100f64.ln());
        close(&run(&income, gp.clone(), c), &[0.0, want, 1.0, 1.0]);
        // By hand: ln(100) = 4.60517, ln(10000) = 9.21034, ln(75000) = 11.22524 → 4.60517 / 6.62007 = 0.69564.
        assert!((want - 0.695_637).abs() < 1e-6, "{want}");
        let mut bad = vec![1.0];
        let zero_post = Normaliser::Goalposts {
            lower: 0.0,
            upper: 10.0,
            scale: 1.0,
            cap: true,
        };
        assert!(
            column(&mut bad, &zero_post, c).is_err(),
            "ln 0 is no goalpost"
        );
        // A target in the data's units: sqrt 100 = 10 against min sqrt 4 = 2.
        let t = Context {
            transform: Some(Transform::Sqrt),
            target: Some(100.0),
            ..cx(1.0)
        };
        let dt = Normaliser::DistToTarget {
            target: None,
            cap: false,
            scale: 1.0,
        };
        close(&run(&[4.0, 36.0, 100.0], dt, t), &[0.0, 0.5, 1.0]);
    }

    #[test]
    fn the_reference_is_taken_row_by_row() {
        // Two years pooled: rows 0–1 are 2020 (reference row 1), rows 2–3 are 2021 (row 3).
        let x = [2.0, 4.0, 3.0, 8.0];
        let rows = [Some(1), Some(1), Some(3), Some(3)];
        let c = Context {
            reference_rows: Some(&rows),
            ..cx(1.0)
        };
        let dref = Normaliser::DistToRef {
            unit: "REF".into(),
            year: None,
            cap: false,
            scale: 1.0,
        };
        // min 2: 2020 against 4 → (0, 1); 2021 against 8 → 1 − 5/6, 1.
        close(&run(&x, dref.clone(), c), &[0.0, 1.0, 1.0 / 6.0, 1.0]);
        let missing = [Some(1), Some(1), None, None];
        let c = Context {
            reference_rows: Some(&missing),
            ..cx(1.0)
        };
        let mut v = x.to_vec();
        assert!(column(&mut v, &dref, c).is_err(), "no reference in 2021");
    }
}
