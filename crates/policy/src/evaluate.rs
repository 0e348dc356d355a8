//! Evaluating an enterprise-year against a rule set: the outcome, every criterion with its value,
//! threshold, points and clause, and the smallest changes that would make it qualify.

use std::collections::{BTreeSet, HashMap};

use kechuang_domain::{Kind, Num, SurveyRecord};
use serde::Serialize;

use crate::expr::{Expr, History, eval};
use crate::rules::{Band, ConditionSpec, RuleSet, ThresholdSpec};

/// The verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Meets the scheme.
    Qualifies,
    /// Fails a condition or the score.
    DoesNotQualify,
    /// Data needed for the decision is missing (never treated as zero).
    InsufficientData,
    /// The decision turns on expert-judged items the analyst has not supplied.
    NeedsExpert,
}

impl Outcome {
    /// Chinese label.
    pub fn zh(self) -> &'static str {
        ["符合", "不符合", "数据不足", "待专家评审"][self as usize]
    }

    /// English label.
    pub fn en(self) -> &'static str {
        [
            "qualifies",
            "does not qualify",
            "insufficient data",
            "awaiting expert review",
        ][self as usize]
    }
}

/// What kind of criterion a result is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CriterionKind {
    /// An eligibility condition.
    Condition,
    /// A direct-qualification route.
    Direct,
    /// A scored indicator.
    Indicator,
    /// A group of indicators with a minimum or a cap.
    Group,
}

/// One criterion's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criterion<'a> {
    /// Condition, direct route or indicator.
    pub kind: CriterionKind,
    /// Id from the rule file.
    pub id: &'a str,
    /// Label (Chinese).
    pub label: &'a str,
    /// Clause of the official text.
    pub clause: &'a str,
    /// The quantity's value.
    pub value: Option<f64>,
    /// The comparison (`≥`, `≤`, …) with `threshold`.
    pub op: Option<&'static str>,
    /// The threshold, for conditions, routes and groups with a minimum.
    pub threshold: Option<f64>,
    /// Whether a condition or route holds (`None` when data is missing).
    pub passed: Option<bool>,
    /// Points (low, high) for indicators.
    pub points: Option<(f64, f64)>,
    /// Most points.
    pub max: Option<f64>,
    /// Missing inputs.
    pub missing: Vec<String>,
    /// Extra explanation (an open expert item, a failed must-score indicator).
    pub note: &'static str,
    /// The basis chosen, for indicators scored on the better of several.
    pub basis: Option<&'a str>,
}

/// One change that moves the enterprise toward qualifying.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// The criterion it addresses.
    pub criterion: String,
    /// The survey field to change.
    pub field: String,
    /// Its current value.
    pub current: f64,
    /// The value needed.
    pub needed: f64,
    /// Points gained (indicators).
    pub points: Option<f64>,
    /// For people: e.g. "研发费用 +120 万元 (500 → 620)".
    pub message: String,
}

/// A complete evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation<'a> {
    /// Rule set id.
    pub scheme: &'a str,
    /// Rule set version.
    pub version: &'a str,
    /// Enterprise.
    pub credit_code: String,
    /// Year evaluated.
    pub year: i32,
    /// The verdict.
    pub outcome: Outcome,
    /// Total score (low, high), for scored schemes with the data to score.
    pub score: Option<(f64, f64)>,
    /// Every criterion.
    pub criteria: Vec<Criterion<'a>>,
    /// Changes that would make it qualify (when asked for and it does not).
    pub gaps: Vec<Gap>,
    /// Every missing input.
    pub missing: Vec<String>,
}

impl Evaluation<'_> {
    /// A score for ranking: the middle of the range.
    pub fn score_mid(&self) -> Option<f64> {
        self.score.map(|(a, b)| (a + b) / 2.0)
    }

    /// Near miss: does not qualify, and at most two changes would fix that.
    pub fn near_miss(&self) -> bool {
        self.outcome == Outcome::DoesNotQualify && !self.gaps.is_empty() && self.gaps.len() <= 2
    }
}

fn threshold(
    c: &ConditionSpec,
    by: Option<&Expr>,
    h: &History<'_>,
    missing: &mut BTreeSet<String>,
) -> Option<f64> {
    match &c.value {
        ThresholdSpec::Fixed(v) => Some(*v),
        ThresholdSpec::Stepped { steps, .. } => {
            let x = eval(by?, h, missing)?;
            steps
                .iter()
                .find(|s| s.up_to.is_none_or(|u| x <= u))
                .map(|s| s.value)
        }
    }
}

