//! Spreadsheets and CSV files as rows of cell texts, read within limits checked *before* anything
//! is allocated: a 2 KB workbook that claims a cell at XFD1048576, a zip entry that inflates to
//! gigabytes or a shared-string table announcing a billion entries is refused with a message,
//! never read into memory. Survey, catalogue and mapping files all come through here.
//!
//! Workbooks are read as `.xlsx`/`.xlsm` only, cell by cell (calamine's streaming reader), so the
//! memory taken is that of the cells present, not of the rectangle they span. The older `.xls`
//! and `.ods` formats cannot be read that way by calamine and are refused with advice to save
//! the file as `.xlsx` or CSV.

use std::io::Read;
use std::path::Path;

use calamine::{Data, DataRef, Reader, Xlsx};
use chrono::NaiveDate;

use crate::csv_lines::CsvLines;
use crate::error::{Error, Result};
use crate::survey::{SurveyReadOptions, decode};

/// What a file may hold before it is refused. The defaults fit the command line (a whole
/// region's survey); the server uses [`GridLimits::for_uploads`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GridLimits {
    /// Columns of one row (the survey has about 60 fields).
    pub max_columns: usize,
    /// Cells of the whole grid as held in memory: the sum over rows of each row's width (a row
    /// is as wide as its last non-empty cell), empty rows counted as one.
    pub max_cells: usize,
    /// Bytes a workbook may inflate to, every zip entry together.
    pub max_inflated_bytes: u64,
    /// Entries of the zip archive.
    pub max_entries: usize,
}

impl Default for GridLimits {
    fn default() -> Self {
        GridLimits {
            max_columns: 1024,
            max_cells: 200_000_000,
            max_inflated_bytes: 8 << 30,
            max_entries: 10_000,
        }
    }
}

impl GridLimits {
    /// Limits for files sent to the server by any account: a cell per four bytes of the upload
    /// limit (a real survey CSV has one per five to ten), at most 16 million cells (about 270,000
    /// survey rows; some 400 MB in memory at worst) whatever the upload limit.
    pub fn for_uploads(max_upload_bytes: usize) -> GridLimits {
        GridLimits {
            max_columns: 1024,
            max_cells: (max_upload_bytes / 4).clamp(1 << 16, 16_000_000),
            max_inflated_bytes: 512 << 20,
            max_entries: 1_000,
        }
    }
}

/// Rows as they are built, with the running cell count checked against the limits.
struct Rows<'a> {
    rows: Vec<Vec<String>>,
    cells: usize,
    limits: &'a GridLimits,
    path: &'a Path,
}

impl<'a> Rows<'a> {
    fn new(limits: &'a GridLimits, path: &'a Path) -> Self {
        Rows {
            rows: Vec::new(),
            cells: 0,
            limits,
            path,
        }
    }

    fn too_large(&self, what: String) -> Error {
        Error::TooLarge {
            path: self.path.to_path_buf(),
            message: what,
        }
    }

    /// Puts `text` at 0-based (`row`, `column`), growing the grid as needed.
    fn put(&mut self, row: usize, column: usize, text: String) -> Result<()> {
        if column >= self.limits.max_columns {
            return Err(self.too_large(format!(
                "row {}, column {}: a row has at most {} columns",
                row + 1,
                column + 1,
                self.limits.max_columns
            )));
        }
        if row >= self.rows.len() {
            let added = row + 1 - self.rows.len();
            self.charge(added, row, column)?;
            self.rows.resize_with(row + 1, Vec::new);
        }
        let width = self.rows[row].len();
        if column >= width {
            // The row's first cell was counted with the row.
            let added = column + 1 - width - usize::from(width == 0);
            self.charge(added, row, column)?;
            self.rows[row].resize_with(column + 1, String::new);
        }
        self.rows[row][column] = text;
        Ok(())
    }

    /// Appends a CSV record as row `row` (0-based), checked before it is copied.
    fn push(&mut self, row: usize, record: &csv::StringRecord) -> Result<()> {
        charge_record(self.limits, self.path, &mut self.cells, row, record.len())?;
        self.rows.push(record.iter().map(str::to_string).collect());
        Ok(())
    }

    fn charge(&mut self, added: usize, row: usize, column: usize) -> Result<()> {
        charge(self.limits, self.path, &mut self.cells, added, row, column)
    }
}

/// Counts a CSV record of `width` cells as row `row` (0-based) against the limits.
pub(crate) fn charge_record(
    limits: &GridLimits,
    path: &Path,
    cells: &mut usize,
    row: usize,
    width: usize,
) -> Result<()> {
    if width > limits.max_columns {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            message: format!(
                "row {}: {width} columns, at most {}",
                row + 1,
                limits.max_columns
            ),
        });
    }
    let width = width.max(1);
    charge(limits, path, cells, width, row, width - 1)
}

