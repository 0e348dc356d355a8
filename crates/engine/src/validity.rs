//! Predictive validity of an index: rank correlation (Spearman's ρ, ties given their average rank)
//! with a later outcome, the area under the ROC curve (AUC, ties counted half) for a later event,
//! and percentile bootstrap intervals over resampled units, deterministic for a seed.
//!
//! The bootstrap does not re-sort: each statistic is prepared once (the units in score order, in
//! groups of equal scores), and a resample is a vector of multiplicities, so that a draw costs one
//! pass over the units. A resample's statistic equals the statistic of the resampled data computed
//! from scratch (a test checks it).

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::Serialize;

/// Units in the order of one variable, grouped where values are equal.
#[derive(Debug, Clone)]
struct Ordered {
    /// Unit indices in ascending order of the value.
    order: Vec<u32>,
    /// Where each group of equal values ends in `order` (exclusive), ascending.
    ends: Vec<u32>,
}

impl Ordered {
    fn new(values: &[f64]) -> Ordered {
        let mut order: Vec<u32> = (0..values.len() as u32).collect();
        order.sort_by(|&a, &b| values[a as usize].total_cmp(&values[b as usize]));
        let mut ends = Vec::new();
        for k in 1..order.len() {
            if values[order[k] as usize] != values[order[k - 1] as usize] {
                ends.push(k as u32);
            }
        }
        if !order.is_empty() {
            ends.push(order.len() as u32);
        }
        Ordered { order, ends }
    }

    /// Each unit's average rank (from 1) among the units weighted by `w` (units of weight 0 are
    /// absent; a unit of weight k counts k times).
    fn ranks(&self, w: &[u32], out: &mut [f64]) {
        let mut before = 0.0;
        let mut start = 0usize;
        for &end in &self.ends {
            let group = &self.order[start..end as usize];
            let weight: f64 = group.iter().map(|&u| f64::from(w[u as usize])).sum();
            let rank = before + (weight + 1.0) / 2.0;
            for &u in group {
                out[u as usize] = rank;
            }
            before += weight;
            start = end as usize;
        }
    }
}

/// The weighted Pearson correlation of `x` and `y` (weights are multiplicities); `None` when
/// either does not vary or fewer than three units count.
fn pearson(x: &[f64], y: &[f64], w: &[u32]) -> Option<f64> {
    let (mut n, mut sx, mut sy) = (0.0, 0.0, 0.0);
    for k in 0..x.len() {
        let wk = f64::from(w[k]);
        n += wk;
        sx += wk * x[k];
        sy += wk * y[k];
    }
    if n < 3.0 {
        return None;
    }
    let (mx, my) = (sx / n, sy / n);
    let (mut cxy, mut cxx, mut cyy) = (0.0, 0.0, 0.0);
    for k in 0..x.len() {
        let wk = f64::from(w[k]);
        let (dx, dy) = (x[k] - mx, y[k] - my);
        cxy += wk * dx * dy;
        cxx += wk * dx * dx;
        cyy += wk * dy * dy;
    }
    (cxx > 0.0 && cyy > 0.0).then(|| cxy / (cxx * cyy).sqrt())
}

/// A statistic prepared for evaluation under any multiplicities of its units.
pub trait Statistic: Sync {
    /// Units.
    fn len(&self) -> usize;
    /// Whether there are no units.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// The statistic of the units, each counted `w[k]` times.
    fn weighted(&self, w: &[u32]) -> Option<f64>;
    /// The statistic of the units as they are.
    fn value(&self) -> Option<f64> {
        self.weighted(&vec![1; self.len()])
    }
}

/// Spearman's rank correlation of a score with an outcome.
#[derive(Debug, Clone)]
pub struct Spearman {
    x: Ordered,
    y: Ordered,
}

impl Spearman {
    /// Pairs (score, outcome); both finite.
    pub fn new(score: &[f64], outcome: &[f64]) -> Spearman {
        Spearman {
            x: Ordered::new(score),
            y: Ordered::new(outcome),
        }
    }
}

impl Statistic for Spearman {
    fn len(&self) -> usize {
        self.x.order.len()
    }