fn band_points(bands: &[Band], v: f64) -> (f64, f64) {
    bands
        .iter()
        .find(|b| b.admits(v))
        .map_or((0.0, 0.0), |b| b.points.bounds())
}

fn mid((a, b): (f64, f64)) -> f64 {
    (a + b) / 2.0
}

/// Checks analysts' points before an evaluation: every id must be an indicator of the scheme
/// that experts judge or whose bands give a range of points, and the points within 0 and the
/// indicator's most. Nothing supplied is ignored silently.
pub fn check_expert_points(rules: &RuleSet, expert: &HashMap<String, f64>) -> Result<(), String> {
    for (id, &points) in expert {
        let Some(i) = rules.spec.indicators.iter().find(|i| &i.id == id) else {
            let takes: Vec<&str> = rules
                .spec
                .indicators
                .iter()
                .filter(|i| i.expert || has_ranged_band(i))
                .map(|i| i.id.as_str())
                .collect();
            return Err(format!(
                "'{id}' is not an indicator of {}; it takes points for: {}",
                rules.spec.id,
                if takes.is_empty() {
                    "none".to_string()
                } else {
                    takes.join(", ")
                }
            ));
        };
        if !(i.expert || has_ranged_band(i)) {
            return Err(format!(
                "'{id}' is scored from the survey data with fixed points; it takes no analyst's points"
            ));
        }
        if !(0.0..=i.max).contains(&points) {
            return Err(format!("'{id}' takes 0 to {} points, not {points}", i.max));
        }
    }
    Ok(())
}

fn has_ranged_band(i: &crate::rules::IndicatorSpec) -> bool {
    i.bands
        .iter()
        .chain(i.best_of.iter().flat_map(|b| &b.bands))
        .any(|b| {
            let (lo, hi) = b.points.bounds();
            lo < hi
        })
}

