//! Survey files: reading CSV (UTF-8, UTF-8 with BOM, GBK, GB18030) and XLSX with Chinese or English
//! headers (or a column-mapping file), validating every row with the domain's rules, and a report of
//! every issue located by file, sheet, row and column.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono::Datelike;
use kechuang_domain::{
    Field, ParseContext, Severity, SurveyRecord, TEXT, cross_year, parse_record,
};

use rayon::prelude::*;

use crate::csv_lines::CsvLines;
use crate::error::{Error, Result};
use crate::survey_csv::{self, Parsed};
use crate::tables::{Cell, Table};

/// Text encodings accepted for CSV files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Decide from the bytes: a UTF-8 BOM or valid UTF-8 is UTF-8; anything else is GB18030 (a
    /// superset of GBK, as Excel on Chinese Windows writes).
    Detect,
    /// UTF-8, with or without BOM.
    Utf8,
    /// GBK.
    Gbk,
    /// GB18030.
    Gb18030,
}

impl Encoding {
    /// Parses `auto`, `utf-8`, `gbk` or `gb18030`.
    pub fn parse(s: &str) -> Option<Encoding> {
        Some(match s.to_ascii_lowercase().as_str() {
            "auto" | "detect" => Encoding::Detect,
            "utf-8" | "utf8" => Encoding::Utf8,
            "gbk" | "cp936" => Encoding::Gbk,
            "gb18030" => Encoding::Gb18030,
            _ => return None,
        })
    }
}

/// How to read a survey file.
#[derive(Debug, Clone)]
pub struct SurveyReadOptions {
    /// CSV encoding.
    pub encoding: Encoding,
    /// XLSX sheet (the first when absent).
    pub sheet: Option<String>,
    /// Extra header → field mappings (from a mapping file), tried before the built-in names.
    pub mapping: HashMap<String, Field>,
    /// Validation context.
    pub context: ParseContext,
    /// How large a file may be (checked before it is read into memory).
    pub limits: GridLimits,
}

/// An issue with its place in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct LocatedIssue {
    /// File.
    pub file: PathBuf,
    /// Sheet (XLSX only).
    pub sheet: Option<String>,
    /// 1-based row as the user sees it (the header is row 1).
    pub row: usize,
    /// The column header as written in the file (or the field's Chinese label when absent).
    pub column: String,
    /// The value as written.
    pub value: String,
    /// Rule id.
    pub rule: String,
    /// Error or warning.
    pub severity: Severity,
    /// Message.
    pub message: String,
}

impl std::fmt::Display for LocatedIssue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let file = self.file.file_name().map_or_else(
            || self.file.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let sheet = self
            .sheet
            .as_ref()
            .map(|s| format!(", {s}"))
            .unwrap_or_default();
        let level = if self.severity == Severity::Error {
            "error"
        } else {
            "warning"
        };
        write!(
            f,
            "{file}{sheet}, row {}, {}: '{}' {} [{level}: {}]",
            self.row, self.column, self.value, self.message, self.rule
        )
    }
}

/// A file's valid records and every issue found.
#[derive(Debug, Clone, Default)]
pub struct SurveyFile {
    /// Records of rows without errors, in file order.
    pub records: Vec<SurveyRecord>,
    /// Every issue, in file order.
    pub issues: Vec<LocatedIssue>,
    /// Data rows read.
    pub rows: usize,
}

impl SurveyFile {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        count(&self.issues, Severity::Error)
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        count(&self.issues, Severity::Warning)
    }
}

/// How many issues have this severity.
pub fn count(issues: &[LocatedIssue], severity: Severity) -> usize {
    issues.iter().filter(|i| i.severity == severity).count()
}

/// Decodes CSV bytes to text.
pub fn decode(bytes: &[u8], encoding: Encoding) -> String {
    let utf8 = |b: &[u8]| {
        String::from_utf8_lossy(b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b)).into_owned()
    };
    match encoding {
        Encoding::Utf8 => utf8(bytes),
        Encoding::Gbk => encoding_rs::GBK.decode(bytes).0.into_owned(),
        Encoding::Gb18030 => encoding_rs::GB18030.decode(bytes).0.into_owned(),
        Encoding::Detect => {
            if bytes.starts_with(b"\xEF\xBB\xBF") || std::str::from_utf8(bytes).is_ok() {
                utf8(bytes)
            } else {
                encoding_rs::GB18030.decode(bytes).0.into_owned()
            }
        }
    }
}

