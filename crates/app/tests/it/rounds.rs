//! Survey rounds: opening, the form's life (draft → submitted → returned → submitted → approved),
//! who reaches which form, and the response by district.

use std::collections::BTreeMap;
use std::sync::Arc;

use kechuang_app::access::{Credential, Principal, Role};
use kechuang_app::audit::Auditor;
use kechuang_app::rounds::{self, Decision, FormStatus, OpenRound, RoundScope};
use kechuang_app::{Caller, Error};
use kechuang_store::Store;
use kechuang_synthetic::region::RegionSpec;

fn who(role: Role, name: &str, scope: &[&str]) -> Principal {
    Principal {
        user_id: 1,
        name: name.into(),
        display_name: name.into(),
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

/// A region of 60 enterprises that filed for 2024; the round asks for 2025.
async fn seeded(store: &Store) -> Vec<kechuang_domain::SurveyRecord> {
    crate::seed_region(
        store,
        RegionSpec {
            enterprises: 60,
            years: vec![2024],
            seed: 11,
        },
    )
    .await
}

fn open_2025() -> OpenRound {
    OpenRound {
        year: 2025,
        deadline: "2026-03-31".into(),
        scope: RoundScope::Register,
        fields: Vec::new(),
    }
}

pub async fn a_round_is_opened_once_per_year_and_closes_and_reopens(store: Arc<Store>) {
    let records = seeded(&store).await;
    let (auditor, _writer) = Auditor::start(store.clone());
    let analyst = who(Role::Analyst, "analyst", &[]);
    let officer = who(Role::DistrictOfficer, "officer", &["120116"]);
    // Only analysts and administrators open rounds.
    let refused = rounds::open(&store, &auditor, &caller(&officer), &open_2025()).await;
    assert!(matches!(refused, Err(Error::Forbidden(_))), "{refused:?}");
    let bad = OpenRound {
        deadline: "31/03/2026".into(),
        ..open_2025()
    };
    assert!(matches!(
        rounds::open(&store, &auditor, &caller(&analyst), &bad).await,
        Err(Error::Invalid(_))
    ));
    let id = rounds::open(&store, &auditor, &caller(&analyst), &open_2025())
        .await
        .expect("open");
    // The register: every enterprise of 2024, each with its district.
    let members = store.round_members(id).await.expect("members");
    assert_eq!(members.len(), records.len());
    assert!(members.iter().all(|m| m.region_code.len() == 6));
    // One open round per year.
    assert!(matches!(
        rounds::open(&store, &auditor, &caller(&analyst), &open_2025()).await,
        Err(Error::Conflict(_))
    ));
    rounds::set_open(&store, &auditor, &caller(&analyst), id, false)
        .await
        .expect("close");
    assert!(matches!(
        rounds::set_open(&store, &auditor, &caller(&analyst), id, false).await,
        Err(Error::Conflict(_))
    ));
    rounds::set_open(&store, &auditor, &caller(&analyst), id, true)
        .await
        .expect("reopen");
    assert_eq!(
        store.round(id).await.expect("round").expect("some").status,
        "open"
    );
    // A list scope refuses a malformed code before anything is written.
    let list = OpenRound {
        year: 2024,
        deadline: "2025-03-31".into(),
        scope: RoundScope::List(vec![
            records[0].credit_code.to_string(),
            "not-a-code".into(),
        ]),
        fields: Vec::new(),
    };
    assert!(matches!(
        rounds::open(&store, &auditor, &caller(&analyst), &list).await,
        Err(Error::Invalid(_))
    ));
    assert_eq!(store.rounds().await.expect("rounds").len(), 1);
    // A round asks the fields it names (and always the identifying ones); an unknown one is refused.
    let unknown = OpenRound {
        year: 2024,
        deadline: "2025-03-31".into(),
        scope: RoundScope::Everyone,
        fields: vec!["employees".into(), "no_such_field".into()],
    };
    assert!(matches!(
        rounds::open(&store, &auditor, &caller(&analyst), &unknown).await,
        Err(Error::Invalid(_))
    ));
    let few = OpenRound {
        fields: vec!["employees".into(), "研发费用".into()],
        ..unknown
    };
    let id = rounds::open(&store, &auditor, &caller(&analyst), &few)
        .await
        .expect("open with fields");
    let round = store.round(id).await.expect("round").expect("some");
    assert_eq!(round.fields, "employees,rd_expense");
    let asked: Vec<&str> = rounds::asked_fields(&round.fields)
        .iter()
        .map(|f| f.key())
        .collect();
    assert!(asked.contains(&"employees") && asked.contains(&"rd_expense"));
    assert!(asked.contains(&"name") && asked.contains(&"credit_code"));
    assert!(!asked.contains(&"revenue"), "{asked:?}");
    assert_eq!(
        rounds::asked_fields("").len(),
        kechuang_domain::Field::all().len()
    );
}

pub async fn a_form_is_saved_validated_submitted_returned_and_approved(store: Arc<Store>) {
    let records = seeded(&store).await;
    let (auditor, _writer) = Auditor::start(store.clone());
    let analyst = who(Role::Analyst, "analyst", &[]);
    let id = rounds::open(&store, &auditor, &caller(&analyst), &open_2025())
        .await
        .expect("open");
    let firm = &records[0];
    let code = firm.credit_code.to_string();
    let me = who(Role::Enterprise, "firm", &[&code]);
    let officer = who(
        Role::DistrictOfficer,
        "officer",
        &[firm.region_code.as_str()],
    );
    // The form starts from last year's record.
    let form = rounds::form(&store, &auditor, &caller(&me), id, &code)
        .await
        .expect("form");
    assert_eq!(form.status, FormStatus::NotStarted);
    assert_eq!(form.values.get("name"), Some(&firm.name));
    assert_eq!(
        form.values.get("year").map(String::as_str),
        Some("2025"),
        "the round's year, not last year's"
    );
    // A mistake: a negative number is located on its field and blocks submission, not saving.
    let mut values: BTreeMap<String, String> = form.values.clone();
    let field = values
        .keys()
        .find(|k| k.as_str() == "employees")
        .cloned()
        .expect("employees field");
    values.insert(field.clone(), "-5".into());
    let refused = rounds::save(
        &store,
        &auditor,
        &caller(&me),
        id,
        &code,
        &rounds::Filed {
            values: &values,
            reasons: &BTreeMap::new(),
            submit: true,
        },
    )
    .await
    .expect("checked");
    assert_eq!(
        refused.status,
        FormStatus::Draft,
        "kept as a draft, not submitted"
    );
    assert!(
        refused
            .issues
            .iter()
            .any(|i| i.field == field && i.severity == "error"),
        "{:?}",
        refused.issues
    );
    let draft = rounds::save(
        &store,
        &auditor,
        &caller(&me),
        id,
        &code,
        &rounds::Filed {
            values: &values,
            reasons: &BTreeMap::new(),
            submit: false,
        },
    )
    .await
    .expect("draft");
    assert_eq!(draft.status, FormStatus::Draft);
    // Fixed and submitted: locked for the firm.
    values.insert(field.clone(), "40".into());
    let sent = rounds::save(
        &store,
        &auditor,
        &caller(&me),
        id,
        &code,
        &rounds::Filed {
            values: &values,
            reasons: &BTreeMap::new(),
            submit: true,
        },
    )
    .await
    .expect("submit");
    assert_eq!(sent.status, FormStatus::Submitted, "{:?}", sent.issues);
    assert!(matches!(
        rounds::save(
            &store,
            &auditor,
            &caller(&me),
            id,
            &code,
            &rounds::Filed {
                values: &values,
                reasons: &BTreeMap::new(),
                submit: false
            }
        )
        .await,
        Err(Error::Conflict(_))
    ));
    // Returned on a named field with a comment; the firm corrects and resubmits.
    let ret = Decision::Return {
        fields: vec![field.clone()],
        comment: "请核对从业人员数".into(),
    };
    rounds::review(&store, &auditor, &caller(&officer), id, &code, &ret)
        .await
        .expect("return");
    let back = rounds::form(&store, &auditor, &caller(&me), id, &code)
        .await
        .expect("form");
    assert_eq!(back.status, FormStatus::Returned);
    let returned = back
        .history
        .iter()
        .find(|e| e.action == "return")
        .expect("return kept");
    assert_eq!(returned.fields, field);
    assert_eq!(returned.comment, "请核对从业人员数");
    values.insert(field.clone(), "42".into());
    rounds::save(
        &store,
        &auditor,
        &caller(&me),
        id,
        &code,
        &rounds::Filed {
            values: &values,
            reasons: &BTreeMap::new(),
            submit: true,
        },
    )
    .await
    .expect("resubmit");
    // A return without a comment is refused.
    let bare = Decision::Return {
        fields: vec![field.clone()],
        comment: " ".into(),
    };
    assert!(matches!(
        rounds::review(&store, &auditor, &caller(&officer), id, &code, &bare).await,
        Err(Error::Invalid(_))
    ));
    // Approved: the record is in the store, as a file import would have put it.
    rounds::review(
        &store,
        &auditor,
        &caller(&officer),
        id,
        &code,
        &Decision::Approve,
    )
    .await
    .expect("approve");
    let stored = store
        .record(&code, 2025)
        .await
        .expect("read")
        .expect("imported");
    assert_eq!(stored.name, firm.name);
    assert_eq!(stored.get(kechuang_domain::Num::Employees), Some(42.0));
    let history: Vec<String> = store
        .filing_events(id, &code)
        .await
        .expect("history")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        history,
        ["save", "save", "submit", "return", "submit", "approve"]
    );
    // Approved is final, and a closed round takes nothing.
    assert!(matches!(
        rounds::review(
            &store,
            &auditor,
            &caller(&officer),
            id,
            &code,
            &Decision::Approve
        )
        .await,
        Err(Error::Conflict(_))
    ));
    rounds::set_open(&store, &auditor, &caller(&analyst), id, false)
        .await
        .expect("close");
    let other = records[1].credit_code.to_string();
    let them = who(Role::Enterprise, "other", &[&other]);
    assert!(matches!(
        rounds::save(
            &store,
            &auditor,
            &caller(&them),
            id,
            &other,
            &rounds::Filed {
                values: &BTreeMap::new(),
                reasons: &BTreeMap::new(),
                submit: false
            }
        )
        .await,
        Err(Error::Conflict(_))
    ));
}

pub async fn each_role_reaches_only_its_own_forms(store: Arc<Store>) {
    let records = seeded(&store).await;
    let (auditor, _writer) = Auditor::start(store.clone());
    let analyst = who(Role::Analyst, "analyst", &[]);
    let id = rounds::open(&store, &auditor, &caller(&analyst), &open_2025())
        .await
        .expect("open");
    let firm = &records[0];
    let code = firm.credit_code.to_string();
    let elsewhere = records
        .iter()
        .find(|r| r.region_code != firm.region_code)
        .expect("another district");
    let other_code = elsewhere.credit_code.to_string();
    let me = who(Role::Enterprise, "firm", &[&code]);
    let own_officer = who(Role::DistrictOfficer, "own", &[firm.region_code.as_str()]);
    let other_officer = who(
        Role::DistrictOfficer,
        "other",
        &[elsewhere.region_code.as_str()],
    );
    let bank = who(Role::Bank, "bank", &["某银行"]);
    let public = who(Role::Public, "public", &[]);
    // The firm reads its own form, never another's; it cannot file for another either.
    assert!(
        rounds::form(&store, &auditor, &caller(&me), id, &code)
            .await
            .is_ok()
    );
    for (p, c) in [
        (&me, &other_code),
        (&other_officer, &code),
        (&bank, &code),
        (&public, &code),
    ] {
        let r = rounds::form(&store, &auditor, &caller(p), id, c).await;
        assert!(
            matches!(r, Err(Error::Forbidden(_))),
            "{} read {c}: {r:?}",
            p.name
        );
    }
    assert!(
        rounds::form(&store, &auditor, &caller(&own_officer), id, &code)
            .await
            .is_ok()
    );
    let values = rounds::form(&store, &auditor, &caller(&me), id, &code)
        .await
        .expect("form")
        .values;
    for p in [&own_officer, &analyst, &bank] {
        assert!(matches!(
            rounds::save(
                &store,
                &auditor,
                &caller(p),
                id,
                &code,
                &rounds::Filed {
                    values: &values,
                    reasons: &BTreeMap::new(),
                    submit: true
                }
            )
            .await,
            Err(Error::Forbidden(_))
        ));
    }
    assert!(matches!(
        rounds::save(
            &store,
            &auditor,
            &caller(&me),
            id,
            &other_code,
            &rounds::Filed {
                values: &values,
                reasons: &BTreeMap::new(),
                submit: true
            }
        )
        .await,
        Err(Error::Forbidden(_))
    ));
    rounds::save(
        &store,
        &auditor,
        &caller(&me),
        id,
        &code,
        &rounds::Filed {
            values: &values,
            reasons: &BTreeMap::new(),
            submit: true,
        },
    )
    .await
    .expect("submit");
    // Only the firm's own district reviews it; the firm itself cannot approve.
    for p in [&other_officer, &me, &bank] {
        let r = rounds::review(&store, &auditor, &caller(p), id, &code, &Decision::Approve).await;
        assert!(matches!(r, Err(Error::Forbidden(_))), "{}: {r:?}", p.name);
    }
    // Tracking: officers see their own district only; banks, firms and the public nothing.
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
    let own = rounds::tracking(&store, &auditor, &caller(&own_officer), id, today)
        .await
        .expect("own tracking");
    assert_eq!(
        own.by_district.keys().collect::<Vec<_>>(),
        [firm.region_code.as_str()]
    );
    for p in [&me, &bank, &public] {
        assert!(matches!(
            rounds::tracking(&store, &auditor, &caller(p), id, today).await,
            Err(Error::Forbidden(_))
        ));
    }
}

pub async fn the_response_is_counted_by_district_with_the_late_ones(store: Arc<Store>) {
    let records = seeded(&store).await;
    let (auditor, _writer) = Auditor::start(store.clone());
    let analyst = who(Role::Analyst, "analyst", &[]);
    let id = rounds::open(&store, &auditor, &caller(&analyst), &open_2025())
        .await
        .expect("open");
    // Three firms: one submits, one keeps a draft, one does nothing.
    for (i, submit) in [(0usize, Some(true)), (1, Some(false)), (2, None)] {
        let code = records[i].credit_code.to_string();
        let me = who(Role::Enterprise, "firm", &[&code]);
        if let Some(submit) = submit {
            let values = rounds::form(&store, &auditor, &caller(&me), id, &code)
                .await
                .expect("form")
                .values;
            let saved = rounds::save(
                &store,
                &auditor,
                &caller(&me),
                id,
                &code,
                &rounds::Filed {
                    values: &values,
                    reasons: &BTreeMap::new(),
                    submit,
                },
            )
            .await
            .expect("save");
            assert!(
                saved.issues.iter().all(|i| i.severity != "error"),
                "{:?}",
                saved.issues
            );
        }
    }
    let before = chrono::NaiveDate::from_ymd_opt(2026, 3, 31).expect("date");
    let t = rounds::tracking(&store, &auditor, &caller(&analyst), id, before)
        .await
        .expect("tracking");
    assert_eq!(t.total.in_scope, records.len());
    assert_eq!(t.total.submitted, 1);
    assert_eq!(t.total.draft, 1);
    assert_eq!(t.total.not_started, records.len() - 2);
    assert_eq!(t.total.late, 0, "not late on the deadline itself");
    let sum: usize = t.by_district.values().map(|r| r.in_scope).sum();
    assert_eq!(sum, records.len());
    let after = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).expect("date");
    let t = rounds::tracking(&store, &auditor, &caller(&analyst), id, after)
        .await
        .expect("tracking");
    assert_eq!(
        t.total.late,
        records.len() - 1,
        "everyone but the submitted one"
    );
    assert_eq!(t.late.len(), records.len() - 1);
    assert!(
        !t.late
            .iter()
            .any(|m| m.credit_code == records[0].credit_code.as_str())
    );
}

