//! Writing tables as CSV files or as one XLSX workbook.

use std::path::Path;

use rayon::prelude::*;
use rust_xlsxwriter::Workbook;

use crate::error::{Error, Result};
use crate::output_file::{OutputDigest, OutputFile};
use crate::tables::{Cell, CellRef, Table};

fn io(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |error| Error::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Appends `v` as Rust's `Display` writes it — the shortest digits that read back as the same
/// double, in positional notation: `1`, `0.1`, `0.0000001`, `1000000000000000000000` — but
/// several times faster: the digits come from zmij's shortest formatter, only their placement is
/// done here. Where two shortest forms are equally near the double (`…798.2` and `…798.3` for
/// `…798.25`), zmij may choose the other one than `Display`: both read back as the same double,
/// and each run writes the same. `NaN` is written as nothing (a missing cell). Checked against
/// `Display` by property tests.
pub fn push_number(out: &mut Vec<u8>, v: f64) {
    if v.is_nan() {
        return;
    }
    if !v.is_finite() {
        out.extend_from_slice(if v > 0.0 { b"inf" } else { b"-inf" });
        return;
    }
    // Whole numbers (ranks, counts, years, the 0 and 100 of min-max scores) as integers: the
    // same digits as `Display`, without the float formatter. −0 is left to it (`Display` writes
    // "-0"), and so is anything from 10¹⁵ up, where a double's integers thin out.
    // (`as` and back rather than `trunc`, a library call on the baseline x86-64.)
    if v.abs() < 1e15 && (v as i64) as f64 == v && !(v == 0.0 && v.is_sign_negative()) {
        out.extend_from_slice(itoa::Buffer::new().format(v as i64).as_bytes());
        return;
    }
    let mut buffer = zmij::Buffer::new();
    let text = buffer.format_finite(v).as_bytes();
    // Without an exponent, zmij's text is `Display`'s but for the ".0" it gives whole numbers:
    // the common case (scores, shares, amounts) is copied as it is.
    // An exponent ("e7", "e-7", "e21", "e-308") starts two to five bytes from the end; those four
    // bytes are compared without a loop (an iterator over them was two thirds of this function's
    // own time, and `memchr`'s set-up a twentieth of a 10⁶ build before that).
    let n = text.len();
    let e_at = |back: usize| n >= back && text[n - back] == b'e';
    if !(e_at(2) | e_at(3) | e_at(4) | e_at(5)) {
        out.extend_from_slice(text.strip_suffix(b".0").unwrap_or(text));
        return;
    }
    let (negative, text) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    if negative {
        out.push(b'-');
    }
    // Digits and the decimal exponent of the first digit: d₁d₂…dₙ × 10^(point − n).
    let (mantissa, exponent) = match text.iter().position(|&b| b == b'e') {
        Some(e) => {
            let exp: i32 = std::str::from_utf8(&text[e + 1..])
                .ok()
                .and_then(|x| x.parse().ok())
                .unwrap_or(0);
            (&text[..e], exp)
        }
        None => (text, 0),
    };
    // At most 17 significant digits, and zmij's leading "0." of small values: a stack buffer.
    let mut held = [0u8; 40];
    let mut len = 0;
    let mut point = None;
    for &b in mantissa {
        if b == b'.' {
            point = Some(len);
        } else if len < held.len() {
            held[len] = b;
            len += 1;
        }
    }
    let mut point = point.unwrap_or(len) as i32 + exponent;
    let mut digits = &held[..len];
    // Trailing zeros after the point (zmij writes 1.0) and leading zeros are not digits.
    while digits.len() as i32 > point.max(1) && digits.last() == Some(&b'0') {
        digits = &digits[..digits.len() - 1];
    }
    while digits.len() > 1 && digits[0] == b'0' {
        digits = &digits[1..];
        point -= 1;
    }
    if digits.iter().all(|&d| d == b'0') {
        out.push(b'0');
        return;
    }
    if point <= 0 {
        out.extend_from_slice(b"0.");
        out.extend(std::iter::repeat_n(b'0', (-point) as usize));
        out.extend_from_slice(digits);
    } else if point as usize >= digits.len() {
        out.extend_from_slice(digits);
        out.extend(std::iter::repeat_n(b'0', point as usize - digits.len()));
    } else {
        out.extend_from_slice(&digits[..point as usize]);
        out.push(b'.');
        out.extend_from_slice(&digits[point as usize..]);
    }
}

/// Appends a text cell, quoted as the csv crate quotes (only when it holds a delimiter, a quote
/// or a line break; quotes doubled).
fn push_text(out: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

/// Writes a build stage as CSV straight from its columns (`uCode`, `Time` for panels, then one
/// column per code), the same bytes as [`write_csv`] of its table without building the table:
/// a stage of a million units is written in a buffer of a few rows, not held as cells.
pub fn write_stage_csv(
    stage: &kechuang_engine::StageView<'_>,
    path: &Path,
) -> Result<OutputDigest> {
    let headers = stage_headers(
        stage.times.is_some(),
        stage.codes.iter().map(String::as_str),
    );
    write_blocks(
        path,
        false,
        &headers,
        stage.units.len(),
        |values: &mut Vec<f64>, out, rows| {
            let width = stage.columns.len();
            gather_rows(values, stage.columns.iter().map(|c| &c[..]), rows.clone());
            for (u, row) in rows.zip(values.chunks_exact(width.max(1))) {
                push_stage_unit(out, &stage.units[u], stage.times.map(|t| t[u]));
                for &v in &row[..width] {
                    out.push(b',');
                    push_number(out, v);
                }
                out.push(b'\n');
            }
        },
    )
}

/// The longest text [`push_slice_of_padded`] copies as a block of fixed length.
pub(crate) const SHORT: usize = 32;

/// Appends `text[start..end]` to `out`, where `text` has at least [`SHORT`] bytes after `start`:
/// a short cell (a number, nearly always) is copied as a block of fixed length and cut back, a
/// copy the compiler makes in two moves, where a copy of a length known only at run time calls
/// `memmove` (8% of a 10⁶ build, copying a few bytes each time).
pub(crate) fn push_slice_of_padded(out: &mut Vec<u8>, text: &[u8], start: usize, end: usize) {
    let block = text
        .get(start..start + SHORT)
        .and_then(|b| <&[u8; SHORT]>::try_from(b).ok());
    match block {
        Some(block) if end - start <= SHORT => {
            let len = out.len();
            out.extend_from_slice(block);
            out.truncate(len + end - start);
        }
        _ => out.extend_from_slice(&text[start..end]),
    }
}

/// Copies rows `rows` of column-major `columns` into `values`, row-major (one row of every
/// column after another). Formatting a row straight from the columns reads each of them at a
/// place of its own, about fifty streams that defeat the caches' prefetching (a seventh of a
/// 10⁶ build went to those misses); a block read column by column is read in order.
pub(crate) fn gather_rows<'a>(
    values: &mut Vec<f64>,
    columns: impl ExactSizeIterator<Item = &'a [f64]>,
    rows: std::ops::Range<usize>,
) {
    let width = columns.len();
    values.clear();
    values.resize(width.max(1) * rows.len(), f64::NAN);
    for (c, column) in columns.enumerate() {
        for (k, &v) in column[rows.clone()].iter().enumerate() {
            values[k * width + c] = v;
        }
    }
}

/// A stage's headers: `uCode`, `Time` for panel data, then its columns' codes.
pub(crate) fn stage_headers<'a>(
    panel: bool,
    codes: impl IntoIterator<Item = &'a str>,
) -> Vec<&'a str> {
    let mut headers = vec!["uCode"];
    if panel {
        headers.push("Time");
    }
    headers.extend(codes);
    headers
}

