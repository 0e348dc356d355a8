//! What published indices need (issue 14): ranks on rounded scores, scores relative to a
//! reference, values outside an aggregation's domain, the reference unit of a panel. Every
//! expected figure is worked out by hand in the comments.

use kechuang_engine::{Build, BuildOptions, Error, round_published};

use crate::common::{NA, close, data, framework, run};

#[test]
fn ranks_are_given_on_the_published_score() {
    let a: &[f64] = &[66.666_666, 66.7, 50.0, 66.64];
    let d = || data(&["A", "B", "C", "D"], None, None, &[("a", a)]);
    let body = r#"
[[indicator]]
code = "a"
parent = "Index"
normalise = { method = "none" }
[[aggregate]]
code = "Index"
"#;
    let unrounded = run(&framework(body), d());
    // Unrounded: B 66.7 > A 66.667 > D 66.64 > C 50.
    assert_eq!(unrounded.ranks, vec![Some(2), Some(1), Some(4), Some(3)]);
    let one = run(&framework(&format!("decimals = 1\n{body}")), d());
    // One decimal: A 66.7, B 66.7, C 50.0, D 66.6 → A and B share rank 1, D is 3rd.
    assert_eq!(one.ranks, vec![Some(1), Some(1), Some(4), Some(3)]);
    let root = one.framework.root();
    close(&one.published(root), &[66.7, 66.7, 50.0, 66.6]);
    // The unrounded score is kept.
    close(&one.scores[root], &unrounded.scores[root]);
    // An aggregate's own decimals win over the framework's.
    let own = body.replace("code = \"Index\"", "code = \"Index\"\ndecimals = 0");
    let zero = run(&framework(&format!("decimals = 1\n{own}")), d());
    // 67, 67, 50, 67: three share rank 1.
    assert_eq!(zero.ranks, vec![Some(1), Some(1), Some(4), Some(1)]);
}

#[test]
fn publishers_rounding_goes_to_the_nearer_candidate_and_ties_to_even() {
    assert_eq!(round_published(64.819_516, 2), 64.82);
    assert_eq!(round_published(64.804_08, 1), 64.8);
    // 0.285 is stored just below 0.285: 0.28, as R's round(0.285, 2).
    assert_eq!(round_published(0.285, 2), 0.28);
    // Exact ties go to the even digit, as R's round(2.5) and round(0.125, 2).
    assert_eq!(round_published(2.5, 0), 2.0);
    assert_eq!(round_published(3.5, 0), 4.0);
    assert_eq!(round_published(0.125, 2), 0.12);
    assert_eq!(round_published(-1.25, 1), -1.2);
}

const PANEL: &str = r#"
[panel]
mode = "pooled"
[[indicator]]
code = "a"
parent = "Index"
normalise = { method = "none" }
[[aggregate]]
code = "Index"
"#;

#[test]
fn scores_relative_to_a_reference_unit_year() {
    let codes = ["EU", "X", "EU", "X"];
    let years = [2016, 2016, 2023, 2023];
    let a: &[f64] = &[50.0, 40.0, 55.0, 60.0];
    let fw = framework(&format!(
        "{PANEL}[rescale]\nmethod = \"reference\"\nunit = \"EU\"\nyear = 2016\n"
    ));
    let b = run(&fw, data(&codes, Some(&years), None, &[("a", a)]));
    let root = b.framework.root();
    // 100 × score / 50 (EU in 2016).
    close(&b.scores[root], &[100.0, 80.0, 110.0, 120.0]);
    assert!(b.stages.iter().any(|s| s.name == "rescaled"));
    // Against the reference in the same year: X is 80% of EU in 2016, 60/55 in 2023.
    let same_year = framework(&format!(
        "{PANEL}[rescale]\nmethod = \"reference\"\nunit = \"EU\"\nscale = 1\n"
    ));
    let b = run(&same_year, data(&codes, Some(&years), None, &[("a", a)]));
    close(&b.scores[root], &[1.0, 0.8, 1.0, 60.0 / 55.0]);
    // Each unit against its own 2016.
    let base = framework(&format!(
        "{PANEL}[rescale]\nmethod = \"base_year\"\nyear = 2016\n"
    ));
    let b = run(&base, data(&codes, Some(&years), None, &[("a", a)]));
    close(&b.scores[root], &[100.0, 100.0, 110.0, 150.0]);
    // A reference without a score in the year named is an error naming it.
    let missing: &[f64] = &[NA, 40.0, 55.0, 60.0];
    let e = Build::run(
        &fw,
        data(&codes, Some(&years), None, &[("a", missing)]),
        BuildOptions::default(),
    )
    .expect_err("no reference value");
    let text = e.to_string();
    assert!(
        text.contains("EU") && text.contains("2016") && text.contains("Index"),
        "{text}"
    );
}

const GEOMETRIC: &str = r#"
[[indicator]]
code = "a"
parent = "Index"
normalise = { method = "none" }
[[indicator]]
code = "b"
parent = "Index"
normalise = { method = "none" }
[[aggregate]]
code = "Index"
[[step]]
step = "normalise"
method = "none"
[[step]]
step = "aggregate"
method = "geometric"
"#;

