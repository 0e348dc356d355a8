//! 科技型中小企业: every band boundary, the direct routes, worked enterprises and gaps.

use kechuang_domain::Num::{self, *};
use kechuang_policy::Outcome;

use crate::common::{eval, passed, points, record};

/// A small enterprise that meets the size conditions, with the given extra fields.
fn small(extra: &[(Num, f64)]) -> kechuang_domain::SurveyRecord {
    let mut f = vec![
        (Employees, 100.0),
        (Revenue, 10000.0),
        (TotalAssets, 8000.0),
        (TotalCostExpense, 9000.0),
        (TechStaff, 30.0),
        (RdExpense, 600.0),
    ];
    f.extend_from_slice(extra);
    // Later entries win.
    let mut r = record(2025, &[]);
    for (n, v) in f {
        r.set(n, Some(v));
    }
    r
}

#[test]
fn tech_staff_bands_just_below_at_and_above() {
    // Employees 1000 so that one person is 0.1 percentage point.
    for (staff, expected) in [
        (299.0, 16.0),
        (300.0, 20.0),
        (301.0, 20.0),
        (249.0, 12.0),
        (250.0, 16.0),
        (199.0, 8.0),
        (200.0, 12.0),
        (149.0, 4.0),
        (150.0, 8.0),
        (99.0, 0.0),
        (100.0, 4.0),
    ] {
        let r = small(&[(Employees, 500.0), (TechStaff, staff / 2.0)]);
        let e = eval("tech_sme", &r, &[]);
        assert_eq!(
            points(&e, "tech_staff"),
            (expected, expected),
            "tech staff {} of 500",
            staff / 2.0
        );
    }
}

#[test]
fn rd_takes_the_better_basis_at_every_boundary() {
    // Basis 1, R&D / sales (sales 10,000): 6% → 50, 5 → 40, 4 → 30, 3 → 20, 2 → 10.
    // Costs set high (1,000,000) so that basis 2 stays at 0.
    for (rd, expected) in [
        (600.0, 50.0),
        (599.0, 40.0),
        (500.0, 40.0),
        (499.0, 30.0),
        (400.0, 30.0),
        (300.0, 20.0),
        (299.0, 10.0),
        (200.0, 10.0),
        (199.0, 0.0),
    ] {
        let r = small(&[(RdExpense, rd), (TotalCostExpense, 1_000_000.0)]);
        assert_eq!(
            points(&eval("tech_sme", &r, &[]), "rd"),
            (expected, expected),
            "rd {rd} of sales 10,000"
        );
    }
    // Basis 2, R&D / costs (costs 1,000, sales 1,000,000 so basis 1 is 0): 30% → 50, 25 → 40, 20 → 30, 15 → 20, 10 → 10.
    for (rd, expected) in [
        (300.0, 50.0),
        (299.0, 40.0),
        (250.0, 40.0),
        (200.0, 30.0),
        (150.0, 20.0),
        (100.0, 10.0),
        (99.0, 0.0),
    ] {
        let r = small(&[
            (RdExpense, rd),
            (TotalCostExpense, 1000.0),
            (Revenue, 20000.0),
        ]);
        let e = eval("tech_sme", &r, &[]);
        assert_eq!(
            points(&e, "rd"),
            (expected, expected),
            "rd {rd} of costs 1,000"
        );
    }
}

#[test]
fn ip_bands() {
    let ip = |f: &[(Num, f64)]| points(&eval("tech_sme", &full(f), &[]), "ip").0;
    assert_eq!(ip(&[(InventionPatentsValid, 1.0)]), 30.0);
    assert_eq!(
        ip(&[(OtherClass1Ip, 1.0), (InventionPatentsValid, 0.0)]),
        30.0
    );
    assert_eq!(
        ip(&[
            (InventionPatentsValid, 0.0),
            (UtilityModelsValid, 4.0),
            (DesignsValid, 0.0),
            (SoftwareCopyrights, 0.0),
            (OtherClass1Ip, 0.0)
        ]),
        24.0
    );
    assert_eq!(
        ip(&[
            (InventionPatentsValid, 0.0),
            (UtilityModelsValid, 1.0),
            (DesignsValid, 1.0),
            (SoftwareCopyrights, 1.0),
            (OtherClass1Ip, 0.0)
        ]),
        18.0
    );
    assert_eq!(
        ip(&[
            (InventionPatentsValid, 0.0),
            (UtilityModelsValid, 0.0),
            (DesignsValid, 0.0),
            (SoftwareCopyrights, 2.0),
            (OtherClass1Ip, 0.0)
        ]),
        12.0
    );
    assert_eq!(
        ip(&[
            (InventionPatentsValid, 0.0),
            (UtilityModelsValid, 1.0),
            (DesignsValid, 0.0),
            (SoftwareCopyrights, 0.0),
            (OtherClass1Ip, 0.0)
        ]),
        6.0
    );
    assert_eq!(
        ip(&[
            (InventionPatentsValid, 0.0),
            (UtilityModelsValid, 0.0),
            (DesignsValid, 0.0),
            (SoftwareCopyrights, 0.0),
            (OtherClass1Ip, 0.0)
        ]),
        0.0
    );
}

fn full(extra: &[(Num, f64)]) -> kechuang_domain::SurveyRecord {
    let mut base = vec![
        (InventionPatentsValid, 0.0),
        (OtherClass1Ip, 0.0),
        (UtilityModelsValid, 0.0),
        (DesignsValid, 0.0),
        (SoftwareCopyrights, 0.0),
        (AwardsNational, 0.0),
        (StandardsInternational, 0.0),
        (StandardsNational, 0.0),
        (StandardsIndustry, 0.0),
    ];
    base.extend_from_slice(extra);
    small(&base)
}

