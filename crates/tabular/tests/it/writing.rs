//! The results written with the stages they repeat, in one pass, against each written alone.

use std::path::Path;

use kechuang_engine::{Build, Dataset};
use kechuang_tabular::{
    ReadOptions, load_framework, read_dataset, unit_tables, write_results_and_held_stages_csv,
    write_row_table_csv, write_stage_csv,
};

use crate::common::{asem_dir, fixture, keeping_stages};

fn build(framework_text: &str, data: Dataset) -> Build {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("framework.toml");
    std::fs::write(&path, framework_text).expect("framework file");
    let framework = load_framework(&path).expect("framework").framework;
    Build::run(&framework, data, keeping_stages()).expect("build")
}

/// The ASEM pipeline's framework, its iMeta named by an absolute path, with `extra` before it.
fn asem_framework(extra: &str) -> String {
    let text = std::fs::read_to_string(fixture("asem-pipeline.toml")).expect("fixture");
    let imeta = asem_dir().join("iMeta.csv");
    let text = text.replace(
        "imeta = \"../../../../conformance/coinr-asem/iMeta.csv\"",
        &format!("imeta = {:?}", imeta.display().to_string()),
    );
    assert!(
        text.contains(&imeta.display().to_string()),
        "the iMeta path was replaced"
    );
    format!("{extra}\n{text}")
}

fn asem_data() -> Dataset {
    read_dataset(&asem_dir().join("iData.csv"), &ReadOptions::default()).expect("iData")
}

/// The ASEM units in two years, the second year's values moved by a unit's own factor.
fn asem_panel() -> Dataset {
    let one = asem_data();
    let mut two = one.clone();
    two.codes.extend(one.codes.iter().cloned());
    two.names.extend(one.names.iter().cloned());
    two.times = Some(
        std::iter::repeat_n(2022, one.len())
            .chain(std::iter::repeat_n(2023, one.len()))
            .collect(),
    );
    for g in &mut two.groups {
        g.codes.extend(g.codes.clone());
    }
    for c in &mut two.columns {
        let moved: Vec<f64> = c
            .values
            .iter()
            .enumerate()
            .map(|(u, v)| v * (1.0 + (u % 7) as f64 / 20.0))
            .collect();
        c.values.extend(moved);
    }
    two
}

/// Writes `build`'s results and held stages both ways and compares the files byte for byte.
fn same_bytes_both_ways(build: &Build) {
    let held = build.framework.stages_held_in_scores();
    assert!(!held.is_empty(), "the framework holds stages in its scores");
    let dir = tempfile::tempdir().expect("temp dir");
    let alone = |name: &str| dir.path().join(format!("alone-{name}.csv"));
    let together = |name: &str| dir.path().join(format!("together-{name}.csv"));
    let tables = unit_tables(build);
    let results = tables
        .iter()
        .find(|t| t.name == "results")
        .expect("results");
    write_row_table_csv(results, &alone("results")).expect("results alone");
    for name in &held {
        let stage = build
            .stages
            .iter()
            .rfind(|s| s.name == *name)
            .expect("stage");
        write_stage_csv(&stage.view(), &alone(name)).expect("stage alone");
    }
    let paths: Vec<(&str, std::path::PathBuf)> = held.iter().map(|n| (*n, together(n))).collect();
    let named: Vec<(&str, &Path)> = paths.iter().map(|(n, p)| (*n, p.as_path())).collect();
    let (results_digest, stage_digests) =
        write_results_and_held_stages_csv(build, &together("results"), &named).expect("together");
    assert_eq!(stage_digests.len(), held.len());
    let digests = std::iter::once(&results_digest).chain(&stage_digests);
    for (name, digest) in std::iter::once("results")
        .chain(held.iter().copied())
        .zip(digests)
    {
        let a = std::fs::read(alone(name)).expect("read");
        let b = std::fs::read(together(name)).expect("read");
        assert!(a.len() > 200, "{name}: {} bytes", a.len());
        assert!(a == b, "{name}: the files differ");
        assert_eq!(digest.bytes, b.len() as u64, "{name}: length");
    }
}

#[test]
fn results_and_stages_written_together_are_the_bytes_written_alone() {
    same_bytes_both_ways(&build(&asem_framework(""), asem_data()));
}

#[test]
fn a_panel_with_rounded_scores_writes_the_same_bytes_together() {
    // Years (a Time column and the change on the year before) and rounded published scores (an
    // unrounded column for each).
    let b = build(&asem_framework("decimals = 2"), asem_panel());
    assert!(b.units.times.is_some());
    assert!(b.framework.nodes.iter().any(|n| n.decimals.is_some()));
    same_bytes_both_ways(&b);
}

#[test]
fn a_stage_the_scores_do_not_hold_is_refused() {
    let b = build(&asem_framework(""), asem_data());
    let dir = tempfile::tempdir().expect("temp dir");
    let raw = dir.path().join("raw.csv");
    let refused =
        write_results_and_held_stages_csv(&b, &dir.path().join("r.csv"), &[("raw", &raw)]);
    assert!(refused.is_err());
}
