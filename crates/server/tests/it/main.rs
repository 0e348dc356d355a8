//! The web service against a running server (real TCP, real HTTP client), on SQLite and on
//! PostgreSQL. PostgreSQL tests read `KECHUANG_TEST_POSTGRES_URL` and are ignored without it.

mod browser;
mod browser_rounds;
mod browser_tour;
mod browser_whatif;
mod client;
mod leaks;
mod security;
mod suite;

use std::sync::Arc;

use kechuang_domain::SurveyRecord;
use kechuang_store::{BatchMeta, Store};
use kechuang_synthetic::region::{RegionSpec, region};

pub use client::Client;

/// A seeded store served on a free port, with one account per role.
pub struct Fixture {
    pub base: String,
    pub store: Arc<Store>,
    /// An enterprise in 滨海新区 (the district officer's district); the enterprise account's own.
    pub in_binhai: String,
    /// An enterprise in 南开区, outside the officer's district; it consented to the bank.
    pub elsewhere: String,
    /// Enterprises in 滨海新区 in the latest year.
    pub binhai_count: usize,
    pub records: Vec<SurveyRecord>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

pub const PASSWORD: &str = "correct-horse-battery";
pub const BANK: &str = "津创银行";

impl Fixture {
    async fn start(store: Store) -> Fixture {
        let records = region(&RegionSpec {
            enterprises: 300,
            years: vec![2024, 2025],
            seed: 7,
        });
        let meta = BatchMeta {
            file_name: "seed.csv".into(),
            sha256: "0".repeat(64),
            user_name: "seed".into(),
            warnings: 0,
        };
        store
            .import(&meta, &records, &|_| true)
            .await
            .expect("seed import");
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
        .expect("seed build");
        let latest: Vec<&SurveyRecord> = records.iter().filter(|r| r.year == 2025).collect();
        let in_binhai = latest
            .iter()
            .find(|r| r.region_code.as_str() == "120116")
            .expect("an enterprise in 滨海新区")
            .credit_code
            .to_string();
        let elsewhere = latest
            .iter()
            .find(|r| r.region_code.as_str() == "120104")
            .expect("an enterprise in 南开区")
            .credit_code
            .to_string();
        let binhai_count = latest
            .iter()
            .filter(|r| r.region_code.as_str() == "120116")
            .count();
        for (name, role, scope) in [
            ("admin", "admin", ""),
            ("analyst", "analyst", ""),
            ("officer", "district_officer", "120116"),
            ("firm", "enterprise", in_binhai.as_str()),
            ("bank", "bank", BANK),
            ("citizen", "public", ""),
        ] {
            kechuang_server::api::add_user(
                &store,
                &kechuang_server::api::UserBody {
                    name: name.into(),
                    display_name: None,
                    password: PASSWORD.into(),
                    role: role.into(),
                    scope: scope.into(),
                },
            )
            .await
            .expect("user");
        }
        store
            .grant_consent(&elsewhere, BANK, "seed")
            .await
            .expect("consent");
        let store = Arc::new(store);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let config = kechuang_server::Config {
            max_upload_bytes: 4 << 20,
            ..kechuang_server::Config::default()
        };
        let served = store.clone();
        let server = tokio::spawn(async move {
            kechuang_server::serve(listener, served, config, async {
                let _ = rx.await;
            })
            .await
            .expect("serve");
        });
        Fixture {
            base,
            store,
            in_binhai,
            elsewhere,
            binhai_count,
            records,
            shutdown: Some(tx),
            server: Some(server),
        }
    }

    /// A client, not logged in.
    pub fn client(&self) -> Client {
        Client::new(&self.base)
    }

    /// A client logged in as `name` (a browser session).
    pub async fn session(&self, name: &str) -> Client {
        let mut c = self.client();
        let (status, _) = c.login(name, PASSWORD).await;
        assert_eq!(status, 200, "login {name}");
        c
    }

    /// Stops the server (draining the audit log).
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.server.take() {
            h.await.expect("server task");
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

async fn postgres(test: &str) -> (Store, String) {
    let (url, name) = kechuang_testkit::create_database("ks", test).await;
    (Store::open(&url).await.expect("open postgres"), name)
}

async fn drop_postgres(name: &str) {
    kechuang_testkit::drop_database(name).await;
}

/// One `#[test]` per backend for each suite function.
macro_rules! both_backends {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[test]
                fn $name() {
                    super::runtime().block_on(async {
                        let dir = tempfile::tempdir().expect("tmp");
                        let store = kechuang_store::Store::open(dir.path().join("k.db").to_str().expect("utf8")).await.expect("open");
                        let f = super::Fixture::start(store).await;
                        super::suite::$name(&f).await;
                        f.stop().await;
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
                        let f = super::Fixture::start(store).await;
                        super::suite::$name(&f).await;
                        f.store.close().await;
                        f.stop().await;
                        super::drop_postgres(&db).await;
                    });
                }
            )*
        }
    };
}