/// [`decode`] of bytes the caller no longer needs: UTF-8 is checked once and not copied.
pub fn decode_owned(mut bytes: Vec<u8>, encoding: Encoding) -> String {
    match encoding {
        Encoding::Utf8 | Encoding::Detect => {
            let bom = bytes.starts_with(b"\xEF\xBB\xBF");
            if bom {
                bytes.drain(..3);
            }
            match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(e) if bom || encoding == Encoding::Utf8 => {
                    String::from_utf8_lossy(e.as_bytes()).into_owned()
                }
                Err(e) => decode(e.as_bytes(), Encoding::Gb18030),
            }
        }
        Encoding::Gbk | Encoding::Gb18030 => decode(&bytes, encoding),
    }
}

/// Reads a column-mapping file: CSV with columns `column` (the header in the source file) and `field`
/// (a field's English key or any accepted header).
pub fn read_mapping(path: &Path) -> Result<HashMap<String, Field>> {
    let bytes = std::fs::read(path).map_err(|error| Error::Io {
        path: path.to_path_buf(),
        error,
    })?;
    let text = decode(&bytes, Encoding::Detect);
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let mut lines = CsvLines::new(text.as_bytes(), 1);
    let mut out = HashMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| lines.error(path, &e))?;
        let line = lines.of_record(&record);
        let (Some(column), Some(field)) = (record.get(0), record.get(1)) else {
            continue;
        };
        let f = Field::from_header(field).ok_or_else(|| Error::Cell {
            path: path.to_path_buf(),
            line,
            column: "field".into(),
            value: field.into(),
            message: "is not a survey field".into(),
        })?;
        out.insert(column.trim().to_string(), f);
    }
    Ok(out)
}

pub use crate::grid::{GridLimits, read_grid, read_grid_bytes};

/// Reads and validates a survey file: every row is checked, every issue is located, and duplicate
/// (credit code, year) pairs and implausible year-on-year jumps within the file are reported.
pub fn read_survey(path: &Path, options: &SurveyReadOptions) -> Result<SurveyFile> {
    let bytes = std::fs::read(path).map_err(|error| Error::Io {
        path: path.to_path_buf(),
        error,
    })?;
    read_survey_bytes(path, bytes, options)
}

/// [`read_survey`] of a file's bytes (an upload): `path` names the file in every issue and gives
/// its format by its extension; nothing is read from or written to disk.
pub fn read_survey_bytes(
    path: &Path,
    bytes: Vec<u8>,
    options: &SurveyReadOptions,
) -> Result<SurveyFile> {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "xlsb" | "ods") {
        let (sheet, grid) = read_grid_bytes(path, bytes, options)?;
        let Some((header, rows)) = grid.split_first() else {
            return Err(no_header(path));
        };
        let columns = field_columns(path, header, options)?;
        let parsed: Vec<Parsed> = rows
            .par_iter()
            .map(|row| {
                if row.iter().all(|c| c.trim().is_empty()) {
                    return None;
                }
                let mut cells = HashMap::new();
                for (c, f) in columns.iter().enumerate() {
                    if let (Some(f), Some(v)) = (f, row.get(c)) {
                        cells.insert(*f, v.as_str());
                    }
                }
                Some(parse_record(&cells, &options.context))
            })
            .collect();
        return validate_rows(path, sheet, header, &columns, parsed, options);
    }
    let text = decode_owned(bytes, options.encoding);
    let Some((header, start, line)) = survey_csv::header(path, &text)? else {
        return Err(no_header(path));
    };
    let columns = field_columns(path, &header, options)?;
    let mut by_ordinal = vec![None; Field::COUNT];
    for (c, f) in columns.iter().enumerate() {
        if let Some(f) = f {
            by_ordinal[f.ordinal()] = Some(c);
        }
    }
    let parsed = survey_csv::rows(
        path,
        &text,
        (start, line),
        header.len(),
        &by_ordinal,
        &options.limits,
        &options.context,
    )?;
    drop(text);
    validate_rows(path, None, &header, &columns, parsed, options)
}

fn no_header(path: &Path) -> Error {
    Error::MissingColumn {
        path: path.to_path_buf(),
        column: "header row".into(),
        expected: "a header row of field names".into(),
    }
}

/// The field of each header cell (by the mapping, else by name), every required field present and
/// none twice.
fn field_columns(
    path: &Path,
    header: &[String],
    options: &SurveyReadOptions,
) -> Result<Vec<Option<Field>>> {
    let mut columns: Vec<Option<Field>> = Vec::with_capacity(header.len());
    let mut seen: HashMap<Field, &str> = HashMap::new();
    for h in header {
        let f = options
            .mapping
            .get(h.trim())
            .copied()
            .or_else(|| Field::from_header(h));
        if let Some(f) = f
            && let Some(first) = seen.insert(f, h)
        {
            return Err(Error::DuplicateColumn {
                path: path.to_path_buf(),
                column: format!("{h} (same field as '{first}')"),
            });
        }
        columns.push(f);
    }
    for t in TEXT.iter().filter(|t| t.required) {
        if !seen.contains_key(&Field::Text(t.field)) {
            return Err(Error::MissingColumn {
                path: path.to_path_buf(),
                column: t.zh.into(),
                expected: format!("{} / {}", t.zh, t.key),
            });
        }
    }
    Ok(columns)
}

