//! Predictive validity of the index (指数预测效度): does an enterprise's index in year t say
//! anything about what happens to it in t+1 and t+2? For the latest stored build: Spearman's ρ of
//! the index (overall and by stage) and of each pillar with later revenue growth, R&D growth and
//! invention patents granted, and the AUC for gaining a certification later (高企, 专精特新), each
//! with a percentile bootstrap interval. Unit-years of every built year with a later record are
//! pooled; the bootstrap resamples unit-years.

use std::collections::HashMap;
use std::sync::Arc;

use kechuang_domain::{Num, SurveyRecord, Titles, held_in};
use kechuang_engine::validity::{Auc, Estimate, Spearman, bootstrap};
use rayon::prelude::*;
use serde::Serialize;

use crate::access::Capability;
use crate::{App, Caller, Error, Result};

/// The most bootstrap replications asked at once.
pub const MAX_REPLICATIONS: usize = 2000;

/// A later outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 营业收入增长: revenue in t+h over revenue in t, less one.
    RevenueGrowth,
    /// 研发费用增长: the same for R&D expense.
    RdGrowth,
    /// 发明专利授权: invention patents granted in t+h.
    PatentsGranted,
    /// 新获高企认定: not a 高新技术企业 in t, one in t+h.
    GainsHnte,
    /// 新获专精特新: not 专精特新 (or 小巨人) in t, one in t+h.
    GainsSpecialised,
    /// 贷款逾期: a loan granted in t+1 (on the index of t) is overdue now.
    GoesOverdue,
}

impl Outcome {
    /// Every outcome.
    pub const ALL: [Outcome; 6] = [
        Outcome::RevenueGrowth,
        Outcome::RdGrowth,
        Outcome::PatentsGranted,
        Outcome::GainsHnte,
        Outcome::GainsSpecialised,
        Outcome::GoesOverdue,
    ];

    /// Stable key, Chinese and English labels: one exhaustive match, so an outcome cannot lack
    /// one.
    fn labels(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Outcome::RevenueGrowth => ("revenue_growth", "营业收入增长", "Revenue growth"),
            Outcome::RdGrowth => ("rd_growth", "研发费用增长", "R&D expense growth"),
            Outcome::PatentsGranted => (
                "patents_granted",
                "发明专利授权",
                "Invention patents granted",
            ),
            Outcome::GainsHnte => (
                "gains_hnte",
                "新获高企认定",
                "Becomes a high-tech enterprise",
            ),
            Outcome::GainsSpecialised => (
                "gains_specialised",
                "新获专精特新",
                "Becomes specialised (专精特新)",
            ),
            Outcome::GoesOverdue => ("goes_overdue", "贷款逾期", "A loan goes overdue"),
        }
    }

    /// Stable key.
    pub fn key(self) -> &'static str {
        self.labels().0
    }

    /// Chinese label.
    pub fn zh(self) -> &'static str {
        self.labels().1
    }

    /// English label.
    pub fn en(self) -> &'static str {
        self.labels().2
    }

    /// Whether it is an event (AUC) rather than a quantity (Spearman).
    pub fn is_event(self) -> bool {
        matches!(
            self,
            Outcome::GainsHnte | Outcome::GainsSpecialised | Outcome::GoesOverdue
        )
    }

    /// The outcome of a unit from its records in t and t+h; `None` when it cannot be known (or,
    /// for an event, when the unit already had it in t).
    fn of(self, now: &SurveyRecord, later: &SurveyRecord) -> Option<f64> {
        let growth = |n: Num| match (now.get(n), later.get(n)) {
            (Some(a), Some(b)) if a > 0.0 => Some(b / a - 1.0),
            _ => None,
        };
        let specialised = |t: &Titles, year: i32| {
            held_in(t.specialised_sme, year) || held_in(t.little_giant, year)
        };
        match self {
            Outcome::RevenueGrowth => growth(Num::Revenue),
            Outcome::RdGrowth => growth(Num::RdExpense),
            Outcome::PatentsGranted => later.get(Num::InventionPatentsGranted),
            Outcome::GainsHnte => (!held_in(now.titles.hnte, now.year))
                .then(|| f64::from(u8::from(held_in(later.titles.hnte, later.year)))),
            Outcome::GainsSpecialised => (!specialised(&now.titles, now.year))
                .then(|| f64::from(u8::from(specialised(&later.titles, later.year)))),
            // From the loans, not the records (see `compute`).
            Outcome::GoesOverdue => None,
        }
    }
}

