//! What pages and the API show, gathered from the store: an enterprise's portrait, a scheme's
//! target list, the overview figures. Shared by the web service and the command line.

use std::collections::HashMap;

use kechuang_domain::{Num, SurveyRecord};
use kechuang_engine::Framework;
use kechuang_policy::{History, Outcome, Panel, RuleSet, evaluate};
use kechuang_portrait::{Portrait, PortraitInput, assemble};
use kechuang_store::Store;
use serde::Serialize;

/// Why a view could not be gathered.
#[derive(Debug, thiserror::Error)]
pub enum ViewError {
    /// What the view needs is not there (no build, no record for the year…).
    #[error("{0}")]
    Missing(String),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] kechuang_store::Error),
    /// A stored result does not decode.
    #[error(transparent)]
    Stored(#[from] kechuang_enterprise::stored::Error),
}

/// Years as a reader writes them: `2024, 2025`.
pub fn year_list(years: &[i32]) -> String {
    years
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn framework_by_id(id: &str) -> Option<&'static Framework> {
    kechuang_enterprise::shipped_framework_by_id(id)
}

/// Reads everything a portrait needs from the store and assembles it (the latest build).
pub async fn gather(
    store: &Store,
    code: &str,
    year: Option<i32>,
    rules: &[RuleSet],
) -> Result<Portrait, ViewError> {
    let build = store.builds().await?.into_iter().next();
    gather_from(store, build.as_ref(), code, year, rules).await
}

/// [`gather`] from a given build (the latest, which the server keeps for a second).
pub async fn gather_from(
    store: &Store,
    build: Option<&kechuang_store::BuildInfo>,
    code: &str,
    year: Option<i32>,
    rules: &[RuleSet],
) -> Result<Portrait, ViewError> {
    let build = build.ok_or_else(|| ViewError::Missing("no index build is stored: run `kechuang index build --framework kechuang-enterprise` first".into()))?;
    let years = &build.years;
    let year = year
        .or(years.iter().max().copied())
        .ok_or_else(|| ViewError::Missing("the build has no years".into()))?;
    if !years.contains(&year) {
        return Err(ViewError::Missing(format!(
            "build {} covers {}, not {year}",
            build.id,
            year_list(years)
        )));
    }
    let framework = framework_by_id(&build.framework_id).ok_or_else(|| {
        ViewError::Missing(format!(
            "build {} used framework '{}', which is not shipped with this version",
            build.id, build.framework_id
        ))
    })?;
    // The year and the three before it, in one read.
    let mut records = store.records_between(code, year - 3, year).await?;
    let Some(record) = records.pop().filter(|r| r.year == year) else {
        return Err(ViewError::Missing(format!(
            "no survey record for {code} in {year}"
        )));
    };
    let mine = store.enterprise_results(build.id, code).await?;
    let trend = years
        .iter()
        .map(|y| (*y, mine.iter().find(|r| r.year == *y).and_then(|r| r.score)))
        .collect();
    // Latest first, as the policy history expects.
    let earlier: Vec<SurveyRecord> = records.into_iter().rev().collect();
    let earlier_refs: Vec<&SurveyRecord> = earlier.iter().collect();
    let h = History {
        current: &record,
        earlier: &earlier_refs,
    };
    let evaluations = rules
        .iter()
        .map(|r| evaluate(r, &h, &Default::default(), true))
        .collect();
    let mut streak = 0;
    let mut now = &record;
    for p in &earlier {
        match (now.get(Num::RdExpense), p.get(Num::RdExpense)) {
            (Some(a), Some(b)) if a > b && p.year == now.year - 1 => streak += 1,
            _ => break,
        }
        now = p;
    }
    let result = match mine.iter().find(|r| r.year == year) {
        // The codes are the store's after the first read (`None` for a build of JSON rows).
        Some(row) => {
            let codes = kechuang_enterprise::stored::result_codes(store, build.id).await?;
            Some(kechuang_enterprise::stored::decode_result(
                row,
                codes.as_ref(),
            )?)
        }
        None => None,
    };
    let mut portrait = assemble(&PortraitInput {
        record: &record,
        result: result.as_ref(),
        trend,
        framework,
        evaluations,
        rd_streak: streak,
    });
    portrait.sources = source_notes(store, year, code).await?;
    Ok(portrait)
}

