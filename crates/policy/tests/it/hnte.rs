//! 高新技术企业: conditions, the R&D ratio steps by sales, scores with expert items, worked cases.

use kechuang_domain::Num::{self, *};
use kechuang_domain::SurveyRecord;
use kechuang_policy::Outcome;

use crate::common::{eval, eval_with_expert, passed, points, record};

/// Three years of an enterprise meeting every condition: sales 8,000 → 9,000 → 10,000 (万元),
/// R&D 5% each year, all in China, 70% high-tech revenue, 20% tech staff.
fn years(extra: &[(Num, f64)]) -> (SurveyRecord, Vec<SurveyRecord>) {
    let year = |y: i32, sales: f64, assets: f64| {
        let mut f = vec![
            (Employees, 100.0),
            (TechStaff, 20.0),
            (Revenue, sales),
            (RdExpense, sales * 0.05),
            (RdExpenseDomestic, sales * 0.05),
            (HightechRevenue, sales * 0.7),
            (TotalAssets, assets),
            (TotalLiabilities, assets * 0.4),
            (InventionPatentsValid, 2.0),
            (OtherClass1Ip, 0.0),
            (UtilityModelsValid, 0.0),
            (DesignsValid, 0.0),
            (SoftwareCopyrights, 0.0),
            (StandardsInternational, 0.0),
            (StandardsNational, 0.0),
            (StandardsIndustry, 1.0),
            (AchievementsConverted, 3.0),
        ];
        if y == 2025 {
            f.extend_from_slice(extra);
        }
        record(y, &f)
    };
    (
        year(2025, 10000.0, 13000.0),
        vec![year(2023, 8000.0, 10000.0), year(2024, 9000.0, 11000.0)],
    )
}

#[test]
fn rd_ratio_threshold_steps_by_last_years_sales() {
    // Sales ≤ 5,000 → 5%; ≤ 20,000 (inclusive) → 4%; above → 3%. Judged on three-year sums.
    for (sales, rd_share, ok) in [
        (5000.0, 0.05, true),
        (5000.0, 0.0499, false),
        (5000.01, 0.04, true),
        (20000.0, 0.0399, false),
        (20000.0, 0.04, true),
        (20000.01, 0.03, true),
        (30000.0, 0.0299, false),
    ] {
        let y = |yr| {
            record(
                yr,
                &[
                    (Revenue, sales),
                    (RdExpense, sales * rd_share),
                    (RdExpenseDomestic, sales * rd_share),
                    (Employees, 10.0),
                    (TechStaff, 5.0),
                    (HightechRevenue, sales),
                ],
            )
        };
        let e = eval("hnte", &y(2025), &[y(2023), y(2024)]);
        assert_eq!(
            passed(&e, "rd_ratio"),
            Some(ok),
            "sales {sales}, R&D {rd_share}"
        );
    }
}

#[test]
fn conditions_at_their_boundaries() {
    let (cur, earlier) = years(&[(TechStaff, 10.0)]);
    assert_eq!(
        passed(&eval("hnte", &cur, &earlier), "tech_staff"),
        Some(true),
        "exactly 10%"
    );
    let (cur, earlier) = years(&[(TechStaff, 9.0)]);
    assert_eq!(
        passed(&eval("hnte", &cur, &earlier), "tech_staff"),
        Some(false)
    );
    let (cur, earlier) = years(&[(HightechRevenue, 6000.0)]);
    assert_eq!(
        passed(&eval("hnte", &cur, &earlier), "hightech_revenue"),
        Some(true),
        "exactly 60%"
    );
    let (cur, earlier) = years(&[(HightechRevenue, 5999.0)]);
    let e = eval("hnte", &cur, &earlier);
    assert_eq!(
        (passed(&e, "hightech_revenue"), e.outcome),
        (Some(false), Outcome::DoesNotQualify)
    );
    assert_eq!(e.gaps[0].field, "hightech_revenue");
    assert_eq!(e.gaps[0].needed, 6000.0);
}

#[test]
fn growth_scores_in_their_bands() {
    // Sales 8,000 → 9,000 → 10,000: ½·(1.125 + 1.1111) − 1 = 11.8% → the 5–15% band, 3–4 points.
    let (cur, earlier) = years(&[]);
    let e = eval("hnte", &cur, &earlier);
    assert_eq!(points(&e, "growth_sales"), (3.0, 4.0));
    // Net assets 6,000 → 6,600 → 7,800: ½·(1.1 + 1.1818) − 1 = 14.1% → 3–4.
    assert_eq!(points(&e, "growth_net_assets"), (3.0, 4.0));
    // Commercialisation: 3 a year on average → 13–18; IP count: class I → 7–8; standards bonus → 1–2.
    assert_eq!(points(&e, "commercialisation"), (13.0, 18.0));
    assert_eq!(points(&e, "ip_count"), (7.0, 8.0));
    assert_eq!(points(&e, "ip_standards_bonus"), (1.0, 2.0));
}

