//! Reading datasets and `iMeta` tables from CSV.

use std::collections::HashMap;
use std::path::Path;

use kechuang_engine::{Column, Dataset, GroupColumn, MetaRow};

use crate::error::{Error, Result};

/// Which columns of a data file are not numeric.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Extra group columns beyond those whose header ends in `_group`.
    pub group_columns: Vec<String>,
    /// The columns the framework uses (indicators, denominators, groups). When given, a text
    /// column outside them is ignored with a note instead of failing as "not a number".
    pub used_columns: Option<Vec<String>>,
}

/// Headers recognised as the unit code, name and year, compared without regard to case.
const CODE_HEADERS: &[&str] = &[
    "uCode",
    "code",
    "unit_code",
    "iso3",
    "iso3c",
    "country_code",
];
const NAME_HEADERS: &[&str] = &["uName", "name", "unit_name", "country", "country_name"];
const TIME_HEADERS: &[&str] = &["Time", "year", "period"];

/// A whole number written as an integer or as a float with no fraction (`2018`, `2018.0`, as R
/// and pandas export them).
fn whole_number(cell: &str) -> Option<i64> {
    let cell = cell.trim();
    cell.parse::<i64>().ok().or_else(|| {
        cell.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15)
            .map(|v| v as i64)
    })
}

pub(crate) fn csv_error(path: &Path, e: &csv::Error) -> Error {
    match e.kind() {
        csv::ErrorKind::Io(_) => Error::Io {
            path: path.to_path_buf(),
            error: std::io::Error::other(e.to_string()),
        },
        _ => Error::Csv {
            path: path.to_path_buf(),
            line: e.position().map_or(0, csv::Position::line),
            message: e.to_string(),
        },
    }
}

fn open(path: &Path) -> Result<(csv::Reader<std::fs::File>, Vec<String>)> {
    let file = std::fs::File::open(path).map_err(|error| Error::Io {
        path: path.to_path_buf(),
        error,
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(file);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(path, &e))?
        .iter()
        .enumerate()
        // A UTF-8 byte-order mark (Excel's "CSV UTF-8") clings to the first header.
        .map(|(i, h)| {
            if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                h
            }
            .trim()
            .to_string()
        })
        .collect();
    let mut seen = HashMap::new();
    for h in &headers {
        if seen.insert(h.as_str(), ()).is_some() {
            return Err(Error::DuplicateColumn {
                path: path.to_path_buf(),
                column: h.clone(),
            });
        }
    }
    Ok((reader, headers))
}

fn is_missing(cell: &str) -> bool {
    matches!(cell, "" | "NA" | "NaN" | "nan" | "#N/A" | "-")
}

fn number(path: &Path, line: u64, column: &str, cell: &str) -> Result<f64> {
    let cell = cell.trim();
    if is_missing(cell) {
        return Ok(f64::NAN);
    }
    match cell.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(Error::Cell {
            path: path.to_path_buf(),
            line,
            column: column.to_string(),
            value: cell.to_string(),
            message: "is not a number".into(),
        }),
    }
}

/// Reads a dataset: a unit code column, optional name, time and group columns, and numeric columns.
pub fn read_dataset(path: &Path, options: &ReadOptions) -> Result<Dataset> {
    read_dataset_noting(path, options).map(|(data, _)| data)
}

