//! Facts about each unit of a build that a portrait needs from the whole year — ranks within groups,
//! pillar medians and percentiles in the industry, indicator percentiles, similar units, the year's
//! distribution — computed once at build time and stored with the results.

// foldhash: millions of lookups keyed by small tuples, where SipHash was much of the time.
use foldhash::HashMap;

use kechuang_engine::Build;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// A rank within a group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRank {
    /// `overall`, `industry`, `district` or `stage`.
    pub group: String,
    /// The group's label (a code: district code, industry section, stage key).
    pub label: String,
    /// Rank (1 = best).
    pub rank: u32,
    /// Units ranked in the group.
    pub of: u32,
}

/// A pillar against the unit's industry peers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PillarFact {
    /// Code.
    pub code: String,
    /// Score.
    pub score: Option<f64>,
    /// Median of the industry section in the year.
    pub peer_median: Option<f64>,
    /// Share of industry peers scoring lower, 0–100.
    pub percentile: Option<f64>,
}

/// A similar unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimilarFact {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Index score.
    pub index: Option<f64>,
    /// Distance in pillar space.
    pub distance: f64,
}

/// Everything a portrait needs beyond the unit's own row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct Facts {
    /// Ranks overall and within industry, district and stage.
    pub ranks: Vec<GroupRank>,
    /// Pillars against the industry.
    pub pillars: Vec<PillarFact>,
    /// Indicator percentiles among all units of the year: (code, percentile), best first.
    pub indicators: Vec<(String, f64)>,
    /// The five most similar units of the year.
    pub similar: Vec<SimilarFact>,
    /// The year's index distribution in 20 bins of 5 points.
    pub distribution: Vec<u32>,
}

/// The reference [`lower_shares`] is tested against.
#[cfg(test)]
fn lower_share(sorted: &[f64], v: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted.partition_point(|x| *x < v) as f64 / sorted.len() as f64 * 100.0
}

fn median(sorted: &[f64]) -> Option<f64> {
    (!sorted.is_empty()).then(|| kechuang_engine::stats::quantile_sorted(sorted, 0.5))
}

/// The fewest industry peers besides the enterprise itself for their median and the
/// enterprise's standing among them to be shown: with one or two others, the median (or the
/// share scoring lower) gives away another enterprise's score or position. The same threshold as
/// the regional tables' (`kechuang_region::Disclosure::min_count`).
pub const MIN_OTHER_PEERS: usize = 3;

/// The industry median and the share of peers scoring lower than `v`, when the group (sorted,
/// the enterprise included) has at least [`MIN_OTHER_PEERS`] other members.
#[cfg(test)]
fn peer_standing(peers: &[f64], v: f64) -> (Option<f64>, Option<f64>) {
    peer_standing_with(peers, v, || lower_share(peers, v))
}

/// [`peer_standing`] with the share scoring lower given (computed for every unit at once).
fn peer_standing_with(
    peers: &[f64],
    v: f64,
    share: impl FnOnce() -> f64,
) -> (Option<f64>, Option<f64>) {
    let others = peers.len().saturating_sub(usize::from(!v.is_nan()));
    if others < MIN_OTHER_PEERS {
        return (None, None);
    }
    (median(peers), (!v.is_nan()).then(share))
}

