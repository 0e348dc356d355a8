//! Survey records to and from database rows (the column order of `schema::record_columns`).
//!
//! Written as macros so that the same text serves both backends' concrete row and query types.

use chrono::NaiveDate;
use kechuang_domain::{
    CreditCode, IncubationStage, IndustryCode, RdInstitutionLevel, RegionCode, SurveyRecord,
    TechField, Titles,
};
use sha2::{Digest, Sha256};
use std::borrow::Cow;

use crate::error::{Error, Result};

/// SHA-256 of the record's content, to tell a changed re-import from an identical one.
pub fn content_hash(r: &SurveyRecord) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let json = serde_json::to_vec(r).unwrap_or_default();
    let mut out = String::with_capacity(64);
    for b in Sha256::digest(&json) {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out
}

/// The text columns of a record, in `schema::TEXT_COLUMNS` order (stable English keys, ISO dates).
pub fn text_columns(r: &SurveyRecord) -> [Option<Cow<'_, str>>; 13] {
    // Borrowed where the record holds the text (a copy of each was a tenth of a large import).
    let d = |d: Option<NaiveDate>| d.map(|d| Cow::Owned(d.to_string()));
    [
        Some(Cow::Borrowed(r.name.as_str())),
        Some(Cow::Borrowed(r.region_code.as_str())),
        r.park.as_deref().map(Cow::Borrowed),
        Some(Cow::Borrowed(r.industry_code.as_str())),
        r.tech_field.map(|f| Cow::Borrowed(f.key())),
        Some(Cow::Owned(r.founded_on.to_string())),
        Some(Cow::Borrowed(r.rd_institution_level.key())),
        r.incubation_stage.map(|s| Cow::Borrowed(s.key())),
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
                s.parse::<NaiveDate>()
                    .map_err(|e| corrupt(column, e.to_string()))
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

/// Format version of [`encode_blob`].
const BLOB_VERSION: u8 = 1;

/// The whole record in one compact value, for the year snapshots:
/// version byte, the numeric fields as little-endian f64 (NaN = not answered), the consent flag,
/// then each text column as a u32 length and UTF-8 bytes (length `u32::MAX` = none).
pub fn encode_blob(r: &SurveyRecord) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + 8 * r.values.len() + 1 + 200);
    out.push(BLOB_VERSION);
    for v in &r.values {
        out.extend_from_slice(&v.unwrap_or(f64::NAN).to_le_bytes());
    }
    out.push(u8::from(r.consent_bank));
    for t in text_columns(r) {
        match t {
            None => out.extend_from_slice(&u32::MAX.to_le_bytes()),
            Some(s) => {
                out.extend_from_slice(&(s.len() as u32).to_le_bytes());
                out.extend_from_slice(s.as_bytes());
            }
        }
    }
    out
}

/// Rebuilds a record from [`encode_blob`]'s bytes.
pub fn decode_blob(credit_code: &str, year: i32, blob: &[u8]) -> Result<SurveyRecord> {
    let corrupt = |m: &str| Error::Corrupt {
        credit_code: credit_code.into(),
        year,
        column: "record_blob",
        message: m.into(),
    };
    let n = kechuang_domain::Num::COUNT;
    if blob.first() != Some(&BLOB_VERSION) || blob.len() < 1 + 8 * n + 1 {
        return Err(corrupt("unknown format or truncated"));
    }
    let mut values = Vec::with_capacity(n);
    for i in 0..n {
        let bytes: [u8; 8] = blob[1 + 8 * i..9 + 8 * i]
            .try_into()
            .map_err(|_| corrupt("truncated"))?;
        let v = f64::from_le_bytes(bytes);
        values.push((!v.is_nan()).then_some(v));
    }
    let consent = blob[1 + 8 * n] == 1;
    let mut pos = 2 + 8 * n;
    let mut text: [Option<String>; 13] = Default::default();
    for t in text.iter_mut() {
        let len_bytes: [u8; 4] = blob
            .get(pos..pos + 4)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| corrupt("truncated"))?;
        pos += 4;
        let len = u32::from_le_bytes(len_bytes);
        if len != u32::MAX {
            let len = len as usize;
            let s = blob
                .get(pos..pos + len)
                .ok_or_else(|| corrupt("truncated"))?;
            *t = Some(String::from_utf8(s.to_vec()).map_err(|_| corrupt("text is not UTF-8"))?);
            pos += len;
        }
    }
    record_from_columns(credit_code, year, text, consent, values)
}

