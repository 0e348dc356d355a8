//! 科技金融 through the application layer: applications (which grant consent), a bank's queue and
//! answers, loans recorded only for consenting enterprises, and who sees which loans and totals.

use std::sync::Arc;

use chrono::NaiveDate;
use kechuang_app::access::{Credential, Principal, Role};
use kechuang_app::audit::Auditor;
use kechuang_app::finance::{self, Answer, Application};
use kechuang_app::{Caller, Error};
use kechuang_store::{Loan, NewUser, Store};
use kechuang_synthetic::region::RegionSpec;

fn who(role: Role, scope: &str) -> Principal {
    Principal {
        user_id: 1,
        name: format!("{}:{scope}", role.as_str()),
        display_name: role.as_str().into(),
        role,
        scope: if scope.is_empty() {
            Vec::new()
        } else {
            vec![scope.to_string()]
        },
        credential: Credential::Session {
            csrf: String::new(),
        },
    }
}

fn c(p: &Principal) -> Caller<'_> {
    Caller {
        principal: p,
        remote: "test",
    }
}

fn loan(reference: &str, code: &str, granted: f64, overdue: f64) -> Loan {
    Loan {
        bank: String::new(),
        reference: reference.into(),
        credit_code: code.into(),
        granted_on: "2025-06-30".into(),
        granted,
        disbursed: granted,
        repaid: 0.0,
        overdue,
        application_id: None,
    }
}

