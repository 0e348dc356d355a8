//! The bureau's overview (概览): the year's figures for the caller's scope — enterprises, scores,
//! certificates, the index's distribution and trend, tables by district and industry, the top
//! movers — computed once per build, import and scope; every read audited.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use kechuang_domain::held_in;
use kechuang_region::tables::{Dimension, Entry, OneWay, one_way};
use kechuang_store::{AuditAction, Store};

use crate::access::{Capability, EnterpriseFacts, Principal};
use crate::enterprises::build_and_year;
use crate::{App, Caller, Result};

/// The figures of the overview dashboard for one scope.
pub struct Overview {
    /// The year shown (the latest build's latest, unless one was asked for).
    pub year: i32,
    /// The build's years, any of which may be shown.
    pub years: Vec<i32>,
    /// The build.
    pub build_id: i64,
    /// Enterprises in scope that filed for the year.
    pub enterprises: usize,
    /// Of them, scored by the index.
    pub scored: usize,
    /// Their mean index.
    pub mean: Option<f64>,
    /// The index's distribution in ten bins: (label, count).
    pub histogram: Vec<(String, f64)>,
    /// Figures by district (nothing suppressed: the readers see the enterprises behind them).
    pub by_district: OneWay,
    /// Figures by industry section.
    pub by_industry: OneWay,
    /// Mean index by year: (year, mean, scored).
    pub trend: Vec<(i32, f64, usize)>,
    /// The ten largest rises since last year: (code, name, before, now).
    pub movers: Vec<(String, String, f64, f64)>,
    /// Enterprises holding each kind of certificate in the year.
    pub certified: [(usize, Certificate); 3],
    /// The mean index of each district (GB/T 2260 code, in code order) in each of the build's
    /// years up to the one shown (`district_years`), over the enterprises in scope that filed for
    /// the year shown; `None` where none of them was scored that year.
    pub district_trend: Vec<(String, Vec<Option<f64>>)>,
    /// The years of `district_trend`, oldest first.
    pub district_years: Vec<i32>,
}

/// A kind of certificate the overview counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Certificate {
    /// 高新技术企业.
    HighTech,
    /// 科技型中小企业.
    TechSme,
    /// 专精特新 (either level).
    Specialised,
}

