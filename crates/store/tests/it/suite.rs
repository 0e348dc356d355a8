//! The store suite: each function takes a freshly migrated store.

use chrono::NaiveDate;
use kechuang_domain::{
    CreditCode, IncubationStage, IndustryCode, Num, RdInstitutionLevel, RegionCode, SurveyRecord,
    TechField, Titles,
};
use kechuang_store::{BatchMeta, EnterpriseIdentity, NewBuild, ResultDetail, ResultRow, Store};

fn record(body: &str, year: i32, revenue: f64) -> SurveyRecord {
    let mut values = vec![None; Num::COUNT];
    values[Num::Employees as usize] = Some(120.0);
    values[Num::Revenue as usize] = Some(revenue);
    values[Num::NetProfit as usize] = Some(-12.5);
    values[Num::MarketShare as usize] = Some(0.125);
    SurveyRecord {
        credit_code: CreditCode::complete(body).expect("code"),
        name: format!("天津{body}科技有限公司"),
        region_code: RegionCode::parse("120116").expect("region"),
        park: Some("滨海高新区".into()),
        industry_code: IndustryCode::parse("C3911").expect("industry"),
        tech_field: Some(TechField::ElectronicInformation),
        founded_on: NaiveDate::from_ymd_opt(2015, 3, 1).expect("date"),
        year,
        values,
        rd_institution_level: RdInstitutionLevel::Provincial,
        incubation_stage: Some(IncubationStage::Accelerator),
        titles: Titles {
            hnte: NaiveDate::from_ymd_opt(2026, 12, 31),
            ..Titles::default()
        },
        consent_bank: true,
    }
}

fn meta(name: &str) -> BatchMeta {
    BatchMeta {
        file_name: name.into(),
        sha256: "0".repeat(64),
        user_name: "tester".into(),
        warnings: 0,
    }
}

pub async fn import_then_load_round_trips_every_field(store: &Store) {
    let mut rows = vec![
        record("91120116MA05K1234", 2024, 8000.0),
        record("91120116MA05K1235", 2024, 500.0),
        record("91120116MA05K1234", 2025, 9000.0),
    ];
    // Text that a bulk format could read as structure (PostgreSQL's COPY text: tab, line break,
    // backslash; CSV: quotes and commas).
    rows[1].name = "天津\t\"引号\", 'x' \\N 反斜杠\\\n换行\r科技".into();
    rows[1].park = Some("\\".into());
    let s = store
        .import(&meta("a.csv"), &rows, &|_| true)
        .await
        .expect("import");
    assert_eq!((s.inserted, s.updated, s.unchanged), (3, 0, 0));
    assert_eq!(store.years().await.expect("years"), vec![2024, 2025]);
    assert_eq!(store.count_records().await.expect("count"), 3);
    let y2024 = store.load_year(2024).await.expect("load");
    assert_eq!(y2024.len(), 2);
    assert_eq!(y2024[0], rows[0], "every field survives the round trip");
    assert_eq!(y2024[1], rows[1]);
    let odd = store
        .record(rows[1].credit_code.as_str(), 2024)
        .await
        .expect("query")
        .expect("found");
    assert_eq!(odd, rows[1], "the typed row too");
    let one = store
        .record(rows[2].credit_code.as_str(), 2025)
        .await
        .expect("query")
        .expect("found");
    assert_eq!(one, rows[2]);
    assert!(
        store
            .record("91120116MA05K1299", 2025)
            .await
            .expect("query")
            .is_none()
    );
    let batches = store.batches().await.expect("batches");
    assert_eq!(batches.len(), 1);
    assert_eq!(
        (
            batches[0].rows_total,
            batches[0].rows_inserted,
            batches[0].user_name.as_str()
        ),
        (3, 3, "tester")
    );
}

