//! The store suite: each function takes a freshly migrated store.

use chrono::NaiveDate;
use kechuang_domain::{
    CreditCode, IncubationStage, IndustryCode, Num, RdInstitutionLevel, RegionCode, SurveyRecord,
    TechField, Titles,
};
use kechuang_store::{BatchMeta, NewBuild, ResultRow, Store};

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
    let rows = vec![
        record("91120116MA05K1234", 2024, 8000.0),
        record("91120116MA05K1235", 2024, 500.0),
        record("91120116MA05K1234", 2025, 9000.0),
    ];
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
}

pub async fn builds_and_results_are_stored(store: &Store) {
    let build = NewBuild {
        framework_id: "kechuang-enterprise".into(),
        framework_version: "1".into(),
        years: vec![2024],
        user_name: "analyst".into(),
        manifest: serde_json::json!({"engine_version": "0.1.0"}),
    };
    let rows = vec![
        ResultRow {
            credit_code: "B".into(),
            year: 2024,
            score: Some(40.0),
            rank: Some(2),
            scores: serde_json::json!({"Index": 40.0}),
            values: serde_json::json!({"rd": 0.05}),
            facts: serde_json::json!({}),
        },
        ResultRow {
            credit_code: "A".into(),
            year: 2024,
            score: Some(60.0),
            rank: Some(1),
            scores: serde_json::json!({"Index": 60.0}),
            values: serde_json::json!({}),
            facts: serde_json::json!({}),
        },
        ResultRow {
            credit_code: "C".into(),
            year: 2024,
            score: None,
            rank: None,
            scores: serde_json::json!({}),
            values: serde_json::json!({}),
            facts: serde_json::json!({}),
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
    assert_eq!(back[0].scores["Index"], 60.0);
    assert_eq!(back[1].values["rd"], 0.05);
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
