//! What the government already knows (源数据): extracts the bureau receives from the enterprise
//! registry, the tax office, the patent office and the certificate lists, imported per source and
//! year to pre-fill the survey forms. Each source has a documented layout — a credit-code column
//! and the survey fields it may give (headers as in the survey template, Chinese or English) —; a
//! file is validated whole and written all or nothing; rows of enterprises the bureau does not know
//! are reported and left out.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use kechuang_domain::{CreditCode, Field, Num, RegionCode, Text};
use kechuang_store::{AuditAction, SourceValue, Store};
use serde::Serialize;

use crate::access::Capability;
use crate::audit::Auditor;
use crate::{Caller, Error, Result};

/// A source of values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// 企业登记: name, district, industry, founding date.
    Registry,
    /// 税务: revenue, R&D expense claimed for the super-deduction, tax paid.
    Tax,
    /// 知识产权: patents granted and valid, software copyrights.
    Patents,
    /// 资质认定名单: certificates with their validity.
    Certificates,
}

impl Source {
    /// Every source.
    pub const ALL: [Source; 4] = [
        Source::Registry,
        Source::Tax,
        Source::Patents,
        Source::Certificates,
    ];

    /// Its key (files, the API, the store).
    pub fn key(self) -> &'static str {
        match self {
            Source::Registry => "registry",
            Source::Tax => "tax",
            Source::Patents => "patents",
            Source::Certificates => "certificates",
        }
    }

    /// Its Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            Source::Registry => "企业登记",
            Source::Tax => "税务",
            Source::Patents => "知识产权",
            Source::Certificates => "资质认定名单",
        }
    }

    /// By key.
    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|x| x.key() == s)
    }

    /// The survey fields it may give.
    pub fn fields(self) -> Vec<Field> {
        match self {
            Source::Registry => vec![
                Field::Text(Text::Name),
                Field::Text(Text::RegionCode),
                Field::Text(Text::IndustryCode),
                Field::Text(Text::FoundedOn),
            ],
            Source::Tax => vec![
                Field::Num(Num::Revenue),
                Field::Num(Num::RdExpense),
                Field::Num(Num::TaxPaid),
            ],
            Source::Patents => vec![
                Field::Num(Num::InventionPatentsGranted),
                Field::Num(Num::InventionPatentsValid),
                Field::Num(Num::UtilityModelsValid),
                Field::Num(Num::SoftwareCopyrights),
            ],
            Source::Certificates => vec![
                Field::Text(Text::HnteUntil),
                Field::Text(Text::TechSmeUntil),
                Field::Text(Text::InnovativeSmeUntil),
                Field::Text(Text::SpecialisedSmeUntil),
                Field::Text(Text::LittleGiantUntil),
            ],
        }
    }
}

/// The value that stands for each (enterprise, field) among the sources' values: where two
/// batches give the same field, the later one. The one rule for the forms, the contradictions and
/// the portrait.
pub fn latest(values: Vec<SourceValue>) -> BTreeMap<(String, String), SourceValue> {
    let mut out: BTreeMap<(String, String), SourceValue> = BTreeMap::new();
    for v in values {
        let key = (v.credit_code.clone(), v.field.clone());
        if out.get(&key).is_none_or(|old| old.batch_id < v.batch_id) {
            out.insert(key, v);
        }
    }
    out
}

/// One problem of a source file, located.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceIssue {
    /// 1-based row (the header is row 1).
    pub row: usize,
    /// The column as written.
    pub column: String,
    /// The value as written.
    pub value: String,
    /// What is wrong.
    pub message: String,
}

/// What an import found and did.
#[derive(Debug, Clone, Serialize)]
pub struct SourceReport {
    /// The source.
    pub source: Source,
    /// The year the values are for.
    pub year: i32,
    /// Data rows read.
    pub rows: usize,
    /// Values stored (none when there are issues).
    pub values: usize,
    /// Credit codes of rows left out: enterprises the bureau does not know.
    pub unmatched: Vec<String>,
    /// Problems: with any, nothing is written.
    pub issues: Vec<SourceIssue>,
    /// The batch, when written.
    pub batch: Option<i64>,
}

/// A value checked for its field: a number for numbers (non-negative), a date for dates, a known
/// district for the region, text otherwise; the value as stored.
fn checked(field: Field, raw: &str) -> std::result::Result<String, String> {
    let v = raw.trim();
    match field {
        Field::Num(_) => match v.replace(',', "").parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => Ok(x.to_string()),
            _ => Err(format!(
                "must be a number ≥ 0 in the template's unit ({})",
                field.header_zh()
            )),
        },
        Field::Text(Text::RegionCode) => RegionCode::parse_name_or_code(v)
            .map(|c| c.as_str().to_string())
            .map_err(|e| e.to_string()),
        Field::Text(Text::Name | Text::IndustryCode) if v.is_empty() => Err("is required".into()),
        Field::Text(Text::Name | Text::IndustryCode) => Ok(v.to_string()),
        Field::Text(_) => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(|d| d.to_string())
            .map_err(|_| "must be a date as YYYY-MM-DD".to_string()),
    }
}

