//! Policy what-if through the application layer: a scenario beside the shipped rules over a stored
//! region, scoped to the caller, with the budget by district.

use std::sync::Arc;

use kechuang_app::access::{Credential, Principal, Role};
use kechuang_app::audit::Auditor;
use std::collections::HashMap;

use kechuang_app::whatif::{Line, Scenario, WhatIfView, evaluate, saved};
use kechuang_app::{Caller, Error};
use kechuang_domain::ParseContext;
use kechuang_policy::Overrides;
use kechuang_store::Store;
use kechuang_synthetic::region::RegionSpec;
use kechuang_tabular::grid::read_grid;
use kechuang_tabular::survey::{Encoding, GridLimits, SurveyReadOptions};

const TECH_SME: &str = include_str!("../../../policy/rules/tech_sme-2022.toml");

fn who(role: Role, scope: &[&str]) -> Principal {
    Principal {
        user_id: 1,
        name: role.as_str().into(),
        display_name: role.as_str().into(),
        role,
        scope: scope.iter().map(|s| s.to_string()).collect(),
        credential: Credential::Session {
            csrf: String::new(),
        },
    }
}

fn caller(p: &Principal) -> Caller<'_> {
    Caller {
        principal: p,
        remote: "test",
    }
}

/// Stores a synthetic region of 3,000 enterprises over 2024 and 2025; its records.
async fn seed(store: &Store) -> Vec<kechuang_domain::SurveyRecord> {
    crate::seed_region(
        store,
        RegionSpec {
            enterprises: 3000,
            years: vec![2024, 2025],
            seed: 5,
        },
    )
    .await
}

pub async fn a_scenario_moves_only_who_it_concerns_within_the_callers_districts(store: Arc<Store>) {
    let records = seed(&store).await;
    let (auditor, _writer) = Auditor::start(store.clone());
    let shipped: Vec<_> = ["tech_sme"]
        .iter()
        .filter_map(|id| kechuang_policy::shipped(id))
        .collect();
    let analyst = who(Role::Analyst, &[]);
    let relaxed: &'static str = TECH_SME
        .replacen("value = 20000", "value = 60000", 1)
        .leak();
    let scenario = |rules: &'static str| Scenario {
        scheme: "tech_sme",
        rules: Some(rules),
        changes: Default::default(),
        year: Some(2025),
        amount: Some(20.0),
    };
    // The current rules as a scenario move nobody.
    let same = evaluate(
        &store,
        &auditor,
        &shipped,
        &caller(&analyst),
        &scenario(TECH_SME),
    )
    .await
    .expect("same");
    assert!(same.entering.is_empty() && same.leaving.is_empty());
    assert_eq!(same.budget_change, Some(0.0));
    // Relaxed: only entering, counted by district, with the budget.
    let w = evaluate(
        &store,
        &auditor,
        &shipped,
        &caller(&analyst),
        &scenario(relaxed),
    )
    .await
    .expect("relaxed");
    assert!(!w.entering.is_empty() && w.leaving.is_empty());
    assert!(w.entering.iter().all(|c| c.criterion == "revenue"));
    let entering: usize = w.by_district.values().map(|l| l.entering).sum();
    assert_eq!(entering, w.entering.len());
    let qualifying: usize = w.by_district.values().map(|l| l.qualifying_after).sum();
    assert_eq!(qualifying, w.qualifying_after);
    assert_eq!(w.budget, Some(w.qualifying_after as f64 * 20.0));
    assert_eq!(
        w.budget_change,
        Some(w.entering.len() as f64 * 20.0),
        "the budget grows by the entrants'"
    );
    // An officer sees its district only.
    let officer = who(Role::DistrictOfficer, &["120116"]);
    let own = evaluate(
        &store,
        &auditor,
        &shipped,
        &caller(&officer),
        &scenario(relaxed),
    )
    .await
    .expect("officer");
    let binhai: std::collections::HashSet<String> = records
        .iter()
        .filter(|r| r.region_code.as_str() == "120116")
        .map(|r| r.credit_code.to_string())
        .collect();
    assert!(own.entering.iter().all(|c| binhai.contains(&c.credit_code)));
    assert!(
        own.by_district.keys().all(|d| d == "120116"),
        "{:?}",
        own.by_district.keys()
    );
    // Refused: other roles, another scheme's rules, a malformed file, a negative amount.
    for p in [
        who(Role::Bank, &["某银行"]),
        who(Role::Public, &[]),
        who(Role::Enterprise, &["x"]),
    ] {
        assert!(matches!(
            evaluate(&store, &auditor, &shipped, &caller(&p), &scenario(relaxed)).await,
            Err(Error::Forbidden(_))
        ));
    }
    let other: &'static str = TECH_SME
        .replacen("id = \"tech_sme\"", "id = \"hnte\"", 1)
        .leak();
    assert!(matches!(
        evaluate(
            &store,
            &auditor,
            &shipped,
            &caller(&analyst),
            &scenario(other)
        )
        .await,
        Err(Error::Invalid(_))
    ));
    assert!(matches!(
        evaluate(
            &store,
            &auditor,
            &shipped,
            &caller(&analyst),
            &scenario("not toml [")
        )
        .await,
        Err(Error::Invalid(_))
    ));
    let negative = Scenario {
        amount: Some(-1.0),
        ..scenario(relaxed)
    };
    assert!(matches!(
        evaluate(&store, &auditor, &shipped, &caller(&analyst), &negative).await,
        Err(Error::Invalid(_))
    ));
    for amount in [1e300, f64::NAN, f64::INFINITY] {
        let huge = Scenario {
            amount: Some(amount),
            ..scenario(relaxed)
        };
        assert!(
            matches!(
                evaluate(&store, &auditor, &shipped, &caller(&analyst), &huge).await,
                Err(Error::Invalid(_))
            ),
            "{amount}"
        );
    }
}

