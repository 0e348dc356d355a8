//! The statistical audit as a standalone HTML report: flags, a correlation heat map and a scree plot
//! per aggregate, Cronbach's alpha and the data-quality table, and optionally the uncertainty analysis
//! with its rank-interval chart. Inline SVG; no scripts, no network.

use std::fmt::Write;

use kechuang_engine::audit::Audit;
use kechuang_engine::uncertainty::{UncertaintyResult, UnitRanks};

/// Units shown in the rank-interval chart and table: the best ranked; the CSV has them all.
pub const RANK_CHART_UNITS: usize = 60;

pub use kechuang_domain::escape_html as esc;

/// A red (−1) to white (0) to blue (+1) colour.
fn colour(r: f64) -> String {
    if r.is_nan() {
        return "#eee".into();
    }
    let t = r.clamp(-1.0, 1.0);
    let (red, green, blue) = if t >= 0.0 {
        (255.0 * (1.0 - t), 255.0 * (1.0 - 0.6 * t), 255.0)
    } else {
        (255.0, 255.0 * (1.0 + 0.6 * t), 255.0 * (1.0 + t))
    };
    format!("rgb({:.0},{:.0},{:.0})", red, green, blue)
}

fn heat_map(codes: &[String], m: &[Vec<f64>]) -> String {
    let k = codes.len();
    let cell = 34.0;
    let left = 110.0;
    let size = left + cell * k as f64 + 10.0;
    let mut s = format!(
        r#"<svg viewBox="0 0 {size:.0} {size:.0}" width="{size:.0}" xmlns="http://www.w3.org/2000/svg" font-size="10">"#
    );
    for (i, code) in codes.iter().enumerate() {
        let y = left + cell * i as f64;
        let _ = write!(
            s,
            r#"<text x="{:.0}" y="{:.0}" text-anchor="end">{}</text>"#,
            left - 4.0,
            y + cell / 2.0 + 3.0,
            esc(code)
        );
        let _ = write!(
            s,
            r#"<text x="{:.0}" y="{:.0}" transform="rotate(-60 {:.0} {:.0})">{}</text>"#,
            y + cell / 2.0,
            left - 6.0,
            y + cell / 2.0,
            left - 6.0,
            esc(code)
        );
        for (j, &v) in m[i].iter().enumerate().take(k) {
            let x = left + cell * j as f64;
            let _ = write!(
                s,
                r##"<rect x="{x:.0}" y="{y:.0}" width="{cell}" height="{cell}" fill="{}" stroke="#fff"/><text x="{:.0}" y="{:.0}" text-anchor="middle">{}</text>"##,
                colour(v),
                x + cell / 2.0,
                y + cell / 2.0 + 3.0,
                if v.is_nan() {
                    "—".into()
                } else {
                    format!("{v:.2}")
                }
            );
        }
    }
    s.push_str("</svg>");
    s
}

fn scree(eigenvalues: &[f64]) -> String {
    let (w, h) = (260.0, 160.0);
    let max = eigenvalues.iter().copied().fold(1.0, f64::max);
    let n = eigenvalues.len().max(2);
    let x = |i: usize| 30.0 + (w - 45.0) * i as f64 / (n - 1) as f64;
    let y = |v: f64| h - 25.0 - (h - 40.0) * v / max;
    let mut s = format!(
        r##"<svg viewBox="0 0 {w} {h}" width="{w}" xmlns="http://www.w3.org/2000/svg" font-size="10"><line x1="30" y1="{}" x2="{}" y2="{}" stroke="#999"/><line x1="30" y1="15" x2="30" y2="{}" stroke="#999"/>"##,
        h - 25.0,
        w - 10.0,
        h - 25.0,
        h - 25.0
    );
    let pts: Vec<String> = eigenvalues
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
        .collect();
    let _ = write!(
        s,
        r##"<polyline points="{}" fill="none" stroke="#2a5caa" stroke-width="2"/><line x1="30" y1="{:.1}" x2="{}" y2="{:.1}" stroke="#c82828" stroke-dasharray="4 3"/>"##,
        pts.join(" "),
        y(1.0),
        w - 10.0,
        y(1.0)
    );
    for (i, v) in eigenvalues.iter().enumerate() {
        let _ = write!(
            s,
            r##"<circle cx="{:.1}" cy="{:.1}" r="3" fill="#2a5caa"/><text x="{:.1}" y="{}" text-anchor="middle">{}</text>"##,
            x(i),
            y(*v),
            x(i),
            h - 10.0,
            i + 1
        );
    }
    s.push_str("</svg>");
    s
}

