//! Outlier treatment: COINr's winsorise-then-transform rule and the plain transforms.

use serde::Serialize;

use crate::methods::{Fallback, Treatment};
use crate::stats;

/// A skew and kurtosis check, as COINr's `check_SkewKurt`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SkewKurtCheck {
    /// |skew| < threshold OR kurtosis < threshold (true also when there are too few values to tell).
    pub pass: bool,
    /// Skewness (NaN when it cannot be computed).
    pub skew: f64,
    /// Excess kurtosis (NaN when it cannot be computed).
    pub kurt: f64,
}

/// Which end of the distribution a point was winsorised at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// A high value lowered to the next highest.
    High,
    /// A low value raised to the next lowest.
    Low,
}

/// What treatment did to one indicator's column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ColumnTreatment {
    /// Before treatment.
    pub initial: SkewKurtCheck,
    /// Points counted as winsorised (COINr's `nwin`); `None` when winsorisation did not run.
    pub winsorised: Option<usize>,
    /// After winsorising.
    pub after_winsorising: Option<SkewKurtCheck>,
    /// The transform applied (`log_ct`, `gii_log`, `box_cox`), if any.
    pub transform: Option<&'static str>,
    /// After the transform.
    pub after_transform: Option<SkewKurtCheck>,
    /// Rows (within the column) that were winsorised, with the side.
    pub points: Vec<(usize, Side)>,
}

fn check(x: &[f64], skew_t: f64, kurt_t: f64) -> SkewKurtCheck {
    match stats::skew_kurt(x) {
        Some((skew, kurt)) => SkewKurtCheck {
            pass: skew.abs() < skew_t || kurt < kurt_t,
            skew,
            kurt,
        },
        None => SkewKurtCheck {
            pass: true,
            skew: f64::NAN,
            kurt: f64::NAN,
        },
    }
}

/// Applies a treatment to a column in place and reports what was done.
pub fn column(x: &mut [f64], treatment: &Treatment) -> ColumnTreatment {
    let mut record = ColumnTreatment {
        initial: check(x, 2.0, 3.5),
        winsorised: None,
        after_winsorising: None,
        transform: None,
        after_transform: None,
        points: Vec::new(),
    };
    match *treatment {
        Treatment::None => {}
        Treatment::LogCt => transform(x, Fallback::LogCt, &mut record, 2.0, 3.5),
        Treatment::GiiLog => transform(x, Fallback::GiiLog, &mut record, 2.0, 3.5),
        Treatment::BoxCox { lambda } => {
            transform(x, Fallback::BoxCox { lambda }, &mut record, 2.0, 3.5);
        }
        Treatment::Winsorise {
            winmax,
            skew,
            kurt,
            fallback,
        } => {
            record.initial = check(x, skew, kurt);
            if record.initial.pass {
                return record;
            }
            let original = x.to_vec();
            let (nwin, points, after) = winsorise(x, winmax, skew, kurt);
            record.winsorised = Some(nwin);
            record.after_winsorising = Some(after);
            record.points = points;
            if !after.pass && fallback != Fallback::None {
                x.copy_from_slice(&original);
                record.points.clear();
                transform(x, fallback, &mut record, skew, kurt);
            }
        }
    }
    record
}

/// COINr's `winsorise`: while the check fails and fewer than `winmax` points are counted, the
/// current extreme value(s) on the side of the skew take the next value inward. As in COINr, the
/// count is the size of the latest high set plus the latest low set, so a point tied with an earlier
/// winsorised one is counted with it.
fn winsorise(
    x: &mut [f64],
    winmax: usize,
    skew_t: f64,
    kurt_t: f64,
) -> (usize, Vec<(usize, Side)>, SkewKurtCheck) {
    let mut hi: Vec<usize> = Vec::new();
    let mut lo: Vec<usize> = Vec::new();
    let mut nwin = 0;
    let mut now = check(x, skew_t, kurt_t);
    while !now.pass && nwin < winmax {
        let high_side = now.skew >= 0.0;
        let extreme = x.iter().copied().filter(|v| !v.is_nan()).fold(
            if high_side {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            },
            |a, v| {
                if high_side { a.max(v) } else { a.min(v) }
            },
        );
        let positions: Vec<usize> = (0..x.len()).filter(|&i| x[i] == extreme).collect();
        let next = x
            .iter()
            .copied()
            .filter(|v| !v.is_nan() && *v != extreme)
            .fold(None, |a: Option<f64>, v| {
                Some(match a {
                    None => v,
                    Some(a) if high_side => a.max(v),
                    Some(a) => a.min(v),
                })
            });
        let Some(next) = next else { break };
        for &i in &positions {
            x[i] = next;
        }
        if high_side {
            hi = positions
        } else {
            lo = positions
        }
        nwin = hi.len() + lo.len();
        now = check(x, skew_t, kurt_t);
    }
    let points = hi
        .iter()
        .map(|&i| (i, Side::High))
        .chain(lo.iter().map(|&i| (i, Side::Low)))
        .collect();
    (nwin, points, now)
}

