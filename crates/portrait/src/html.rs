//! The portrait as a standalone, printable HTML page with inline SVG charts (no scripts, no network).

use std::fmt::Write;

use crate::Portrait;

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

fn t(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Zh { zh } else { en }
}

pub use kechuang_domain::escape_html as escape;

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

/// Radar of pillar scores (enterprise filled, industry median dashed), 0–100.
fn radar(p: &Portrait, lang: Lang) -> String {
    let n = p.pillars.len().max(3);
    let (cx, cy, r) = (170.0, 150.0, 105.0);
    let point = |i: usize, v: f64| {
        let a = std::f64::consts::TAU * i as f64 / n as f64 - std::f64::consts::FRAC_PI_2;
        (cx + r * v / 100.0 * a.cos(), cy + r * v / 100.0 * a.sin())
    };
    let mut svg = String::from(
        r#"<svg class="chart" viewBox="0 0 340 300" role="img" xmlns="http://www.w3.org/2000/svg">"#,
    );
    for ring in [25.0, 50.0, 75.0, 100.0] {
        let pts: Vec<String> = (0..n)
            .map(|i| point(i, ring))
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = write!(
            svg,
            r##"<polygon points="{}" fill="none" stroke="#ddd"/>"##,
            pts.join(" ")
        );
    }
    for (i, pl) in p.pillars.iter().enumerate() {
        let (x, y) = point(i, 118.0);
        let _ = write!(
            svg,
            r##"<text x="{x:.1}" y="{y:.1}" font-size="11" text-anchor="middle" fill="#333">{}</text>"##,
            escape(&part(&pl.name, lang))
        );
    }
    let poly = |vals: Vec<f64>, style: &str| {
        let pts: Vec<String> = vals
            .iter()
            .enumerate()
            .map(|(i, v)| point(i, *v))
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        format!(r#"<polygon points="{}" {style}/>"#, pts.join(" "))
    };
    // The industry outline only where every pillar's median may be shown (enough peers).
    if let Some(medians) = p.pillars.iter().map(|x| x.peer_median).collect() {
        svg.push_str(&poly(
            medians,
            r##"fill="none" stroke="#888" stroke-dasharray="4 3""##,
        ));
    }
    svg.push_str(&poly(
        p.pillars.iter().map(|x| x.score.unwrap_or(0.0)).collect(),
        r##"fill="rgba(200,40,40,0.25)" stroke="#c82828" stroke-width="2""##,
    ));
    let _ = write!(
        svg,
        r##"<text x="10" y="292" font-size="10" fill="#666">{}</text></svg>"##,
        t(
            lang,
            "红: 本企业  虚线: 行业中位数",
            "red: this enterprise  dashed: industry median"
        )
    );
    svg
}

/// Index by year.
fn trend(p: &Portrait, lang: Lang) -> String {
    let pts: Vec<(i32, f64)> = p
        .trend
        .iter()
        .filter_map(|(y, v)| v.map(|v| (*y, v)))
        .collect();
    let mut svg = String::from(
        r#"<svg class="chart" viewBox="0 0 340 200" role="img" xmlns="http://www.w3.org/2000/svg">"#,
    );
    if pts.is_empty() {
        let _ = write!(
            svg,
            r#"<text x="20" y="100">{}</text></svg>"#,
            t(lang, "无历年数据", "no yearly data")
        );
        return svg;
    }
    let (y0, y1) = (pts[0].0, pts[pts.len() - 1].0.max(pts[0].0 + 1));
    let x = |y: i32| 40.0 + 270.0 * f64::from(y - y0) / f64::from(y1 - y0);
    let yv = |v: f64| 170.0 - 150.0 * v / 100.0;
    let _ = write!(
        svg,
        r##"<line x1="40" y1="170" x2="310" y2="170" stroke="#999"/><line x1="40" y1="20" x2="40" y2="170" stroke="#999"/>"##
    );
    let line: Vec<String> = pts
        .iter()
        .map(|(y, v)| format!("{:.1},{:.1}", x(*y), yv(*v)))
        .collect();
    let _ = write!(
        svg,
        r##"<polyline points="{}" fill="none" stroke="#c82828" stroke-width="2"/>"##,
        line.join(" ")
    );
    for (y, v) in &pts {
        let _ = write!(
            svg,
            r##"<circle cx="{:.1}" cy="{:.1}" r="3" fill="#c82828"/><text x="{:.1}" y="188" font-size="10" text-anchor="middle">{y}</text><text x="{:.1}" y="{:.1}" font-size="10" text-anchor="middle">{v:.1}</text>"##,
            x(*y),
            yv(*v),
            x(*y),
            x(*y),
            yv(*v) - 6.0
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Histogram of the year's index with the enterprise marked.
fn distribution(p: &Portrait, lang: Lang) -> String {
    let bins = &p.distribution;
    let max = f64::from(bins.iter().copied().max().unwrap_or(1).max(1));
    let mut svg = String::from(
        r#"<svg class="chart" viewBox="0 0 340 200" role="img" xmlns="http://www.w3.org/2000/svg">"#,
    );
    for (i, b) in bins.iter().enumerate() {
        let h = 150.0 * f64::from(*b) / max;
        let _ = write!(
            svg,
            r##"<rect x="{:.1}" y="{:.1}" width="12.5" height="{h:.1}" fill="#9bb"/>"##,
            20.0 + i as f64 * 15.0,
            170.0 - h
        );
    }
    if let Some(v) = p.index {
        let xm = 20.0 + v / 100.0 * 300.0;
        let _ = write!(
            svg,
            r##"<line x1="{xm:.1}" y1="15" x2="{xm:.1}" y2="172" stroke="#c82828" stroke-width="2"/><text x="{xm:.1}" y="12" font-size="10" text-anchor="middle" fill="#c82828">{v:.1}</text>"##
        );
    }
    let _ = write!(
        svg,
        r#"<text x="20" y="190" font-size="10">0</text><text x="310" y="190" font-size="10" text-anchor="end">100</text><text x="165" y="190" font-size="10" text-anchor="middle">{}</text></svg>"#,
        t(lang, "全市指数分布", "index distribution, all enterprises")
    );
    svg
}

/// Renders the portrait as a standalone HTML page.
pub fn render(p: &Portrait, lang: Lang) -> String {
    let mut h = String::new();
    let title = format!(
        "{} — {} {}",
        escape(&p.name),
        t(lang, "企业画像", "enterprise portrait"),
        p.year
    );
    let _ = write!(
        h,
        r#"<!DOCTYPE html><html lang="{}"><head><meta charset="utf-8"><title>{title}</title><style>
body{{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222;max-width:1000px}}
h1{{font-size:22px;margin-bottom:4px}} h2{{font-size:16px;border-bottom:2px solid #c82828;padding-bottom:2px;margin-top:22px}}
table{{border-collapse:collapse;width:100%;font-size:13px}} td,th{{border:1px solid #ddd;padding:4px 6px;text-align:left}}
.tags span{{display:inline-block;background:#fbeaea;color:#a01818;border-radius:10px;padding:2px 9px;margin:2px;font-size:12px}}
.charts{{display:flex;flex-wrap:wrap;gap:12px}} .chart{{width:320px;height:auto;border:1px solid #eee}}
.big{{font-size:34px;color:#c82828;font-weight:bold}} .muted{{color:#777;font-size:12px}}
@media print{{body{{margin:0}}}}
</style></head><body>"#,
        if lang == Lang::Zh { "zh-CN" } else { "en" }
    );
    let _ = write!(
        h,
        "<h1>{}</h1><div class=\"muted\">{} · {} · {} · {} · {} · {} {} · {}</div>",
        escape(&p.name),
        p.credit_code,
        escape(&p.district),
        escape(&p.industry),
        escape(p.tech_field.as_deref().unwrap_or("—")),
        escape(&p.stage),
        p.age,
        t(lang, "年", "years"),
        escape(&p.size_class)
    );
    let _ = write!(
        h,
        "<p><span class=\"big\">{}</span> <span class=\"muted\">{} ({}) · {}</span></p>",
        num(p.index),
        t(lang, "科技企业创新指数", "innovation index"),
        p.year,
        escape(&p.framework)
    );
    h.push_str("<div class=\"tags\">");
    for tag in &p.tags {
        let _ = write!(h, "<span>{}</span>", escape(tag));
    }
    h.push_str("</div>");
    let _ = write!(
        h,
        "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
        t(lang, "排名", "Ranks"),
        t(lang, "范围", "Within"),
        t(lang, "名次", "Rank"),
        t(lang, "企业数", "Of")
    );
    for r in &p.ranks {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&r.label),
            r.rank,
            r.of
        );
    }
    h.push_str("</table>");
    let _ = write!(
        h,
        "<h2>{}</h2><div class=\"charts\">{}{}{}</div>",
        t(lang, "图表", "Charts"),
        radar(p, lang),
        trend(p, lang),
        distribution(p, lang)
    );
    let _ = write!(
        h,
        "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        t(
            lang,
            "分项得分 (与行业比较)",
            "Pillars against industry peers"
        ),
        t(lang, "维度", "Pillar"),
        t(lang, "得分", "Score"),
        t(lang, "行业中位数", "Industry median"),
        t(lang, "行业百分位", "Industry percentile")
    );
    for pl in &p.pillars {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&part(&pl.name, lang)),
            num(pl.score),
            num(pl.peer_median),
            num(pl.percentile)
        );
    }
    h.push_str("</table>");
    for (label, list) in [
        (t(lang, "优势指标", "Strengths"), &p.strengths),
        (t(lang, "短板指标", "Weaknesses"), &p.weaknesses),
    ] {
        let _ = write!(h, "<h2>{label}</h2><table>");
        for s in list {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{} {:.0}</td></tr>",
                escape(&part(&s.name, lang)),
                num(s.value),
                t(lang, "百分位", "percentile"),
                s.percentile
            );
        }
        h.push_str("</table>");
    }
    let _ = write!(
        h,
        "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        t(lang, "政策评价", "Support schemes"),
        t(lang, "政策", "Scheme"),
        t(lang, "结论", "Outcome"),
        t(lang, "得分", "Score"),
        t(lang, "差距", "To qualify")
    );
    for s in &p.schemes {
        let outcome = match lang {
            Lang::Zh => s.outcome.zh().to_string(),
            Lang::En => format!("{:?}", s.outcome),
        };
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(crate::scheme_name(&s.id)),
            escape(&outcome),
            num(s.score),
            escape(&s.gaps.join("; "))
        );
    }
    h.push_str("</table>");
    let _ = write!(
        h,
        "<h2>{}</h2><table>",
        t(lang, "相似企业", "Similar enterprises")
    );
    for s in &p.similar {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&s.credit_code),
            escape(&s.name),
            num(s.index)
        );
    }
    h.push_str("</table>");
    if let Some(w) = &p.similar_withheld {
        let _ = write!(
            h,
            "<p class=\"muted\" id=\"similar-withheld\">{} {}{}</p>",
            w.count,
            t(
                lang,
                "家相似企业未列出名称（超出您的查看范围）",
                "similar enterprises not named (outside what you may read)"
            ),
            w.median_index.map_or_else(String::new, |m| format!(
                "{} {}",
                t(lang, "，指数中位数", "; median index"),
                num(Some(m))
            ))
        );
    }
    let _ = write!(h, "<h2>{}</h2><ul>", t(lang, "建议", "Suggestions"));
    for s in &p.suggestions {
        let _ = write!(h, "<li>{}</li>", escape(s));
    }
    let _ = write!(
        h,
        "</ul><p class=\"muted\">{}</p></body></html>",
        t(
            lang,
            "本报告由 kechuang 生成, 数据来自企业创新调查; 仅供内部使用。",
            "Generated by kechuang from the enterprise innovation survey; for internal use."
        )
    );
    h
}
