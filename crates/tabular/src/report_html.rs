//! Building blocks for standalone HTML reports: tables and horizontal bar charts as inline SVG.
//! No scripts and nothing fetched, so a report opens on an intranet machine and prints to PDF.

use maud::{Markup, html};

use crate::{Cell, Table};

fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Text(t) => t.clone(),
        Cell::Number(v) if v.is_nan() => String::new(),
        Cell::Number(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{v:.0}"),
        Cell::Number(v) => format!("{v:.2}"),
        Cell::Empty => String::new(),
    }
}

/// A table with its name as caption; numbers right-aligned.
pub fn table_html(t: &Table) -> Markup {
    html! {
        h2 { (t.name) }
        table {
            tr { @for head in &t.headers { th { (head) } } }
            @for row in &t.rows {
                tr {
                    @for c in row {
                        td style=[matches!(c, Cell::Number(_)).then_some("text-align:right")] { (cell_text(c)) }
                    }
                }
            }
        }
    }
}

/// A horizontal bar chart of labelled non-negative values, longest bar = the largest value.
pub fn bar_chart(title: &str, bars: &[(String, f64)], unit: &str) -> String {
    bar_chart_markup(title, bars, unit).into_string()
}

/// [`bar_chart`] as a typed template, for pages that embed it.
pub fn bar_chart_markup(title: &str, bars: &[(String, f64)], unit: &str) -> Markup {
    let (left, right, top, row) = (170.0, 80.0, 28.0, 18.0);
    let width = 640.0;
    let height = top + row * bars.len() as f64 + 8.0;
    let max = bars
        .iter()
        .map(|(_, v)| *v)
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max);
    let f1 = |v: f64| format!("{v:.1}");
    html! {
        svg.bar-chart viewBox=(format!("0 0 {width} {height:.0}")) width=(width) xmlns="http://www.w3.org/2000/svg" font-size="11" {
            text x="0" y="14" font-weight="bold" { (title) }
            @for (i, (label, v)) in bars.iter().enumerate() {
                @let y = top + row * i as f64;
                @let len = if max > 0.0 && v.is_finite() { (v.max(0.0) / max) * (width - left - right) } else { 0.0 };
                @let shown = if v.fract() == 0.0 { format!("{v:.0}") } else { format!("{v:.2}") };
                text x=(format!("{:.0}", left - 6.0)) y=(f1(y + row / 2.0)) text-anchor="end" dominant-baseline="middle" { (label) }
                rect x=(left) y=(f1(y + 3.0)) width=(f1(len)) height=(f1(row - 6.0)) fill="#2a5caa" {}
                text x=(f1(left + len + 4.0)) y=(f1(y + row / 2.0)) dominant-baseline="middle" { (shown) (unit) }
            }
        }
    }
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
        let h = table_html(&t).into_string();
        assert!(h.contains("<h2>按区</h2>") && h.contains("&lt;b&gt;"));
        assert!(h.contains(">12<") && h.contains(">3.46<") && h.contains("<td>x</td>"));
    }
}
