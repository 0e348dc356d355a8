//! `kechuang region`: regional tables with disclosure control, as one workbook or as an HTML/PDF
//! report with charts.

use std::collections::HashMap;

use anyhow::{Context, Result};
use kechuang_domain::SurveyRecord;
use kechuang_region::disclosure::{Reason, Rules};
use kechuang_region::tables::{Dimension, Entry, OneWay, one_way, two_way};
use kechuang_store::Store;
use kechuang_tabular::{Cell, Table, write_xlsx};

use crate::args::RegionArgs;
use crate::index::InvalidInput;
use crate::runtime;

fn reason_zh(r: Reason) -> &'static str {
    match r {
        Reason::TooFew => "企业数少于阈值",
        Reason::Dominance => "单一企业占比过高",
        Reason::Secondary => "次级抑制",
    }
}

const FIGURE_HEADERS: [&str; 12] = [
    "企业数",
    "营业收入(万元)",
    "研发费用(万元)",
    "研发强度(%)",
    "高企占比(%)",
    "科小占比(%)",
    "专精特新占比(%)",
    "创新指数均值",
    "创新指数中位数",
    "创新指数下四分位数",
    "创新指数上四分位数",
    "京津冀协同占比(%)",
];

fn figure_headers(first: &str) -> Vec<String> {
    std::iter::once(first)
        .chain(FIGURE_HEADERS)
        .map(String::from)
        .collect()
}

/// One table row of a cell's figures, or of `x` when it is suppressed.
fn row(label: &str, f: &kechuang_region::tables::Figures, hidden: bool) -> Vec<Cell> {
    let num = |v: f64| Cell::Number((v * 100.0).round() / 100.0);
    let mut cells = vec![Cell::Text(label.into())];
    if hidden {
        cells.extend((0..FIGURE_HEADERS.len()).map(|_| Cell::Text("x".into())));
    } else {
        cells.extend([
            Cell::from(f.enterprises),
            num(f.revenue),
            num(f.rd_expense),
            num(f.rd_intensity),
            num(f.hnte_share),
            num(f.tech_sme_share),
            num(f.specialised_share),
            Cell::from(f.index_mean.map(|v| (v * 100.0).round() / 100.0)),
            Cell::from(f.index_median.map(|v| (v * 100.0).round() / 100.0)),
            Cell::from(f.index_p25.map(|v| (v * 100.0).round() / 100.0)),
            Cell::from(f.index_p75.map(|v| (v * 100.0).round() / 100.0)),
            num(f.jjj_share),
        ]);
    }
    cells
}

/// The records of a year with their index scores.
fn entries<'a>(records: &'a [SurveyRecord], scores: &HashMap<String, f64>) -> Vec<Entry<'a>> {
    records
        .iter()
        .map(|r| Entry {
            record: r,
            index: scores.get(r.credit_code.as_str()).copied(),
        })
        .collect()
}

fn one_way_table(t: &OneWay, name: &str, log: &mut Vec<Vec<Cell>>) -> Table {
    let mut rows: Vec<Vec<Cell>> = t
        .labels
        .iter()
        .zip(&t.rows)
        .zip(&t.suppressed)
        .map(|((l, f), s)| {
            if let Some(r) = s {
                log.push(vec![
                    Cell::Text(name.into()),
                    Cell::Text(l.clone()),
                    Cell::Text(String::new()),
                    Cell::Text(reason_zh(*r).into()),
                ]);
            }
            row(l, f, s.is_some())
        })
        .collect();
    rows.push(row("合计", &t.total, false));
    Table {
        name: name.into(),
        headers: figure_headers(t.dimension.zh()),
        rows,
    }
}