/// Evaluates one enterprise-year. `expert` supplies analysts' points for expert-judged indicators by
/// id. With `with_gaps`, the smallest changes that would make it qualify are computed.
pub fn evaluate<'a>(
    rules: &'a RuleSet,
    h: &History<'_>,
    expert: &HashMap<String, f64>,
    with_gaps: bool,
) -> Evaluation<'a> {
    let spec = &rules.spec;
    let mut all_missing = BTreeSet::new();
    let mut criteria = Vec::new();
    let check = |c: &'a ConditionSpec,
                 comp: &crate::rules::Compiled,
                 kind: CriterionKind,
                 all_missing: &mut BTreeSet<String>| {
        let mut missing = BTreeSet::new();
        let value = eval(&comp.expr, h, &mut missing);
        let t = threshold(c, comp.by.as_ref(), h, &mut missing);
        // A value with missing inputs is a lower bound (a streak cut short by an unknown year):
        // enough to pass an "at least", never enough to fail one.
        let at_least = matches!(c.op, crate::rules::Op::Ge | crate::rules::Op::Gt);
        let passed = match (value, t) {
            (Some(v), Some(t)) if missing.is_empty() => Some(c.op.holds(v, t)),
            (Some(v), Some(t)) if at_least && c.op.holds(v, t) => {
                missing.clear();
                Some(true)
            }
            _ => None,
        };
        if kind == CriterionKind::Condition {
            all_missing.extend(missing.iter().cloned());
        }
        Criterion {
            kind,
            id: &c.id,
            label: &c.label,
            clause: &c.clause,
            value,
            op: Some(c.op.symbol()),
            threshold: t,
            passed,
            points: None,
            max: None,
            missing: missing.into_iter().collect(),
            note: "",
            basis: None,
        }
    };
    for (c, comp) in spec.conditions.iter().zip(&rules.conditions) {
        criteria.push(check(c, comp, CriterionKind::Condition, &mut all_missing));
    }
    let mut direct_hit = false;
    for (c, comp) in spec.direct.iter().zip(&rules.direct) {
        let r = check(c, comp, CriterionKind::Direct, &mut all_missing);
        direct_hit |= r.passed == Some(true);
        criteria.push(r);
    }
    // Indicators: data-derived points use the midpoint of a range; open expert items keep their range.
    let (mut low, mut high) = (0.0, 0.0);
    let mut score_missing = false;
    let mut must_score_failed = false;
    for (i, bases) in spec.indicators.iter().zip(&rules.indicators) {
        let mut missing = BTreeSet::new();
        let mut c = Criterion {
            kind: CriterionKind::Indicator,
            id: &i.id,
            label: &i.label,
            clause: &i.clause,
            value: None,
            op: None,
            threshold: None,
            passed: None,
            points: None,
            max: Some(i.max),
            missing: Vec::new(),
            note: "",
            basis: None,
        };
        if i.expert {
            match expert.get(&i.id) {
                Some(&p) => {
                    let p = p.clamp(0.0, i.max);
                    c.points = Some((p, p));
                    c.note = "专家评分 (analyst input)";
                    low += p;
                    high += p;
                }
                None => {
                    c.points = Some((0.0, i.max));
                    c.note = "专家评审项, 未录入 (expert-judged, not supplied)";
                    high += i.max;
                }
            }
        } else {
            let mut best: Option<(f64, (f64, f64), usize)> = None;
            for (k, (e, _)) in bases.iter().enumerate() {
                if let Some(v) = eval(e, h, &mut missing) {
                    let bands = if i.best_of.is_empty() {
                        &i.bands
                    } else {
                        &i.best_of[k].bands
                    };
                    let p = band_points(bands, v);
                    if best.is_none_or(|b| mid(p) > mid(b.1)) {
                        best = Some((v, p, k));
                    }
                }
            }
            match best {
                Some((v, p, k)) => {
                    c.value = Some(v);
                    // A band that gives a range of points (e.g. 5–6) leaves the exact points
                    // to the experts: an analyst may fix them within the band.
                    let p = match expert.get(&i.id) {
                        Some(&x) if p.0 < p.1 && (p.0..=p.1).contains(&x) => {
                            c.note = "专家评分 (analyst input)";
                            (x, x)
                        }
                        Some(_) if p.0 < p.1 => {
                            c.note = "分析员评分超出该档范围, 未采用 (analyst's points outside this band: not used)";
                            p
                        }
                        _ => p,
                    };
                    c.points = Some(p);
                    if !i.best_of.is_empty() {
                        c.basis = Some(&i.best_of[k].label);
                    }
                    low += p.0;
                    high += p.1;
                    if i.must_score && p.1 == 0.0 {
                        must_score_failed = true;
                        c.note = "此项得分为0, 不符合 (must score)";
                    }
                    // With best_of, one usable basis is enough.
                    if !i.best_of.is_empty() {
                        missing.clear();
                    }
                }
                None => score_missing = true,
            }
        }
        all_missing.extend(missing.iter().cloned());
        c.missing = missing.into_iter().collect();
        criteria.push(c);
    }
    // Groups: a cap lowers the total; a minimum not reached fails the evaluation.
    let mut group_failed = false;
    for g in &spec.groups {
        let members: Vec<&Criterion<'_>> = criteria
            .iter()
            .filter(|c| {
                c.kind == CriterionKind::Indicator && g.indicators.iter().any(|i| i == c.id)
            })
            .collect();
        if members.iter().any(|c| c.points.is_none()) {
            continue;
        }
        // Every item counts with its range (open expert items and bands of several points).
        let lo: f64 = members.iter().map(|c| c.points.map_or(0.0, |p| p.0)).sum();
        let hi: f64 = members.iter().map(|c| c.points.map_or(0.0, |p| p.1)).sum();
        if let Some(cap) = g.cap {
            low -= (lo - cap).max(0.0);
            high -= (hi - cap).max(0.0);
        }
        if let Some(min) = g.min
            && hi < min
        {
            group_failed = true;
        }
        criteria.push(Criterion {
            kind: CriterionKind::Group,
            id: &g.id,
            label: &g.label,
            clause: "",
            value: None,
            op: g.min.map(|_| "≥"),
            threshold: g.min,
            passed: g.min.map(|m| hi >= m),
            points: Some((
                lo.min(g.cap.unwrap_or(f64::INFINITY)),
                hi.min(g.cap.unwrap_or(f64::INFINITY)),
            )),
            max: g.cap,
            missing: Vec::new(),
            note: "",
            basis: None,
        });
    }
    let scored = !spec.indicators.is_empty();
    let conditions: Vec<&Criterion<'_>> = criteria
        .iter()
        .filter(|c| c.kind == CriterionKind::Condition)
        .collect();
    let failed = conditions.iter().any(|c| c.passed == Some(false));
    let cond_missing = conditions.iter().any(|c| c.passed.is_none());
    let pass = |s: f64| {
        spec.pass_score
            .is_some_and(|p| if spec.pass_strict { s > p } else { s >= p })
    };
    let outcome = if failed {
        Outcome::DoesNotQualify
    } else if cond_missing {
        Outcome::InsufficientData
    } else if direct_hit {
        Outcome::Qualifies
    } else if scored {
        if must_score_failed || group_failed {
            Outcome::DoesNotQualify
        } else if score_missing {
            Outcome::InsufficientData
        } else if pass(low) {
            Outcome::Qualifies
        } else if !pass(high) {
            Outcome::DoesNotQualify
        } else {
            // The total's range straddles the pass mark: it depends on points the experts give
            // (open expert items, or where a band's range of points lands).
            Outcome::NeedsExpert
        }
    } else if !spec.direct.is_empty() && spec.conditions.is_empty() {
        // Only direct routes: qualifies through one of them or not at all.
        if criteria
            .iter()
            .any(|c| c.kind == CriterionKind::Direct && c.passed.is_none())
        {
            Outcome::InsufficientData
        } else {
            Outcome::DoesNotQualify
        }
    } else {
        Outcome::Qualifies
    };
    let score = (scored && !score_missing).then_some((low, high));
    let mut ev = Evaluation {
        scheme: &spec.id,
        version: &spec.version,
        credit_code: h.current.credit_code.to_string(),
        year: h.current.year,
        outcome,
        score,
        criteria,
        gaps: Vec::new(),
        missing: all_missing.into_iter().collect(),
    };
    if with_gaps && outcome == Outcome::DoesNotQualify {
        ev.gaps = gaps(rules, h, &ev, high);
    }
    ev
}

