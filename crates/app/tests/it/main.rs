//! The application layer's use cases against a real store, written once and run on SQLite and on
//! PostgreSQL (`KECHUANG_TEST_POSTGRES_URL`; without it the PostgreSQL runs are ignored, never
//! passed — CI sets it).

mod finance;
mod rounds;
mod validity;
mod whatif;

use std::sync::Arc;

use kechuang_store::Store;

/// Stores a synthetic region as one seed batch; its records.
async fn seed_region(
    store: &Store,
    spec: kechuang_synthetic::region::RegionSpec,
) -> Vec<kechuang_domain::SurveyRecord> {
    let records = kechuang_synthetic::region::region(&spec);
    let meta = kechuang_store::BatchMeta {
        file_name: "seed.csv".into(),
        sha256: "0".repeat(64),
        user_name: "seed".into(),
        warnings: 0,
    };
    store
        .import(&meta, &records, &|_| true)
        .await
        .expect("seed");
    records
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

/// One `#[test]` per backend for each suite function (`async fn name(store: Arc<Store>)`).
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[test]
                fn $name() {
                    super::runtime().block_on(async {
                        let dir = tempfile::tempdir().expect("tmp");
                        let store = Store::open(dir.path().join("k.db").to_str().expect("utf8"))
                            .await
                            .expect("open sqlite");
                        super::suite::$name(Arc::new(store)).await;
                    });
                }
            )*
            use super::*;
        }
        mod on_postgres {
            $(
                #[test]
                #[ignore = "needs KECHUANG_TEST_POSTGRES_URL; .ci/run starts a PostgreSQL cluster and runs these"]
                fn $name() {
                    super::runtime().block_on(async {
                        let (url, db) = kechuang_testkit::create_database("ka", stringify!($name)).await;
                        let store = Arc::new(Store::open(&url).await.expect("open postgres"));
                        super::suite::$name(store.clone()).await;
                        store.close().await;
                        kechuang_testkit::drop_database(&db).await;
                    });
                }
            )*
            use super::*;
        }
    };
}

/// Every suite function, whichever file holds it.
mod suite {
    pub use super::finance::*;
    pub use super::rounds::*;
    pub use super::validity::*;
    pub use super::whatif::*;
}

both_backends!(
    a_round_is_opened_once_per_year_and_closes_and_reopens,
    a_form_is_saved_validated_submitted_returned_and_approved,
    each_role_reaches_only_its_own_forms,
    the_response_is_counted_by_district_with_the_late_ones,
    sources_prefill_forms_and_corrections_need_a_reason,
    a_scenario_moves_only_who_it_concerns_within_the_callers_districts,
    scenarios_are_saved_compared_exported_and_deleted_by_whoever_saved_them,
    the_index_validity_matches_a_recomputation_and_is_for_analysts,
    loans_follow_consent_and_each_bank_sees_only_its_own,
);
