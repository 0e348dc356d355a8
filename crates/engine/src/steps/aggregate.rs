//! Aggregation of children columns into one aggregate column, in parallel blocks of rows.

use rayon::prelude::*;

use crate::methods::{Aggregation, InvalidValues};

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
/// A child value outside the method's domain stops the aggregation (`InvalidValues::Error`), or
/// leaves that unit's aggregate missing, or is raised to the floor; the values passed over are
/// returned (first per unit), for the build's warnings.
pub fn columns(
    children: &[&[f64]],
    weights: &[f64],
    method: Aggregation,
    min_share: f64,
    invalid: InvalidValues,
    out: &mut [f64],
) -> Result<Vec<DomainError>, DomainError> {
    if let Aggregation::Copeland = method {
        copeland(children, weights, out);
        return Ok(Vec::new());
    }
    let floor = match invalid {
        InvalidValues::Floor { floor } => Some(floor),
        _ => None,
    };
    let leave_missing = invalid == InvalidValues::Missing;
    // The power mean's limit at p = 0 is the geometric mean.
    let method = match method {
        Aggregation::Power { p: 0.0 } => Aggregation::Geometric,
        m => m,
    };
    let total: f64 = weights.iter().sum();
    let passed: Vec<Vec<DomainError>> = out
        .par_chunks_mut(BLOCK)
        .enumerate()
        .map(|(b, out)| {
            let start = b * BLOCK;
            let mut acc = vec![0.0; out.len()];
            let mut present = vec![0.0; out.len()];
            let mut passed: Vec<DomainError> = Vec::new();
            let mut failed = vec![false; out.len()];
            for (k, (col, &w)) in children.iter().zip(weights).enumerate() {
                let col = &col[start..start + out.len()];
                // Methods whose every term is defined take a loop without checks or dispatch
                // (the general loop below was most of a Monte Carlo replication's time).
                match plain_term(method) {
                    Some(PlainTerm::Identity) => {
                        accumulate(col, w, &mut acc, &mut present, |x| x);
                        continue;
                    }
                    Some(PlainTerm::Square) => {
                        accumulate(col, w, &mut acc, &mut present, |x| x * x);
                        continue;
                    }
                    None => {}
                }
                for (i, &x) in col.iter().enumerate() {
                    if x.is_nan() || failed[i] {
                        continue;
                    }
                    let x = match floor {
                        Some(f) if x < f && needs_positive(method) => {
                            if passed.last().is_none_or(|p| p.row != start + i) {
                                passed.push(DomainError {
                                    row: start + i,
                                    child: k,
                                    value: x,
                                    message: "raised to the floor",
                                });
                            }
                            f
                        }
                        _ => x,
                    };
                    let term = match term(method, x, start + i, k) {
                        Ok(t) => t,
                        Err(e) if leave_missing => {
                            failed[i] = true;
                            passed.push(e);
                            continue;
                        }
                        Err(e) => return Err(e),
                    };
                    acc[i] += w * term;
                    present[i] += w;
                }
            }
            let least = min_share * total;
            let means = Means {
                acc: &acc,
                present: &present,
                failed: &failed,
                least,
            };
            // The method is chosen once per block, not per unit (a jump per unit was a quarter
            // of the aggregation's time).
            match method {
                Aggregation::Arithmetic => means.finish(out, |m| m),
                Aggregation::Geometric => means.finish(out, f64::exp),
                Aggregation::Harmonic => means.finish(out, |m| 1.0 / m),
                Aggregation::Power { p: 2.0 } => means.finish(out, f64::sqrt),
                Aggregation::Power { p } => means.finish(out, |m| root(m, p)),
                Aggregation::Copeland => unreachable!("handled above"),
            }
            passed.sort_by_key(|p| p.row);
            passed.dedup_by_key(|p| p.row);
            Ok(passed)
        })
        .collect::<Result<_, _>>()?;
    Ok(passed.into_iter().flatten().collect())
}

/// A block's weighted sums of terms and of the weights present, and the units that failed.
struct Means<'a> {
    acc: &'a [f64],
    present: &'a [f64],
    failed: &'a [bool],
    /// The least weight present for an aggregate (`min_share` of the total).
    least: f64,
}

impl Means<'_> {
    /// Writes `finish(sum / weight)` for every unit with enough weight present, else missing.
    #[inline(always)]
    fn finish(&self, out: &mut [f64], finish: impl Fn(f64) -> f64) {
        for (i, o) in out.iter_mut().enumerate() {
            let w = self.present[i];
            *o = if self.failed[i] || w == 0.0 || w < self.least {
                f64::NAN
            } else {
                finish(self.acc[i] / w)
            };
        }
    }
}

/// A term that is a plain function of every value (no domain limit, so no floor or failure).
#[derive(Clone, Copy)]
enum PlainTerm {
    /// `x` (arithmetic mean, power mean with p = 1).
    Identity,
    /// `x²` (power mean with p = 2; `powi(2)` is the same single multiplication).
    Square,
}

fn plain_term(method: Aggregation) -> Option<PlainTerm> {
    match method {
        Aggregation::Arithmetic | Aggregation::Power { p: 1.0 } => Some(PlainTerm::Identity),
        Aggregation::Power { p: 2.0 } => Some(PlainTerm::Square),
        _ => None,
    }
}

