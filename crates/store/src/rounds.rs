//! Survey rounds (调查轮次) and the forms filed in them: a round's scope (its members, each with the
//! district and park that follows it up), each enterprise's form with its status, and every step of
//! every form kept. The rules (who may do what, when) are the application layer's; here a change
//! is written only if the form is still in the state the caller saw, so two people cannot both
//! move it.

use sqlx::Row;

use crate::{Backend, Error, Result, Store, now};

/// A survey round.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Round {
    /// Id.
    pub id: i64,
    /// The survey year it asks for.
    pub year: i32,
    /// The deadline, `YYYY-MM-DD`.
    pub deadline: String,
    /// `register`, `list` or `everyone`.
    pub scope: String,
    /// `open` or `closed`.
    pub status: String,
    /// Who opened it.
    pub opened_by: String,
    /// When.
    pub opened_at: String,
    /// When it was last closed (none while open).
    pub closed_at: Option<String>,
    /// The fields it asks (keys, comma-separated; empty: every field).
    pub fields: String,
}

/// An enterprise a round asks, with the district and park that follows it up.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RoundMember {
    /// The enterprise.
    pub credit_code: String,
    /// Its district's region code (empty when not known).
    pub region_code: String,
    /// Its park, if any.
    pub park: Option<String>,
}

/// An enterprise's form in a round.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Filing {
    /// The round.
    pub round_id: i64,
    /// The enterprise.
    pub credit_code: String,
    /// `draft`, `submitted`, `returned` or `approved`.
    pub status: String,
    /// The form's values by field key, JSON.
    pub values_json: String,
    /// Who changed it last.
    pub updated_by: String,
    /// When.
    pub updated_at: String,
    /// When it was last submitted.
    pub submitted_at: Option<String>,
    /// The firm's reasons for correcting a source's value, by field key, JSON.
    pub reasons_json: String,
}

/// One step of a form.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FilingEvent {
    /// Id (in order).
    pub id: i64,
    /// `save`, `submit`, `return` or `approve`.
    pub action: String,
    /// Who.
    pub by_user: String,
    /// When.
    pub at: String,
    /// The fields concerned (a return names them), comma-separated.
    pub fields: String,
    /// A comment (a return's reason).
    pub comment: String,
}

/// A change to a form: its new state and the step that made it.
#[derive(Debug, Clone)]
pub struct FilingChange<'a> {
    /// The status the form must still have (`None`: it must not exist yet).
    pub expected: Option<&'a str>,
    /// The new status.
    pub status: &'a str,
    /// The form's values, JSON.
    pub values_json: &'a str,
    /// The reasons for corrections of source values, JSON.
    pub reasons_json: &'a str,
    /// Who.
    pub by: &'a str,
    /// The step: `save`, `submit`, `return` or `approve`.
    pub action: &'a str,
    /// The fields concerned.
    pub fields: &'a str,
    /// A comment.
    pub comment: &'a str,
}

const ROUND_COLUMNS: &str =
    "id, year, deadline, scope, status, opened_by, opened_at, closed_at, fields";
const FILING_COLUMNS: &str = "round_id, credit_code, status, values_json, updated_by, updated_at, submitted_at, reasons_json";

macro_rules! round_row {
    ($r:expr) => {{
        let r = $r;
        Ok::<Round, Error>(Round {
            id: r.try_get(0)?,
            year: r.try_get(1)?,
            deadline: r.try_get(2)?,
            scope: r.try_get(3)?,
            status: r.try_get(4)?,
            opened_by: r.try_get(5)?,
            opened_at: r.try_get(6)?,
            closed_at: r.try_get(7)?,
            fields: r.try_get(8)?,
        })
    }};
}

macro_rules! filing_row {
    ($r:expr) => {{
        let r = $r;
        Ok::<Filing, Error>(Filing {
            round_id: r.try_get(0)?,
            credit_code: r.try_get(1)?,
            status: r.try_get(2)?,
            values_json: r.try_get(3)?,
            updated_by: r.try_get(4)?,
            updated_at: r.try_get(5)?,
            submitted_at: r.try_get(6)?,
            reasons_json: r.try_get(7)?,
        })
    }};
}

impl Store {
    /// Opens a round asking `fields` (keys, comma-separated; empty: all) of its members, in one
    /// transaction; its id.
    pub async fn open_round(
        &self,
        year: i32,
        deadline: &str,
        scope: &str,
        fields: &str,
        members: &[RoundMember],
        by: &str,
    ) -> Result<i64> {
        with_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let row = sqlx::query(
                "INSERT INTO survey_rounds (year, deadline, scope, status, opened_by, opened_at, fields) \
                 VALUES ($1, $2, $3, 'open', $4, $5, $6) RETURNING id",
            )
            .bind(year)
            .bind(deadline)
            .bind(scope)
            .bind(by)
            .bind(now())
            .bind(fields)
            .fetch_one(&mut *tx)
            .await?;
            let id: i64 = row.try_get(0)?;
            for m in members {
                sqlx::query("INSERT INTO round_members (round_id, credit_code, region_code, park) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(&m.credit_code)
                    .bind(&m.region_code)
                    .bind(&m.park)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            Ok(id)
        })
    }

