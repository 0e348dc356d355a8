//! A rule set's parameters (参数): every number a bureau may move — the pass score, each condition's
//! and direct route's threshold (each step of a stepped one), each band's bounds and points, each
//! group's minimum and cap — by a stable key, so that a scenario can be given as a form over them
//! ([`apply`]) and any two rule files of a scheme compared parameter by parameter ([`diff`]).
//!
//! Keys: `pass_score`; `condition.ID` (`condition.ID.stepN` for stepped thresholds) and
//! `direct.ID`; `indicator.ID.bandN.FIELD` (`indicator.ID.basisM.bandN.FIELD` for `best_of`), where
//! FIELD is `min`, `gt`, `max`, `lt` or `points`; `group.ID.min` and `group.ID.cap`. N and M count
//! from 1. A condition or direct route may also be dropped (by `condition.ID` / `direct.ID`).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::rules::{Band, ConditionSpec, Points, RuleError, RuleSet, ThresholdSpec};

/// One number of a rule set that a scenario may move.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parameter {
    /// Its key (see the module's documentation).
    pub key: String,
    /// What it is (Chinese, after the rule file's labels).
    pub label: String,
    /// English.
    pub label_en: String,
    /// Its value in the rule set.
    pub value: f64,
    /// Unit, where the rule file gives one.
    pub unit: String,
}

/// Changes to a rule set: new values by parameter key, and conditions or direct routes dropped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Overrides {
    /// New values by key.
    #[serde(default)]
    pub values: BTreeMap<String, f64>,
    /// Conditions (`condition.ID`) and direct routes (`direct.ID`) dropped.
    #[serde(default)]
    pub dropped: BTreeSet<String>,
}

impl Overrides {
    /// Whether nothing changes.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.dropped.is_empty()
    }
}

/// How a scenario differs from the rules it was made from, one parameter at a time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ParamChange {
    /// The key.
    pub key: String,
    /// Label.
    pub label: String,
    /// English.
    pub label_en: String,
    /// Its value in the current rules (none: the scenario adds it).
    pub from: Option<f64>,
    /// Its value in the scenario (none: the scenario drops it).
    pub to: Option<f64>,
}

const BAND_FIELDS: [(&str, &str, &str); 5] = [
    ("min", "下限(≥)", "lower bound (≥)"),
    ("gt", "下限(>)", "lower bound (>)"),
    ("max", "上限(≤)", "upper bound (≤)"),
    ("lt", "上限(<)", "upper bound (<)"),
    ("points", "分值", "points"),
];

fn band_values(b: &Band) -> [Option<f64>; 5] {
    let points = match b.points {
        Points::Exact(p) => Some(p),
        Points::Range(_) => None,
    };
    [b.min, b.gt, b.max, b.lt, points]
}

fn english<'a>(en: &'a str, zh: &'a str) -> &'a str {
    if en.is_empty() { zh } else { en }
}

fn threshold_params(kind: &str, c: &ConditionSpec, out: &mut Vec<Parameter>) {
    let key = format!("{kind}.{}", c.id);
    let en = english(&c.label_en, &c.label);
    match &c.value {
        ThresholdSpec::Fixed(v) => out.push(Parameter {
            key,
            label: c.label.clone(),
            label_en: en.to_string(),
            value: *v,
            unit: c.unit.clone(),
        }),
        ThresholdSpec::Stepped { steps, .. } => {
            for (n, s) in steps.iter().enumerate() {
                let upto = s
                    .up_to
                    .map_or_else(|| "以上".to_string(), |u| format!("≤ {u}"));
                let upto_en = s
                    .up_to
                    .map_or_else(|| "above".to_string(), |u| format!("≤ {u}"));
                out.push(Parameter {
                    key: format!("{key}.step{}", n + 1),
                    label: format!("{} · 第{}档 ({upto})", c.label, n + 1),
                    label_en: format!("{en} · step {} ({upto_en})", n + 1),
                    value: s.value,
                    unit: c.unit.clone(),
                });
            }
        }
    }
}

fn band_params(prefix: &str, label: &str, en: &str, bands: &[Band], out: &mut Vec<Parameter>) {
    for (n, b) in bands.iter().enumerate() {
        for ((field, zh, field_en), v) in BAND_FIELDS.iter().zip(band_values(b)) {
            if let Some(v) = v {
                out.push(Parameter {
                    key: format!("{prefix}.band{}.{field}", n + 1),
                    label: format!("{label} · 第{}档 {zh}", n + 1),
                    label_en: format!("{en} · band {} {field_en}", n + 1),
                    value: v,
                    unit: String::new(),
                });
            }
        }
    }
}

