//! Results derived from a finished build: strengths and weaknesses, year-on-year change and growth.

use rayon::prelude::*;
use serde::Serialize;

use crate::build::Build;
use crate::rank::Ranker;

/// A unit's best and worst indicators, by its rank among units (within its year).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StrengthsWeaknesses {
    /// Best indicators first: (indicator code, rank).
    pub strengths: Vec<(String, u32)>,
    /// Worst indicators first: (indicator code, rank).
    pub weaknesses: Vec<(String, u32)>,
}

/// Every unit's best and worst indicators by rank: see [`Build::indicator_ranks`].
pub struct IndicatorRanks<'a> {
    build: &'a Build,
    /// How many best and worst each unit keeps.
    n: usize,
    /// Per unit, `n` places: its best (rank, indicator) pairs in ascending order, then its worst
    /// in descending order; `EMPTY` where it has fewer ranked indicators.
    best: Vec<(u32, u32)>,
    worst: Vec<(u32, u32)>,
}

/// A place not (yet) taken.
const EMPTY: (u32, u32) = (0, u32::MAX);

impl IndicatorRanks<'_> {
    /// The best and worst indicators of unit `u` (as many as asked of
    /// [`Build::indicator_ranks`]).
    pub fn strengths_weaknesses(&self, u: usize) -> StrengthsWeaknesses {
        StrengthsWeaknesses {
            strengths: self.strengths(u).map(|(c, r)| (c.to_string(), r)).collect(),
            weaknesses: self
                .weaknesses(u)
                .map(|(c, r)| (c.to_string(), r))
                .collect(),
        }
    }

    /// Unit `u`'s best indicators, best first: (indicator code, rank), borrowed.
    pub fn strengths(&self, u: usize) -> impl Iterator<Item = (&str, u32)> + '_ {
        self.named(&self.best[u * self.n..(u + 1) * self.n])
    }

    /// Unit `u`'s worst indicators, worst first: (indicator code, rank), borrowed.
    pub fn weaknesses(&self, u: usize) -> impl Iterator<Item = (&str, u32)> + '_ {
        self.named(&self.worst[u * self.n..(u + 1) * self.n])
    }

    fn named<'s>(&'s self, places: &'s [(u32, u32)]) -> impl Iterator<Item = (&'s str, u32)> + 's {
        let indicators = self.build.framework.indicators();
        places
            .iter()
            .take_while(|&&p| p != EMPTY)
            .map(move |&(r, i)| (indicators[i as usize].code.as_str(), r))
    }
}

