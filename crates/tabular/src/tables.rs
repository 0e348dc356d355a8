//! A build as named, rectangular tables: one per stage, the results and each record.

use kechuang_engine::steps::treat::{Side, SkewKurtCheck};
use kechuang_engine::{Build, Dataset, Stage};

pub use crate::write::write_csv_table;

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A number; `NAN` is written as an empty cell.
    Number(f64),
    /// Nothing.
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<f64> for Cell {
    fn from(v: f64) -> Self {
        Cell::Number(v)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(v: Option<T>) -> Self {
        v.map_or(Cell::Empty, Into::into)
    }
}

impl From<u32> for Cell {
    fn from(v: u32) -> Self {
        Cell::Number(f64::from(v))
    }
}

impl From<i32> for Cell {
    fn from(v: i32) -> Self {
        Cell::Number(f64::from(v))
    }
}

impl From<usize> for Cell {
    fn from(v: usize) -> Self {
        Cell::Number(v as f64)
    }
}

impl From<bool> for Cell {
    fn from(v: bool) -> Self {
        Cell::Text(if v { "TRUE" } else { "FALSE" }.into())
    }
}

/// A named sheet: a header row and data rows of the same width.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// File stem and sheet name, e.g. `normalised`.
    pub name: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

/// A dataset as a table in the layout [`crate::read_dataset`] reads back: `uCode`, `uName`, `Time`
/// (panel data), the group columns, then the numeric columns.
pub fn dataset_table(name: &str, data: &Dataset) -> Table {
    let mut headers = vec!["uCode".to_string(), "uName".to_string()];
    if data.times.is_some() {
        headers.push("Time".into());
    }
    headers.extend(data.groups.iter().map(|g| g.name.clone()));
    headers.extend(data.columns.iter().map(|c| c.code.clone()));
    let rows = (0..data.len())
        .map(|u| {
            let mut row: Vec<Cell> =
                vec![data.codes[u].as_str().into(), data.names[u].as_str().into()];
            if let Some(t) = &data.times {
                row.push(t[u].into());
            }
            row.extend(data.groups.iter().map(|g| Cell::from(g.label(u))));
            row.extend(data.columns.iter().map(|c| Cell::Number(c.values[u])));
            row
        })
        .collect();
    Table {
        name: name.to_string(),
        headers,
        rows,
    }
}

fn stage_table(stage: &Stage) -> Table {
    let mut headers = vec!["uCode".to_string()];
    if stage.times.is_some() {
        headers.push("Time".into());
    }
    headers.extend(stage.codes.iter().cloned());
    let rows = (0..stage.units.len())
        .map(|u| {
            let mut row: Vec<Cell> = vec![stage.units[u].as_str().into()];
            if let Some(t) = &stage.times {
                row.push(t[u].into());
            }
            row.extend(stage.columns.iter().map(|c| Cell::Number(c[u])));
            row
        })
        .collect();
    Table {
        name: stage.name.to_string(),
        headers,
        rows,
    }
}

/// A table of one row per unit whose rows are made as they are written: a million units'
/// results are never held as cells.
pub struct RowTable<'a> {
    /// File stem and sheet name.
    pub name: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows.
    pub len: usize,
    /// Row `u`.
    pub row: Box<dyn Fn(usize) -> Vec<Cell> + Send + Sync + 'a>,
}

impl RowTable<'_> {
    /// Every row made at once (for a workbook).
    pub fn materialise(&self) -> Table {
        Table {
            name: self.name.clone(),
            headers: self.headers.clone(),
            rows: (0..self.len).map(|u| (self.row)(u)).collect(),
        }
    }
}

/// The results table's columns: each unit's code, name, year and groups, its ranks, the index's
/// change on the year before, then every node's published score (highest level first) and the
/// unrounded score of those rounded. Shared by the table's cells ([`results_rows`]) and its
/// CSV text written with the stages ([`write_results_and_held_stages_csv`]), so that both give
/// the same columns.
struct ResultsPlan<'a> {
    build: &'a Build,
    headers: Vec<String>,
    yoy: Option<Vec<f64>>,
    /// Nodes, highest level first.
    order: Vec<usize>,
    /// The published scores of `order`; borrowed where a node is not rounded.
    published: Vec<std::borrow::Cow<'a, [f64]>>,
    /// Nodes whose published scores are rounded.
    rounded: Vec<usize>,
}

