//! The rule language: parsing, history functions and the 高企 growth formula's edge rules.

use std::collections::BTreeSet;

use kechuang_domain::Num::*;
use kechuang_policy::History;
use kechuang_policy::expr::{Expr, eval};

use crate::common::record;

fn value(text: &str, years: &[kechuang_domain::SurveyRecord]) -> Option<f64> {
    let (current, earlier) = years.split_last().expect("a year");
    let h = History {
        current,
        earlier: &earlier.iter().collect::<Vec<_>>(),
    };
    eval(
        &Expr::parse(text).expect("parses"),
        &h,
        &mut BTreeSet::new(),
    )
}

fn revenue(year: i32, v: f64) -> kechuang_domain::SurveyRecord {
    record(year, &[(Revenue, v)])
}

#[test]
fn parse_errors_name_the_position() {
    let e = Expr::parse("rd_expense / revnue").expect_err("typo");
    assert!(e.to_string().contains("'revnue'"), "{e}");
    assert!(Expr::parse("(revenue").is_err());
    assert!(Expr::parse("revenue revenue").is_err());
    assert!(Expr::parse("held(nobel)").is_err());
}

#[test]
fn growth3_follows_the_official_formula_and_its_edge_rules() {
    // ½·(120/100 + 150/120) − 1 = ½·(1.2 + 1.25) − 1 = 0.225
    let v = value(
        "growth3(revenue)",
        &[
            revenue(2023, 100.0),
            revenue(2024, 120.0),
            revenue(2025, 150.0),
        ],
    )
    .expect("value");
    assert!((v - 0.225).abs() < 1e-12, "{v}");
    // Year 1 is zero: the last two years only, 150/120 − 1 = 0.25.
    let v = value(
        "growth3(revenue)",
        &[
            revenue(2023, 0.0),
            revenue(2024, 120.0),
            revenue(2025, 150.0),
        ],
    )
    .expect("value");
    assert!((v - 0.25).abs() < 1e-12);
    // Year 2 is zero: 0.
    assert_eq!(
        value(
            "growth3(revenue)",
            &[
                revenue(2023, 100.0),
                revenue(2024, 0.0),
                revenue(2025, 150.0)
            ]
        ),
        Some(0.0)
    );
    // Two years of operation (founded in 2024): the actual period, 150/120 − 1.
    let founded_2024 = |mut r: kechuang_domain::SurveyRecord| {
        r.founded_on = chrono::NaiveDate::from_ymd_opt(2024, 2, 1).expect("date");
        r
    };
    let v = value(
        "growth3(revenue)",
        &[
            founded_2024(revenue(2024, 120.0)),
            founded_2024(revenue(2025, 150.0)),
        ],
    )
    .expect("value");
    assert!((v - 0.25).abs() < 1e-12);
    // One year: insufficient, never zero.
    assert_eq!(value("growth3(revenue)", &[revenue(2025, 150.0)]), None);
    // Net assets, an expression: (80 − 30) → (100 − 40) → (130 − 50): ½·(60/50 + 80/60) − 1.
    let na = |y, a, l| record(y, &[(TotalAssets, a), (TotalLiabilities, l)]);
    let v = value(
        "growth3(total_assets - total_liabilities)",
        &[
            na(2023, 80.0, 30.0),
            na(2024, 100.0, 40.0),
            na(2025, 130.0, 50.0),
        ],
    )
    .expect("v");
    assert!((v - (0.5 * (60.0 / 50.0 + 80.0 / 60.0) - 1.0)).abs() < 1e-12);
}

#[test]
fn sums_streaks_and_missing_years() {
    let ys = [
        revenue(2022, 10.0),
        revenue(2023, 20.0),
        revenue(2024, 30.0),
        revenue(2025, 40.0),
    ];
    assert_eq!(value("sum3(revenue)", &ys), Some(90.0));
    assert_eq!(value("avg3(revenue)", &ys), Some(30.0));
    assert_eq!(value("prev(revenue)", &ys), Some(30.0));
    assert_eq!(value("prev2(revenue)", &ys), Some(20.0));
    assert_eq!(value("streak(revenue)", &ys), Some(3.0));
    let broken = [
        revenue(2022, 10.0),
        revenue(2023, 25.0),
        revenue(2024, 20.0),
        revenue(2025, 40.0),
    ];
    assert_eq!(value("streak(revenue)", &broken), Some(1.0));
    let flat = [revenue(2024, 40.0), revenue(2025, 40.0)];
    assert_eq!(
        value("streak(revenue)", &flat),
        Some(0.0),
        "equal is not growth"
    );
    // Years the enterprise existed in (founded 2015) but has no record for are unknown: a sum,
    // a mean or a growth over them is no number.
    let two = [revenue(2024, 30.0), revenue(2025, 40.0)];
    assert_eq!(value("sum3(revenue)", &two), None, "2023 unknown");
    assert_eq!(value("avg3(revenue)", &two), None);
    assert_eq!(value("growth3(revenue)", &two), None);
    let mut missing = BTreeSet::new();
    let (current, earlier) = two.split_last().expect("a year");
    let h = History {
        current,
        earlier: &earlier.iter().collect::<Vec<_>>(),
    };
    eval(
        &Expr::parse("sum3(revenue)").expect("parses"),
        &h,
        &mut missing,
    );
    assert_eq!(missing.into_iter().collect::<Vec<_>>(), ["revenue 2023"]);
    // Founded in 2024: two years are all there are, and they are summed.
    let young: Vec<_> = two
        .iter()
        .cloned()
        .map(|mut r| {
            r.founded_on = chrono::NaiveDate::from_ymd_opt(2024, 6, 1).expect("date");
            r
        })
        .collect();
    assert_eq!(value("sum3(revenue)", &young), Some(70.0));
    assert_eq!(value("growth3(revenue)", &young), Some(40.0 / 30.0 - 1.0));
    let gap = [revenue(2022, 10.0), revenue(2025, 40.0)];
    assert_eq!(
        value("prev(revenue)", &gap),
        None,
        "a missing year is missing, not zero"
    );
    assert_eq!(value("revenue / 0", &ys), None, "no division by zero");
    assert_eq!(
        value("max(revenue, 100) - min(revenue, 1)", &ys),
        Some(99.0)
    );
}
