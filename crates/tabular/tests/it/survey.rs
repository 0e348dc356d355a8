//! Survey files: encodings, XLSX, headers, mapping, the validation report and the template.

use std::collections::HashMap;
use std::path::Path;

use kechuang_domain::{CreditCode, Field, Num, ParseContext, Severity, Text};
use kechuang_tabular::survey::{
    Encoding, SurveyReadOptions, read_mapping, read_survey, read_survey_bytes, records_table,
    report_table,
};
use kechuang_tabular::{write_csv, write_template, write_xlsx};

fn options() -> SurveyReadOptions {
    SurveyReadOptions {
        encoding: Encoding::Detect,
        sheet: None,
        mapping: HashMap::new(),
        context: ParseContext {
            max_year: 2026,
            jump_factor: None,
        },
        limits: kechuang_tabular::survey::GridLimits::default(),
    }
}

fn code(n: u32) -> String {
    CreditCode::complete(&format!("91120116MA{n:07}"))
        .expect("code")
        .to_string()
}

const HEADER_ZH: &str = "统一社会信用代码,企业名称,行政区划代码,国民经济行业代码,成立日期,调查年度,从业人员(人),研发人员(人),营业收入(万元),研发费用(万元)";

fn row(n: u32, year: i32, rd_staff: &str) -> String {
    format!(
        "{},天津第{n}科技有限公司,滨海新区,C3911,2018-03-01,{year},100,{rd_staff},5000,300",
        code(n)
    )
}

#[test]
fn gbk_file_with_chinese_headers() {
    let dir = tempfile::tempdir().expect("tmp");
    let text = format!(
        "{HEADER_ZH}\n{}\n{}\n",
        row(1, 2024, "20"),
        row(2, 2024, "30")
    );
    let (bytes, _, _) = encoding_rs::GBK.encode(&text);
    let path = dir.path().join("调查.csv");
    std::fs::write(&path, &bytes).expect("write");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "really GBK, not UTF-8"
    );
    let f = read_survey(&path, &options()).expect("reads");
    assert_eq!(f.rows, 2);
    assert_eq!(f.errors(), 0, "{:?}", f.issues);
    assert_eq!(f.records[0].name, "天津第1科技有限公司");
    assert_eq!(f.records[1].get(Num::RdStaff), Some(30.0));
    // Given explicitly, too.
    let explicit = SurveyReadOptions {
        encoding: Encoding::Gbk,
        ..options()
    };
    assert_eq!(
        read_survey(&path, &explicit).expect("reads").records.len(),
        2
    );
}

#[test]
fn utf8_bom_and_english_headers() {
    let dir = tempfile::tempdir().expect("tmp");
    let header = "credit_code,name,region_code,industry_code,founded_on,year,employees,rd_staff,revenue,rd_expense";
    let path = dir.path().join("en.csv");
    std::fs::write(&path, format!("\u{feff}{header}\n{}\n", row(3, 2025, "10"))).expect("write");
    let f = read_survey(&path, &options()).expect("reads");
    assert_eq!(f.records.len(), 1);
    assert_eq!(f.records[0].region_code.as_str(), "120116");
}

#[test]
fn one_bad_row_is_located_in_the_report() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("bad.csv");
    std::fs::write(
        &path,
        format!(
            "{HEADER_ZH}\n{}\n{}\n{}\n",
            row(1, 2024, "20"),
            row(2, 2024, "150"),
            row(1, 2024, "20")
        ),
    )
    .expect("write");
    let f = read_survey(&path, &options()).expect("reads");
    assert_eq!(f.records.len(), 1);
    assert_eq!(f.errors(), 2);
    let first = &f.issues[0];
    assert_eq!(
        (
            first.row,
            first.column.as_str(),
            first.value.as_str(),
            first.rule.as_str()
        ),
        (3, "研发人员(人)", "150", "rd_staff_le_employees")
    );
    assert!(
        first
            .to_string()
            .starts_with("bad.csv, row 3, 研发人员(人): '150'"),
        "{first}"
    );
    assert_eq!(f.issues[1].rule, "duplicate_record");
    assert_eq!(f.issues[1].row, 4);
    let report = report_table(&f.issues);
    assert_eq!(report.rows.len(), 2);
    write_csv(&report, &dir.path().join("report.csv")).expect("report");
}