fn charge(
    limits: &GridLimits,
    path: &Path,
    cells: &mut usize,
    added: usize,
    row: usize,
    column: usize,
) -> Result<()> {
    *cells = cells.saturating_add(added);
    if *cells > limits.max_cells {
        return Err(Error::TooLarge {
            path: path.to_path_buf(),
            message: format!(
                "row {}, column {}: the file spans more than {} cells",
                row + 1,
                column + 1,
                limits.max_cells
            ),
        });
    }
    Ok(())
}

/// A CSV (encoding detected or as given) or a workbook's sheet (the first unless named) as rows of
/// cell texts, the header row included; dates as YYYY-MM-DD. Refused with [`Error::TooLarge`]
/// beyond `options.limits`.
pub fn read_grid(
    path: &Path,
    options: &SurveyReadOptions,
) -> Result<(Option<String>, Vec<Vec<String>>)> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if matches!(ext.as_str(), "xls" | "xlsb" | "ods") {
        return Err(xlsx_error(
            path,
            format!(
                "the .{ext} format is not read: save the sheet as .xlsx (Excel 2007 or later) or as CSV"
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|error| Error::Io {
        path: path.to_path_buf(),
        error,
    })?;
    read_grid_bytes(path, bytes, options)
}

/// [`read_grid`] of a file's bytes (an upload), `name` giving its format by its extension and
/// naming it in messages.
pub fn read_grid_bytes(
    name: &Path,
    bytes: Vec<u8>,
    options: &SurveyReadOptions,
) -> Result<(Option<String>, Vec<Vec<String>>)> {
    let ext = name
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if matches!(ext.as_str(), "xls" | "xlsb" | "ods") {
        return Err(xlsx_error(
            name,
            format!(
                "the .{ext} format is not read: save the sheet as .xlsx (Excel 2007 or later) or as CSV"
            ),
        ));
    }
    if matches!(ext.as_str(), "xlsx" | "xlsm") {
        read_xlsx(name, bytes, options)
    } else {
        read_csv(name, &bytes, options)
    }
}

fn xlsx_error(path: &Path, message: String) -> Error {
    Error::Xlsx {
        path: path.to_path_buf(),
        message,
    }
}

fn read_csv(
    path: &Path,
    bytes: &[u8],
    options: &SurveyReadOptions,
) -> Result<(Option<String>, Vec<Vec<String>>)> {
    let text = decode(bytes, options.encoding);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut lines = CsvLines::new(text.as_bytes(), 1);
    let mut rows = Rows::new(&options.limits, path);
    for (r, record) in reader.records().enumerate() {
        let record = record.map_err(|e| lines.error(path, &e))?;
        rows.push(r, &record)?;
    }
    Ok((None, rows.rows))
}

fn read_xlsx(
    path: &Path,
    bytes: Vec<u8>,
    options: &SurveyReadOptions,
) -> Result<(Option<String>, Vec<Vec<String>>)> {
    check_archive(&bytes, &options.limits).map_err(|message| Error::TooLarge {
        path: path.to_path_buf(),
        message,
    })?;
    // calamine can panic on malformed XML (found by our fuzzer: an overflowing cell reference such
    // as `A99999999999` in debug builds). Whatever it does on bad input becomes an error about the
    // file, never a crash of the server or a lost import.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_sheet(bytes, path, options)
    }))
    .unwrap_or_else(|_| {
        Err(xlsx_error(
            path,
            "the workbook is malformed (its XML could not be read); save it again as .xlsx".into(),
        ))
    })
}

fn read_sheet(
    bytes: Vec<u8>,
    path: &Path,
    options: &SurveyReadOptions,
) -> Result<(Option<String>, Vec<Vec<String>>)> {
    let xl = |message: String| xlsx_error(path, message);
    let mut book =
        Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| xl(format!("not a workbook: {e}")))?;
    let sheet = match &options.sheet {
        Some(s) => s.clone(),
        None => book
            .sheet_names()
            .first()
            .cloned()
            .ok_or_else(|| xl("the workbook has no sheets".into()))?,
    };
    let mut rows = Rows::new(&options.limits, path);
    let mut cells = book
        .worksheet_cells_reader(&sheet)
        .map_err(|e| xl(format!("sheet '{sheet}': {e}")))?;
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| xl(format!("sheet '{sheet}': {e}")))?
    {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (row, column) = cell.get_position();
        let text = cell_text(&Data::from(cell.get_value().clone()));
        rows.put(row as usize, column as usize, text)?;
    }
    Ok((Some(sheet), rows.rows))
}

