//! Persistence of kechuang's survey data, import batches and index results, in SQLite (embedded, the
//! default) or PostgreSQL (multi-user deployments), from one code base.
//!
//! [`Store::open`] takes a SQLite file path or a `postgres://` URL and applies the migrations of that
//! dialect (`migrations/sqlite`, `migrations/postgres`: the same versions, written once per dialect).
//! Every statement is written once: the [`with_pool!`] macro expands the same code for each backend's
//! concrete types, so the two cannot drift, and the same test suite runs on both.
//!
//! - [`Store::import`]: one transaction per file — all rows or none; a re-imported (credit code, year)
//!   replaces the stored row and keeps the previous version in `survey_history`.
//! - [`Store::load_year`] / [`Store::load_years`]: records for the engine.
//! - [`Store::save_build`] / [`Store::results`]: index results stored for the pages to read.
//! - Accounts, sessions, API tokens, banks' consents and the audit log of the web service
//!   ([`Store::create_user`], [`Store::session`], [`Store::ranking`] …).
#![warn(missing_docs)]

mod bulk;
mod error;
mod records;
pub mod schema;

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use kechuang_domain::SurveyRecord;
use rayon::prelude::*;
use serde_json::Value;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{AssertSqlSafe, Row};

pub use error::{Error, Result};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// The PostgreSQL advisory lock an import holds for its transaction ("kcimport" in ASCII).
const IMPORT_LOCK: i64 = 0x6b63_696d_706f_7274;

enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same code against whichever pool the store has; `$pool` is bound to the concrete pool.
macro_rules! with_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.backend {
            Backend::Sqlite($pool) => $body,
            Backend::Postgres($pool) => $body,
        }
    };
}

/// Decodes a row of `SELECT credit_code, year, score, rank, packed, scores_json, values_json,
/// facts_json` (the JSON only of rows written before migration 0012).
macro_rules! result_row {
    ($r:expr) => {{
        let r = $r;
        let detail = match r.try_get::<Option<Vec<u8>>, _>(4)? {
            Some(bytes) => ResultDetail::Packed(bytes),
            None => ResultDetail::Json {
                scores: r.try_get::<Option<String>, _>(5)?.unwrap_or_default(),
                values: r.try_get::<Option<String>, _>(6)?.unwrap_or_default(),
                facts: r.try_get::<Option<String>, _>(7)?.unwrap_or_default(),
            },
        };
        Ok::<ResultRow, Error>(ResultRow {
            credit_code: r.try_get(0)?,
            year: r.try_get(1)?,
            score: r.try_get(2)?,
            rank: r.try_get::<Option<i32>, _>(3)?.map(i64::from),
            detail,
        })
    }};
}

#[macro_use]
mod audit_actions;
pub use audit_actions::AuditAction;
mod accounts;
mod catalogue;
mod finance;
mod rounds;
mod scenarios;
pub use accounts::{AuditEntry, Consent, NewUser, RankingQuery, RankingRow, Token, User};
pub use catalogue::{CatalogueEntry, Deal, MergeEntry, Message, Publisher};
pub use finance::{Loan, LoanApplication};
pub use rounds::{Filing, FilingChange, FilingEvent, Round, RoundMember, SourceValue};
pub use scenarios::{NewScenario, SavedScenario};

/// Who imported a file, and what it was.
#[derive(Debug, Clone)]
pub struct BatchMeta {
    /// The file's name.
    pub file_name: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// The user who imported it.
    pub user_name: String,
    /// Warnings accepted with it.
    pub warnings: usize,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportSummary {
    /// The batch's id.
    pub batch_id: i64,
    /// Rows new to the store.
    pub inserted: usize,
    /// Rows that replaced a different stored version (kept in history).
    pub updated: usize,
    /// Rows identical to what was stored.
    pub unchanged: usize,
}

/// A recorded import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Id.
    pub id: i64,
    /// File name.
    pub file_name: String,
    /// SHA-256 of the file.
    pub sha256: String,
    /// Rows in the file.
    pub rows_total: i64,
    /// Rows inserted.
    pub rows_inserted: i64,
    /// Rows updated.
    pub rows_updated: i64,
    /// Rows unchanged.
    pub rows_unchanged: i64,
    /// Warnings accepted.
    pub warnings: i64,
    /// When (RFC 3339).
    pub imported_at: String,
    /// By whom.
    pub user_name: String,
}

