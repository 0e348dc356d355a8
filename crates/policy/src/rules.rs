//! Rule sets as data: the file format and its checked form.
//!
//! A rule set is a TOML file: identity and version with an effective date; `[[condition]]`s that must
//! all hold; optionally `[[indicator]]`s scored by bands and a pass score; optionally `[[direct]]`
//! routes, any one of which qualifies when the conditions hold. Expressions use the language of
//! [`crate::expr`]. See `docs/policy-rules.md`.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::expr::{Expr, ParseError};

/// A comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Op {
    /// ≥
    #[serde(rename = ">=")]
    Ge,
    /// >
    #[serde(rename = ">")]
    Gt,
    /// ≤
    #[serde(rename = "<=")]
    Le,
    /// <
    #[serde(rename = "<")]
    Lt,
}

/// Quantities are ratios of decimal inputs (300 / 10,000 × 100 is not exactly 3 in binary), so a value
/// within this relative distance of a bound counts as on it.
pub const TOLERANCE: f64 = 1e-9;

fn slack(bound: f64) -> f64 {
    TOLERANCE * bound.abs().max(1.0)
}

impl Op {
    /// Whether `value op threshold` holds (with [`TOLERANCE`] at the boundary).
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        let e = slack(threshold);
        match self {
            Op::Ge => value >= threshold - e,
            Op::Gt => value > threshold + e,
            Op::Le => value <= threshold + e,
            Op::Lt => value < threshold - e,
        }
    }

    /// The symbol.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Ge => "≥",
            Op::Gt => ">",
            Op::Le => "≤",
            Op::Lt => "<",
        }
    }
}

/// A threshold that may depend on another quantity (e.g. the 高企 R&D ratio by sales).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum ThresholdSpec {
    /// A fixed value.
    Fixed(f64),
    /// The first step whose `up_to` (inclusive) is not below the `by` expression's value.
    Stepped {
        /// The expression that selects the step.
        by: String,
        /// Steps, ascending; the last has no `up_to`.
        steps: Vec<Step>,
    },
}

/// One step of a stepped threshold.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Upper bound of the selecting value, inclusive; absent for the last step.
    pub up_to: Option<f64>,
    /// The threshold in this step.
    pub value: f64,
}

/// One band: the value must be ≥ `min`, > `gt`, ≤ `max` and < `lt` (those given); the first matching
/// band, in file order, scores.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Inclusive lower bound.
    pub min: Option<f64>,
    /// Exclusive lower bound.
    pub gt: Option<f64>,
    /// Inclusive upper bound.
    pub max: Option<f64>,
    /// Exclusive upper bound.
    pub lt: Option<f64>,
    /// Points: one number, or `[low, high]` where the official text gives a range (the midpoint ranks).
    pub points: Points,
}

/// Points of a band.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum Points {
    /// Exactly these points.
    Exact(f64),
    /// A range the official text leaves to the assessor.
    Range([f64; 2]),
}

impl Points {
    /// (low, high).
    pub fn bounds(self) -> (f64, f64) {
        match self {
            Points::Exact(p) => (p, p),
            Points::Range([a, b]) => (a, b),
        }
    }
}

impl Band {
    /// Whether a value falls in this band.
    pub fn admits(&self, v: f64) -> bool {
        self.min.is_none_or(|m| Op::Ge.holds(v, m))
            && self.gt.is_none_or(|g| Op::Gt.holds(v, g))
            && self.max.is_none_or(|m| Op::Le.holds(v, m))
            && self.lt.is_none_or(|l| Op::Lt.holds(v, l))
    }

    /// Whether the band is bounded at all (an unbounded band is the catch-all).
    pub fn bounded(&self) -> bool {
        self.min.is_some() || self.gt.is_some() || self.max.is_some() || self.lt.is_some()
    }
}

/// An eligibility condition or a direct route as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConditionSpec {
    /// Stable id.
    pub id: String,
    /// What it says (Chinese, as in the official text).
    pub label: String,
    /// English.
    #[serde(default)]
    pub label_en: String,
    /// Where in the official text.
    #[serde(default)]
    pub clause: String,
    /// The quantity.
    pub expr: String,
    /// The comparison.
    pub op: Op,
    /// The threshold.
    pub value: ThresholdSpec,
    /// The survey field to change to meet it (for gaps), when one field moves the quantity.
    #[serde(default)]
    pub lever: Option<String>,
    /// Unit for messages.
    #[serde(default)]
    pub unit: String,
}