#[test]
fn xlsx_files_are_read_like_csv() {
    let dir = tempfile::tempdir().expect("tmp");
    let csv_path = dir.path().join("a.csv");
    std::fs::write(
        &csv_path,
        format!(
            "{HEADER_ZH}\n{}\n{}\n",
            row(1, 2024, "20"),
            row(1, 2025, "25")
        ),
    )
    .expect("write");
    let from_csv = read_survey(&csv_path, &options()).expect("csv");
    let xlsx = dir.path().join("a.xlsx");
    write_xlsx(&[records_table(&from_csv.records)], &xlsx).expect("xlsx");
    let from_xlsx = read_survey(&xlsx, &options()).expect("xlsx reads");
    assert_eq!(from_xlsx.errors(), 0, "{:?}", from_xlsx.issues);
    assert_eq!(
        from_xlsx.records, from_csv.records,
        "an export re-imports to the same records"
    );
    // An upload's bytes read as the file does, named as the user named it.
    for path in [&csv_path, &xlsx] {
        let bytes = std::fs::read(path).expect("read");
        let name = Path::new(if path == &xlsx {
            "上报.xlsx"
        } else {
            "上报.csv"
        });
        let from_bytes = read_survey_bytes(name, bytes, &options()).expect("bytes");
        assert_eq!(from_bytes.records, from_csv.records);
    }
    let bad = format!("{HEADER_ZH}\n{}\n", row(1, 2024, "-3"));
    let f = read_survey_bytes(Path::new("上报.csv"), bad.into_bytes(), &options()).expect("reads");
    assert!(f.errors() > 0);
    assert!(
        f.issues.iter().all(|i| i.file == Path::new("上报.csv")),
        "{:?}",
        f.issues
    );
}

#[test]
fn mapping_file_for_other_layouts() {
    let dir = tempfile::tempdir().expect("tmp");
    let mapping = dir.path().join("map.csv");
    std::fs::write(&mapping, "column,field\n信用代码,credit_code\n单位名称,企业名称\n区县,region_code\n行业,industry_code\n成立时间,founded_on\n年份,year\n").expect("map");
    let data = dir.path().join("other.csv");
    std::fs::write(
        &data,
        format!(
            "信用代码,单位名称,区县,行业,成立时间,年份\n{},甲公司,120101,I6513,2020-01-01,2024\n",
            code(9)
        ),
    )
    .expect("data");
    let options = SurveyReadOptions {
        mapping: read_mapping(&mapping).expect("mapping"),
        ..options()
    };
    let f = read_survey(&data, &options).expect("reads");
    assert_eq!(f.errors(), 0, "{:?}", f.issues);
    assert_eq!(f.records[0].name, "甲公司");
    std::fs::write(&mapping, "column,field\n信用代码,no_such_field\n").expect("map");
    assert!(
        read_mapping(&mapping)
            .expect_err("bad field")
            .to_string()
            .contains("no_such_field")
    );
    // Saved on Windows with a blank line: the line an editor shows (the csv crate said 2).
    std::fs::write(
        &mapping,
        "column,field\r\n\r\n单位名称,企业名称\r\n信用代码,no_such_field\r\n",
    )
    .expect("map");
    let e = read_mapping(&mapping).expect_err("bad field").to_string();
    assert!(e.contains("line 4"), "{e}");
}

#[test]
fn missing_required_column_is_an_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("short.csv");
    std::fs::write(&path, "统一社会信用代码,企业名称\nx,y\n").expect("write");
    let e = read_survey(&path, &options()).expect_err("missing");
    assert!(e.to_string().contains("行政区划代码"), "{e}");
}

#[test]
fn implausible_jumps_are_warnings() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("jump.csv");
    let y2 = row(1, 2025, "20").replace(",5000,", ",90000,");
    std::fs::write(
        &path,
        format!("{HEADER_ZH}\n{}\n{y2}\n", row(1, 2024, "20")),
    )
    .expect("write");
    let f = read_survey(&path, &options()).expect("reads");
    assert_eq!(f.records.len(), 2);
    assert_eq!(f.warnings(), 1);
    assert_eq!(f.issues[0].rule, "implausible_jump");
    assert_eq!(f.issues[0].severity, Severity::Warning);
}

fn template_headers(path: &Path) -> Vec<String> {
    let f = read_survey(path, &options());
    // An empty template has a header and no rows: it reads with no records and no issues.
    let f = f.expect("template reads");
    assert_eq!((f.rows, f.issues.len()), (0, 0));
    Field::all().iter().map(|f| f.header_zh()).collect()
}

#[test]
fn templates_carry_every_field_and_read_back() {
    let dir = tempfile::tempdir().expect("tmp");
    for name in ["template.xlsx", "template.csv"] {
        let path = dir.path().join(name);
        write_template(&path).expect("template");
        let headers = template_headers(&path);
        assert_eq!(headers.len(), Field::all().len());
        assert!(headers.contains(&"研发费用(万元)".to_string()));
    }
    let csv = std::fs::read(dir.path().join("template.csv")).expect("csv");
    assert!(
        csv.starts_with(b"\xEF\xBB\xBF"),
        "a BOM so that Excel shows the Chinese headers"
    );
    assert_eq!(
        Field::from_header("统一社会信用代码"),
        Some(Field::Text(Text::CreditCode))
    );
}