/// `v`'s bits in an order that sorts as `f64::total_cmp`.
fn ordered_bits(v: f64) -> u64 {
    let b = v.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

/// For every unit, [`lower_share`] among the units of the same key (NaN without a score): one sort
/// per column instead of a binary search per unit, which at a million units were cache misses
/// taking most of the facts' time.
fn lower_shares(values: &[f64], keys: &[u32]) -> Vec<f64> {
    let mut items: Vec<(u32, u64, u32)> = (0..values.len())
        .filter(|&u| !values[u].is_nan())
        .map(|u| (keys[u], ordered_bits(values[u]), u as u32))
        .collect();
    items.sort_unstable();
    let mut out = vec![f64::NAN; values.len()];
    let mut start = 0;
    while start < items.len() {
        let key = items[start].0;
        let group = &items[start..start + items[start..].partition_point(|it| it.0 == key)];
        let len = group.len() as f64;
        let mut first = 0;
        for (p, &(_, _, u)) in group.iter().enumerate() {
            // Equal scores share the count below them (-0 and 0 are equal, as `<` has it).
            if p > 0 && values[group[p - 1].2 as usize] != values[u as usize] {
                first = p;
            }
            out[u as usize] = first as f64 / len * 100.0;
        }
        start += group.len();
    }
    out
}

/// How many units on each side (in index order) are compared for similarity.
const WINDOW: usize = 150;

/// Facts for every unit of a build, in the build's unit order. Similar units are searched among the
/// `WINDOW` units on either side in index order — exact for small years, a close approximation for
/// large ones (units far apart in index are far apart in pillar space).
pub fn compute(build: &Build) -> Vec<Facts> {
    let year = YearFacts::new(build);
    (0..build.rows.len())
        .into_par_iter()
        .map(|u| year.of(u))
        .collect()
}

/// What every unit's facts are made from (group sizes, sorted peers, shares scoring lower, each
/// year's units in index order), prepared once; [`YearFacts::of`] then makes one unit's facts, so
/// that a build of a million units makes them as it stores them instead of holding them all.
pub struct YearFacts<'a> {
    build: &'a Build,
    years: Vec<i32>,
    industry: Vec<&'a str>,
    district: Option<Vec<&'a str>>,
    stage: Option<Vec<&'a str>>,
    pillars: Vec<usize>,
    /// Sorted pillar scores by (year, industry) id and pillar: `[id * pillars + k]`.
    by_industry: Vec<Vec<f64>>,
    /// Each unit's (year, industry) id.
    industry_keys: Vec<u32>,
    indicator_shares: Vec<Vec<f64>>,
    pillar_shares: Vec<Vec<f64>>,
    sizes: HashMap<(&'static str, i32, &'a str), u32>,
    order: HashMap<i32, Vec<usize>>,
    histograms: HashMap<i32, Vec<u32>>,
    position: Vec<usize>,
    points: HashMap<i32, Vec<f64>>,
    /// Each year's units' similar units, in index order (by `position`).
    similar: HashMap<i32, Vec<Nearest>>,
}

/// How many similar units a unit's facts name.
const NEAREST: usize = 5;

/// A unit's similar units, nearest first: (unit, distance), `len` of them.
#[derive(Debug, Clone, Copy)]
struct Nearest {
    units: [(usize, f64); NEAREST],
    len: u8,
}

impl Nearest {
    fn of(near: &[(usize, f64)]) -> Nearest {
        let mut units = [(0, 0.0); NEAREST];
        let len = near.len().min(NEAREST);
        units[..len].copy_from_slice(&near[..len]);
        Nearest {
            units,
            len: len as u8,
        }
    }
}

