//! Building blocks for standalone HTML reports: tables and horizontal bar charts as inline SVG.
//! No scripts and nothing fetched, so a report opens on an intranet machine and prints to PDF.

use std::fmt::Write;

use crate::audit_report::{esc, page_head};
use crate::{Cell, Table};

fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Text(t) => esc(t),
        Cell::Number(v) if v.is_nan() => String::new(),
        Cell::Number(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{v:.0}"),
        Cell::Number(v) => format!("{v:.2}"),
        Cell::Empty => String::new(),
    }
}

/// A table with its name as caption; numbers right-aligned.
pub fn table_html(t: &Table) -> String {
    let mut h = format!("<h2>{}</h2><table><tr>", esc(&t.name));
    for head in &t.headers {
        let _ = write!(h, "<th>{}</th>", esc(head));
    }
    h.push_str("</tr>");
    for row in &t.rows {
        h.push_str("<tr>");
        for c in row {
            let align = if matches!(c, Cell::Number(_)) {
                " style=\"text-align:right\""
            } else {
                ""
            };
            let _ = write!(h, "<td{align}>{}</td>", cell_text(c));
        }
        h.push_str("</tr>");
    }
    h.push_str("</table>");
    h
}

/// A horizontal bar chart of labelled non-negative values, longest bar = the largest value.
pub fn bar_chart(title: &str, bars: &[(String, f64)], unit: &str) -> String {
    let (left, right, top, row) = (170.0, 80.0, 28.0, 18.0);
    let width = 640.0;
    let height = top + row * bars.len() as f64 + 8.0;
    let max = bars
        .iter()
        .map(|(_, v)| *v)
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    let mut s = format!(
        r##"<svg class="bar-chart" viewBox="0 0 {width} {height:.0}" width="{width}" xmlns="http://www.w3.org/2000/svg" font-size="11"><text x="0" y="14" font-weight="bold">{}</text>"##,
        esc(title)
    );
    for (i, (label, v)) in bars.iter().enumerate() {
        let y = top + row * i as f64;
        let len = if max > 0.0 && v.is_finite() {
            (v.max(0.0) / max) * (width - left - right)
        } else {
            0.0
        };
        let shown = if v.fract() == 0.0 {
            format!("{v:.0}")
        } else {
            format!("{v:.2}")
        };
        let _ = write!(
            s,
            r##"<text x="{:.0}" y="{:.1}" text-anchor="end" dominant-baseline="middle">{}</text><rect x="{left}" y="{:.1}" width="{len:.1}" height="{:.1}" fill="#2a5caa"/><text x="{:.1}" y="{:.1}" dominant-baseline="middle">{shown}{}</text>"##,
            left - 6.0,
            y + row / 2.0,
            esc(label),
            y + 3.0,
            row - 6.0,
            left + len + 4.0,
            y + row / 2.0,
            esc(unit)
        );
    }
    s.push_str("</svg>");
    s
}

/// A standalone page: heading, subtitle, then the body's HTML.
pub fn report_page(heading: &str, subtitle: &str, body: &str) -> String {
    format!("{}{body}</body></html>", page_head(heading, subtitle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_value() {
        let svg = bar_chart(
            "R&D",
            &[
                ("甲".into(), 2.0),
                ("乙".into(), 1.0),
                ("丙".into(), f64::NAN),
            ],
            "%",
        );
        // Plot width 640 − 170 − 80 = 390: the largest bar fills it, half the value half of it.
        assert!(svg.contains(r#"width="390.0""#) && svg.contains(r#"width="195.0""#));
        assert!(
            svg.contains(r#"width="0.0""#),
            "a missing value draws no bar"
        );
        assert!(svg.contains("R&amp;D") && svg.contains(">甲<"));
    }

    #[test]
    fn tables_show_suppressed_cells_as_given_and_format_numbers() {
        let t = Table {
            name: "按区".into(),
            headers: vec!["区".into(), "企业数".into(), "研发强度(%)".into()],
            rows: vec![
                vec![
                    Cell::Text("<b>".into()),
                    Cell::Number(12.0),
                    Cell::Number(3.456),
                ],
                vec![
                    Cell::Text("乙".into()),
                    Cell::Text("x".into()),
                    Cell::Number(f64::NAN),
                ],
            ],
        };
        let h = table_html(&t);
        assert!(h.contains("<h2>按区</h2>") && h.contains("&lt;b&gt;"));
        assert!(h.contains(">12<") && h.contains(">3.46<") && h.contains("<td>x</td>"));
    }
}
