//! Survey rows straight from CSV text, in parallel pieces: each record is parsed from the cells
//! the CSV reader holds, without first copying the file into a grid of strings (that copy was most
//! of a million-row file's reading time and its memory).

use std::path::Path;

use kechuang_domain::{Cells, Field, Issue, ParseContext, SurveyRecord, parse_record};
use rayon::prelude::*;

use crate::csv_lines::CsvLines;
use crate::error::{Error, Result};
use crate::grid::{GridLimits, charge_record};
use crate::read::record_pieces;

/// A data row as parsed: its record when it has no error, and its issues; `None` for a blank row.
pub(crate) type Parsed = Option<(Option<SurveyRecord>, Vec<Issue>)>;

/// The header row of CSV text (`None` when the text has no record), and where the data starts:
/// the byte and the line.
pub(crate) fn header(path: &Path, text: &str) -> Result<Option<(Vec<String>, usize, u64)>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    if !reader
        .read_record(&mut record)
        .map_err(|e| CsvLines::new(text.as_bytes(), 1).error(path, &e))?
    {
        return Ok(None);
    }
    let at = reader.position();
    Ok(Some((
        record.iter().map(str::to_string).collect(),
        at.byte() as usize,
        at.line(),
    )))
}

/// The cells of one CSV record by field.
struct RecordCells<'a> {
    record: &'a csv::StringRecord,
    /// The column of each field, indexed by [`Field::ordinal`].
    columns: &'a [Option<usize>],
}

impl Cells for RecordCells<'_> {
    fn text(&self, field: Field) -> Option<&str> {
        self.columns[field.ordinal()].and_then(|c| self.record.get(c))
    }
}

/// One piece's rows in order, with each record's width, up to the piece's first CSV error.
struct Piece {
    widths: Vec<usize>,
    rows: Vec<Parsed>,
    error: Option<Error>,
}

/// Parses every data row from `start` (the line `first_line`), the columns of fields given by
/// `columns` (indexed by [`Field::ordinal`]). Rows come back in file order; the limits are charged
/// in file order too (the header as row 0), so the first row over them is the one named.
pub(crate) fn rows(
    path: &Path,
    text: &str,
    (start, first_line): (usize, u64),
    header_width: usize,
    columns: &[Option<usize>],
    limits: &GridLimits,
    cx: &ParseContext,
) -> Result<Vec<Parsed>> {
    let bytes = text.as_bytes();
    let pieces: Vec<Piece> = record_pieces(bytes, start, first_line)
        .into_par_iter()
        .map(|(range, line)| parse_piece(path, &bytes[range], line, columns, cx))
        .collect();
    let mut cells = 0;
    charge_record(limits, path, &mut cells, 0, header_width)?;
    let mut out = Vec::with_capacity(pieces.iter().map(|p| p.rows.len()).sum());
    for piece in pieces {
        for (width, row) in piece.widths.into_iter().zip(piece.rows) {
            charge_record(limits, path, &mut cells, out.len() + 1, width)?;
            out.push(row);
        }
        if let Some(e) = piece.error {
            return Err(e);
        }
    }
    Ok(out)
}

fn parse_piece(
    path: &Path,
    bytes: &[u8],
    first_line: u64,
    columns: &[Option<usize>],
    cx: &ParseContext,
) -> Piece {
    let mut piece = Piece {
        widths: Vec::new(),
        rows: Vec::new(),
        error: None,
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => return piece,
            Err(e) => {
                piece.error = Some(CsvLines::new(bytes, first_line).error(path, &e));
                return piece;
            }
        }
        piece.widths.push(record.len());
        piece
            .rows
            .push(if record.iter().all(|c| c.trim().is_empty()) {
                None
            } else {
                Some(parse_record(
                    &RecordCells {
                        record: &record,
                        columns,
                    },
                    cx,
                ))
            });
    }
}