impl<'a> YearFacts<'a> {
    /// Prepares the facts of `build`'s units.
    pub fn new(build: &'a Build) -> YearFacts<'a> {
        let fw = &build.framework;
        let root = fw.root();
        let n = build.rows.len();
        let years: Vec<i32> = build.units.times.clone().unwrap_or_else(|| vec![0; n]);
        let group = |name: &str| {
            build
                .units
                .group(name)
                .map(|g| (0..n).map(|u| g.label(u).unwrap_or("")).collect::<Vec<_>>())
        };
        let industry = group("industry_group").unwrap_or_else(|| vec![""; n]);
        let district = group("district_group");
        let stage = group("stage_group");
        let pillars: Vec<usize> = fw.nodes[root].children.clone();
        let index = &build.scores[root];

        // Each (year, industry) as a small number, in order of first appearance.
        let mut industry_ids: HashMap<(i32, &str), u32> = HashMap::default();
        let industry_keys: Vec<u32> = (0..n)
            .map(|u| {
                let next = industry_ids.len() as u32;
                *industry_ids.entry((years[u], industry[u])).or_insert(next)
            })
            .collect();
        // Sorted scores per (year, industry) and pillar, for the peer medians: a vector by id
        // (a map keyed by year, industry text and pillar was five hashed strings per unit).
        let width = pillars.len();
        let mut by_industry: Vec<Vec<f64>> = vec![Vec::new(); industry_ids.len() * width];
        for u in 0..n {
            for (k, &p) in pillars.iter().enumerate() {
                let v = build.scores[p][u];
                if !v.is_nan() {
                    by_industry[industry_keys[u] as usize * width + k].push(v);
                }
            }
        }
        by_industry
            .par_iter_mut()
            .for_each(|v| v.sort_unstable_by(f64::total_cmp));
        // Shares scoring lower: each indicator among the year, each pillar among the year's industry.
        let year_keys: Vec<u32> = years
            .iter()
            .map(|&y| (i64::from(y) + (1 << 31)) as u32)
            .collect();
        let indicator_shares: Vec<Vec<f64>> = (0..fw.indicator_count)
            .into_par_iter()
            .map(|i| lower_shares(&build.scores[i], &year_keys))
            .collect();
        let pillar_shares: Vec<Vec<f64>> = pillars
            .par_iter()
            .map(|&p| lower_shares(&build.scores[p], &industry_keys))
            .collect();
        let mut sizes: HashMap<(&'static str, i32, &str), u32> = HashMap::default();
        for u in (0..n).filter(|&u| build.ranks[u].is_some()) {
            *sizes.entry(("overall", years[u], "")).or_default() += 1;
            for (name, labels) in [
                ("industry", Some(&industry)),
                ("district", district.as_ref()),
                ("stage", stage.as_ref()),
            ] {
                if let Some(l) = labels {
                    *sizes.entry((name, years[u], l[u])).or_default() += 1;
                }
            }
        }
        // Index order per year for the similarity window, and the distributions.
        let mut order: HashMap<i32, Vec<usize>> = HashMap::default();
        let mut histograms: HashMap<i32, Vec<u32>> = HashMap::default();
        for u in (0..n).filter(|&u| !index[u].is_nan()) {
            order.entry(years[u]).or_default().push(u);
            let h = histograms.entry(years[u]).or_insert_with(|| vec![0; 20]);
            h[((index[u] / 5.0) as usize).min(19)] += 1;
        }
        let mut position = vec![usize::MAX; n];
        for list in order.values_mut() {
            list.sort_by(|&a, &b| index[a].total_cmp(&index[b]));
            for (k, &u) in list.iter().enumerate() {
                position[u] = k;
            }
        }
        // Each year's units in pillar space, in index order: a window is then a run of memory, not
        // scattered reads from every pillar's column (which made this a minute at a million units).
        let points: HashMap<i32, Vec<f64>> = order
            .iter()
            .map(|(&y, list)| {
                let flat = list
                    .iter()
                    .flat_map(|&u| pillars.iter().map(move |&p| build.scores[p][u]))
                    .collect();
                (y, flat)
            })
            .collect();
        let mut facts = YearFacts {
            build,
            years,
            industry,
            district,
            stage,
            pillars,
            by_industry,
            industry_keys,
            indicator_shares,
            pillar_shares,
            sizes,
            order,
            histograms,
            position,
            points,
            similar: HashMap::default(),
        };
        // Similar units are found here for every unit, in index order, each thread along a run
        // of it: a unit's window then overlaps the one before, in the caches. Found unit by unit in
        // the order rows are stored, each window was 12 kB read from a random place of the year's
        // points, and those reads were most of the facts of a million-unit stored build.
        facts.similar = facts
            .order
            .iter()
            .map(|(&y, list)| {
                let near: Vec<Nearest> = (0..list.len())
                    .into_par_iter()
                    .with_min_len(1024)
                    .map(|p| Nearest::of(&facts.nearest(list[p])))
                    .collect();
                (y, near)
            })
            .collect();
        facts
    }

    fn group_rank(&self, name: &str) -> Option<&'a Vec<Option<u32>>> {
        self.build
            .group_ranks
            .iter()
            .find(|(g, _)| g == name)
            .map(|(_, r)| r)
    }

    /// The facts of unit `u`.
    pub fn of(&self, u: usize) -> Facts {
        let f = self.unit(u);
        let build = self.build;
        let nodes = &build.framework.nodes;
        let index = &build.scores[build.framework.root()];
        Facts {
            ranks: f
                .ranks
                .iter()
                .map(|&(group, label, rank, of)| GroupRank {
                    group: group.into(),
                    label: label.into(),
                    rank,
                    of,
                })
                .collect(),
            pillars: f
                .pillars
                .iter()
                .map(|&(p, score, peer_median, percentile)| PillarFact {
                    code: nodes[p].code.clone(),
                    score,
                    peer_median,
                    percentile,
                })
                .collect(),
            indicators: f
                .indicators
                .iter()
                .map(|&(i, share)| (nodes[i].code.clone(), share))
                .collect(),
            similar: f
                .similar
                .iter()
                .map(|&(v, distance)| SimilarFact {
                    code: build.units.codes[v].clone(),
                    name: build.units.names[v].clone(),
                    index: Some(index[v]),
                    distance,
                })
                .collect(),
            distribution: f.distribution.to_vec(),
        }
    }

    /// The facts of unit `u` as [`UnitFacts`]: nodes and similar units by position, nothing
    /// copied (what [`YearFacts::of`] names).
    pub fn unit(&self, u: usize) -> UnitFacts<'_> {
        let build = self.build;
        let fw = &build.framework;
        let y = self.years[u];
        let mut ranks = Vec::new();
        if let Some(r) = build.ranks[u] {
            ranks.push(("overall", "", r, self.sizes[&("overall", y, "")]));
            for (name, col, labels) in [
                ("industry", "industry_group", Some(&self.industry)),
                ("district", "district_group", self.district.as_ref()),
                ("stage", "stage_group", self.stage.as_ref()),
            ] {
                if let (Some(rs), Some(l)) = (self.group_rank(col), labels)
                    && let Some(r) = rs[u]
                {
                    let of = self.sizes.get(&(name, y, l[u])).copied().unwrap_or(0);
                    ranks.push((name, l[u], r, of));
                }
            }
        }
        let pillars = self
            .pillars
            .iter()
            .enumerate()
            .map(|(k, &p)| {
                let v = build.scores[p][u];
                let peers =
                    &self.by_industry[self.industry_keys[u] as usize * self.pillars.len() + k];
                let (peer_median, percentile) =
                    peer_standing_with(peers, v, || self.pillar_shares[k][u]);
                (p, (!v.is_nan()).then_some(v), peer_median, percentile)
            })
            .collect();
        let mut indicators: Vec<(usize, f64)> = (0..fw.indicator_count)
            .filter(|&i| !build.scores[i][u].is_nan())
            .map(|i| (i, self.indicator_shares[i][u]))
            .collect();
        indicators.sort_by(|a, b| b.1.total_cmp(&a.1));
        UnitFacts {
            ranks,
            pillars,
            indicators,
            similar: self.similar(u),
            distribution: self.histograms.get(&y).map_or(&[][..], Vec::as_slice),
        }
    }