pub fn run(args: &RegionArgs) -> Result<()> {
    if !(0.0..=1.0).contains(&args.dominance) {
        return Err(InvalidInput(format!(
            "--dominance {}: a share between 0 and 1",
            args.dominance
        ))
        .into());
    }
    let extension = args
        .out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    if !matches!(extension.as_deref(), Some("xlsx" | "html" | "pdf")) {
        return Err(InvalidInput(format!(
            "--out {}: name a .xlsx workbook, a .html report or a .pdf report",
            args.out.display()
        ))
        .into());
    }
    let rules = Rules {
        min_count: args.min_count,
        dominance: args.dominance,
    };
    runtime()?.block_on(async {
        let store = Store::open(&args.store.db).await.with_context(|| format!("opening the store {}", args.store.db))?;
        let years = store.years().await?;
        let year = args.year.or(years.last().copied()).ok_or_else(|| InvalidInput("the store holds no survey data".into()))?;
        if !years.contains(&year) {
            return Err(InvalidInput(format!("no survey records for {year}")).into());
        }
        // Every stored year is read once: its district figures give the year-by-year totals and the
        // district index; the chosen year's records are kept for the other tables.
        let builds = store.builds().await?;
        let latest_build = builds.first();
        let mut by_year = Vec::new();
        let mut index_years: Vec<(i32, OneWay)> = Vec::new();
        let mut chosen = None;
        for &y in &years {
            let records = store.load_year(y).await?;
            // Each year's scores come from the latest build covering it.
            let scores: HashMap<String, f64> = match builds.iter().find(|b| b.years.contains(&y)) {
                Some(b) => store.results(b.id, y).await?.into_iter().filter_map(|r| r.score.map(|s| (r.credit_code, s))).collect(),
                None => HashMap::new(),
            };
            let districts = one_way(&entries(&records, &scores), Dimension::District, &rules);
            by_year.push(row(&y.to_string(), &districts.total, districts.total.enterprises < rules.min_count));
            if latest_build.is_some_and(|b| b.years.contains(&y)) {
                index_years.push((y, districts.clone()));
            }
            if y == year {
                chosen = Some((records, scores, districts));
            }
        }
        let Some((records, scores, by_district)) = chosen else {
            return Err(InvalidInput(format!("no survey records for {year}")).into());
        };
        let entries = entries(&records, &scores);
        let mut log = Vec::new();
        let mut tables = Vec::new();
        tables.push(one_way_table(&by_district, "按区", &mut log));
        for (dim, name) in [(Dimension::Park, "按园区"), (Dimension::Industry, "按行业"), (Dimension::Field, "按技术领域"), (Dimension::Stage, "按发展阶段")] {
            tables.push(one_way_table(&one_way(&entries, dim, &rules), name, &mut log));
        }
        let mut latest_index: Vec<(String, f64)> = Vec::new();
        let cross = two_way(&entries, Dimension::District, Dimension::Industry, &rules);
        let mut headers = vec!["区 \\ 行业".to_string()];
        headers.extend(cross.column_labels.iter().cloned());
        let rows = cross
            .row_labels
            .iter()
            .enumerate()
            .map(|(r, label)| {
                let mut row = vec![Cell::Text(label.clone())];
                for (c, cell) in cross.cells[r].iter().enumerate() {
                    match cross.suppressed[r][c] {
                        Some(reason) => {
                            log.push(vec![Cell::Text("区×行业 研发费用".into()), Cell::Text(label.clone()), Cell::Text(cross.column_labels[c].clone()), Cell::Text(reason_zh(reason).into())]);
                            row.push(Cell::Text("x".into()));
                        }
                        None => row.push(Cell::Number((cell.total * 100.0).round() / 100.0)),
                    }
                }
                row
            })
            .collect();
        tables.push(Table { name: "区×行业 研发费用".into(), headers, rows });
        tables.insert(0, Table { name: "按年度".into(), headers: figure_headers("年度"), rows: by_year });
        // The regional composite index over the latest build's years.
        if !index_years.is_empty() {
            let refs: Vec<(i32, &OneWay)> = index_years.iter().map(|(y, t)| (*y, t)).collect();
            let scores = kechuang_region::composite::district_index(&refs, rules.min_count).map_err(|e| InvalidInput(format!("regional index: {e}")))?;
            if let Some(last) = scores.iter().map(|d| d.year).max() {
                let mut latest: Vec<_> = scores.iter().filter(|d| d.year == last).collect();
                latest.sort_by_key(|d| d.rank);
                latest_index = latest.iter().map(|d| (format!("{} ({last})", d.district), d.score)).collect();
            }
            let mut rows: Vec<Vec<Cell>> = scores
                .iter()
                .map(|d| vec![Cell::Text(d.district.clone()), Cell::from(d.year), Cell::Number((d.score * 100.0).round() / 100.0), Cell::from(d.rank), Cell::from(d.change.map(|c| (c * 100.0).round() / 100.0))])
                .collect();
            rows.sort_by_key(|r| match (&r[1], &r[3]) {
                (Cell::Number(y), Cell::Number(k)) => (-(*y as i64), *k as i64),
                _ => (0, i64::MAX),
            });
            tables.push(Table { name: "区域创新指数".into(), headers: ["区", "年度", "区域科技创新指数", "排名", "较上年变化"].map(String::from).to_vec(), rows });
        }
        let suppressions = log.len();
        tables.push(Table { name: "抑制记录".into(), headers: ["表 table", "行 row", "列 column", "原因 reason"].map(String::from).to_vec(), rows: log });
        let rules_text = format!("披露控制 / disclosure control: 企业数少于 {} 或单一企业占比超过 {:.0}% 的单元格以 x 表示, 并作次级抑制; {suppressions} 个单元格被抑制。", rules.min_count, rules.dominance * 100.0);
        match extension.as_deref() {
            Some("html") | Some("pdf") => {
                let page = report(year, records.len(), &rules_text, &by_district, &latest_index, &tables);
                if extension.as_deref() == Some("pdf") {
                    crate::portrait::print_pdf(&page, &args.out)?;
                } else {
                    std::fs::write(&args.out, page).with_context(|| format!("writing {}", args.out.display()))?;
                }
            }
            _ => write_xlsx(&tables, &args.out)?,
        }
        println!("{year}: {} enterprises, {} tables, {suppressions} suppressed cells (rules: < {} enterprises, > {:.0}% one enterprise); wrote {}", records.len(), tables.len() - 1, rules.min_count, rules.dominance * 100.0, args.out.display());
        Ok(())
    })
}