both_backends!(
    health_readiness_and_the_api_document,
    login_sessions_and_logout,
    failed_logins_are_throttled,
    session_changes_need_the_csrf_token,
    each_role_reads_only_its_enterprises,
    lists_are_limited_to_the_scope,
    tokens_are_scoped_hashed_and_revocable,
    consent_lets_a_bank_read_until_revoked,
    uploads_report_errors_and_import_all_or_nothing,
    every_read_and_change_is_audited,
    targets_and_published_tables,
    accounts_are_administered,
    the_overview_shows_any_year_and_each_districts_index_by_year,
    the_statistical_audit_page_shows_the_engines_figures_to_analysts_only,
    the_admin_page_enables_disables_sets_passwords_and_revokes_tokens,
    errors_are_json_and_bodies_limited,
    pages_follow_the_session_and_language,
    matchmaking_imports_searches_matches_and_follows_deals,
    the_talent_pool_is_searched_counted_and_deduplicated,
    a_portrait_follows_a_new_import,
    a_survey_round_goes_from_opening_to_an_approved_form,
    a_scenario_names_only_the_readers_enterprises,
    scenarios_are_saved_compared_exported_and_deleted_over_http,
    the_index_validity_is_for_analysts,
    loans_are_applied_for_answered_recorded_and_totalled,
);

/// Calls `$backend!` with every test of [`security`].
macro_rules! security_tests {
    ($backend:ident) => {
        $backend!(
            portraits_name_only_peers_the_reader_may_read,
            a_sparse_workbook_is_refused_and_the_server_goes_on,
            tokens_are_refused_by_pages_and_cannot_mint_more_than_they_are,
            catalogue_entries_cannot_be_taken_over_by_id,
            user_text_never_opens_an_attribute,
            resets_role_changes_and_disabling_end_sessions_and_tokens,
            banks_get_portraits_not_survey_records,
            the_published_tables_withhold_every_measure_of_a_suppressed_row,
            failed_logins_lock_out_one_address_with_back_off,
            lists_refuse_pages_out_of_range,
            the_language_switch_stays_on_the_site,
            deals_of_others_answer_as_missing_ones,
            reading_the_audit_log_is_audited,
            hnte_candidates_awaiting_experts_are_listed,
            no_response_names_an_enterprise_the_role_may_not_read,
            an_upload_report_lists_the_first_issues_and_counts_them_all,
        );
    };
}

/// The adversarial review's findings (issue 11), one regression test each, on both backends.
mod security_findings {
    use crate::security as suite;

    mod on_sqlite {
        use super::suite;
        macro_rules! sqlite {
            ($($name:ident),* $(,)?) => {$(
                #[test]
                fn $name() {
                    crate::runtime().block_on(async {
                        let dir = tempfile::tempdir().expect("tmp");
                        let store = kechuang_store::Store::open(dir.path().join("k.db").to_str().expect("utf8")).await.expect("open");
                        let f = crate::Fixture::start(store).await;
                        suite::$name(&f).await;
                        f.stop().await;
                    });
                }
            )*};
        }
        security_tests!(sqlite);
    }

    mod on_postgres {
        use super::suite;
        macro_rules! postgres {
            ($($name:ident),* $(,)?) => {$(
                #[test]
                #[ignore = "needs KECHUANG_TEST_POSTGRES_URL; .ci/run starts a PostgreSQL cluster and runs these"]
                fn $name() {
                    crate::runtime().block_on(async {
                        let (store, db) = crate::postgres(stringify!($name)).await;
                        let f = crate::Fixture::start(store).await;
                        suite::$name(&f).await;
                        f.store.close().await;
                        f.stop().await;
                        crate::drop_postgres(&db).await;
                    });
                }
            )*};
        }
        security_tests!(postgres);
    }
}

#[test]
#[ignore = "needs chromium and chromedriver (Debian: chromium chromium-driver); .ci/run installs them and runs this"]
fn browser_journey_of_a_survey_round_in_headless_chromium() {
    runtime().block_on(async {
        let dir = tempfile::tempdir().expect("tmp");
        let store = Store::open(dir.path().join("k.db").to_str().expect("utf8"))
            .await
            .expect("open");
        let f = Fixture::start(store).await;
        browser_rounds::rounds_journey(&f).await;
        f.stop().await;
    });
}

#[test]
#[ignore = "needs chromium and chromedriver (Debian: chromium chromium-driver); .ci/run installs them and runs this"]
fn every_page_for_every_role_in_both_languages_at_desk_and_phone_width() {
    runtime().block_on(async {
        let dir = tempfile::tempdir().expect("tmp");
        let store = Store::open(dir.path().join("k.db").to_str().expect("utf8"))
            .await
            .expect("open");
        let f = Fixture::start(store).await;
        browser_tour::tour(&f).await;
        f.stop().await;
    });
}

#[test]
#[ignore = "needs chromium and chromedriver (Debian: chromium chromium-driver); .ci/run installs them and runs this"]
fn browser_journey_of_policy_what_if_in_headless_chromium() {
    runtime().block_on(async {
        let dir = tempfile::tempdir().expect("tmp");
        let store = Store::open(dir.path().join("k.db").to_str().expect("utf8"))
            .await
            .expect("open");
        let f = Fixture::start(store).await;
        browser_whatif::whatif_journey(&f).await;
        f.stop().await;
    });
}

#[test]
#[ignore = "needs chromium and chromedriver (Debian: chromium chromium-driver); .ci/run installs them and runs this"]
fn browser_journey_in_headless_chromium() {
    runtime().block_on(async {
        let dir = tempfile::tempdir().expect("tmp");
        let store = Store::open(dir.path().join("k.db").to_str().expect("utf8"))
            .await
            .expect("open");
        let f = Fixture::start(store).await;
        browser::journey(&f).await;
        f.stop().await;
    });
}