#[test]
fn parquet_export_reads_back() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let dir = tempfile::tempdir().expect("tmp");
    let csv_path = dir.path().join("a.csv");
    std::fs::write(
        &csv_path,
        format!(
            "{HEADER_ZH}\n{}\n{}\n",
            row(1, 2024, "20"),
            row(2, 2025, "25")
        ),
    )
    .expect("write");
    let records = read_survey(&csv_path, &options()).expect("csv").records;
    let path = dir.path().join("a.parquet");
    kechuang_tabular::write_records_parquet(&records, &path).expect("parquet");
    let reader =
        SerializedFileReader::new(std::fs::File::open(&path).expect("open")).expect("reader");
    assert_eq!(reader.metadata().file_metadata().num_rows(), 2);
    let schema = reader.metadata().file_metadata().schema_descr();
    let col = |name: &str| {
        (0..schema.num_columns())
            .find(|&i| schema.column(i).name() == name)
            .expect(name)
    };
    let rows: Vec<_> = reader
        .get_row_iter(None)
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect();
    use parquet::record::RowAccessor;
    assert_eq!(
        rows[1].get_string(col("credit_code")).expect("code"),
        &code(2)
    );
    assert_eq!(rows[0].get_double(col("revenue")).expect("revenue"), 5000.0);
    assert_eq!(rows[1].get_double(col("rd_staff")).expect("rd"), 25.0);
    assert!(
        rows[0].get_double(col("net_profit")).is_err(),
        "unanswered is null"
    );
}

/// A file large enough to be read in several pieces in parallel: quoted cells with line breaks,
/// blank rows, a duplicate far from its first row and an error near the end are all found, on the
/// rows a reader of the whole file would name, and the records equal those read from a workbook.
#[test]
fn a_large_csv_read_in_pieces_reports_rows_as_one_reader_would() {
    let dir = tempfile::tempdir().expect("tmp");
    let mut text = format!("{HEADER_ZH}\n");
    let n = 25_000u32;
    for i in 1..=n {
        match i {
            // Row numbers count the header as row 1: data row i is file row i + 1.
            100 => text.push_str(",,,,,,,,,\n"),
            200 => text.push_str(&format!(
                "{},\"天津第{i}\n科技有限公司\",滨海新区,C3911,2018-03-01,2024,100,20,5000,300\n",
                code(i)
            )),
            9_000 => text.push_str(&row(5, 2024, "20")),
            24_999 => text.push_str(&row(i, 2024, "many")),
            _ => text.push_str(&row(i, 2024, "20")),
        }
        if i != 100 && i != 200 {
            text.push('\n');
        }
    }
    assert!(text.len() > 2 << 20, "several pieces");
    let path = dir.path().join("large.csv");
    std::fs::write(&path, &text).expect("write");
    let f = read_survey(&path, &options()).expect("reads");
    assert_eq!(f.rows, n as usize - 1, "the blank row is not a row");
    let errors: Vec<(usize, &str)> = f
        .issues
        .iter()
        .filter(|i| i.severity == Severity::Error)
        .map(|i| (i.row, i.rule.as_str()))
        .collect();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0].0, 9_001, "{errors:?}");
    assert_eq!(errors[0].1, "duplicate_record");
    assert_eq!(errors[1].0, 25_000, "{errors:?}");
    assert_eq!(f.records.len(), n as usize - 3);
    assert_eq!(f.records[198].name, "天津第200\n科技有限公司");

    let xlsx = dir.path().join("large.xlsx");
    write_xlsx(&[records_table(&f.records)], &xlsx).expect("xlsx");
    let again = read_survey(&xlsx, &options()).expect("xlsx reads");
    assert_eq!(again.records, f.records);
}

#[test]
fn a_csv_over_the_upload_limits_is_refused_at_the_row_that_crosses_them() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("wide.csv");
    let body: String = (1..=50)
        .map(|i| format!("{}\n", row(i, 2024, "20")))
        .collect();
    std::fs::write(&path, format!("{HEADER_ZH}\n{body}")).expect("write");
    let mut o = options();
    o.limits.max_cells = 10 * 20;
    let e = read_survey(&path, &o).expect_err("too many cells");
    assert!(
        e.to_string()
            .contains("row 21, column 10: the file spans more than 200 cells"),
        "{e}"
    );
    let mut o = options();
    o.limits.max_columns = 9;
    let e = read_survey(&path, &o).expect_err("too wide");
    assert!(
        e.to_string().contains("row 1: 10 columns, at most 9"),
        "{e}"
    );
}