/// Puts `pair` among `places` (kept in the order `before` gives, `EMPTY` last) when it belongs
/// there, dropping the last.
fn keep(
    places: &mut [(u32, u32)],
    pair: (u32, u32),
    before: impl Fn(&(u32, u32), &(u32, u32)) -> bool,
) {
    let Some(at) = places.iter().position(|p| *p == EMPTY || before(&pair, p)) else {
        return;
    };
    // Moved one by one: `rotate_right` calls `memmove` for these few places (49 million times
    // at 10⁶ units × 49 indicators).
    for k in (at + 1..places.len()).rev() {
        places[k] = places[k - 1];
    }
    places[at] = pair;
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
        let ranks = self.indicator_ranks(n);
        (0..self.rows.len())
            .into_par_iter()
            .map(|u| ranks.strengths_weaknesses(u))
            .collect()
    }

    /// Every unit's `n` best and `n` worst indicators by its rank among units (within its year):
    /// the indicators are ranked a few at a time and each unit keeps only its extremes, so that
    /// a million units' ranks on every indicator are never all held (196 MB at 49 indicators).
    pub fn indicator_ranks(&self, n: usize) -> IndicatorRanks<'_> {
        let keys: Vec<Option<u64>> = match &self.units.times {
            Some(t) => t
                .iter()
                .map(|&y| Some((i64::from(y) + (1 << 31)) as u64))
                .collect(),
            None => vec![Some(0); self.rows.len()],
        };
        let units = self.rows.len();
        let mut best = vec![EMPTY; units * n];
        let mut worst = vec![EMPTY; units * n];
        let indicators: Vec<usize> = (0..self.framework.indicator_count).collect();
        // A ranker and a column of ranks per thread, reused for every batch of indicators.
        let threads = rayon::current_num_threads().max(1);
        let mut rankers: Vec<(Ranker, Vec<u32>)> = (0..threads)
            .map(|_| (Ranker::new(&keys), Vec::new()))
            .collect();
        for batch in indicators.chunks(threads) {
            rankers
                .par_iter_mut()
                .zip(batch)
                .for_each(|((ranker, ranks), &i)| ranker.rank_into(&self.scores[i], ranks));
            if n == 0 {
                continue;
            }
            let ranks: Vec<(u32, &[u32])> = batch
                .iter()
                .zip(&rankers)
                .map(|(&i, (_, r))| (i as u32, r.as_slice()))
                .collect();
            best.par_chunks_mut(n)
                .zip(worst.par_chunks_mut(n))
                .enumerate()
                .for_each(|(u, (best, worst))| {
                    for &(i, r) in &ranks {
                        // 0: no rank (a missing score).
                        if r[u] > 0 {
                            keep(best, (r[u], i), |a, b| a < b);
                            keep(worst, (r[u], i), |a, b| a > b);
                        }
                    }
                });
        }
        IndicatorRanks {
            build: self,
            n,
            best,
            worst,
        }
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
        let series = self.trend_series(node);
        (0..series.len()).map(|i| series.get(i)).collect()
    }

    /// [`Build::trends`] made one at a time, as a table is written: the rows in series order
    /// and where each unit's starts, 8 bytes a row, instead of a [`Trend`] (with a copy of its
    /// code) held for every unit — 80 MB at 10⁶ units, which set the build's peak memory.
    pub fn trend_series(&self, node: usize) -> TrendSeries<'_> {
        let s = &self.scores[node];
        let order = match &self.units.times {
            Some(times) => self.by_unit_and_year(times, |r| !s[r].is_nan()),
            None => Vec::new(),
        };
        let codes = &self.units.codes;
        // No rows with a score: no units (not one empty series).
        let mut starts: Vec<u32> = (0..order.len())
            .filter(|&p| p == 0 || codes[order[p - 1] as usize] != codes[order[p] as usize])
            .map(|p| p as u32)
            .collect();
        starts.push(order.len() as u32);
        TrendSeries {
            build: self,
            node,
            order,
            starts,
        }
    }
}

/// Every unit's [`Trend`] of a node, made when asked for: see [`Build::trend_series`].
pub struct TrendSeries<'a> {
    build: &'a Build,
    node: usize,
    /// The rows with a score, ordered by unit code, then year.
    order: Vec<u32>,
    /// Where each unit's rows start in `order`, and its end last.
    starts: Vec<u32>,
}

impl TrendSeries<'_> {
    /// Units with a score in some year.
    pub fn len(&self) -> usize {
        self.starts.len() - 1
    }

    /// No unit has a score.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The trend of the `i`-th unit in code order.
    pub fn get(&self, i: usize) -> Trend {
        let build = self.build;
        let times = build.units.times.as_deref().unwrap_or_default();
        let s = &build.scores[self.node];
        let series = &self.order[self.starts[i] as usize..self.starts[i + 1] as usize];
        let (first, last) = (series[0] as usize, series[series.len() - 1] as usize);
        let (t0, v0, t1, v1) = (times[first], s[first], times[last], s[last]);
        let span = t1 - t0;
        let cagr =
            (span > 0 && v0 > 0.0 && v1 > 0.0).then(|| (v1 / v0).powf(1.0 / f64::from(span)) - 1.0);
        Trend {
            code: build.units.codes[first].clone(),
            first_year: t0,
            last_year: t1,
            first: v0,
            last: v1,
            cagr,
        }
    }
}
