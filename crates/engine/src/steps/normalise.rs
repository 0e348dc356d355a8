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
pub struct Context {
    /// 1 or −1.
    pub direction: f64,
    /// The indicator's target.
    pub target: Option<f64>,
    /// Row of the reference unit, for `dist_to_ref`.
    pub reference_row: Option<usize>,
    /// Transform before normalising.
    pub transform: Option<Transform>,
}

fn degenerate(msg: impl Into<String>) -> Problem {
    Problem::Degenerate(msg.into())
}

/// Normalises a column in place.
pub fn column(x: &mut [f64], method: &Normaliser, cx: Context) -> Result<(), Problem> {
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
            let (from, to) = if d < 0.0 {
                (*upper, *lower)
            } else {
                (*lower, *upper)
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
        Normaliser::DistToRef { unit, cap, scale } => {
            let Some(r) = cx.reference_row else {
                return Err(degenerate(format!(
                    "dist_to_ref: reference unit '{unit}' is not in the data"
                )));
            };
            let xref = d * x[r];
            if xref.is_nan() {
                return Err(degenerate(format!(
                    "dist_to_ref: reference unit '{unit}' has no value"
                )));
            }
            if xref == min {
                return Err(degenerate(format!(
                    "dist_to_ref: reference unit '{unit}' has the lowest value, so the distance scale is zero"
                )));
            }
            x.iter_mut().for_each(|v| {
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

    fn cx(direction: f64) -> Context {
        Context {
            direction,
            target: None,
            reference_row: None,
            transform: None,
        }
    }

    fn run(x: &[f64], m: Normaliser, c: Context) -> Vec<f64> {
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
        let reference = Context {
            reference_row: Some(1),
            ..cx(1.0)
        };
        let dref = Normaliser::DistToRef {
            unit: "B".into(),
            cap: true,
            scale: 1.0,
        };
        close(&run(&x, dref, reference), &[0.0, 1.0, 1.0]);
        let dref = Normaliser::DistToRef {
            unit: "B".into(),
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
}
