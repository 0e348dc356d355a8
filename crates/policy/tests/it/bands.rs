//! Every band boundary of the scored schemes, just below, at and just above, transcribed from
//! the official texts (the schemes' bands as published, summarised in
//! `docs/policy-rules.md`) independently of the rule files.

use kechuang_domain::Num::{self, *};
use kechuang_domain::SurveyRecord;

use crate::common::{eval, points, record};

const EPS: f64 = 0.001;

/// Fields that make every basis of every indicator computable (zeros), overridden by `f`.
fn base(year: i32, f: &[(Num, f64)]) -> SurveyRecord {
    let mut fields = vec![
        (Employees, 100.0),
        (TechStaff, 10.0),
        (RdStaff, 10.0),
        (Revenue, 10000.0),
        (MainBusinessRevenue, 10000.0),
        (HightechRevenue, 0.0),
        (RdExpense, 0.0),
        (RdExpenseDomestic, 0.0),
        (TotalCostExpense, 1_000_000.0),
        (TotalAssets, 10000.0),
        (TotalLiabilities, 1000.0),
        (NetProfit, 0.0),
        (InventionPatentsValid, 0.0),
        (OtherClass1Ip, 0.0),
        (UtilityModelsValid, 0.0),
        (DesignsValid, 0.0),
        (SoftwareCopyrights, 0.0),
        (StandardsInternational, 0.0),
        (StandardsNational, 0.0),
        (StandardsIndustry, 0.0),
        (AchievementsConverted, 0.0),
        (NicheYears, 0.0),
        (DigitalMaturityLevel, 0.0),
        (QualityCertifications, 0.0),
        (EquityFinancing, 0.0),
        (AwardsNational, 0.0),
        (AwardsProvincial, 0.0),
    ];
    fields.extend_from_slice(f);
    let mut r = record(year, &[]);
    for (n, v) in fields {
        r.set(n, Some(v));
    }
    r
}

/// For each band lower bound `t` with points `p` (and the points `below` under it), checks t − ε,
/// t and t + ε. `make(v)` builds (current, earlier) records whose indicator value is `v`.
fn check(
    scheme: &str,
    id: &str,
    bands: &[(f64, f64)],
    bottom: f64,
    make: &dyn Fn(f64) -> (SurveyRecord, Vec<SurveyRecord>),
) {
    for (k, &(t, p)) in bands.iter().enumerate() {
        let below = bands.get(k + 1).map_or(bottom, |b| b.1);
        for (v, expected) in [(t - EPS, below), (t, p), (t + EPS, p)] {
            let (cur, earlier) = make(v);
            let got = points(&eval(scheme, &cur, &earlier), id);
            assert_eq!(
                (got.0 + got.1) / 2.0,
                expected,
                "{scheme}/{id} at {v} (band from {t})"
            );
        }
    }
}

fn one(f: impl Fn(f64) -> Vec<(Num, f64)>) -> impl Fn(f64) -> (SurveyRecord, Vec<SurveyRecord>) {
    move |v| (base(2025, &f(v)), vec![base(2024, &[])])
}

#[test]
fn innovative_sme_bands() {
    // R&D / operating revenue: ≥5 → 20; 3–5 → 15; 2–3 → 10; 1–2 → 5; <1 → 0 (revenue 10,000: R&D = v × 100).
    check(
        "innovative_sme",
        "rd_ratio",
        &[(5.0, 20.0), (3.0, 15.0), (2.0, 10.0), (1.0, 5.0)],
        0.0,
        &one(|v| vec![(RdExpense, v * 100.0)]),
    );
    // Main-business growth: ≥15 → 20; 10–15 → 15; 5–10 → 10; 0–5 → 5; <0 → 0 (last year 10,000).
    check(
        "innovative_sme",
        "main_business_growth",
        &[(15.0, 20.0), (10.0, 15.0), (5.0, 10.0), (0.0, 5.0)],
        0.0,
        &one(|v| {
            vec![
                (MainBusinessRevenue, 10000.0 * (1.0 + v / 100.0)),
                (Revenue, 20000.0),
            ]
        }),
    );
    // Main-business share: ≥70 → 20; 60–70 → 15; 55–60 → 10; 50–55 → 5; <50 → 0 (revenue 10,000).
    check(
        "innovative_sme",
        "main_business_share",
        &[(70.0, 20.0), (60.0, 15.0), (55.0, 10.0), (50.0, 5.0)],
        0.0,
        &one(|v| vec![(MainBusinessRevenue, v * 100.0)]),
    );
}