pub async fn reimport_updates_and_keeps_history(store: &Store) {
    let first = vec![
        record("91120116MA05K1234", 2024, 8000.0),
        record("91120116MA05K1235", 2024, 500.0),
    ];
    store
        .import(&meta("v1.csv"), &first, &|_| true)
        .await
        .expect("first");
    let mut second = first.clone();
    second[0].set(Num::Revenue, Some(8800.0));
    let s = store
        .import(&meta("v2.csv"), &second, &|_| true)
        .await
        .expect("second");
    assert_eq!((s.inserted, s.updated, s.unchanged), (0, 1, 1));
    let code = first[0].credit_code.as_str();
    assert_eq!(
        store
            .record(code, 2024)
            .await
            .expect("q")
            .expect("row")
            .get(Num::Revenue),
        Some(8800.0)
    );
    assert_eq!(store.version(code, 2024).await.expect("q"), Some(2));
    let history = store.history(code, 2024).await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].version, 1);
    assert_eq!(
        history[0].record, first[0],
        "the replaced version is kept whole"
    );
    assert_eq!(history[0].replaced_by_batch, s.batch_id);
    assert!(
        store
            .history(first[1].credit_code.as_str(), 2024)
            .await
            .expect("h")
            .is_empty()
    );
}

/// More rows than one `COPY` message holds (20,000) on PostgreSQL, or many statements on SQLite:
/// every record arrives, the snapshot holds each one, and progress rises to the whole.
pub async fn a_large_import_arrives_whole(store: &Store) {
    let rows: Vec<SurveyRecord> = (0..45_001)
        .map(|i| record(&format!("91120116MA06{i:05}"), 2024, f64::from(i)))
        .collect();
    let told = std::sync::Mutex::new(Vec::new());
    let summary = store
        .import(&meta("large.csv"), &rows, &|done| {
            told.lock().expect("lock").push(done);
            true
        })
        .await
        .expect("import");
    assert_eq!(summary.inserted, rows.len());
    let told = told.into_inner().expect("lock");
    assert!(told.windows(2).all(|w| w[0] < w[1]), "progress rises");
    assert_eq!(told.last(), Some(&rows.len()));
    assert_eq!(
        store.count_records().await.expect("count"),
        rows.len() as i64
    );
    let mut loaded = store.load_years(&[2024]).await.expect("load");
    loaded.sort_by(|a, b| a.credit_code.as_str().cmp(b.credit_code.as_str()));
    assert_eq!(loaded, rows, "every record, whole, from the snapshot");
}

pub async fn failed_import_writes_nothing(store: &Store) {
    let rows: Vec<SurveyRecord> = (0..900)
        .map(|i| record(&format!("91120116MA06{i:05}"), 2024, 1.0))
        .collect();
    // Cancelled after the first multi-row statement has run inside the transaction.
    let e = store
        .import(&meta("big.csv"), &rows, &|done| done < 400)
        .await
        .expect_err("cancelled");
    assert!(matches!(e, kechuang_store::Error::Cancelled), "{e}");
    assert_eq!(store.count_records().await.expect("count"), 0);
    assert!(
        store.batches().await.expect("batches").is_empty(),
        "not even the batch row remains"
    );
    // The same key twice in one import is refused before anything is written.
    let mut dup = rows[..2].to_vec();
    dup.push(rows[0].clone());
    let e = store
        .import(&meta("dup.csv"), &dup, &|_| true)
        .await
        .expect_err("duplicate");
    assert!(
        matches!(
            e,
            kechuang_store::Error::DuplicateInBatch { year: 2024, .. }
        ),
        "{e}"
    );
    assert_eq!(store.count_records().await.expect("count"), 0);
}

