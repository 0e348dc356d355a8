//! Reading COINr's `iMeta` table from CSV.

use std::path::Path;

use kechuang_engine::MetaRow;

use crate::csv_lines::CsvLines;
use crate::error::{Error, Result};
use crate::read::{clean_headers, number, whole_number};

/// Reads COINr's `iMeta` table.
pub fn read_imeta(path: &Path) -> Result<Vec<MetaRow>> {
    // A framework is a few hundred rows at most: read whole, its lines are counted from its bytes.
    let bytes = std::fs::read(path).map_err(|error| Error::Io {
        path: path.to_path_buf(),
        error,
    })?;
    let mut lines = CsvLines::new(&bytes, 1);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(bytes.as_slice());
    let headers = match reader.headers() {
        Ok(raw) => clean_headers(path, raw)?,
        Err(e) => return Err(lines.error(path, &e)),
    };
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
        let record = record.map_err(|e| lines.error(path, &e))?;
        let line = lines.of_record(&record);
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
