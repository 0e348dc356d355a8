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
    a_large_import_arrives_whole,
    enterprises_follow_the_latest_year,
    builds_and_results_are_stored,
    migration_columns_match_the_catalogue,
    accounts_sessions_and_tokens,
    consents_and_audit_log,
    ranking_filters_sorts_and_pages,
    imports_leave_no_record_without_enterprise_or_batch,
    concurrent_imports_both_land,
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

/// A bulk open of a file nobody else has open writes with a rollback journal — every write still
/// all or nothing — and the next ordinary open puts the file back into WAL mode.
#[test]
fn a_bulk_open_writes_with_a_rollback_journal_and_an_ordinary_open_returns_to_wal() {
    runtime().block_on(async {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("kechuang.db");
        let path = path.to_str().expect("utf8");
        let bulk = Store::open_bulk(path).await.expect("open bulk");
        assert_eq!(
            bulk.sqlite_journal_mode().await.expect("mode").as_deref(),
            Some("truncate")
        );
        suite::failed_import_writes_nothing(&bulk).await;
        suite::builds_and_results_are_stored(&bulk).await;
        suite::import_then_load_round_trips_every_field(&bulk).await;
        let count = bulk.count_records().await.expect("count");
        assert!(count > 0, "the suite stored records");
        bulk.close().await;
        let shared = Store::open(path).await.expect("open");
        assert_eq!(
            shared.sqlite_journal_mode().await.expect("mode").as_deref(),
            Some("wal")
        );
        assert_eq!(shared.count_records().await.expect("count"), count);
    });
}

/// A bulk open of a file a server has open leaves it in WAL mode, and both see each other's
/// writes.
#[test]
fn a_bulk_open_of_a_file_open_elsewhere_stays_in_wal_mode() {
    runtime().block_on(async {
        let (server, dir) = sqlite().await;
        let path = dir.path().join("kechuang.db");
        let bulk = Store::open_bulk(path.to_str().expect("utf8"))
            .await
            .expect("open bulk beside the server");
        assert_eq!(
            bulk.sqlite_journal_mode().await.expect("mode").as_deref(),
            Some("wal")
        );
        suite::import_then_load_round_trips_every_field(&bulk).await;
        assert_eq!(server.count_records().await.expect("count"), 3);
    });
}

/// The check of [`suite::imports_leave_no_record_without_enterprise_or_batch`] finds a record
/// whose enterprise is missing (written past SQLite's foreign keys, as a hand edit would be).
#[test]
fn a_record_without_its_enterprise_is_found() {
    use sqlx::{ConnectOptions, Connection};
    runtime().block_on(async {
        let (store, dir) = sqlite().await;
        suite::imports_leave_no_record_without_enterprise_or_batch(&store).await;
        store.close().await;
        let path = dir.path().join("kechuang.db");
        let mut raw = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&path)
            .foreign_keys(false)
            .connect()
            .await
            .expect("raw");
        sqlx::query("DELETE FROM enterprises WHERE credit_code LIKE '91120116MA0800001%'")
            .execute(&mut raw)
            .await
            .expect("delete");
        raw.close().await.expect("close");
        let store = Store::open(path.to_str().expect("utf8"))
            .await
            .expect("open");
        assert_eq!(
            store
                .records_without_enterprise_or_batch()
                .await
                .expect("check"),
            1
        );
    });
}
