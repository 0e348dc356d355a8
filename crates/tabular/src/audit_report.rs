//! The statistical audit as a standalone HTML report: flags, a correlation heat map and a scree plot
//! per aggregate, Cronbach's alpha and the data-quality table, and optionally the uncertainty analysis
//! with its rank-interval chart. Inline SVG; no scripts, no network. Typed templates (maud): every
//! value is escaped by construction.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use kechuang_engine::audit::Audit;
use kechuang_engine::uncertainty::{UncertaintyResult, UnitRanks};

/// Units shown in the rank-interval chart and table: the best ranked; the CSV has them all.
pub const RANK_CHART_UNITS: usize = 60;

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

/// A number with `digits` decimals, for SVG coordinates and cells.
fn f(v: f64, digits: usize) -> String {
    format!("{v:.digits$}")
}

fn heat_map(codes: &[String], m: &[Vec<f64>]) -> Markup {
    let k = codes.len();
    let cell = 34.0;
    let left = 110.0;
    let size = left + cell * k as f64 + 10.0;
    html! {
        svg viewBox={ "0 0 " (f(size, 0)) " " (f(size, 0)) } width=(f(size, 0)) xmlns="http://www.w3.org/2000/svg" font-size="10" {
            @for (i, code) in codes.iter().enumerate() {
                @let y = left + cell * i as f64;
                text x=(f(left - 4.0, 0)) y=(f(y + cell / 2.0 + 3.0, 0)) text-anchor="end" { (code) }
                text x=(f(y + cell / 2.0, 0)) y=(f(left - 6.0, 0))
                    transform={ "rotate(-60 " (f(y + cell / 2.0, 0)) " " (f(left - 6.0, 0)) ")" } { (code) }
                @for (j, &v) in m[i].iter().enumerate().take(k) {
                    @let x = left + cell * j as f64;
                    rect x=(f(x, 0)) y=(f(y, 0)) width=(cell) height=(cell) fill=(colour(v)) stroke="#fff" {}
                    text x=(f(x + cell / 2.0, 0)) y=(f(y + cell / 2.0 + 3.0, 0)) text-anchor="middle" {
                        (if v.is_nan() { "—".to_string() } else { f(v, 2) })
                    }
                }
            }
        }
    }
}

fn scree(eigenvalues: &[f64]) -> Markup {
    let (w, h) = (260.0, 160.0);
    let max = eigenvalues.iter().copied().fold(1.0, f64::max);
    let n = eigenvalues.len().max(2);
    let x = |i: usize| 30.0 + (w - 45.0) * i as f64 / (n - 1) as f64;
    let y = |v: f64| h - 25.0 - (h - 40.0) * v / max;
    let pts: Vec<String> = eigenvalues
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v)))
        .collect();
    html! {
        svg viewBox={ "0 0 " (w) " " (h) } width=(w) xmlns="http://www.w3.org/2000/svg" font-size="10" {
            line x1="30" y1=(h - 25.0) x2=(w - 10.0) y2=(h - 25.0) stroke="#999" {}
            line x1="30" y1="15" x2="30" y2=(h - 25.0) stroke="#999" {}
            polyline points=(pts.join(" ")) fill="none" stroke="#2a5caa" stroke-width="2" {}
            line x1="30" y1=(f(y(1.0), 1)) x2=(w - 10.0) y2=(f(y(1.0), 1)) stroke="#c82828" stroke-dasharray="4 3" {}
            @for (i, v) in eigenvalues.iter().enumerate() {
                circle cx=(f(x(i), 1)) cy=(f(y(*v), 1)) r="3" fill="#2a5caa" {}
                text x=(f(x(i), 1)) y=(h - 10.0) text-anchor="middle" { (i + 1) }
            }
        }
    }
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
pub fn rank_interval_chart(units: &[UnitRanks], limit: usize) -> Markup {
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
    html! {
        svg.rank-intervals viewBox={ "0 0 " (width) " " (f(height, 0)) } width=(width) xmlns="http://www.w3.org/2000/svg" font-size="10" {
            text x=(left) y="12" { "rank 1" }
            text x=(width - right) y="12" text-anchor="end" { "rank " (f(max_rank, 0)) }
            line x1=(left) y1="16" x2=(width - right) y2="16" stroke="#999" {}
            @for (i, u) in shown.iter().enumerate() {
                @let y = top + row * i as f64 + row / 2.0;
                text x=(f(left - 6.0, 0)) y=(f(y, 1)) text-anchor="end" dominant-baseline="middle" {
                    (u.code) @if let Some(t) = u.time { " (" (t) ")" }
                }
                @if u.p5.is_finite() && u.p95.is_finite() {
                    line x1=(f(x(u.p5), 1)) y1=(f(y, 1)) x2=(f(x(u.p95).max(x(u.p5) + 1.0), 1)) y2=(f(y, 1))
                        stroke="#9bb3dc" stroke-width="5" {}
                    circle cx=(f(x(u.median), 1)) cy=(f(y, 1)) r="3" fill="#2a5caa" {}
                }
                @if let Some(n) = u.nominal {
                    @let nx = f(x(f64::from(n)), 1);
                    line x1=(nx) y1=(f(y - 5.0, 1)) x2=(nx) y2=(f(y + 5.0, 1)) stroke="#c0392b" stroke-width="2" {}
                }
            }
        }
    }
}