/// A stage row's first cells: the unit's code and, for panel data, its year.
pub(crate) fn push_stage_unit(out: &mut Vec<u8>, code: &str, time: Option<i32>) {
    push_text(out, code);
    if let Some(t) = time {
        out.push(b',');
        out.extend_from_slice(itoa::Buffer::new().format(t).as_bytes());
    }
}

/// Writes one table as CSV (UTF-8, numbers at full precision, missing as empty).
pub fn write_csv(table: &Table, path: &Path) -> Result<OutputDigest> {
    write_csv_table(table, path, false)
}

/// Writes one table as CSV; `bom` prefixes a UTF-8 byte-order mark so that Excel on Chinese Windows
/// opens Chinese text correctly.
pub fn write_csv_table(table: &Table, path: &Path, bom: bool) -> Result<OutputDigest> {
    let headers: Vec<&str> = table.headers.iter().map(String::as_str).collect();
    write_rows(path, bom, &headers, table.rows.len(), |out, u| {
        push_row(out, table.rows[u].iter());
    })
}

/// Writes a table of one row per unit, making its rows in parallel blocks as they are written:
/// the same bytes as [`write_csv`] of the materialised table.
pub fn write_row_table_csv(
    table: &crate::tables::RowTable<'_>,
    path: &Path,
) -> Result<OutputDigest> {
    let headers: Vec<&str> = table.headers.iter().map(String::as_str).collect();
    write_rows(path, false, &headers, table.len, |out, u| {
        push_row(out, (table.row)(u).iter());
    })
}

