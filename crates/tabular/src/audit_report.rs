//! The statistical audit as a standalone HTML report: flags, a correlation heat map and a scree plot
//! per aggregate, Cronbach's alpha and the data-quality table. Inline SVG; no scripts, no network.

use std::fmt::Write;

use kechuang_engine::audit::Audit;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

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

/// Renders the audit of a build of framework `title`.
pub fn audit_html(audit: &Audit, title: &str) -> String {
    let mut h = format!(
        r#"<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>统计审计 / Statistical audit — {t}</title><style>
body{{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:24px;color:#222;max-width:1100px}}
h2{{font-size:16px;border-bottom:2px solid #2a5caa;margin-top:24px}} table{{border-collapse:collapse;font-size:12px}}
td,th{{border:1px solid #ddd;padding:3px 6px}} .row{{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}}
</style></head><body><h1>统计审计 / Statistical audit</h1><p>{t}</p>"#,
        t = esc(title)
    );
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
    h.push_str("</table></body></html>");
    h
}
