//! Matching (精准对接): for a demand, the supply that could meet it — achievements, experts,
//! patents, equipment, services — ranked and explained; for a supply entry, the demands it could
//! serve; for an enterprise, supply that addresses the weak pillars of its portrait.
//!
//! Candidates come from the full-text index (BM25 over the demand's words); each is then scored on
//! what a bureau's matchmaker weighs: the text, the high-tech field, the distance within 京津冀,
//! whether the technology is mature enough, whether it is available and affordable. The weights are
//! [`Weights::default`]; every component is reported in the [`Explanation`].

use std::collections::HashSet;

use serde::Serialize;

use crate::catalogue::{Doc, Kind};
use crate::search::{Filters, SearchError, SearchIndex};

/// How much each component counts (they sum to 1).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Weights {
    /// BM25 of the demand's words, relative to the best candidate.
    pub text: f64,
    /// The same high-tech field.
    pub field: f64,
    /// Proximity within 京津冀.
    pub region: f64,
    /// Readiness (TRL) enough for the demand.
    pub maturity: f64,
    /// Available (open, valid, bookable) and within budget.
    pub availability: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            text: 0.5,
            field: 0.2,
            region: 0.1,
            maturity: 0.1,
            availability: 0.1,
        }
    }
}

/// Why a candidate ranks where it does.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation {
    /// The demand's words found in the candidate.
    pub matched_terms: Vec<String>,
    /// BM25 relative to the best candidate (0–1).
    pub text: f64,
    /// Same high-tech field.
    pub field_match: bool,
    /// 1 in the same province, 0.6 elsewhere in 京津冀.
    pub proximity: f64,
    /// Readiness fit (1 when the TRL reaches what the demand needs; less the further below).
    pub maturity: f64,
    /// Open, valid or bookable.
    pub available: bool,
    /// Asking price within the demand's budget (`None` when either is unknown).
    pub within_budget: Option<bool>,
    /// A sentence for people.
    pub summary_zh: String,
}

/// A ranked candidate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Match {
    /// Position in the index's documents.
    pub doc: usize,
    /// Kind.
    pub kind: Kind,
    /// Id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Combined score (0–1).
    pub score: f64,
    /// Components.
    pub explanation: Explanation,
}

/// Words too common in demands to tell anything (they cost time and add noise).
const STOP: [&str; 24] = [
    "技术", "研发", "需要", "需求", "企业", "提高", "提升", "解决", "问题", "方面", "进行", "相关",
    "开发", "实现", "我们", "公司", "项目", "合作", "要求", "达到", "目前", "现有", "具有", "能力",
];

/// The words a demand (or any document) is matched on: title and text, without stop words and
/// single characters, at most 64.
pub fn query_words(index: &SearchIndex, doc: &Doc) -> Vec<String> {
    let mut words = index.words(&doc.title);
    for w in index.words(&doc.body) {
        if !words.contains(&w) {
            words.push(w);
        }
    }
    words.retain(|w| w.chars().count() >= 2 && !STOP.contains(&w.as_str()));
    words.truncate(64);
    words
}

/// The readiness a demand needs when it does not say: 6, a prototype shown in a relevant setting.
pub const DEFAULT_MIN_TRL: u8 = 6;

fn maturity(need: Option<u8>, have: Option<u8>) -> f64 {
    match have {
        Some(t) => {
            let need = need.unwrap_or(DEFAULT_MIN_TRL);
            if t >= need {
                1.0
            } else {
                (1.0 - f64::from(need - t) / 4.0).max(0.0)
            }
        }
        None => 1.0,
    }
}

