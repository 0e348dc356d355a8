//! Writing tables as CSV files or as one XLSX workbook.

use std::path::Path;

use rust_xlsxwriter::Workbook;

use crate::error::{Error, Result};
use crate::tables::{Cell, Table};

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |error| Error::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Writes one table as CSV (UTF-8, numbers at full precision, missing as empty).
pub fn write_csv(table: &Table, path: &Path) -> Result<()> {
    write_csv_table(table, path, false)
}

/// Writes one table as CSV; `bom` prefixes a UTF-8 byte-order mark so that Excel on Chinese Windows
/// opens Chinese text correctly.
pub fn write_csv_table(table: &Table, path: &Path, bom: bool) -> Result<()> {
    let mut file = std::fs::File::create(path).map_err(io(path))?;
    if bom {
        std::io::Write::write_all(&mut file, b"\xEF\xBB\xBF").map_err(io(path))?;
    }
    let mut w = csv::Writer::from_writer(file);
    let flush = |e: csv::Error| Error::Io {
        path: path.to_path_buf(),
        error: std::io::Error::other(e.to_string()),
    };
    w.write_record(&table.headers).map_err(flush)?;
    let mut buf: Vec<String> = Vec::with_capacity(table.headers.len());
    for row in &table.rows {
        buf.clear();
        buf.extend(row.iter().map(|c| match c {
            Cell::Text(s) => s.clone(),
            Cell::Number(v) if v.is_nan() => String::new(),
            Cell::Number(v) => v.to_string(),
            Cell::Empty => String::new(),
        }));
        w.write_record(&buf).map_err(flush)?;
    }
    w.flush().map_err(io(path))
}

/// Writes tables as the sheets of one workbook (sheet names cut to Excel's 31 characters).
pub fn write_xlsx(tables: &[Table], path: &Path) -> Result<()> {
    let xl = |e: rust_xlsxwriter::XlsxError| Error::Xlsx {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut book = Workbook::new();
    for t in tables {
        let sheet = book.add_worksheet();
        let name: String = t.name.chars().take(31).collect();
        sheet.set_name(&name).map_err(xl)?;
        for (c, h) in t.headers.iter().enumerate() {
            sheet.write_string(0, c as u16, h).map_err(xl)?;
        }
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => {
                        sheet.write_string(r, c, s).map_err(xl)?;
                    }
                    Cell::Number(v) if v.is_finite() => {
                        sheet.write_number(r, c, *v).map_err(xl)?;
                    }
                    Cell::Number(_) | Cell::Empty => {}
                }
            }
        }
    }
    book.save(path).map_err(xl)
}
