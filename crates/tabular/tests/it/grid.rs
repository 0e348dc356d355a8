//! Hostile spreadsheets are refused before they are read into memory: a far cell, a shared-string
//! table that announces billions of strings, an archive that inflates beyond the limit, too many
//! columns in a CSV, and formats that cannot be streamed.

use std::io::{Read, Write};

use kechuang_domain::ParseContext;
use kechuang_tabular::Error;
use kechuang_tabular::survey::{Encoding, GridLimits, SurveyReadOptions, read_grid};

fn options(limits: GridLimits) -> SurveyReadOptions {
    SurveyReadOptions {
        encoding: Encoding::Detect,
        sheet: None,
        mapping: Default::default(),
        context: ParseContext {
            max_year: 2026,
            jump_factor: None,
        },
        limits,
    }
}

fn workbook(cells: &[(u32, u16, &str)]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (r, c, v) in cells {
        sheet.write_string(*r, *c, *v).expect("cell");
    }
    book.save_to_buffer().expect("xlsx")
}

/// The archive with `edit` applied to each entry's bytes, plus `extra` entries, all stored.
fn rewrite(
    xlsx: &[u8],
    edit: impl Fn(&str, Vec<u8>) -> Vec<u8>,
    extra: &[(&str, Vec<u8>)],
) -> Vec<u8> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("zip");
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).expect("entry");
        let name = entry.name().expect("name").to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).expect("read");
        out.start_file(name.as_str(), stored).expect("start");
        out.write_all(&edit(&name, bytes)).expect("write");
    }
    for (name, bytes) in extra {
        out.start_file(*name, stored).expect("start");
        out.write_all(bytes).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

fn read(bytes: &[u8], ext: &str, limits: GridLimits) -> kechuang_tabular::Result<Vec<Vec<String>>> {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join(format!("f.{ext}"));
    std::fs::write(&path, bytes).expect("write");
    read_grid(&path, &options(limits)).map(|(_, rows)| rows)
}

fn too_large(r: kechuang_tabular::Result<Vec<Vec<String>>>) -> String {
    match r {
        Err(Error::TooLarge { message, .. }) => message,
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

#[test]
fn a_workbook_reads_its_cells_sparsely() {
    let rows = read(
        &workbook(&[(0, 0, "id"), (0, 1, "title"), (3, 1, "x")]),
        "xlsx",
        GridLimits::for_uploads(1 << 20),
    )
    .expect("reads");
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0], ["id", "title"]);
    assert!(rows[1].is_empty() && rows[2].is_empty());
    assert_eq!(rows[3], ["", "x"]);
}

#[test]
fn a_far_cell_is_refused_with_its_place() {
    let message = too_large(read(
        &workbook(&[(0, 0, "a"), (1_048_575, 16_383, "b")]),
        "xlsx",
        GridLimits::for_uploads(64 << 20),
    ));
    assert!(message.contains("row 1048576, column 16384"), "{message}");
    // Within the columns but beyond the cells.
    let limits = GridLimits {
        max_cells: 1_000,
        ..GridLimits::for_uploads(1 << 20)
    };
    let message = too_large(read(
        &workbook(&[(0, 0, "a"), (5_000, 0, "b")]),
        "xlsx",
        limits,
    ));
    assert!(message.contains("1000 cells"), "{message}");
}

#[test]
fn an_announced_shared_string_table_beyond_the_cells_is_refused() {
    let bomb = rewrite(
        &workbook(&[(0, 0, "a")]),
        |name, bytes| {
            if name.ends_with("sharedStrings.xml") {
                let text = String::from_utf8(bytes).expect("utf8");
                let at = text.find("uniqueCount=\"").expect("uniqueCount") + 13;
                let end = at + text[at..].find('"').expect("quote");
                format!("{}4000000000{}", &text[..at], &text[end..]).into_bytes()
            } else {
                bytes
            }
        },
        &[],
    );
    let message = too_large(read(&bomb, "xlsx", GridLimits::for_uploads(1 << 20)));
    assert!(message.contains("4000000000"), "{message}");
}

#[test]
fn an_archive_inflating_beyond_the_limit_is_refused() {
    let padded = rewrite(
        &workbook(&[(0, 0, "a")]),
        |_, b| b,
        &[("xl/media/pad.bin", vec![b'0'; 3 << 20])],
    );
    let limits = GridLimits {
        max_inflated_bytes: 2 << 20,
        ..GridLimits::for_uploads(1 << 20)
    };
    assert!(too_large(read(&padded, "xlsx", limits)).contains("inflates"));
    // Not a zip at all: an error, not a panic.
    assert!(matches!(
        read(b"PK\x03\x04 not really", "xlsx", GridLimits::default()),
        Err(Error::TooLarge { .. } | Error::Xlsx { .. })
    ));
}

#[test]
fn a_csv_row_beyond_the_columns_is_refused() {
    let wide = format!("a{}\n", ",".repeat(2_000));
    assert!(too_large(read(wide.as_bytes(), "csv", GridLimits::default())).contains("columns"));
    let limits = GridLimits {
        max_cells: 10,
        ..GridLimits::default()
    };
    assert!(too_large(read(b"a,b,c\n1,2,3\n4,5,6\n7,8,9\n", "csv", limits)).contains("10 cells"));
}

#[test]
fn formats_that_cannot_be_streamed_are_refused_with_advice() {
    for ext in ["xls", "ods", "xlsb"] {
        match read(b"whatever", ext, GridLimits::default()) {
            Err(Error::Xlsx { message, .. }) => assert!(message.contains(".xlsx"), "{message}"),
            other => panic!("{ext}: {other:?}"),
        }
    }
}

#[test]
fn a_malformed_sheet_is_an_error_not_a_crash() {
    // A cell reference whose row overflows 32 bits (calamine panics on it in debug builds).
    let broken = rewrite(
        &workbook(&[(0, 0, "a")]),
        |name, bytes| {
            if name.contains("worksheets/sheet") {
                String::from_utf8(bytes)
                    .expect("utf8")
                    .replace("r=\"A1\"", "r=\"A99999999999\"")
                    .into_bytes()
            } else {
                bytes
            }
        },
        &[],
    );
    match read(&broken, "xlsx", GridLimits::for_uploads(1 << 20)) {
        Err(Error::Xlsx { .. } | Error::TooLarge { .. }) => {}
        other => panic!("expected an error about the file, got {other:?}"),
    }
}
