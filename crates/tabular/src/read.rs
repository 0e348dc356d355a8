//! Reading datasets from CSV.

mod plain_cut;

use std::collections::HashMap;
use std::path::Path;

use kechuang_engine::{Column, Dataset, GroupColumn};

use plain_cut::{plain_cells, plain_text};

use rayon::prelude::*;

use crate::csv_lines::CsvLines;
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
pub(crate) fn whole_number(cell: &str) -> Option<i64> {
    let cell = cell.trim();
    cell.parse::<i64>().ok().or_else(|| {
        cell.parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && v.fract() == 0.0 && v.abs() < 1e15)
            .map(|v| v as i64)
    })
}

/// A header row's cells trimmed, without the byte-order mark that clings to the first (Excel's
/// "CSV UTF-8"), each name at most once.
pub(crate) fn clean_headers(path: &Path, raw: &csv::StringRecord) -> Result<Vec<String>> {
    let headers: Vec<String> = raw
        .iter()
        .enumerate()
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
    Ok(headers)
}

fn is_missing(cell: &str) -> bool {
    matches!(cell, "" | "NA" | "NaN" | "nan" | "#N/A" | "-")
}

/// `cell` without white space at either end, as `str::trim` gives it; a cell that starts and
/// ends with a visible ASCII character (nearly every one) is returned without looking further.
fn trimmed(cell: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    let bytes = cell.as_bytes();
    if visible(bytes.first()) && visible(bytes.last()) {
        cell
    } else {
        cell.trim()
    }
}

pub(crate) fn number(path: &Path, line: u64, column: &str, cell: &str) -> Result<f64> {
    let cell = trimmed(cell);
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
    read_in_chunks(path, options, CHUNK)
}

