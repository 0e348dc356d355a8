//! The portrait as HTML with inline SVG charts (no scripts, no network): a standalone, printable
//! page ([`render`]) and the same content for a site's page frame ([`content`] with [`STYLE`]).
//! Written as typed templates (maud): every value is escaped by construction.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::Portrait;
use crate::texts::{Text, text};

/// Page language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 中文 (default).
    Zh,
    /// English.
    En,
}

impl Lang {
    /// Parses `zh` or `en`.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "zh" | "zh-CN" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

impl Lang {
    /// The `lang` attribute.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }
}

/// The part of a bilingual name (`中文 / English`) for the language.
fn part(name: &str, lang: Lang) -> String {
    match (name.split_once(" / "), lang) {
        (Some((zh, _)), Lang::Zh) => zh.to_string(),
        (Some((_, en)), Lang::En) => en.to_string(),
        (None, _) => name.to_string(),
    }
}

fn num(v: Option<f64>) -> String {
    v.map_or("—".into(), |v| format!("{v:.1}"))
}

/// Points of an SVG polyline or polygon.
fn points(pts: impl Iterator<Item = (f64, f64)>) -> String {
    pts.map(|(x, y)| format!("{x:.1},{y:.1}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Radar of pillar scores (enterprise filled, industry median dashed), 0–100.
fn radar(p: &Portrait, lang: Lang) -> Markup {
    let n = p.pillars.len().max(3);
    let (cx, cy, r) = (170.0, 150.0, 105.0);
    let point = |i: usize, v: f64| {
        let a = std::f64::consts::TAU * i as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
        (cx + r * v / 100.0 * a.cos(), cy + r * v / 100.0 * a.sin())
    };
    // The industry outline only where every pillar's median may be shown (enough peers).
    let medians: Option<Vec<f64>> = p.pillars.iter().map(|x| x.peer_median).collect();
    html! {
        svg.chart viewBox="0 0 340 300" role="img" xmlns="http://www.w3.org/2000/svg" {
            @for ring in [25.0, 50.0, 75.0, 100.0] {
                polygon points=(points((0..n).map(|i| point(i, ring)))) fill="none" stroke="#ddd" {}
            }
            @for (i, pl) in p.pillars.iter().enumerate() {
                @let (x, y) = point(i, 118.0);
                text x=(format!("{x:.1}")) y=(format!("{y:.1}")) font-size="11" text-anchor="middle" fill="#333" {
                    (part(&pl.name, lang))
                }
            }
            @if let Some(medians) = medians {
                polygon points=(points(medians.iter().enumerate().map(|(i, v)| point(i, *v))))
                    fill="none" stroke="#888" stroke-dasharray="4 3" {}
            }
            polygon points=(points(p.pillars.iter().enumerate().map(|(i, x)| point(i, x.score.unwrap_or(0.0)))))
                fill="rgba(200,40,40,0.25)" stroke="#c82828" stroke-width="2" {}
            text x="10" y="292" font-size="10" fill="#666" {
                (text(lang, Text::RedThisEnterpriseDashed))
            }
        }
    }
}

/// Index by year.
fn trend(p: &Portrait, lang: Lang) -> Markup {
    let pts: Vec<(i32, f64)> = p
        .trend
        .iter()
        .filter_map(|(y, v)| v.map(|v| (*y, v)))
        .collect();
    let (Some(first), Some(last)) = (pts.first(), pts.last()) else {
        return html! {
            svg.chart viewBox="0 0 340 200" role="img" xmlns="http://www.w3.org/2000/svg" {
                text x="20" y="100" { (text(lang, Text::NoYearlyData)) }
            }
        };
    };
    let (y0, y1) = (first.0, last.0.max(first.0 + 1));
    let x = |y: i32| 40.0 + 270.0 * f64::from(y - y0) / f64::from(y1 - y0);
    let yv = |v: f64| 170.0 - 150.0 * v / 100.0;
    html! {
        svg.chart viewBox="0 0 340 200" role="img" xmlns="http://www.w3.org/2000/svg" {
            line x1="40" y1="170" x2="310" y2="170" stroke="#999" {}
            line x1="40" y1="20" x2="40" y2="170" stroke="#999" {}
            polyline points=(points(pts.iter().map(|(y, v)| (x(*y), yv(*v))))) fill="none" stroke="#c82828" stroke-width="2" {}
            @for (y, v) in &pts {
                circle cx=(format!("{:.1}", x(*y))) cy=(format!("{:.1}", yv(*v))) r="3" fill="#c82828" {}
                text x=(format!("{:.1}", x(*y))) y="188" font-size="10" text-anchor="middle" { (y) }
                text x=(format!("{:.1}", x(*y))) y=(format!("{:.1}", yv(*v) - 6.0)) font-size="10" text-anchor="middle" {
                    (format!("{v:.1}"))
                }
            }
        }
    }
}

/// Histogram of the year's index with the enterprise marked.
fn distribution(p: &Portrait, lang: Lang) -> Markup {
    let bins = &p.distribution;
    let max = f64::from(bins.iter().copied().max().unwrap_or(1).max(1));
    html! {
        svg.chart viewBox="0 0 340 200" role="img" xmlns="http://www.w3.org/2000/svg" {
            @for (i, b) in bins.iter().enumerate() {
                @let h = 150.0 * f64::from(*b) / max;
                rect x=(format!("{:.1}", 20.0 + i as f64 * 15.0)) y=(format!("{:.1}", 170.0 - h))
                    width="12.5" height=(format!("{h:.1}")) fill="#9bb" {}
            }
            @if let Some(v) = p.index {
                @let xm = format!("{:.1}", 20.0 + v / 100.0 * 300.0);
                line x1=(xm) y1="15" x2=(xm) y2="172" stroke="#c82828" stroke-width="2" {}
                text x=(xm) y="12" font-size="10" text-anchor="middle" fill="#c82828" { (format!("{v:.1}")) }
            }
            text x="20" y="190" font-size="10" { "0" }
            text x="310" y="190" font-size="10" text-anchor="end" { "100" }
            text x="165" y="190" font-size="10" text-anchor="middle" {
                (text(lang, Text::IndexDistributionAllEnterprises))
            }
        }
    }
}

/// The portrait's style sheet, every rule scoped to `.portrait` so that a site's frame can hold it.
pub const STYLE: &str = ".portrait{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;color:#222;max-width:1000px}\
.portrait h1{font-size:22px;margin-bottom:4px} .portrait h2{font-size:16px;border-bottom:2px solid #c82828;padding-bottom:2px;margin-top:22px}\
.portrait table{border-collapse:collapse;width:100%;font-size:13px} .portrait td,.portrait th{border:1px solid #ddd;padding:4px 6px;text-align:left}\
.portrait .tags span{display:inline-block;background:#fbeaea;color:#a01818;border-radius:10px;padding:2px 9px;margin:2px;font-size:12px}\
.portrait .charts{display:flex;flex-wrap:wrap;gap:12px} .portrait .chart{width:320px;height:auto;border:1px solid #eee}\
.portrait .big{font-size:34px;color:#c82828;font-weight:bold} .portrait .muted{color:#777;font-size:12px}";

/// The title of the portrait's page.
pub fn title(p: &Portrait, lang: Lang) -> String {
    format!(
        "{} — {} {}",
        p.name,
        text(lang, Text::EnterprisePortrait),
        p.year
    )
}

/// The portrait's content, `<div class="portrait">`, for a page that includes [`STYLE`].
/// `after_header` goes below the name and headline figures (a site adds its year links there).
pub fn content(p: &Portrait, lang: Lang, after_header: Markup, after: Markup) -> Markup {
    let outcome = |s: &crate::SchemeView| match lang {
        Lang::Zh => s.outcome.zh().to_string(),
        Lang::En => s.outcome.en().to_string(),
    };
    html! {
            div.portrait {
                h1 { (p.name) }
                div.muted {
                    (p.credit_code) " · " (part(&p.district, lang)) " · " (part(&p.industry, lang)) " · "
                    (p.tech_field.as_deref().map_or("—".to_string(), |f| part(f, lang))) " · " (part(&p.stage, lang)) " · "
                    (p.age) " " (text(lang, Text::Years)) " · " (part(&p.size_class, lang))
                }
                (after_header)
                p {
                    span.big { (num(p.index)) } " "
                    span.muted { (text(lang, Text::InnovationIndex)) " (" (p.year) ") · " (p.framework) }
                }
                div.tags { @for tag in &p.tags { span { (part(tag, lang)) } } }
                h2 { (text(lang, Text::Ranks)) }
                table {
                    tr { th { (text(lang, Text::Within)) } th { (text(lang, Text::Rank)) } th { (text(lang, Text::Of)) } }
                    @for r in &p.ranks { tr { td { (part(&r.label, lang)) } td { (r.rank) } td { (r.of) } } }
                }
                h2 { (text(lang, Text::Charts)) }
                div.charts { (radar(p, lang)) (trend(p, lang)) (distribution(p, lang)) }
                h2 { (text(lang, Text::PillarsAgainstIndustryPeers)) }
                table {
                    tr {
                        th { (text(lang, Text::Pillar)) } th { (text(lang, Text::Score)) }
                        th { (text(lang, Text::IndustryMedian)) } th { (text(lang, Text::IndustryPercentile)) }
                    }
                    @for pl in &p.pillars {
                        tr { td { (part(&pl.name, lang)) } td { (num(pl.score)) } td { (num(pl.peer_median)) } td { (num(pl.percentile)) } }
                    }
                }
                @for (label, list) in [(text(lang, Text::Strengths), &p.strengths), (text(lang, Text::Weaknesses), &p.weaknesses)] {
                    h2 { (label) }
                    table {
                        @for s in list {
                            tr {
                                td { (part(&s.name, lang)) } td { (num(s.value)) }
                                td { (text(lang, Text::Percentile)) " " (format!("{:.0}", s.percentile)) }
                            }
                        }
                    }
                }
                h2 { (text(lang, Text::SupportSchemes)) }
                table {
                    tr {
                        th { (text(lang, Text::Scheme)) } th { (text(lang, Text::Outcome)) }
                        th { (text(lang, Text::Score)) } th { (text(lang, Text::ToQualify)) }
                    }
                    @for s in &p.schemes {
                        tr { td { (crate::scheme_name_in(&s.id, lang)) } td { (outcome(s)) } td { (num(s.score)) } td { (s.gaps.join("; ")) } }
                    }
                }
                h2 { (text(lang, Text::SimilarEnterprises)) }
                table {
                    @for s in &p.similar { tr { td { (s.credit_code) } td { (s.name) } td { (num(s.index)) } } }
                }
                @if let Some(w) = &p.similar_withheld {
                    p.muted #similar-withheld {
                        (w.count)
                        (text(lang, Text::SimilarEnterprisesNotNamed))
                        @if let Some(m) = w.median_index {
                            (text(lang, Text::MedianIndex)) " " (num(Some(m)))
                        }
                    }
                }
    @if !p.sources.is_empty() {
                    h2 { (text(lang, Text::DataSources)) }
                    table #sources {
                        @for n in &p.sources {
                            tr {
                                td { (if lang == Lang::Zh { n.field_zh.as_str() } else { n.field_en.as_str() }) }
                                td { (if lang == Lang::Zh { n.source_zh.as_str() } else { n.source.as_str() }) }
                                td { (n.value) }
                                td.muted { (n.imported_at) }
                            }
                        }
                    }
                }
                            h2 { (text(lang, Text::Suggestions)) }
                ul { @for s in &p.suggestions { li { (part(s, lang)) } } }
                (after)
                p.muted {
                    (text(lang, Text::GeneratedByKechuangFrom))
                }
            }
        }
}

/// Renders the portrait as a standalone, printable HTML page.
pub fn render(p: &Portrait, lang: Lang) -> String {
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                title { (title(p, lang)) }
                style { (PreEscaped(STYLE)) "body{margin:24px} @media print{body{margin:0}}" }
            }
            body { (content(p, lang, html! {}, html! {})) }
        }
    }
    .into_string()
}