impl RuleSet {
    /// Every parameter, in rule-file order.
    pub fn parameters(&self) -> Vec<Parameter> {
        let s = &self.spec;
        let mut out = Vec::new();
        if let Some(p) = s.pass_score {
            out.push(Parameter {
                key: "pass_score".into(),
                label: "合格分数".into(),
                label_en: "Pass score".into(),
                value: p,
                unit: "分".into(),
            });
        }
        for c in &s.conditions {
            threshold_params("condition", c, &mut out);
        }
        for c in &s.direct {
            threshold_params("direct", c, &mut out);
        }
        for i in &s.indicators {
            let en = english(&i.label_en, &i.label);
            let prefix = format!("indicator.{}", i.id);
            band_params(&prefix, &i.label, en, &i.bands, &mut out);
            for (m, basis) in i.best_of.iter().enumerate() {
                let label = format!("{} · {}", i.label, basis.label);
                let en = format!("{en} · basis {}", m + 1);
                let prefix = format!("{prefix}.basis{}", m + 1);
                band_params(&prefix, &label, &en, &basis.bands, &mut out);
            }
        }
        for g in &s.groups {
            for (field, zh, en, v) in [
                ("min", "最低", "minimum", g.min),
                ("cap", "上限", "cap", g.cap),
            ] {
                if let Some(v) = v {
                    out.push(Parameter {
                        key: format!("group.{}.{field}", g.id),
                        label: format!("{} · {zh}", g.label),
                        label_en: format!("{} · {en}", g.label),
                        value: v,
                        unit: "分".into(),
                    });
                }
            }
        }
        out
    }

    /// The conditions and direct routes a scenario may drop: (key, label, English label).
    pub fn droppable(&self) -> Vec<(String, String, String)> {
        let s = &self.spec;
        let items = |kind: &str, list: &[ConditionSpec]| -> Vec<(String, String, String)> {
            list.iter()
                .map(|c| {
                    (
                        format!("{kind}.{}", c.id),
                        c.label.clone(),
                        english(&c.label_en, &c.label).to_string(),
                    )
                })
                .collect()
        };
        let mut out = items("condition", &s.conditions);
        out.extend(items("direct", &s.direct));
        out
    }
}

fn invalid(rule_set: &str, item: &str, message: impl Into<String>) -> RuleError {
    RuleError::Invalid {
        rule_set: rule_set.into(),
        item: item.into(),
        message: message.into(),
    }
}

/// A whole number as a TOML integer (as the shipped files write them), otherwise a float.
fn number(v: f64) -> toml::Value {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        toml::Value::Integer(v as i64)
    } else {
        toml::Value::Float(v)
    }
}

/// The element of the array `kind` (`condition`, `direct`, `indicator`, `group`) with this id.
fn by_id<'t>(table: &'t mut toml::Table, kind: &str, id: &str) -> Option<&'t mut toml::Table> {
    table
        .get_mut(kind)?
        .as_array_mut()?
        .iter_mut()
        .filter_map(toml::Value::as_table_mut)
        .find(|t| t.get("id").and_then(toml::Value::as_str) == Some(id))
}

/// `stepN` / `bandN` / `basisN` → N − 1.
fn ordinal(part: &str, word: &str) -> Option<usize> {
    part.strip_prefix(word)?
        .parse::<usize>()
        .ok()?
        .checked_sub(1)
}

fn nth<'t>(t: &'t mut toml::Table, field: &str, n: usize) -> Option<&'t mut toml::Table> {
    t.get_mut(field)?.as_array_mut()?.get_mut(n)?.as_table_mut()
}

