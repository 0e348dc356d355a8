//! Enterprise portraits (企业画像): everything the platform knows about one enterprise in one year,
//! assembled from its survey records, a stored index build and the scheme evaluations, as data
//! ([`Portrait`], serialisable to JSON) and as a standalone printable HTML report ([`html::render`])
//! with inline SVG charts. What a portrait needs from the whole year is computed once per build
//! ([`facts::compute`]) and stored with the results, so a portrait reads one row. Pure: the caller
//! reads the store.
#![warn(missing_docs)]

pub mod facts;
pub mod html;
pub mod texts;

use kechuang_domain::{SurveyRecord, held_in};
use kechuang_engine::Framework;
use kechuang_policy::{Evaluation, Outcome};
use serde::Serialize;

/// An enterprise's stored index result for one year, decoded: what a portrait reads of a build.
/// Pure data; the crate that stores results (`kechuang-enterprise`) decodes a stored row into it
/// and refuses a row that does not decode (it never becomes an empty portrait).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StoredResult {
    /// The index score.
    pub score: Option<f64>,
    /// Each indicator's value as it entered treatment and normalisation: code → value.
    pub values: std::collections::BTreeMap<String, f64>,
    /// The facts computed with the build ([`facts::compute`]).
    pub facts: facts::Facts,
}

/// Everything a portrait is made from.
pub struct PortraitInput<'a> {
    /// The enterprise's record for the year.
    pub record: &'a SurveyRecord,
    /// Its result in the build for the year (with the precomputed facts); `None` when the
    /// build did not rank it.
    pub result: Option<&'a StoredResult>,
    /// The enterprise's index over the build's years: (year, score).
    pub trend: Vec<(i32, Option<f64>)>,
    /// The framework the build used (names of pillars and indicators).
    pub framework: &'a Framework,
    /// The enterprise's evaluations against the schemes.
    pub evaluations: Vec<Evaluation<'a>>,
    /// The enterprise's R&D growth streak in years.
    pub rd_streak: u32,
}

/// A rank within a group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRank {
    /// `overall`, `industry`, `district` or `stage`.
    pub group: String,
    /// The group's label, bilingual (`滨海新区 / Binhai New Area`).
    pub label: String,
    /// Rank (1 = best).
    pub rank: u32,
    /// Enterprises ranked in the group.
    pub of: u32,
}

/// A pillar against the enterprise's industry peers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PillarView {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// The enterprise's score.
    pub score: Option<f64>,
    /// Median of the industry section in the year.
    pub peer_median: Option<f64>,
    /// Share of industry peers scoring lower, 0–100.
    pub percentile: Option<f64>,
}

/// An indicator's standing among all enterprises of the year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorStanding {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// The real value (before normalisation), when stored.
    pub value: Option<f64>,
    /// Share of enterprises scoring lower, 0–100.
    pub percentile: f64,
}

/// A scheme's verdict in brief.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SchemeView {
    /// Scheme id.
    pub id: String,
    /// Outcome.
    pub outcome: Outcome,
    /// Score (midpoint), if scored.
    pub score: Option<f64>,
    /// Changes that would make it qualify.
    pub gaps: Vec<String>,
}

/// A similar enterprise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Similar {
    /// Credit code.
    pub credit_code: String,
    /// Name.
    pub name: String,
    /// Index score.
    pub index: Option<f64>,
    /// Distance in pillar-score space.
    pub distance: f64,
}

/// Similar enterprises withheld from a reader who may not see them: how many and their median
/// index, no names, codes or individual scores.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WithheldPeers {
    /// How many similar enterprises are not named.
    pub count: usize,
    /// Their median index score, when there are at least three (a median of one or two is
    /// an individual enterprise's figure or recoverable from one).
    pub median_index: Option<f64>,
}

