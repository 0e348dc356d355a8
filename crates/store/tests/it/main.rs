//! The store's test suite, written once and run on SQLite and on PostgreSQL.
//!
//! PostgreSQL tests read `KECHUANG_TEST_POSTGRES_URL` (an administrative URL; each test creates and
//! drops its own database). Without it they are ignored, never passed; CI sets it and runs them.

mod suite;

use kechuang_store::Store;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

async fn sqlite() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tmp");
    let store = Store::open(dir.path().join("kechuang.db").to_str().expect("utf8"))
        .await
        .expect("open sqlite");
    (store, dir)
}

/// A fresh PostgreSQL database for one test; dropped by [`drop_postgres`].
async fn postgres(test: &str) -> (Store, String) {
    let (url, name) = kechuang_testkit::create_database("kt", test).await;
    let store = Store::open(&url).await.expect("open postgres");
    (store, name)
}

async fn drop_postgres(store: Store, name: String) {
    store.close().await;
    kechuang_testkit::drop_database(&name).await;
}

/// One `#[test]` per backend for each suite function.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[test]
                fn $name() {
                    super::runtime().block_on(async {
                        let (store, _dir) = super::sqlite().await;
                        super::suite::$name(&store).await;
                    });
                }
            )*
        }
        mod on_postgres {
            $(
                #[test]
                #[ignore = "needs KECHUANG_TEST_POSTGRES_URL; .ci/run starts a PostgreSQL cluster and runs these"]
                fn $name() {
                    super::runtime().block_on(async {
                        let (store, db) = super::postgres(stringify!($name)).await;
                        super::suite::$name(&store).await;
                        super::drop_postgres(store, db).await;
                    });
                }
            )*
        }
    };
}

both_backends!(
    import_then_load_round_trips_every_field,
    reimport_updates_and_keeps_history,
    failed_import_writes_nothing,
    enterprises_follow_the_latest_year,
    builds_and_results_are_stored,
    migration_columns_match_the_catalogue,
    accounts_sessions_and_tokens,
    consents_and_audit_log,
    ranking_filters_sorts_and_pages,
);

#[test]
fn both_dialects_have_the_same_migration_versions() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
    let names = |d: &str| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir.join(d))
            .expect("dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    assert!(!names("sqlite").is_empty());
    assert_eq!(names("sqlite"), names("postgres"));
}