async fn compute(store: &Store, p: &Principal, year: Option<i32>) -> Result<Overview> {
    let (build, year) = build_and_year(store, year).await?;
    let records = store.load_year(year).await?;
    let records: Vec<_> = records
        .into_iter()
        .filter(|r| {
            p.may_read(&EnterpriseFacts {
                credit_code: r.credit_code.as_str(),
                area: Some((r.region_code.as_str(), r.park.as_deref())),
                bank_consent: false,
            })
        })
        .collect();
    let codes: HashSet<&str> = records.iter().map(|r| r.credit_code.as_str()).collect();
    let mut by_year: BTreeMap<i32, HashMap<String, f64>> = BTreeMap::new();
    for &y in &build.years {
        let scores = store.scores(build.id, y).await?;
        by_year.insert(
            y,
            scores
                .into_iter()
                .filter_map(|(c, s)| s.map(|s| (c, s)))
                .filter(|(c, _)| codes.contains(c.as_str()))
                .collect(),
        );
    }
    let now = by_year.get(&year).cloned().unwrap_or_default();
    let values: Vec<f64> = now.values().copied().collect();
    let mean = (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64);
    let mut histogram = Vec::new();
    if !values.is_empty() {
        let (lo, hi) = values
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
        let width = ((hi - lo) / 10.0).max(1e-9);
        let mut counts = [0usize; 10];
        for v in &values {
            counts[(((v - lo) / width) as usize).min(9)] += 1;
        }
        for (i, c) in counts.iter().enumerate() {
            let a = lo + width * i as f64;
            histogram.push((format!("{a:.0}–{:.0}", a + width), *c as f64));
        }
    }
    let entries: Vec<Entry<'_>> = records
        .iter()
        .map(|r| Entry {
            record: r,
            index: now.get(r.credit_code.as_str()).copied(),
        })
        .collect();
    // The dashboard is for roles that read the enterprise-level data behind it: nothing to
    // suppress. Published tables (/tables, /api/v1/regions) keep disclosure control.
    let rules = kechuang_region::disclosure::Rules {
        min_count: 1,
        dominance: 1.0,
    };
    let trend = by_year
        .iter()
        .filter(|(_, s)| !s.is_empty())
        .map(|(y, s)| (*y, s.values().sum::<f64>() / s.len() as f64, s.len()))
        .collect();
    let names: HashMap<&str, &str> = records
        .iter()
        .map(|r| (r.credit_code.as_str(), r.name.as_str()))
        .collect();
    let mut movers: Vec<(String, String, f64, f64)> = match by_year.get(&(year - 1)) {
        Some(before) => now
            .iter()
            .filter_map(|(c, s)| {
                before.get(c).map(|b| {
                    (
                        c.clone(),
                        names.get(c.as_str()).copied().unwrap_or("").to_string(),
                        *b,
                        *s,
                    )
                })
            })
            .collect(),
        None => Vec::new(),
    };
    movers.sort_by(|a, b| (b.3 - b.2).total_cmp(&(a.3 - a.2)).then(a.0.cmp(&b.0)));
    movers.truncate(10);
    let count =
        |f: fn(&kechuang_domain::SurveyRecord) -> bool| records.iter().filter(|r| f(r)).count();
    let certified = [
        (
            count(|r| held_in(r.titles.hnte, r.year)),
            Certificate::HighTech,
        ),
        (
            count(|r| held_in(r.titles.tech_sme, r.year)),
            Certificate::TechSme,
        ),
        (
            count(|r| {
                held_in(r.titles.specialised_sme, r.year) || held_in(r.titles.little_giant, r.year)
            }),
            Certificate::Specialised,
        ),
    ];
    // Each district's mean index year by year, of the enterprises filing in the year shown (each
    // counted in the district it files from now).
    let district_of: HashMap<&str, &str> = records
        .iter()
        .map(|r| (r.credit_code.as_str(), r.region_code.as_str()))
        .collect();
    let district_years: Vec<i32> = by_year.keys().copied().filter(|y| *y <= year).collect();
    let district_trend = kechuang_domain::codes::TIANJIN_DISTRICTS
        .iter()
        .map(|d| {
            let means = district_years
                .iter()
                .map(|y| {
                    let (sum, n) = by_year[y]
                        .iter()
                        .filter(|(c, _)| district_of.get(c.as_str()) == Some(&d.0))
                        .fold((0.0, 0usize), |(sum, n), (_, s)| (sum + s, n + 1));
                    (n > 0).then(|| sum / n as f64)
                })
                .collect::<Vec<_>>();
            (d.0.to_string(), means)
        })
        .filter(|(_, means)| means.iter().any(Option::is_some))
        .collect();
    Ok(Overview {
        year,
        years: build.years.clone(),
        district_trend,
        district_years,
        build_id: build.id,
        enterprises: records.len(),
        scored: values.len(),
        mean,
        histogram,
        by_district: one_way(&entries, Dimension::District, &rules),
        by_industry: one_way(&entries, Dimension::Industry, &rules),
        trend,
        movers,
        certified,
    })
}

/// The overview for the caller's scope (roles that aim support: analysts, administrators,
/// district officers), audited as a read.
/// `year` picks one of the build's years (the latest by default).
pub async fn overview(app: &App, caller: &Caller<'_>, year: Option<i32>) -> Result<Arc<Overview>> {
    let p = caller.require(Capability::Targets)?;
    let (build, year) = build_and_year(&app.store, year).await?;
    let batch = app.store.latest_batch().await?;
    let key = format!(
        "overview/{}/{year}/{batch}/{:?}/{}",
        build.id,
        p.role,
        p.scope.join(",")
    );
    let store = app.store.clone();
    let owner = p.clone();
    let o: Arc<Overview> = app
        .cached(
            key,
            || async move { compute(&store, &owner, Some(year)).await },
        )
        .await?;
    app.auditor
        .record(
            &p.name,
            AuditAction::OverviewRead,
            &o.year.to_string(),
            caller.remote,
            "ok",
        )
        .await;
    Ok(o)
}
