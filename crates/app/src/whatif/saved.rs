//! Saved scenarios: kept with who saved them, when and the rules' version they were made from;
//! evaluated again on demand (always within the reader's scope), compared side by side, deleted by
//! whoever saved them or an administrator.

use kechuang_policy::RuleSet;
use kechuang_store::{AuditAction, NewScenario, SavedScenario, Store};
use serde::Serialize;

use super::{Line, Scenario, WhatIfView, evaluate_on, resolve, scoped_panel};
use crate::access::{Capability, Role};
use crate::audit::Auditor;
use crate::{Caller, Error, Result};

/// The most scenarios compared at once (each is a full evaluation).
pub const MAX_COMPARED: usize = 6;

/// Saves a scenario under a name (checked first: a scenario that does not evaluate is not kept).
pub async fn save(
    store: &Store,
    auditor: &Auditor,
    shipped: &[RuleSet],
    caller: &Caller<'_>,
    name: &str,
    s: &Scenario<'_>,
) -> Result<SavedScenario> {
    let p = caller.require(Capability::Targets)?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(Error::Invalid(
            "give the scenario a name (at most 200 characters)".into(),
        ));
    }
    let (current, text, _) = resolve(shipped, s)?;
    let id = store
        .save_scenario(&NewScenario {
            name,
            scheme: &current.spec.id,
            base_version: &current.spec.version,
            rules: &text,
            year: s.year,
            amount: s.amount,
            by: &p.name,
        })
        .await?;
    auditor
        .record(
            &p.name,
            AuditAction::ScenarioSave,
            &format!("scenario {id} ({})", current.spec.id),
            caller.remote,
            "ok",
        )
        .await;
    get(store, caller, id).await
}

/// The saved scenarios, newest first (for everyone who may run what-ifs: a scenario holds rules,
/// not enterprise data).
pub async fn list(store: &Store, caller: &Caller<'_>) -> Result<Vec<SavedScenario>> {
    caller.require(Capability::Targets)?;
    Ok(store.scenarios().await?)
}

/// One saved scenario.
pub async fn get(store: &Store, caller: &Caller<'_>, id: i64) -> Result<SavedScenario> {
    caller.require(Capability::Targets)?;
    store
        .scenario(id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no scenario {id}")))
}

fn as_scenario(s: &SavedScenario) -> Scenario<'_> {
    Scenario {
        scheme: &s.scheme,
        rules: Some(&s.rules),
        changes: Default::default(),
        year: s.year,
        amount: s.amount,
    }
}

/// A saved scenario evaluated now, over the caller's enterprises.
pub async fn evaluate(
    store: &Store,
    auditor: &Auditor,
    shipped: &[RuleSet],
    caller: &Caller<'_>,
    id: i64,
) -> Result<(SavedScenario, WhatIfView)> {
    let saved = get(store, caller, id).await?;
    let view = super::evaluate(store, auditor, shipped, caller, &as_scenario(&saved)).await?;
    Ok((saved, view))
}

/// Deletes a saved scenario: whoever saved it, or an administrator.
pub async fn delete(store: &Store, auditor: &Auditor, caller: &Caller<'_>, id: i64) -> Result<()> {
    let saved = get(store, caller, id).await?;
    let p = caller.principal;
    if saved.created_by != p.name && p.role != Role::Admin {
        return Err(Error::Forbidden(format!(
            "scenario {id} was saved by {}: only they or an administrator may delete it",
            saved.created_by
        )));
    }
    store.delete_scenario(id).await?;
    auditor
        .record(
            &p.name,
            AuditAction::ScenarioDelete,
            &format!("scenario {id} ({})", saved.scheme),
            caller.remote,
            "ok",
        )
        .await;
    Ok(())
}

/// One scenario of a comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Compared {
    /// The saved scenario.
    pub scenario: SavedScenario,
    /// Its evaluation.
    pub result: WhatIfView,
}

/// Scenarios side by side, each against the current rules over the same year and enterprises.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// The year.
    pub year: i32,
    /// The scenarios, in the order asked.
    pub scenarios: Vec<Compared>,
    /// Districts (region codes) with each scenario's line, in the scenarios' order.
    pub by_district: Vec<(String, Vec<Line>)>,
}

/// Compares two to [`MAX_COMPARED`] saved scenarios over one year (the first's, else the latest)
/// and the caller's enterprises: the records are read once.
pub async fn compare(
    store: &Store,
    auditor: &Auditor,
    shipped: &[RuleSet],
    caller: &Caller<'_>,
    ids: &[i64],
) -> Result<Comparison> {
    let p = caller.require(Capability::Targets)?;
    let mut unique: Vec<i64> = Vec::new();
    for id in ids {
        if !unique.contains(id) {
            unique.push(*id);
        }
    }
    if unique.len() < 2 || unique.len() > MAX_COMPARED {
        return Err(Error::Invalid(format!(
            "compare 2 to {MAX_COMPARED} different scenarios"
        )));
    }
    let mut saved = Vec::new();
    for id in &unique {
        saved.push(get(store, caller, *id).await?);
    }
    let mut resolved = Vec::new();
    for s in &saved {
        let (current, _, scenario) = resolve(shipped, &as_scenario(s))?;
        resolved.push((current.clone(), scenario, s.amount));
    }
    let (year, records) = scoped_panel(store, p, saved[0].year).await?;
    let results = tokio::task::spawn_blocking(move || {
        resolved
            .iter()
            .map(|(current, scenario, amount)| {
                evaluate_on(current, scenario, year, &records, *amount)
            })
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| Error::Internal(e.to_string()))?;
    let mut districts: Vec<String> = results
        .iter()
        .flat_map(|r| r.by_district.keys().cloned())
        .collect();
    districts.sort();
    districts.dedup();
    let by_district = districts
        .into_iter()
        .map(|d| {
            let lines = results
                .iter()
                .map(|r| r.by_district.get(&d).cloned().unwrap_or_default())
                .collect();
            (d, lines)
        })
        .collect();
    auditor
        .record(
            &p.name,
            AuditAction::PolicyWhatIf,
            &format!(
                "compare scenarios {} {year}",
                unique
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            caller.remote,
            "ok",
        )
        .await;
    Ok(Comparison {
        year,
        scenarios: saved
            .into_iter()
            .zip(results)
            .map(|(scenario, result)| Compared { scenario, result })
            .collect(),
        by_district,
    })
}

/// A saved scenario evaluated now and written as a workbook (summary and lists), audited.
pub async fn export(
    store: &Store,
    auditor: &Auditor,
    shipped: &[RuleSet],
    caller: &Caller<'_>,
    id: i64,
) -> Result<(SavedScenario, Vec<u8>)> {
    let (saved, view) = evaluate(store, auditor, shipped, caller, id).await?;
    let bytes = super::export::xlsx(&saved.name, &view)?;
    auditor
        .record(
            &caller.principal.name,
            AuditAction::ScenarioExport,
            &format!("scenario {id} ({})", saved.scheme),
            caller.remote,
            "ok",
        )
        .await;
    Ok((saved, bytes))
}