fn changes(values: &[(&str, f64)]) -> Overrides {
    Overrides {
        values: values.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        dropped: Default::default(),
    }
}

/// Every breakdown adds up to the totals.
fn assert_breakdowns_add_up(w: &WhatIfView) {
    for (what, lines) in [
        ("district", &w.by_district),
        ("park", &w.by_park),
        ("industry", &w.by_industry),
        ("field", &w.by_field),
        ("stage", &w.by_stage),
    ] {
        let sum = |f: fn(&Line) -> usize| lines.values().map(f).sum::<usize>();
        assert_eq!(sum(|l| l.entering), w.entering.len(), "{what}");
        assert_eq!(sum(|l| l.leaving), w.leaving.len(), "{what}");
        assert_eq!(sum(|l| l.qualifying_before), w.qualifying_before, "{what}");
        assert_eq!(sum(|l| l.qualifying_after), w.qualifying_after, "{what}");
        assert_eq!(sum(|l| l.near_misses), w.near_misses.len(), "{what}");
    }
    assert!(w.by_stage.len() > 1 && w.by_industry.len() > 1 && w.by_park.len() > 1);
}

pub async fn scenarios_are_saved_compared_exported_and_deleted_by_whoever_saved_them(
    store: Arc<Store>,
) {
    let records = seed(&store).await;
    let (auditor, _writer) = Auditor::start(store.clone());
    let shipped: Vec<_> = ["tech_sme", "rd_credit"]
        .iter()
        .filter_map(|id| kechuang_policy::shipped(id))
        .collect();
    let analyst = who(Role::Analyst, &[]);
    let a = caller(&analyst);
    let by_changes = |scheme, values: &[(&str, f64)]| Scenario {
        scheme,
        rules: None,
        changes: changes(values),
        year: Some(2025),
        amount: Some(20.0),
    };
    // Saved from changes to the shipped rules: who, when, from which version, the rule file.
    let revenue = saved::save(
        &store,
        &auditor,
        &shipped,
        &a,
        "  营收上限放宽至6亿 \"quoted\" <b>  ",
        &by_changes("tech_sme", &[("condition.revenue", 60000.0)]),
    )
    .await
    .expect("save");
    assert_eq!(revenue.name, "营收上限放宽至6亿 \"quoted\" <b>");
    assert_eq!(
        (revenue.scheme.as_str(), revenue.base_version.as_str()),
        ("tech_sme", "2022")
    );
    assert_eq!(revenue.created_by, analyst.name);
    assert!(
        revenue.created_at.starts_with("20"),
        "{}",
        revenue.created_at
    );
    assert!(revenue.rules.contains("value = 60000") && revenue.rules.contains("2022-scenario"));
    let rd = saved::save(
        &store,
        &auditor,
        &shipped,
        &a,
        "研发费用占比各档下调1个百分点",
        &by_changes(
            "tech_sme",
            &[
                ("indicator.rd.basis1.band1.min", 5.0),
                ("indicator.rd.basis1.band2.min", 4.0),
                ("indicator.rd.basis1.band3.min", 3.0),
                ("indicator.rd.basis1.band4.min", 2.0),
                ("indicator.rd.basis1.band5.min", 1.0),
            ],
        ),
    )
    .await
    .expect("save");
    let credit = saved::save(
        &store,
        &auditor,
        &shipped,
        &a,
        "一年增长即可 (the region has two years)",
        &by_changes("rd_credit", &[("condition.rd_growth_streak", 1.0)]),
    )
    .await
    .expect("save");
    let ids: Vec<i64> = saved::list(&store, &a)
        .await
        .expect("list")
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(ids, [credit.id, rd.id, revenue.id], "newest first");

    // Evaluated again: the changes named, only entrants, breakdowns that add up.
    let (_, w) = saved::evaluate(&store, &auditor, &shipped, &a, revenue.id)
        .await
        .expect("evaluate");
    assert_eq!(w.changes.len(), 1);
    assert_eq!(
        (
            w.changes[0].key.as_str(),
            w.changes[0].from,
            w.changes[0].to
        ),
        ("condition.revenue", Some(20000.0), Some(60000.0))
    );
    assert!(!w.entering.is_empty() && w.leaving.is_empty());
    assert!(
        w.entering
            .iter()
            .all(|m| m.criterion == "revenue" && !m.name.is_empty())
    );
    assert_breakdowns_add_up(&w);
    for (code, line) in &w.by_district {
        assert_eq!(
            line.budget,
            Some(line.qualifying_after as f64 * 20.0),
            "{code}"
        );
    }
    // Near misses under the scenario: not qualifying, one or two changes away.
    assert!(!w.near_misses.is_empty());
    for n in &w.near_misses {
        assert!(!w.entering.iter().any(|m| m.credit_code == n.credit_code));
        assert!((1..=2).contains(&n.gaps.len()), "{n:?}");
    }
    let (_, r) = saved::evaluate(&store, &auditor, &shipped, &a, rd.id)
        .await
        .expect("evaluate");
    assert!(!r.entering.is_empty(), "lower R&D bands let some in");
    assert!(r.leaving.is_empty(), "and removes nobody");
    assert_breakdowns_add_up(&r);
    let (_, c) = saved::evaluate(&store, &auditor, &shipped, &a, credit.id)
        .await
        .expect("evaluate");
    assert!(!c.entering.is_empty() && c.leaving.is_empty());
    assert!(c.entering.iter().all(|m| m.criterion == "rd_growth_streak"));

    // Side by side: the same figures as each alone, district by district.
    let cmp = saved::compare(&store, &auditor, &shipped, &a, &[revenue.id, rd.id])
        .await
        .expect("compare");
    assert_eq!(cmp.year, 2025);
    assert_eq!(cmp.scenarios.len(), 2);
    assert_eq!(cmp.scenarios[0].scenario.id, revenue.id);
    assert_eq!(cmp.scenarios[1].result.entering, r.entering);
    for (d, lines) in &cmp.by_district {
        assert_eq!(Some(&lines[0]), w.by_district.get(d), "{d}");
        assert_eq!(Some(&lines[1]), r.by_district.get(d), "{d}");
    }
    for bad in [
        vec![revenue.id],
        vec![revenue.id, revenue.id],
        vec![1, 2, 3, 4, 5, 6, 7],
    ] {
        assert!(
            matches!(
                saved::compare(&store, &auditor, &shipped, &a, &bad).await,
                Err(Error::Invalid(_))
            ),
            "{bad:?}"
        );
    }
    assert!(matches!(
        saved::compare(&store, &auditor, &shipped, &a, &[revenue.id, 999_999]).await,
        Err(Error::NotFound(_))
    ));

    // The workbook: the summary, then every list in full.
    let (_, bytes) = saved::export(&store, &auditor, &shipped, &a, revenue.id)
        .await
        .expect("export");
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("s.xlsx");
    std::fs::write(&path, &bytes).expect("write");
    let sheet = |name: &str| {
        let options = SurveyReadOptions {
            encoding: Encoding::Detect,
            sheet: Some(name.into()),
            mapping: HashMap::new(),
            context: ParseContext {
                max_year: 2026,
                jump_factor: None,
            },
            limits: GridLimits::default(),
        };
        read_grid(&path, &options).expect(name).1
    };
    let entering = sheet("entering");
    assert_eq!(entering.len(), w.entering.len() + 1);
    assert_eq!(entering[1][0], w.entering[0].credit_code);
    assert_eq!(sheet("near misses").len(), w.near_misses.len() + 1);
    let summary = sheet("summary");
    assert!(
        summary
            .iter()
            .any(|r| r.first().is_some_and(|c| c.starts_with("方案合格"))
                && r.get(1) == Some(&w.qualifying_after.to_string()))
    );
    assert!(
        summary
            .iter()
            .any(|r| r.last().map(String::as_str) == Some("condition.revenue"))
    );
    assert!(sheet("by stage").len() > 2);

    // A district officer: reads the saved scenarios, sees its district only, deletes only its own.
    let officer = who(Role::DistrictOfficer, &["120116"]);
    let o = caller(&officer);
    assert_eq!(saved::list(&store, &o).await.expect("list").len(), 3);
    let (_, own) = saved::evaluate(&store, &auditor, &shipped, &o, revenue.id)
        .await
        .expect("officer");
    let binhai: std::collections::HashSet<String> = records
        .iter()
        .filter(|r| r.region_code.as_str() == "120116")
        .map(|r| r.credit_code.to_string())
        .collect();
    assert!(!own.entering.is_empty());
    assert!(
        own.entering
            .iter()
            .chain(&own.leaving)
            .all(|m| binhai.contains(&m.credit_code))
    );
    assert!(
        own.near_misses
            .iter()
            .all(|n| binhai.contains(&n.credit_code))
    );
    assert!(own.by_district.keys().all(|d| d == "120116"));
    let (_, book) = saved::export(&store, &auditor, &shipped, &o, revenue.id)
        .await
        .expect("officer's export");
    std::fs::write(&path, &book).expect("write");
    assert_eq!(
        sheet("entering").len(),
        own.entering.len() + 1,
        "scoped too"
    );
    assert!(matches!(
        saved::delete(&store, &auditor, &o, revenue.id).await,
        Err(Error::Forbidden(_))
    ));
    let mine = saved::save(
        &store,
        &auditor,
        &shipped,
        &o,
        "区里的方案",
        &by_changes("tech_sme", &[("pass_score", 50.0)]),
    )
    .await
    .expect("officer saves");
    saved::delete(&store, &auditor, &o, mine.id)
        .await
        .expect("own");
    assert!(matches!(
        saved::get(&store, &o, mine.id).await,
        Err(Error::NotFound(_))
    ));
    // An administrator may delete anyone's.
    let admin = who(Role::Admin, &[]);
    saved::delete(&store, &auditor, &caller(&admin), credit.id)
        .await
        .expect("admin");

    // Other roles: nothing at all.
    for p in [
        who(Role::Bank, &["某银行"]),
        who(Role::Public, &[]),
        who(Role::Enterprise, &["x"]),
    ] {
        let c = caller(&p);
        assert!(matches!(
            saved::list(&store, &c).await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            saved::evaluate(&store, &auditor, &shipped, &c, revenue.id).await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            saved::export(&store, &auditor, &shipped, &c, revenue.id).await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            saved::compare(&store, &auditor, &shipped, &c, &[revenue.id, rd.id]).await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            saved::save(
                &store,
                &auditor,
                &shipped,
                &c,
                "x",
                &by_changes("tech_sme", &[])
            )
            .await,
            Err(Error::Forbidden(_))
        ));
        assert!(matches!(
            saved::delete(&store, &auditor, &c, revenue.id).await,
            Err(Error::Forbidden(_))
        ));
    }

    // Refused and not kept: no name, an unknown parameter, a value that is not a number.
    let before = saved::list(&store, &a).await.expect("list").len();
    for (name, s) in [
        ("   ", by_changes("tech_sme", &[])),
        ("x", by_changes("tech_sme", &[("condition.nope", 1.0)])),
        (
            "x",
            by_changes("tech_sme", &[("pass_score", f64::INFINITY)]),
        ),
        ("x", by_changes("nope", &[])),
    ] {
        assert!(
            matches!(
                saved::save(&store, &auditor, &shipped, &a, name, &s).await,
                Err(Error::Invalid(_) | Error::NotFound(_))
            ),
            "{name} {:?}",
            s.changes
        );
    }
    assert_eq!(saved::list(&store, &a).await.expect("list").len(), before);
}