    /// The similar units of `u`, as [`nearest`](Self::nearest) found them when the facts were
    /// prepared.
    fn similar(&self, u: usize) -> Vec<(usize, f64)> {
        let p = self.position[u];
        self.similar
            .get(&self.years[u])
            .and_then(|near| near.get(p))
            .map_or_else(Vec::new, |n| n.units[..usize::from(n.len)].to_vec())
    }

    /// The five units nearest to `u` in pillar space among the [`WINDOW`] on each side of it in
    /// index order, nearest first (ties by code): (unit, distance).
    fn nearest(&self, u: usize) -> Vec<(usize, f64)> {
        let position = self.position[u];
        if position == usize::MAX {
            return Vec::new();
        }
        let codes = &self.build.units.codes;
        let y = self.years[u];
        let list = &self.order[&y];
        let (lo, hi) = (
            position.saturating_sub(WINDOW),
            (position + WINDOW + 1).min(list.len()),
        );
        let width = self.pillars.len();
        let space = &self.points[&y];
        let at = |k: usize| &space[k * width..(k + 1) * width];
        let me = at(position);
        // The nearest so far by squared distance, kept sorted: most of the window is turned away
        // by one comparison with the farthest kept (a vector of all 300 and a selection in it,
        // with a square root each, was most of a million-unit build's facts).
        let closer = |a: &(f64, usize), b: &(f64, usize)| {
            a.0.total_cmp(&b.0)
                .then_with(|| codes[a.1].cmp(&codes[b.1]))
        };
        let mut near: Vec<(f64, usize)> = Vec::with_capacity(NEAREST + 1);
        // Every distance of the window first, in a loop without a branch (a partial sum checked
        // pillar by pillar mispredicted and was most of the stored build's facts); each is the
        // same left-to-right sum of squares as a plain reading.
        let mut distances = [0.0; 2 * WINDOW + 1];
        for (d2, k) in distances.iter_mut().zip(lo..hi) {
            *d2 = at(k)
                .iter()
                .zip(me)
                .fold(0.0, |sum, (a, m)| sum + (a - m) * (a - m));
        }
        // Then outward from the unit, the nearest in index order first: they are the likeliest
        // to be near in pillar space too, so that the farthest kept soon turns the rest away.
        // The result does not depend on the order (the five least by distance, then code).
        let outward = (1..=WINDOW).flat_map(|step| {
            let below = position.checked_sub(step).filter(|&k| k >= lo);
            let above = Some(position + step).filter(|&k| k < hi);
            below.into_iter().chain(above)
        });
        // The farthest kept once five are: a candidate farther is turned away by one comparison
        // of floats (`near`'s last, read through `closer`, made the stored build a tenth slower).
        let mut farthest = f64::INFINITY;
        for k in outward {
            let d2 = distances[k - lo];
            if d2 > farthest {
                continue;
            }
            if d2.is_nan() {
                continue;
            }
            let candidate = (d2, list[k]);
            if near.len() == NEAREST
                && closer(&candidate, &near[NEAREST - 1]) != std::cmp::Ordering::Less
            {
                continue;
            }
            let at = near.partition_point(|kept| closer(kept, &candidate).is_lt());
            near.insert(at, candidate);
            near.truncate(NEAREST);
            if near.len() == NEAREST {
                farthest = near[NEAREST - 1].0;
            }
        }
        let mut similar: Vec<(usize, f64)> =
            near.into_iter().map(|(d2, v)| (v, d2.sqrt())).collect();
        // Distinct squares can share a root: order as the distances read.
        similar.sort_by(|a, b| {
            a.1.total_cmp(&b.1)
                .then_with(|| codes[a.0].cmp(&codes[b.0]))
        });
        similar
    }
}

