//! Policy what-if (政策模拟): a scenario — the rules of a scheme with changed thresholds, bands or
//! conditions — evaluated beside the current rules over the same year: who enters, who leaves, and
//! the criterion that made each one change.

use std::collections::HashMap;

use serde::Serialize;

use crate::evaluate::{Evaluation, Outcome};
use crate::panel::Panel;
use crate::rules::RuleSet;

/// An enterprise whose verdict the scenario changes, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    /// The enterprise.
    pub credit_code: String,
    /// The criterion that decided the change (its id in the rule file; `score` when only the
    /// total score moved across the pass mark).
    pub criterion: String,
    /// Its label.
    pub label: String,
}

/// An enterprise that does not qualify under the scenario but would with at most two changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearMiss {
    /// The enterprise.
    pub credit_code: String,
    /// Its score under the scenario (midpoint of a range), for scored schemes.
    pub score: Option<f64>,
    /// What would make it qualify under the scenario, e.g. "研发费用 +120 万元 (500 → 620)".
    pub gaps: Vec<String>,
}

/// The scenario against the current rules, over one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WhatIf {
    /// The year evaluated.
    pub year: i32,
    /// Qualifying under the scenario, not under the current rules.
    pub entering: Vec<Change>,
    /// Qualifying under the current rules, not under the scenario.
    pub leaving: Vec<Change>,
    /// Enterprises whose verdict does not change.
    pub unchanged: usize,
    /// Qualifying under the current rules.
    pub qualifying_before: usize,
    /// Qualifying under the scenario.
    pub qualifying_after: usize,
    /// Near misses under the scenario, by credit code.
    pub near_misses: Vec<NearMiss>,
    /// Who qualifies under the scenario (for counts by area; not serialised).
    #[serde(skip)]
    pub qualifying: Vec<String>,
}

/// The criterion that holds under `now` and not under `then` (the first, in rule-file order).
fn deciding(then: &Evaluation<'_>, now: &Evaluation<'_>) -> (String, String) {
    let before: HashMap<&str, Option<bool>> =
        then.criteria.iter().map(|c| (c.id, c.passed)).collect();
    now.criteria
        .iter()
        .find(|c| c.passed == Some(true) && before.get(c.id).copied().flatten() != Some(true))
        .map_or_else(
            || ("score".to_string(), "总分 / total score".to_string()),
            |c| (c.id.to_string(), c.label.to_string()),
        )
}

/// Evaluates `scenario` beside `current` over the enterprises of `year` in the panel.
pub fn compare(panel: &Panel<'_>, current: &RuleSet, scenario: &RuleSet, year: i32) -> WhatIf {
    let before = panel.evaluate_year(current, year, false);
    // With gaps: who nearly qualifies under the scenario, and what they lack.
    let after = panel.evaluate_year(scenario, year, true);
    let after_by: HashMap<&str, &Evaluation<'_>> =
        after.iter().map(|e| (e.credit_code.as_str(), e)).collect();
    let mut out = WhatIf {
        year,
        entering: Vec::new(),
        leaving: Vec::new(),
        unchanged: 0,
        qualifying_before: 0,
        qualifying_after: 0,
        near_misses: Vec::new(),
        qualifying: Vec::new(),
    };
    for b in &before {
        let Some(a) = after_by.get(b.credit_code.as_str()) else {
            continue;
        };
        let (was, is) = (
            b.outcome == Outcome::Qualifies,
            a.outcome == Outcome::Qualifies,
        );
        out.qualifying_before += usize::from(was);
        out.qualifying_after += usize::from(is);
        if is {
            out.qualifying.push(b.credit_code.clone());
        } else if a.near_miss() {
            out.near_misses.push(NearMiss {
                credit_code: b.credit_code.clone(),
                score: a.score_mid(),
                gaps: a.gaps.iter().map(|g| g.message.clone()).collect(),
            });
        }
        match (was, is) {
            (false, true) => {
                let (criterion, label) = deciding(b, a);
                out.entering.push(Change {
                    credit_code: b.credit_code.clone(),
                    criterion,
                    label,
                });
            }
            (true, false) => {
                let (criterion, label) = deciding(a, b);
                out.leaving.push(Change {
                    credit_code: b.credit_code.clone(),
                    criterion,
                    label,
                });
            }
            _ => out.unchanged += 1,
        }
    }
    out.entering
        .sort_by(|x, y| x.credit_code.cmp(&y.credit_code));
    out.leaving
        .sort_by(|x, y| x.credit_code.cmp(&y.credit_code));
    out.near_misses
        .sort_by(|x, y| x.credit_code.cmp(&y.credit_code));
    out
}