impl<'a> ResultsPlan<'a> {
    fn new(build: &'a Build) -> ResultsPlan<'a> {
        let fw = &build.framework;
        let units = &build.units;
        let mut headers = vec!["uCode".to_string(), "uName".to_string()];
        if units.times.is_some() {
            headers.push("Time".into());
        }
        headers.extend(units.groups.iter().map(|g| g.name.clone()));
        headers.push("Rank".into());
        headers.extend(build.group_ranks.iter().map(|(g, _)| format!("Rank_{g}")));
        headers.extend(
            build
                .aggregate_ranks
                .iter()
                .map(|(a, _)| format!("Rank_{}", fw.nodes[*a].code)),
        );
        let root = fw.root();
        let yoy = units.times.as_ref().map(|_| build.year_on_year(root));
        if yoy.is_some() {
            headers.push(format!("{}_change", fw.nodes[root].code));
        }
        // Highest level first, as COINr's results table.
        let mut order: Vec<usize> = (0..fw.nodes.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(fw.nodes[i].level));
        headers.extend(order.iter().map(|&i| fw.nodes[i].code.clone()));
        // Scores as published (rounded where the framework sets decimals), then the unrounded
        // scores of those rounded, so that nothing is lost.
        let published: Vec<_> = order.iter().map(|&i| build.published(i)).collect();
        let rounded: Vec<usize> = order
            .iter()
            .copied()
            .filter(|&i| fw.nodes[i].decimals.is_some())
            .collect();
        headers.extend(
            rounded
                .iter()
                .map(|&i| format!("{}_unrounded", fw.nodes[i].code)),
        );
        ResultsPlan {
            build,
            headers,
            yoy,
            order,
            published,
            rounded,
        }
    }

    /// Row `u`'s cells before the scores, in order, borrowed from the build.
    fn each_leading_cell(&self, u: usize, mut cell: impl FnMut(CellRef<'_>)) {
        let (build, units) = (self.build, &self.build.units);
        let rank = |r: Option<u32>| r.map_or(CellRef::Empty, |r| CellRef::Number(f64::from(r)));
        cell(CellRef::Text(&units.codes[u]));
        cell(CellRef::Text(&units.names[u]));
        if let Some(t) = &units.times {
            cell(CellRef::Number(f64::from(t[u])));
        }
        for g in &units.groups {
            cell(g.label(u).map_or(CellRef::Empty, CellRef::Text));
        }
        cell(rank(build.ranks[u]));
        for (_, r) in &build.group_ranks {
            cell(rank(r[u]));
        }
        for (_, r) in &build.aggregate_ranks {
            cell(rank(r[u]));
        }
        if let Some(y) = &self.yoy {
            cell(CellRef::Number(y[u]));
        }
    }

    /// Row `u`'s cells before the scores.
    fn leading_cells(&self, u: usize) -> Vec<Cell> {
        let mut row = Vec::new();
        self.each_leading_cell(u, |c| row.push(c.to_cell()));
        row
    }

    /// Row `u`'s cells before the scores as CSV, as [`push_row`](crate::write::push_row) writes
    /// [`leading_cells`](Self::leading_cells) but without the line feed, and without a copy of
    /// any text (a million rows' codes, names and group labels were seven million allocations).
    fn push_leading_cells(&self, out: &mut Vec<u8>, u: usize) {
        let mut first = true;
        self.each_leading_cell(u, |c| {
            if !first {
                out.push(b',');
            }
            first = false;
            crate::write::push_cell(out, c);
        });
    }
}

/// A cell borrowed from the build, to be written without a copy of its text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum CellRef<'a> {
    Text(&'a str),
    /// `NAN` is written as an empty cell.
    Number(f64),
    Empty,
}

impl CellRef<'_> {
    fn to_cell(self) -> Cell {
        match self {
            CellRef::Text(s) => Cell::Text(s.to_string()),
            CellRef::Number(v) => Cell::Number(v),
            CellRef::Empty => Cell::Empty,
        }
    }
}

impl Cell {
    /// The cell, borrowed.
    pub(crate) fn borrowed(&self) -> CellRef<'_> {
        match self {
            Cell::Text(s) => CellRef::Text(s),
            Cell::Number(v) => CellRef::Number(*v),
            Cell::Empty => CellRef::Empty,
        }
    }
}