/// [`read_dataset_noting`], holding about `chunk` bytes of the file at a time.
fn read_in_chunks(
    path: &Path,
    options: &ReadOptions,
    chunk: usize,
) -> Result<(Dataset, Vec<String>)> {
    let io = |error| Error::Io {
        path: path.to_path_buf(),
        error,
    };
    let (headers, data_start, records_from_line) = header_of(path)?;
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

    // A column found to hold text, with its first text cell (line, value); ignored at the end
    // when the framework does not use it.
    let used = |c: usize| {
        options
            .used_columns
            .as_ref()
            .is_none_or(|u| u.iter().any(|x| x == &headers[c]))
    };
    let layout = Layout {
        path,
        headers: &headers,
        code_col,
        name_col,
        time_col,
        group_cols: &group_cols,
        numeric_cols: &numeric_cols,
        used: &used,
    };
    // The file is read a chunk at a time, never whole: each chunk's complete records are cut into
    // pieces parsed in parallel, joined in file order onto the columns, and let go before the
    // next chunk is read. Errors and notes are those a reading from the top gives.
    use std::io::Seek;
    let mut file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len() as usize;
    file.seek(std::io::SeekFrom::Start(data_start as u64))
        .map_err(io)?;
    let chunk = chunk.min(size.saturating_sub(data_start)).max(1);
    let target = piece_size(chunk);
    let mut buffer: Vec<u8> = Vec::with_capacity(chunk);
    // The buffer a chunk was parsed from is filled again with the chunk after next: a fresh one
    // each time had its 64 MiB of pages faulted in and zeroed by the kernel again.
    let mut spare: Vec<u8> = Vec::new();
    let (mut line, mut consumed) = (records_from_line, 0usize);
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); numeric_cols.len()];
    let mut codes = Vec::new();
    let mut names = Vec::new();
    let mut times = Vec::new();
    let mut lines: Vec<u64> = Vec::new();
    let mut labels: Vec<Vec<String>> = vec![Vec::new(); group_cols.len()];
    let mut text_cell: Vec<Option<(u64, String)>> = vec![None; numeric_cols.len()];
    let mut failure;
    let mut at_end = fill(&mut file, &mut buffer, chunk).map_err(io)?;
    loop {
        let (mut ranges, end, next_line) = whole_record_pieces(&buffer, 0, line, target);
        if at_end && end < buffer.len() {
            ranges.push((end..buffer.len(), next_line));
        }
        // The next chunk is read (after the unfinished record) while this one is parsed.
        let (pieces, next): (Vec<Piece>, std::io::Result<(Vec<u8>, bool)>) = rayon::join(
            || {
                ranges
                    .into_par_iter()
                    .map(|(range, line)| layout.parse(&buffer[range], line))
                    .collect()
            },
            || {
                let mut next = std::mem::take(&mut spare);
                next.clear();
                if at_end {
                    return Ok((next, true));
                }
                let room = buffer.len() - end + chunk;
                if next.capacity() < room {
                    // A little more than needed: the unfinished record carried over differs
                    // in length from chunk to chunk.
                    next.reserve_exact(room + room / 64);
                }
                next.extend_from_slice(&buffer[end..]);
                let at_end = fill(&mut file, &mut next, chunk)?;
                Ok((next, at_end))
            },
        );
        // Rows after a piece's first error are not read, as a reading from the top stops there.
        let read = pieces
            .iter()
            .position(|p| p.error.is_some())
            .map_or(pieces.len(), |k| k + 1);
        let mut pieces = pieces;
        failure = pieces
            .get_mut(..read)
            .and_then(|p| p.last_mut()?.error.take());
        let pieces = &mut pieces[..read];
        let rows: usize = pieces.iter().map(|p| p.codes.len()).sum();
        consumed += end;
        // The columns are given room for the rows the rest of the file holds at this chunk's
        // density, so that they grow a few times, never doubling past the data.
        if values
            .first()
            .is_some_and(|v| v.capacity() < v.len() + rows)
        {
            let per_byte = (codes.len() + rows) as f64 / consumed.max(1) as f64;
            let left = size.saturating_sub(data_start + consumed) as f64 * per_byte * 1.02;
            let room = rows + left as usize;
            values.par_iter_mut().for_each(|v| v.reserve_exact(room));
        }
        values.par_iter_mut().enumerate().for_each(|(k, all)| {
            for p in pieces.iter() {
                all.extend_from_slice(&p.values[k]);
            }
        });
        for piece in pieces.iter_mut() {
            codes.append(&mut piece.codes);
            names.append(&mut piece.names);
            times.append(&mut piece.times);
            lines.append(&mut piece.lines);
            for (all, mine) in labels.iter_mut().zip(&mut piece.labels) {
                all.append(mine);
            }
            for (first, mine) in text_cell.iter_mut().zip(&mut piece.text_cell) {
                if first.is_none() {
                    *first = mine.take();
                }
            }
        }
        if failure.is_some() || at_end {
            break;
        }
        // The unfinished record is at the front of the next chunk.
        let (next, next_at_end) = next.map_err(&io)?;
        spare = std::mem::replace(&mut buffer, next);
        at_end = next_at_end;
        line = next_line;
    }
    drop((buffer, spare));
    // The group columns are coded while the rows are checked for a unit twice, each on a core of
    // its own: one after the other, they left a core idle for a fifth of a second at 10⁶ rows.
    let (duplicate, groups) = rayon::join(
        || {
            let mut first_line: foldhash::HashMap<(&str, i32), u64> =
                foldhash::HashMap::with_capacity_and_hasher(codes.len(), Default::default());
            for ((code, &time), &line) in codes.iter().zip(&times).zip(&lines) {
                if let Some(first) = first_line.insert((code.as_str(), time), line) {
                    return Some(Error::DuplicateUnit {
                        path: path.to_path_buf(),
                        line,
                        first_line: first,
                        code: code.clone(),
                        year: time_col.map(|_| format!(" in {time}")).unwrap_or_default(),
                    });
                }
            }
            None
        },
        || {
            group_cols
                .par_iter()
                .zip(labels)
                .map(|(&g, l)| GroupColumn::from_labels(headers[g].clone(), &l))
                .collect::<Vec<_>>()
        },
    );
    // A unit twice (in the same year) among the rows read comes before any later error.
    if let Some(e) = duplicate.or(failure) {
        return Err(e);
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
        groups,
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

/// The header of a data file: its cells (a byte-order mark removed, trimmed, none twice), the
/// byte where the records start and the line of the first record.
fn header_of(path: &Path) -> Result<(Vec<String>, usize, u64)> {
    let file = std::fs::File::open(path).map_err(|error| Error::Io {
        path: path.to_path_buf(),
        error,
    })?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(file);
    let headers = match reader.headers() {
        Ok(raw) => clean_headers(path, raw)?,
        Err(e) => return Err(header_error(path, &e)),
    };
    let at = reader.position();
    Ok((headers, at.byte() as usize, at.line()))
}

/// A reader's error in a data file's header, on the line counted from the bytes before it (a
/// header may follow blank lines; the 64 KiB read past the reader's place cover them).
fn header_error(path: &Path, e: &csv::Error) -> Error {
    use std::io::Read;
    let upto = e.position().map_or(0, csv::Position::byte);
    let mut head = Vec::new();
    if let Ok(file) = std::fs::File::open(path) {
        // Only the line number depends on this read; the error stands without it.
        let _ = file
            .take(upto.saturating_add(1 << 16))
            .read_to_end(&mut head);
    }
    CsvLines::new(&head, 1).error(path, e)
}

/// The records from `start` cut into pieces of about a few megabytes, each ending at a line
/// break outside quotes, with the line its first record starts on.
pub(crate) fn record_pieces(
    bytes: &[u8],
    start: usize,
    first_line: u64,
) -> Vec<(std::ops::Range<usize>, u64)> {
    let start = start.min(bytes.len());
    let target = piece_size(bytes.len() - start);
    let (mut pieces, end, line) = whole_record_pieces(bytes, start, first_line, target);
    if end < bytes.len() {
        pieces.push((end..bytes.len(), line));
    }
    pieces
}

/// Appends up to `chunk` bytes of `file` to `buffer`; true when the file ended first.
///
/// Read into the vector's spare room (`read_to_end` of a `take`), which is not zeroed first as a
/// `resize` would zero it.
fn fill(file: &mut std::fs::File, buffer: &mut Vec<u8>, chunk: usize) -> std::io::Result<bool> {
    use std::io::Read;
    let read = file.take(chunk as u64).read_to_end(buffer)?;
    Ok(read < chunk)
}

/// How much of a data file is held at once while it is read (two at once: one parsed while the
/// next is read).
const CHUNK: usize = 64 << 20;

/// About eight pieces a thread, of 1 to 8 MiB.
fn piece_size(bytes: usize) -> usize {
    (bytes / (rayon::current_num_threads() * 8)).clamp(1 << 20, 8 << 20)
}

/// The complete records of `bytes[start..]` (those ending at a line break outside quotes) cut
/// into pieces of about `target` bytes, each with the line its first record starts on; then the
/// byte where the unfinished rest begins and its line.
fn whole_record_pieces(
    bytes: &[u8],
    start: usize,
    first_line: u64,
    target: usize,
) -> (Vec<(std::ops::Range<usize>, u64)>, usize, u64) {
    let mut pieces = Vec::new();
    let (mut from, mut line) = (start, first_line);
    let (mut quoted, mut lines_here) = (false, 0u64);
    let mut last_break = None;
    // Only quotes and line breaks matter: found by memchr, not by looking at every byte.
    for i in memchr::memchr2_iter(b'"', b'\n', &bytes[start..]).map(|i| i + start) {
        match bytes[i] {
            b'"' => quoted = !quoted,
            b'\n' => {
                lines_here += 1;
                if !quoted {
                    last_break = Some((i, lines_here));
                    if i + 1 - from >= target {
                        pieces.push((from..i + 1, line));
                        from = i + 1;
                        line += lines_here;
                        lines_here = 0;
                        last_break = None;
                    }
                }
            }
            _ => {}
        }
    }
    if let Some((i, lines)) = last_break {
        pieces.push((from..i + 1, line));
        from = i + 1;
        line += lines;
    }
    (pieces, from, line)
}

/// Where the columns of a data file are, for parsing its pieces.
struct Layout<'a> {
    path: &'a Path,
    headers: &'a [String],
    code_col: usize,
    name_col: Option<usize>,
    time_col: Option<usize>,
    group_cols: &'a [usize],
    numeric_cols: &'a [usize],
    used: &'a (dyn Fn(usize) -> bool + Sync),
}