    /// The rounds, newest first.
    pub async fn rounds(&self) -> Result<Vec<Round>> {
        let sql = format!("SELECT {ROUND_COLUMNS} FROM survey_rounds ORDER BY id DESC");
        with_pool!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?;
            rows.iter().map(|r| round_row!(r)).collect()
        })
    }

    /// One round.
    pub async fn round(&self, id: i64) -> Result<Option<Round>> {
        let sql = format!("SELECT {ROUND_COLUMNS} FROM survey_rounds WHERE id = $1");
        with_pool!(self, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?;
            row.map(|r| round_row!(r)).transpose()
        })
    }

    /// Closes (`closed`) or reopens (`open`) a round if it is in the other state; `false` if not.
    pub async fn set_round_status(&self, id: i64, status: &str) -> Result<bool> {
        let closed_at = (status == "closed").then(now);
        with_pool!(self, pool => {
            let done = sqlx::query("UPDATE survey_rounds SET status = $1, closed_at = $2 WHERE id = $3 AND status <> $1")
                .bind(status)
                .bind(&closed_at)
                .bind(id)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// A round's members.
    pub async fn round_members(&self, id: i64) -> Result<Vec<RoundMember>> {
        with_pool!(self, pool => {
            let rows = sqlx::query("SELECT credit_code, region_code, park FROM round_members WHERE round_id = $1 ORDER BY credit_code")
                .bind(id)
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|r| {
                    Ok(RoundMember {
                        credit_code: r.try_get(0)?,
                        region_code: r.try_get(1)?,
                        park: r.try_get(2)?,
                    })
                })
                .collect()
        })
    }

    /// One member of a round, if the round asks this enterprise.
    pub async fn round_member(&self, id: i64, credit_code: &str) -> Result<Option<RoundMember>> {
        with_pool!(self, pool => {
            let row = sqlx::query("SELECT credit_code, region_code, park FROM round_members WHERE round_id = $1 AND credit_code = $2")
                .bind(id)
                .bind(credit_code)
                .fetch_optional(pool)
                .await?;
            row.map(|r| {
                Ok(RoundMember {
                    credit_code: r.try_get(0)?,
                    region_code: r.try_get(1)?,
                    park: r.try_get(2)?,
                })
            })
            .transpose()
        })
    }

    /// Adds a member (a round open to everyone who files gains one with each new form); nothing
    /// if it is one already.
    pub async fn add_round_member(&self, id: i64, m: &RoundMember) -> Result<()> {
        with_pool!(self, pool => {
            sqlx::query("INSERT INTO round_members (round_id, credit_code, region_code, park) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(&m.credit_code)
                .bind(&m.region_code)
                .bind(&m.park)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// An enterprise's form in a round.
    pub async fn filing(&self, round: i64, credit_code: &str) -> Result<Option<Filing>> {
        let sql = format!(
            "SELECT {FILING_COLUMNS} FROM filings WHERE round_id = $1 AND credit_code = $2"
        );
        with_pool!(self, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(round).bind(credit_code).fetch_optional(pool).await?;
            row.map(|r| filing_row!(r)).transpose()
        })
    }

    /// Every form of a round.
    pub async fn filings(&self, round: i64) -> Result<Vec<Filing>> {
        let sql = format!(
            "SELECT {FILING_COLUMNS} FROM filings WHERE round_id = $1 ORDER BY credit_code"
        );
        with_pool!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(round).fetch_all(pool).await?;
            rows.iter().map(|r| filing_row!(r)).collect()
        })
    }

    /// Writes a form's new state and the step that made it, in one transaction, if the form is
    /// still as the caller saw it (`change.expected`); `false` otherwise, and nothing written.
    pub async fn write_filing(
        &self,
        round: i64,
        credit_code: &str,
        change: &FilingChange<'_>,
    ) -> Result<bool> {
        let at = now();
        let submitted = (change.status == "submitted").then(|| at.clone());
        with_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let done = match change.expected {
                None => sqlx::query(
                    "INSERT INTO filings (round_id, credit_code, status, values_json, updated_by, updated_at, submitted_at, reasons_json) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
                )
                .bind(round)
                .bind(credit_code)
                .bind(change.status)
                .bind(change.values_json)
                .bind(change.by)
                .bind(&at)
                .bind(&submitted)
                .bind(change.reasons_json)
                .execute(&mut *tx)
                .await?,
                Some(expected) => sqlx::query(
                    "UPDATE filings SET status = $1, values_json = $2, updated_by = $3, updated_at = $4, \
                     submitted_at = COALESCE($5, submitted_at), reasons_json = $9 WHERE round_id = $6 AND credit_code = $7 AND status = $8",
                )
                .bind(change.status)
                .bind(change.values_json)
                .bind(change.by)
                .bind(&at)
                .bind(&submitted)
                .bind(round)
                .bind(credit_code)
                .bind(expected)
                .bind(change.reasons_json)
                .execute(&mut *tx)
                .await?,
            };
            if done.rows_affected() != 1 {
                return Ok(false);
            }
            sqlx::query(
                "INSERT INTO filing_events (round_id, credit_code, action, by_user, at, fields, comment) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(round)
            .bind(credit_code)
            .bind(change.action)
            .bind(change.by)
            .bind(&at)
            .bind(change.fields)
            .bind(change.comment)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// A form's history, oldest first.
    pub async fn filing_events(&self, round: i64, credit_code: &str) -> Result<Vec<FilingEvent>> {
        with_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT id, action, by_user, at, fields, comment FROM filing_events \
                 WHERE round_id = $1 AND credit_code = $2 ORDER BY id",
            )
            .bind(round)
            .bind(credit_code)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(FilingEvent {
                        id: r.try_get(0)?,
                        action: r.try_get(1)?,
                        by_user: r.try_get(2)?,
                        at: r.try_get(3)?,
                        fields: r.try_get(4)?,
                        comment: r.try_get(5)?,
                    })
                })
                .collect()
        })
    }
}