/// The ranked units, best nominal rank first, at most `limit`.
fn best_ranked(units: &[UnitRanks], limit: usize) -> Vec<&UnitRanks> {
    let mut shown: Vec<&UnitRanks> = units.iter().filter(|u| u.nominal.is_some()).collect();
    shown.sort_by_key(|u| u.nominal);
    shown.truncate(limit);
    shown
}

/// A rank-interval chart: per unit (best nominal rank first, at most `limit`), a bar from the 5th to
/// the 95th percentile rank, a dot at the median and a tick at the nominal rank.
pub fn rank_interval_chart(units: &[UnitRanks], limit: usize) -> String {
    let shown = best_ranked(units, limit);
    let max_rank = units
        .iter()
        .filter_map(|u| u.nominal.map(f64::from))
        .chain(units.iter().map(|u| u.p95).filter(|x| x.is_finite()))
        .fold(1.0_f64, f64::max);
    let (left, right, top, row) = (150.0, 20.0, 24.0, 13.0);
    let width = 760.0;
    let height = top + row * shown.len() as f64 + 10.0;
    let x = |rank: f64| left + (rank - 1.0) / (max_rank - 1.0).max(1.0) * (width - left - right);
    let mut s = format!(
        r##"<svg class="rank-intervals" viewBox="0 0 {width} {height:.0}" width="{width}" xmlns="http://www.w3.org/2000/svg" font-size="10"><text x="{left}" y="12">rank 1</text><text x="{}" y="12" text-anchor="end">rank {max_rank:.0}</text><line x1="{left}" y1="16" x2="{}" y2="16" stroke="#999"/>"##,
        width - right,
        width - right
    );
    for (i, u) in shown.iter().enumerate() {
        let y = top + row * i as f64 + row / 2.0;
        let label = match u.time {
            Some(t) => format!("{} ({t})", u.code),
            None => u.code.clone(),
        };
        let _ = write!(
            s,
            r##"<text x="{:.0}" y="{:.1}" text-anchor="end" dominant-baseline="middle">{}</text>"##,
            left - 6.0,
            y,
            esc(&label)
        );
        if u.p5.is_finite() && u.p95.is_finite() {
            let _ = write!(
                s,
                r##"<line x1="{:.1}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#9bb3dc" stroke-width="5"/><circle cx="{:.1}" cy="{y:.1}" r="3" fill="#2a5caa"/>"##,
                x(u.p5),
                x(u.p95).max(x(u.p5) + 1.0),
                x(u.median)
            );
        }
        if let Some(n) = u.nominal {
            let nx = x(f64::from(n));
            let _ = write!(
                s,
                r##"<line x1="{nx:.1}" y1="{:.1}" x2="{nx:.1}" y2="{:.1}" stroke="#c0392b" stroke-width="2"/>"##,
                y - 5.0,
                y + 5.0
            );
        }
    }
    s.push_str("</svg>");
    s
}

/// The uncertainty analysis as a report section: summary, rank-interval chart and the table for the
/// units in the chart. `what_varies` is the account of the assumptions (see `Assumptions::describe`).
pub fn uncertainty_section(r: &UncertaintyResult, what_varies: &str) -> String {
    let ranked = r.units.iter().filter(|u| u.nominal.is_some()).count();
    let mut h = format!(
        "<h2>Uncertainty analysis / 不确定性分析</h2><p>{} replications; varied: {}. Mean absolute rank shift {:.2} over {ranked} ranked units.          Bars: 5–95% rank interval; dot: median rank; red tick: nominal rank. Best {} units shown.</p>",
        r.replications,
        esc(what_varies),
        r.mean_abs_shift,
        RANK_CHART_UNITS.min(ranked)
    );
    h.push_str(&rank_interval_chart(&r.units, RANK_CHART_UNITS));
    h.push_str("<table><tr><th>unit</th><th>year</th><th>nominal</th><th>median</th><th>P5</th><th>P95</th><th>mean |shift|</th></tr>");
    for u in best_ranked(&r.units, RANK_CHART_UNITS) {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{:.1}</td><td>{:.1}</td><td>{:.1}</td><td>{:.2}</td></tr>",
            esc(&u.code),
            u.time.map_or(String::new(), |t| t.to_string()),
            u.nominal.map_or(String::new(), |n| n.to_string()),
            u.median,
            u.p5,
            u.p95,
            u.mean_abs_shift
        );
    }
    h.push_str("</table>");
    h
}

/// The uncertainty analysis alone as a standalone page.
pub fn uncertainty_html(r: &UncertaintyResult, what_varies: &str, title: &str) -> String {
    format!(
        "{}{}</body></html>",
        page_head("不确定性分析 / Uncertainty analysis", title),
        uncertainty_section(r, what_varies)
    )
}