    fn weighted(&self, w: &[u32]) -> Option<f64> {
        let n = self.len();
        let (mut rx, mut ry) = (vec![0.0; n], vec![0.0; n]);
        self.x.ranks(w, &mut rx);
        self.y.ranks(w, &mut ry);
        pearson(&rx, &ry, w)
    }
}

/// The area under the ROC curve of a score for an event: the chance that a unit with the event
/// scores higher than one without, ties counting half.
#[derive(Debug, Clone)]
pub struct Auc {
    score: Ordered,
    event: Vec<bool>,
}

impl Auc {
    /// Pairs (score, whether the event happened).
    pub fn new(score: &[f64], event: &[bool]) -> Auc {
        Auc {
            score: Ordered::new(score),
            event: event.to_vec(),
        }
    }
}

impl Statistic for Auc {
    fn len(&self) -> usize {
        self.event.len()
    }

    fn weighted(&self, w: &[u32]) -> Option<f64> {
        let (mut below, mut numerator, mut positives) = (0.0, 0.0, 0.0);
        let mut start = 0usize;
        for &end in &self.score.ends {
            let (mut pos, mut neg) = (0.0, 0.0);
            for &u in &self.score.order[start..end as usize] {
                let wu = f64::from(w[u as usize]);
                if self.event[u as usize] {
                    pos += wu;
                } else {
                    neg += wu;
                }
            }
            numerator += pos * (below + neg / 2.0);
            below += neg;
            positives += pos;
            start = end as usize;
        }
        (positives > 0.0 && below > 0.0).then(|| numerator / (positives * below))
    }
}

/// A statistic with its percentile bootstrap interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    /// The statistic on the data.
    pub value: f64,
    /// 2.5th percentile of the bootstrap distribution.
    pub low: f64,
    /// 97.5th percentile.
    pub high: f64,
    /// Units.
    pub n: usize,
}

/// The `q`-quantile (0–1) of sorted values, interpolated linearly.
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let at = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (at.floor() as usize, at.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo as f64)
}

/// The multiplicities of replication `b` of `n` units: `n` draws with replacement, from a
/// generator seeded by (`seed`, `b`), so a replication does not depend on which thread makes it.
pub fn resample(n: usize, seed: u64, b: usize) -> Vec<u32> {
    let mut w = vec![0u32; n];
    resample_into(&mut w, seed, b);
    w
}

