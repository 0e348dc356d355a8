//! Results derived from a finished build: strengths and weaknesses, year-on-year change and growth.

use rayon::prelude::*;
use serde::Serialize;

use crate::build::Build;
use crate::rank::rank_within;

/// A unit's best and worst indicators, by its rank among units (within its year).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StrengthsWeaknesses {
    /// Best indicators first: (indicator code, rank).
    pub strengths: Vec<(String, u32)>,
    /// Worst indicators first: (indicator code, rank).
    pub weaknesses: Vec<(String, u32)>,
}

/// Every unit's rank on every indicator: see [`Build::indicator_ranks`].
pub struct IndicatorRanks<'a> {
    build: &'a Build,
    /// Per indicator, per unit: the rank, 0 for none (a missing score). Four bytes a cell.
    ranks: Vec<Vec<u32>>,
}

impl IndicatorRanks<'_> {
    /// The `n` best and `n` worst indicators of unit `u`.
    pub fn strengths_weaknesses(&self, u: usize, n: usize) -> StrengthsWeaknesses {
        let indicators = self.build.framework.indicators();
        let mut mine: Vec<(u32, usize)> = self
            .ranks
            .iter()
            .enumerate()
            .filter(|(_, r)| r[u] > 0)
            .map(|(i, r)| (r[u], i))
            .collect();
        let named = |&(r, i): &(u32, usize)| (indicators[i].code.clone(), r);
        // Only the n best and n worst are wanted: selected, then those few sorted.
        let k = mine.len();
        if k > 2 * n {
            mine.select_nth_unstable(n);
            mine[n..].select_nth_unstable(k - 2 * n - 1);
            mine[..n].sort_unstable();
            mine[k - n..].sort_unstable();
        } else {
            mine.sort_unstable();
        }
        StrengthsWeaknesses {
            strengths: mine.iter().take(n).map(named).collect(),
            weaknesses: mine.iter().rev().take(n).map(named).collect(),
        }
    }
}

/// A unit's index over its years.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Trend {
    /// Unit code.
    pub code: String,
    /// First year with a score.
    pub first_year: i32,
    /// Last year with a score.
    pub last_year: i32,
    /// Score in the first year.
    pub first: f64,
    /// Score in the last year.
    pub last: f64,
    /// Compound annual growth `(last/first)^(1/(last_year − first_year)) − 1`; `None` when the span is
    /// zero or a score is not positive.
    pub cagr: Option<f64>,
}

impl Build {
    /// The `n` best and `n` worst indicators of every unit.
    pub fn strengths_weaknesses(&self, n: usize) -> Vec<StrengthsWeaknesses> {
        let ranks = self.indicator_ranks();
        (0..self.rows.len())
            .into_par_iter()
            .map(|u| ranks.strengths_weaknesses(u, n))
            .collect()
    }

    /// Every unit's rank on every indicator (within its year), from which its strengths and
    /// weaknesses are read one unit at a time: a million units' lists are never all held.
    pub fn indicator_ranks(&self) -> IndicatorRanks<'_> {
        let keys: Vec<Option<u64>> = match &self.units.times {
            Some(t) => t
                .iter()
                .map(|&y| Some((i64::from(y) + (1 << 31)) as u64))
                .collect(),
            None => vec![Some(0); self.rows.len()],
        };
        let ranks = (0..self.framework.indicator_count)
            .into_par_iter()
            .map(|i| {
                rank_within(&self.scores[i], &keys)
                    .into_iter()
                    .map(|r| r.unwrap_or(0))
                    .collect()
            })
            .collect();
        IndicatorRanks { build: self, ranks }
    }

    /// Change of a node's score from the same unit's score in the previous calendar year
    /// (`NAN` when that year is absent or there is no time column).
    pub fn year_on_year(&self, node: usize) -> Vec<f64> {
        let Some(times) = &self.units.times else {
            return vec![f64::NAN; self.rows.len()];
        };
        let s = &self.scores[node];
        let mut out = vec![f64::NAN; self.rows.len()];
        let order = self.by_unit_and_year(times, |_| true);
        for pair in order.windows(2) {
            let (p, r) = (pair[0] as usize, pair[1] as usize);
            if self.units.codes[p] == self.units.codes[r] && times[p] == times[r] - 1 {
                out[r] = s[r] - s[p];
            }
        }
        out
    }

    /// The rows that `keep` keeps, ordered by unit code, then year: each unit's years together
    /// (sorting beats a hash map of a million codes, and allocates one index per row).
    fn by_unit_and_year(&self, times: &[i32], keep: impl Fn(usize) -> bool) -> Vec<u32> {
        let codes = &self.units.codes;
        let mut order: Vec<u32> = (0..self.rows.len() as u32)
            .filter(|&r| keep(r as usize))
            .collect();
        order.par_sort_unstable_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            (codes[a].as_str(), times[a]).cmp(&(codes[b].as_str(), times[b]))
        });
        order
    }

    /// Each unit's first and last score of a node and the compound annual growth between them.
    pub fn trends(&self, node: usize) -> Vec<Trend> {
        let Some(times) = &self.units.times else {
            return Vec::new();
        };
        let s = &self.scores[node];
        let order = self.by_unit_and_year(times, |r| !s[r].is_nan());
        let codes = &self.units.codes;
        order
            .chunk_by(|&a, &b| codes[a as usize] == codes[b as usize])
            .filter_map(|series| {
                let (first, last) = (*series.first()? as usize, *series.last()? as usize);
                let (t0, v0, t1, v1) = (times[first], s[first], times[last], s[last]);
                let span = t1 - t0;
                let cagr = (span > 0 && v0 > 0.0 && v1 > 0.0)
                    .then(|| (v1 / v0).powf(1.0 / f64::from(span)) - 1.0);
                Some(Trend {
                    code: codes[first].clone(),
                    first_year: t0,
                    last_year: t1,
                    first: v0,
                    last: v1,
                    cagr,
                })
            })
            .collect()
    }
}