#[test]
fn expert_items_decide_around_the_strict_pass_mark() {
    let (cur, earlier) = years(&[]);
    // Every item counts with its range (issue 14, item 9). Data-derived bands: ip_count 7–8,
    // bonus 1–2, commercialisation 13–18, growth 3–4 and 3–4: 27–36. Open expert items add
    // 0–(8 + 8 + 6 + 20); the IP group (ip items 0+0+7+0+1 … 8+8+8+6+2 = 32) is capped at 30, so
    // the top loses 2: 27–76.
    let open = eval("hnte", &cur, &earlier);
    assert_eq!(open.outcome, Outcome::NeedsExpert, "{:?}", open.score);
    assert_eq!(open.score, Some((27.0, 76.0)));
    // Experts' IP points 8, 8, 6 and R&D management 17.5 still leave the bands' ranges open:
    // 27 + 39.5 = 66.5 to 36 + 39.5 − 2 = 73.5, across the pass mark of 70: it depends on them.
    let experts = [
        ("ip_advancement", 8.0),
        ("ip_core_support", 8.0),
        ("ip_acquisition", 6.0),
        ("rd_management", 17.5),
    ];
    let ranged = eval_with_expert("hnte", &cur, &earlier, &experts);
    assert_eq!(
        (ranged.outcome, ranged.score),
        (Outcome::NeedsExpert, Some((66.5, 73.5)))
    );
    // The analyst fixes the bands' points within their ranges (item 8): 7.5, 1.5, 15.5, 3.5, 3.5.
    // IP group 8 + 8 + 7.5 + 6 + 1.5 = 31, capped at 30: 30 + 15.5 + 7 + 17.5 = 70 — not > 70.
    let mut fixed: Vec<(&str, f64)> = experts.to_vec();
    fixed.extend([
        ("ip_count", 7.5),
        ("ip_standards_bonus", 1.5),
        ("commercialisation", 15.5),
        ("growth_sales", 3.5),
        ("growth_net_assets", 3.5),
    ]);
    let at = eval_with_expert("hnte", &cur, &earlier, &fixed);
    assert_eq!(
        (at.outcome, at.score),
        (Outcome::DoesNotQualify, Some((70.0, 70.0)))
    );
    // R&D management 18.5 gives 71.
    fixed[3] = ("rd_management", 18.5);
    let above = eval_with_expert("hnte", &cur, &earlier, &fixed);
    assert_eq!(
        (above.outcome, above.score),
        (Outcome::Qualifies, Some((71.0, 71.0)))
    );
    // Points outside the band's range are not used, and say so.
    let outside = eval_with_expert("hnte", &cur, &earlier, &[("commercialisation", 25.0)]);
    assert_eq!(points(&outside, "commercialisation"), (13.0, 18.0));
}

#[test]
fn analysts_points_are_checked_before_use() {
    let rules = kechuang_policy::shipped("hnte").expect("hnte");
    let check = |id: &str, v: f64| {
        kechuang_policy::check_expert_points(
            &rules,
            &std::collections::HashMap::from([(id.to_string(), v)]),
        )
    };
    assert!(check("rd_management", 18.0).is_ok());
    assert!(check("commercialisation", 15.5).is_ok(), "a ranged band");
    let unknown = check("rd_managment", 18.0).expect_err("typo");
    assert!(unknown.contains("rd_management"), "{unknown}");
    assert!(check("rd_management", 21.0).is_err(), "most is 20");
}

#[test]
fn ip_group_is_capped_at_30() {
    let (cur, earlier) = years(&[]);
    let e = eval_with_expert(
        "hnte",
        &cur,
        &earlier,
        &[
            ("ip_advancement", 8.0),
            ("ip_core_support", 8.0),
            ("ip_acquisition", 6.0),
            ("rd_management", 0.0),
        ],
    );
    // IP items: 8 + 8 + (7–8) + 6 + (1–2) = 30–32 → capped at 30.
    assert_eq!(points(&e, "ip"), (30.0, 30.0));
    // The rest: commercialisation 13–18, growth 3–4 twice: 30 + 19 = 49 to 30 + 26 = 56.
    assert_eq!(e.score, Some((49.0, 56.0)));
}

#[test]
fn one_year_of_data_is_insufficient() {
    let (cur, _) = years(&[]);
    let e = eval("hnte", &cur, &[]);
    // Three-year sums fall back to the year available, but growth needs two years.
    assert_eq!(e.outcome, Outcome::InsufficientData);
    assert!(
        e.missing.iter().any(|m| m.contains("2024")),
        "{:?}",
        e.missing
    );
}