/// The uncertainty analysis as a report section: summary, rank-interval chart and the table for the
/// units in the chart. `what_varies` is the account of the assumptions (see `Assumptions::describe`).
pub fn uncertainty_section(r: &UncertaintyResult, what_varies: &str) -> Markup {
    let ranked = r.units.iter().filter(|u| u.nominal.is_some()).count();
    html! {
        h2 { "Uncertainty analysis / 不确定性分析" }
        p {
            (r.replications) " replications; varied: " (what_varies) ". Mean absolute rank shift "
            (f(r.mean_abs_shift, 2)) " over " (ranked) " ranked units. Bars: 5–95% rank interval; dot: \
            median rank; red tick: nominal rank. Best " (RANK_CHART_UNITS.min(ranked)) " units shown."
        }
        (rank_interval_chart(&r.units, RANK_CHART_UNITS))
        table {
            tr { th { "unit" } th { "year" } th { "nominal" } th { "median" } th { "P5" } th { "P95" } th { "mean |shift|" } }
            @for u in best_ranked(&r.units, RANK_CHART_UNITS) {
                tr {
                    td { (u.code) }
                    td { @if let Some(t) = u.time { (t) } }
                    td { @if let Some(n) = u.nominal { (n) } }
                    td { (f(u.median, 1)) } td { (f(u.p5, 1)) } td { (f(u.p95, 1)) } td { (f(u.mean_abs_shift, 2)) }
                }
            }
        }
    }
}

/// The uncertainty analysis alone as a standalone page.
pub fn uncertainty_html(r: &UncertaintyResult, what_varies: &str, title: &str) -> String {
    report_page(
        "不确定性分析 / Uncertainty analysis",
        title,
        uncertainty_section(r, what_varies),
    )
}

/// The house style of standalone reports (no scripts, no web fonts).
const REPORT_STYLE: &str = "body{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;margin:24px;color:#222;max-width:1100px}\
h2{font-size:16px;border-bottom:2px solid #2a5caa;margin-top:24px} table{border-collapse:collapse;font-size:12px}\
td,th{border:1px solid #ddd;padding:3px 6px} .row{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}";

/// A standalone report page: heading, subtitle, then the body.
pub fn report_page(heading: &str, subtitle: &str, body: Markup) -> String {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            head {
                meta charset="utf-8";
                title { (heading) " — " (subtitle) }
                style { (PreEscaped(REPORT_STYLE)) }
            }
            body { h1 { (heading) } p { (subtitle) } (body) }
        }
    }
    .into_string()
}

/// Renders the audit of a build of framework `title`, with the uncertainty analysis (and the account
/// of what varied) when one was run, and `more` (e.g. the predictive validity over a store) last.
pub fn audit_html(
    audit: &Audit,
    title: &str,
    uncertainty: Option<(&UncertaintyResult, &str)>,
    more: Option<Markup>,
) -> String {
    let body = html! {
        h2 { "Flags (" (audit.flags.len()) ")" }
        table {
            tr { th { "kind" } th { "aggregate" } th { "a" } th { "b" } th { "r" } }
            @for fl in &audit.flags {
                tr { td { (format!("{:?}", fl.kind)) } td { (fl.aggregate) } td { (fl.a) } td { (fl.b) } td { (f(fl.value, 2)) } }
            }
        }
        @for a in &audit.aggregates {
            h2 {
                (a.code) " — Cronbach's α " (a.cronbach_alpha.map_or("—".into(), |x| f(x, 3)))
                ", PC1 " (a.pca.as_ref().map_or("—".into(), |p| format!("{:.0}%", p.explained[0] * 100.0)))
            }
            div.row {
                (heat_map(&a.children, &a.pearson))
                @if let Some(p) = &a.pca { (scree(&p.eigenvalues)) }
                table {
                    tr { th { "child" } th { "r with aggregate" } th { "PC1 loading" } }
                    @for (i, c) in a.children.iter().enumerate() {
                        tr {
                            td { (c) }
                            td { (f(a.with_parent[i], 2)) }
                            td { (a.pca.as_ref().map_or("—".into(), |p| f(p.loadings[i], 3))) }
                        }
                    }
                }
            }
        }
        h2 { "Data quality" }
        table {
            tr { th { "indicator" } th { "missing" } th { "share" } th { "imputed" } th { "winsorised" } th { "transform" } }
            @for q in &audit.quality {
                tr {
                    td { (q.indicator) } td { (q.missing) } td { (f(q.missing_share * 100.0, 1)) "%" }
                    td { (q.imputed) } td { (q.winsorised) } td { (q.transformed.unwrap_or("")) }
                }
            }
        }
        @if let Some((r, what_varies)) = uncertainty { (uncertainty_section(r, what_varies)) }
        @if let Some(section) = more { (section) }
    };
    report_page("统计审计 / Statistical audit", title, body)
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
        let svg = rank_interval_chart(&units, 2).into_string();
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
        let h = uncertainty_section(&r, "weights ±10%").into_string();
        assert!(h.contains("7 replications") && h.contains("weights ±10%"));
        assert!(h.contains("&lt;A&gt;") && !h.contains("<A>"));
    }
}