pub async fn loans_follow_consent_and_each_bank_sees_only_its_own(store: Arc<Store>) {
    let records = crate::seed_region(
        &store,
        RegionSpec {
            enterprises: 300,
            years: vec![2025],
            seed: 3,
        },
    )
    .await;
    for (name, bank) in [("bank-a", "甲银行"), ("bank-b", "乙银行")] {
        store
            .create_user(&NewUser {
                name: name.into(),
                display_name: name.into(),
                password_hash: "x".into(),
                role: "bank".into(),
                scope: bank.into(),
            })
            .await
            .expect("bank account");
    }
    let (auditor, _writer) = Auditor::start(store.clone());
    let in_binhai = records
        .iter()
        .find(|r| r.region_code.as_str() == "120116")
        .expect("滨海")
        .credit_code
        .to_string();
    let elsewhere = records
        .iter()
        .find(|r| r.region_code.as_str() != "120116")
        .expect("elsewhere")
        .credit_code
        .to_string();
    let firm = who(Role::Enterprise, &in_binhai);
    let (bank_a, bank_b) = (who(Role::Bank, "甲银行"), who(Role::Bank, "乙银行"));
    let today = NaiveDate::from_ymd_opt(2026, 12, 5).expect("date");

    // Applying grants the bank consent in the same step.
    assert!(!store.has_consent(&in_binhai, "甲银行").await.expect("c"));
    let app = finance::apply(
        &store,
        &auditor,
        &c(&firm),
        &Application {
            bank: "甲银行".into(),
            amount: 300.0,
            purpose: "研发设备".into(),
        },
    )
    .await
    .expect("apply");
    assert_eq!(
        (app.status.as_str(), app.credit_code.as_str()),
        ("pending", in_binhai.as_str())
    );
    assert!(store.has_consent(&in_binhai, "甲银行").await.expect("c"));
    for bad in [
        Application {
            bank: "不存在银行".into(),
            amount: 1.0,
            purpose: String::new(),
        },
        Application {
            bank: "甲银行".into(),
            amount: 0.0,
            purpose: String::new(),
        },
        Application {
            bank: "甲银行".into(),
            amount: f64::NAN,
            purpose: String::new(),
        },
        Application {
            bank: "甲银行".into(),
            amount: 1e12,
            purpose: String::new(),
        },
    ] {
        assert!(matches!(
            finance::apply(&store, &auditor, &c(&firm), &bad).await,
            Err(Error::Invalid(_))
        ));
    }
    assert!(matches!(
        finance::apply(
            &store,
            &auditor,
            &c(&bank_a),
            &Application {
                bank: "甲银行".into(),
                amount: 1.0,
                purpose: String::new()
            }
        )
        .await,
        Err(Error::Forbidden(_))
    ));

    // Each bank its own queue; another bank's application answers as a missing one.
    assert_eq!(
        finance::applications(&store, &c(&bank_a))
            .await
            .expect("q")
            .len(),
        1
    );
    assert!(
        finance::applications(&store, &c(&bank_b))
            .await
            .expect("q")
            .is_empty()
    );
    let grant = Answer {
        granted: Some(200.0),
        reason: String::new(),
    };
    assert!(matches!(
        finance::answer(&store, &auditor, &c(&bank_b), app.id, &grant, today).await,
        Err(Error::NotFound(_))
    ));
    let no_reason = Answer {
        granted: None,
        reason: "  ".into(),
    };
    assert!(matches!(
        finance::answer(&store, &auditor, &c(&bank_a), app.id, &no_reason, today).await,
        Err(Error::Invalid(_))
    ));
    let answered = finance::answer(&store, &auditor, &c(&bank_a), app.id, &grant, today)
        .await
        .expect("granted");
    assert_eq!(
        (answered.status.as_str(), answered.granted),
        ("granted", Some(200.0))
    );
    assert!(matches!(
        finance::answer(&store, &auditor, &c(&bank_a), app.id, &grant, today).await,
        Err(Error::Conflict(_))
    ));
    let from_application = finance::loans(&store, &c(&bank_a)).await.expect("loans");
    assert_eq!(from_application.len(), 1);
    assert_eq!(from_application[0].granted_on, "2026-12-05");

    // Loans only for consenting enterprises, all or nothing; a reference recorded again updates.
    let refused = finance::record_loans(
        &store,
        &auditor,
        &c(&bank_a),
        &[
            loan("L1", &in_binhai, 500.0, 0.0),
            loan("L2", &elsewhere, 80.0, 0.0),
        ],
    )
    .await;
    match refused {
        Err(Error::Invalid(m)) => assert!(m.contains("loan 2") && m.contains(&elsewhere), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        finance::loans(&store, &c(&bank_a)).await.expect("l").len(),
        1,
        "nothing written"
    );
    finance::record_loans(
        &store,
        &auditor,
        &c(&bank_a),
        &[loan("L1", &in_binhai, 500.0, 0.0)],
    )
    .await
    .expect("recorded");
    finance::record_loans(
        &store,
        &auditor,
        &c(&bank_a),
        &[loan("L1", &in_binhai, 500.0, 20.0)],
    )
    .await
    .expect("updated");
    let mine = finance::loans(&store, &c(&bank_a)).await.expect("l");
    assert_eq!(mine.len(), 2);
    assert!(
        mine.iter()
            .any(|l| l.reference == "L1" && l.overdue == 20.0)
    );
    for bad in [
        loan("", &in_binhai, 1.0, 0.0),
        loan("X", &in_binhai, -1.0, 0.0),
        Loan {
            granted_on: "2025-13-01".into(),
            ..loan("Y", &in_binhai, 1.0, 0.0)
        },
    ] {
        assert!(matches!(
            finance::record_loans(&store, &auditor, &c(&bank_a), &[bad]).await,
            Err(Error::Invalid(_))
        ));
    }
    // Bank 乙 has no consent of this enterprise, and sees none of 甲's loans.
    assert!(matches!(
        finance::record_loans(
            &store,
            &auditor,
            &c(&bank_b),
            &[loan("B1", &in_binhai, 1.0, 0.0)]
        )
        .await,
        Err(Error::Invalid(_))
    ));
    assert!(
        finance::loans(&store, &c(&bank_b))
            .await
            .expect("l")
            .is_empty()
    );

    // The enterprise sees its own; an officer those of its district; the public nothing.
    assert_eq!(finance::loans(&store, &c(&firm)).await.expect("l").len(), 2);
    let officer = who(Role::DistrictOfficer, "120116");
    assert_eq!(
        finance::loans(&store, &c(&officer)).await.expect("l").len(),
        2
    );
    let other_officer = who(Role::DistrictOfficer, "120101");
    assert!(
        finance::loans(&store, &c(&other_officer))
            .await
            .expect("l")
            .is_empty()
    );
    assert!(matches!(
        finance::loans(&store, &c(&who(Role::Public, ""))).await,
        Err(Error::Forbidden(_))
    ));

    // Totals: the bureau's, and the officers' within their districts; not for banks.
    let analyst = who(Role::Analyst, "");
    let t = finance::totals(&store, &auditor, &c(&analyst), None)
        .await
        .expect("totals");
    assert_eq!((t.total.firms, t.total.loans), (1, 2));
    assert_eq!(t.total.granted, 700.0);
    assert_eq!(t.total.overdue_rate, Some(1.0));
    assert_eq!(t.by_bank["甲银行"].granted, 700.0);
    assert_eq!(t.by_district["120116"].loans, 2);
    assert_eq!((t.applications_answered, t.approval_rate), (1, Some(1.0)));
    // A server's totals read the survey's side once per import and build, the loans every time:
    // the same figures, and a loan recorded since shows at once.
    let (app, _writer) = kechuang_app::App::start(store.clone());
    let held = finance::totals_held(&app, &c(&analyst), None)
        .await
        .expect("held");
    assert_eq!(
        serde_json::to_value(&held).expect("json"),
        serde_json::to_value(&t).expect("json")
    );
    finance::record_loans(
        &store,
        &auditor,
        &c(&bank_a),
        &[loan("L9", &in_binhai, 30.0, 0.0)],
    )
    .await
    .expect("one more");
    let after = finance::totals_held(&app, &c(&analyst), None)
        .await
        .expect("held");
    assert_eq!(after.total.loans, t.total.loans + 1);
    assert_eq!(after.total.granted, t.total.granted + 30.0);
    assert_eq!(
        serde_json::to_value(
            finance::published_held(&app, &c(&analyst))
                .await
                .expect("p")
        )
        .expect("json"),
        serde_json::to_value(finance::published(&store, &c(&analyst)).await.expect("p"))
            .expect("json")
    );
    let scoped = finance::totals(&store, &auditor, &c(&other_officer), None)
        .await
        .expect("t");
    assert_eq!(scoped.total.loans, 0);
    assert!(scoped.by_bank.is_empty());
    assert!(matches!(
        finance::totals(&store, &auditor, &c(&bank_a), None).await,
        Err(Error::Forbidden(_))
    ));

    // A revoked consent stops new loans for that enterprise.
    store
        .revoke_consent(&in_binhai, "甲银行", "firm")
        .await
        .expect("revoke");
    assert!(matches!(
        finance::record_loans(
            &store,
            &auditor,
            &c(&bank_a),
            &[loan("L3", &in_binhai, 1.0, 0.0)]
        )
        .await,
        Err(Error::Invalid(_))
    ));
}
