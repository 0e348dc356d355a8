//! Policy what-if (政策模拟): a scenario of a scheme's rules — changed thresholds, bands or
//! conditions, given as a rule file — evaluated beside the current rules over a year of the
//! caller's enterprises: who enters and leaves and why, by district, and the budget implied.

use std::collections::BTreeMap;

use kechuang_policy::{Change, Panel, RuleSet, compare};
use kechuang_store::{AuditAction, Store};
use serde::Serialize;

use crate::access::{Capability, ListScope};
use crate::audit::Auditor;
use crate::{Caller, Error, Result};

/// A scenario to evaluate.
#[derive(Debug, Clone)]
pub struct Scenario<'a> {
    /// The scheme's id (`tech_sme` …): the current rules are the shipped ones.
    pub scheme: &'a str,
    /// The scenario's rule file (TOML), the same scheme with changed parameters.
    pub rules: &'a str,
    /// The year (the latest stored by default).
    pub year: Option<i32>,
    /// An amount per qualifying enterprise (a subsidy or a credit line, 万元), for the budget.
    pub amount: Option<f64>,
}

/// One district's figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct DistrictLine {
    /// Entering.
    pub entering: usize,
    /// Leaving.
    pub leaving: usize,
    /// Qualifying under the scenario.
    pub qualifying_after: usize,
    /// The budget under the scenario (qualifying × amount), when an amount is given.
    pub budget: Option<f64>,
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
    /// Enterprises entering, with the criterion that let them in.
    pub entering: Vec<Change>,
    /// Enterprises leaving, with the criterion that stopped them.
    pub leaving: Vec<Change>,
    /// Enterprises whose verdict does not change.
    pub unchanged: usize,
    /// Qualifying now.
    pub qualifying_before: usize,
    /// Qualifying under the scenario.
    pub qualifying_after: usize,
    /// By district (region code).
    pub by_district: BTreeMap<String, DistrictLine>,
    /// The budget under the scenario, and its change, when an amount is given.
    pub budget: Option<f64>,
    /// The budget's change against the current rules.
    pub budget_change: Option<f64>,
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
    let current = shipped
        .iter()
        .find(|r| r.spec.id == s.scheme)
        .ok_or_else(|| Error::NotFound(format!("no scheme '{}'", s.scheme)))?;
    let scenario = RuleSet::from_toml(s.rules)
        .map_err(|e| Error::Invalid(format!("the scenario's rules: {e}")))?;
    if scenario.spec.id != current.spec.id {
        return Err(Error::Invalid(format!(
            "the scenario is for '{}', not '{}'",
            scenario.spec.id, current.spec.id
        )));
    }
    if s.amount.is_some_and(|a| !a.is_finite() || a < 0.0) {
        return Err(Error::Invalid("the amount is a number ≥ 0 (万元)".into()));
    }
    let (year, mut records) = crate::views::panel(store, s.year).await?;
    match p.list_scope() {
        ListScope::All => {}
        ListScope::Areas(regions, parks) => records.retain(|r| {
            regions.iter().any(|x| x == r.region_code.as_str())
                || r.park.as_ref().is_some_and(|x| parks.contains(x))
        }),
        _ => records.clear(),
    }
    let district: BTreeMap<String, String> = records
        .iter()
        .filter(|r| r.year == year)
        .map(|r| (r.credit_code.to_string(), r.region_code.to_string()))
        .collect();
    let panel = Panel::new(&records);
    let w = compare(&panel, current, &scenario, year);
    let mut by_district: BTreeMap<String, DistrictLine> = BTreeMap::new();
    let line = |code: &str, lines: &mut BTreeMap<String, DistrictLine>| -> String {
        let d = district.get(code).cloned().unwrap_or_default();
        lines.entry(d.clone()).or_default();
        d
    };
    for c in &w.entering {
        let d = line(&c.credit_code, &mut by_district);
        by_district.entry(d).or_default().entering += 1;
    }
    for c in &w.leaving {
        let d = line(&c.credit_code, &mut by_district);
        by_district.entry(d).or_default().leaving += 1;
    }
    for code in &w.qualifying {
        let d = line(code, &mut by_district);
        by_district.entry(d).or_default().qualifying_after += 1;
    }
    if let Some(a) = s.amount {
        for l in by_district.values_mut() {
            l.budget = Some(l.qualifying_after as f64 * a);
        }
    }
    auditor
        .record(
            &p.name,
            AuditAction::PolicyWhatIf,
            &format!("what-if {} {year}", s.scheme),
            caller.remote,
            "ok",
        )
        .await;
    Ok(WhatIfView {
        scheme: current.spec.id.clone(),
        current_version: current.spec.version.clone(),
        scenario_version: scenario.spec.version.clone(),
        year,
        budget: s.amount.map(|a| w.qualifying_after as f64 * a),
        budget_change: s
            .amount
            .map(|a| (w.qualifying_after as f64 - w.qualifying_before as f64) * a),
        entering: w.entering,
        leaving: w.leaving,
        unchanged: w.unchanged,
        qualifying_before: w.qualifying_before,
        qualifying_after: w.qualifying_after,
        by_district,
    })
}
