//! Policy what-if (政策模拟): a scenario of a scheme's rules — changed thresholds, bands or
//! conditions, given as a rule file or as changes to the shipped rules' parameters — evaluated
//! beside the current rules over a year of the caller's enterprises: who enters and leaves and why,
//! who nearly qualifies, counts by district, park, industry section, technology field and stage,
//! and the budget implied. Scenarios are saved, compared and exported ([`saved`], [`export`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use kechuang_domain::SurveyRecord;
use kechuang_policy::{Overrides, Panel, ParamChange, RuleSet, compare, diff};
use kechuang_store::{AuditAction, Store};
use serde::Serialize;

use crate::access::{Capability, ListScope, Principal};
use crate::audit::Auditor;
use crate::{Caller, Error, Result};

pub mod export;
pub mod saved;

/// A scenario to evaluate.
#[derive(Debug, Clone, Default)]
pub struct Scenario<'a> {
    /// The scheme's id (`tech_sme` …): the current rules are the shipped ones.
    pub scheme: &'a str,
    /// The scenario's rule file (TOML), the same scheme with changed parameters; the shipped rule
    /// file when none.
    pub rules: Option<&'a str>,
    /// Changes to the parameters of that rule file (see [`kechuang_policy::Parameter`]).
    pub changes: Overrides,
    /// The year (the latest stored by default).
    pub year: Option<i32>,
    /// An amount per qualifying enterprise (a subsidy or a credit line, 万元), for the budget.
    pub amount: Option<f64>,
}

/// Counts for one district, park, industry section, field or stage.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Line {
    /// Entering.
    pub entering: usize,
    /// Leaving.
    pub leaving: usize,
    /// Qualifying under the current rules.
    pub qualifying_before: usize,
    /// Qualifying under the scenario.
    pub qualifying_after: usize,
    /// Near misses under the scenario.
    pub near_misses: usize,
    /// The budget under the scenario (qualifying × amount), when an amount is given.
    pub budget: Option<f64>,
}

/// An enterprise the scenario moves, with the criterion that decided it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mover {
    /// The enterprise.
    pub credit_code: String,
    /// Its name.
    pub name: String,
    /// Its district (region code).
    pub region_code: String,
    /// The deciding criterion's id (`score` when only the total moved across the pass mark).
    pub criterion: String,
    /// Its label.
    pub label: String,
}

/// An enterprise that nearly qualifies under the scenario, and what it lacks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearMissRow {
    /// The enterprise.
    pub credit_code: String,
    /// Its name.
    pub name: String,
    /// Its district (region code).
    pub region_code: String,
    /// Its score under the scenario.
    pub score: Option<f64>,
    /// What would make it qualify.
    pub gaps: Vec<String>,
}

/// A scenario against the current rules.
#[derive(Debug, Clone, Serialize)]
pub struct WhatIfView {
    /// The scheme.
    pub scheme: String,
    /// The current rules' version.
    pub current_version: String,
    /// The scenario's version (as its file says).
    pub scenario_version: String,
    /// The year.
    pub year: i32,
    /// How the scenario differs from the current rules, parameter by parameter.
    pub changes: Vec<ParamChange>,
    /// Enterprises entering, with the criterion that let them in.
    pub entering: Vec<Mover>,
    /// Enterprises leaving, with the criterion that stopped them.
    pub leaving: Vec<Mover>,
    /// Enterprises whose verdict does not change.
    pub unchanged: usize,
    /// Qualifying now.
    pub qualifying_before: usize,
    /// Qualifying under the scenario.
    pub qualifying_after: usize,
    /// Near misses under the scenario (at most two changes from qualifying).
    pub near_misses: Vec<NearMissRow>,
    /// By district (region code).
    pub by_district: BTreeMap<String, Line>,
    /// By park (empty: none).
    pub by_park: BTreeMap<String, Line>,
    /// By industry section (`C 制造业`).
    pub by_industry: BTreeMap<String, Line>,
    /// By high-tech field (empty: none given).
    pub by_field: BTreeMap<String, Line>,
    /// By stage (初创期, 成长期, 稳定期).
    pub by_stage: BTreeMap<String, Line>,
    /// The budget under the scenario, when an amount is given.
    pub budget: Option<f64>,
    /// The budget's change against the current rules.
    pub budget_change: Option<f64>,
}

