//! The index's predictive validity over a stored, built panel: the statistics against a naive
//! recomputation from the records, determinism per seed, and who may read it.

use std::collections::HashMap;
use std::sync::Arc;

use kechuang_app::access::{Credential, Principal, Role};
use kechuang_app::validity::{Outcome, report};
use kechuang_app::{App, Caller, Error};
use kechuang_domain::Num;
use kechuang_store::Store;
use kechuang_synthetic::region::RegionSpec;

fn who(role: Role) -> Principal {
    Principal {
        user_id: 1,
        name: role.as_str().into(),
        display_name: role.as_str().into(),
        role,
        scope: if role == Role::DistrictOfficer {
            vec!["120116".into()]
        } else {
            Vec::new()
        },
        credential: Credential::Session {
            csrf: String::new(),
        },
    }
}

/// Average ranks from 1, ties sharing theirs: the textbook definition, by sorting.
fn ranks(v: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..v.len()).collect();
    order.sort_by(|a, b| v[*a].total_cmp(&v[*b]));
    let mut out = vec![0.0; v.len()];
    let mut k = 0;
    while k < order.len() {
        let mut j = k;
        while j + 1 < order.len() && v[order[j + 1]] == v[order[k]] {
            j += 1;
        }
        let rank = (k + j) as f64 / 2.0 + 1.0;
        for &i in &order[k..=j] {
            out[i] = rank;
        }
        k = j + 1;
    }
    out
}