/// The portrait.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Portrait {
    /// Credit code.
    pub credit_code: String,
    /// Name.
    pub name: String,
    /// Survey year.
    pub year: i32,
    /// District (name).
    pub district: String,
    /// Park.
    pub park: Option<String>,
    /// Industry class and section name.
    pub industry: String,
    /// High-tech field.
    pub tech_field: Option<String>,
    /// Stage (初创期 / 成长期 / 稳定期).
    pub stage: String,
    /// Size class.
    pub size_class: String,
    /// Years since founding.
    pub age: i32,
    /// Framework id and version.
    pub framework: String,
    /// Index score.
    pub index: Option<f64>,
    /// Ranks overall and within industry, district and stage.
    pub ranks: Vec<GroupRank>,
    /// Pillars against industry peers.
    pub pillars: Vec<PillarView>,
    /// Best indicators.
    pub strengths: Vec<IndicatorStanding>,
    /// Worst indicators.
    pub weaknesses: Vec<IndicatorStanding>,
    /// Index by year.
    pub trend: Vec<(i32, Option<f64>)>,
    /// The year's index distribution in 20 bins of 5 points.
    pub distribution: Vec<u32>,
    /// Tags: titles, schemes, R&D streak, 京津冀.
    pub tags: Vec<String>,
    /// Scheme verdicts.
    pub schemes: Vec<SchemeView>,
    /// The five most similar enterprises of the year that the reader may see by name.
    pub similar: Vec<Similar>,
    /// The similar enterprises the reader may not see, as a count and a median without
    /// identities (see [`Portrait::withhold_peers`]).
    pub similar_withheld: Option<WithheldPeers>,
    /// Plain-language suggestions, bilingual (`中文 / English`).
    pub suggestions: Vec<String>,
    /// Where some of the year's values came from: the government's sources (registry, tax,
    /// patents, certificates) that pre-filled the survey form, one per field.
    pub sources: Vec<SourceNote>,
}

/// A field's value as a source gave it (provenance), for the portrait's readers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceNote {
    /// The survey field's key.
    pub field: String,
    /// Its Chinese label with the unit.
    pub field_zh: String,
    /// Its English label.
    pub field_en: String,
    /// The source's key (`tax` …).
    pub source: String,
    /// The source's Chinese name.
    pub source_zh: String,
    /// The value the source gave.
    pub value: String,
    /// When it was imported.
    pub imported_at: String,
}

const SCHEME_NAMES: [(&str, &str, &str); 6] = [
    ("tech_sme", "科技型中小企业", "Technology-based SME"),
    ("hnte", "高新技术企业", "High and new technology enterprise"),
    ("innovative_sme", "创新型中小企业", "Innovative SME"),
    ("specialised_sme", "专精特新中小企业", "Specialised SME"),
    (
        "little_giant",
        "专精特新\"小巨人\"",
        "Specialised \"little giant\"",
    ),
    (
        "rd_credit",
        "研发费用连续增长信用贷款候选",
        "R&D-growth credit candidate",
    ),
];

/// The Chinese name of a shipped scheme.
pub fn scheme_name(id: &str) -> &str {
    SCHEME_NAMES
        .iter()
        .find(|(i, _, _)| *i == id)
        .map_or(id, |(_, n, _)| n)
}

/// The name of a shipped scheme in a language.
pub fn scheme_name_in(id: &str, lang: html::Lang) -> &str {
    SCHEME_NAMES
        .iter()
        .find(|(i, _, _)| *i == id)
        .map_or(id, |(_, zh, en)| match lang {
            html::Lang::Zh => zh,
            html::Lang::En => en,
        })
}

/// "中文 / English", the portrait's bilingual text (the page shows the reader's part).
fn both(zh: &str, en: &str) -> String {
    format!("{zh} / {en}")
}

/// What to work on when a pillar is the weakest: (pillar, Chinese, English).
const PILLAR_ADVICE: [(&str, &str, &str); 5] = [
    (
        "input",
        "提高研发投入强度与研发人员占比, 争取建设市级以上研发机构",
        "raise R&D spending and the share of R&D staff; seek a recognised R&D institution at city level or above",
    ),
    (
        "output",
        "加强发明专利布局, 参与标准制定, 提高新产品收入占比",
        "build an invention-patent portfolio, take part in standard setting, grow the share of new products",
    ),
    (
        "commercialisation",
        "登记技术合同, 推动科技成果转化, 提高高新技术产品收入占比",
        "register technology contracts, commercialise results, grow the share of high-tech products",
    ),
    (
        "growth",
        "关注营业收入增长与资产负债结构, 拓展股权融资",
        "watch revenue growth and the balance sheet; widen equity financing",
    ),
    (
        "collaboration",
        "通过产学研用对接与京津冀合作寻找合作伙伴",
        "find partners through matchmaking with universities and across Beijing–Tianjin–Hebei",
    ),
];