/// The one CSV writer: the header, then `rows` records appended by `row`, formatted in parallel
/// blocks of rows and written in order (a batch of blocks at a time, which bounds the memory the
/// text takes); the bytes the csv crate writes, fields quoted only where they must be.
fn write_rows(
    path: &Path,
    bom: bool,
    headers: &[&str],
    rows: usize,
    row: impl Fn(&mut Vec<u8>, usize) + Sync,
) -> Result<OutputDigest> {
    write_blocks(path, bom, headers, rows, |_: &mut (), out, block| {
        for u in block {
            row(out, u)
        }
    })
}

/// [`write_rows`] a block of rows at a time, given a scratch value `S` per block (a writer that
/// gathers each block's values first).
fn write_blocks<S: Default>(
    path: &Path,
    bom: bool,
    headers: &[&str],
    rows: usize,
    block: impl Fn(&mut S, &mut Vec<u8>, std::ops::Range<usize>) + Sync,
) -> Result<OutputDigest> {
    let digests = write_rows_to_files(
        &[(path, headers)],
        bom,
        rows,
        |scratch: &mut S, out: &mut [Vec<u8>], range| {
            if let [out] = out {
                block(scratch, out, range)
            }
        },
    )?;
    digests.into_iter().next().ok_or_else(|| Error::Io {
        path: path.to_path_buf(),
        error: std::io::Error::other("no file was written"),
    })
}