/// The top of a standalone report page, with the house style (no scripts, no web fonts).
pub(crate) fn page_head(heading: &str, title: &str) -> String {
    format!(
        r#"<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{heading} — {t}</title><style>
body{{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222;max-width:1100px}}
h2{{font-size:16px;border-bottom:2px solid #2a5caa;margin-top:24px}} table{{border-collapse:collapse;font-size:12px}}
td,th{{border:1px solid #ddd;padding:3px 6px}} .row{{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}}
</style></head><body><h1>{heading}</h1><p>{t}</p>"#,
        t = esc(title)
    )
}

/// Renders the audit of a build of framework `title`, with the uncertainty analysis (and the account
/// of what varied) when one was run.
pub fn audit_html(
    audit: &Audit,
    title: &str,
    uncertainty: Option<(&UncertaintyResult, &str)>,
) -> String {
    let mut h = page_head("统计审计 / Statistical audit", title);
    let _ = write!(
        h,
        "<h2>Flags ({})</h2><table><tr><th>kind</th><th>aggregate</th><th>a</th><th>b</th><th>r</th></tr>",
        audit.flags.len()
    );
    for f in &audit.flags {
        let _ = write!(
            h,
            "<tr><td>{:?}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.2}</td></tr>",
            f.kind,
            esc(&f.aggregate),
            esc(&f.a),
            esc(&f.b),
            f.value
        );
    }
    h.push_str("</table>");
    for a in &audit.aggregates {
        let alpha = a.cronbach_alpha.map_or("—".into(), |x| format!("{x:.3}"));
        let explained = a
            .pca
            .as_ref()
            .map_or("—".into(), |p| format!("{:.0}%", p.explained[0] * 100.0));
        let _ = write!(
            h,
            "<h2>{} — Cronbach's α {alpha}, PC1 {explained}</h2><div class=\"row\">{}",
            esc(&a.code),
            heat_map(&a.children, &a.pearson)
        );
        if let Some(p) = &a.pca {
            h.push_str(&scree(&p.eigenvalues));
        }
        h.push_str("<table><tr><th>child</th><th>r with aggregate</th><th>PC1 loading</th></tr>");
        for (i, c) in a.children.iter().enumerate() {
            let loading = a
                .pca
                .as_ref()
                .map_or("—".into(), |p| format!("{:.3}", p.loadings[i]));
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{:.2}</td><td>{loading}</td></tr>",
                esc(c),
                a.with_parent[i]
            );
        }
        h.push_str("</table></div>");
    }
    h.push_str("<h2>Data quality</h2><table><tr><th>indicator</th><th>missing</th><th>share</th><th>imputed</th><th>winsorised</th><th>transform</th></tr>");
    for q in &audit.quality {
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{:.1}%</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&q.indicator),
            q.missing,
            q.missing_share * 100.0,
            q.imputed,
            q.winsorised,
            q.transformed.unwrap_or("")
        );
    }
    h.push_str("</table>");
    if let Some((r, what_varies)) = uncertainty {
        h.push_str(&uncertainty_section(r, what_varies));
    }
    h.push_str("</body></html>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(code: &str, nominal: Option<u32>, p5: f64, median: f64, p95: f64) -> UnitRanks {
        UnitRanks {
            code: code.into(),
            time: None,
            nominal,
            median,
            p5,
            p95,
            mean_abs_shift: 0.0,
        }
    }

    #[test]
    fn the_chart_shows_the_best_ranked_units_in_nominal_order_with_their_intervals() {
        let units = vec![
            unit("C", Some(3), 2.0, 3.0, 4.0),
            unit("A", Some(1), 1.0, 1.0, 2.0),
            unit("X", None, f64::NAN, f64::NAN, f64::NAN),
            unit("B", Some(2), 1.0, 2.0, 4.0),
        ];
        let svg = rank_interval_chart(&units, 2);
        let a = svg.find(">A<").expect("A charted");
        let b = svg.find(">B<").expect("B charted");
        assert!(a < b);
        assert!(!svg.contains(">C<") && !svg.contains(">X<"));
        // One interval bar per shown unit; rank 1 sits at the left edge of the plot (x = 150).
        assert_eq!(svg.matches(r#"stroke-width="5""#).count(), 2);
        assert!(svg.contains(r#"<line x1="150.0" y1="30.5""#), "{svg}");
    }

    #[test]
    fn the_section_states_what_varied_and_escapes_codes() {
        let r = UncertaintyResult {
            replications: 7,
            units: vec![unit("<A>", Some(1), 1.0, 1.0, 1.0)],
            mean_abs_shift: 0.0,
        };
        let h = uncertainty_section(&r, "weights ±10%");
        assert!(h.contains("7 replications") && h.contains("weights ±10%"));
        assert!(h.contains("&lt;A&gt;") && !h.contains("<A>"));
    }
}