/// The start of an LZ4-compressed snapshot chunk, before its uncompressed size (u32). A chunk
/// written uncompressed, as before, starts with its first code's length, which is never this
/// large (0x344c_434b bytes).
const LZ4_CHUNK: &[u8; 4] = b"KCL4";

/// Packs (credit code, record blob) pairs into one snapshot chunk: for each, a u32 length and the
/// code, a u32 length and the blob; all LZ4-compressed behind [`LZ4_CHUNK`] and the size. A
/// million records were 475 MB written on every import (a third of PostgreSQL's import time);
/// compressed they are a quarter of that, and LZ4 decompresses at gigabytes a second.
pub fn pack_chunk(items: &[(&str, &[u8])]) -> Vec<u8> {
    let raw = uncompressed_chunk(items);
    let mut out = Vec::with_capacity(8 + lz4_flex::block::get_maximum_output_size(raw.len()));
    out.extend_from_slice(LZ4_CHUNK);
    out.extend_from_slice(&(raw.len() as u32).to_le_bytes());
    out.extend_from_slice(&lz4_flex::block::compress(&raw));
    out
}

/// The pairs laid out before compression (and as chunks were written before it): for each, a u32
/// length and the code, a u32 length and the blob.
fn uncompressed_chunk(items: &[(&str, &[u8])]) -> Vec<u8> {
    let size = items.iter().map(|(c, b)| 8 + c.len() + b.len()).sum();
    let mut raw = Vec::with_capacity(size);
    for (code, blob) in items {
        raw.extend_from_slice(&(code.len() as u32).to_le_bytes());
        raw.extend_from_slice(code.as_bytes());
        raw.extend_from_slice(&(blob.len() as u32).to_le_bytes());
        raw.extend_from_slice(blob);
    }
    raw
}

/// The start of `COPY … FROM STDIN (FORMAT binary)` data: signature, flags, no extension.
pub const COPY_BINARY_HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";

/// The end of binary `COPY` data.
pub const COPY_BINARY_TRAILER: &[u8] = &[0xff, 0xff];

/// One row of binary `COPY` data, field by field (PostgreSQL's wire types, big-endian): binary
/// values are not parsed back from text, which was most of the server's time in a text copy.
pub struct CopyRow<'a>(&'a mut Vec<u8>);

impl<'a> CopyRow<'a> {
    /// Starts a row of `fields` fields.
    pub fn new(out: &'a mut Vec<u8>, fields: u16) -> Self {
        out.extend_from_slice(&fields.to_be_bytes());
        CopyRow(out)
    }

    fn field(&mut self, bytes: &[u8]) -> &mut Self {
        self.0
            .extend_from_slice(&(bytes.len() as i32).to_be_bytes());
        self.0.extend_from_slice(bytes);
        self
    }

    /// A NULL.
    pub fn null(&mut self) -> &mut Self {
        self.0.extend_from_slice(&(-1i32).to_be_bytes());
        self
    }

    /// A `TEXT` value.
    pub fn text(&mut self, s: &str) -> &mut Self {
        self.field(s.as_bytes())
    }

    /// An `INTEGER`.
    pub fn int4(&mut self, v: i32) -> &mut Self {
        self.field(&v.to_be_bytes())
    }

    /// A `BIGINT`.
    pub fn int8(&mut self, v: i64) -> &mut Self {
        self.field(&v.to_be_bytes())
    }

    /// A `BOOLEAN`.
    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.field(&[u8::from(v)])
    }

    /// A `DOUBLE PRECISION`, or NULL.
    pub fn float8(&mut self, v: Option<f64>) -> &mut Self {
        match v {
            Some(v) => self.field(&v.to_be_bytes()),
            None => self.null(),
        }
    }
}