fn results_rows(build: &Build) -> RowTable<'_> {
    let plan = ResultsPlan::new(build);
    RowTable {
        name: "results".into(),
        headers: plan.headers.clone(),
        len: build.rows.len(),
        row: Box::new(move |u| {
            let mut row = plan.leading_cells(u);
            row.extend(plan.published.iter().map(|c| Cell::Number(c[u])));
            row.extend(
                plan.rounded
                    .iter()
                    .map(|&i| Cell::Number(plan.build.scores[i][u])),
            );
            row
        }),
    }
}

/// Writes `results` and, beside it, the stages of `held` (names from
/// [`kechuang_engine::Framework::stages_held_in_scores`], with their paths) from the build's
/// scores, in one pass: each unit's scores are formatted once, then copied into every file that
/// shows them. The same bytes as [`crate::write_row_table_csv`] of the results table and
/// [`crate::write_stage_csv`] of each stage. Returns the results' digest and the stages', in order.
pub fn write_results_and_held_stages_csv(
    build: &Build,
    results: &std::path::Path,
    held: &[(&str, &std::path::Path)],
) -> crate::Result<(crate::OutputDigest, Vec<crate::OutputDigest>)> {
    use crate::write::{
        SHORT, gather_rows, push_number, push_slice_of_padded, push_stage_unit, stage_headers,
    };
    let plan = ResultsPlan::new(build);
    let fw = &build.framework;
    let units = &build.units;
    let node_codes: Vec<&str> = fw.nodes.iter().map(|n| n.code.as_str()).collect();
    // Each held stage: its headers and how many of the scores' columns it shows.
    let mut stages: Vec<(Vec<&str>, usize)> = Vec::new();
    for (name, _) in held {
        let columns = match *name {
            "normalised" => fw.indicator_count,
            "aggregated" => fw.nodes.len(),
            _ => {
                return Err(crate::Error::Io {
                    path: results.to_path_buf(),
                    error: std::io::Error::other(format!("stage '{name}' is not held in scores")),
                });
            }
        };
        let headers = stage_headers(units.times.is_some(), node_codes[..columns].iter().copied());
        stages.push((headers, columns));
    }
    let result_headers: Vec<&str> = plan.headers.iter().map(String::as_str).collect();
    let mut files: Vec<(&std::path::Path, &[&str])> = vec![(results, &result_headers)];
    files.extend(
        held.iter()
            .zip(&stages)
            .map(|((_, p), (h, _))| (*p, h.as_slice())),
    );
    // Per block of rows: the text of every node's score of the row, and where each ends.
    #[derive(Default)]
    struct Scratch {
        text: Vec<u8>,
        ends: Vec<usize>,
        values: Vec<f64>,
    }
    let mut digests = crate::write::write_rows_to_files(
        &files,
        false,
        build.rows.len(),
        |s: &mut Scratch, outs, rows| {
            let width = build.scores.len();
            gather_rows(
                &mut s.values,
                build.scores.iter().map(|c| &c[..]),
                rows.clone(),
            );
            let Some((out, stage_outs)) = outs.split_first_mut() else {
                return;
            };
            for (u, values) in rows.zip(s.values.chunks_exact(width.max(1))) {
                s.text.clear();
                s.ends.clear();
                for &v in &values[..width] {
                    push_number(&mut s.text, v);
                    s.ends.push(s.text.len());
                }
                s.text.extend_from_slice(&[0; SHORT]);
                let text = &s.text;
                let score = |i: usize| (if i == 0 { 0 } else { s.ends[i - 1] }, s.ends[i]);
                let copy = |out: &mut Vec<u8>, i: usize| {
                    let (start, end) = score(i);
                    push_slice_of_padded(out, text, start, end);
                };
                // The results: the leading cells as the table has them, then the scores.
                plan.push_leading_cells(out, u);
                for (&i, published) in plan.order.iter().zip(&plan.published) {
                    out.push(b',');
                    match published {
                        std::borrow::Cow::Borrowed(_) => copy(out, i),
                        std::borrow::Cow::Owned(rounded) => push_number(out, rounded[u]),
                    }
                }
                for &i in &plan.rounded {
                    out.push(b',');
                    copy(out, i);
                }
                out.push(b'\n');
                for (out, (_, columns)) in stage_outs.iter_mut().zip(&stages) {
                    push_stage_unit(out, &units.codes[u], units.times.as_ref().map(|t| t[u]));
                    for i in 0..*columns {
                        out.push(b',');
                        copy(out, i);
                    }
                    out.push(b'\n');
                }
            }
        },
    )?;
    // One digest per file, the results' first.
    let stages = digests.split_off(1);
    let results = digests.pop().ok_or_else(|| crate::Error::Io {
        path: results.to_path_buf(),
        error: std::io::Error::other("the results were not written"),
    })?;
    Ok((results, stages))
}