#[test]
fn a_zero_under_a_geometric_mean_is_an_error_a_gap_or_a_floor_as_the_framework_says() {
    let codes = ["A", "B", "A", "B"];
    let years = [2021, 2021, 2022, 2022];
    let a: &[f64] = &[4.0, 9.0, 0.0, 1.0];
    let b: &[f64] = &[1.0, 1.0, 9.0, 4.0];
    let d = || data(&codes, Some(&years), None, &[("a", a), ("b", b)]);
    let e = Build::run(&framework(GEOMETRIC), d(), BuildOptions::default()).expect_err("zero");
    assert!(
        matches!(&e, Error::AggregateOutOfDomain { aggregate, child, unit, scope, .. }
            if aggregate == "Index" && child == "a" && unit == "A" && scope == " in 2022"),
        "{e}"
    );
    let missing = framework(&format!("{GEOMETRIC}invalid = \"missing\"\n"));
    let b1 = run(&missing, d());
    let root = b1.framework.root();
    // sqrt(4·1) = 2, sqrt(9·1) = 3, A in 2022 missing, sqrt(1·4) = 2.
    close(&b1.scores[root], &[2.0, 3.0, NA, 2.0]);
    assert_eq!(b1.ranks, vec![Some(2), Some(1), None, Some(1)]);
    assert!(
        b1.records
            .warnings
            .iter()
            .any(|w| w.contains("'A' in 2022")),
        "{:?}",
        b1.records.warnings
    );
    let floored = framework(&format!("{GEOMETRIC}invalid = \"floor\"\nfloor = 0.01\n"));
    let b2 = run(&floored, d());
    // A in 2022: sqrt(0.01 · 9) = 0.3.
    close(&b2.scores[root], &[2.0, 3.0, 0.3, 2.0]);
}

#[test]
fn the_reference_of_a_pooled_panel_is_taken_in_the_same_year() {
    let codes = ["R", "X", "X", "R"];
    let years = [2020, 2020, 2021, 2021];
    // The reference's 2021 row comes last in the file: its first row must not be used for 2021.
    let a: &[f64] = &[4.0, 2.0, 3.0, 8.0];
    let fw = framework(
        r#"
[panel]
mode = "pooled"
[[indicator]]
code = "a"
parent = "Index"
normalise = { method = "dist_to_ref", unit = "R" }
[[aggregate]]
code = "Index"
"#,
    );
    let b = run(&fw, data(&codes, Some(&years), None, &[("a", a)]));
    // min 2 over both years; 2020 against 4: R 1, X 0; 2021 against 8: X 1 − 5/6, R 1.
    close(&b.scores[0], &[1.0, 0.0, 1.0 / 6.0, 1.0]);
    // Against the reference's 2020 value in every year: X in 2021 = 1 − (4 − 3)/(4 − 2) = 0.5.
    let named = framework(
        r#"
[panel]
mode = "pooled"
[[indicator]]
code = "a"
parent = "Index"
normalise = { method = "dist_to_ref", unit = "R", year = 2020 }
[[aggregate]]
code = "Index"
"#,
    );
    let b = run(&named, data(&codes, Some(&years), None, &[("a", a)]));
    close(&b.scores[0], &[1.0, 0.0, 0.5, 3.0]);
}

#[test]
fn the_new_settings_are_checked_when_the_framework_is_read() {
    let fails = |body: &str| {
        kechuang_engine::Framework::from_toml(&format!("id = \"t\"\nversion = \"1\"\n{body}"))
            .expect_err(body)
            .to_string()
    };
    let agg = "[[indicator]]\ncode = \"a\"\nparent = \"Index\"\n[[aggregate]]\ncode = \"Index\"\n";
    let step = |extra: &str| {
        format!(
            "{agg}[[step]]\nstep = \"normalise\"\nmethod = \"minmax\"\n[[step]]\nstep = \"aggregate\"\nmethod = \"geometric\"\n{extra}"
        )
    };
    assert!(fails(&step("invalid = \"skip\"\n")).contains("error, missing, floor"));
    assert!(fails(&step("invalid = \"floor\"\n")).contains("needs 'floor'"));
    assert!(fails(&step("invalid = \"floor\"\nfloor = 0\n")).contains("positive"));
    assert!(fails(&step("floor = 0.1\n")).contains("only with"));
    assert!(fails(&format!("decimals = 13\n{agg}")).contains("0 to 12"));
    assert!(
        fails(&format!("{agg}[rescale]\nmethod = \"ratio\"\n")).contains("reference, base_year")
    );
    assert!(fails(&format!("{agg}[rescale]\nmethod = \"reference\"\n")).contains("needs 'unit'"));
    assert!(fails(&format!("{agg}[rescale]\nmethod = \"base_year\"\n")).contains("needs 'year'"));
    assert!(
        fails(&format!(
            "{agg}[rescale]\nmethod = \"base_year\"\nyear = 2016\nunit = \"EU\"\n"
        ))
        .contains("'unit' does not apply")
    );
}
