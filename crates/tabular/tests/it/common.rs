//! Helpers shared by the integration tests.

use std::collections::HashMap;
use std::path::PathBuf;

/// `conformance/coinr-asem` at the repository root (COINr's ASEM example; see its README).
pub fn asem_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../conformance/coinr-asem")
}

/// Build options that keep every stage and rank the aggregates.
pub fn keeping_stages() -> kechuang_engine::BuildOptions<'static> {
    kechuang_engine::BuildOptions {
        keep_stages: true,
        rank_aggregates: true,
        progress: None,
        stage_sink: None,
    }
}

pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A reference CSV as `unit code → column → value` (empty cells as NaN, text cells skipped).
pub fn reference(name: &str) -> (Vec<String>, HashMap<String, HashMap<String, f64>>) {
    let (headers, text) = reference_text(name);
    let parsed = text
        .into_iter()
        .map(|(unit, row)| {
            let row = row
                .into_iter()
                .map(|(h, v)| {
                    (
                        h,
                        if v.is_empty() {
                            f64::NAN
                        } else {
                            v.parse().unwrap_or(f64::NAN)
                        },
                    )
                })
                .collect();
            (unit, row)
        })
        .collect();
    (headers, parsed)
}

/// A reference CSV as written: `unit code → column → cell text`.
pub fn reference_text(name: &str) -> (Vec<String>, HashMap<String, HashMap<String, String>>) {
    let path = asem_dir().join("expected").join(name);
    let mut r = csv::Reader::from_path(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers: Vec<String> = r
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    let mut out = HashMap::new();
    for rec in r.records() {
        let rec = rec.expect("record");
        let mut row = HashMap::new();
        for (h, v) in headers.iter().zip(rec.iter()).skip(1) {
            row.insert(h.clone(), v.to_string());
        }
        out.insert(rec[0].to_string(), row);
    }
    (headers, out)
}

/// Relative difference, with both-missing as equal.
pub fn agrees(ours: f64, theirs: f64) -> bool {
    if ours.is_nan() || theirs.is_nan() {
        return ours.is_nan() && theirs.is_nan();
    }
    let scale = ours.abs().max(theirs.abs());
    (ours - theirs).abs() <= 1e-9 * scale
}

/// Agreement to 1e-9, or, where the reference wrote fewer significant digits (R prints some tiny
/// values of `results.csv` as `2.71776e-07`), to the precision it wrote.
pub fn agrees_as_written(ours: f64, written: &str) -> bool {
    let theirs: f64 = if written.is_empty() {
        f64::NAN
    } else {
        written.parse().unwrap_or(f64::NAN)
    };
    if agrees(ours, theirs) {
        return true;
    }
    let mantissa = written.split(['e', 'E']).next().unwrap_or("");
    let digits = mantissa
        .chars()
        .filter(char::is_ascii_digit)
        .collect::<String>();
    let significant = digits.trim_start_matches('0').len().max(1) as i32;
    significant < 15 && (ours - theirs).abs() <= 0.5 * 10f64.powi(1 - significant) * theirs.abs()
}