/// [`resample`] into `w` (its length is the number of units), reusing its memory.
fn resample_into(w: &mut [u32], seed: u64, b: usize) {
    let n = w.len();
    w.fill(0);
    let mut rng = SmallRng::seed_from_u64(seed ^ (b as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    for _ in 0..n {
        w[rng.random_range(0..n)] += 1;
    }
}

/// The statistic with a 95% percentile interval from `replications` resamples of the units
/// (replications in which it is undefined are left out); `None` when it is undefined on the
/// data or no replication defines it.
pub fn bootstrap(stat: &dyn Statistic, replications: usize, seed: u64) -> Option<Estimate> {
    let value = stat.value()?;
    let n = stat.len();
    let mut draws: Vec<f64> = (0..replications)
        .into_par_iter()
        .map_init(
            || vec![0u32; n],
            |w, b| {
                resample_into(w, seed, b);
                stat.weighted(w)
            },
        )
        .flatten()
        .collect();
    if draws.is_empty() {
        return None;
    }
    draws.sort_by(f64::total_cmp);
    Some(Estimate {
        value,
        low: quantile(&draws, 0.025),
        high: quantile(&draws, 0.975),
        n,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn spearman_with_ties_is_pearson_of_average_ranks() {
        // Hand-computed: x ranks 1, 2.5, 2.5, 4, 5; y ranks 2, 1, 4, 4, 4.
        // Means 3 and 3; Σdx·dy = (−2)(−1) + (−.5)(−2) + (−.5)(1) + (1)(1) + (2)(1) = 5.5;
        // Σdx² = 4 + .25 + .25 + 1 + 4 = 9.5; Σdy² = 1 + 4 + 1 + 1 + 1 = 8.
        let x = [1.0, 2.0, 2.0, 3.0, 4.0];
        let y = [10.0, 5.0, 20.0, 20.0, 20.0];
        let rho = Spearman::new(&x, &y).value().expect("defined");
        assert!(close(rho, 5.5 / (9.5f64 * 8.0).sqrt()), "{rho}");
        // Monotone: 1 and −1.
        let up = [1.0, 4.0, 9.0, 16.0];
        assert!(close(
            Spearman::new(&[1.0, 2.0, 3.0, 4.0], &up)
                .value()
                .expect("ρ"),
            1.0
        ));
        assert!(close(
            Spearman::new(&[4.0, 3.0, 2.0, 1.0], &up)
                .value()
                .expect("ρ"),
            -1.0
        ));
        // A constant outcome or too few units: undefined.
        assert!(Spearman::new(&x, &[1.0; 5]).value().is_none());
        assert!(Spearman::new(&[1.0, 2.0], &[1.0, 2.0]).value().is_none());
    }

    #[test]
    fn auc_with_ties_counts_them_half() {
        // Positives score 3, 2, 2; negatives 2, 1. Pairs: (3,2) 1, (3,1) 1, (2,2) ½, (2,1) 1,
        // (2,2) ½, (2,1) 1 → 5 of 6.
        let score = [3.0, 2.0, 2.0, 2.0, 1.0];
        let event = [true, true, true, false, false];
        let auc = Auc::new(&score, &event).value().expect("defined");
        assert!(close(auc, 5.0 / 6.0), "{auc}");
        // All tied: ½. Perfect: 1. Reversed: 0. No negatives: undefined.
        assert!(close(
            Auc::new(&[1.0; 4], &[true, false, true, false])
                .value()
                .expect("auc"),
            0.5
        ));
        assert!(close(
            Auc::new(&[1.0, 2.0], &[false, true]).value().expect("auc"),
            1.0
        ));
        assert!(close(
            Auc::new(&[1.0, 2.0], &[true, false]).value().expect("auc"),
            0.0
        ));
        assert!(Auc::new(&[1.0, 2.0], &[true, true]).value().is_none());
    }

    #[test]
    fn a_weighted_statistic_is_that_of_the_repeated_data() {
        let x = [0.3, 1.2, 1.2, 5.0, 2.2, 0.1, 3.3];
        let y = [2.0, 1.0, 3.0, 3.0, 0.5, 0.5, 7.0];
        let event = [true, false, true, false, false, true, true];
        for b in 0..20 {
            let w = resample(x.len(), 7, b);
            let mut xr = Vec::new();
            let mut yr = Vec::new();
            let mut er = Vec::new();
            for (k, &m) in w.iter().enumerate() {
                for _ in 0..m {
                    xr.push(x[k]);
                    yr.push(y[k]);
                    er.push(event[k]);
                }
            }
            let (a, b2) = (
                Spearman::new(&x, &y).weighted(&w),
                Spearman::new(&xr, &yr).value(),
            );
            assert_eq!(a.is_some(), b2.is_some());
            if let (Some(a), Some(b2)) = (a, b2) {
                assert!(close(a, b2), "{a} {b2}");
            }
            let (a, b2) = (
                Auc::new(&x, &event).weighted(&w),
                Auc::new(&xr, &er).value(),
            );
            assert_eq!(a.is_some(), b2.is_some());
            if let (Some(a), Some(b2)) = (a, b2) {
                assert!(close(a, b2), "{a} {b2}");
            }
        }
    }

    #[test]
    fn the_bootstrap_is_deterministic_per_seed_and_brackets_the_value() {
        let x: Vec<f64> = (0..300).map(|k| f64::from(k % 97)).collect();
        let y: Vec<f64> = (0..300)
            .map(|k| f64::from((k * 7) % 53) + f64::from(k % 97))
            .collect();
        let s = Spearman::new(&x, &y);
        let a = bootstrap(&s, 200, 42).expect("estimate");
        let b = bootstrap(&s, 200, 42).expect("estimate");
        let c = bootstrap(&s, 200, 43).expect("estimate");
        assert_eq!(a, b, "same seed, same interval");
        assert_ne!(a, c, "another seed, another interval");
        assert!(a.low < a.value && a.value < a.high, "{a:?}");
        assert_eq!(a.n, 300);
        assert_eq!(resample(10, 1, 3), resample(10, 1, 3));
        assert_eq!(resample(10, 1, 3).iter().sum::<u32>(), 10);
    }
}