/// Appends a record as a row of binary `COPY` data, in `schema::record_columns` order.
pub fn copy_record(out: &mut Vec<u8>, r: &SurveyRecord, version: i32, batch_id: i64, hash: &str) {
    let fields = 5 + 13 + 1 + kechuang_domain::Num::COUNT;
    let mut row = CopyRow::new(out, fields as u16);
    row.text(r.credit_code.as_str())
        .int4(r.year)
        .int4(version)
        .int8(batch_id)
        .text(hash);
    for t in text_columns(r) {
        match t {
            Some(t) => row.text(&t),
            None => row.null(),
        };
    }
    row.bool(r.consent_bank);
    for &n in kechuang_domain::Num::ALL {
        row.float8(r.get(n));
    }
}

/// Appends an enterprise as a row of binary `COPY` data (code, name, region, industry, first and
/// last year).
pub fn copy_enterprise(out: &mut Vec<u8>, r: &SurveyRecord, first: i32, last: i32) {
    CopyRow::new(out, 6)
        .text(r.credit_code.as_str())
        .text(&r.name)
        .text(r.region_code.as_str())
        .text(r.industry_code.as_str())
        .int4(first)
        .int4(last);
}

/// A snapshot entry: a credit code and its record's blob.
pub type SnapshotEntry = (String, Vec<u8>);

/// A packed snapshot chunk: how many records, and the bytes.
pub type PackedChunk = (usize, Vec<u8>);

/// A year's snapshot entries after an import: the stored entries with the fresh ones put in,
/// a fresh entry replacing a stored one of the same code; in code order. Both inputs are in code
/// order as written; should either not be, it is sorted first.
pub fn merge_snapshot<'a>(
    stored: &'a [(String, Vec<u8>)],
    fresh: &'a [(&'a str, Vec<u8>)],
) -> Vec<(&'a str, &'a [u8])> {
    let mut old: Vec<(&str, &[u8])> = stored
        .iter()
        .map(|(c, b)| (c.as_str(), b.as_slice()))
        .collect();
    let mut new: Vec<(&str, &[u8])> = fresh.iter().map(|(c, b)| (*c, b.as_slice())).collect();
    for list in [&mut old, &mut new] {
        if !list.is_sorted_by(|a, b| a.0 < b.0) {
            // Stable, so that of equal codes the last given is kept.
            list.sort_by(|a, b| a.0.cmp(b.0));
            list.reverse();
            list.dedup_by(|a, b| a.0 == b.0);
            list.reverse();
        }
    }
    let mut out = Vec::with_capacity(old.len() + new.len());
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        match (old.get(i), new.get(j)) {
            (Some(o), Some(n)) if o.0 < n.0 => {
                out.push(*o);
                i += 1;
            }
            (Some(o), Some(n)) if o.0 == n.0 => {
                out.push(*n);
                i += 1;
                j += 1;
            }
            (_, Some(n)) => {
                out.push(*n);
                j += 1;
            }
            (Some(o), None) => {
                out.push(*o);
                i += 1;
            }
            (None, None) => break,
        }
    }
    out
}