#[test]
fn specialised_sme_bands() {
    let s = "specialised_sme";
    check(
        s,
        "main_business_share",
        &[(80.0, 5.0), (70.0, 3.0), (60.0, 1.0)],
        0.0,
        &one(|v| vec![(MainBusinessRevenue, v * 100.0)]),
    );
    // Two-year average main-business growth: both years grow by v%.
    check(
        s,
        "main_business_growth",
        &[(10.0, 10.0), (8.0, 8.0), (6.0, 6.0), (4.0, 4.0), (0.0, 2.0)],
        0.0,
        &|v| {
            let g = 1.0 + v / 100.0;
            (
                base(
                    2025,
                    &[(MainBusinessRevenue, 10000.0 * g * g), (Revenue, 30000.0)],
                ),
                vec![
                    base(
                        2024,
                        &[(MainBusinessRevenue, 10000.0 * g), (Revenue, 30000.0)],
                    ),
                    base(2023, &[(MainBusinessRevenue, 10000.0), (Revenue, 30000.0)]),
                ],
            )
        },
    );
    check(
        s,
        "niche_years_points",
        &[(10.0, 5.0), (8.0, 4.0), (6.0, 3.0), (4.0, 2.0), (2.0, 1.0)],
        0.0,
        &one(|v| vec![(NicheYears, v)]),
    );
    check(
        s,
        "digital",
        &[(3.0, 5.0), (2.0, 3.0)],
        0.0,
        &one(|v| vec![(DigitalMaturityLevel, v)]),
    );
    check(
        s,
        "quality",
        &[(2.0, 5.0), (1.0, 3.0)],
        0.0,
        &one(|v| vec![(QualityCertifications, v)]),
    );
    check(
        s,
        "net_margin",
        &[(10.0, 10.0), (8.0, 8.0), (6.0, 6.0), (4.0, 4.0), (2.0, 2.0)],
        0.0,
        &one(|v| vec![(NetProfit, v * 100.0)]),
    );
    // R&D amount (万元): ≥500 → 10 … ≥100 → 2 (ratio kept below 3% with revenue 1,000,000).
    check(
        s,
        "rd",
        &[
            (500.0, 10.0),
            (400.0, 8.0),
            (300.0, 6.0),
            (200.0, 4.0),
            (100.0, 2.0),
        ],
        0.0,
        &one(|v| {
            vec![
                (RdExpense, v),
                (Revenue, 1_000_000.0),
                (MainBusinessRevenue, 1_000_000.0),
            ]
        }),
    );
    check(
        s,
        "rd_staff",
        &[(20.0, 5.0), (10.0, 3.0), (5.0, 1.0)],
        0.0,
        &one(|v| {
            vec![
                (RdStaff, v * 10.0),
                (Employees, 1000.0),
                (TechStaff, 1000.0),
            ]
        }),
    );
    // Debt ratio: <50 → 5; 50–60 → 3; 60–70 (70 included) → 1; >70 → 0 (assets 10,000).
    for (debt, expected) in [
        (49.999, 5.0),
        (50.0, 3.0),
        (59.999, 3.0),
        (60.0, 1.0),
        (70.0, 1.0),
        (70.001, 0.0),
    ] {
        let cur = base(2025, &[(TotalLiabilities, debt * 100.0)]);
        assert_eq!(
            points(&eval(s, &cur, &[base(2024, &[])]), "debt_ratio").0,
            expected,
            "debt {debt}"
        );
    }
}

#[test]
fn hnte_bands() {
    // Commercialisation, three-year average results converted: ≥5 → 25–30 (27.5) … ≥1 → 1–6 (3.5).
    check(
        "hnte",
        "commercialisation",
        &[
            (5.0, 27.5),
            (4.0, 21.5),
            (3.0, 15.5),
            (2.0, 9.5),
            (1.0, 3.5),
        ],
        0.0,
        &|v| {
            (
                base(2025, &[(AchievementsConverted, v)]),
                vec![
                    base(2024, &[(AchievementsConverted, v)]),
                    base(2023, &[(AchievementsConverted, v)]),
                ],
            )
        },
    );
    // Sales growth ½·(S₂/S₁ + S₃/S₂) − 1 with both ratios 1 + v: ≥35 → 9–10 … > 0 → 1–2, ≤ 0 → 0.
    check(
        "hnte",
        "growth_sales",
        &[(35.0, 9.5), (25.0, 7.5), (15.0, 5.5), (5.0, 3.5)],
        1.5,
        &|v| {
            let g = 1.0 + v / 100.0;
            (
                base(2025, &[(Revenue, 10000.0 * g * g)]),
                vec![
                    base(2024, &[(Revenue, 10000.0 * g)]),
                    base(2023, &[(Revenue, 10000.0)]),
                ],
            )
        },
    );
    // Net-asset growth, the same bands on total assets − total liabilities (liabilities 1,000 each year).
    check(
        "hnte",
        "growth_net_assets",
        &[(35.0, 9.5), (25.0, 7.5), (15.0, 5.5), (5.0, 3.5)],
        1.5,
        &|v| {
            let g = 1.0 + v / 100.0;
            let na = |x: f64| vec![(TotalAssets, x + 1000.0), (TotalLiabilities, 1000.0)];
            (
                base(2025, &na(10000.0 * g * g)),
                vec![base(2024, &na(10000.0 * g)), base(2023, &na(10000.0))],
            )
        },
    );
    for (v, expected) in [(0.001, 1.5), (0.0, 0.0), (-5.0, 0.0)] {
        let g = 1.0 + v / 100.0;
        let e = eval(
            "hnte",
            &base(2025, &[(Revenue, 10000.0 * g * g)]),
            &[
                base(2024, &[(Revenue, 10000.0 * g)]),
                base(2023, &[(Revenue, 10000.0)]),
            ],
        );
        let p = points(&e, "growth_sales");
        assert_eq!((p.0 + p.1) / 2.0, expected, "growth {v}");
    }
    // Class-II IP count: ≥5 → 5–6; 3–4 → 3–4; 1–2 → 1–2; none → 0 (whole items, so at and one below).
    for (n, expected) in [
        (5.0, 5.5),
        (4.0, 3.5),
        (3.0, 3.5),
        (2.0, 1.5),
        (1.0, 1.5),
        (0.0, 0.0),
    ] {
        let e = eval(
            "hnte",
            &base(2025, &[(UtilityModelsValid, n)]),
            &[base(2024, &[]), base(2023, &[])],
        );
        let p = points(&e, "ip_count");
        assert_eq!((p.0 + p.1) / 2.0, expected, "{n} class-II items");
    }
}