/// One statistic.
#[derive(Debug, Clone, Serialize)]
pub struct ValidityRow {
    /// `index`, or a pillar's code.
    pub measure: String,
    /// `all`, or a stage (`startup`, `growth`, `mature`).
    pub subset: String,
    /// The outcome.
    pub outcome: Outcome,
    /// Years ahead: 1 or 2.
    pub horizon: u8,
    /// `spearman` or `auc`.
    pub statistic: &'static str,
    /// The value with its 95% interval (none when undefined: too few units, or no events).
    pub estimate: Option<Estimate>,
    /// Unit-years with the outcome known.
    pub n: usize,
    /// For events: how many had it.
    pub events: Option<usize>,
}

/// The validity of the latest build.
#[derive(Debug, Clone, Serialize)]
pub struct ValidityReport {
    /// The build.
    pub build_id: i64,
    /// Its framework.
    pub framework: String,
    /// The built years whose enterprises have a later record.
    pub base_years: Vec<i32>,
    /// Bootstrap replications.
    pub replications: usize,
    /// Their seed.
    pub seed: u64,
    /// Index overall and by stage, then each pillar overall; by outcome and horizon.
    pub rows: Vec<ValidityRow>,
}

/// What a statistic is computed from: (score, outcome) pairs of one measure and subset.
struct Sample {
    measure: String,
    subset: String,
    outcome: Outcome,
    horizon: u8,
    score: Vec<f64>,
    value: Vec<f64>,
}

/// An enterprise's stored scores in one built year.
#[derive(Debug, Clone)]
pub struct BuiltScore {
    /// The enterprise.
    pub credit_code: String,
    /// Its index.
    pub index: f64,
    /// Its pillars' scores, by pillar code.
    pub pillars: Vec<(String, f64)>,
}

/// One unit-year of the build, with what its statistics need.
struct UnitYear<'r> {
    record: &'r SurveyRecord,
    index: f64,
    pillars: Vec<(String, f64)>,
}

fn samples<'a>(
    units: &'a [UnitYear<'_>],
    later: &HashMap<(&str, i32), &SurveyRecord>,
    overdue: &HashMap<(&str, i32), bool>,
) -> Vec<Sample> {
    let mut out: Vec<Sample> = Vec::new();
    // Keyed by borrowed names: a pair is pushed for every unit, outcome and measure.
    let mut slot: HashMap<(&'a str, &'a str, Outcome, u8), usize> = HashMap::new();
    let mut push =
        |measure: &'a str, subset: &'a str, outcome: Outcome, horizon: u8, s: f64, v: f64| {
            let key = (measure, subset, outcome, horizon);
            let k = *slot.entry(key).or_insert_with(|| {
                out.push(Sample {
                    measure: measure.to_string(),
                    subset: subset.to_string(),
                    outcome,
                    horizon,
                    score: Vec::new(),
                    value: Vec::new(),
                });
                out.len() - 1
            });
            out[k].score.push(s);
            out[k].value.push(v);
        };
    for u in units {
        let r = u.record;
        // Loans granted the year after, on this year's index: overdue or not.
        if let Some(&o) = overdue.get(&(r.credit_code.as_str(), r.year + 1)) {
            let v = f64::from(u8::from(o));
            push("index", "all", Outcome::GoesOverdue, 1, u.index, v);
            push(
                "index",
                r.stage().key(),
                Outcome::GoesOverdue,
                1,
                u.index,
                v,
            );
            for (code, score) in &u.pillars {
                push(code, "all", Outcome::GoesOverdue, 1, *score, v);
            }
        }
        for horizon in [1u8, 2] {
            let Some(next) = later.get(&(r.credit_code.as_str(), r.year + i32::from(horizon)))
            else {
                continue;
            };
            for outcome in Outcome::ALL {
                let Some(v) = outcome.of(r, next).filter(|v| v.is_finite()) else {
                    continue;
                };
                push("index", "all", outcome, horizon, u.index, v);
                push("index", r.stage().key(), outcome, horizon, u.index, v);
                for (code, score) in &u.pillars {
                    push(code, "all", outcome, horizon, *score, v);
                }
            }
        }
    }
    out
}