/// The sources' values of an enterprise's fields for a year (see [`crate::sources::latest`]).
async fn source_notes(
    store: &Store,
    year: i32,
    code: &str,
) -> Result<Vec<kechuang_portrait::SourceNote>, ViewError> {
    let latest = crate::sources::latest(store.source_values(year, Some(code)).await?);
    Ok(latest
        .into_values()
        .map(|v| {
            let field = kechuang_domain::Field::from_header(&v.field);
            let source = crate::sources::Source::parse(&v.source);
            kechuang_portrait::SourceNote {
                field_zh: field.map_or_else(|| v.field.clone(), |f| f.header_zh()),
                field_en: field.map_or_else(|| v.field.clone(), |f| f.en().to_string()),
                source_zh: source.map_or_else(|| v.source.clone(), |s| s.zh().to_string()),
                field: v.field,
                source: v.source,
                value: v.value,
                imported_at: v.imported_at,
            }
        })
        .collect())
}

/// One enterprise on a scheme's target list.
#[derive(Debug, Clone, Serialize)]
pub struct TargetRow {
    /// Enterprise.
    pub credit_code: String,
    /// Name.
    pub name: String,
    /// District (region code).
    pub region_code: String,
    /// District name.
    pub district: String,
    /// Park.
    pub park: Option<String>,
    /// Industry code.
    pub industry_code: String,
    /// Industry section and its name.
    pub industry_section: String,
    /// High-tech field (Chinese).
    pub tech_field: Option<String>,
    /// `qualifies` or `near_miss`.
    pub outcome: &'static str,
    /// Score (midpoint of a range).
    pub score: Option<f64>,
    /// What would close the gap.
    pub gaps: Vec<String>,
    /// Criteria not met.
    pub failed: Vec<String>,
    /// What would close the gap, in English.
    pub gaps_en: Vec<String>,
    /// Criteria not met, by their English labels (the Chinese where a rule file gives none).
    pub failed_en: Vec<String>,
}

/// A criterion's English label from the rule file, by id (the Chinese label when none is given).
fn criterion_en<'a>(rules: &'a RuleSet, id: &str, label: &'a str) -> &'a str {
    let s = &rules.spec;
    s.conditions
        .iter()
        .chain(&s.direct)
        .find(|c| c.id == id)
        .map(|c| c.label_en.as_str())
        .or_else(|| {
            s.indicators
                .iter()
                .find(|i| i.id == id)
                .map(|i| i.label_en.as_str())
        })
        .filter(|en| !en.is_empty())
        .unwrap_or(label)
}

/// A scheme's target list for a year: those who qualify, then near misses, each by score.
#[derive(Debug, Clone, Serialize)]
pub struct TargetList {
    /// Scheme id.
    pub scheme: String,
    /// Scheme name.
    pub name: String,
    /// Rule version.
    pub version: String,
    /// Year.
    pub year: i32,
    /// Enterprises evaluated.
    pub evaluated: usize,
    /// Enterprises whose data was insufficient to decide.
    pub insufficient: usize,
    /// Qualifying, then near misses.
    pub rows: Vec<TargetRow>,
}

/// The last full survey year of `(year, records)` counts, ascending: the latest, unless it holds
/// fewer than half the records of the year before (a survey round still being filed), then that
/// year.
pub fn last_full_year(counts: &[(i32, i64)]) -> Option<i32> {
    match counts {
        [.., (before, n0), (_, n1)] if n1 * 2 < *n0 => Some(*before),
        [.., (last, _)] => Some(*last),
        [] => None,
    }
}

/// The year's records plus three earlier years (what every shipped rule needs); the latest
/// stored year when `year` is `None`.
pub async fn panel(
    store: &Store,
    year: Option<i32>,
) -> Result<(i32, Vec<SurveyRecord>), ViewError> {
    let years = store.years().await?;
    let year = year.or(years.last().copied()).ok_or_else(|| {
        ViewError::Missing(
            "the store holds no survey data: import some with `kechuang survey import`".into(),
        )
    })?;
    let wanted: Vec<i32> = years
        .into_iter()
        .filter(|y| (year - 3..=year).contains(y))
        .collect();
    Ok((year, store.load_years(&wanted).await?))
}