fn check_cells(c: Option<SkewKurtCheck>) -> [Cell; 3] {
    match c {
        Some(c) => [c.pass.into(), c.skew.into(), c.kurt.into()],
        None => [Cell::Empty, Cell::Empty, Cell::Empty],
    }
}

fn treatment_table(build: &Build) -> Table {
    let headers = [
        "iCode",
        "Year",
        "Pass0",
        "Skew0",
        "Kurt0",
        "Winsorised",
        "Pass1",
        "Skew1",
        "Kurt1",
        "Transform",
        "Pass2",
        "Skew2",
        "Kurt2",
        "Points",
    ];
    let rows = build
        .records
        .treated
        .iter()
        .map(|t| {
            let d = &t.details;
            let mut row: Vec<Cell> = vec![t.indicator.as_str().into(), t.year.into()];
            row.extend(check_cells(Some(d.initial)));
            row.push(d.winsorised.into());
            row.extend(check_cells(d.after_winsorising));
            row.push(d.transform.into());
            row.extend(check_cells(d.after_transform));
            let points: Vec<String> = t
                .points
                .iter()
                .map(|p| {
                    let side = if p.side == Side::High { "high" } else { "low" };
                    match p.time {
                        Some(y) => format!("{} {y} ({side})", p.unit),
                        None => format!("{} ({side})", p.unit),
                    }
                })
                .collect();
            row.push(points.join("; ").into());
            row
        })
        .collect();
    Table {
        name: "treatment".into(),
        headers: headers.map(String::from).to_vec(),
        rows,
    }
}

fn records_tables(build: &Build) -> Vec<Table> {
    let r = &build.records;
    let mut out = Vec::new();
    out.push(Table {
        name: "screening".into(),
        headers: ["uCode", "Time", "Share"].map(String::from).to_vec(),
        rows: r
            .screened_out
            .iter()
            .map(|s| vec![s.code.as_str().into(), s.time.into(), s.share.into()])
            .collect(),
    });
    out.push(Table {
        name: "imputation".into(),
        headers: ["iCode", "Year", "Imputed", "StillMissing"]
            .map(String::from)
            .to_vec(),
        rows: r
            .imputed
            .iter()
            .map(|i| {
                vec![
                    i.indicator.as_str().into(),
                    i.year.into(),
                    i.count.into(),
                    i.still_missing.into(),
                ]
            })
            .collect(),
    });
    out.push(Table {
        name: "weights".into(),
        headers: ["Aggregate", "Child", "Year", "Weight", "PcaExplained"]
            .map(String::from)
            .to_vec(),
        rows: r
            .weights
            .iter()
            .map(|w| {
                vec![
                    w.aggregate.as_str().into(),
                    w.child.as_str().into(),
                    w.year.into(),
                    w.weight.into(),
                    w.pca_explained.into(),
                ]
            })
            .collect(),
    });
    out.push(Table {
        name: "warnings".into(),
        headers: vec!["Warning".into()],
        rows: r.warnings.iter().map(|w| vec![w.as_str().into()]).collect(),
    });
    out
}