/// Checks a workbook's zip archive before calamine reads it: the number of entries, the bytes
/// every entry really inflates to (read through, not taken from the headers, which can lie), and
/// the shared-string table's announced size (calamine reserves that much up front).
fn check_archive(bytes: &[u8], limits: &GridLimits) -> std::result::Result<(), String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a workbook (zip archive): {e}"))?;
    if zip.len() > limits.max_entries {
        return Err(format!(
            "the workbook has {} parts, at most {}",
            zip.len(),
            limits.max_entries
        ));
    }
    let mut inflated: u64 = 0;
    let mut buf = vec![0u8; 64 << 10];
    for i in 0..zip.len() {
        let mut entry = zip
            .by_index(i)
            .map_err(|e| format!("not a workbook (zip entry {i}): {e}"))?;
        let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
        let shared_strings = name.ends_with("sharedStrings.xml");
        let mut head = Vec::new();
        loop {
            let n = match entry.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) => return Err(format!("not a workbook ({name}): {e}")),
            };
            inflated += n as u64;
            if inflated > limits.max_inflated_bytes {
                return Err(format!(
                    "the workbook inflates to more than {} MB",
                    limits.max_inflated_bytes >> 20
                ));
            }
            if shared_strings && head.len() < 4096 {
                head.extend_from_slice(&buf[..n.min(4096 - head.len())]);
            }
        }
        if shared_strings
            && let Some(count) = announced_count(&head)
            && count > limits.max_cells as u64
        {
            return Err(format!(
                "the shared-string table announces {count} strings, at most {}",
                limits.max_cells
            ));
        }
    }
    Ok(())
}

/// The `uniqueCount` attribute of the `<sst>` element at the start of `sharedStrings.xml`.
fn announced_count(head: &[u8]) -> Option<u64> {
    let text = String::from_utf8_lossy(head);
    let sst = text.find("<sst")?;
    let rest = &text[sst..];
    let end = rest.find('>').unwrap_or(rest.len());
    let element = &rest[..end];
    let at = element.find("uniqueCount=")? + "uniqueCount=".len();
    let value = element[at..].trim_start_matches(['"', '\'']);
    let digits: String = value.chars().take_while(char::is_ascii_digit).collect();
    // A number too long for u64 is certainly too large.
    Some(digits.parse().unwrap_or(u64::MAX))
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "是" } else { "否" }.to_string(),
        Data::DateTime(d) => {
            excel_date(d.as_f64()).map_or_else(|| d.as_f64().to_string(), |d| d.to_string())
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.chars().take(10).collect(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// An Excel serial date (days since 1899-12-30) as a date.
fn excel_date(serial: f64) -> Option<NaiveDate> {
    if !serial.is_finite() {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?
        .checked_add_days(chrono::Days::new(serial.clamp(0.0, 3e6) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shared_string_count_is_found_in_any_quoting() {
        assert_eq!(
            announced_count(br#"<?xml?><sst xmlns="x" count="3" uniqueCount="2">"#),
            Some(2)
        );
        assert_eq!(
            announced_count(b"<sst uniqueCount='99999999999999999999999'>"),
            Some(u64::MAX)
        );
        assert_eq!(announced_count(b"<sst count=\"3\">"), None);
    }

    #[test]
    fn rows_count_every_cell_they_hold() {
        let limits = GridLimits {
            max_columns: 10,
            max_cells: 12,
            ..GridLimits::default()
        };
        let path = Path::new("t.xlsx");
        let mut rows = Rows::new(&limits, path);
        rows.put(0, 0, "a".into()).expect("a1");
        rows.put(0, 3, "d".into()).expect("d1");
        assert_eq!(rows.cells, 4);
        rows.put(5, 0, "a6".into()).expect("a6");
        assert_eq!(rows.cells, 9, "five more rows, each counted once");
        assert!(
            rows.put(0, 10, "k".into()).is_err(),
            "column beyond the limit"
        );
        assert!(
            rows.put(5, 9, "j".into()).is_err(),
            "cells beyond the limit"
        );
        assert!(matches!(
            Rows::new(&limits, path).put(1_048_575, 0, "x".into()),
            Err(Error::TooLarge { .. })
        ));
    }

    #[test]
    fn dates_far_outside_the_calendar_do_not_panic() {
        assert!(excel_date(f64::NAN).is_none());
        assert!(
            excel_date(1e300).is_some(),
            "clamped to a date in the calendar"
        );
        assert_eq!(
            excel_date(45658.0).map(|d| d.to_string()).as_deref(),
            Some("2025-01-01")
        );
    }
}
