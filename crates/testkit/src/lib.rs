//! Test support: a throwaway PostgreSQL database per test, for the suites that run on SQLite and
//! on PostgreSQL. The server is `KECHUANG_TEST_POSTGRES_URL` (an administrative URL; `.ci/run` starts
//! a cluster and sets it). Helpers panic on failure: they are for tests only.
#![allow(clippy::unwrap_used)]

/// The administrative URL the tests were given.
pub fn admin_url() -> String {
    std::env::var("KECHUANG_TEST_POSTGRES_URL")
        .expect("KECHUANG_TEST_POSTGRES_URL: tests needing PostgreSQL are run with it set")
}

async fn admin() -> sqlx::PgPool {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&admin_url())
        .await
        .expect("connect to the test PostgreSQL server")
}

/// Creates an empty database `{prefix}_{pid}_{test}` (dropping a leftover of that name) and returns
/// its URL and name.
pub async fn create_database(prefix: &str, test: &str) -> (String, String) {
    let name = format!("{prefix}_{}_{test}", std::process::id());
    let admin = admin().await;
    for sql in [
        format!("DROP DATABASE IF EXISTS {name}"),
        format!("CREATE DATABASE {name}"),
    ] {
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&admin)
            .await
            .expect("create the test database");
    }
    admin.close().await;
    let url = admin_url();
    let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
    (format!("{base}/{name}"), name)
}

/// Drops a database made by [`create_database`], closing whatever is still connected.
pub async fn drop_database(name: &str) {
    let admin = admin().await;
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&admin)
    .await
    .expect("drop the test database");
    admin.close().await;
}