pub async fn enterprises_follow_the_latest_year(store: &Store) {
    let mut old = record("91120116MA05K1234", 2023, 1.0);
    old.name = "旧名称".into();
    let new = record("91120116MA05K1234", 2025, 1.0);
    store
        .import(&meta("b.csv"), std::slice::from_ref(&new), &|_| true)
        .await
        .expect("new");
    store
        .import(&meta("a.csv"), &[old], &|_| true)
        .await
        .expect("old");
    assert_eq!(store.years().await.expect("years"), vec![2023, 2025]);
    assert_eq!(
        store.load_years(&[2023, 2025]).await.expect("load").len(),
        2
    );
    let code = new.credit_code.as_str();
    let identity = |name: &str, region: &str, first_year, last_year| EnterpriseIdentity {
        name: name.into(),
        region_code: region.into(),
        industry_code: "C3911".into(),
        first_year,
        last_year,
    };
    let latest = identity(&new.name, "120116", 2023, 2025);
    assert_eq!(
        store.enterprise_identity(code).await.expect("q"),
        Some(latest.clone()),
        "an earlier year widens the span and keeps the latest name"
    );
    // The latest year again, moved to another district: the identity follows it.
    let mut moved = new.clone();
    moved.region_code = RegionCode::parse("120104").expect("region");
    moved.set(Num::Revenue, Some(2.0));
    store
        .import(&meta("c.csv"), &[moved], &|_| true)
        .await
        .expect("moved");
    assert_eq!(
        store.enterprise_identity(code).await.expect("q"),
        Some(identity(&new.name, "120104", 2023, 2025))
    );
    // A later year under a new name.
    let mut renamed = new.clone();
    renamed.year = 2026;
    renamed.name = "新名称".into();
    store
        .import(&meta("d.csv"), &[renamed], &|_| true)
        .await
        .expect("renamed");
    assert_eq!(
        store.enterprise_identity(code).await.expect("q"),
        Some(identity("新名称", "120116", 2023, 2026))
    );
    assert_eq!(store.enterprise_identity("nobody").await.expect("q"), None);
}

