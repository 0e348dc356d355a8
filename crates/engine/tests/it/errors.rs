//! Bad input: each gets an error naming what to fix.

use kechuang_engine::{Build, BuildOptions, Error};

use crate::common::{NA, TWO, data, framework};

fn fails(body: &str, d: kechuang_engine::Dataset) -> Error {
    Build::run(&framework(body), d, BuildOptions::default()).expect_err("should fail")
}

#[test]
fn missing_indicator_column() {
    let e = fails(TWO, data(&["A", "B"], None, None, &[("a", &[1.0, 2.0])]));
    assert_eq!(e, Error::MissingColumn { column: "b".into() });
}

#[test]
fn indicator_without_data() {
    let e = fails(
        TWO,
        data(
            &["A", "B"],
            None,
            None,
            &[("a", &[1.0, 2.0]), ("b", &[NA, NA])],
        ),
    );
    assert!(
        matches!(e, Error::IndicatorWithoutData { ref indicator, .. } if indicator == "b"),
        "{e}"
    );
}

#[test]
fn constant_indicator_cannot_be_min_maxed() {
    let e = fails(
        TWO,
        data(
            &["A", "B"],
            None,
            None,
            &[("a", &[1.0, 2.0]), ("b", &[7.0, 7.0])],
        ),
    );
    assert!(
        e.to_string().contains("indicator 'b' is constant (7)"),
        "{e}"
    );
}

#[test]
fn duplicate_unit_codes() {
    let e = fails(
        TWO,
        data(
            &["A", "A"],
            None,
            None,
            &[("a", &[1.0, 2.0]), ("b", &[1.0, 2.0])],
        ),
    );
    assert_eq!(
        e,
        Error::DuplicateUnit {
            code: "A".into(),
            row: 2,
            first_row: 1
        }
    );
}

#[test]
fn geometric_mean_of_zero_names_unit_and_indicator() {
    let body = format!(
        "{}[[step]]\nstep = \"normalise\"\nmethod = \"minmax\"\n[[step]]\nstep = \"aggregate\"\nmethod = \"geometric\"\n",
        TWO
    );
    let e = fails(
        &body,
        data(
            &["A", "B"],
            None,
            None,
            &[("a", &[1.0, 2.0]), ("b", &[1.0, 2.0])],
        ),
    );
    // min-max puts the lowest unit at 0, which a geometric mean cannot take.
    assert!(
        matches!(&e, Error::AggregateOutOfDomain { aggregate, child, unit, value, .. } if aggregate == "Index" && child == "a" && unit == "A" && *value == 0.0),
        "{e}"
    );
}

#[test]
fn missing_group_column_for_group_imputation() {
    let body = format!(
        "{TWO}[[step]]\nstep = \"impute\"\nmethod = \"group_mean\"\ngroup = \"district\"\n[[step]]\nstep = \"normalise\"\nmethod = \"minmax\"\n[[step]]\nstep = \"aggregate\"\n"
    );
    let e = fails(
        &body,
        data(
            &["A", "B"],
            None,
            None,
            &[("a", &[1.0, 2.0]), ("b", &[1.0, 2.0])],
        ),
    );
    assert_eq!(
        e,
        Error::MissingColumn {
            column: "district".into()
        }
    );
}

#[test]
fn screening_everyone_away() {
    let body = format!(
        "{TWO}[[step]]\nstep = \"screen\"\nmin_share = 1\n[[step]]\nstep = \"normalise\"\nmethod = \"minmax\"\n[[step]]\nstep = \"aggregate\"\n"
    );
    let e = fails(
        &body,
        data(
            &["A", "B"],
            None,
            None,
            &[("a", &[NA, 2.0]), ("b", &[1.0, NA])],
        ),
    );
    assert_eq!(e, Error::NoUnitsLeft { threshold: 1.0 });
}

#[test]
fn panel_imputation_without_years() {
    let body = format!(
        "{TWO}[[step]]\nstep = \"impute\"\nmethod = \"interpolate\"\n[[step]]\nstep = \"normalise\"\nmethod = \"minmax\"\n[[step]]\nstep = \"aggregate\"\n"
    );
    let e = fails(
        &body,
        data(
            &["A", "B"],
            None,
            None,
            &[("a", &[NA, 2.0]), ("b", &[1.0, 3.0])],
        ),
    );
    assert!(e.to_string().contains("need a time (year) column"), "{e}");
}