/// The rows of one piece, up to its first error.
struct Piece {
    codes: Vec<String>,
    names: Vec<String>,
    times: Vec<i32>,
    lines: Vec<u64>,
    labels: Vec<Vec<String>>,
    values: Vec<Vec<f64>>,
    text_cell: Vec<Option<(u64, String)>>,
    error: Option<Error>,
}

impl Layout<'_> {
    fn parse(&self, bytes: &[u8], first_line: u64) -> Piece {
        let mut piece = self.empty_piece();
        let plain =
            plain_text(bytes).and_then(|text| self.parse_plain(text, first_line, &mut piece));
        let outcome = plain.unwrap_or_else(|| {
            piece = self.empty_piece();
            self.parse_csv(bytes, first_line, &mut piece)
        });
        if let Err(e) = outcome {
            piece.error = Some(e);
        }
        piece
    }

    fn empty_piece(&self) -> Piece {
        Piece {
            codes: Vec::new(),
            names: Vec::new(),
            times: Vec::new(),
            lines: Vec::new(),
            labels: vec![Vec::new(); self.group_cols.len()],
            values: vec![Vec::new(); self.numeric_cols.len()],
            text_cell: vec![None; self.numeric_cols.len()],
            error: None,
        }
    }

    /// The records of a piece cut at line breaks and commas, as the csv reader reads them (blank
    /// lines skipped, a carriage return before a line break dropped, a quoted cell's quotes
    /// removed) at a fraction of its cost: it looked at every byte of a million-row file one at
    /// a time. `None`, the piece left half-read, where a cell needs the csv reader: a quote
    /// inside a cell, a doubled quote, a quoted line break.
    fn parse_plain(&self, text: &str, first_line: u64, piece: &mut Piece) -> Option<Result<()>> {
        let mut cells = Vec::with_capacity(self.headers.len());
        let mut numbers = Vec::with_capacity(self.numeric_cols.len());
        for (i, line) in text.split('\n').enumerate() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.is_empty() {
                continue;
            }
            cells.clear();
            plain_cells(line, &mut cells)?;
            if let Err(e) = self.record(&cells, first_line + i as u64, piece, &mut numbers) {
                return Some(Err(e));
            }
        }
        Some(Ok(()))
    }

    /// Records through the csv reader (quoted cells), on lines counted by [`CsvLines`].
    fn parse_csv(&self, bytes: &[u8], first_line: u64, piece: &mut Piece) -> Result<()> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut record = csv::StringRecord::new();
        let mut numbers = Vec::with_capacity(self.numeric_cols.len());
        let mut lines = CsvLines::new(bytes, first_line);
        loop {
            match reader.read_record(&mut record) {
                Ok(true) => {}
                Ok(false) => return Ok(()),
                Err(e) => return Err(lines.error(self.path, &e)),
            }
            let line = lines.of_record(&record);
            let cells: Vec<&str> = record.iter().collect();
            self.record(&cells, line, piece, &mut numbers)?;
        }
    }

    /// One record's cells (as read, untrimmed) onto the piece's columns.
    fn record(
        &self,
        cells: &[&str],
        line: u64,
        piece: &mut Piece,
        numbers: &mut Vec<f64>,
    ) -> Result<()> {
        let path = self.path;
        let headers = self.headers;
        if cells.len() != headers.len() {
            return Err(Error::Csv {
                path: path.to_path_buf(),
                line,
                message: format!(
                    "found record with {} fields, but the header has {}",
                    cells.len(),
                    headers.len()
                ),
            });
        }
        let cell = |i: usize| trimmed(cells[i]);
        let code = cell(self.code_col);
        if code.is_empty() {
            return Err(Error::Cell {
                path: path.to_path_buf(),
                line,
                column: headers[self.code_col].clone(),
                value: String::new(),
                message: "is empty: every row needs a unit code".into(),
            });
        }
        let time = match self.time_col {
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
        numbers.clear();
        for (k, &c) in self.numeric_cols.iter().enumerate() {
            if piece.text_cell[k].is_some() {
                numbers.push(f64::NAN);
                continue;
            }
            match number(path, line, &headers[c], cell(c)) {
                Ok(v) => numbers.push(v),
                Err(_) if !(self.used)(c) => {
                    piece.text_cell[k] = Some((line, cell(c).to_string()));
                    numbers.push(f64::NAN);
                }
                Err(e) => return Err(e),
            }
        }
        piece.codes.push(code.to_string());
        piece.names.push(
            self.name_col
                .map_or_else(|| code.to_string(), |n| cell(n).to_string()),
        );
        piece.times.push(time);
        piece.lines.push(line);
        for (k, &g) in self.group_cols.iter().enumerate() {
            piece.labels[k].push(cell(g).to_string());
        }
        for (column, &v) in piece.values.iter_mut().zip(numbers.iter()) {
            column.push(v);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_trimmed_as_str_trim_trims_them() {
        for cell in [
            "",
            " ",
            "1.5",
            " 1.5",
            "1.5 ",
            "\t7\r",
            "a b",
            "\u{3000}全角\u{3000}",
            "é",
            " é ",
            "x\u{a0}",
            "\u{a0}",
        ] {
            assert_eq!(trimmed(cell), cell.trim(), "{cell:?}");
        }
    }

    /// A piece parsed as the reader parses it or by the csv reader alone, as text to compare.
    fn parsed(text: &str, plain: bool) -> String {
        layout_of(|layout| parsed_by(layout, text, plain))
    }

    /// Whether the plain cut reads `text` whole, without the csv reader.
    fn cut_plainly(text: &str) -> bool {
        layout_of(|layout| {
            plain_text(text.as_bytes())
                .and_then(|t| layout.parse_plain(t, 7, &mut layout.empty_piece()))
                .is_some()
        })
    }

    /// The test file's layout: code, name, year, a group, two indicators and a text column.
    fn layout_of<T>(with: impl FnOnce(&Layout) -> T) -> T {
        let headers: Vec<String> = ["uCode", "uName", "Time", "Size_group", "a", "b", "note"]
            .map(String::from)
            .to_vec();
        let used = |c: usize| c != 6;
        let layout = Layout {
            path: Path::new("p.csv"),
            headers: &headers,
            code_col: 0,
            name_col: Some(1),
            time_col: Some(2),
            group_cols: &[3],
            numeric_cols: &[4, 5, 6],
            used: &used,
        };
        with(&layout)
    }

    fn parsed_by(layout: &Layout, text: &str, plain: bool) -> String {
        // Through `parse` (the plain cut, falling back where it must) or the csv reader alone.
        let (piece, outcome) = if plain {
            let mut piece = layout.parse(text.as_bytes(), 7);
            let error = piece.error.take();
            (piece, error.map_or(Ok(()), Err))
        } else {
            let mut piece = layout.empty_piece();
            let outcome = layout.parse_csv(text.as_bytes(), 7, &mut piece);
            (piece, outcome)
        };
        let bits: Vec<Vec<u64>> = piece
            .values
            .iter()
            .map(|c| c.iter().map(|v| v.to_bits()).collect())
            .collect();
        format!(
            "{:?} {:?} {:?} {:?} {:?} {bits:?} {:?} {:?}",
            piece.codes,
            piece.names,
            piece.times,
            piece.lines,
            piece.labels,
            piece.text_cell,
            outcome.map_err(|e| e.to_string())
        )
    }

    /// Any cell, some only the csv reader reads.
    const ANY_CELL: &[&str] = &[
        "U1",
        " U3 ",
        "",
        "1.5",
        "NA",
        "2024",
        "x",
        "é",
        "\t",
        "全角",
        "\"Unit 0\"",
        "\"\"",
        "\"a,b\"",
        "\"x\"\"y\"",
        "ab\"c",
        "\"q\" ",
        "\"q\"x",
        "\"open",
    ];
    /// The cells only the csv reader reads.
    const TRICKY: &[&str] = &["\"x\"\"y\"", "ab\"c", "\"q\" ", "\"q\"x", "\"open"];

    /// A cell of column `c` of the test layout: mostly one it reads, sometimes any.
    fn cell_of(c: usize) -> impl proptest::strategy::Strategy<Value = &'static str> {
        use proptest::prelude::*;
        let fitting: &[&'static str] = match c {
            0 => &["U1", "\"U2\"", " U3 ", "全角", "é"],
            1 => &["Alpha", "\"Beta, Inc.\"", "", "\"\"", "é"],
            2 => &["2024", "\"2025\"", "2024.0", " 2023 "],
            3 => &["S", "\"L\"", ""],
            4 | 5 => &["1.5", "-2", "NA", "", "\"2.5\"", " 7 ", "1e3", "0.1"],
            // The unused text column holds anything: the cells only the csv reader reads too.
            _ => &[
                "x",
                "\"y\"",
                "",
                "ab",
                "\"a,b\"",
                "\"x\"\"y\"",
                "ab\"c",
                "\"q\" ",
                "\"q\"x",
                "\"open",
            ],
        };
        prop_oneof![
            12 => proptest::sample::select(fitting),
            1 => proptest::sample::select(ANY_CELL),
        ]
    }

    /// A line: the layout's seven cells, sometimes a ragged one.
    fn a_line() -> impl proptest::strategy::Strategy<Value = Vec<&'static str>> {
        use proptest::prelude::*;
        let seven: Vec<_> = (0..7).map(cell_of).collect();
        prop_oneof![
            12 => seven,
            1 => proptest::collection::vec(proptest::sample::select(ANY_CELL), 0..9),
        ]
    }

    proptest::proptest! {
        /// The plain cut reads what the csv reader reads: cells (quoted or not), blank lines,
        /// CRLF, ragged records, the lines and messages of errors; and it leaves to the csv
        /// reader only what it must.
        #[test]
        fn a_plain_piece_is_read_as_the_csv_reader_reads_it(
            lines in proptest::collection::vec((a_line(), proptest::bool::ANY), 0..12),
            last_break in proptest::bool::ANY,
        ) {
            let mut text = String::new();
            for (k, (cells, crlf)) in lines.iter().enumerate() {
                text.push_str(&cells.join(","));
                if k + 1 < lines.len() || last_break {
                    text.push_str(if *crlf { "\r\n" } else { "\n" });
                }
            }
            proptest::prop_assert_eq!(plain_text(text.as_bytes()), Some(text.as_str()));
            proptest::prop_assert_eq!(parsed(&text, true), parsed(&text, false));
            if !lines.iter().any(|(cells, _)| cells.iter().any(|c| TRICKY.contains(c))) {
                proptest::prop_assert!(cut_plainly(&text), "{:?}", text);
            }
        }
    }

    #[test]
    fn lone_carriage_returns_and_broken_text_go_to_the_csv_reader() {
        assert_eq!(plain_text(b"a,b\r\nc,d\n"), Some("a,b\r\nc,d\n"));
        assert_eq!(plain_text(b"a,\"b\"\n"), Some("a,\"b\"\n"));
        assert_eq!(plain_text(b"a,b\rc,d\n"), None);
        assert_eq!(plain_text(b"a,b\r"), None);
        assert_eq!(plain_text(b"a,\xff\n"), None);
    }

    /// An error is put on its line in a Windows file with a blank line, by either path (the csv
    /// reader's own count said line 7, the first record's line, for the third).
    #[test]
    fn errors_in_crlf_files_name_their_line() {
        let plain = "U1,A,2024,S,1,2,x\r\n\r\nU2,B,2024,S,one,2,x\r\n";
        let quoted = plain.replace(",A,", ",\"A \"\"Inc\"\"\",");
        for (text, is_plain) in [(plain.to_string(), true), (quoted, false)] {
            assert_eq!(cut_plainly(&text), is_plain);
            let outcome = parsed(&text, is_plain);
            assert!(
                outcome.ends_with("Err(\"p.csv, line 9, column 'a': 'one' is not a number\")"),
                "{outcome}"
            );
        }
    }

    fn read_with(text: &str, chunk: usize, options: &ReadOptions) -> String {
        // One place for every file, so that errors naming it compare equal.
        static PLACE: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
        let path = PLACE
            .get_or_init(|| tempfile::tempdir().expect("dir"))
            .path()
            .join(format!("{:x}.csv", foldhash_of(text)));
        std::fs::write(&path, text).expect("write");
        match read_in_chunks(&path, options, chunk) {
            Ok((data, notes)) => format!("{data:?} {notes:?}"),
            Err(e) => format!("error: {e}"),
        }
    }

    fn foldhash_of(text: &str) -> u64 {
        use std::hash::BuildHasher;
        foldhash::fast::FixedState::with_seed(1).hash_one(text)
    }

    /// Every chunk size, down to a byte at a time, reads what one chunk of the whole file reads:
    /// records cut across chunks (quoted line breaks and commas among them), the line numbers
    /// of errors, and the notes.
    #[test]
    fn a_file_read_in_chunks_reads_as_a_file_read_whole() {
        let options = ReadOptions {
            used_columns: Some(vec!["a".into(), "b".into(), "Size_group".into()]),
            ..ReadOptions::default()
        };
        let good = "\u{feff}uCode,uName,Time,Size_group,a,b,note\n\
                    U1,\"Alpha, Inc.\",2024,S,1.5,NA,x\n\
                    U2,\"Beta\nsecond line\",2024,L,2,3,\"y\"\"z\"\n\
                    U3,Gamma,2024,S,,4.25,\n\
                    U1,Alpha,2025,S,7,8,w";
        let bad_number = good.replace("4.25", "four");
        let twice = format!("{good}\nU3,Again,2024,L,1,1,v\n");
        let ragged = good.replace("U3,Gamma,2024,S,,4.25,", "U3,Gamma,2024");
        for text in [good.to_string(), bad_number, twice, ragged] {
            let whole = read_with(&text, 1 << 20, &options);
            for chunk in 1..=text.len() + 1 {
                assert_eq!(read_with(&text, chunk, &options), whole, "chunk {chunk}");
            }
        }
        let whole = read_with(good, 1 << 20, &options);
        assert!(
            whole.contains("Alpha, Inc.") && whole.contains("Beta\\nsecond line"),
            "{whole}"
        );
        assert!(whole.contains("column 'note' holds text"), "{whole}");
        let error = read_with(&good.replace("4.25", "four"), 3, &options);
        assert!(
            error.contains("line 5") && error.contains("four"),
            "{error}"
        );
    }
}