fn naive_spearman(x: &[f64], y: &[f64]) -> f64 {
    let (rx, ry) = (ranks(x), ranks(y));
    let n = rx.len() as f64;
    let (mx, my) = (rx.iter().sum::<f64>() / n, ry.iter().sum::<f64>() / n);
    let cov: f64 = rx.iter().zip(&ry).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = rx.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = ry.iter().map(|b| (b - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

pub async fn the_index_validity_matches_a_recomputation_and_is_for_analysts(store: Arc<Store>) {
    let records = crate::seed_region(
        &store,
        RegionSpec {
            enterprises: 600,
            years: vec![2023, 2024, 2025],
            seed: 11,
        },
    )
    .await;
    let (app, _writer) = App::start(store.clone());
    let analyst = who(Role::Analyst);
    let a = Caller {
        principal: &analyst,
        remote: "test",
    };
    assert!(
        matches!(report(&app, &a, None, None).await, Err(Error::NotFound(_))),
        "no build yet"
    );
    let framework =
        kechuang_enterprise::shipped_framework("kechuang-enterprise").expect("framework");
    kechuang_enterprise::stored::build_from_store(
        &store,
        &framework,
        &[],
        "seed",
        kechuang_engine::BuildOptions {
            keep_stages: false,
            rank_aggregates: true,
            progress: None,
            stage_sink: None,
        },
    )
    .await
    .expect("build");
    let r = report(&app, &a, Some(50), Some(3)).await.expect("report");
    assert_eq!(r.base_years, [2023, 2024]);
    assert!(r.rows.len() >= 40, "{}", r.rows.len());

    // The index against next year's revenue growth, recomputed from the records and the stored
    // scores by the textbook definition.
    let build = store.builds().await.expect("builds")[0].clone();
    let by_key: HashMap<(&str, i32), &kechuang_domain::SurveyRecord> = records
        .iter()
        .map(|r| ((r.credit_code.as_str(), r.year), r))
        .collect();
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for year in [2023, 2024] {
        for row in store.results(build.id, year).await.expect("results") {
            let (Some(score), Some(now), Some(next)) = (
                row.score,
                by_key.get(&(row.credit_code.as_str(), year)),
                by_key.get(&(row.credit_code.as_str(), year + 1)),
            ) else {
                continue;
            };
            if let (Some(a), Some(b)) = (now.get(Num::Revenue), next.get(Num::Revenue))
                && a > 0.0
            {
                x.push(score);
                y.push(b / a - 1.0);
            }
        }
    }
    let row = r
        .rows
        .iter()
        .find(|row| {
            row.measure == "index"
                && row.subset == "all"
                && row.outcome == Outcome::RevenueGrowth
                && row.horizon == 1
        })
        .expect("the row");
    let e = row.estimate.expect("defined");
    assert_eq!(row.n, x.len());
    assert!((e.value - naive_spearman(&x, &y)).abs() < 1e-9, "{e:?}");
    assert!(e.low <= e.value && e.value <= e.high, "{e:?}");
    for row in &r.rows {
        if let Some(e) = row.estimate {
            let range = if row.statistic == "auc" {
                0.0..=1.0
            } else {
                -1.0..=1.0
            };
            assert!(range.contains(&e.value) && e.low <= e.high, "{row:?}");
        }
        if row.statistic == "auc" {
            assert!(row.events.is_some_and(|k| k <= row.n), "{row:?}");
        }
    }
    // Pillars are there, each over all enterprises.
    assert!(
        r.rows
            .iter()
            .any(|row| row.measure == "input" && row.subset == "all")
    );

    // Deterministic for a seed; another seed, other intervals, the same values.
    let again = report(&app, &a, Some(50), Some(3)).await.expect("again");
    let other = report(&app, &a, Some(50), Some(4))
        .await
        .expect("other seed");
    let estimates = |r: &kechuang_app::validity::ValidityReport| {
        r.rows.iter().map(|row| row.estimate).collect::<Vec<_>>()
    };
    assert_eq!(estimates(&r), estimates(&again));
    assert_ne!(estimates(&r), estimates(&other));
    assert!(
        r.rows
            .iter()
            .zip(&other.rows)
            .all(|(a, b)| a.estimate.map(|e| e.value) == b.estimate.map(|e| e.value))
    );

    // Loans granted in 2024 on the 2023 index, overdue exactly below the median: the index
    // separates them perfectly, the wrong way round for a risk score (AUC 0: higher index, never
    // overdue).
    let mut scored: Vec<(String, f64)> = store
        .results(build.id, 2023)
        .await
        .expect("results")
        .into_iter()
        .filter_map(|r| Some((r.credit_code, r.score?)))
        .take(41)
        .collect();
    scored.sort_by(|a, b| a.1.total_cmp(&b.1));
    let loans: Vec<kechuang_store::Loan> = scored
        .iter()
        .enumerate()
        .map(|(k, (code, _))| kechuang_store::Loan {
            bank: "甲银行".into(),
            reference: format!("L{k}"),
            credit_code: code.clone(),
            granted_on: "2024-03-01".into(),
            granted: 100.0,
            disbursed: 100.0,
            repaid: 0.0,
            overdue: if k < 20 { 10.0 } else { 0.0 },
            application_id: None,
        })
        .collect();
    store.put_loans(&loans, "test").await.expect("loans");
    let with_loans = report(&app, &a, Some(50), Some(3)).await.expect("report");
    let overdue = with_loans
        .rows
        .iter()
        .find(|row| {
            row.measure == "index" && row.subset == "all" && row.outcome == Outcome::GoesOverdue
        })
        .expect("the overdue row");
    assert_eq!((overdue.n, overdue.events), (41, Some(20)));
    assert_eq!(overdue.estimate.expect("defined").value, 0.0);

    // Analysts and administrators only; replications within bounds.
    for role in [
        Role::DistrictOfficer,
        Role::Bank,
        Role::Public,
        Role::Enterprise,
    ] {
        let p = who(role);
        let c = Caller {
            principal: &p,
            remote: "test",
        };
        assert!(
            matches!(report(&app, &c, None, None).await, Err(Error::Forbidden(_))),
            "{role:?}"
        );
    }
    let admin = who(Role::Admin);
    let c = Caller {
        principal: &admin,
        remote: "test",
    };
    assert!(report(&app, &c, Some(20), None).await.is_ok());
    for bad in [0, 2001] {
        assert!(matches!(
            report(&app, &a, Some(bad), None).await,
            Err(Error::Invalid(_))
        ));
    }
}