/// [`read_dataset`], with notes on what was recognised or ignored (a text column the framework
/// does not use, a name column used as the unit code) for the user to read.
pub fn read_dataset_noting(path: &Path, options: &ReadOptions) -> Result<(Dataset, Vec<String>)> {
    let (mut reader, headers) = open(path)?;
    let mut notes = Vec::new();
    let find = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| headers.iter().position(|h| h.eq_ignore_ascii_case(n)))
    };
    let name_col = find(NAME_HEADERS);
    let code_col = match (find(CODE_HEADERS), name_col) {
        (Some(c), _) => c,
        (None, Some(n)) => {
            notes.push(format!(
                "no unit code column ({}): the names in '{}' are used as codes",
                CODE_HEADERS.join(", "),
                headers[n]
            ));
            n
        }
        (None, None) => {
            return Err(Error::MissingColumn {
                path: path.to_path_buf(),
                column: "unit code".into(),
                expected: format!(
                    "{} (or a name column: {})",
                    CODE_HEADERS.join(", "),
                    NAME_HEADERS.join(", ")
                ),
            });
        }
    };
    let time_col = find(TIME_HEADERS);
    let is_group = |h: &str| h.ends_with("_group") || options.group_columns.iter().any(|g| g == h);
    let group_cols: Vec<usize> = (0..headers.len())
        .filter(|&i| Some(i) != name_col && i != code_col && is_group(&headers[i]))
        .collect();
    for g in &options.group_columns {
        if !headers.contains(g) {
            return Err(Error::MissingColumn {
                path: path.to_path_buf(),
                column: g.clone(),
                expected: "a group column named by the framework".into(),
            });
        }
    }
    let numeric_cols: Vec<usize> = (0..headers.len())
        .filter(|&i| {
            i != code_col && Some(i) != name_col && Some(i) != time_col && !group_cols.contains(&i)
        })
        .collect();

    let mut codes = Vec::new();
    let mut names = Vec::new();
    let mut times = Vec::new();
    let mut labels: Vec<Vec<String>> = vec![Vec::new(); group_cols.len()];
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); numeric_cols.len()];
    // A column found to hold text, with its first text cell (line, value); ignored at the end
    // when the framework does not use it.
    let used = |c: usize| {
        options
            .used_columns
            .as_ref()
            .is_none_or(|u| u.iter().any(|x| x == &headers[c]))
    };
    let mut text_cell: Vec<Option<(u64, String)>> = vec![None; numeric_cols.len()];
    let mut first_line: HashMap<(String, i32), u64> = HashMap::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(path, &e)),
        }
        let line = record.position().map_or(0, csv::Position::line);
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        let code = cell(code_col);
        if code.is_empty() {
            return Err(Error::Cell {
                path: path.to_path_buf(),
                line,
                column: headers[code_col].clone(),
                value: String::new(),
                message: "is empty: every row needs a unit code".into(),
            });
        }
        let time = match time_col {
            None => 0,
            Some(t) => whole_number(cell(t))
                .and_then(|y| i32::try_from(y).ok())
                .ok_or_else(|| Error::Cell {
                    path: path.to_path_buf(),
                    line,
                    column: headers[t].clone(),
                    value: cell(t).to_string(),
                    message: "is not a year".into(),
                })?,
        };
        if let Some(first) = first_line.insert((code.to_string(), time), line) {
            return Err(Error::DuplicateUnit {
                path: path.to_path_buf(),
                line,
                first_line: first,
                code: code.to_string(),
                year: time_col.map(|_| format!(" in {time}")).unwrap_or_default(),
            });
        }
        codes.push(code.to_string());
        names.push(name_col.map_or_else(|| code.to_string(), |n| cell(n).to_string()));
        times.push(time);
        for (k, &g) in group_cols.iter().enumerate() {
            labels[k].push(cell(g).to_string());
        }
        for (k, &c) in numeric_cols.iter().enumerate() {
            if text_cell[k].is_some() {
                values[k].push(f64::NAN);
                continue;
            }
            match number(path, line, &headers[c], cell(c)) {
                Ok(v) => values[k].push(v),
                Err(_) if !used(c) => {
                    text_cell[k] = Some((line, cell(c).to_string()));
                    values[k].push(f64::NAN);
                }
                Err(e) => return Err(e),
            }
        }
    }
    for (k, &c) in numeric_cols.iter().enumerate() {
        if let Some((line, value)) = &text_cell[k] {
            notes.push(format!(
                "column '{}' holds text (line {line}: '{value}') and the framework does not use it: ignored",
                headers[c]
            ));
        }
    }
    let keep: Vec<bool> = text_cell.iter().map(Option::is_none).collect();
    let data = Dataset {
        codes,
        names,
        times: time_col.map(|_| times),
        groups: group_cols
            .iter()
            .zip(labels)
            .map(|(&g, l)| GroupColumn::from_labels(headers[g].clone(), &l))
            .collect(),
        columns: numeric_cols
            .iter()
            .zip(values)
            .zip(keep)
            .filter(|(_, keep)| *keep)
            .map(|((&c, values), _)| Column {
                code: headers[c].clone(),
                values,
            })
            .collect(),
    };
    Ok((data, notes))
}

/// Reads COINr's `iMeta` table.
pub fn read_imeta(path: &Path) -> Result<Vec<MetaRow>> {
    let (mut reader, headers) = open(path)?;
    let col = |name: &str| -> Result<usize> {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| Error::MissingColumn {
                path: path.to_path_buf(),
                column: name.into(),
                expected: name.into(),
            })
    };
    let optional = |name: &str| headers.iter().position(|h| h == name);
    let (level, code, kind) = (col("Level")?, col("iCode")?, col("Type")?);
    let (name, direction, weight, parent) = (
        optional("iName"),
        optional("Direction"),
        optional("Weight"),
        optional("Parent"),
    );
    let (denominator, target, unit) = (
        optional("Denominator"),
        optional("Target"),
        optional("Unit"),
    );
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let text = |c: Option<usize>| {
            c.and_then(|c| record.get(c))
                .map(str::trim)
                .filter(|s| !s.is_empty() && *s != "NA")
                .map(str::to_string)
        };
        let num = |c: Option<usize>| -> Result<Option<f64>> {
            match c {
                None => Ok(None),
                Some(c) => {
                    let v = number(path, line, &headers[c], record.get(c).unwrap_or(""))?;
                    Ok((!v.is_nan()).then_some(v))
                }
            }
        };
        let level_value = match text(Some(level)) {
            None => None,
            Some(l) => Some(
                whole_number(&l)
                    .and_then(|v| u8::try_from(v).ok())
                    .ok_or_else(|| Error::Cell {
                        path: path.to_path_buf(),
                        line,
                        column: "Level".into(),
                        value: l.clone(),
                        message: "is not a level (1, 2, ...)".into(),
                    })?,
            ),
        };
        let code_value = text(Some(code)).ok_or_else(|| Error::Cell {
            path: path.to_path_buf(),
            line,
            column: "iCode".into(),
            value: String::new(),
            message: "is empty".into(),
        })?;
        rows.push(MetaRow {
            line: line as usize,
            level: level_value,
            name: text(name).unwrap_or_else(|| code_value.clone()),
            code: code_value,
            direction: num(direction)?,
            weight: num(weight)?,
            parent: text(parent),
            kind: text(Some(kind)).unwrap_or_default(),
            denominator: text(denominator),
            target: num(target)?,
            unit: text(unit),
        });
    }
    Ok(rows)
}
