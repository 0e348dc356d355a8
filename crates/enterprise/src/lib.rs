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

pub mod stored;

use kechuang_domain::{NUMERIC, Num, SurveyRecord};
use kechuang_engine::{Column, Dataset, Framework, GroupColumn};
use rayon::prelude::*;

/// The frameworks shipped with kechuang: (name, TOML text).
pub const SHIPPED: [(&str, &str); 1] = [(
    "survey-basic",
    include_str!("../frameworks/survey-basic.toml"),
)];

/// A shipped framework by name, checked.
pub fn shipped_framework(name: &str) -> Option<Framework> {
    SHIPPED
        .iter()
        .find(|(n, _)| *n == name)
        .and_then(|(_, text)| Framework::from_toml(text).ok())
}

/// The group columns [`dataset`] adds, in order.
pub const GROUPS: [&str; 5] = [
    "district_group",
    "industry_group",
    "stage_group",
    "size_group",
    "field_group",
];

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
}
