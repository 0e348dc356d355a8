//! The regional composite index: districts scored by the engine on their enterprises' figures, with
//! year-on-year change.

use kechuang_engine::{Build, BuildOptions, Column, Dataset, Framework};
use serde::Serialize;

use crate::tables::OneWay;

/// The shipped district framework (TOML).
pub const FRAMEWORK: &str = include_str!("../frameworks/district-index.toml");

/// One district-year's score.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DistrictScore {
    /// District.
    pub district: String,
    /// Year.
    pub year: i32,
    /// Index.
    pub score: f64,
    /// Rank among districts in the year.
    pub rank: Option<u32>,
    /// Change from the previous year.
    pub change: Option<f64>,
}

/// Scores districts from one-way district tables, one per year; districts with fewer than
/// `min_enterprises` enterprises in a year are left out of that year.
pub fn district_index(
    by_year: &[(i32, &OneWay)],
    min_enterprises: usize,
) -> kechuang_engine::Result<Vec<DistrictScore>> {
    let framework = Framework::from_toml(FRAMEWORK)?;
    let mut data = Dataset::default();
    let mut times = Vec::new();
    let mut cols: Vec<Vec<f64>> = vec![Vec::new(); 7];
    for (year, t) in by_year {
        for (label, f) in t.labels.iter().zip(&t.rows) {
            if f.enterprises < min_enterprises {
                continue;
            }
            data.codes.push(label.clone());
            data.names.push(label.clone());
            times.push(*year);
            for (c, v) in cols.iter_mut().zip([
                f.rd_intensity,
                f.index_mean.unwrap_or(f64::NAN),
                (f.enterprises as f64).ln_1p(),
                f.hnte_share,
                f.tech_sme_share,
                f.specialised_share,
                f.jjj_share,
            ]) {
                c.push(v);
            }
        }
    }
    data.times = Some(times);
    data.columns = [
        "rd_intensity",
        "index_mean",
        "enterprises_log",
        "hnte_share",
        "tech_sme_share",
        "specialised_share",
        "jjj_share",
    ]
    .iter()
    .zip(cols)
    .map(|(code, values)| Column {
        code: code.to_string(),
        values,
    })
    .collect();
    let build = Build::run(&framework, data, BuildOptions::default())?;
    let root = framework.root();
    let change = build.year_on_year(root);
    let times = build.units.times.clone().unwrap_or_default();
    Ok((0..build.rows.len())
        .map(|u| DistrictScore {
            district: build.units.codes[u].clone(),
            year: times[u],
            score: build.scores[root][u],
            rank: build.ranks[u],
            change: (!change[u].is_nan()).then_some(change[u]),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use kechuang_synthetic::region::{RegionSpec, region};

    use super::*;
    use crate::disclosure::Rules;
    use crate::tables::{Dimension, Entry, one_way};

    #[test]
    fn districts_are_scored_and_ranked_each_year() {
        let records = region(&RegionSpec {
            enterprises: 1500,
            years: vec![2024, 2025],
            seed: 2,
        });
        let tables: Vec<(i32, OneWay)> = [2024, 2025]
            .iter()
            .map(|&y| {
                let e: Vec<Entry<'_>> = records
                    .iter()
                    .filter(|r| r.year == y)
                    .map(|r| Entry {
                        record: r,
                        index: Some(f64::from(r.age_years())),
                    })
                    .collect();
                (y, one_way(&e, Dimension::District, &Rules::default()))
            })
            .collect();
        let refs: Vec<(i32, &OneWay)> = tables.iter().map(|(y, t)| (*y, t)).collect();
        let scores = district_index(&refs, 3).expect("builds");
        for y in [2024, 2025] {
            let of_year: Vec<&DistrictScore> = scores.iter().filter(|s| s.year == y).collect();
            assert!(
                of_year.len() >= 10,
                "most districts have 3 or more enterprises"
            );
            assert_eq!(of_year.iter().filter(|s| s.rank == Some(1)).count(), 1);
            assert!(of_year.iter().all(|s| (0.0..=100.0).contains(&s.score)));
        }
        assert!(
            scores.iter().any(|s| s.year == 2025 && s.change.is_some()),
            "year-on-year change for districts in both years"
        );
    }
}
