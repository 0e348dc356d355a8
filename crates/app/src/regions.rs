//! Regional statistics (区域统计) as published: the year's tables by district, industry and
//! high-tech field, with statistical disclosure control applied (cells of fewer than three
//! enterprises or one dominant enterprise withheld), computed once per year, build and import.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

use crate::access::Capability;
use crate::{App, Caller, Error, Result};

/// Published regional tables (disclosure control applied).
#[derive(Debug, Serialize)]
pub struct RegionTables {
    /// Year.
    pub year: i32,
    /// By district.
    pub by_district: kechuang_region::tables::OneWay,
    /// By industry section.
    pub by_industry: kechuang_region::tables::OneWay,
    /// By high-tech field.
    pub by_field: kechuang_region::tables::OneWay,
}

/// The regional tables of a year — the last full survey year by default, not a round still being
/// filed (cached per build, year and import).
pub async fn region_tables(
    app: &App,
    caller: &Caller<'_>,
    year: Option<i32>,
) -> Result<Arc<RegionTables>> {
    caller.require(Capability::ReadAggregates)?;
    let counts = app.store.year_counts().await?;
    let years: Vec<i32> = counts.iter().map(|(y, _)| *y).collect();
    let year = year
        .or(crate::views::last_full_year(&counts))
        .ok_or_else(|| Error::NotFound("no survey data".into()))?;
    if !years.contains(&year) {
        return Err(Error::NotFound(format!("no survey data for {year}")));
    }
    let build = app
        .store
        .builds()
        .await?
        .into_iter()
        .find(|b| b.years.contains(&year));
    let batch = app.store.latest_batch().await?;
    let key = format!("regions/{year}/{batch}/{:?}", build.as_ref().map(|b| b.id));
    let store = app.store.clone();
    app.cached(key, || async move {
        let records = store.load_year(year).await?;
        let scores: HashMap<String, f64> = match &build {
            Some(b) => store
                .scores(b.id, year)
                .await?
                .into_iter()
                .filter_map(|(c, s)| s.map(|s| (c, s)))
                .collect(),
            None => HashMap::new(),
        };
        use kechuang_region::tables::{Dimension, Entry, one_way};
        let entries: Vec<Entry<'_>> = records
            .iter()
            .map(|r| Entry {
                record: r,
                index: scores.get(r.credit_code.as_str()).copied(),
            })
            .collect();
        let rules = kechuang_region::disclosure::Rules::default();
        Ok(RegionTables {
            year,
            by_district: one_way(&entries, Dimension::District, &rules),
            by_industry: one_way(&entries, Dimension::Industry, &rules),
            by_field: one_way(&entries, Dimension::Field, &rules),
        })
    })
    .await
}
