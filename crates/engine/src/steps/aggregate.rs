//! Aggregation of children columns into one aggregate column, in parallel blocks of rows.

use rayon::prelude::*;

use crate::methods::Aggregation;

/// A child value outside the method's domain (e.g. zero in a geometric mean).
#[derive(Debug, Clone, PartialEq)]
pub struct DomainError {
    /// Row of the unit.
    pub row: usize,
    /// Position of the child in the `children` slice.
    pub child: usize,
    /// The value.
    pub value: f64,
    /// Why the method cannot take it.
    pub message: &'static str,
}

const BLOCK: usize = 8192;

/// Combines `children` (one column each, same length) with `weights` into `out`.
///
/// Missing children are skipped and the remaining weights renormalised; when the weight share of
/// the children present is below `min_share`, or none is present, the aggregate is missing.
pub fn columns(
    children: &[&[f64]],
    weights: &[f64],
    method: Aggregation,
    min_share: f64,
    out: &mut [f64],
) -> Result<(), DomainError> {
    if let Aggregation::Copeland = method {
        copeland(children, weights, out);
        return Ok(());
    }
    // The power mean's limit at p = 0 is the geometric mean.
    let method = match method {
        Aggregation::Power { p: 0.0 } => Aggregation::Geometric,
        m => m,
    };
    let total: f64 = weights.iter().sum();
    out.par_chunks_mut(BLOCK)
        .enumerate()
        .try_for_each(|(b, out)| {
            let start = b * BLOCK;
            let mut acc = vec![0.0; out.len()];
            let mut present = vec![0.0; out.len()];
            for (k, (col, &w)) in children.iter().zip(weights).enumerate() {
                let col = &col[start..start + out.len()];
                for (i, &x) in col.iter().enumerate() {
                    if x.is_nan() {
                        continue;
                    }
                    let term = match method {
                        Aggregation::Arithmetic => x,
                        Aggregation::Geometric => {
                            positive(x, start + i, k, "a geometric mean needs values > 0")?.ln()
                        }
                        Aggregation::Harmonic => {
                            1.0 / positive(x, start + i, k, "a harmonic mean needs values > 0")?
                        }
                        Aggregation::Power { p } => {
                            if p < 0.0 {
                                positive(
                                    x,
                                    start + i,
                                    k,
                                    "a power mean with p < 0 needs values > 0",
                                )?;
                            } else if x < 0.0 && p.fract() != 0.0 {
                                return Err(DomainError {
                                    row: start + i,
                                    child: k,
                                    value: x,
                                    message: "a power mean with fractional p needs values ≥ 0",
                                });
                            }
                            x.powf(p)
                        }
                        Aggregation::Copeland => unreachable!("handled above"),
                    };
                    acc[i] += w * term;
                    present[i] += w;
                }
            }
            for ((o, a), w) in out.iter_mut().zip(acc).zip(present) {
                *o = if w == 0.0 || w < min_share * total {
                    f64::NAN
                } else {
                    let m = a / w;
                    match method {
                        Aggregation::Arithmetic => m,
                        Aggregation::Geometric => m.exp(),
                        Aggregation::Harmonic => 1.0 / m,
                        Aggregation::Power { p } => m.powf(1.0 / p),
                        Aggregation::Copeland => unreachable!("handled above"),
                    }
                };
            }
            Ok(())
        })
}

fn positive(x: f64, row: usize, child: usize, message: &'static str) -> Result<f64, DomainError> {
    if x > 0.0 {
        Ok(x)
    } else {
        Err(DomainError {
            row,
            child,
            value: x,
            message,
        })
    }
}

/// The weighted share of children on which unit `i` beats unit `j`, ties counting half, over the
/// children both have.
pub fn outranking(children: &[&[f64]], weights: &[f64], i: usize, j: usize) -> f64 {
    let (mut beats, mut total) = (0.0, 0.0);
    for (c, &w) in children.iter().zip(weights) {
        let (a, b) = (c[i], c[j]);
        if a.is_nan() || b.is_nan() {
            continue;
        }
        total += w;
        if a > b {
            beats += w;
        } else if a == b {
            beats += 0.5 * w;
        }
    }
    if total == 0.0 { 0.5 } else { beats / total }
}