/// [`write_rows`] into several files at once, the rows of a block of every file made by one call
/// of `block` (given a scratch value `S` per block and one buffer per file): files that share
/// cells, such as the results and the stages they repeat, format each number once.
pub(crate) fn write_rows_to_files<S: Default>(
    files: &[(&Path, &[&str])],
    bom: bool,
    rows: usize,
    block: impl Fn(&mut S, &mut [Vec<u8>], std::ops::Range<usize>) + Sync,
) -> Result<Vec<OutputDigest>> {
    use std::io::Write;
    const BLOCKS: usize = 8;
    let mut writers = Vec::with_capacity(files.len());
    for (path, headers) in files {
        let mut w = OutputFile::create(path)?;
        if bom {
            w.write_all(b"\xEF\xBB\xBF").map_err(io(path))?;
        }
        let header: Vec<Cell> = headers.iter().map(|h| Cell::Text(h.to_string())).collect();
        let mut text = Vec::new();
        push_row(&mut text, header.iter());
        w.write_all(&text).map_err(io(path))?;
        writers.push(w);
    }
    // Room for a row of numbers at full precision, so that a block's text is not copied as it
    // grows.
    let row_bytes: Vec<usize> = files.iter().map(|(_, h)| 24 * h.len().max(1) + 8).collect();
    // Rows per block: about 4 MiB of text for all the files together, so that writing several
    // files at once holds no more text than writing one.
    let rows_per_block = ((4 << 20) / row_bytes.iter().sum::<usize>().max(1)).clamp(256, 2048);
    let starts: Vec<usize> = (0..rows).step_by(rows_per_block).collect();
    // The blocks' buffers are reused from batch to batch: fresh ones of a few megabytes each went
    // back to the system when freed, and the kernel zeroed their pages again for the next batch.
    let format = |blocks: &mut [Vec<Vec<u8>>], batch: &[usize]| {
        blocks.par_iter_mut().zip(batch).for_each(|(outs, &start)| {
            outs.resize_with(files.len(), Vec::new);
            for (out, bytes) in outs.iter_mut().zip(&row_bytes) {
                out.clear();
                out.reserve(rows_per_block * bytes);
            }
            block(
                &mut S::default(),
                outs,
                start..(start + rows_per_block).min(rows),
            );
        })
    };
    let hand_on = |writers: &mut [OutputFile], blocks: &[Vec<Vec<u8>>]| -> Result<()> {
        for outs in blocks {
            for ((w, out), (path, _)) in writers.iter_mut().zip(outs).zip(files) {
                w.write_all(out).map_err(io(path))?;
            }
        }
        Ok(())
    };
    // Each batch is handed to the files while the next is formatted, so that no core waits.
    let mut formatted: Vec<Vec<Vec<u8>>> = Vec::new();
    let mut spare: Vec<Vec<Vec<u8>>> = Vec::new();
    for batch in starts.chunks(BLOCKS) {
        let mut next: Vec<Vec<Vec<u8>>> = batch
            .iter()
            .map(|_| spare.pop().unwrap_or_default())
            .collect();
        let ((), handed) = rayon::join(
            || format(&mut next, batch),
            || hand_on(&mut writers, &formatted),
        );
        handed?;
        spare = std::mem::replace(&mut formatted, next);
    }
    hand_on(&mut writers, &formatted)?;
    writers.into_iter().map(OutputFile::finish).collect()
}

/// One CSV record: cells separated by commas, a line feed at the end. A record of one empty
/// field is written `""`, as the csv crate writes it (an empty line would read as no record).
pub(crate) fn push_row<'a>(out: &mut Vec<u8>, cells: impl ExactSizeIterator<Item = &'a Cell>) {
    let single = cells.len() == 1;
    for (k, c) in cells.enumerate() {
        if k > 0 {
            out.push(b',');
        }
        match c {
            Cell::Text(s) if single && s.is_empty() => out.extend_from_slice(b"\"\""),
            Cell::Number(v) if single && v.is_nan() => out.extend_from_slice(b"\"\""),
            Cell::Empty if single => out.extend_from_slice(b"\"\""),
            c => push_cell(out, c.borrowed()),
        }
    }
    out.push(b'\n');
}

/// One cell of a record of several (text quoted where it must be, a missing number empty).
pub(crate) fn push_cell(out: &mut Vec<u8>, cell: CellRef<'_>) {
    match cell {
        CellRef::Text(s) => push_text(out, s),
        CellRef::Number(v) => push_number(out, v),
        CellRef::Empty => {}
    }
}

/// Writes tables as the sheets of one workbook (sheet names cut to Excel's 31 characters).
pub fn write_xlsx(tables: &[Table], path: &Path) -> Result<()> {
    let mut book = workbook(tables, path)?;
    book.save(path).map_err(|e| xlsx_error(path, e))
}

/// [`write_xlsx`] into memory (a download), `name` naming it in messages.
pub fn xlsx_bytes(tables: &[Table], name: &Path) -> Result<Vec<u8>> {
    let mut book = workbook(tables, name)?;
    book.save_to_buffer().map_err(|e| xlsx_error(name, e))
}