pub async fn sources_prefill_forms_and_corrections_need_a_reason(store: Arc<Store>) {
    use kechuang_app::sources::{self, Source};
    // Two years, so that the portrait's year can be built (growth needs the year before).
    let all = crate::seed_region(
        &store,
        RegionSpec {
            enterprises: 300,
            years: vec![2023, 2024],
            seed: 11,
        },
    )
    .await;
    let records: Vec<_> = all.into_iter().filter(|r| r.year == 2024).collect();
    let (auditor, _writer) = Auditor::start(store.clone());
    let analyst = who(Role::Analyst, "analyst", &[]);
    let a = records[0].credit_code.to_string();
    let b = records[1].credit_code.to_string();
    // Bad rows — a malformed code, a negative amount, a duplicate — and nothing is written.
    let bad = format!(
        "统一社会信用代码,营业收入(万元),研发费用(万元)\n{a},1000,80\nnot-a-code,5,5\n{b},-3,10\n{a},1,1\n"
    );
    let report = sources::import(
        &store,
        &auditor,
        &caller(&analyst),
        Source::Tax,
        2025,
        "tax.csv",
        bad.into_bytes(),
    )
    .await
    .expect("checked");
    assert_eq!(report.issues.len(), 3, "{:?}", report.issues);
    assert_eq!(report.batch, None);
    assert!(
        store
            .source_values(2025, None)
            .await
            .expect("values")
            .is_empty()
    );
    // A column in another unit (元 for 万元) is refused, not read a ten-thousandth off.
    let yuan = format!("统一社会信用代码,营业收入(元)\n{a},10000000\n");
    let r = sources::import(
        &store,
        &auditor,
        &caller(&analyst),
        Source::Tax,
        2025,
        "tax.csv",
        yuan.into_bytes(),
    )
    .await
    .expect("checked");
    assert_eq!(r.issues.len(), 1, "{:?}", r.issues);
    assert!(r.issues[0].message.contains("万元"), "{:?}", r.issues);
    // A column the source does not give is refused too.
    let wrong = format!("统一社会信用代码,有效发明专利数(件)\n{a},3\n");
    let r = sources::import(
        &store,
        &auditor,
        &caller(&analyst),
        Source::Tax,
        2025,
        "tax.csv",
        wrong.into_bytes(),
    )
    .await
    .expect("checked");
    assert_eq!(r.issues.len(), 1);
    // A good file: an unknown enterprise is reported and left out.
    let stranger = "91110108MA7YYYYYYA";
    // The tax office's figures for the first firm are its own (valid together with the rest).
    let revenue = records[0]
        .get(kechuang_domain::Num::Revenue)
        .expect("revenue");
    let rd = records[0]
        .get(kechuang_domain::Num::RdExpense)
        .expect("R&D expense");
    let good = format!(
        "统一社会信用代码,营业收入(万元),研发费用(万元)\n{a},{revenue},{rd}\n{b},2000,150\n{stranger},5,5\n"
    );
    let r = sources::import(
        &store,
        &auditor,
        &caller(&analyst),
        Source::Tax,
        2025,
        "tax.csv",
        good.into_bytes(),
    )
    .await
    .expect("imported");
    assert!(r.issues.is_empty(), "{:?}", r.issues);
    assert_eq!(r.values, 4);
    assert_eq!(r.unmatched, vec![stranger.to_string()]);
    // Only analysts and administrators import sources.
    let officer = who(Role::DistrictOfficer, "officer", &["120116"]);
    assert!(matches!(
        sources::import(
            &store,
            &auditor,
            &caller(&officer),
            Source::Tax,
            2025,
            "t.csv",
            Vec::new()
        )
        .await,
        Err(Error::Forbidden(_))
    ));
    // The form starts from the source, and says where the value came from.
    let id = rounds::open(&store, &auditor, &caller(&analyst), &open_2025())
        .await
        .expect("open");
    let me = who(Role::Enterprise, "firm", &[&a]);
    let form = rounds::form(&store, &auditor, &caller(&me), id, &a)
        .await
        .expect("form");
    assert_eq!(
        form.values.get("revenue").map(String::as_str),
        Some(revenue.to_string().as_str())
    );
    assert_eq!(form.provenance["revenue"].source, "tax");
    // A correction without a reason is kept as a draft; with one, it is submitted and listed.
    let mut values = form.values.clone();
    let corrected = (rd + 10.0).to_string();
    values.insert("rd_expense".into(), corrected.clone());
    let no_reason = BTreeMap::new();
    let saved = rounds::save(
        &store,
        &auditor,
        &caller(&me),
        id,
        &a,
        &rounds::Filed {
            values: &values,
            reasons: &no_reason,
            submit: true,
        },
    )
    .await
    .expect("saved");
    assert_eq!(saved.status, FormStatus::Draft);
    assert!(
        saved
            .issues
            .iter()
            .any(|i| i.rule == "source_correction" && i.field == "rd_expense")
    );
    let reasons = BTreeMap::from([("rd_expense".to_string(), "含委托外部研发费用".to_string())]);
    let saved = rounds::save(
        &store,
        &auditor,
        &caller(&me),
        id,
        &a,
        &rounds::Filed {
            values: &values,
            reasons: &reasons,
            submit: true,
        },
    )
    .await
    .expect("submitted");
    assert_eq!(saved.status, FormStatus::Submitted, "{:?}", saved.issues);
    let listed = rounds::contradictions(&store, &caller(&analyst), id)
        .await
        .expect("contradictions");
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].field, "rd_expense");
    assert_eq!(listed[0].source_value, rd.to_string());
    assert_eq!(listed[0].filed_value, corrected);
    assert_eq!(listed[0].reason, "含委托外部研发费用");
    assert!(matches!(
        rounds::contradictions(&store, &caller(&officer), id).await,
        Err(Error::Forbidden(_))
    ));
    // Approved, the year's portrait says where its values came from.
    rounds::review(
        &store,
        &auditor,
        &caller(&analyst),
        id,
        &a,
        &Decision::Approve,
    )
    .await
    .expect("approve");
    // The portrait of a built year says where its values came from (here 2024: a year with a
    // whole region to build over).
    let extract = format!("统一社会信用代码,研发费用(万元)\n{a},{rd}\n");
    let r = sources::import(
        &store,
        &auditor,
        &caller(&analyst),
        Source::Tax,
        2024,
        "tax-2024.csv",
        extract.into_bytes(),
    )
    .await
    .expect("imported");
    assert!(r.issues.is_empty(), "{:?}", r.issues);
    let framework = kechuang_app::builds::rebuild_framework(&store, &caller(&analyst))
        .await
        .expect("framework");
    kechuang_enterprise::stored::build_from_store(
        &store,
        framework,
        &[2024],
        "analyst",
        Default::default(),
    )
    .await
    .expect("build");
    let portrait = kechuang_app::views::gather(&store, &a, Some(2024), &[])
        .await
        .expect("portrait");
    let rd_note = portrait
        .sources
        .iter()
        .find(|n| n.field == "rd_expense")
        .expect("the tax office's R&D expense");
    assert_eq!(rd_note.source, "tax");
    assert_eq!(rd_note.value, rd.to_string());
    let html = kechuang_portrait::html::render(&portrait, kechuang_portrait::html::Lang::Zh);
    assert!(html.contains("数据来源") && html.contains("税务"), "{html}");
}