/// A pillar of [`UnitFacts`]: (node, score, industry median, share scoring lower).
pub type PillarPlace = (usize, Option<f64>, Option<f64>, Option<f64>);

/// One unit's [`Facts`] with nodes as framework positions and similar units as unit numbers:
/// what storing a million rows packs without copying a code or a name.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitFacts<'a> {
    /// (group, label, rank, of), as [`GroupRank`].
    pub ranks: Vec<(&'static str, &'a str, u32, u32)>,
    /// (node, score, industry median, share scoring lower), as [`PillarFact`].
    pub pillars: Vec<PillarPlace>,
    /// (indicator node, percentile), best first.
    pub indicators: Vec<(usize, f64)>,
    /// (unit, distance), nearest first.
    pub similar: Vec<(usize, f64)>,
    /// The year's index distribution.
    pub distribution: &'a [u32],
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_for_every_unit_match_one_search_per_unit() {
        let values = [3.0, f64::NAN, 1.0, 3.0, -0.0, 0.0, 7.5, 1.0, 2.0, 3.0];
        let keys = [0, 0, 1, 0, 1, 1, 0, 1, 0, 1];
        let shares = lower_shares(&values, &keys);
        for u in 0..values.len() {
            let mut peers: Vec<f64> = (0..values.len())
                .filter(|&v| keys[v] == keys[u] && !values[v].is_nan())
                .map(|v| values[v])
                .collect();
            peers.sort_by(f64::total_cmp);
            let expected = if values[u].is_nan() {
                f64::NAN
            } else {
                lower_share(&peers, values[u])
            };
            assert!(
                shares[u] == expected || (shares[u].is_nan() && expected.is_nan()),
                "unit {u}: {} vs {expected}",
                shares[u]
            );
        }
    }

    #[test]
    fn peer_figures_need_three_other_enterprises() {
        // With the enterprise (50) and two others, the median would be another firm's score.
        assert_eq!(peer_standing(&[40.0, 50.0, 60.0], 50.0), (None, None));
        assert_eq!(peer_standing(&[50.0, 60.0], 50.0), (None, None));
        let (median, lower) = peer_standing(&[30.0, 40.0, 50.0, 60.0], 50.0);
        assert_eq!(median, Some(45.0));
        assert!(lower.is_some());
        // An enterprise without a score is not one of its peers: three others suffice.
        assert_eq!(peer_standing(&[30.0, 40.0, 60.0], f64::NAN).0, Some(40.0));
    }
}