/// The shipped rules of `scheme` and the scenario's checked rule file (its text and its rules):
/// the given file, or the shipped one, with the changes applied.
pub fn resolve<'r>(
    shipped: &'r [RuleSet],
    s: &Scenario<'_>,
) -> Result<(&'r RuleSet, String, RuleSet)> {
    let current = shipped
        .iter()
        .find(|r| r.spec.id == s.scheme)
        .ok_or_else(|| Error::NotFound(format!("no scheme '{}'", s.scheme)))?;
    let base = match s.rules {
        Some(text) => text,
        None => kechuang_policy::shipped_text(s.scheme)
            .ok_or_else(|| Error::NotFound(format!("no shipped rule file '{}'", s.scheme)))?,
    };
    let text = if s.changes.is_empty() {
        base.to_string()
    } else {
        let version = RuleSet::from_toml(base).map_or_else(
            |_| "scenario".to_string(),
            |r| format!("{}-scenario", r.spec.version),
        );
        kechuang_policy::apply(base, &s.changes, &version)
            .map_err(|e| Error::Invalid(format!("the scenario's changes: {e}")))?
    };
    let scenario = RuleSet::from_toml(&text)
        .map_err(|e| Error::Invalid(format!("the scenario's rules: {e}")))?;
    if scenario.spec.id != current.spec.id {
        return Err(Error::Invalid(format!(
            "the scenario is for '{}', not '{}'",
            scenario.spec.id, current.spec.id
        )));
    }
    // A budget stays a finite number: at most 10⁸ 万元 (a trillion yuan) per enterprise.
    if s.amount.is_some_and(|a| !(0.0..=1e8).contains(&a)) {
        return Err(Error::Invalid(
            "the amount is a number from 0 to 100000000 (万元 per enterprise)".into(),
        ));
    }
    Ok((current, text, scenario))
}

/// The year's records (and three earlier years) of the enterprises the principal may see.
pub(crate) async fn scoped_panel(
    store: &Store,
    p: &Principal,
    year: Option<i32>,
) -> Result<(i32, Vec<SurveyRecord>)> {
    let (year, mut records) = crate::views::panel(store, year).await?;
    match p.list_scope() {
        ListScope::All => {}
        ListScope::Areas(regions, parks) => records.retain(|r| {
            regions.iter().any(|x| x == r.region_code.as_str())
                || r.park.as_ref().is_some_and(|x| parks.contains(x))
        }),
        _ => records.clear(),
    }
    Ok((year, records))
}

/// Where an enterprise is counted.
struct Place<'r> {
    record: &'r SurveyRecord,
    industry: String,
}

