//! Enterprise-level indices: turns survey records into the engine's dataset, ships the frameworks
//! built for enterprises, and ([`stored`]) builds indices over the store's survey data and stores the
//! results. Everything but `stored` is pure.
//!
//! [`dataset`] makes one unit per enterprise and year (code = credit code, time = survey year), every
//! numeric survey field as a column under its key, and group columns for fair comparisons and ranks:
//! `district_group`, `industry_group` (GB/T 4754 section), `stage_group`, `size_group`, `field_group`.
//!
//! ```
//! use kechuang_engine::{Build, BuildOptions};
//! use kechuang_enterprise::{dataset, shipped_framework};
//! use kechuang_synthetic::region::{RegionSpec, region};
//!
//! let records = region(&RegionSpec { enterprises: 200, years: vec![2025], seed: 1 });
//! let framework = shipped_framework("survey-basic").unwrap();
//! let build = Build::run(&framework, dataset(&records), BuildOptions::default()).unwrap();
//! assert_eq!(build.rows.len(), records.len());
//! ```
#![warn(missing_docs)]

pub mod derived;
pub mod packed;
pub mod stored;

use kechuang_domain::{NUMERIC, Num, SurveyRecord};
use kechuang_engine::{Column, Dataset, Framework, GroupColumn};
use rayon::prelude::*;

/// The frameworks shipped with kechuang: (name, TOML text).
pub const SHIPPED: [(&str, &str); 3] = [
    (
        "innovation-points",
        include_str!("../frameworks/innovation-points.toml"),
    ),
    (
        "kechuang-enterprise",
        include_str!("../frameworks/kechuang-enterprise.toml"),
    ),
    (
        "survey-basic",
        include_str!("../frameworks/survey-basic.toml"),
    ),
];

/// A shipped framework by name, checked.
pub fn shipped_framework(name: &str) -> Option<Framework> {
    SHIPPED
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, text)| Framework::from_toml(text).ok())
}

/// The shipped frameworks, checked once per process (a portrait looks its build's up by id on
/// every request).
pub fn shipped_frameworks() -> &'static [Framework] {
    static CHECKED: std::sync::LazyLock<Vec<Framework>> = std::sync::LazyLock::new(|| {
        SHIPPED
            .iter()
            .filter_map(|(name, _)| shipped_framework(name))
            .collect()
    });
    &CHECKED
}

/// A shipped framework by its id (`kechuang-enterprise`), checked once per process.
pub fn shipped_framework_by_id(id: &str) -> Option<&'static Framework> {
    shipped_frameworks().iter().find(|f| f.id == id)
}

/// The group columns [`dataset`] adds, in order.
pub const GROUPS: [&str; 5] = [
    "district_group",
    "industry_group",
    "stage_group",
    "size_group",
    "field_group",
];

/// The dataset of one year's enterprises, its growth rates taken against the records of the year
/// before when `records` hold them (load both years).
pub fn dataset_of_year(records: &[SurveyRecord], year: i32) -> Dataset {
    let rows: Vec<usize> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.year == year)
        .map(|(i, _)| i)
        .collect();
    let all = dataset(records);
    if rows.len() == records.len() {
        all
    } else {
        all.select_rows(&rows)
    }
}

/// Survey records as an engine dataset (see the crate documentation).
pub fn dataset(records: &[SurveyRecord]) -> Dataset {
    // Labels borrow from the records or are static: a million units allocate no label strings.
    let labels = |f: &(dyn Fn(&SurveyRecord) -> &str + Sync)| -> Vec<&str> {
        records.par_iter().map(f).collect()
    };
    let groups = vec![
        GroupColumn::from_labels(GROUPS[0], &labels(&|r| r.region_code.as_str())),
        GroupColumn::from_labels(GROUPS[1], &labels(&|r| &r.industry_code.as_str()[..1])),
        GroupColumn::from_labels(GROUPS[2], &labels(&|r| r.stage().key())),
        GroupColumn::from_labels(GROUPS[3], &labels(&|r| r.size_class().key())),
        GroupColumn::from_labels(
            GROUPS[4],
            &labels(&|r| r.tech_field.map_or("", |f| f.key())),
        ),
    ];
    let mut columns: Vec<Column> = NUMERIC
        .par_iter()
        .zip(Num::ALL)
        .map(|(spec, &n)| Column {
            code: spec.key.to_string(),
            values: records
                .iter()
                .map(|r| r.get(n).unwrap_or(f64::NAN))
                .collect(),
        })
        .collect();
    columns.push(Column {
        code: "age".into(),
        values: records.iter().map(|r| f64::from(r.age_years())).collect(),
    });
    // Derived indicators; growth uses the same enterprise's previous year when it is among the records.
    let by_key: std::collections::HashMap<(&str, i32), &SurveyRecord> = records
        .iter()
        .map(|r| ((r.credit_code.as_str(), r.year), r))
        .collect();
    let previous: Vec<Option<&SurveyRecord>> = records
        .iter()
        .map(|r| by_key.get(&(r.credit_code.as_str(), r.year - 1)).copied())
        .collect();
    columns.par_extend(derived::DERIVED.par_iter().map(|d| {
        Column {
            code: d.code.to_string(),
            values: records
                .iter()
                .zip(&previous)
                .map(|(r, p)| (d.compute)(r, *p).unwrap_or(f64::NAN))
                .collect(),
        }
    }));
    Dataset {
        codes: records.iter().map(|r| r.credit_code.to_string()).collect(),
        names: records.iter().map(|r| r.name.clone()).collect(),
        times: Some(records.iter().map(|r| r.year).collect()),
        groups,
        columns,
    }
}

