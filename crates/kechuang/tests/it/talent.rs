//! `kechuang talent`: criteria, evaluation of a register file and duplicates, end to end.

use std::path::PathBuf;

use crate::common::{kechuang, read_csv, text};

fn people() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../talent/tests/fixtures/people.json")
}

#[test]
fn a_register_file_is_tiered_with_findings_and_its_duplicates_found() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("tiers.csv");
    let o = kechuang(
        &[
            "talent",
            "evaluate",
            people().to_str().expect("p"),
            "--year",
            "2026",
            "--out",
            out.to_str().expect("p"),
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let rows = read_csv(&out);
    let tier_of = |id: &str| {
        rows.iter()
            .find(|r| r["id"] == id)
            .map(|r| r["tier"].clone())
            .expect("person")
    };
    // B1 (长江学者), C1 (provincial first-class award 2024, second), E1 (doctorate, 32), nothing.
    assert_eq!(
        [
            tier_of("T0001"),
            tier_of("T0002"),
            tier_of("T0003"),
            tier_of("T0004")
        ],
        ["B", "C", "E", ""].map(String::from)
    );
    let c1 = rows
        .iter()
        .find(|r| r["id"] == "T0002" && r["criterion"] == "C1")
        .expect("C1 finding");
    assert_eq!(c1["met"], "TRUE");
    assert_eq!(c1["valid_until"], "2028", "a 2024 award valid 5 years");
    assert!(text(&o.stdout).contains("below the entry criteria: 1"));
    // By region: 津 has the B and the C, 冀 the E, 京 one below the criteria.
    assert!(
        text(&o.stdout).contains("津          B:1 C:1")
            && text(&o.stdout).contains("京          -:1"),
        "{}",
        text(&o.stdout)
    );

    let o = kechuang(
        &["talent", "duplicates", people().to_str().expect("p")],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let s = text(&o.stdout);
    assert!(
        s.contains("T0001") && s.contains("= T0002") && s.contains("1 pairs"),
        "{s}"
    );

    // A broken register is located and exits 1.
    let bad = tmp.path().join("bad.json");
    std::fs::write(&bad, "[{\"id\": \"x\",\n \"name\": 3}]").expect("write");
    let o = kechuang(
        &["talent", "evaluate", bad.to_str().expect("p")],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("line 2"), "{}", text(&o.stderr));
}

#[test]
fn the_register_is_searched_by_tier_region_field_and_institution() {
    let tmp = tempfile::tempdir().expect("tmp");
    let people = people();
    let run = |extra: &[&str]| {
        let mut args = vec![
            "talent",
            "evaluate",
            people.to_str().expect("p"),
            "--year",
            "2026",
        ];
        args.extend_from_slice(extra);
        let o = kechuang(&args, tmp.path());
        assert!(o.status.success(), "{}", text(&o.stderr));
        text(&o.stdout)
    };
    let all = run(&[]);
    assert!(all.contains("by institution:"), "{all}");
    let b = run(&["--tier", "B"]);
    let listed: Vec<&str> = b.lines().filter(|l| l.starts_with('T')).collect();
    assert!(listed.iter().any(|l| l.starts_with("T0001 ")), "{b}");
    assert!(listed.iter().all(|l| l.contains("tier B")), "{b}");
    assert!(b.contains(&format!("{} people match", listed.len())));
    let nobody = run(&["--tier", "B", "--institution", "no such institution"]);
    assert!(nobody.contains("0 people match"), "{nobody}");
}