fn transform(x: &mut [f64], how: Fallback, record: &mut ColumnTreatment, skew_t: f64, kurt_t: f64) {
    let Some((min, max)) = stats::min_max(x) else {
        return;
    };
    let name = match how {
        Fallback::None => return,
        Fallback::LogCt => {
            let a = 0.01 * (max - min);
            x.iter_mut().for_each(|v| *v = (*v - min + a).ln());
            "log_ct"
        }
        Fallback::GiiLog => {
            x.iter_mut()
                .for_each(|v| *v = ((max - 1.0) * (*v - min) / (max - min) + 1.0).ln());
            "gii_log"
        }
        Fallback::BoxCox { lambda } => {
            x.iter_mut().for_each(|v| {
                let s = *v - min + 1.0;
                *v = if lambda == 0.0 {
                    s.ln()
                } else {
                    (s.powf(lambda) - 1.0) / lambda
                };
            });
            "box_cox"
        }
    };
    record.transform = Some(name);
    record.after_transform = Some(check(x, skew_t, kurt_t));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_rule() -> Treatment {
        Treatment::Winsorise {
            winmax: 5,
            skew: 2.0,
            kurt: 3.5,
            fallback: Fallback::LogCt,
        }
    }

    #[test]
    fn coinr_help_example_winsorises_two_points() {
        // COINr's ?winsorise example: 1..10 plus 30 and 100 (skew 3.06, kurtosis 9.74 by hand).
        // The 100 goes to 30, after which skew is 1.71 and the column passes.
        let mut x: Vec<f64> = (1..=10).map(f64::from).chain([30.0, 100.0]).collect();
        let r = column(&mut x, &default_rule());
        assert!(!r.initial.pass);
        assert_eq!(r.winsorised, Some(1));
        assert!(r.after_winsorising.expect("ran").pass);
        assert_eq!(&x[10..], &[30.0, 30.0]);
        assert_eq!(r.points, vec![(11, Side::High)]);
        assert_eq!(r.transform, None);
    }

    #[test]
    fn passing_column_is_untouched() {
        let mut x = vec![1.0, 2.0, 3.0, 4.0, 5.0];
        let r = column(&mut x, &default_rule());
        assert!(r.initial.pass);
        assert_eq!(r.winsorised, None);
        assert_eq!(x, vec![1.0, 2.0, 3.0, 4.0, 5.0]);
    }

    #[test]
    fn falls_back_to_log_of_the_original_when_winsorising_is_not_enough() {
        // A heavy tail that two winsorised points cannot fix: the second round lowers the two tied
        // top values, so two points are counted, and skew is still 2.50 with kurtosis 5.16.
        let base: Vec<f64> = (0..40).map(|i| 1.5f64.powi(i)).collect();
        let mut x = base.clone();
        let rule = Treatment::Winsorise {
            winmax: 2,
            skew: 2.0,
            kurt: 3.5,
            fallback: Fallback::LogCt,
        };
        let r = column(&mut x, &rule);
        assert_eq!(r.winsorised, Some(2));
        assert!(!r.after_winsorising.expect("ran").pass);
        assert_eq!(r.transform, Some("log_ct"));
        let (min, max) = (base[0], base[39]);
        for (t, b) in x.iter().zip(&base) {
            assert!((t - (b - min + 0.01 * (max - min)).ln()).abs() < 1e-12);
        }
        assert!(
            r.points.is_empty(),
            "the log applies to the original values, not the winsorised ones"
        );
    }

    #[test]
    fn negative_skew_winsorises_the_low_end() {
        let mut x: Vec<f64> = (1..=10).map(f64::from).chain([-100.0]).collect();
        let r = column(&mut x, &default_rule());
        assert_eq!(r.points, vec![(10, Side::Low)]);
        assert_eq!(x[10], 1.0);
    }

    #[test]
    fn box_cox_and_gii_log_match_their_formulas() {
        let mut x = vec![1.0, 2.0, 5.0];
        column(&mut x, &Treatment::BoxCox { lambda: 2.0 });
        // shifted to 1, 2, 5 then (s² − 1)/2
        assert_eq!(x, vec![0.0, 1.5, 12.0]);
        let mut x = vec![1.0, 3.0, 5.0];
        column(&mut x, &Treatment::GiiLog);
        // ln((5 − 1)(x − 1)/4 + 1) = ln(x)
        for (v, e) in x.iter().zip([1.0f64, 3.0, 5.0]) {
            assert!((v - e.ln()).abs() < 1e-15);
        }
    }
}