/// Assembles a portrait.
pub fn assemble(input: &PortraitInput<'_>) -> Portrait {
    let r = input.record;
    let fw = input.framework;
    let mine = input.result;
    let index = mine.and_then(|m| m.score);
    let no_facts = facts::Facts::default();
    let facts = mine.map_or(&no_facts, |m| &m.facts);
    let name_of = |code: &str| {
        fw.node_index(code)
            .map_or(code.to_string(), |i| fw.nodes[i].name.clone())
    };
    let ranks = facts
        .ranks
        .iter()
        .map(|g| GroupRank {
            // Bilingual, as the framework's names: the page shows the reader's part.
            label: match g.group.as_str() {
                "overall" => "全市 / Tianjin".into(),
                "industry" => kechuang_domain::codes::INDUSTRY_SECTIONS
                    .iter()
                    .zip(kechuang_domain::codes::INDUSTRY_SECTIONS_EN)
                    .find(|(s, _)| g.label.starts_with(s.0))
                    .map_or(g.label.clone(), |(s, (_, en))| {
                        format!("{} {} / {} {en}", s.0, s.3, s.0)
                    }),
                "district" => kechuang_domain::codes::TIANJIN_DISTRICTS
                    .iter()
                    .find(|d| d.0 == g.label)
                    .map_or(g.label.clone(), |d| format!("{} / {}", d.1, d.2)),
                "stage" => kechuang_domain::Stage::ALL
                    .iter()
                    .find(|s| s.key() == g.label)
                    .map_or(g.label.clone(), |s| format!("{} / {}", s.zh(), s.en())),
                _ => g.label.clone(),
            },
            group: g.group.clone(),
            rank: g.rank,
            of: g.of,
        })
        .collect();
    let pillars: Vec<PillarView> = facts
        .pillars
        .iter()
        .map(|p| PillarView {
            name: name_of(&p.code),
            code: p.code.clone(),
            score: p.score,
            peer_median: p.peer_median,
            percentile: p.percentile,
        })
        .collect();
    let standing = |(code, pct): &(String, f64)| IndicatorStanding {
        name: name_of(code),
        value: mine.and_then(|m| m.values.get(code)).copied(),
        code: code.clone(),
        percentile: *pct,
    };
    let strengths = facts.indicators.iter().take(3).map(standing).collect();
    let weaknesses = facts
        .indicators
        .iter()
        .rev()
        .take(3)
        .map(standing)
        .collect();
    let similar = facts
        .similar
        .iter()
        .map(|s| Similar {
            credit_code: s.code.clone(),
            name: s.name.clone(),
            index: s.index,
            distance: s.distance,
        })
        .collect();
    let mut tags = Vec::new();
    let titles = [
        (r.titles.hnte, "hnte"),
        (r.titles.tech_sme, "tech_sme"),
        (r.titles.innovative_sme, "innovative_sme"),
        (r.titles.specialised_sme, "specialised_sme"),
        (r.titles.little_giant, "little_giant"),
    ];
    let tag = |zh: &str, en: &str, id: &str| {
        both(
            &format!("{zh}: {}", scheme_name_in(id, html::Lang::Zh)),
            &format!("{en}: {}", scheme_name_in(id, html::Lang::En)),
        )
    };
    for (until, id) in titles {
        if held_in(until, r.year) {
            tags.push(tag("已认定", "Certified", id));
        }
    }
    let mut suggestions = Vec::new();
    let schemes: Vec<SchemeView> = input
        .evaluations
        .iter()
        .map(|e| {
            let name = scheme_name(e.scheme);
            let name_en = scheme_name_in(e.scheme, html::Lang::En);
            let held = titles
                .iter()
                .any(|(until, id)| *id == e.scheme && held_in(*until, r.year));
            match e.outcome {
                Outcome::Qualifies if !held => {
                    tags.push(tag("符合", "Qualifies", e.scheme));
                    suggestions.push(both(
                        &format!("符合{name}条件, 建议申报"),
                        &format!("Qualifies as {name_en}: apply"),
                    ));
                }
                Outcome::NeedsExpert if !held => {
                    tags.push(tag("待评审", "Awaiting experts", e.scheme));
                    suggestions.push(both(
                        &format!("{name}: 数据项达标, 取决于专家评审项, 可准备申报材料"),
                        &format!(
                            "{name_en}: the data meet it; the experts' items decide; prepare the application"
                        ),
                    ));
                }
                Outcome::DoesNotQualify if e.near_miss() && !held => {
                    tags.push(tag("接近", "Near", e.scheme));
                    let gaps: Vec<&str> = e.gaps.iter().map(|g| g.message.as_str()).collect();
                    let gaps_en: Vec<String> = e.gaps.iter().map(|g| g.message_en()).collect();
                    suggestions.push(both(
                        &format!("距{name}还差: {}", gaps.join("; ")),
                        &format!("Short of {name_en}: {}", gaps_en.join("; ")),
                    ));
                }
                _ => {}
            }
            SchemeView {
                id: e.scheme.to_string(),
                outcome: e.outcome,
                score: e.score_mid(),
                gaps: e.gaps.iter().map(|g| g.message.clone()).collect(),
            }
        })
        .collect();
    if input.rd_streak >= 2 {
        tags.push(both(
            &format!("研发费用连续{}年增长", input.rd_streak),
            &format!("R&D spending up {} years running", input.rd_streak),
        ));
    }
    if r.get(kechuang_domain::Num::JjjPartners).unwrap_or(0.0) > 0.0 {
        tags.push(both("京津冀协同", "Beijing–Tianjin–Hebei partners"));
    }
    if let Some(weak) = pillars
        .iter()
        .filter(|p| p.percentile.is_some())
        .min_by(|a, b| {
            a.percentile
                .unwrap_or(0.0)
                .total_cmp(&b.percentile.unwrap_or(0.0))
        })
    {
        let (advice, advice_en) = PILLAR_ADVICE
            .iter()
            .find(|(c, _, _)| *c == weak.code)
            .map_or(("", ""), |(_, zh, en)| (zh, en));
        let (pillar, pillar_en) = weak
            .name
            .split_once(" / ")
            .unwrap_or((&weak.name, &weak.name));
        let percentile = weak.percentile.unwrap_or(0.0);
        suggestions.push(both(
            &format!("短板: {pillar} (行业内百分位 {percentile:.0}), {advice}"),
            &format!(
                "Weakest: {pillar_en} (percentile in its industry {percentile:.0}); {advice_en}"
            ),
        ));
    }
    let distribution = facts.distribution.clone();
    Portrait {
        credit_code: r.credit_code.to_string(),
        name: r.name.clone(),
        year: r.year,
        district: kechuang_domain::codes::TIANJIN_DISTRICTS
            .iter()
            .find(|d| d.0 == r.region_code.as_str())
            .map_or_else(|| r.region_code.to_string(), |d| both(d.1, d.2)),
        park: r.park.clone(),
        industry: {
            let en = kechuang_domain::codes::INDUSTRY_SECTIONS_EN
                .iter()
                .find(|(c, _)| *c == r.industry_code.section())
                .map_or("", |(_, n)| n);
            both(
                &format!("{} ({})", r.industry_code, r.industry_code.section_name()),
                &format!("{} ({en})", r.industry_code),
            )
        },
        tech_field: r.tech_field.map(|f| both(f.zh(), f.en())),
        stage: both(r.stage().zh(), r.stage().en()),
        size_class: both(r.size_class().zh(), r.size_class().en()),
        age: r.age_years(),
        framework: format!("{} {}", fw.id, fw.version),
        index,
        ranks,
        pillars,
        strengths,
        weaknesses,
        trend: input.trend.clone(),
        distribution,
        tags,
        schemes,
        similar,
        similar_withheld: None,
        suggestions,
        sources: Vec::new(),
    }
}

impl Portrait {
    /// Keeps the similar enterprises that `may_name` allows the reader to see and replaces the
    /// others by a [`WithheldPeers`] summary. The server calls this for every reader, so a
    /// portrait never names an enterprise its reader may not read directly.
    pub fn withhold_peers(&mut self, may_name: impl Fn(&str) -> bool) {
        let (shown, withheld): (Vec<Similar>, Vec<Similar>) = std::mem::take(&mut self.similar)
            .into_iter()
            .partition(|s| may_name(&s.credit_code));
        self.similar = shown;
        self.similar_withheld = (!withheld.is_empty()).then(|| {
            let mut scores: Vec<f64> = withheld.iter().filter_map(|s| s.index).collect();
            scores.sort_by(f64::total_cmp);
            let median_index = (scores.len() >= 3).then(|| {
                let m = scores.len() / 2;
                if scores.len() % 2 == 1 {
                    scores[m]
                } else {
                    (scores[m - 1] + scores[m]) / 2.0
                }
            });
            WithheldPeers {
                count: withheld.len(),
                median_index,
            }
        });
    }
}