/// A scored indicator as written: one expression with bands, or several (`best_of`) where the
/// enterprise picks the better basis.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    /// Stable id.
    pub id: String,
    /// Label.
    pub label: String,
    /// English.
    #[serde(default)]
    pub label_en: String,
    /// Clause.
    #[serde(default)]
    pub clause: String,
    /// Most points.
    pub max: f64,
    /// The quantity (with `bands`), unless `best_of` or `expert`.
    #[serde(default)]
    pub expr: Option<String>,
    /// Bands for `expr`.
    #[serde(default)]
    pub bands: Vec<Band>,
    /// Alternative bases; the best scores.
    #[serde(default)]
    pub best_of: Vec<Basis>,
    /// Judged by experts: the value comes from the analyst, otherwise it is reported as open.
    #[serde(default)]
    pub expert: bool,
    /// The evaluation fails if this indicator scores 0 (e.g. 科技人员 for 科小).
    #[serde(default)]
    pub must_score: bool,
    /// Lever for gaps.
    #[serde(default)]
    pub lever: Option<String>,
    /// Unit for messages.
    #[serde(default)]
    pub unit: String,
}

/// One basis of a `best_of` indicator.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Basis {
    /// Label of the basis.
    #[serde(default)]
    pub label: String,
    /// The quantity.
    pub expr: String,
    /// Bands.
    pub bands: Vec<Band>,
    /// Lever for gaps.
    #[serde(default)]
    pub lever: Option<String>,
}

/// A rule set file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSetSpec {
    /// Stable id, e.g. `tech_sme`.
    pub id: String,
    /// Version, e.g. `2022`.
    pub version: String,
    /// Name (Chinese).
    pub name: String,
    /// English name.
    #[serde(default)]
    pub name_en: String,
    /// The official texts.
    #[serde(default)]
    pub source: String,
    /// First day this version applies.
    pub effective_from: NaiveDate,
    /// Score needed (with `pass_strict`, strictly more than this).
    #[serde(default)]
    pub pass_score: Option<f64>,
    /// Score must exceed `pass_score` rather than reach it.
    #[serde(default)]
    pub pass_strict: bool,
    /// Notes for readers (UNCONFIRMED figures and the like).
    #[serde(default)]
    pub notes: Vec<String>,
    /// Conditions that must all hold.
    #[serde(default, rename = "condition")]
    pub conditions: Vec<ConditionSpec>,
    /// Scored indicators.
    #[serde(default, rename = "indicator")]
    pub indicators: Vec<IndicatorSpec>,
    /// Direct routes.
    #[serde(default, rename = "direct")]
    pub direct: Vec<ConditionSpec>,
    /// Groups of indicators with a minimum and/or a cap on their total.
    #[serde(default, rename = "group")]
    pub groups: Vec<GroupSpec>,
}

/// A group of indicators whose total has a minimum (e.g. 创新能力 ≥ 20) or a cap (高企 IP ≤ 30).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupSpec {
    /// Stable id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Indicator ids.
    pub indicators: Vec<String>,
    /// The group's total must reach this.
    #[serde(default)]
    pub min: Option<f64>,
    /// The group's total counts at most this.
    #[serde(default)]
    pub cap: Option<f64>,
}

/// A rule set with its expressions parsed.
#[derive(Debug, Clone)]
pub struct RuleSet {
    /// The file.
    pub spec: RuleSetSpec,
    pub(crate) conditions: Vec<Compiled>,
    pub(crate) direct: Vec<Compiled>,
    pub(crate) indicators: Vec<Vec<(Expr, Option<kechuang_domain::Num>)>>,
}

/// A condition's parsed parts.
#[derive(Debug, Clone)]
pub(crate) struct Compiled {
    pub expr: Expr,
    pub by: Option<Expr>,
    pub lever: Option<kechuang_domain::Num>,
}