/// Sets one parameter in the rule file's table; `None` if the key names nothing there.
fn set(table: &mut toml::Table, key: &str, v: f64) -> Option<()> {
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        ["pass_score"] => {
            table.get("pass_score")?;
            table.insert("pass_score".into(), number(v));
        }
        [kind @ ("condition" | "direct"), id, rest @ ..] => {
            let c = by_id(table, kind, id)?;
            match rest {
                [] if c.get("value")?.is_integer() || c.get("value")?.is_float() => {
                    c.insert("value".into(), number(v));
                }
                [step] => {
                    let n = ordinal(step, "step")?;
                    let value = c.get_mut("value")?.as_table_mut()?;
                    let s = nth(value, "steps", n)?;
                    s.insert("value".into(), number(v));
                }
                _ => return None,
            }
        }
        ["indicator", id, rest @ ..] => {
            let mut t = by_id(table, "indicator", id)?;
            let rest = match rest {
                [basis, rest @ ..] if basis.starts_with("basis") => {
                    t = nth(t, "best_of", ordinal(basis, "basis")?)?;
                    rest
                }
                rest => rest,
            };
            let [band, field] = rest else { return None };
            let b = nth(t, "bands", ordinal(band, "band")?)?;
            if !BAND_FIELDS.iter().any(|(f, _, _)| f == field) {
                return None;
            }
            // A bound may only be moved where the band has it: adding one changes its shape.
            if !b
                .get(*field)
                .is_some_and(|x| x.is_integer() || x.is_float())
            {
                return None;
            }
            b.insert((*field).to_string(), number(v));
        }
        ["group", id, field @ ("min" | "cap")] => {
            let g = by_id(table, "group", id)?;
            g.get(*field)?;
            g.insert((*field).to_string(), number(v));
        }
        _ => return None,
    }
    Some(())
}

/// The rule file `base` with `overrides` applied and its version set to `version`: the scenario's
/// rule file, checked. An unknown key, a value that is not finite or a drop of something the file
/// does not have is refused with the key.
pub fn apply(base: &str, overrides: &Overrides, version: &str) -> Result<String, RuleError> {
    let mut table: toml::Table =
        toml::from_str(base).map_err(|e| RuleError::Syntax(e.to_string()))?;
    let id = table
        .get("id")
        .and_then(toml::Value::as_str)
        .unwrap_or_default()
        .to_string();
    for (key, v) in &overrides.values {
        if !v.is_finite() {
            return Err(invalid(&id, key, "the value is not a finite number"));
        }
        set(&mut table, key, *v).ok_or_else(|| invalid(&id, key, "no such parameter"))?;
    }
    for key in &overrides.dropped {
        let (kind, item) = key
            .split_once('.')
            .filter(|(k, _)| matches!(*k, "condition" | "direct"))
            .ok_or_else(|| {
                invalid(
                    &id,
                    key,
                    "only a condition or a direct route can be dropped",
                )
            })?;
        let list = table
            .get_mut(kind)
            .and_then(toml::Value::as_array_mut)
            .ok_or_else(|| invalid(&id, key, "no such condition"))?;
        let before = list.len();
        list.retain(|c| c.get("id").and_then(toml::Value::as_str) != Some(item));
        if list.len() == before {
            return Err(invalid(&id, key, "no such condition"));
        }
    }
    table.insert("version".into(), toml::Value::String(version.into()));
    let text = toml::to_string(&table).map_err(|e| RuleError::Syntax(e.to_string()))?;
    RuleSet::from_toml(&text)?;
    Ok(text)
}