/// A value a source gave for an enterprise's field in a year.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SourceValue {
    /// The source: `registry`, `tax`, `patents` or `certificates`.
    pub source: String,
    /// The enterprise.
    pub credit_code: String,
    /// The survey field's key.
    pub field: String,
    /// The value as the source gave it.
    pub value: String,
    /// The import batch.
    pub batch_id: i64,
    /// Who imported it.
    pub imported_by: String,
    /// When.
    pub imported_at: String,
}

impl Store {
    /// Imports a source's values for a year as one batch, in one transaction; a value replaces the
    /// same source's earlier value of the field. Its batch id.
    pub async fn import_source(
        &self,
        source: &str,
        year: i32,
        file_name: &str,
        values: &[(String, String, String)],
        by: &str,
    ) -> Result<i64> {
        with_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let row = sqlx::query(
                "INSERT INTO source_batches (source, year, file_name, rows_total, imported_by, imported_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(source)
            .bind(year)
            .bind(file_name)
            .bind(values.len() as i64)
            .bind(by)
            .bind(now())
            .fetch_one(&mut *tx)
            .await?;
            let batch: i64 = row.try_get(0)?;
            for (code, field, value) in values {
                sqlx::query(
                    "INSERT INTO source_values (source, year, credit_code, field, value, batch_id) VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (source, year, credit_code, field) DO UPDATE SET value = excluded.value, batch_id = excluded.batch_id",
                )
                .bind(source)
                .bind(year)
                .bind(code)
                .bind(field)
                .bind(value)
                .bind(batch)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(batch)
        })
    }

    /// The latest source batch (0 before any): views that show sources' values are keyed by it.
    pub async fn latest_source_batch(&self) -> Result<i64> {
        with_pool!(self, pool => {
            let row = sqlx::query("SELECT COALESCE(MAX(id), 0) FROM source_batches")
                .fetch_one(pool)
                .await?;
            Ok(row.try_get::<i64, _>(0)?)
        })
    }

    /// The sources' values for a year: of one enterprise, or of all (`None`).
    pub async fn source_values(
        &self,
        year: i32,
        credit_code: Option<&str>,
    ) -> Result<Vec<SourceValue>> {
        with_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT v.source, v.credit_code, v.field, v.value, v.batch_id, b.imported_by, b.imported_at \
                 FROM source_values v JOIN source_batches b ON b.id = v.batch_id \
                 WHERE v.year = $1 AND ($2 IS NULL OR v.credit_code = $2) ORDER BY v.credit_code, v.field, v.source",
            )
            .bind(year)
            .bind(credit_code)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok(SourceValue {
                        source: r.try_get(0)?,
                        credit_code: r.try_get(1)?,
                        field: r.try_get(2)?,
                        value: r.try_get(3)?,
                        batch_id: r.try_get(4)?,
                        imported_by: r.try_get(5)?,
                        imported_at: r.try_get(6)?,
                    })
                })
                .collect()
        })
    }
}