fn xlsx_error(path: &Path, e: rust_xlsxwriter::XlsxError) -> Error {
    Error::Xlsx {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

fn workbook(tables: &[Table], path: &Path) -> Result<Workbook> {
    let xl = |e: rust_xlsxwriter::XlsxError| xlsx_error(path, e);
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
    Ok(book)
}

#[cfg(test)]
mod tests {
    use super::push_number;
    use proptest::prelude::*;

    #[test]
    fn a_block_of_columns_is_gathered_row_by_row() {
        let columns = [vec![1.0, 2.0, 3.0, 4.0], vec![10.0, 20.0, 30.0, 40.0]];
        let mut values = vec![99.0; 7];
        super::gather_rows(&mut values, columns.iter().map(|c| &c[..]), 1..3);
        assert_eq!(values, [2.0, 20.0, 3.0, 30.0]);
        // No column at all: one placeholder per row, so that each row still has its chunk.
        super::gather_rows(&mut values, std::iter::empty::<&[f64]>(), 0..2);
        assert_eq!(values.len(), 2);
    }

    #[test]
    fn a_slice_of_padded_text_is_copied_whatever_its_length() {
        let text: Vec<u8> = (0..100u8).collect();
        for (start, end) in [(0, 0), (3, 9), (10, 42), (5, 40), (60, 68), (50, 100)] {
            let mut out = b"ab".to_vec();
            super::push_slice_of_padded(&mut out, &text, start, end);
            assert_eq!(&out[..2], b"ab");
            assert_eq!(&out[2..], &text[start..end], "{start}..{end}");
        }
    }

    fn shown(v: f64) -> String {
        let mut out = Vec::new();
        push_number(&mut out, v);
        String::from_utf8(out).expect("utf8")
    }

    #[test]
    fn numbers_read_as_display_writes_them() {
        for v in [
            0.0,
            -0.0,
            1.0,
            -1.0,
            0.1,
            100.0,
            1e21,
            1e22,
            1.5e-7,
            123.456,
            68.383724238342,
            f64::MAX,
            f64::MIN_POSITIVE,
            5e-324,
            2.5,
            1e15,
            1e16,
            123456789.0,
            0.000123,
            -7.0,
            999_999_999_999_999.0,
            1e15 - 1.0,
            -(1e15 - 1.0),
            1e15 + 2.0,
            4_503_599_627_370_497.0,
        ] {
            assert_eq!(shown(v), format!("{v}"), "{v:e}");
        }
        // Either side of where zmij turns to an exponent, and whole numbers (zmij's "1.0").
        for e in -30..=30 {
            for m in [1.0, 1.5, 9.999, 12.0] {
                let v = m * 10f64.powi(e);
                assert_eq!(shown(v), format!("{v}"), "{v:e}");
                assert_eq!(shown(-v), format!("{}", -v), "{:e}", -v);
            }
        }
        assert_eq!(shown(f64::NAN), "");
        // A tie (…798.25 between …798.2 and …798.3): another shortest form than Display's, read
        // back as the same double (found by the property test below).
        let tie = f64::from_bits(4831143577292927602);
        assert_eq!(shown(tie).parse::<f64>().ok(), Some(tie));
    }

    proptest! {
        #[test]
        fn any_double_is_written_as_shortly_as_display_and_reads_back(bits in any::<u64>()) {
            let v = f64::from_bits(bits);
            prop_assume!(v.is_finite());
            let (ours, display) = (shown(v), format!("{}", v));
            prop_assert_eq!(ours.parse::<f64>().ok(), Some(v), "{} reads back", ours);
            // As short as Display's (a tie's carry, 9.95 → 9.9 or 10, may move it by one).
            prop_assert!(ours.len() <= display.len() + 1, "{} against {}", ours, display);
        }

        #[test]
        fn whole_numbers_are_written_as_display_writes_them(
            n in -4_000_000_000_000_000i64..4_000_000_000_000_000,
            small in -100_000i64..100_000,
        ) {
            for v in [n as f64, small as f64] {
                prop_assert_eq!(shown(v), format!("{}", v));
            }
        }

        #[test]
        fn scores_are_written_as_display_writes_them(v in -1.0e6f64..1.0e6) {
            prop_assert_eq!(shown(v), format!("{}", v));
        }
    }
}