/// The statistics of the samples, in a stable order: index (all, then each stage), then the
/// pillars; within each, by outcome and horizon.
fn statistics(samples: Vec<Sample>, replications: usize, seed: u64) -> Vec<ValidityRow> {
    let mut rows: Vec<ValidityRow> = samples
        .into_par_iter()
        .map(|s| {
            let (statistic, estimate, events): (&'static str, _, _) = if s.outcome.is_event() {
                let event: Vec<bool> = s.value.iter().map(|v| *v > 0.5).collect();
                let n = event.iter().filter(|e| **e).count();
                let auc = Auc::new(&s.score, &event);
                ("auc", bootstrap(&auc, replications, seed), Some(n))
            } else {
                let rho = Spearman::new(&s.score, &s.value);
                ("spearman", bootstrap(&rho, replications, seed), None)
            };
            ValidityRow {
                n: s.score.len(),
                measure: s.measure,
                subset: s.subset,
                outcome: s.outcome,
                horizon: s.horizon,
                statistic,
                estimate,
                events,
            }
        })
        .collect();
    let subset_order = |s: &str| {
        ["all", "startup", "growth", "mature"]
            .iter()
            .position(|x| *x == s)
            .unwrap_or(9)
    };
    rows.sort_by(|a, b| {
        (a.measure != "index")
            .cmp(&(b.measure != "index"))
            .then(a.measure.cmp(&b.measure))
            .then(subset_order(&a.subset).cmp(&subset_order(&b.subset)))
            .then((a.outcome as u8).cmp(&(b.outcome as u8)))
            .then(a.horizon.cmp(&b.horizon))
    });
    rows
}

/// A loan's outcome: the enterprise, the year it was granted, and whether it is overdue.
#[derive(Debug, Clone)]
pub struct LoanOutcome {
    /// The enterprise.
    pub credit_code: String,
    /// The year granted.
    pub year: i32,
    /// Something overdue.
    pub overdue: bool,
}

/// The validity statistics of stored data (pure): `results` are each built year's scores;
/// `records` hold those years and up to two later ones; `loans` the loans recorded.
pub fn compute(
    results: &[(i32, Vec<BuiltScore>)],
    records: &[SurveyRecord],
    loans: &[LoanOutcome],
    replications: usize,
    seed: u64,
) -> (Vec<i32>, Vec<ValidityRow>) {
    // An enterprise with several loans in a year is overdue if any is.
    let mut overdue: HashMap<(&str, i32), bool> = HashMap::new();
    for l in loans {
        *overdue.entry((l.credit_code.as_str(), l.year)).or_default() |= l.overdue;
    }
    let by_key: HashMap<(&str, i32), &SurveyRecord> = records
        .iter()
        .map(|r| ((r.credit_code.as_str(), r.year), r))
        .collect();
    let mut units = Vec::new();
    let mut base_years = Vec::new();
    for (year, rows) in results {
        let mut any = false;
        for b in rows {
            let Some(record) = by_key.get(&(b.credit_code.as_str(), *year)) else {
                continue;
            };
            any |= by_key.contains_key(&(b.credit_code.as_str(), year + 1));
            units.push(UnitYear {
                record,
                index: b.index,
                pillars: b.pillars.clone(),
            });
        }
        if any {
            base_years.push(*year);
        }
    }
    (
        base_years,
        statistics(samples(&units, &by_key, &overdue), replications, seed),
    )
}