/// Unpacks a snapshot chunk into (credit code, record blob) pairs.
pub fn unpack_chunk(year: i32, data: &[u8]) -> Result<Vec<(String, Vec<u8>)>> {
    let corrupt = || Error::Corrupt {
        credit_code: String::new(),
        year,
        column: "survey_snapshots.data",
        message: "truncated chunk".into(),
    };
    let raw;
    let data = match data.strip_prefix(LZ4_CHUNK) {
        None => data,
        Some(rest) => {
            let (size, compressed) = rest.split_first_chunk::<4>().ok_or_else(corrupt)?;
            let size = u32::from_le_bytes(*size) as usize;
            // LZ4 expands at most 255-fold: a larger size is damage, not a reason to allocate.
            if size > compressed.len().saturating_mul(255) {
                return Err(corrupt());
            }
            raw = lz4_flex::block::decompress(compressed, size).map_err(|_| corrupt())?;
            if raw.len() != size {
                return Err(corrupt());
            }
            &raw
        }
    };
    let mut out = Vec::new();
    let mut pos = 0;
    let take = |pos: &mut usize| -> Result<&[u8]> {
        let len_bytes: [u8; 4] = data
            .get(*pos..*pos + 4)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(corrupt)?;
        let len = u32::from_le_bytes(len_bytes) as usize;
        let bytes = data.get(*pos + 4..*pos + 4 + len).ok_or_else(corrupt)?;
        *pos += 4 + len;
        Ok(bytes)
    };
    while pos < data.len() {
        let code = String::from_utf8(take(&mut pos)?.to_vec()).map_err(|_| corrupt())?;
        let blob = take(&mut pos)?.to_vec();
        out.push((code, blob));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_read_back_compressed_and_as_written_before_compression() {
        let blob = [7u8; 300];
        let items: Vec<(String, &[u8])> = (0..500)
            .map(|i| (format!("91120116MA0{i:06}X"), &blob[..i % 300]))
            .collect();
        let items: Vec<(&str, &[u8])> = items.iter().map(|(c, b)| (c.as_str(), *b)).collect();
        let expected: Vec<(String, Vec<u8>)> = items
            .iter()
            .map(|(c, b)| (c.to_string(), b.to_vec()))
            .collect();
        let packed = pack_chunk(&items);
        assert!(packed.starts_with(LZ4_CHUNK));
        assert!(
            packed.len() * 4 < uncompressed_chunk(&items).len(),
            "compressed"
        );
        assert_eq!(unpack_chunk(2024, &packed).expect("reads"), expected);
        assert_eq!(
            unpack_chunk(2024, &uncompressed_chunk(&items)).expect("reads"),
            expected
        );
        assert!(
            unpack_chunk(2024, &pack_chunk(&[]))
                .expect("empty")
                .is_empty()
        );
    }

    #[test]
    fn damaged_compressed_chunks_are_errors_not_panics() {
        let blob = [1u8, 2, 3, 4, 5, 6, 7, 8, 9];
        let items: Vec<(&str, &[u8])> = vec![("a", &blob), ("b", &blob), ("c", &blob)];
        let packed = pack_chunk(&items);
        for cut in LZ4_CHUNK.len()..packed.len() {
            assert!(unpack_chunk(2024, &packed[..cut]).is_err(), "cut at {cut}");
        }
        // A size past what LZ4 can expand to is refused before anything is allocated.
        let mut huge = packed.clone();
        huge[4..8].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(unpack_chunk(2024, &huge).is_err());
        for at in 8..packed.len() {
            let mut flipped = packed.clone();
            flipped[at] ^= 0x5a;
            let _ = unpack_chunk(2024, &flipped);
        }
    }

    fn entries(list: &[(&str, u8)]) -> Vec<(String, Vec<u8>)> {
        list.iter()
            .map(|(c, b)| (c.to_string(), vec![*b]))
            .collect()
    }

    #[test]
    fn fresh_entries_replace_stored_ones_and_the_result_stays_in_code_order() {
        let stored = entries(&[("a", 1), ("c", 1), ("e", 1)]);
        let fresh_owned = entries(&[("b", 2), ("c", 2), ("f", 2)]);
        let fresh: Vec<(&str, Vec<u8>)> = fresh_owned
            .iter()
            .map(|(c, b)| (c.as_str(), b.clone()))
            .collect();
        let merged: Vec<(&str, u8)> = merge_snapshot(&stored, &fresh)
            .into_iter()
            .map(|(c, b)| (c, b[0]))
            .collect();
        assert_eq!(
            merged,
            vec![("a", 1), ("b", 2), ("c", 2), ("e", 1), ("f", 2)]
        );
        // Out of order (an older store), with a code twice: sorted, the last given kept.
        let stored = entries(&[("e", 1), ("a", 1), ("e", 3)]);
        let merged: Vec<(&str, u8)> = merge_snapshot(&stored, &[])
            .into_iter()
            .map(|(c, b)| (c, b[0]))
            .collect();
        assert_eq!(merged, vec![("a", 1), ("e", 3)]);
    }
}