fn profiles_rows(build: &Build) -> RowTable<'_> {
    let profiles = build.indicator_ranks(3);
    // "code (rank); code (rank)", made in one string (a format and a copy of the code for each
    // of six indicators of a million units were a few percent of a build).
    let list = |places: &mut dyn Iterator<Item = (&str, u32)>| -> Cell {
        let mut text = String::with_capacity(64);
        for (k, (code, rank)) in places.enumerate() {
            if k > 0 {
                text.push_str("; ");
            }
            text.push_str(code);
            text.push_str(" (");
            text.push_str(itoa::Buffer::new().format(rank));
            text.push(')');
        }
        text.into()
    };
    let mut headers = vec!["uCode".to_string()];
    if build.units.times.is_some() {
        headers.push("Time".into());
    }
    headers.extend(["Strengths".to_string(), "Weaknesses".to_string()]);
    RowTable {
        name: "strengths".into(),
        headers,
        len: build.rows.len(),
        row: Box::new(move |u| {
            let mut row: Vec<Cell> = Vec::with_capacity(4);
            row.push(build.units.codes[u].as_str().into());
            if let Some(t) = &build.units.times {
                row.push(t[u].into());
            }
            row.push(list(&mut profiles.strengths(u)));
            row.push(list(&mut profiles.weaknesses(u)));
            row
        }),
    }
}

/// Each unit's first and last score and growth (panel data): a row per unit, made as written.
fn trends_rows(build: &Build) -> RowTable<'_> {
    let trends = build.trend_series(build.framework.root());
    RowTable {
        name: "trends".into(),
        headers: ["uCode", "FirstYear", "LastYear", "First", "Last", "CAGR"]
            .map(String::from)
            .to_vec(),
        len: trends.len(),
        row: Box::new(move |u| {
            let t = trends.get(u);
            vec![
                t.code.into(),
                t.first_year.into(),
                t.last_year.into(),
                t.first.into(),
                t.last.into(),
                t.cagr.into(),
            ]
        }),
    }
}

/// Every table of a build: the stages (when kept), `results`, `strengths`, `trends` (panel data),
/// `treatment`, `screening`, `imputation`, `weights` and `warnings`.
pub fn build_tables(build: &Build) -> Vec<Table> {
    let mut out: Vec<Table> = build.stages.iter().map(stage_table).collect();
    out.extend(result_tables(build));
    out
}

/// The tables of [`build_tables`] after the stages, every row made.
pub fn result_tables(build: &Build) -> Vec<Table> {
    let (per_unit, others) = rayon::join(|| unit_tables(build), || other_tables(build));
    per_unit
        .iter()
        .map(RowTable::materialise)
        .chain(others)
        .collect()
}

/// `results`, `strengths` and `trends` (panel data): one row per unit, made as they are written.
pub fn unit_tables(build: &Build) -> Vec<RowTable<'_>> {
    let (results, others) = rayon::join(
        || results_rows(build),
        || unit_tables_besides_results(build),
    );
    std::iter::once(results).chain(others).collect()
}

/// [`unit_tables`] but `results`, for a writer that writes the results its own way
/// ([`write_results_and_held_stages_csv`]).
pub fn unit_tables_besides_results(build: &Build) -> Vec<RowTable<'_>> {
    let (profiles, trends) = rayon::join(
        || profiles_rows(build),
        || build.units.times.is_some().then(|| trends_rows(build)),
    );
    std::iter::once(profiles).chain(trends).collect()
}

/// `treatment` and the records' tables.
pub fn other_tables(build: &Build) -> Vec<Table> {
    let mut out = vec![treatment_table(build)];
    out.extend(records_tables(build));
    out
}