#[test]
fn worked_enterprises() {
    // A: 30% tech staff (20) + 6% R&D (50) + one invention patent (30) = 100: qualifies.
    let a = eval("tech_sme", &full(&[(InventionPatentsValid, 1.0)]), &[]);
    assert_eq!(
        (a.outcome, a.score),
        (Outcome::Qualifies, Some((100.0, 100.0)))
    );
    // B: 12% tech staff (4) + 3% R&D (20) + two software copyrights (12) = 36: does not.
    let b = eval(
        "tech_sme",
        &full(&[
            (TechStaff, 12.0),
            (RdExpense, 300.0),
            (SoftwareCopyrights, 2.0),
        ]),
        &[],
    );
    assert_eq!(
        (b.outcome, b.score),
        (Outcome::DoesNotQualify, Some((36.0, 36.0)))
    );
    // C: 5% tech staff scores 0 on 科技人员: fails however high the total (0 + 50 + 30 = 80).
    let c = eval(
        "tech_sme",
        &full(&[(TechStaff, 5.0), (InventionPatentsValid, 2.0)]),
        &[],
    );
    assert_eq!(
        (c.outcome, c.score),
        (Outcome::DoesNotQualify, Some((80.0, 80.0)))
    );
    // D: exactly 60 points passes (at the boundary): 20% staff (12) + 4% R&D (30) + 3 class II (18) = 60.
    let d = eval(
        "tech_sme",
        &full(&[
            (TechStaff, 20.0),
            (RdExpense, 400.0),
            (UtilityModelsValid, 3.0),
        ]),
        &[],
    );
    assert_eq!(
        (d.outcome, d.score),
        (Outcome::Qualifies, Some((60.0, 60.0)))
    );
    // E: 501 employees fails the size condition even with full marks.
    let e = eval(
        "tech_sme",
        &full(&[
            (Employees, 501.0),
            (TechStaff, 200.0),
            (InventionPatentsValid, 1.0),
        ]),
        &[],
    );
    assert_eq!(e.outcome, Outcome::DoesNotQualify);
    assert_eq!(passed(&e, "employees"), Some(false));
    assert_eq!(e.gaps[0].field, "employees");
    assert_eq!(e.gaps[0].needed, 500.0);
}

#[test]
fn direct_route_and_boundaries_of_size() {
    let mut r = full(&[(TechStaff, 1.0), (RdExpense, 0.0)]);
    r.titles.hnte = chrono::NaiveDate::from_ymd_opt(2026, 12, 31);
    let e = eval("tech_sme", &r, &[]);
    assert_eq!(
        e.outcome,
        Outcome::Qualifies,
        "a valid 高企 certificate qualifies directly"
    );
    for (revenue, ok) in [(20000.0, true), (20000.1, false)] {
        let e = eval(
            "tech_sme",
            &full(&[(Revenue, revenue), (InventionPatentsValid, 1.0)]),
            &[],
        );
        assert_eq!(passed(&e, "revenue"), Some(ok), "revenue {revenue}");
    }
}

#[test]
fn missing_data_is_not_zero_and_gaps_name_the_change() {
    let mut r = full(&[]);
    r.set(TechStaff, None);
    let e = eval("tech_sme", &r, &[]);
    assert_eq!(e.outcome, Outcome::InsufficientData);
    assert!(
        e.missing.iter().any(|m| m.starts_with("tech_staff")),
        "{:?}",
        e.missing
    );
    // 56 points: 25% staff (16) + 5% R&D (40), no IP: short of 60 by 4; one IP item closes the gap.
    let e = eval(
        "tech_sme",
        &full(&[(TechStaff, 25.0), (RdExpense, 500.0)]),
        &[],
    );
    assert_eq!(
        (e.outcome, e.score),
        (Outcome::DoesNotQualify, Some((56.0, 56.0)))
    );
    assert!(e.near_miss());
    assert!(!e.gaps.is_empty());
    let covered: f64 = e.gaps.iter().filter_map(|g| g.points).sum();
    assert!(covered >= 4.0, "{:?}", e.gaps);
}

/// A must-score item at zero fails the scheme whatever the total; the gap says what gives it its
/// first points (issue 14): 49 technology staff of 500 is 9.8%, one more makes 10% and 4 points.
/// R&D 600 / revenue 10,000 = 6% (50) and an invention patent (30) carry the total past 60.
#[test]
fn a_must_score_item_at_zero_has_its_gap() {
    let r = full(&[
        (Employees, 500.0),
        (TechStaff, 49.0),
        (InventionPatentsValid, 1.0),
    ]);
    let e = eval("tech_sme", &r, &[]);
    assert_eq!(points(&e, "tech_staff"), (0.0, 0.0));
    assert_eq!(e.outcome, Outcome::DoesNotQualify);
    let gap = e
        .gaps
        .iter()
        .find(|g| g.criterion == "tech_staff")
        .unwrap_or_else(|| {
            panic!(
                "no tech_staff gap: {:?} {:?}",
                e.gaps,
                e.criteria
                    .iter()
                    .map(|c| (c.id, c.passed, c.points))
                    .collect::<Vec<_>>()
            )
        });
    assert_eq!(gap.field, "tech_staff");
    assert_eq!(gap.current, 49.0);
    assert!((50.0..51.0).contains(&gap.needed), "{gap:?}");
    assert_eq!(gap.points, Some(4.0));
}