/// The validity of the latest build (analysts and administrators), computed once per build,
/// import, replications and seed.
pub async fn report(
    app: &App,
    caller: &Caller<'_>,
    replications: Option<usize>,
    seed: Option<u64>,
) -> Result<Arc<ValidityReport>> {
    caller.require(Capability::BuildIndex)?;
    let replications = replications.unwrap_or(200);
    if !(1..=MAX_REPLICATIONS).contains(&replications) {
        return Err(Error::Invalid(format!(
            "replications: from 1 to {MAX_REPLICATIONS}"
        )));
    }
    let seed = seed.unwrap_or(1);
    let build = app
        .store
        .builds()
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Error::NotFound("no index build is stored: build one first".into()))?;
    let batch = app.store.latest_batch().await?;
    // Loans change without an import: their count and overdue total are part of the key.
    let loans: Vec<LoanOutcome> = app
        .store
        .loans(None, None)
        .await?
        .into_iter()
        .filter_map(|l| {
            Some(LoanOutcome {
                year: l.granted_on.get(..4)?.parse().ok()?,
                overdue: l.overdue > 0.0,
                credit_code: l.credit_code,
            })
        })
        .collect();
    let overdue = loans.iter().filter(|l| l.overdue).count();
    let key = format!(
        "validity/{}/{batch}/{replications}/{seed}/{}/{overdue}",
        build.id,
        loans.len()
    );
    let store = app.store.clone();
    app.cached(key, || async move {
        let stored_years = store.years().await?;
        // Only the years with a later one say anything (each year's rows are read and decoded
        // one year at a time, keeping only the scores).
        let mut results = Vec::new();
        let codes = kechuang_enterprise::stored::result_codes(&store, build.id)
            .await
            .map_err(|e| Error::Internal(e.to_string()))?;
        for &year in build
            .years
            .iter()
            .filter(|y| stored_years.contains(&(*y + 1)) || stored_years.contains(&(*y + 2)))
        {
            let rows = store.results(build.id, year).await?;
            let decoded: Vec<BuiltScore> = rows
                .iter()
                .filter_map(|r| {
                    let index = r.score?;
                    // The pillars come with the portrait facts; a row without them still
                    // counts for the index.
                    let pillars = kechuang_enterprise::stored::decode_result(r, codes.as_ref())
                        .map(|stored| {
                            stored
                                .facts
                                .pillars
                                .iter()
                                .filter_map(|p| Some((p.code.clone(), p.score?)))
                                .collect()
                        })
                        .unwrap_or_default();
                    Some(BuiltScore {
                        credit_code: r.credit_code.clone(),
                        index,
                        pillars,
                    })
                })
                .collect();
            results.push((year, decoded));
        }
        let wanted: Vec<i32> = stored_years
            .into_iter()
            .filter(|y| build.years.iter().any(|b| (*b..=b + 2).contains(y)))
            .collect();
        let records = store.load_years(&wanted).await?;
        let (base_years, rows) = tokio::task::spawn_blocking(move || {
            compute(&results, &records, &loans, replications, seed)
        })
        .await
        .map_err(|e| Error::Internal(e.to_string()))?;
        Ok(ValidityReport {
            build_id: build.id,
            framework: build.framework_id.clone(),
            base_years,
            replications,
            seed,
            rows,
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::Outcome;

    #[test]
    fn every_outcome_has_its_own_key_and_labels() {
        let mut keys = std::collections::HashSet::new();
        for o in Outcome::ALL {
            assert!(keys.insert(o.key()), "{o:?}");
            assert!(!o.zh().is_empty() && !o.en().is_empty(), "{o:?}");
        }
    }
}