/// How `scenario` differs from `current`, parameter by parameter (in `current`'s order, then what
/// the scenario adds), with the conditions and direct routes it drops or adds.
pub fn diff(current: &RuleSet, scenario: &RuleSet) -> Vec<ParamChange> {
    let now = current.parameters();
    let then = scenario.parameters();
    let after: BTreeMap<&str, &Parameter> = then.iter().map(|p| (p.key.as_str(), p)).collect();
    let before: BTreeSet<&str> = now.iter().map(|p| p.key.as_str()).collect();
    let mut out = Vec::new();
    let change = |p: &Parameter, from, to| ParamChange {
        key: p.key.clone(),
        label: p.label.clone(),
        label_en: p.label_en.clone(),
        from,
        to,
    };
    for p in &now {
        match after.get(p.key.as_str()) {
            Some(q) if q.value == p.value => {}
            Some(q) => out.push(change(p, Some(p.value), Some(q.value))),
            None => out.push(change(p, Some(p.value), None)),
        }
    }
    for q in &then {
        if !before.contains(q.key.as_str()) {
            out.push(change(q, None, Some(q.value)));
        }
    }
    // Dropped or added routes without a fixed threshold are not parameters: name them too.
    let keys = |r: &RuleSet| -> BTreeMap<String, (String, String)> {
        r.droppable()
            .into_iter()
            .map(|(k, zh, en)| (k, (zh, en)))
            .collect()
    };
    let (was, is) = (keys(current), keys(scenario));
    let listed: BTreeSet<String> = out.iter().map(|c| c.key.clone()).collect();
    for (k, (zh, en)) in was.iter().filter(|(k, _)| !is.contains_key(*k)) {
        if !listed
            .iter()
            .any(|l| l == k || l.starts_with(&format!("{k}.")))
        {
            out.push(ParamChange {
                key: k.clone(),
                label: zh.clone(),
                label_en: en.clone(),
                from: None,
                to: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SHIPPED;

    fn text(id: &str) -> &'static str {
        SHIPPED
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, t)| *t)
            .expect("shipped")
    }

    #[test]
    fn every_shipped_parameter_reads_back_and_moves_alone() {
        for (id, t) in SHIPPED {
            let base = RuleSet::from_toml(t).expect("shipped");
            let params = base.parameters();
            assert!(!params.is_empty(), "{id}");
            let keys: BTreeSet<&str> = params.iter().map(|p| p.key.as_str()).collect();
            assert_eq!(keys.len(), params.len(), "{id}: keys are unique");
            for p in &params {
                let o = Overrides {
                    values: [(p.key.clone(), p.value + 1.5)].into(),
                    dropped: BTreeSet::new(),
                };
                let moved = apply(t, &o, "x").unwrap_or_else(|e| panic!("{id} {}: {e}", p.key));
                let moved = RuleSet::from_toml(&moved).expect("checked");
                let changes = diff(&base, &moved);
                assert_eq!(changes.len(), 1, "{id} {}: {changes:?}", p.key);
                assert_eq!(changes[0].key, p.key);
                assert_eq!(changes[0].from, Some(p.value));
                assert_eq!(changes[0].to, Some(p.value + 1.5));
            }
        }
    }

    #[test]
    fn no_change_is_no_change() {
        let t = text("tech_sme");
        let base = RuleSet::from_toml(t).expect("shipped");
        let same = apply(t, &Overrides::default(), "2022-copy").expect("applies");
        let same = RuleSet::from_toml(&same).expect("checked");
        assert_eq!(same.spec.version, "2022-copy");
        assert!(diff(&base, &same).is_empty());
        assert_eq!(base.parameters(), same.parameters());
    }

    #[test]
    fn the_rd_band_and_the_credit_years_are_parameters() {
        let tech = RuleSet::from_toml(text("tech_sme")).expect("shipped");
        let rd = tech
            .parameters()
            .into_iter()
            .find(|p| p.key == "indicator.rd.basis1.band5.min")
            .expect("the 科小 R&D ratio's lowest band");
        assert_eq!(rd.value, 2.0);
        let credit = RuleSet::from_toml(text("rd_credit")).expect("shipped");
        assert_eq!(
            credit.parameters()[0].key,
            "condition.rd_growth_streak",
            "the number of years"
        );
    }

    #[test]
    fn unknown_keys_bad_values_and_foreign_drops_are_refused() {
        let t = text("tech_sme");
        for key in [
            "nope",
            "condition.nope",
            "indicator.rd.basis9.band1.min",
            "indicator.rd.basis1.band1.max",
            "indicator.rd.basis1.band1.colour",
            "condition.employees.step1",
            "group.nope.min",
            "pass_score.x",
        ] {
            let o = Overrides {
                values: [(key.to_string(), 1.0)].into(),
                dropped: BTreeSet::new(),
            };
            let e = apply(t, &o, "x").expect_err(key).to_string();
            assert!(e.contains(key), "{e}");
        }
        let nan = Overrides {
            values: [("pass_score".to_string(), f64::NAN)].into(),
            dropped: BTreeSet::new(),
        };
        assert!(apply(t, &nan, "x").is_err());
        for key in ["condition.nope", "indicator.rd", "pass_score"] {
            let o = Overrides {
                values: BTreeMap::new(),
                dropped: [key.to_string()].into(),
            };
            assert!(apply(t, &o, "x").is_err(), "{key}");
        }
    }

    #[test]
    fn a_dropped_condition_is_a_change() {
        let t = text("tech_sme");
        let base = RuleSet::from_toml(t).expect("shipped");
        let o = Overrides {
            values: BTreeMap::new(),
            dropped: ["condition.revenue".to_string(), "direct.hnte".to_string()].into(),
        };
        let s = RuleSet::from_toml(&apply(t, &o, "x").expect("applies")).expect("checked");
        assert_eq!(s.spec.conditions.len(), base.spec.conditions.len() - 1);
        let keys: Vec<String> = diff(&base, &s).into_iter().map(|c| c.key).collect();
        assert_eq!(keys, ["condition.revenue", "direct.hnte"]);
    }
}