/// The regional report: charts of the district figures that may be published, then every table.
fn report(
    year: i32,
    enterprises: usize,
    rules_text: &str,
    by_district: &OneWay,
    latest_index: &[(String, f64)],
    tables: &[Table],
) -> String {
    // Suppressed districts stay out of the charts as they stay out of the tables.
    let published: Vec<(&String, &kechuang_region::tables::Figures)> = by_district
        .labels
        .iter()
        .zip(&by_district.rows)
        .zip(&by_district.suppressed)
        .filter(|(_, s)| s.is_none())
        .map(|((l, f), _)| (l, f))
        .collect();
    let bars =
        |f: &dyn Fn(&kechuang_region::tables::Figures) -> Option<f64>| -> Vec<(String, f64)> {
            let mut v: Vec<(String, f64)> = published
                .iter()
                .filter_map(|(l, fig)| f(fig).map(|v| ((*l).clone(), v)))
                .collect();
            v.sort_by(|a, b| b.1.total_cmp(&a.1));
            v
        };
    let body = maud::html! {
        p { (enterprises) " 家企业 / enterprises. " (rules_text) }
        div.row {
            (kechuang_tabular::bar_chart_markup(
                "企业数 / enterprises by district",
                &bars(&|f| Some(f.enterprises as f64)),
                "",
            ))
            (kechuang_tabular::bar_chart_markup(
                "研发强度 / R&D intensity by district",
                &bars(&|f| Some(f.rd_intensity)),
                "%",
            ))
            (kechuang_tabular::bar_chart_markup(
                "高企占比 / share of high-tech enterprises",
                &bars(&|f| Some(f.hnte_share)),
                "%",
            ))
            (kechuang_tabular::bar_chart_markup(
                "创新指数均值 / mean innovation index",
                &bars(&|f| f.index_mean),
                "",
            ))
            @if !latest_index.is_empty() {
                (kechuang_tabular::bar_chart_markup(
                    "区域科技创新指数 / district innovation index",
                    latest_index,
                    "",
                ))
            }
        }
        @for t in tables { (kechuang_tabular::table_html(t)) }
    };
    kechuang_tabular::report_page(
        "区域科技创新统计 / Regional innovation statistics",
        &format!("{year} 年度 / survey year {year}"),
        body,
    )
}