/// A replaced version of a record.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    /// The version number it had.
    pub version: i32,
    /// The batch that had written it.
    pub batch_id: i64,
    /// The batch that replaced it.
    pub replaced_by_batch: i64,
    /// The record as it was.
    pub record: SurveyRecord,
}

/// An enterprise's identity as its latest imported year gives it, and the span of its years.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnterpriseIdentity {
    /// 企业名称, of the latest year.
    pub name: String,
    /// 行政区划代码, of the latest year.
    pub region_code: String,
    /// 行业代码, of the latest year.
    pub industry_code: String,
    /// The earliest year with a record.
    pub first_year: i32,
    /// The latest year with a record.
    pub last_year: i32,
}

/// An index build to store.
#[derive(Debug, Clone)]
pub struct NewBuild {
    /// Framework id.
    pub framework_id: String,
    /// Framework version.
    pub framework_version: String,
    /// Years built.
    pub years: Vec<i32>,
    /// Who built it.
    pub user_name: String,
    /// The build manifest (JSON).
    pub manifest: Value,
    /// What the build's [`ResultDetail::Packed`] rows need to be read (the codes of their
    /// columns), as its encoder writes it; `None` for a build of JSON rows.
    pub result_codes: Option<String>,
}

/// A stored build.
#[derive(Debug, Clone, PartialEq)]
pub struct BuildInfo {
    /// Id.
    pub id: i64,
    /// Framework id.
    pub framework_id: String,
    /// Framework version.
    pub framework_version: String,
    /// The years built, ascending.
    pub years: Vec<i32>,
    /// Units scored.
    pub units: i64,
    /// When (RFC 3339).
    pub created_at: String,
    /// Who built it.
    pub user_name: String,
}

/// One enterprise-year of a build's results.
#[derive(Debug, Clone, PartialEq)]
pub struct ResultRow {
    /// Enterprise.
    pub credit_code: String,
    /// Year.
    pub year: i32,
    /// Index score.
    pub score: Option<f64>,
    /// Rank by the index within the year.
    pub rank: Option<i64>,
    /// Every node's score, each indicator's value before treatment and the facts precomputed
    /// for pages, as stored: the store moves them and never reads them (the enterprise crate
    /// encodes and decodes them).
    pub detail: ResultDetail,
}

/// What a [`ResultRow`] holds beside its score and rank, as stored.
#[derive(Debug, Clone, PartialEq)]
pub enum ResultDetail {
    /// The compact binary encoding, read with the build's [`NewBuild::result_codes`].
    Packed(Vec<u8>),
    /// Rows written before migration 0012: three JSON documents (every node's score
    /// `{code: score}`, each indicator's value `{code: value}`, the facts).
    Json {
        /// Every node's score.
        scores: String,
        /// Each indicator's value before treatment.
        values: String,
        /// The facts.
        facts: String,
    },
}

/// A build's years as stored (comma-separated, written by [`Store::save_build_rows`]); anything
/// else is an error rather than a build that seems to cover no year.
fn build_years(id: i64, text: &str) -> Result<Vec<i32>> {
    let mut years = text
        .split(',')
        .filter(|y| !y.is_empty())
        .map(|y| {
            y.trim().parse::<i32>().map_err(|e| Error::Corrupt {
                credit_code: format!("(build {id})"),
                year: 0,
                column: "index_builds.years",
                message: format!("'{text}': {e}"),
            })
        })
        .collect::<Result<Vec<i32>>>()?;
    years.sort_unstable();
    Ok(years)
}

fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Whether `location` names a PostgreSQL server (else a SQLite file).
fn is_postgres(location: &str) -> bool {
    location.starts_with("postgres://") || location.starts_with("postgresql://")
}

/// How a store is opened: see [`Store::open_bulk`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    Shared,
    Bulk,
}

/// The store.
pub struct Store {
    backend: Backend,
    /// Builds' result codes already read: a stored build never changes, and every portrait
    /// needs its build's.
    result_codes: std::sync::Mutex<std::collections::HashMap<i64, Option<String>>>,
}

impl Store {
    /// Opens (creating if needed) and migrates the store at `location`: a `postgres://` or
    /// `postgresql://` URL, or a SQLite file path (optionally `sqlite://PATH`).
    pub async fn open(location: &str) -> Result<Store> {
        Store::open_as(location, Access::Shared).await
    }