#[cfg(test)]
mod tests {
    use kechuang_engine::{Build, BuildOptions};
    use kechuang_synthetic::region::{RegionSpec, region};

    use super::*;

    #[test]
    fn shipped_frameworks_load() {
        for (name, _) in SHIPPED {
            assert!(shipped_framework(name).is_some(), "{name}");
        }
        assert!(shipped_framework("nope").is_none());
    }

    #[test]
    fn records_become_units_per_year_with_groups() {
        let records = region(&RegionSpec {
            enterprises: 300,
            years: vec![2024, 2025],
            seed: 3,
        });
        let d = dataset(&records);
        d.validate().expect("valid dataset");
        assert_eq!(d.len(), records.len());
        assert_eq!(
            d.column("rd_expense").expect("col").values[0],
            records[0].get(Num::RdExpense).expect("set")
        );
        assert_eq!(
            d.group("district_group").expect("g").label(0),
            Some(records[0].region_code.as_str())
        );
        let build = Build::run(
            &shipped_framework("survey-basic").expect("fw"),
            d,
            BuildOptions::default(),
        )
        .expect("builds");
        // Per-year build: each year has exactly one rank 1.
        let ones = build.ranks.iter().filter(|r| **r == Some(1)).count();
        assert_eq!(ones, 2);
        assert_eq!(build.group_ranks.len(), GROUPS.len());
    }

    #[test]
    fn derived_indicators_by_hand_and_the_default_framework() {
        let records = region(&RegionSpec {
            enterprises: 300,
            years: vec![2024, 2025],
            seed: 9,
        });
        let d = dataset(&records);
        let col = |c: &str| d.column(c).unwrap_or_else(|| panic!("{c}")).values.clone();
        let (rd, growth, debt) = (
            col("rd_intensity"),
            col("revenue_growth"),
            col("debt_ratio"),
        );
        for (i, r) in records.iter().enumerate() {
            let expect =
                r.get(Num::RdExpense).expect("rd") / r.get(Num::Revenue).expect("revenue") * 100.0;
            assert!((rd[i] - expect).abs() < 1e-9);
            let debt_expect = r.get(Num::TotalLiabilities).expect("l")
                / r.get(Num::TotalAssets).expect("a")
                * 100.0;
            assert!((debt[i] - debt_expect).abs() < 1e-9);
            let prev = records
                .iter()
                .find(|p| p.credit_code == r.credit_code && p.year == r.year - 1);
            match prev {
                Some(p) => {
                    let g = (r.get(Num::Revenue).expect("r") / p.get(Num::Revenue).expect("p")
                        - 1.0)
                        * 100.0;
                    assert!((growth[i] - g).abs() < 1e-9);
                }
                None => assert!(growth[i].is_nan(), "no previous year, no growth"),
            }
        }
        let fw = shipped_framework("kechuang-enterprise").expect("default framework");
        let build = Build::run(&fw, d, BuildOptions::default()).expect("builds");
        assert_eq!(build.framework.panel, kechuang_engine::PanelMode::Pooled);
        let ones = build.ranks.iter().filter(|r| **r == Some(1)).count();
        assert_eq!(ones, 2, "ranks are within each year");
        let index = build.score("index").expect("index");
        assert!(
            index.iter().all(|v| (0.0..=100.0).contains(v)),
            "every enterprise scored within 0–100"
        );
    }
}