pub async fn builds_and_results_are_stored(store: &Store) {
    let build = NewBuild {
        framework_id: "kechuang-enterprise".into(),
        framework_version: "1".into(),
        years: vec![2024],
        user_name: "analyst".into(),
        manifest: serde_json::json!({"engine_version": "0.1.0"}),
        result_codes: Some(r#"{"nodes":["Index"]}"#.into()),
    };
    let rows = vec![
        ResultRow {
            credit_code: "B".into(),
            year: 2024,
            score: Some(40.0),
            rank: Some(2),
            // Bytes, every value of a byte among them, come back as they went.
            detail: ResultDetail::Packed((0..=255u8).rev().collect()),
        },
        ResultRow {
            credit_code: "A".into(),
            year: 2024,
            score: Some(60.0),
            rank: Some(1),
            detail: ResultDetail::Packed(vec![]),
        },
        ResultRow {
            credit_code: "C".into(),
            year: 2024,
            score: None,
            rank: None,
            // As rows were stored before migration 0012, quotes and all.
            detail: ResultDetail::Json {
                scores: "{}".into(),
                values: r#"{"rd": 0.05}"#.into(),
                facts: r#"{"name": "天津\"x\"'; --"}"#.into(),
            },
        },
    ];
    let id = store.save_build(&build, &rows).await.expect("save");
    let builds = store.builds().await.expect("builds");
    assert_eq!(builds[0].id, id);
    assert_eq!(builds[0].units, 3);
    let back = store.results(id, 2024).await.expect("results");
    assert_eq!(
        back.iter()
            .map(|r| r.credit_code.as_str())
            .collect::<Vec<_>>(),
        ["A", "B", "C"]
    );
    assert_eq!(back[0], rows[1]);
    assert_eq!(back[1], rows[0]);
    assert_eq!(back[2], rows[2]);
    assert_eq!(
        store.result_codes(id).await.expect("codes").as_deref(),
        Some(r#"{"nodes":["Index"]}"#)
    );
    assert_eq!(store.result_codes(id + 1).await.expect("none"), None);
    // One enterprise's rows, by year.
    assert_eq!(
        store.enterprise_results(id, "B").await.expect("B"),
        vec![rows[0].clone()]
    );
}

pub async fn migration_columns_match_the_catalogue(store: &Store) {
    // Loading a record with every numeric field set proves each catalogue key is a column of its own.
    let mut r = record("91120116MA05K1234", 2024, 1.0);
    for (i, &n) in Num::ALL.iter().enumerate() {
        if n != Num::DigitalMaturityLevel && n != Num::MarketShare {
            r.set(n, Some(1000.0 + i as f64));
        }
    }
    store
        .import(&meta("all.csv"), std::slice::from_ref(&r), &|_| true)
        .await
        .expect("import");
    assert_eq!(store.load_year(2024).await.expect("load")[0], r);
}

pub async fn accounts_sessions_and_tokens(store: &Store) {
    use kechuang_store::{Error, NewUser};
    let new = NewUser {
        name: "li".into(),
        display_name: "李分析".into(),
        password_hash: "$argon2id$fake".into(),
        role: "analyst".into(),
        scope: String::new(),
    };
    let id = store.create_user(&new).await.expect("create");
    assert!(matches!(
        store.create_user(&new).await,
        Err(Error::Exists(_))
    ));
    let user = store
        .user_by_name("li")
        .await
        .expect("read")
        .expect("found");
    assert_eq!(
        (user.id, user.display_name.as_str(), user.disabled),
        (id, "李分析", false)
    );

    store
        .create_session("hash-1", id, "csrf-1", "2999-01-01T00:00:00Z")
        .await
        .expect("session");
    store
        .create_session("hash-old", id, "csrf-0", "2000-01-01T00:00:00Z")
        .await
        .expect("expired session");
    let (who, csrf) = store.session("hash-1").await.expect("read").expect("live");
    assert_eq!((who.name.as_str(), csrf.as_str()), ("li", "csrf-1"));
    assert!(
        store.session("hash-old").await.expect("read").is_none(),
        "expired"
    );
    assert!(store.session("nope").await.expect("read").is_none());

    let token = store
        .create_token(id, "bank feed", "thash", "read")
        .await
        .expect("token");
    assert_eq!(
        store
            .token("thash")
            .await
            .expect("read")
            .map(|(u, s)| (u.name, s)),
        Some(("li".into(), "read".into()))
    );
    assert!(
        !store
            .revoke_token(token, Some(id + 1))
            .await
            .expect("revoke"),
        "not theirs"
    );
    assert!(store.revoke_token(token, Some(id)).await.expect("revoke"));
    assert!(
        store.token("thash").await.expect("read").is_none(),
        "revoked"
    );
    assert!(
        store.tokens(Some(id)).await.expect("list")[0]
            .revoked_at
            .is_some()
    );

    // Disabling ends sessions and stops tokens.
    store
        .create_token(id, "second", "thash2", "read,write")
        .await
        .expect("token");
    assert!(store.set_disabled("li", true).await.expect("disable"));
    assert!(store.session("hash-1").await.expect("read").is_none());
    assert!(store.token("thash2").await.expect("read").is_none());
    assert!(store.set_disabled("li", false).await.expect("enable"));
    assert!(
        store.session("hash-1").await.expect("read").is_none(),
        "stays ended"
    );
    assert!(store.set_password("li", "$argon2id$new").await.expect("pw"));
    assert!(!store.set_password("nobody", "x").await.expect("pw"));
}

pub async fn consents_and_audit_log(store: &Store) {
    use kechuang_store::AuditEntry;
    assert!(!store.has_consent("E1", "津农商").await.expect("read"));
    store
        .grant_consent("E1", "津农商", "e1-user")
        .await
        .expect("grant");
    store
        .grant_consent("E1", "津农商", "e1-user")
        .await
        .expect("grant twice is one");
    store
        .grant_consent("E2", "津农商", "admin")
        .await
        .expect("grant");
    assert!(store.has_consent("E1", "津农商").await.expect("read"));
    assert!(!store.has_consent("E1", "other bank").await.expect("read"));
    assert_eq!(
        store
            .consents(None, Some("津农商"))
            .await
            .expect("list")
            .len(),
        2
    );
    assert!(
        store
            .revoke_consent("E1", "津农商", "e1-user")
            .await
            .expect("revoke")
    );
    assert!(
        !store
            .revoke_consent("E1", "津农商", "e1-user")
            .await
            .expect("again")
    );
    assert!(!store.has_consent("E1", "津农商").await.expect("read"));
    let kept = store.consents(Some("E1"), None).await.expect("list");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].revoked_by.as_deref(), Some("e1-user"));

    let entries: Vec<AuditEntry> = (0..1203)
        .map(|i| AuditEntry {
            at: format!("2026-11-27T00:{:02}:00Z", i % 60),
            user_name: if i % 2 == 0 { "a" } else { "b" }.into(),
            action: "login.failed".into(),
            target: format!("u{}", i % 3),
            remote: "127.0.0.1".into(),
            outcome: "denied".into(),
        })
        .collect();
    store.append_audit(&entries).await.expect("append");
    // Reads of the same target are not failed logins, and are not counted as such.
    let reads: Vec<AuditEntry> = (0..5)
        .map(|i| AuditEntry {
            at: format!("2026-11-27T00:5{i}:30Z"),
            user_name: "c".into(),
            action: "portrait.read".into(),
            target: "u0".into(),
            remote: "127.0.0.1".into(),
            outcome: "ok".into(),
        })
        .collect();
    store.append_audit(&reads).await.expect("append reads");
    let (total, page) = store.audit_log(Some("b"), 10, 0).await.expect("log");
    assert_eq!((total, page.len()), (601, 10));
    assert_eq!(page[0], entries[1201], "newest first");
    let since = store
        .failed_logins_since("u0", "2026-11-27T00:50:00Z")
        .await
        .expect("count");
    let expected = entries
        .iter()
        .filter(|e| e.target == "u0" && e.at.as_str() > "2026-11-27T00:50:00Z")
        .count() as i64;
    assert_eq!(since, expected);
    assert!(expected > 0);
}