/// Each basis of an indicator that a survey field moves: its expression, the field and the
/// bands it is scored on.
fn levered_bases<'r>(
    i: &'r crate::rules::IndicatorSpec,
    bases: &'r [(Expr, Option<Num>)],
) -> impl Iterator<Item = (&'r Expr, Num, &'r [Band])> {
    bases.iter().enumerate().filter_map(move |(k, (e, lever))| {
        let bands = if i.best_of.is_empty() {
            &i.bands
        } else {
            &i.best_of[k].bands
        };
        lever.map(|l| (e, l, bands.as_slice()))
    })
}

/// The value the lever field must take so that `holds(expr)`; searched outward from the current
/// value (the quantity is assumed monotone in the lever, as every rule's is).
fn solve(h: &History<'_>, lever: Num, holds: &dyn Fn(&History<'_>) -> bool) -> Option<(f64, f64)> {
    let current = h.current.get(lever)?;
    let mut record: SurveyRecord = h.current.clone();
    let mut at = |x: f64| {
        record.set(lever, Some(x));
        let trial = History {
            current: &record,
            earlier: h.earlier,
        };
        holds(&trial)
    };
    // Find a bound that holds, upward first, then downward to zero.
    let mut step = current.abs().max(1.0);
    let mut found = None;
    for _ in 0..60 {
        let x = current + step;
        if at(x) {
            found = Some((current, x));
            break;
        }
        step *= 2.0;
    }
    if found.is_none() && at(0.0) {
        found = Some((current, 0.0));
    }
    let (mut bad, mut good) = found?;
    for _ in 0..80 {
        let m = (bad + good) / 2.0;
        if at(m) { good = m } else { bad = m }
    }
    let whole = matches!(lever.spec().kind, Kind::Count | Kind::Level { .. });
    let needed = if whole {
        if good > current {
            good.ceil()
        } else {
            good.floor()
        }
    } else {
        (good * 100.0).ceil() / 100.0
    };
    let needed = if at(needed) { needed } else { good };
    Some((current, needed))
}

impl Gap {
    /// [`Gap::message`] in English: the survey field's English name, the change and the values.
    pub fn message_en(&self) -> String {
        let (name, unit) = Num::from_key(&self.field).map_or((self.field.as_str(), ""), |n| {
            (n.spec().en, kechuang_domain::unit_en(n.spec().unit))
        });
        let delta = self.needed - self.current;
        format!(
            "{name} {}{} {unit} ({} → {})",
            if delta >= 0.0 { "+" } else { "" },
            shown(delta),
            shown(self.current),
            shown(self.needed)
        )
    }
}