/// Evaluates the scenario beside the current rules over already scoped records (pure).
pub(crate) fn evaluate_on(
    current: &RuleSet,
    scenario: &RuleSet,
    year: i32,
    records: &[SurveyRecord],
    amount: Option<f64>,
) -> WhatIfView {
    let places: HashMap<&str, Place<'_>> = records
        .iter()
        .filter(|r| r.year == year)
        .map(|r| {
            let industry = format!(
                "{} {}",
                r.industry_code.section(),
                r.industry_code.section_name()
            );
            (
                r.credit_code.as_str(),
                Place {
                    record: r,
                    industry,
                },
            )
        })
        .collect();
    let panel = Panel::new(records);
    let w = compare(&panel, current, scenario, year);
    let mut tally = Tally::default();
    // Every area in scope has a line, even where nothing moves.
    for place in places.values() {
        tally.each(place, |_| {});
    }
    // Qualifying now: under the scenario, less who enters, plus who leaves.
    let entering: HashSet<&str> = w.entering.iter().map(|c| c.credit_code.as_str()).collect();
    let qualifying_before = w
        .qualifying
        .iter()
        .map(String::as_str)
        .filter(|c| !entering.contains(c))
        .chain(w.leaving.iter().map(|c| c.credit_code.as_str()));
    let place = |code: &str| places.get(code);
    for code in qualifying_before {
        if let Some(p) = place(code) {
            tally.each(p, |l| l.qualifying_before += 1);
        }
    }
    for code in &w.qualifying {
        if let Some(p) = place(code) {
            tally.each(p, |l| l.qualifying_after += 1);
        }
    }
    for c in &w.entering {
        if let Some(p) = place(&c.credit_code) {
            tally.each(p, |l| l.entering += 1);
        }
    }
    for c in &w.leaving {
        if let Some(p) = place(&c.credit_code) {
            tally.each(p, |l| l.leaving += 1);
        }
    }
    for n in &w.near_misses {
        if let Some(p) = place(&n.credit_code) {
            tally.each(p, |l| l.near_misses += 1);
        }
    }
    if let Some(a) = amount {
        tally.budget(a);
    }
    let name = |code: &str| {
        place(code).map_or_else(
            || (String::new(), String::new()),
            |p| {
                (
                    p.record.name.clone(),
                    p.record.region_code.as_str().to_string(),
                )
            },
        )
    };
    let movers = |list: &[kechuang_policy::Change]| -> Vec<Mover> {
        list.iter()
            .map(|c| {
                let (name, region_code) = name(&c.credit_code);
                Mover {
                    credit_code: c.credit_code.clone(),
                    name,
                    region_code,
                    criterion: c.criterion.clone(),
                    label: c.label.clone(),
                }
            })
            .collect()
    };
    let near_misses = w
        .near_misses
        .iter()
        .map(|n| {
            let (name, region_code) = name(&n.credit_code);
            NearMissRow {
                credit_code: n.credit_code.clone(),
                name,
                region_code,
                score: n.score,
                gaps: n.gaps.clone(),
            }
        })
        .collect();
    WhatIfView {
        scheme: current.spec.id.clone(),
        current_version: current.spec.version.clone(),
        scenario_version: scenario.spec.version.clone(),
        year,
        changes: diff(current, scenario),
        budget: amount.map(|a| w.qualifying_after as f64 * a),
        budget_change: amount.map(|a| (w.qualifying_after as f64 - w.qualifying_before as f64) * a),
        entering: movers(&w.entering),
        leaving: movers(&w.leaving),
        unchanged: w.unchanged,
        qualifying_before: w.qualifying_before,
        qualifying_after: w.qualifying_after,
        near_misses,
        by_district: tally.district,
        by_park: tally.park,
        by_industry: tally.industry,
        by_field: tally.field,
        by_stage: tally.stage,
    }
}

/// The five breakdowns, filled together.
#[derive(Default)]
struct Tally {
    district: BTreeMap<String, Line>,
    park: BTreeMap<String, Line>,
    industry: BTreeMap<String, Line>,
    field: BTreeMap<String, Line>,
    stage: BTreeMap<String, Line>,
}

impl Tally {
    /// Applies `f` to the enterprise's line in every breakdown (creating the lines).
    fn each(&mut self, p: &Place<'_>, f: impl Fn(&mut Line)) {
        let r = p.record;
        f(self
            .district
            .entry(r.region_code.as_str().to_string())
            .or_default());
        f(self
            .park
            .entry(r.park.clone().unwrap_or_default())
            .or_default());
        f(self.industry.entry(p.industry.clone()).or_default());
        f(self
            .field
            .entry(r.tech_field.map(|t| t.zh().to_string()).unwrap_or_default())
            .or_default());
        f(self.stage.entry(r.stage().zh().to_string()).or_default());
    }

    fn budget(&mut self, amount: f64) {
        for map in [
            &mut self.district,
            &mut self.park,
            &mut self.industry,
            &mut self.field,
            &mut self.stage,
        ] {
            for l in map.values_mut() {
                l.budget = Some(l.qualifying_after as f64 * amount);
            }
        }
    }
}

/// Evaluates a scenario over the caller's enterprises (analysts and administrators: all; district
/// officers: their districts and parks), audited.
pub async fn evaluate(
    store: &Store,
    auditor: &Auditor,
    shipped: &[RuleSet],
    caller: &Caller<'_>,
    s: &Scenario<'_>,
) -> Result<WhatIfView> {
    let p = caller.require(Capability::Targets)?;
    let (current, _, scenario) = resolve(shipped, s)?;
    let (year, records) = scoped_panel(store, p, s.year).await?;
    let current = current.clone();
    let amount = s.amount;
    let view = tokio::task::spawn_blocking(move || {
        evaluate_on(&current, &scenario, year, &records, amount)
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))?;
    auditor
        .record(
            &p.name,
            AuditAction::PolicyWhatIf,
            &format!("what-if {} {year}", s.scheme),
            caller.remote,
            "ok",
        )
        .await;
    Ok(view)
}