pub async fn ranking_filters_sorts_and_pages(store: &Store) {
    let mut rows = Vec::new();
    let mut records = Vec::new();
    for (i, body) in [
        "91120116MA05A0001",
        "91120116MA05A0002",
        "91120116MA05A0003",
        "91120116MA05A0004",
    ]
    .iter()
    .enumerate()
    {
        let mut r = record(body, 2024, 100.0);
        if i == 1 {
            r.region_code = RegionCode::parse("120104").expect("region");
            r.park = None;
        }
        rows.push(ResultRow {
            credit_code: r.credit_code.as_str().to_string(),
            year: 2024,
            // The fourth is unscored: it sorts last whichever the direction.
            score: (i < 3).then_some(50.0 + i as f64),
            rank: (i < 3).then_some(3 - i as i64),
            detail: ResultDetail::Packed(vec![1, 2, 3]),
        });
        records.push(r);
    }
    store
        .import(&meta("r.csv"), &records, &|_| true)
        .await
        .expect("import");
    let build = NewBuild {
        framework_id: "f".into(),
        framework_version: "1".into(),
        years: vec![2024],
        user_name: "a".into(),
        manifest: serde_json::json!({}),
        result_codes: None,
    };
    let id = store.save_build(&build, &rows).await.expect("save");
    let base = kechuang_store::RankingQuery {
        build_id: id,
        year: 2024,
        sort: "rank".into(),
        limit: 10,
        ..Default::default()
    };
    let (total, page) = store.ranking(&base).await.expect("all");
    assert_eq!(total, 4);
    assert_eq!(page[0].rank, Some(1));
    assert_eq!(page[0].credit_code, rows[2].credit_code);
    assert_eq!(page[3].rank, None, "unranked last");
    let descending = kechuang_store::RankingQuery {
        descending: true,
        ..base.clone()
    };
    let (_, page) = store.ranking(&descending).await.expect("desc");
    assert_eq!(page[0].rank, Some(3));
    assert_eq!(page[3].rank, None, "unranked last, descending too");

    let district = kechuang_store::RankingQuery {
        areas: Some((vec!["120104".into()], vec![])),
        ..base.clone()
    };
    let (total, page) = store.ranking(&district).await.expect("district");
    assert_eq!(
        (total, page[0].credit_code.as_str()),
        (1, rows[1].credit_code.as_str())
    );
    let park = kechuang_store::RankingQuery {
        areas: Some((vec![], vec!["滨海高新区".into()])),
        sort: "score".into(),
        descending: true,
        limit: 1,
        offset: 1,
        ..base.clone()
    };
    let (total, page) = store.ranking(&park).await.expect("park");
    assert_eq!((total, page.len()), (3, 1));
    assert_eq!(page[0].score, Some(50.0));
    let nothing = kechuang_store::RankingQuery {
        credit_codes: Some(vec![]),
        ..base.clone()
    };
    assert_eq!(store.ranking(&nothing).await.expect("none").0, 0);
    let text = kechuang_store::RankingQuery {
        text: Some("A0002".into()),
        ..base.clone()
    };
    assert_eq!(store.ranking(&text).await.expect("text").0, 1);
    assert_eq!(
        store
            .enterprise_area(&rows[1].credit_code)
            .await
            .expect("area"),
        Some(("120104".into(), None))
    );
    let between = store
        .records_between(&rows[1].credit_code, 2020, 2030)
        .await
        .expect("between");
    assert_eq!(between.len(), 1);
    assert_eq!(between[0], records[1]);
    assert!(
        store
            .records_between(&rows[1].credit_code, 2025, 2030)
            .await
            .expect("between")
            .is_empty()
    );
}