/// A figure of a gap: whole numbers without decimals, others to two.
fn shown(v: f64) -> String {
    if v.fract() == 0.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

fn describe(lever: Num, current: f64, needed: f64) -> String {
    let spec = lever.spec();
    let delta = needed - current;
    format!(
        "{} {}{} {} ({} → {})",
        spec.zh,
        if delta >= 0.0 { "+" } else { "" },
        shown(delta),
        spec.unit,
        shown(current),
        shown(needed)
    )
}

/// Changes for the failed conditions, then, when even the best case of the score (open expert items
/// at their maximum) fails, the largest-gain band changes that cover the shortfall. Empty when some
/// failure has no data change that fixes it.
fn gaps(rules: &RuleSet, h: &History<'_>, ev: &Evaluation<'_>, score_best: f64) -> Vec<Gap> {
    let spec = &rules.spec;
    let mut out = Vec::new();
    for ((c, comp), result) in spec
        .conditions
        .iter()
        .zip(&rules.conditions)
        .zip(&ev.criteria)
    {
        if result.passed != Some(false) {
            continue;
        }
        let Some(lever) = comp.lever else {
            return Vec::new();
        };
        let holds = |t: &History<'_>| {
            let mut m = BTreeSet::new();
            match (
                eval(&comp.expr, t, &mut m),
                threshold(c, comp.by.as_ref(), t, &mut m),
            ) {
                (Some(v), Some(th)) => c.op.holds(v, th),
                _ => false,
            }
        };
        let Some((current, needed)) = solve(h, lever, &holds) else {
            return Vec::new();
        };
        out.push(Gap {
            criterion: c.id.clone(),
            field: lever.spec().key.into(),
            current,
            needed,
            points: None,
            message: describe(lever, current, needed),
        });
    }
    // A must-score indicator at zero fails the scheme whatever the total: the change that gives
    // it its first points (e.g. one more technology staff member).
    for ((i, bases), result) in spec.indicators.iter().zip(&rules.indicators).zip(
        ev.criteria
            .iter()
            .filter(|c| c.kind == CriterionKind::Indicator),
    ) {
        if !i.must_score || result.points.is_none_or(|p| p.1 > 0.0) {
            continue;
        }
        for (e, lever, bands) in levered_bases(i, bases) {
            let Some(first) = bands
                .iter()
                .rev()
                .find(|b| b.points.bounds().1 > 0.0 && b.bounded())
            else {
                continue;
            };
            let holds = |t: &History<'_>| {
                let mut m = BTreeSet::new();
                eval(e, t, &mut m).is_some_and(|v| first.admits(v))
            };
            if let Some((current, needed)) = solve(h, lever, &holds) {
                out.push(Gap {
                    criterion: i.id.clone(),
                    field: lever.spec().key.into(),
                    current,
                    needed,
                    points: Some(first.points.bounds().0),
                    message: describe(lever, current, needed),
                });
                break;
            }
        }
    }
    let Some(pass_score) = spec.pass_score else {
        return out;
    };
    let needed_points = if spec.pass_strict {
        pass_score - score_best + 1e-9
    } else {
        pass_score - score_best
    };
    if needed_points <= 0.0 || spec.indicators.is_empty() {
        return out;
    }
    // Candidate improvements: the next band of each indicator basis that has a lever.
    let mut candidates: Vec<Gap> = Vec::new();
    for ((i, bases), result) in spec.indicators.iter().zip(&rules.indicators).zip(
        ev.criteria
            .iter()
            .filter(|c| c.kind == CriterionKind::Indicator),
    ) {
        let now = result.points.map_or(0.0, mid);
        for (e, lever, bands) in levered_bases(i, bases) {
            // The cheapest band that adds points: the lowest band scoring more than now.
            for b in bands.iter().rev() {
                let gain = mid(b.points.bounds()) - now;
                if gain <= 0.0 || !b.bounded() {
                    continue;
                }
                let holds = |t: &History<'_>| {
                    let mut m = BTreeSet::new();
                    eval(e, t, &mut m).is_some_and(|v| b.admits(v))
                };
                if let Some((current, needed)) = solve(h, lever, &holds) {
                    candidates.push(Gap {
                        criterion: i.id.clone(),
                        field: lever.spec().key.into(),
                        current,
                        needed,
                        points: Some(gain),
                        message: describe(lever, current, needed),
                    });
                }
                break;
            }
        }
    }
    // Greedy: largest gain first, one change per indicator, until the shortfall is covered.
    candidates.sort_by(|a, b| b.points.unwrap_or(0.0).total_cmp(&a.points.unwrap_or(0.0)));
    let mut covered = 0.0;
    let mut used: Vec<String> = Vec::new();
    for c in candidates {
        if covered >= needed_points {
            break;
        }
        if used.contains(&c.criterion) {
            continue;
        }
        covered += c.points.unwrap_or(0.0);
        used.push(c.criterion.clone());
        out.push(c);
    }
    if covered < needed_points {
        // No set of data changes reaches the pass score (e.g. it needs expert items).
        return Vec::new();
    }
    out
}
