//! The demo's survey round: the year after the demo's last, its deadline a few days past, asking
//! 1,200 enterprises (the demo enterprise, 滨海新区's first 600 and 600 elsewhere), with a realistic
//! mix — most approved, some submitted and awaiting review, some returned with a comment, some
//! drafts, the rest not started and late — so that every round page has something to show.

use std::collections::BTreeMap;

use anyhow::Result;
use kechuang_app::access::{Credential, Principal, Role};
use kechuang_app::audit::Auditor;
use kechuang_app::rounds::{self, Decision, OpenRound, RoundScope};
use kechuang_app::{Caller, Error};
use kechuang_domain::SurveyRecord;
use kechuang_store::Store;

/// What the demo round holds.
pub struct DemoRound {
    /// Its id.
    pub id: i64,
    /// Enterprises asked.
    pub asked: usize,
    /// Forms approved, submitted, returned, drafts.
    pub approved: usize,
    pub submitted: usize,
    pub returned: usize,
    pub drafts: usize,
    /// Forms that correct the tax office's R&D expense, with a reason.
    pub corrected: usize,
}

fn firm(code: &str) -> Principal {
    Principal {
        user_id: 0,
        name: format!("demo-{code}"),
        display_name: code.to_string(),
        role: Role::Enterprise,
        scope: vec![code.to_string()],
        credential: Credential::Session {
            csrf: String::new(),
        },
    }
}

fn anyhow_of(e: Error) -> anyhow::Error {
    anyhow::Error::new(e)
}

/// The tax office's extract for the round's year: each asked firm's revenue and R&D expense as it
/// filed them, but for one in 40, whose R&D expense the tax office knows as a quarter lower (the
/// super-deduction leaves out work commissioned abroad) — firms that correct it with a reason.
fn tax_extract(asked: &[&SurveyRecord]) -> Vec<u8> {
    use kechuang_domain::Num;
    let mut csv = String::from("统一社会信用代码,营业收入(万元),研发费用(万元)\n");
    for (i, r) in asked.iter().enumerate() {
        let (Some(revenue), Some(rd)) = (r.get(Num::Revenue), r.get(Num::RdExpense)) else {
            continue;
        };
        let rd = if i % 40 == 7 {
            (rd * 0.75 * 10.0).round() / 10.0
        } else {
            rd
        };
        csv.push_str(&format!("{},{revenue},{rd}\n", r.credit_code));
    }
    csv.into_bytes()
}

/// Opens and fills the demo round over the stored records of `last_year`.
pub async fn fill(
    store: &Store,
    auditor: &Auditor,
    last_year: i32,
    own: &str,
) -> Result<DemoRound> {
    let operator = Principal::local_operator("demo");
    let bureau = Caller {
        principal: &operator,
        remote: "local",
    };
    let mut register: Vec<SurveyRecord> = store.load_year(last_year).await?;
    register.sort_by(|a, b| a.credit_code.as_str().cmp(b.credit_code.as_str()));
    let own_record = register
        .iter()
        .find(|r| r.credit_code.as_str() == own)
        .cloned();
    let binhai = register
        .iter()
        .filter(|r| r.region_code.as_str() == "120116" && r.credit_code.as_str() != own)
        .take(600);
    let elsewhere = register
        .iter()
        .filter(|r| r.region_code.as_str() != "120116")
        .take(600);
    let asked: Vec<&SurveyRecord> = own_record.iter().chain(binhai).chain(elsewhere).collect();
    let deadline = (chrono::Local::now().date_naive() - chrono::Duration::days(5))
        .format("%Y-%m-%d")
        .to_string();
    let id = rounds::open(
        store,
        auditor,
        &bureau,
        &OpenRound {
            year: last_year + 1,
            deadline,
            scope: RoundScope::List(asked.iter().map(|r| r.credit_code.to_string()).collect()),
            fields: Vec::new(),
        },
    )
    .await
    .map_err(anyhow_of)?;
    let tax = kechuang_app::sources::import(
        store,
        auditor,
        &bureau,
        kechuang_app::sources::Source::Tax,
        last_year + 1,
        "税务-研发费用加计扣除.csv",
        tax_extract(&asked),
    )
    .await
    .map_err(anyhow_of)?;
    if !tax.issues.is_empty() {
        anyhow::bail!("the demo's tax extract: {:?}", tax.issues);
    }
    let mut out = DemoRound {
        id,
        asked: asked.len(),
        approved: 0,
        submitted: 0,
        returned: 0,
        drafts: 0,
        corrected: 0,
    };
    for (i, r) in asked.iter().enumerate() {
        let code = r.credit_code.to_string();
        let me = firm(&code);
        let caller = Caller {
            principal: &me,
            remote: "local",
        };
        let mut values: BTreeMap<String, String> = rounds::values_of(r);
        values.insert("year".into(), (last_year + 1).to_string());
        // The firms the tax office disagrees with keep their own figure, and say why.
        let reasons: BTreeMap<String, String> = if i % 40 == 7 {
            BTreeMap::from([(
                "rd_expense".to_string(),
                "加计扣除口径不含境外委托研发费用，调查表按全部研发投入填报。".to_string(),
            )])
        } else {
            BTreeMap::new()
        };
        // The demo enterprise's own form is returned for a correction; the others by their place.
        let step = if code == own { 14 } else { i % 20 };
        if step >= 17 {
            continue; // not started
        }
        let submit = step < 15;
        let saved = rounds::save(
            store,
            auditor,
            &caller,
            id,
            &code,
            &rounds::Filed {
                values: &values,
                reasons: &reasons,
                submit,
            },
        )
        .await
        .map_err(anyhow_of)?;
        if !reasons.is_empty() {
            out.corrected += 1;
        }
        // A form the rules stop stays a draft (none should: last year's values are valid).
        let step = if submit && saved.status != rounds::FormStatus::Submitted {
            15
        } else {
            step
        };
        match step {
            0..=10 => {
                rounds::review(store, auditor, &bureau, id, &code, &Decision::Approve)
                    .await
                    .map_err(anyhow_of)?;
                out.approved += 1;
            }
            11..=13 => out.submitted += 1,
            14 => {
                let decision = Decision::Return {
                    fields: vec!["rd_expense".into()],
                    comment: "研发费用与税务加计扣除申报额差异较大，请核对后重新提交。".into(),
                };
                rounds::review(store, auditor, &bureau, id, &code, &decision)
                    .await
                    .map_err(anyhow_of)?;
                out.returned += 1;
            }
            _ => out.drafts += 1,
        }
    }
    Ok(out)
}