/// Every stored record and replaced version keeps its enterprise and batch, through new, updated,
/// unchanged and earlier-year imports and one of several statements (PostgreSQL no longer checks
/// this per row; the import must).
pub async fn imports_leave_no_record_without_enterprise_or_batch(store: &Store) {
    let many: Vec<SurveyRecord> = (0..900)
        .map(|i| record(&format!("91120116MA07{i:05}"), 2024, f64::from(i)))
        .collect();
    store
        .import(&meta("many.csv"), &many, &|_| true)
        .await
        .expect("many");
    let mut again = many[..10].to_vec();
    again[0].set(Num::Revenue, Some(-1.0));
    again.push(record("91120116MA0800001", 2024, 1.0));
    again.push(record("91120116MA0800002", 2022, 1.0));
    again.push(record("91120116MA0700000", 2023, 1.0));
    let s = store
        .import(&meta("again.csv"), &again, &|_| true)
        .await
        .expect("again");
    assert_eq!((s.inserted, s.updated, s.unchanged), (3, 1, 9));
    assert_eq!(store.count_records().await.expect("count"), 903);
    assert_eq!(
        store
            .records_without_enterprise_or_batch()
            .await
            .expect("check"),
        0
    );
}

/// Two imports at once, sharing enterprises: both land whole, one after the other, and the
/// year's snapshot holds the records of both.
pub async fn concurrent_imports_both_land(store: &Store) {
    let batch = |from: u32, revenue: f64| -> Vec<SurveyRecord> {
        (from..from + 300)
            .map(|i| record(&format!("91120116MA09{i:05}"), 2024, revenue))
            .collect()
    };
    let (a, b) = (batch(0, 1.0), batch(200, 2.0));
    let mut b23 = b.clone();
    for r in &mut b23 {
        r.year = 2023;
    }
    let (ma, mb, mc) = (meta("a.csv"), meta("b.csv"), meta("b23.csv"));
    let (x, y, z) = tokio::join!(
        store.import(&ma, &a, &|_| true),
        store.import(&mb, &b, &|_| true),
        store.import(&mc, &b23, &|_| true),
    );
    let (x, y, _) = (x.expect("a"), y.expect("b"), z.expect("b23"));
    // Whichever ran second found the 100 shared records stored, and replaced them.
    assert_eq!(x.inserted + y.inserted, 500);
    assert_eq!(x.updated + y.updated, 100);
    let loaded = store.load_years(&[2023, 2024]).await.expect("load");
    assert_eq!(loaded.len(), 800);
    let last = if y.updated == 100 { 2.0 } else { 1.0 };
    let shared = loaded
        .iter()
        .filter(|r| r.year == 2024 && r.get(Num::Revenue) == Some(last))
        .count();
    assert_eq!(
        shared, 300,
        "the later batch's 300 records, the shared 100 among them"
    );
    assert_eq!(
        store
            .records_without_enterprise_or_batch()
            .await
            .expect("check"),
        0
    );
}
