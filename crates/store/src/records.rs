//! Survey records to and from database rows (the column order of `schema::record_columns`).
//!
//! Written as macros so that the same text serves both backends' concrete row and query types.

use chrono::NaiveDate;
use kechuang_domain::{
    CreditCode, IncubationStage, IndustryCode, RdInstitutionLevel, RegionCode, SurveyRecord,
    TechField, Titles,
};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// SHA-256 of the record's content, to tell a changed re-import from an identical one.
pub fn content_hash(r: &SurveyRecord) -> String {
    let json = serde_json::to_vec(r).unwrap_or_default();
    Sha256::digest(&json)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The text columns of a record, in `schema::TEXT_COLUMNS` order (stable English keys, ISO dates).
pub fn text_columns(r: &SurveyRecord) -> [Option<String>; 13] {
    let d = |d: Option<NaiveDate>| d.map(|d| d.to_string());
    [
        Some(r.name.clone()),
        Some(r.region_code.to_string()),
        r.park.clone(),
        Some(r.industry_code.to_string()),
        r.tech_field.map(|f| f.key().to_string()),
        Some(r.founded_on.to_string()),
        Some(r.rd_institution_level.key().to_string()),
        r.incubation_stage.map(|s| s.key().to_string()),
        d(r.titles.hnte),
        d(r.titles.tech_sme),
        d(r.titles.innovative_sme),
        d(r.titles.specialised_sme),
        d(r.titles.little_giant),
    ]
}

/// Rebuilds a record from its stored columns.
pub fn record_from_columns(
    credit_code: &str,
    year: i32,
    text: [Option<String>; 13],
    consent_bank: bool,
    values: Vec<Option<f64>>,
) -> Result<SurveyRecord> {
    let corrupt = |column: &'static str, message: String| Error::Corrupt {
        credit_code: credit_code.into(),
        year,
        column,
        message,
    };
    let need = |i: usize, column: &'static str| {
        text[i]
            .clone()
            .ok_or_else(|| corrupt(column, "is empty".into()))
    };
    let date = |i: usize, column: &'static str| -> Result<Option<NaiveDate>> {
        text[i]
            .as_deref()
            .map(|s| {
                NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| corrupt(column, e.to_string()))
            })
            .transpose()
    };
    Ok(SurveyRecord {
        credit_code: CreditCode::parse(credit_code).map_err(|e| corrupt("credit_code", e.0))?,
        name: need(0, "name")?,
        region_code: RegionCode::parse(&need(1, "region_code")?)
            .map_err(|e| corrupt("region_code", e.0))?,
        park: text[2].clone(),
        industry_code: IndustryCode::parse(&need(3, "industry_code")?)
            .map_err(|e| corrupt("industry_code", e.0))?,
        tech_field: text[4]
            .as_deref()
            .map(TechField::parse)
            .transpose()
            .map_err(|e| corrupt("tech_field", e.0))?,
        founded_on: date(5, "founded_on")?
            .ok_or_else(|| corrupt("founded_on", "is empty".into()))?,
        year,
        values,
        rd_institution_level: RdInstitutionLevel::parse(text[6].as_deref().unwrap_or(""))
            .ok_or_else(|| corrupt("rd_institution_level", "unknown level".into()))?,
        incubation_stage: match text[7].as_deref() {
            None => None,
            Some(s) => Some(
                IncubationStage::parse(s)
                    .ok_or_else(|| corrupt("incubation_stage", format!("unknown stage {s}")))?,
            ),
        },
        titles: Titles {
            hnte: date(8, "hnte_until")?,
            tech_sme: date(9, "tech_sme_until")?,
            innovative_sme: date(10, "innovative_sme_until")?,
            specialised_sme: date(11, "specialised_sme_until")?,
            little_giant: date(12, "little_giant_until")?,
        },
        consent_bank,
    })
}

/// Binds one record's columns (in `schema::record_columns` order) to a query.
macro_rules! bind {
    ($q:expr, $r:expr, $version:expr, $batch:expr, $hash:expr) => {{
        let r: &kechuang_domain::SurveyRecord = $r;
        let mut q = $q
            .bind(r.credit_code.as_str())
            .bind(r.year)
            .bind($version)
            .bind($batch)
            .bind($hash);
        for t in $crate::records::text_columns(r) {
            q = q.bind(t);
        }
        q = q.bind(r.consent_bank);
        for &n in kechuang_domain::Num::ALL {
            q = q.bind(r.get(n));
        }
        q
    }};
}
pub(crate) use bind;

/// Decodes a row of `SELECT_RECORDS` into (record, version, batch id).
macro_rules! from_row {
    ($row:expr) => {{
        let row = &$row;
        (|| -> $crate::Result<(kechuang_domain::SurveyRecord, i32, i64)> {
            let code: String = row.try_get(0)?;
            let year: i32 = row.try_get(1)?;
            let version: i32 = row.try_get(2)?;
            let batch: i64 = row.try_get(3)?;
            let mut text: [Option<String>; 13] = Default::default();
            for (i, t) in text.iter_mut().enumerate() {
                *t = row.try_get(5 + i)?;
            }
            let consent: bool = row.try_get(18)?;
            let mut values = Vec::with_capacity(kechuang_domain::Num::COUNT);
            for i in 0..kechuang_domain::Num::COUNT {
                values.push(row.try_get::<Option<f64>, _>(19 + i)?);
            }
            let record = $crate::records::record_from_columns(&code, year, text, consent, values)?;
            Ok((record, version, batch))
        })()
    }};
}
pub(crate) use from_row;