/// Why a rule file was refused.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// Not valid TOML or not the format.
    #[error("rule set: {0}")]
    Syntax(String),
    /// An expression does not parse.
    #[error("rule set '{rule_set}', {item}: {error}")]
    Expr {
        /// The rule set.
        rule_set: String,
        /// The condition or indicator.
        item: String,
        /// The parse error.
        error: ParseError,
    },
    /// Something else is inconsistent.
    #[error("rule set '{rule_set}', {item}: {message}")]
    Invalid {
        /// The rule set.
        rule_set: String,
        /// The item.
        item: String,
        /// What.
        message: String,
    },
}

impl RuleSet {
    /// Parses and checks a rule file.
    pub fn from_toml(text: &str) -> Result<RuleSet, RuleError> {
        let spec: RuleSetSpec =
            toml::from_str(text).map_err(|e| RuleError::Syntax(e.to_string()))?;
        let id = spec.id.clone();
        let expr = |item: &str, text: &str| {
            Expr::parse(text).map_err(|error| RuleError::Expr {
                rule_set: id.clone(),
                item: item.into(),
                error,
            })
        };
        let lever =
            |item: &str, l: &Option<String>| -> Result<Option<kechuang_domain::Num>, RuleError> {
                l.as_deref()
                    .map(|l| {
                        kechuang_domain::Num::from_key(l).ok_or_else(|| RuleError::Invalid {
                            rule_set: id.clone(),
                            item: item.into(),
                            message: format!("lever '{l}' is not a numeric survey field"),
                        })
                    })
                    .transpose()
            };
        let compile = |c: &ConditionSpec| -> Result<Compiled, RuleError> {
            let by = match &c.value {
                ThresholdSpec::Fixed(_) => None,
                ThresholdSpec::Stepped { by, steps } => {
                    if steps.last().is_none_or(|s| s.up_to.is_some()) {
                        return Err(RuleError::Invalid {
                            rule_set: id.clone(),
                            item: c.id.clone(),
                            message: "the last step must have no up_to".into(),
                        });
                    }
                    Some(expr(&c.id, by)?)
                }
            };
            Ok(Compiled {
                expr: expr(&c.id, &c.expr)?,
                by,
                lever: lever(&c.id, &c.lever)?,
            })
        };
        let conditions = spec
            .conditions
            .iter()
            .map(compile)
            .collect::<Result<_, _>>()?;
        let direct = spec.direct.iter().map(compile).collect::<Result<_, _>>()?;
        let mut indicators = Vec::new();
        for i in &spec.indicators {
            let bases: Vec<(Expr, Option<kechuang_domain::Num>)> = if i.expert {
                Vec::new()
            } else if !i.best_of.is_empty() {
                i.best_of
                    .iter()
                    .map(|b| Ok((expr(&i.id, &b.expr)?, lever(&i.id, &b.lever)?)))
                    .collect::<Result<_, RuleError>>()?
            } else {
                let e = i.expr.as_deref().ok_or_else(|| RuleError::Invalid {
                    rule_set: id.clone(),
                    item: i.id.clone(),
                    message: "needs expr and bands, best_of, or expert = true".into(),
                })?;
                if i.bands.is_empty() {
                    return Err(RuleError::Invalid {
                        rule_set: id.clone(),
                        item: i.id.clone(),
                        message: "has no bands".into(),
                    });
                }
                vec![(expr(&i.id, e)?, lever(&i.id, &i.lever)?)]
            };
            indicators.push(bases);
        }
        for g in &spec.groups {
            if let Some(unknown) = g
                .indicators
                .iter()
                .find(|i| !spec.indicators.iter().any(|s| &s.id == *i))
            {
                return Err(RuleError::Invalid {
                    rule_set: id,
                    item: g.id.clone(),
                    message: format!("no indicator '{unknown}'"),
                });
            }
        }
        if !spec.indicators.is_empty() && spec.pass_score.is_none() {
            return Err(RuleError::Invalid {
                rule_set: id,
                item: "pass_score".into(),
                message: "scored indicators need a pass_score".into(),
            });
        }
        Ok(RuleSet {
            spec,
            conditions,
            direct,
            indicators,
        })
    }
}