/// Locates every row's issues, then finds duplicate (credit code, year) pairs and implausible
/// year-on-year jumps, in file order. `parsed[i]` is data row `i` (file row `i + 2`).
fn validate_rows(
    path: &Path,
    sheet: Option<String>,
    header: &[String],
    columns: &[Option<Field>],
    parsed: Vec<Parsed>,
    options: &SurveyReadOptions,
) -> Result<SurveyFile> {
    let mut out = SurveyFile::default();
    let header_of = |f: Field| {
        columns
            .iter()
            .position(|c| *c == Some(f))
            .map_or_else(|| f.zh().to_string(), |c| header[c].clone())
    };
    let mut first_row: foldhash::HashMap<(String, i32), usize> = Default::default();
    let mut by_code: foldhash::HashMap<String, Vec<(usize, usize)>> = Default::default();
    let parsed = parsed
        .into_iter()
        .enumerate()
        .filter_map(|(i, p)| p.map(|(record, issues)| (i + 2, record, issues)));
    for (row_no, record, issues) in parsed {
        out.rows += 1;
        for issue in issues {
            out.issues.push(LocatedIssue {
                file: path.to_path_buf(),
                sheet: sheet.clone(),
                row: row_no,
                column: header_of(issue.field),
                value: issue.value,
                rule: issue.rule.into(),
                severity: issue.severity,
                message: issue.message,
            });
        }
        if let Some(r) = record {
            let key = (r.credit_code.to_string(), r.year);
            if let Some(first) = first_row.insert(key.clone(), row_no) {
                out.issues.push(LocatedIssue {
                    file: path.to_path_buf(),
                    sheet: sheet.clone(),
                    row: row_no,
                    column: header_of(Field::Text(kechuang_domain::Text::CreditCode)),
                    value: key.0.clone(),
                    rule: "duplicate_record".into(),
                    severity: Severity::Error,
                    message: format!(
                        "the same enterprise and year ({}) is already on row {first}",
                        key.1
                    ),
                });
                continue;
            }
            by_code
                .entry(key.0)
                .or_default()
                .push((out.records.len(), row_no));
            out.records.push(r);
        }
    }
    for rows in by_code.values() {
        let mut rows = rows.clone();
        rows.sort_by_key(|&(k, _)| out.records[k].year);
        for w in rows.windows(2) {
            let (prev, cur) = (&out.records[w[0].0], &out.records[w[1].0]);
            for issue in cross_year(prev, cur, &options.context) {
                out.issues.push(LocatedIssue {
                    file: path.to_path_buf(),
                    sheet: sheet.clone(),
                    row: w[1].1,
                    column: header_of(issue.field),
                    value: issue.value,
                    rule: issue.rule.into(),
                    severity: issue.severity,
                    message: issue.message,
                });
            }
        }
    }
    out.issues.sort_by_key(|i| i.row);
    Ok(out)
}

/// The validation report as a table (file, sheet, row, column, value, rule, severity, message).
pub fn report_table(issues: &[LocatedIssue]) -> Table {
    Table {
        name: "report".into(),
        headers: [
            "文件 file",
            "工作表 sheet",
            "行 row",
            "列 column",
            "值 value",
            "规则 rule",
            "级别 severity",
            "说明 message",
        ]
        .map(String::from)
        .to_vec(),
        rows: issues
            .iter()
            .map(|i| {
                vec![
                    Cell::Text(i.file.display().to_string()),
                    Cell::from(i.sheet.clone()),
                    Cell::from(i.row),
                    Cell::Text(i.column.clone()),
                    Cell::Text(i.value.clone()),
                    Cell::Text(i.rule.clone()),
                    Cell::Text(
                        if i.severity == Severity::Error {
                            "error"
                        } else {
                            "warning"
                        }
                        .into(),
                    ),
                    Cell::Text(i.message.clone()),
                ]
            })
            .collect(),
    }
}

/// Records as a table in the template's layout (Chinese headers with units), for export.
pub fn records_table(records: &[SurveyRecord]) -> Table {
    let fields = Field::all();
    Table {
        name: "survey".into(),
        headers: fields.iter().map(|f| f.header_zh()).collect(),
        rows: records
            .iter()
            .map(|r| {
                fields
                    .iter()
                    .map(|f| match f {
                        Field::Text(t) => Cell::Text(r.text(*t)),
                        Field::Num(n) => r.get(*n).map_or(Cell::Empty, Cell::Number),
                    })
                    .collect()
            })
            .collect(),
    }
}

/// The current year, for [`ParseContext::max_year`].
pub fn current_year() -> i32 {
    chrono::Local::now().year()
}