/// Adds `w · f(x)` and `w` for every value present.
#[inline(always)]
fn accumulate(col: &[f64], w: f64, acc: &mut [f64], present: &mut [f64], f: impl Fn(f64) -> f64) {
    // Without a branch, so that it vectorises; adding 0.0 leaves a sum as it was.
    for ((&x, a), p) in col.iter().zip(acc.iter_mut()).zip(present.iter_mut()) {
        let here = !x.is_nan();
        *a += if here { w * f(x) } else { 0.0 };
        *p += if here { w } else { 0.0 };
    }
}

/// Whether the method takes only positive values (so a floor applies to it).
fn needs_positive(method: Aggregation) -> bool {
    match method {
        Aggregation::Geometric | Aggregation::Harmonic => true,
        Aggregation::Power { p } => p <= 0.0 || p.fract() != 0.0,
        Aggregation::Arithmetic | Aggregation::Copeland => false,
    }
}

/// One child's term of the mean, or why the method cannot take the value.
fn term(method: Aggregation, x: f64, row: usize, k: usize) -> Result<f64, DomainError> {
    Ok(match method {
        Aggregation::Arithmetic => x,
        Aggregation::Geometric => positive(x, row, k, "a geometric mean needs values > 0")?.ln(),
        Aggregation::Harmonic => 1.0 / positive(x, row, k, "a harmonic mean needs values > 0")?,
        Aggregation::Power { p } => {
            if p < 0.0 {
                positive(x, row, k, "a power mean with p < 0 needs values > 0")?;
            } else if x < 0.0 && p.fract() != 0.0 {
                return Err(DomainError {
                    row,
                    child: k,
                    value: x,
                    message: "a power mean with fractional p needs values ≥ 0",
                });
            }
            power(x, p)
        }
        Aggregation::Copeland => unreachable!("handled by the caller"),
    })
}

/// `xᵖ`: whole exponents by multiplication (`powf` was two fifths of an uncertainty run with a
/// quadratic mean among the assumptions).
fn power(x: f64, p: f64) -> f64 {
    if p.fract() == 0.0 && p.abs() <= 4.0 {
        x.powi(p as i32)
    } else {
        x.powf(p)
    }
}

/// `m^(1/p)`, the square root exactly for `p = 2`.
fn root(m: f64, p: f64) -> f64 {
    if p == 2.0 { m.sqrt() } else { m.powf(1.0 / p) }
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
        columns(&refs, weights, m, 0.0, InvalidValues::Error, &mut out)?;
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
            InvalidValues::Error,
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
        columns(
            &children,
            &w,
            Aggregation::Copeland,
            0.0,
            InvalidValues::Error,
            &mut out,
        )
        .expect("ok");
        assert_eq!(out, [2.0, 0.0, -2.0]);
    }

    #[test]
    fn invalid_values_can_leave_the_unit_missing_or_take_a_floor() {
        // Unit 0 has a zero child, unit 1 does not.
        let c1 = [0.0, 4.0];
        let c2 = [9.0, 1.0];
        let children: [&[f64]; 2] = [&c1, &c2];
        let mut out = [0.0; 2];
        let e = columns(
            &children,
            &[1.0, 1.0],
            Aggregation::Geometric,
            0.0,
            InvalidValues::Error,
            &mut out,
        )
        .expect_err("error by default");
        assert_eq!((e.row, e.child, e.value), (0, 0, 0.0));
        let passed = columns(
            &children,
            &[1.0, 1.0],
            Aggregation::Geometric,
            0.0,
            InvalidValues::Missing,
            &mut out,
        )
        .expect("missing");
        assert!(out[0].is_nan());
        assert_eq!(out[1], 2.0, "sqrt(4 × 1)");
        assert_eq!(passed.len(), 1);
        assert_eq!((passed[0].row, passed[0].child), (0, 0));
        // Floor 0.01: sqrt(0.01 × 9) = 0.3.
        let passed = columns(
            &children,
            &[1.0, 1.0],
            Aggregation::Geometric,
            0.0,
            InvalidValues::Floor { floor: 0.01 },
            &mut out,
        )
        .expect("floor");
        assert!((out[0] - 0.3).abs() < 1e-12, "{}", out[0]);
        assert_eq!(out[1], 2.0);
        assert_eq!(passed.len(), 1);
        // The arithmetic mean has no domain: the floor does not touch it.
        columns(
            &children,
            &[1.0, 1.0],
            Aggregation::Arithmetic,
            0.0,
            InvalidValues::Floor { floor: 0.01 },
            &mut out,
        )
        .expect("arithmetic");
        assert_eq!(out[0], 4.5);
    }

    #[test]
    fn whole_powers_and_the_square_root_agree_with_powf() {
        for x in [0.0, 0.5, 1.0, 3.7, 54.2, 99.99] {
            for p in [-2.0, -1.0, 1.0, 2.0, 3.0, 4.0] {
                let (fast, slow) = (power(x, p), f64::powf(x, p));
                assert!(
                    fast == slow || ((fast - slow) / slow).abs() < 1e-15,
                    "{x}^{p}: {fast} vs {slow}"
                );
            }
            assert!((root(x, 2.0) - x.powf(0.5)).abs() <= 1e-15 * x.max(1.0));
        }
        assert_eq!(power(7.0, 2.0), 49.0);
    }
}
