//! Policy what-if through the application layer: a scenario beside the shipped rules over a stored
//! region, scoped to the caller, with the budget by district.

use std::sync::Arc;

use kechuang_app::access::{Credential, Principal, Role};
use kechuang_app::audit::Auditor;
use kechuang_app::whatif::{Scenario, evaluate};
use kechuang_app::{Caller, Error};
use kechuang_store::{BatchMeta, Store};
use kechuang_synthetic::region::{RegionSpec, region};

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

pub async fn a_scenario_moves_only_who_it_concerns_within_the_callers_districts(store: Arc<Store>) {
    let records = region(&RegionSpec {
        enterprises: 3000,
        years: vec![2024, 2025],
        seed: 5,
    });
    let meta = BatchMeta {
        file_name: "seed.csv".into(),
        sha256: "0".repeat(64),
        user_name: "seed".into(),
        warnings: 0,
    };
    store
        .import(&meta, &records, &|_| true)
        .await
        .expect("seed");
    let (auditor, _writer) = Auditor::start(store.clone());
    let shipped: Vec<_> = ["tech_sme"]
        .iter()
        .filter_map(|id| kechuang_policy::shipped(id))
        .collect();
    let analyst = who(Role::Analyst, &[]);
    let relaxed = TECH_SME.replacen("value = 20000", "value = 60000", 1);
    let scenario = |rules| Scenario {
        scheme: "tech_sme",
        rules,
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
        &scenario(&relaxed),
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
        &scenario(&relaxed),
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
            evaluate(&store, &auditor, &shipped, &caller(&p), &scenario(&relaxed)).await,
            Err(Error::Forbidden(_))
        ));
    }
    let other = TECH_SME.replacen("id = \"tech_sme\"", "id = \"hnte\"", 1);
    assert!(matches!(
        evaluate(
            &store,
            &auditor,
            &shipped,
            &caller(&analyst),
            &scenario(&other)
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
        ..scenario(&relaxed)
    };
    assert!(matches!(
        evaluate(&store, &auditor, &shipped, &caller(&analyst), &negative).await,
        Err(Error::Invalid(_))
    ));
}
