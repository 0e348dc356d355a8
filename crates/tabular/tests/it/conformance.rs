//! The engine against COINr's ASEM reference outputs, stage by stage, to 1e-9 relative error.

use kechuang_engine::{Build, BuildOptions, Stage};
use kechuang_tabular::{ReadOptions, load_framework, read_dataset};

use crate::common::{
    agrees, agrees_as_written, asem_dir, fixture, keeping_stages, reference, reference_text,
};

fn build() -> Build {
    // The fixture names the iMeta file in conformance/ by a relative path, as a user's file would.
    let framework = load_framework(&fixture("asem-pipeline.toml"))
        .expect("framework")
        .framework;
    let data = read_dataset(&asem_dir().join("iData.csv"), &ReadOptions::default()).expect("iData");
    Build::run(&framework, data, keeping_stages()).expect("build")
}

fn check_stage(build: &Build, stage: &str, file: &str) {
    let s: &Stage = build
        .stages
        .iter()
        .find(|s| s.name == stage)
        .unwrap_or_else(|| panic!("no stage {stage}"));
    let (headers, expected) = reference(file);
    assert_eq!(s.units.len(), expected.len(), "{stage}: number of units");
    let mut compared = 0;
    let mut bad = Vec::new();
    for (u, unit) in s.units.iter().enumerate() {
        let row = expected
            .get(unit)
            .unwrap_or_else(|| panic!("{stage}: unit {unit} not in {file}"));
        for (code, col) in s.codes.iter().zip(&s.columns) {
            let theirs = *row
                .get(code)
                .unwrap_or_else(|| panic!("{stage}: {code} not in {file}"));
            compared += 1;
            if !agrees(col[u], theirs) {
                bad.push(format!("{unit}/{code}: ours {} reference {theirs}", col[u]));
            }
        }
    }
    assert_eq!(
        compared,
        s.units.len() * (headers.len() - 1),
        "{stage}: every reference cell compared"
    );
    assert!(
        bad.is_empty(),
        "{stage}: {} cells differ, e.g. {:?}",
        bad.len(),
        &bad[..bad.len().min(5)]
    );
}

#[test]
fn raw_data_is_read_as_the_reference_read_it() {
    check_stage(&build(), "raw", "raw.csv");
}

#[test]
fn every_stage_matches_coinr() {
    let b = build();
    for (stage, file) in [
        ("denominated", "denominated.csv"),
        ("imputed", "imputed.csv"),
        ("screened", "screened.csv"),
        ("treated", "treated.csv"),
        ("normalised", "normalised.csv"),
        ("aggregated", "aggregated.csv"),
    ] {
        check_stage(&b, stage, file);
    }
}

#[test]
fn treatment_record_matches_coinr() {
    let b = build();
    let (_, expected) = reference("treatment.csv");
    assert_eq!(b.records.treated.len(), expected.len());
    for t in &b.records.treated {
        let row = &expected[&t.indicator];
        let d = &t.details;
        assert!(
            agrees(d.initial.skew, row["check_SkewKurt0.Skew"]),
            "{} skew",
            t.indicator
        );
        assert!(
            agrees(d.initial.kurt, row["check_SkewKurt0.Kurt"]),
            "{} kurt",
            t.indicator
        );
        let nwin = row["winsorise.nwin"];
        match d.winsorised {
            Some(n) => assert_eq!(n as f64, nwin, "{} nwin", t.indicator),
            None => assert!(nwin.is_nan(), "{}: reference winsorised", t.indicator),
        }
        if let Some(after) = d.after_winsorising {
            assert!(
                agrees(after.skew, row["check_SkewKurt1.Skew"]),
                "{} skew1",
                t.indicator
            );
            assert!(
                agrees(after.kurt, row["check_SkewKurt1.Kurt"]),
                "{} kurt1",
                t.indicator
            );
        }
    }
}

#[test]
fn results_and_ranks_match_coinr() {
    let b = build();
    let (_, expected) = reference_text("results.csv");
    let root = b.framework.root();
    for (u, unit) in b.units.codes.iter().enumerate() {
        let row = &expected[unit];
        assert_eq!(
            b.ranks[u].map(|r| r.to_string()).as_deref(),
            Some(row["Rank"].as_str()),
            "{unit} rank"
        );
        for (i, node) in b.framework.nodes.iter().enumerate() {
            let written = &row[&node.code];
            assert!(
                agrees_as_written(b.scores[i][u], written),
                "{unit}/{}: {} vs {written}",
                node.code,
                b.scores[i][u]
            );
        }
    }
    let top: Vec<(&str, f64)> = {
        let mut v: Vec<(&str, f64)> = b
            .units
            .codes
            .iter()
            .map(String::as_str)
            .zip(b.scores[root].iter().copied())
            .collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
        v.into_iter().take(3).collect()
    };
    assert_eq!(
        top.iter().map(|t| t.0).collect::<Vec<_>>(),
        ["CHE", "NLD", "DNK"]
    );
    assert!((top[0].1 - 68.38).abs() < 0.005);
}

/// Ranks on published scores (issue 14): COINr's unrounded ASEM index has NLD 64.8195 2nd and DNK
/// 64.8041 3rd, NOR 64.4678 4th. Published to one decimal, NLD and DNK both show 64.8 and share
/// rank 2, and NOR (64.5) is 4th; to two decimals (64.82, 64.80) nothing changes.
#[test]
fn ranks_on_published_asem_scores_share_ties() {
    let rank_of = |b: &Build, unit: &str| {
        let u = b.units.codes.iter().position(|c| c == unit).expect("unit");
        b.ranks[u]
    };
    let mut one = build().framework;
    let root = one.root();
    one.nodes[root].decimals = Some(1);
    let data = read_dataset(&asem_dir().join("iData.csv"), &ReadOptions::default()).expect("iData");
    let b = Build::run(&one, data.clone(), BuildOptions::default()).expect("build");
    assert_eq!(rank_of(&b, "CHE"), Some(1));
    assert_eq!(rank_of(&b, "NLD"), Some(2));
    assert_eq!(rank_of(&b, "DNK"), Some(2));
    assert_eq!(rank_of(&b, "NOR"), Some(4));
    // The results table shows the published score and keeps the unrounded one.
    let results = kechuang_tabular::build_tables(&b)
        .into_iter()
        .find(|t| t.name == "results")
        .expect("results");
    let col = |h: &str| results.headers.iter().position(|x| x == h).expect(h);
    let nld = results
        .rows
        .iter()
        .find(|r| matches!(&r[0], kechuang_tabular::Cell::Text(c) if c == "NLD"))
        .expect("NLD");
    assert!(matches!(nld[col("Index")], kechuang_tabular::Cell::Number(v) if v == 64.8));
    assert!(
        matches!(nld[col("Index_unrounded")], kechuang_tabular::Cell::Number(v) if (v - 64.819_516_169_818).abs() < 1e-9)
    );
    let mut two = one.clone();
    two.nodes[root].decimals = Some(2);
    let b = Build::run(&two, data, BuildOptions::default()).expect("build");
    assert_eq!(rank_of(&b, "NLD"), Some(2));
    assert_eq!(rank_of(&b, "DNK"), Some(3));
}