fn summary(kind: Kind, e: &Explanation) -> String {
    let mut parts = Vec::new();
    if !e.matched_terms.is_empty() {
        let shown: Vec<&str> = e.matched_terms.iter().take(5).map(String::as_str).collect();
        parts.push(format!("命中关键词：{}", shown.join("、")));
    }
    parts.push(if e.field_match {
        "技术领域一致".into()
    } else {
        "技术领域不同".to_string()
    });
    parts.push(if e.proximity >= 1.0 {
        "同省市".into()
    } else {
        "京津冀协同".to_string()
    });
    if kind == Kind::Achievement {
        parts.push(if e.maturity >= 1.0 {
            "成熟度满足需求".into()
        } else {
            format!("成熟度偏低（适配 {:.0}%）", e.maturity * 100.0)
        });
    }
    if !e.available {
        parts.push("当前不可用".into());
    }
    match e.within_budget {
        Some(true) => parts.push("报价在预算内".into()),
        Some(false) => parts.push("报价超出预算".into()),
        None => {}
    }
    parts.join("；")
}

/// Scores candidates of `source` (a demand, or a supply entry looking for demands).
fn rank(
    index: &SearchIndex,
    source: &Doc,
    kinds: &[Kind],
    limit: usize,
    weights: &Weights,
) -> Result<Vec<Match>, SearchError> {
    let words = query_words(index, source);
    let filters = Filters {
        kinds: kinds.to_vec(),
        ..Filters::default()
    };
    // A wide pool of text candidates, re-ranked by the other components.
    let hits = index.search_words(&words, &filters, (limit * 4).max(100), false)?;
    let best = hits.first().map_or(1.0, |h| f64::from(h.score)).max(1e-9);
    let query: HashSet<&str> = words.iter().map(String::as_str).collect();
    let mut out: Vec<Match> = hits
        .iter()
        .filter(|h| {
            !(h.doc < index.docs().len()
                && index.docs()[h.doc].id == source.id
                && index.docs()[h.doc].kind == source.kind)
        })
        .filter_map(|h| {
            let d = index.docs().get(h.doc)?;
            let doc_words: HashSet<String> = index
                .words(&format!("{} {}", d.title, d.body))
                .into_iter()
                .collect();
            let found: Vec<&String> = words
                .iter()
                .filter(|w| query.contains(w.as_str()) && doc_words.contains(*w))
                .collect();
            // 碳化硅 rather than 碳化硅, 碳化 and 化硅: a word inside a longer match is not shown.
            let matched_terms: Vec<String> = found
                .iter()
                .filter(|w| {
                    !found
                        .iter()
                        .any(|o| o.len() > w.len() && o.contains(w.as_str()))
                })
                .map(|w| (*w).clone())
                .collect();
            let field_match = d.fields.iter().any(|f| source.fields.contains(f));
            let proximity = source.region.proximity(d.region);
            // The demand's needs are on whichever side the demand is.
            let (need, have) = if source.kind == Kind::Demand {
                (source.trl, d.trl)
            } else {
                (d.trl, source.trl)
            };
            let maturity = maturity(need, have);
            let (budget, price) = if source.kind == Kind::Demand {
                (source.price, d.price)
            } else {
                (d.price, source.price)
            };
            let within_budget = match (budget, price) {
                (Some(b), Some(p))
                    if matches!(d.kind, Kind::Achievement) || source.kind == Kind::Achievement =>
                {
                    Some(p <= b)
                }
                _ => None,
            };
            let text = f64::from(h.score) / best;
            let availability = f64::from(u8::from(d.available))
                * if within_budget == Some(false) {
                    0.5
                } else {
                    1.0
                };
            let score = weights.text * text
                + weights.field * f64::from(u8::from(field_match))
                + weights.region * proximity
                + weights.maturity * maturity
                + weights.availability * availability;
            let mut explanation = Explanation {
                matched_terms,
                text,
                field_match,
                proximity,
                maturity,
                available: d.available,
                within_budget,
                summary_zh: String::new(),
            };
            explanation.summary_zh = summary(d.kind, &explanation);
            Some(Match {
                doc: h.doc,
                kind: d.kind,
                id: d.id.clone(),
                title: d.title.clone(),
                score,
                explanation,
            })
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
    out.truncate(limit);
    Ok(out)
}

/// The supply of `kinds` (all supply kinds when empty) that could meet a demand, best first.
pub fn for_demand(
    index: &SearchIndex,
    demand: &Doc,
    kinds: &[Kind],
    limit: usize,
) -> Result<Vec<Match>, SearchError> {
    let kinds: Vec<Kind> = if kinds.is_empty() {
        Kind::ALL
            .into_iter()
            .filter(|k| *k != Kind::Demand)
            .collect()
    } else {
        kinds.to_vec()
    };
    rank(index, demand, &kinds, limit, &Weights::default())
}

/// The demands a supply entry (achievement, expert, patent, equipment, service) could serve.
pub fn for_supply(
    index: &SearchIndex,
    supply: &Doc,
    limit: usize,
) -> Result<Vec<Match>, SearchError> {
    rank(index, supply, &[Kind::Demand], limit, &Weights::default())
}

/// Plain BM25 over the same words and kinds: the baseline the ranking is measured against.
pub fn bm25(
    index: &SearchIndex,
    demand: &Doc,
    kinds: &[Kind],
    limit: usize,
) -> Result<Vec<usize>, SearchError> {
    let filters = Filters {
        kinds: kinds.to_vec(),
        ..Filters::default()
    };
    Ok(index
        .search_words(&query_words(index, demand), &filters, limit, false)?
        .into_iter()
        .map(|h| h.doc)
        .collect())
}

/// What to look for when a portrait pillar is weak: words and kinds of supply.
pub fn pillar_needs(pillar: &str) -> (&'static str, &'static [Kind]) {
    let p = pillar.to_lowercase();
    if p.contains("input") || pillar.contains("投入") {
        (
            "研发 检测 仪器 实验 联合攻关",
            &[Kind::Equipment, Kind::Expert],
        )
    } else if p.contains("output") || pillar.contains("产出") {
        ("专利 知识产权 标准 发明", &[Kind::Patent, Kind::Service])
    } else if p.contains("commercial") || pillar.contains("转化") {
        (
            "技术转移 成果转化 许可 中试 产业化",
            &[Kind::Achievement, Kind::Service],
        )
    } else if p.contains("growth") || pillar.contains("成长") {
        ("科技金融 融资 投资 市场 管理咨询", &[Kind::Service])
    } else {
        (
            "产学研 联合研发 合作 高校 研究院",
            &[Kind::Expert, Kind::Achievement],
        )
    }
}

/// Supply addressing an enterprise's weakest pillars: for each weak pillar (name), up to
/// `per_pillar` entries in the enterprise's field and province first.
pub fn for_weak_pillars(
    index: &SearchIndex,
    weak_pillars: &[String],
    field: Option<&str>,
    region: crate::catalogue::Province,
    per_pillar: usize,
) -> Result<Vec<(String, Vec<Match>)>, SearchError> {
    let mut out = Vec::new();
    for pillar in weak_pillars {
        let (words, kinds) = pillar_needs(pillar);
        let probe = Doc {
            kind: Kind::Demand,
            id: String::new(),
            title: words.to_string(),
            body: String::new(),
            fields: field.map(|f| vec![f.to_string()]).unwrap_or_default(),
            region,
            trl: None,
            price: None,
            kind_type: String::new(),
            available: true,
        };
        out.push((
            pillar.clone(),
            rank(index, &probe, kinds, per_pillar, &Weights::default())?,
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maturity_is_full_at_or_above_the_need_and_falls_below() {
        assert_eq!(maturity(Some(6), Some(7)), 1.0);
        assert_eq!(maturity(Some(6), Some(6)), 1.0);
        assert_eq!(maturity(Some(6), Some(4)), 0.5);
        assert_eq!(maturity(Some(8), Some(2)), 0.0);
        assert_eq!(maturity(None, Some(5)), 0.75, "the default need is TRL 6");
        assert_eq!(maturity(Some(9), None), 1.0, "no TRL: not judged");
        let w = Weights::default();
        assert!((w.text + w.field + w.region + w.maturity + w.availability - 1.0).abs() < 1e-12);
    }
}