/// Imports a source's extract for a year (analysts and administrators).
pub async fn import(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    source: Source,
    year: i32,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<SourceReport> {
    let p = caller.require(Capability::ManageRounds)?;
    let options = crate::intake::detected_options(bytes.len().max(1) * 2);
    let name = Path::new(file_name).to_path_buf();
    let grid = kechuang_tabular::survey::read_grid_bytes(&name, bytes, &options)
        .map_err(|e| Error::Invalid(e.to_string()))?
        .1;
    let Some((header, rows)) = grid.split_first() else {
        return Err(Error::Invalid(format!("{file_name}: no header row")));
    };
    let allowed = source.fields();
    let mut code_column = None;
    let mut columns: Vec<Option<Field>> = Vec::with_capacity(header.len());
    let mut issues = Vec::new();
    for h in header {
        match Field::from_header(h) {
            Some(Field::Text(Text::CreditCode)) => {
                code_column = Some(columns.len());
                columns.push(None);
            }
            Some(f) if allowed.contains(&f) => {
                // A unit in the header must be the template's: 元 where 万元 is meant is refused,
                // not read a ten-thousandth off.
                let unit = h
                    .split_once(['(', '（'])
                    .map(|(_, u)| u.trim_end_matches([')', '）']).trim());
                match (f, unit) {
                    (Field::Num(n), Some(u)) if u != n.spec().unit => {
                        issues.push(SourceIssue {
                            row: 1,
                            column: h.clone(),
                            value: String::new(),
                            message: format!(
                                "is in {u}; the survey takes {} in {}: convert the column",
                                n.spec().zh,
                                n.spec().unit
                            ),
                        });
                        columns.push(None);
                    }
                    _ => columns.push(Some(f)),
                }
            }
            _ if h.trim().is_empty() => columns.push(None),
            _ => {
                issues.push(SourceIssue {
                    row: 1,
                    column: h.clone(),
                    value: String::new(),
                    message: format!(
                        "is not a column of the {} source (use: 统一社会信用代码, {})",
                        source.key(),
                        allowed
                            .iter()
                            .map(|f| f.header_zh())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
                columns.push(None);
            }
        }
    }
    let Some(code_column) = code_column else {
        return Err(Error::Invalid(format!(
            "{file_name}: no 统一社会信用代码 (credit_code) column"
        )));
    };
    let known: HashSet<String> = store
        .load_year(year - 1)
        .await?
        .into_iter()
        .chain(store.load_year(year).await?)
        .map(|r| r.credit_code.to_string())
        .collect();
    let mut values = Vec::new();
    let mut unmatched = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut data_rows = 0;
    for (i, row) in rows.iter().enumerate() {
        let row_no = i + 2;
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        data_rows += 1;
        let raw_code = row.get(code_column).map_or("", |c| c.trim());
        let code = match CreditCode::parse(raw_code) {
            Ok(c) => c.to_string(),
            Err(e) => {
                issues.push(SourceIssue {
                    row: row_no,
                    column: header[code_column].clone(),
                    value: raw_code.to_string(),
                    message: e.to_string(),
                });
                continue;
            }
        };
        if let Some(first) = seen.insert(code.clone(), row_no) {
            issues.push(SourceIssue {
                row: row_no,
                column: header[code_column].clone(),
                value: code.clone(),
                message: format!("the same enterprise is in row {first}"),
            });
            continue;
        }
        let mut row_values = Vec::new();
        for (c, f) in columns.iter().enumerate() {
            let (Some(f), Some(raw)) = (f, row.get(c)) else {
                continue;
            };
            if raw.trim().is_empty() {
                continue;
            }
            match checked(*f, raw) {
                Ok(v) => row_values.push((code.clone(), f.key().to_string(), v)),
                Err(message) => issues.push(SourceIssue {
                    row: row_no,
                    column: header[c].clone(),
                    value: raw.clone(),
                    message,
                }),
            }
        }
        if known.contains(&code) {
            values.extend(row_values);
        } else {
            unmatched.push(code);
        }
    }
    let mut report = SourceReport {
        source,
        year,
        rows: data_rows,
        values: 0,
        unmatched,
        issues,
        batch: None,
    };
    let outcome = if report.issues.is_empty() {
        let batch = store
            .import_source(source.key(), year, file_name, &values, &p.name)
            .await?;
        report.batch = Some(batch);
        report.values = values.len();
        "ok"
    } else {
        "rejected"
    };
    auditor
        .record(
            &p.name,
            AuditAction::SourceImport,
            &format!(
                "{} {year} {file_name}: {} values",
                source.key(),
                report.values
            ),
            caller.remote,
            outcome,
        )
        .await;
    Ok(report)
}
