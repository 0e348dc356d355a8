//! The survey fill-in template: an XLSX workbook with Chinese headers and units, drop-down lists for
//! the fields with fixed choices, and a notes sheet describing every field; or a CSV header row.

use std::path::Path;

use kechuang_domain::{Field, Kind, NUMERIC, TEXT, TechField, Text, codes::TIANJIN_DISTRICTS};
use rust_xlsxwriter::{DataValidation, Format, Workbook};

use crate::error::{Error, Result};
use crate::tables::{Table, write_csv_table};

fn choices(t: Text) -> Option<Vec<String>> {
    let list = |v: &[&str]| Some(v.iter().map(|s| s.to_string()).collect());
    match t {
        Text::TechField => Some(TechField::ALL.iter().map(|f| f.zh().to_string()).collect()),
        Text::RdInstitutionLevel => list(&["无", "市级", "省级", "国家级"]),
        Text::IncubationStage => list(&["无", "众创空间", "孵化器", "加速器", "产业园区"]),
        Text::ConsentBank => list(&["是", "否"]),
        Text::RegionCode => Some(TIANJIN_DISTRICTS.iter().map(|d| d.1.to_string()).collect()),
        _ => None,
    }
}

fn rule_text(kind: Kind) -> String {
    match kind {
        Kind::Count => "整数, ≥ 0".into(),
        Kind::Money => "≥ 0".into(),
        Kind::SignedMoney => "可为负".into(),
        Kind::Percent => "0–100".into(),
        Kind::Level { min, max } => format!("整数 {min}–{max}"),
    }
}

/// Writes the template as XLSX (by extension) or CSV.
pub fn write_template(path: &Path) -> Result<()> {
    let fields = Field::all();
    let is_xlsx = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if !is_xlsx {
        let table = Table {
            name: "template".into(),
            headers: fields.iter().map(|f| f.header_zh()).collect(),
            rows: Vec::new(),
        };
        return write_csv_table(&table, path, true).map(drop);
    }
    let xl = |e: rust_xlsxwriter::XlsxError| Error::Xlsx {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut book = Workbook::new();
    let bold = Format::new().set_bold().set_text_wrap();
    let sheet = book.add_worksheet();
    sheet.set_name("调查表").map_err(xl)?;
    for (c, f) in fields.iter().enumerate() {
        let c = c as u16;
        sheet
            .write_string_with_format(0, c, f.header_zh(), &bold)
            .map_err(xl)?;
        sheet.set_column_width(c, 16).map_err(xl)?;
        if let Field::Text(t) = f
            && let Some(list) = choices(*t)
        {
            let v = DataValidation::new()
                .allow_list_strings(&list)
                .map_err(xl)?;
            sheet
                .add_data_validation(1, c, 100_000, c, &v)
                .map_err(xl)?;
        }
    }
    sheet.set_freeze_panes(1, 2).map_err(xl)?;

    let notes = book.add_worksheet();
    notes.set_name("填表说明").map_err(xl)?;
    for (c, h) in [
        "列名 header",
        "字段 key",
        "English",
        "单位 unit",
        "必填 required",
        "规则 / 填写说明 rule",
    ]
    .iter()
    .enumerate()
    {
        notes
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(xl)?;
    }
    let mut r = 1u32;
    for t in TEXT {
        let row = [
            t.zh.to_string(),
            t.key.to_string(),
            t.en.to_string(),
            String::new(),
            if t.required { "是" } else { "否" }.to_string(),
            t.hint.to_string(),
        ];
        for (c, v) in row.iter().enumerate() {
            notes.write_string(r, c as u16, v).map_err(xl)?;
        }
        r += 1;
    }
    for f in NUMERIC {
        let row = [
            format!("{}({})", f.zh, f.unit),
            f.key.to_string(),
            f.en.to_string(),
            f.unit.to_string(),
            "否".to_string(),
            rule_text(f.kind),
        ];
        for (c, v) in row.iter().enumerate() {
            notes.write_string(r, c as u16, v).map_err(xl)?;
        }
        r += 1;
    }
    notes.write_string(r + 1, 0, "金额单位为万元; 一行为一家企业一个年度; 表头可用中文或英文字段名; 交叉校验: 研发人员 ≤ 从业人员, 高新技术产品收入 ≤ 营业收入, 境内研发费用 ≤ 研发费用 等。").map_err(xl)?;
    notes.set_column_width(0, 28).map_err(xl)?;
    notes.set_column_width(5, 48).map_err(xl)?;
    book.save(path).map_err(xl)
}