    /// [`open`](Store::open) for a command that writes much at once (a survey import, an index
    /// build). A SQLite file that no other connection has open is written with a rollback
    /// journal: in WAL mode every page is written twice (to the log, then to the file by the
    /// checkpoint), and rows appended to a table need no journal at all — a million-row build
    /// spent a third of its time copying pages for the log and checkpoint. Meanwhile another
    /// process opening the file waits for each write to commit. A file that is open elsewhere (a
    /// running server) stays in WAL mode; every ordinary open puts a file back into WAL mode.
    pub async fn open_bulk(location: &str) -> Result<Store> {
        if is_postgres(location) {
            // Nothing differs; a server that cannot be reached is not waited for twice.
            return Store::open(location).await;
        }
        // Leaving WAL mode needs the file to itself. Where SQLite cannot, it keeps WAL mode
        // (which the pool then simply uses) or refuses as busy: then the file is opened as usual.
        match Store::open_as(location, Access::Bulk).await {
            Ok(store) => Ok(store),
            Err(_) => Store::open_as(location, Access::Shared).await,
        }
    }

    async fn open_as(location: &str, access: Access) -> Result<Store> {
        let backend = if is_postgres(location) {
            let pool = PgPoolOptions::new()
                .max_connections(8)
                .connect(location)
                .await?;
            POSTGRES_MIGRATIONS.run(&pool).await?;
            Backend::Postgres(pool)
        } else {
            let path = location.strip_prefix("sqlite://").unwrap_or(location);
            if path.is_empty() {
                return Err(Error::Location(location.into()));
            }
            let (journal, synchronous) = match access {
                Access::Shared => (SqliteJournalMode::Wal, SqliteSynchronous::Normal),
                // NORMAL is safe against power loss only in WAL mode.
                Access::Bulk => (SqliteJournalMode::Truncate, SqliteSynchronous::Full),
            };
            let options = SqliteConnectOptions::from_str(&format!("sqlite://{path}"))
                .map_err(|_| Error::Location(location.into()))?
                .create_if_missing(true)
                .journal_mode(journal)
                .synchronous(synchronous)
                .foreign_keys(true)
                // Up to 64 MiB of pages per connection (SQLite's default is 2 MiB): a
                // million-row import's indexes did not fit.
                .pragma("cache_size", "-65536")
                // Statement journals in memory, not temporary files: a multi-row insert into
                // index_results copies every rank-index page it touches there first, and at a
                // million rows those writes were a tenth of a stored build's storing.
                .pragma("temp_store", "memory")
                // 16 KiB pages for a new database (SQLite's default is 4 KiB): fewer, fuller
                // B-tree pages for rows of fifty-odd columns; a tenth off a large import.
                .page_size(16384);
            let pool = SqlitePoolOptions::new()
                .max_connections(4)
                .connect_with(options)
                .await?;
            SQLITE_MIGRATIONS.run(&pool).await?;
            Backend::Sqlite(pool)
        };
        Ok(Store {
            backend,
            result_codes: Default::default(),
        })
    }

    /// The journal mode of a SQLite store (`wal`, `truncate`, …); `None` for PostgreSQL.
    pub async fn sqlite_journal_mode(&self) -> Result<Option<String>> {
        match &self.backend {
            Backend::Sqlite(pool) => Ok(Some(
                sqlx::query_scalar("PRAGMA journal_mode")
                    .fetch_one(pool)
                    .await?,
            )),
            Backend::Postgres(_) => Ok(None),
        }
    }