/// Evaluates every enterprise of the year and keeps those who qualify or nearly do.
pub fn target_list(rules: &RuleSet, year: i32, records: &[SurveyRecord]) -> TargetList {
    let by_code: HashMap<&str, &SurveyRecord> = records
        .iter()
        .filter(|r| r.year == year)
        .map(|r| (r.credit_code.as_str(), r))
        .collect();
    let insufficient = std::sync::atomic::AtomicUsize::new(0);
    // Candidates whose decision awaits expert-judged items (高企's IP quality, for instance) are
    // listed as their own status: dropping them would show a scheme with no candidates at all.
    let wanted = |e: &kechuang_policy::Evaluation| {
        matches!(e.outcome, Outcome::Qualifies | Outcome::NeedsExpert) || e.near_miss()
    };
    let results = Panel::new(records).evaluate_year_where(rules, year, true, |e| {
        if e.outcome == Outcome::InsufficientData {
            insufficient.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        wanted(e)
    });
    let mut rows: Vec<TargetRow> = results
        .iter()
        .filter(|e| wanted(e))
        .filter_map(|e| {
            let r = by_code.get(e.credit_code.as_str())?;
            Some(TargetRow {
                credit_code: r.credit_code.to_string(),
                name: r.name.clone(),
                region_code: r.region_code.as_str().to_string(),
                district: r
                    .region_code
                    .district_name()
                    .unwrap_or(r.region_code.as_str())
                    .to_string(),
                park: r.park.clone(),
                industry_code: r.industry_code.to_string(),
                industry_section: format!(
                    "{} {}",
                    r.industry_code.section(),
                    r.industry_code.section_name()
                ),
                tech_field: r.tech_field.map(|f| f.zh().to_string()),
                outcome: match e.outcome {
                    Outcome::Qualifies => "qualifies",
                    Outcome::NeedsExpert => "needs_expert",
                    _ => "near_miss",
                },
                score: e.score_mid(),
                gaps: e.gaps.iter().map(|g| g.message.clone()).collect(),
                failed: e
                    .criteria
                    .iter()
                    .filter(|c| c.passed == Some(false))
                    .map(|c| c.label.to_string())
                    .collect(),
                gaps_en: e
                    .gaps
                    .iter()
                    .map(kechuang_policy::Gap::message_en)
                    .collect(),
                failed_en: e
                    .criteria
                    .iter()
                    .filter(|c| c.passed == Some(false))
                    .map(|c| criterion_en(rules, c.id, c.label).to_string())
                    .collect(),
            })
        })
        .collect();
    let order = |o: &str| match o {
        "qualifies" => 0,
        "needs_expert" => 1,
        _ => 2,
    };
    rows.sort_by(|a, b| {
        order(a.outcome)
            .cmp(&order(b.outcome))
            .then(b.score.unwrap_or(0.0).total_cmp(&a.score.unwrap_or(0.0)))
            .then(a.credit_code.cmp(&b.credit_code))
    });
    TargetList {
        scheme: rules.spec.id.clone(),
        name: rules.spec.name.clone(),
        version: rules.spec.version.clone(),
        year,
        evaluated: by_code.len(),
        insufficient: insufficient.into_inner(),
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The English reasons say what the Chinese ones say, without Chinese: the same number of
    /// each, the same figures in the gaps.
    #[test]
    fn target_rows_give_their_reasons_in_english_too() {
        let records = kechuang_synthetic::region::region(&kechuang_synthetic::region::RegionSpec {
            enterprises: 400,
            years: vec![2023, 2024, 2025],
            seed: 5,
        });
        let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        let mut checked = 0;
        for id in ["tech_sme", "hnte", "specialised_sme"] {
            let rules = kechuang_policy::shipped(id).expect("shipped");
            for row in target_list(&rules, 2025, &records).rows {
                assert_eq!(row.gaps.len(), row.gaps_en.len());
                assert_eq!(row.failed.len(), row.failed_en.len());
                for (zh, en) in row.gaps.iter().zip(&row.gaps_en) {
                    assert!(!cjk(en), "{en}");
                    // "研发费用 +120 万元 (500 → 620)": the change and the values are the same.
                    let change = |s: &str| {
                        s.split_whitespace()
                            .find(|t| t.starts_with(['+', '-']))
                            .map(str::to_string)
                    };
                    assert_eq!(change(zh), change(en), "{zh} / {en}");
                    assert_eq!(zh.rsplit('(').next(), en.rsplit('(').next(), "{zh} / {en}");
                    checked += 1;
                }
                for en in &row.failed_en {
                    assert!(!cjk(en), "{id}: {en}");
                    checked += 1;
                }
            }
        }
        assert!(checked > 20, "{checked} reasons checked");
    }
}
