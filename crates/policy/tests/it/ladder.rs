//! The SME ladder (创新型, 专精特新, 小巨人) and the R&D-growth credit rule.

use kechuang_domain::Num::{self, *};
use kechuang_domain::{RdInstitutionLevel, SurveyRecord};
use kechuang_policy::Outcome;

use crate::common::{eval, eval_with_expert, passed, points, record};

fn two_years(extra: &[(Num, f64)]) -> (SurveyRecord, Vec<SurveyRecord>) {
    let y = |year: i32, mbr: f64, rd: f64| {
        let mut f = vec![
            (Employees, 80.0),
            (RdStaff, 12.0),
            (Revenue, mbr / 0.8),
            (MainBusinessRevenue, mbr),
            (RdExpense, rd),
            (TotalAssets, 5000.0),
            (TotalLiabilities, 2500.0),
            (NetProfit, mbr * 0.1),
            (InventionPatentsValid, 1.0),
            (OtherClass1Ip, 0.0),
            (UtilityModelsValid, 0.0),
            (DesignsValid, 0.0),
            (SoftwareCopyrights, 0.0),
            (AwardsNational, 0.0),
            (AwardsProvincial, 0.0),
            (EquityFinancing, 0.0),
            (NicheYears, 6.0),
            (DigitalMaturityLevel, 3.0),
            (QualityCertifications, 1.0),
            (MarketShare, 12.0),
        ];
        if year == 2025 {
            f.extend_from_slice(extra);
        }
        record(year, &f)
    };
    (
        y(2025, 4400.0, 300.0),
        vec![y(2023, 3600.0, 250.0), y(2024, 4000.0, 280.0)],
    )
}

#[test]
fn innovative_sme_bands_and_group_minimums() {
    let (cur, earlier) = two_years(&[]);
    let e = eval_with_expert("innovative_sme", &cur, &earlier, &[("product_field", 10.0)]);
    // R&D 300 / revenue 5,500 = 5.45% → 20; growth 4,400/4,000 − 1 = 10% → 15; debt 50% → 10;
    // main-business share 80% → 20; class I IP → 10–20, so the total is a range: 85–95 (issue 14,
    // item 9), qualifying at its low end.
    assert_eq!(points(&e, "rd_ratio"), (20.0, 20.0));
    assert_eq!(points(&e, "main_business_growth"), (15.0, 15.0));
    assert_eq!(points(&e, "debt_ratio"), (10.0, 10.0));
    assert_eq!(points(&e, "main_business_share"), (20.0, 20.0));
    assert_eq!(points(&e, "ip"), (10.0, 20.0));
    assert_eq!(
        (e.outcome, e.score),
        (Outcome::Qualifies, Some((85.0, 95.0)))
    );
    // Debt ratio boundaries: 55% → 5 (55 is in 55–75), 54.99% → 10, 75% → 5, 75.01% → 0.
    for (liabilities, expected) in [(2749.5, 10.0), (2750.0, 5.0), (3750.0, 5.0), (3750.5, 0.0)] {
        let (cur, earlier) = two_years(&[(TotalLiabilities, liabilities)]);
        assert_eq!(
            points(&eval("innovative_sme", &cur, &earlier), "debt_ratio").0,
            expected,
            "liabilities {liabilities}"
        );
    }
    // Growth just below 0 scores 0 and the growth group (0 + 10 < 15) fails even with a high total.
    let (cur, earlier) = two_years(&[(MainBusinessRevenue, 3999.0)]);
    let e = eval_with_expert("innovative_sme", &cur, &earlier, &[("product_field", 10.0)]);
    assert_eq!(points(&e, "main_business_growth").0, 0.0);
    assert_eq!(passed(&e, "growth"), Some(false));
    assert_eq!(e.outcome, Outcome::DoesNotQualify);
}

#[test]
fn innovative_sme_direct_route() {
    let (mut cur, earlier) = two_years(&[(RdExpense, 0.0)]);
    cur.rd_institution_level = RdInstitutionLevel::Provincial;
    assert_eq!(
        eval("innovative_sme", &cur, &earlier).outcome,
        Outcome::Qualifies
    );
}

