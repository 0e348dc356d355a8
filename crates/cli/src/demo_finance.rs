//! The demo's innovation finance: three banks lending to enterprises that consented to them, with
//! overdue loans likelier where last year's index was low (an imperfect relation, as in life),
//! and applications in every state — the demo firm's own awaiting its bank.

use anyhow::Result;
use kechuang_store::{Loan, Store};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// What was made.
pub struct DemoFinance {
    /// Loans recorded.
    pub loans: usize,
    /// Enterprises with a loan.
    pub firms: usize,
    /// Applications made.
    pub applications: usize,
    /// Of which awaiting an answer.
    pub pending: usize,
}

const BANKS: [&str; 3] = ["津创银行", "海河科技银行", "滨城农商银行"];

/// Loans granted in `year` on the index of the year before; applications; the demo firm `own`
/// applies to 津创银行.
pub async fn fill(store: &Store, year: i32, own: &str) -> Result<DemoFinance> {
    let mut rng = SmallRng::seed_from_u64(2026);
    let records = store.load_year(year).await?;
    let build = store.builds().await?.into_iter().next();
    let scores: std::collections::HashMap<String, f64> = match &build {
        Some(b) => store
            .scores(b.id, year - 1)
            .await?
            .into_iter()
            .filter_map(|(c, s)| Some((c, s?)))
            .collect(),
        None => Default::default(),
    };
    let (mean, sd) = {
        let v: Vec<f64> = scores.values().copied().collect();
        let n = v.len().max(1) as f64;
        let m = v.iter().sum::<f64>() / n;
        let sd = (v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / n)
            .sqrt()
            .max(1e-9);
        (m, sd)
    };
    let mut loans = Vec::new();
    let mut firms = std::collections::HashSet::new();
    for (k, r) in records
        .iter()
        .filter(|r| r.credit_code.as_str() != own && scores.contains_key(r.credit_code.as_str()))
        .enumerate()
        .filter(|(k, _)| k % 17 == 0)
    {
        let code = r.credit_code.to_string();
        let bank = BANKS[k % BANKS.len()];
        store.grant_consent(&code, bank, "demo").await?;
        let z = (scores[&code] - mean) / sd;
        // About one in ten overdue on average, one in four among the weakest, one in fifty among
        // the strongest; noise keeps it imperfect.
        let p = 1.0 / (1.0 + (2.3 + 1.1 * z + rng.random_range(-0.8..0.8)).exp());
        let granted = (rng.random_range(50.0..800.0f64) / 10.0).round() * 10.0;
        let disbursed = (granted * rng.random_range(0.5..1.0f64)).round();
        let repaid = (disbursed * rng.random_range(0.0..0.6f64)).round();
        let overdue = if rng.random_bool(p) {
            (disbursed - repaid).max(1.0).min(disbursed.max(1.0)) * rng.random_range(0.1..0.5)
        } else {
            0.0
        };
        firms.insert(code.clone());
        loans.push(Loan {
            bank: bank.to_string(),
            reference: format!("{}-{year}-{:05}", k % BANKS.len() + 1, k),
            credit_code: code,
            granted_on: format!("{year}-{:02}-{:02}", 1 + k % 12, 1 + k % 28),
            granted,
            disbursed,
            repaid,
            overdue: overdue.round(),
            application_id: None,
        });
    }
    store.put_loans(&loans, "demo").await?;
    // Applications: answered ones (granted or declined) and a queue, the demo firm's among it.
    let mut applications = 0;
    let mut pending = 0;
    let mut granted_apps = 0;
    for (k, r) in records
        .iter()
        .filter(|r| r.credit_code.as_str() != own)
        .enumerate()
        .filter(|(k, _)| k % 97 == 5)
        .take(60)
    {
        let code = r.credit_code.as_str();
        let bank = BANKS[k % BANKS.len()];
        let amount = (rng.random_range(100.0..600.0f64) / 10.0).round() * 10.0;
        let id = store
            .apply_for_loan(code, bank, amount, "研发投入与设备更新", "demo")
            .await?;
        applications += 1;
        match k % 3 {
            0 => {
                let loan = Loan {
                    bank: bank.to_string(),
                    reference: format!("application-{id}"),
                    credit_code: code.to_string(),
                    granted_on: format!("{}-01-15", year + 1),
                    granted: (amount * 0.8).round(),
                    disbursed: 0.0,
                    repaid: 0.0,
                    overdue: 0.0,
                    application_id: Some(id),
                };
                store
                    .answer_loan_application(id, Some(&loan), "", "demo")
                    .await?;
                granted_apps += 1;
            }
            1 => {
                store
                    .answer_loan_application(
                        id,
                        None,
                        "研发投入连续下降，暂不符合积分贷条件",
                        "demo",
                    )
                    .await?;
            }
            _ => pending += 1,
        }
    }
    store
        .apply_for_loan(own, BANKS[0], 500.0, "中试线建设", "enterprise")
        .await?;
    Ok(DemoFinance {
        loans: loans.len() + granted_apps,
        firms: firms.len(),
        applications: applications + 1,
        pending: pending + 1,
    })
}