    /// `sqlite` or `postgres`.
    pub fn kind(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    fn dialect(&self) -> schema::Dialect {
        match self.backend {
            Backend::Sqlite(_) => schema::Dialect::Sqlite,
            Backend::Postgres(_) => schema::Dialect::Postgres,
        }
    }

    /// Closes the pool.
    pub async fn close(&self) {
        with_pool!(self, pool => pool.close().await)
    }

    /// Imports records as one batch, in one transaction: all rows or none. `progress` is called with
    /// the number of rows written so far and returns `false` to cancel (nothing is then written).
    /// The same (credit code, year) twice among `records` is refused before anything is written.
    pub async fn import(
        &self,
        meta: &BatchMeta,
        records: &[SurveyRecord],
        progress: &(dyn Fn(usize) -> bool + Sync),
    ) -> Result<ImportSummary> {
        let mut seen: foldhash::HashSet<(&str, i32)> =
            foldhash::HashSet::with_capacity_and_hasher(records.len(), Default::default());
        for r in records {
            if !seen.insert((r.credit_code.as_str(), r.year)) {
                return Err(Error::DuplicateInBatch {
                    credit_code: r.credit_code.to_string(),
                    year: r.year,
                });
            }
        }
        let dialect = self.dialect();
        with_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            if dialect == schema::Dialect::Postgres {
                // One import at a time (SQLite has one writer anyway): a second waits here, then
                // sees the first's records, enterprises and snapshot.
                sqlx::query("SELECT pg_advisory_xact_lock($1)")
                    .bind(IMPORT_LOCK)
                    .execute(&mut *tx)
                    .await?;
            }
            let batch_id: i64 = sqlx::query(
                "INSERT INTO import_batches (file_name, sha256, rows_total, rows_inserted, rows_updated, rows_unchanged, warnings, imported_at, user_name) \
                 VALUES ($1, $2, $3, 0, 0, 0, $4, $5, $6) RETURNING id",
            )
            .bind(&meta.file_name)
            .bind(&meta.sha256)
            .bind(records.len() as i64)
            .bind(meta.warnings as i64)
            .bind(now())
            .bind(&meta.user_name)
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;

            // What is stored already for the years in this file.
            let years: HashSet<i32> = records.iter().map(|r| r.year).collect();
            // By year, then by code (looked up as `&str`, without a copy of each code).
            let mut existing: HashMap<i32, foldhash::HashMap<String, (i32, String)>> = HashMap::new();
            for &y in &years {
                let rows = sqlx::query("SELECT credit_code, version, content_hash FROM survey_records WHERE year = $1")
                    .bind(y)
                    .fetch_all(&mut *tx)
                    .await?;
                let of_year = existing.entry(y).or_default();
                for row in rows {
                    of_year.insert(row.try_get(0)?, (row.try_get(1)?, row.try_get(2)?));
                }
            }
            let mut to_write: Vec<(&SurveyRecord, i32, String)> = Vec::new();
            let mut changed: Vec<&SurveyRecord> = Vec::new();
            let mut summary = ImportSummary { batch_id, inserted: 0, updated: 0, unchanged: 0 };
            // Hashed in parallel (serialising and hashing was a tenth of a million-row import).
            let hashes: Vec<String> = records.par_iter().map(records::content_hash).collect();
            for (r, hash) in records.iter().zip(hashes) {
                match existing.get(&r.year).and_then(|y| y.get(r.credit_code.as_str())) {
                    None => {
                        summary.inserted += 1;
                        to_write.push((r, 1, hash));
                    }
                    Some((_, old)) if *old == hash => summary.unchanged += 1,
                    Some((version, _)) => {
                        summary.updated += 1;
                        changed.push(r);
                        to_write.push((r, version + 1, hash));
                    }
                }
            }

            // Keep the versions about to be replaced.
            let mut by_year: HashMap<i32, Vec<&str>> = HashMap::new();
            for r in &changed {
                by_year.entry(r.year).or_default().push(r.credit_code.as_str());
            }
            for (year, codes) in by_year {
                for chunk in codes.chunks(schema::ROWS_PER_STATEMENT) {
                    let sql = schema::select_records_in(dialect, chunk.len());
                    let mut q = sqlx::query(AssertSqlSafe(sql)).bind(year);
                    for c in chunk {
                        q = q.bind(*c);
                    }
                    for row in q.fetch_all(&mut *tx).await? {
                        let (old, version, old_batch) = records::from_row!(row)?;
                        sqlx::query(
                            "INSERT INTO survey_history (credit_code, year, version, batch_id, replaced_by_batch, record_json) VALUES ($1, $2, $3, $4, $5, $6)",
                        )
                        .bind(old.credit_code.as_str())
                        .bind(old.year)
                        .bind(version)
                        .bind(old_batch)
                        .bind(batch_id)
                        .bind(serde_json::to_string(&old).unwrap_or_default())
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }

            // Enterprises: one row each, the latest year's identity.
            let mut enterprises: foldhash::HashMap<&str, (&SurveyRecord, i32, i32)> = Default::default();
            for (r, _, _) in &to_write {
                let e = enterprises.entry(r.credit_code.as_str()).or_insert((r, r.year, r.year));
                if r.year >= e.0.year {
                    e.0 = r;
                }
                e.1 = e.1.min(r.year);
                e.2 = e.2.max(r.year);
            }
            // In key order, as are the records below: B-tree inserts at random places missed the
            // page cache, and a million-row import spent most of its time there.
            let mut list: Vec<_> = enterprises.into_values().collect();
            list.par_sort_unstable_by(|a, b| a.0.credit_code.as_str().cmp(b.0.credit_code.as_str()));
            to_write.par_sort_unstable_by(|a, b| {
                (a.0.credit_code.as_str(), a.0.year).cmp(&(b.0.credit_code.as_str(), b.0.year))
            });
            bulk::BulkWrite::write_enterprises(&mut *tx, &list).await?;

            // The snapshot of every year this batch changes is rewritten from the stored one and
            // the new rows.
            let mut changed_years: Vec<i32> = to_write.iter().map(|(r, _, _)| r.year).collect();
            changed_years.sort_unstable();
            changed_years.dedup();
            let mut stored_snapshots: Vec<(i32, Vec<records::SnapshotEntry>)> = Vec::new();
            for &year in &changed_years {
                let old: Vec<Vec<u8>> = sqlx::query("SELECT data FROM survey_snapshots WHERE year = $1 ORDER BY chunk")
                    .bind(year)
                    .fetch_all(&mut *tx)
                    .await?
                    .iter()
                    .map(|r| r.try_get::<Vec<u8>, _>(0))
                    .collect::<Result<_, _>>()?;
                let mut stored: Vec<(String, Vec<u8>)> = Vec::new();
                for data in &old {
                    stored.extend(records::unpack_chunk(year, data)?);
                }
                stored_snapshots.push((year, stored));
            }

            let all_new = summary.updated == 0;
            let blobs = bulk::BulkWrite::write_records(&mut *tx, &to_write, batch_id, all_new, progress).await?;
            // The rows written are in code order, so each year's are too.
            let mut fresh: HashMap<i32, Vec<(&str, Vec<u8>)>> = HashMap::new();
            for ((r, _, _), blob) in to_write.iter().zip(blobs) {
                fresh.entry(r.year).or_default().push((r.credit_code.as_str(), blob));
            }
            let snapshots: Vec<(i32, Vec<records::PackedChunk>)> = stored_snapshots
                .iter()
                .map(|(year, stored)| {
                    let merged = records::merge_snapshot(stored, fresh.get(year).map_or(&[], Vec::as_slice));
                    let packed = merged
                        .par_chunks(schema::SNAPSHOT_CHUNK)
                        .map(|chunk| (chunk.len(), records::pack_chunk(chunk)))
                        .collect();
                    (*year, packed)
                })
                .collect();
            for (year, packed) in snapshots {
                sqlx::query("DELETE FROM survey_snapshots WHERE year = $1").bind(year).execute(&mut *tx).await?;
                for (k, (count, data)) in packed.into_iter().enumerate() {
                    sqlx::query("INSERT INTO survey_snapshots (year, chunk, records, data) VALUES ($1, $2, $3, $4)")
                        .bind(year)
                        .bind(k as i32)
                        .bind(count as i32)
                        .bind(data)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            sqlx::query("UPDATE import_batches SET rows_inserted = $1, rows_updated = $2, rows_unchanged = $3 WHERE id = $4")
                .bind(summary.inserted as i64)
                .bind(summary.updated as i64)
                .bind(summary.unchanged as i64)
                .bind(batch_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(summary)
        })
    }

    /// The years with survey data, ascending.
    pub async fn years(&self) -> Result<Vec<i32>> {
        with_pool!(self, pool => {
            let rows = sqlx::query("SELECT DISTINCT year FROM survey_records ORDER BY year").fetch_all(pool).await?;
            rows.iter().map(|r| r.try_get::<i32, _>(0).map_err(Error::from)).collect()
        })
    }

    /// The years with survey data and their numbers of records, ascending.
    pub async fn year_counts(&self) -> Result<Vec<(i32, i64)>> {
        with_pool!(self, pool => {
            let rows = sqlx::query("SELECT year, COUNT(*) FROM survey_records GROUP BY year ORDER BY year")
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|r| Ok((r.try_get::<i32, _>(0)?, r.try_get::<i64, _>(1)?)))
                .collect()
        })
    }

    /// Number of stored records.
    pub async fn count_records(&self) -> Result<i64> {
        with_pool!(self, pool => Ok(sqlx::query("SELECT COUNT(*) FROM survey_records").fetch_one(pool).await?.try_get::<i64, _>(0)?))
    }

    /// An enterprise's identity, if it has any record.
    pub async fn enterprise_identity(
        &self,
        credit_code: &str,
    ) -> Result<Option<EnterpriseIdentity>> {
        with_pool!(self, pool => {
            let row = sqlx::query("SELECT name, region_code, industry_code, first_year, last_year FROM enterprises WHERE credit_code = $1")
                .bind(credit_code)
                .fetch_optional(pool)
                .await?;
            row.map(|r| {
                Ok(EnterpriseIdentity {
                    name: r.try_get(0)?,
                    region_code: r.try_get(1)?,
                    industry_code: r.try_get(2)?,
                    first_year: r.try_get(3)?,
                    last_year: r.try_get(4)?,
                })
            })
            .transpose()
        })
    }

    /// Records (and replaced versions) whose enterprise or import batch is missing: 0 in a store
    /// written by kechuang. PostgreSQL no longer checks this per row (migration 0013), the import
    /// guarantees it; this is what a test, or an operator after editing by hand, asks.
    pub async fn records_without_enterprise_or_batch(&self) -> Result<i64> {
        with_pool!(self, pool => Ok(sqlx::query(
            "SELECT (SELECT COUNT(*) FROM survey_records s WHERE NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.credit_code = s.credit_code) \
                 OR NOT EXISTS (SELECT 1 FROM import_batches b WHERE b.id = s.batch_id)) \
             + (SELECT COUNT(*) FROM survey_history h WHERE NOT EXISTS (SELECT 1 FROM import_batches b WHERE b.id = h.replaced_by_batch))",
        )
        .fetch_one(pool)
        .await?
        .try_get::<i64, _>(0)?))
    }

    /// Every record of one year, ordered by credit code.
    pub async fn load_year(&self, year: i32) -> Result<Vec<SurveyRecord>> {
        self.load_years(&[year]).await
    }

    /// Every record of these years, ordered by year and credit code. Reads each year's snapshot
    /// chunks and decodes them in parallel: a million-row year loads in seconds.
    pub async fn load_years(&self, years: &[i32]) -> Result<Vec<SurveyRecord>> {
        let mut out = Vec::new();
        for &year in years {
            let chunks = self.snapshot_chunks(year).await?;
            let decoded: Vec<Result<Vec<SurveyRecord>>> = chunks
                .par_iter()
                .map(|data| {
                    records::unpack_chunk(year, data)?
                        .iter()
                        .map(|(code, blob)| records::decode_blob(code, year, blob))
                        .collect()
                })
                .collect();
            for chunk in decoded {
                out.extend(chunk?);
            }
        }
        Ok(out)
    }

    async fn snapshot_chunks(&self, year: i32) -> Result<Vec<Vec<u8>>> {
        with_pool!(self, pool => {
            let rows = sqlx::query("SELECT data FROM survey_snapshots WHERE year = $1 ORDER BY chunk").bind(year).fetch_all(pool).await?;
            rows.iter().map(|r| r.try_get::<Vec<u8>, _>(0).map_err(Error::from)).collect()
        })
    }

    /// One record.
    pub async fn record(&self, credit_code: &str, year: i32) -> Result<Option<SurveyRecord>> {
        let sql = format!(
            "{} WHERE credit_code = $1 AND year = $2",
            *schema::SELECT_RECORDS
        );
        with_pool!(self, pool => {
            match sqlx::query(AssertSqlSafe(sql)).bind(credit_code).bind(year).fetch_optional(pool).await? {
                None => Ok(None),
                Some(row) => Ok(Some(records::from_row!(row)?.0)),
            }
        })
    }

    /// One enterprise's records from year `from` to `to` (inclusive), oldest first.
    pub async fn records_between(
        &self,
        credit_code: &str,
        from: i32,
        to: i32,
    ) -> Result<Vec<SurveyRecord>> {
        let sql = format!(
            "{} WHERE credit_code = $1 AND year >= $2 AND year <= $3 ORDER BY year",
            *schema::SELECT_RECORDS
        );
        with_pool!(self, pool => {
            let rows = sqlx::query(AssertSqlSafe(sql)).bind(credit_code).bind(from).bind(to).fetch_all(pool).await?;
            rows.iter().map(|row| Ok(records::from_row!(row)?.0)).collect()
        })
    }

    /// The current version number of a record.
    pub async fn version(&self, credit_code: &str, year: i32) -> Result<Option<i32>> {
        with_pool!(self, pool => {
            let row = sqlx::query("SELECT version FROM survey_records WHERE credit_code = $1 AND year = $2")
                .bind(credit_code)
                .bind(year)
                .fetch_optional(pool)
                .await?;
            Ok(match row { Some(r) => Some(r.try_get(0)?), None => None })
        })
    }

    /// Replaced versions of a record, oldest first.
    pub async fn history(&self, credit_code: &str, year: i32) -> Result<Vec<HistoryEntry>> {
        with_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT version, batch_id, replaced_by_batch, record_json FROM survey_history WHERE credit_code = $1 AND year = $2 ORDER BY version",
            )
            .bind(credit_code)
            .bind(year)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    let json: String = r.try_get(3)?;
                    let record = serde_json::from_str(&json).map_err(|e| Error::Corrupt {
                        credit_code: credit_code.into(),
                        year,
                        column: "record_json",
                        message: e.to_string(),
                    })?;
                    Ok(HistoryEntry { version: r.try_get(0)?, batch_id: r.try_get(1)?, replaced_by_batch: r.try_get(2)?, record })
                })
                .collect()
        })
    }

    /// Every import batch, newest first.
    pub async fn batches(&self) -> Result<Vec<Batch>> {
        with_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT id, file_name, sha256, rows_total, rows_inserted, rows_updated, rows_unchanged, warnings, imported_at, user_name FROM import_batches ORDER BY id DESC",
            )
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(Batch {
                        id: r.try_get(0)?,
                        file_name: r.try_get(1)?,
                        sha256: r.try_get(2)?,
                        rows_total: r.try_get::<i32, _>(3)?.into(),
                        rows_inserted: r.try_get::<i32, _>(4)?.into(),
                        rows_updated: r.try_get::<i32, _>(5)?.into(),
                        rows_unchanged: r.try_get::<i32, _>(6)?.into(),
                        warnings: r.try_get::<i32, _>(7)?.into(),
                        imported_at: r.try_get(8)?,
                        user_name: r.try_get(9)?,
                    })
                })
                .collect()
        })
    }

    /// Stores an index build and its results in one transaction; returns the build's id.
    pub async fn save_build(&self, build: &NewBuild, rows: &[ResultRow]) -> Result<i64> {
        self.save_build_rows(build, rows.len(), |range| rows[range].to_vec())
            .await
    }

    /// A build's manifest.
    pub async fn build_manifest(&self, id: i64) -> Result<Option<Value>> {
        with_pool!(self, pool => {
            let row = sqlx::query("SELECT manifest_json FROM index_builds WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?;
            match row {
                Some(r) => Ok(serde_json::from_str(&r.try_get::<String, _>(0)?).ok()),
                None => Ok(None),
            }
        })
    }

    /// [`save_build`](Self::save_build) of `units` rows made a chunk at a time by
    /// `rows(range)`: a build of a million enterprises never holds every row at once, and each
    /// chunk is made while the database writes the one before.
    pub async fn save_build_rows(
        &self,
        build: &NewBuild,
        units: usize,
        rows: impl Fn(std::ops::Range<usize>) -> Vec<ResultRow> + Send + Sync,
    ) -> Result<i64> {
        const CHUNK: usize = 2000;
        let years = build
            .years
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let chunk_at =
            |start: usize| (start < units).then(|| rows(start..(start + CHUNK).min(units)));
        with_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query(
                "INSERT INTO index_builds (framework_id, framework_version, years, units, created_at, user_name, manifest_json, result_codes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(&build.framework_id)
            .bind(&build.framework_version)
            .bind(&years)
            .bind(units as i64)
            .bind(now())
            .bind(&build.user_name)
            .bind(build.manifest.to_string())
            .bind(build.result_codes.as_deref())
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
            let mut start = 0;
            let mut pending = chunk_at(0);
            while let Some(chunk) = pending.take() {
                start += chunk.len();
                let sql = schema::insert_results(self.dialect(), chunk.len());
                let mut q = sqlx::query(AssertSqlSafe(sql));
                for r in &chunk {
                    q = q.bind(id).bind(r.credit_code.as_str()).bind(r.year).bind(r.score).bind(r.rank.map(|v| v as i32));
                    q = match &r.detail {
                        ResultDetail::Packed(bytes) => q.bind(bytes.as_slice()).bind(None::<&str>).bind(None::<&str>).bind(None::<&str>),
                        ResultDetail::Json { scores, values, facts } => q.bind(None::<&[u8]>).bind(scores.as_str()).bind(values.as_str()).bind(facts.as_str()),
                    };
                }
                let (written, next) = tokio::join!(q.execute(&mut *tx), async { chunk_at(start) });
                written?;
                pending = next;
            }
            tx.commit().await?;
            Ok(id)
        })
    }

    /// What a build's packed result rows need to be read ([`NewBuild::result_codes`]); `None`
    /// for a build of JSON rows or an unknown build.
    pub async fn result_codes(&self, build_id: i64) -> Result<Option<String>> {
        let held = |codes: &mut std::collections::HashMap<i64, Option<String>>| {
            codes.get(&build_id).cloned()
        };
        if let Some(codes) = self.result_codes.lock().ok().as_deref_mut().and_then(held) {
            return Ok(codes);
        }
        let row = with_pool!(self, pool => {
            sqlx::query("SELECT result_codes FROM index_builds WHERE id = $1")
                .bind(build_id)
                .fetch_optional(pool)
                .await?
                .map(|r| r.try_get::<Option<String>, _>(0))
                .transpose()?
        });
        // Only a stored build is held (an id not yet committed may be a build tomorrow).
        if let (Some(codes), Ok(mut held)) = (&row, self.result_codes.lock()) {
            held.insert(build_id, codes.clone());
        }
        Ok(row.flatten())
    }

    /// Stored builds, newest first.
    pub async fn builds(&self) -> Result<Vec<BuildInfo>> {
        with_pool!(self, pool => {
            let rows = sqlx::query("SELECT id, framework_id, framework_version, years, units, created_at, user_name FROM index_builds ORDER BY id DESC")
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|r| {
                    let id: i64 = r.try_get(0)?;
                    let years: String = r.try_get(3)?;
                    Ok(BuildInfo {
                        id,
                        framework_id: r.try_get(1)?,
                        framework_version: r.try_get(2)?,
                        years: build_years(id, &years)?,
                        units: r.try_get::<i32, _>(4)?.into(),
                        created_at: r.try_get(5)?,
                        user_name: r.try_get(6)?,
                    })
                })
                .collect()
        })
    }

    /// One enterprise's results in a build, by year.
    pub async fn enterprise_results(
        &self,
        build_id: i64,
        credit_code: &str,
    ) -> Result<Vec<ResultRow>> {
        with_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT credit_code, year, score, rank, packed, scores_json, values_json, facts_json FROM index_results WHERE build_id = $1 AND credit_code = $2 ORDER BY year",
            )
            .bind(build_id)
            .bind(credit_code)
            .fetch_all(pool)
            .await?;
            rows.iter().map(|r| result_row!(r)).collect()
        })
    }

    /// A build's results for one year, by rank (unranked last).
    pub async fn results(&self, build_id: i64, year: i32) -> Result<Vec<ResultRow>> {
        with_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT credit_code, year, score, rank, packed, scores_json, values_json, facts_json FROM index_results WHERE build_id = $1 AND year = $2 \
                 ORDER BY CASE WHEN rank IS NULL THEN 1 ELSE 0 END, rank, credit_code",
            )
            .bind(build_id)
            .bind(year)
            .fetch_all(pool)
            .await?;
            rows.iter().map(|r| result_row!(r)).collect()
        })
    }
}

#[cfg(test)]
mod build_year_tests {
    use super::build_years;

    #[test]
    fn build_years_are_read_sorted_and_a_bad_one_is_an_error() {
        assert_eq!(
            build_years(1, "2025,2024").expect("years"),
            vec![2024, 2025]
        );
        assert_eq!(build_years(1, "").expect("none"), Vec::<i32>::new());
        let e = build_years(7, "2024,20x5")
            .expect_err("bad year")
            .to_string();
        assert!(e.contains("build 7") && e.contains("20x5"), "{e}");
    }
}