/// Copeland scores: for each other unit, +1 when the outranking share is above one half, −1 when
/// below. Quadratic in the number of units.
fn copeland(children: &[&[f64]], weights: &[f64], out: &mut [f64]) {
    let n = out.len();
    out.par_iter_mut().enumerate().for_each(|(i, o)| {
        let mut score = 0.0;
        for j in (0..n).filter(|&j| j != i) {
            let s = outranking(children, weights, i, j);
            if s > 0.5 {
                score += 1.0;
            } else if s < 0.5 {
                score -= 1.0;
            }
        }
        *o = score;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const NA: f64 = f64::NAN;

    fn one_row(values: &[f64], weights: &[f64], m: Aggregation) -> Result<f64, DomainError> {
        let cols: Vec<Vec<f64>> = values.iter().map(|v| vec![*v]).collect();
        let refs: Vec<&[f64]> = cols.iter().map(Vec::as_slice).collect();
        let mut out = [0.0];
        columns(&refs, weights, m, 0.0, &mut out)?;
        Ok(out[0])
    }

    #[test]
    fn reference_means() {
        let g = one_row(&[1.0, 2.0, 3.0], &[1.0, 1.0, 2.0], Aggregation::Geometric).expect("ok");
        assert!((g - 18f64.powf(0.25)).abs() < 1e-12);
        let h = one_row(&[1.0, 2.0, 3.0], &[2.0, 1.0, 1.0], Aggregation::Harmonic).expect("ok");
        assert!((h - 4.0 / (2.0 + 0.5 + 1.0 / 3.0)).abs() < 1e-12);
        let p = one_row(
            &[1.0, 2.0, 3.0],
            &[2.0, 1.0, 1.0],
            Aggregation::Power { p: -1.0 },
        )
        .expect("ok");
        assert!((p - h).abs() < 1e-12);
        let q = one_row(&[1.0, 3.0], &[1.0, 1.0], Aggregation::Power { p: 2.0 }).expect("ok");
        assert!((q - 5f64.sqrt()).abs() < 1e-12);
        let a = one_row(&[1.0, NA, 4.0], &[1.0, 5.0, 2.0], Aggregation::Arithmetic).expect("ok");
        assert_eq!(a, 3.0, "missing child skipped, weights renormalised");
    }

    #[test]
    fn geometric_and_harmonic_reject_zero_and_negative() {
        let e = one_row(&[1.0, 0.0], &[1.0, 1.0], Aggregation::Geometric).expect_err("zero");
        assert_eq!((e.child, e.value), (1, 0.0));
        assert!(one_row(&[-1.0, 2.0], &[1.0, 1.0], Aggregation::Harmonic).is_err());
    }

    #[test]
    fn min_share_leaves_sparse_units_missing() {
        let c1 = [1.0, 1.0];
        let c2 = [NA, 3.0];
        let mut out = [0.0; 2];
        columns(
            &[&c1, &c2],
            &[1.0, 1.0],
            Aggregation::Arithmetic,
            0.6,
            &mut out,
        )
        .expect("ok");
        assert!(out[0].is_nan());
        assert_eq!(out[1], 2.0);
    }

    #[test]
    fn copeland_counts_pairwise_majorities() {
        // Three units, three equally weighted children.
        // A beats B on 2 of 3 and C on 2 of 3; B beats C on all 3.
        let c1 = [3.0, 2.0, 1.0];
        let c2 = [3.0, 1.0, 0.0];
        let c3 = [0.0, 2.0, 1.0];
        let w = [1.0, 1.0, 1.0];
        let children: [&[f64]; 3] = [&c1, &c2, &c3];
        assert!((outranking(&children, &w, 0, 1) - 2.0 / 3.0).abs() < 1e-15);
        assert!((outranking(&children, &w, 0, 2) - 2.0 / 3.0).abs() < 1e-15);
        let mut out = [0.0; 3];
        columns(&children, &w, Aggregation::Copeland, 0.0, &mut out).expect("ok");
        assert_eq!(out, [2.0, 0.0, -2.0]);
    }
}