#[test]
fn specialised_sme_conditions_and_score() {
    let (cur, earlier) = two_years(&[]);
    let e = eval_with_expert(
        "specialised_sme",
        &cur,
        &earlier,
        &[("product_position", 3.0), ("distinctive", 10.0)],
    );
    assert_eq!(passed(&e, "rd_amount"), Some(true));
    assert_eq!(passed(&e, "rd_ratio"), Some(true), "5.45% ≥ 3%");
    assert_eq!(passed(&e, "revenue_or_financing"), Some(true));
    // Main-business share 80% → 5; average growth ½·(10% + 11.1%) = 10.6% → 10; niche 6 years → 3;
    // digital 3 → 5; one certification → 3; margin 8% → 8; debt 50% → 3; IP class I → 6–10 (8);
    // R&D amount 300 → 6 or ratio 5.45% → 4: 6; R&D staff 15% → 3; no institution → 0.
    assert_eq!(points(&e, "main_business_growth").0, 10.0);
    assert_eq!(points(&e, "niche_years_points").0, 3.0);
    assert_eq!(points(&e, "net_margin").0, 8.0);
    assert_eq!(points(&e, "debt_ratio").0, 3.0);
    assert_eq!(points(&e, "rd").0, 6.0);
    assert_eq!(points(&e, "rd_staff").0, 3.0);
    // With the IP band's 6–10 points the total is a range.
    let fixed = 5.0 + 10.0 + 3.0 + 3.0 + 5.0 + 3.0 + 8.0 + 3.0 + 10.0 + 6.0 + 3.0 + 0.0;
    assert_eq!(
        (e.outcome, e.score),
        (Outcome::Qualifies, Some((fixed + 6.0, fixed + 10.0)))
    );
    // R&D of 99 (万元) fails the ¥1M condition; the gap is +1.
    let (cur, earlier) = two_years(&[(RdExpense, 99.0)]);
    let e = eval("specialised_sme", &cur, &earlier);
    assert_eq!(passed(&e, "rd_amount"), Some(false));
    assert!(
        e.gaps
            .iter()
            .any(|g| g.field == "rd_expense" && g.needed >= 100.0),
        "{:?}",
        e.gaps
    );
}

#[test]
fn little_giant_all_conditions() {
    // Revenue 5,500 (5,000–10,000) needs R&D ≥ 6% in both years: 300/5,500 = 5.45% fails.
    let (cur, earlier) = two_years(&[(InventionPatentsValid, 2.0)]);
    let mut cur = cur;
    cur.rd_institution_level = RdInstitutionLevel::City;
    let e = eval("little_giant", &cur, &earlier);
    assert_eq!(passed(&e, "rd_ratio"), Some(false));
    assert_eq!(e.outcome, Outcome::DoesNotQualify);
    // With R&D at 6.5% this year and 7% last year, it qualifies (2024: 280/5,000 = 5.6% still fails: raise it).
    let mut earlier = earlier;
    earlier[1].set(RdExpense, Some(350.0));
    cur.set(RdExpense, Some(360.0));
    let e = eval("little_giant", &cur, &earlier);
    assert_eq!(
        passed(&e, "rd_ratio"),
        Some(true),
        "{:?}",
        e.criteria.iter().find(|c| c.id == "rd_ratio")
    );
    assert_eq!(
        e.outcome,
        Outcome::Qualifies,
        "{:?}",
        e.criteria
            .iter()
            .filter(|c| c.passed == Some(false))
            .collect::<Vec<_>>()
    );
}

#[test]
fn rd_credit_needs_three_years_of_growth() {
    let rd = |y: i32, v: f64| record(y, &[(RdExpense, v)]);
    let e = eval(
        "rd_credit",
        &rd(2025, 130.0),
        &[rd(2022, 100.0), rd(2023, 110.0), rd(2024, 120.0)],
    );
    assert_eq!(e.outcome, Outcome::Qualifies);
    // Two known years of growth, 2022 unknown for a firm founded in 2015: undecided, not "no"
    // (issue 14, item 7).
    let e = eval(
        "rd_credit",
        &rd(2025, 130.0),
        &[rd(2023, 110.0), rd(2024, 120.0)],
    );
    assert_eq!(e.outcome, Outcome::InsufficientData, "2022 is unknown");
    assert!(
        e.missing.iter().any(|m| m == "rd_expense 2022"),
        "{:?}",
        e.missing
    );
    // Founded in 2023: it cannot have grown three times by 2025.
    let young = |y: i32, v: f64| {
        let mut r = rd(y, v);
        r.founded_on = chrono::NaiveDate::from_ymd_opt(2023, 3, 1).expect("date");
        r
    };
    let e = eval(
        "rd_credit",
        &young(2025, 130.0),
        &[young(2023, 110.0), young(2024, 120.0)],
    );
    assert_eq!(
        e.outcome,
        Outcome::DoesNotQualify,
        "founded inside the window"
    );
    // A known streak long enough qualifies whatever came before it.
    let e = eval(
        "rd_credit",
        &rd(2025, 130.0),
        &[
            rd(2021, 100.0),
            rd(2022, 105.0),
            rd(2023, 110.0),
            rd(2024, 120.0),
        ],
    );
    assert_eq!(e.outcome, Outcome::Qualifies);
    let e = eval(
        "rd_credit",
        &rd(2025, 130.0),
        &[rd(2022, 105.0), rd(2023, 110.0), rd(2024, 120.0)],
    );
    assert_eq!(
        e.outcome,
        Outcome::Qualifies,
        "three known growths, 2021 unknown"
    );
    let e = eval(
        "rd_credit",
        &rd(2025, 115.0),
        &[rd(2022, 100.0), rd(2023, 110.0), rd(2024, 120.0)],
    );
    assert_eq!(e.outcome, Outcome::DoesNotQualify);
    assert!(
        e.gaps
            .iter()
            .any(|g| g.field == "rd_expense" && g.needed > 120.0),
        "{:?}",
        e.gaps
    );
}
