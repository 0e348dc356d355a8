//! Accounts, sessions, API tokens, banks' consents and the audit log: the web service's state,
//! kept in the database so that several server instances can share it.
//!
//! The store keeps what it is given: password hashes, hashes of session and token secrets, role
//! names. What they mean (argon2, who may read what) is the server's business.

use std::collections::HashMap;

use sqlx::Row;

use crate::audit_actions::AuditAction;
use crate::{Backend, Error, Result, Store, now};

/// A stored account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Login name.
    pub name: String,
    /// Name shown on pages.
    pub display_name: String,
    /// The password's PHC string (argon2).
    pub password_hash: String,
    /// Role name.
    pub role: String,
    /// What the role is limited to (districts and parks, a credit code, a bank), comma-separated.
    pub scope: String,
    /// A disabled account cannot log in, and its sessions and tokens stop working.
    pub disabled: bool,
    /// When it was created.
    pub created_at: String,
}

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name.
    pub name: String,
    /// Name shown on pages.
    pub display_name: String,
    /// The password's PHC string.
    pub password_hash: String,
    /// Role name.
    pub role: String,
    /// Scope, comma-separated.
    pub scope: String,
}

/// A stored API token (its secret is never stored, only a hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Id.
    pub id: i64,
    /// Owner.
    pub user_id: i64,
    /// What the token is for.
    pub label: String,
    /// Scopes, comma-separated.
    pub scopes: String,
    /// When it was created.
    pub created_at: String,
    /// When it was revoked.
    pub revoked_at: Option<String>,
}

/// 征信授权: an enterprise's consent to one bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consent {
    /// Id.
    pub id: i64,
    /// The enterprise.
    pub credit_code: String,
    /// The bank.
    pub bank: String,
    /// Who granted it.
    pub granted_by: String,
    /// When.
    pub granted_at: String,
    /// Who revoked it.
    pub revoked_by: Option<String>,
    /// When it was revoked.
    pub revoked_at: Option<String>,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// When (RFC 3339).
    pub at: String,
    /// Who (a login name, or `-` before login).
    pub user_name: String,
    /// What: an [`AuditAction`]'s name (kept as text, so that lines written by an older version
    /// with an action since renamed still read).
    pub action: String,
    /// On what, e.g. a credit code.
    pub target: String,
    /// From where (the client's address).
    pub remote: String,
    /// `ok`, `denied`, or an error's kind.
    pub outcome: String,
}

impl AuditEntry {
    /// A line stamped now (milliseconds, UTC).
    pub fn now(user: &str, action: AuditAction, target: &str, remote: &str, outcome: &str) -> Self {
        AuditEntry {
            at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            user_name: user.into(),
            action: action.as_str().into(),
            target: target.into(),
            remote: remote.into(),
            outcome: outcome.into(),
        }
    }
}

/// Filters, order and page of the ranking table.
#[derive(Debug, Clone, Default)]
pub struct RankingQuery {
    /// The build.
    pub build_id: i64,
    /// The year.
    pub year: i32,
    /// Only these districts or parks (for a district officer); `None` for all.
    pub areas: Option<(Vec<String>, Vec<String>)>,
    /// Only these enterprises (a bank's consents, an enterprise itself); `None` for all.
    pub credit_codes: Option<Vec<String>>,
    /// District (region code).
    pub region_code: Option<String>,
    /// Industry code prefix (a section letter, a division…).
    pub industry: Option<String>,
    /// High-tech field.
    pub tech_field: Option<String>,
    /// Incubation stage.
    pub stage: Option<String>,
    /// Text in the name or credit code.
    pub text: Option<String>,
    /// `rank`, `score`, `name` or `credit_code`.
    pub sort: String,
    /// Descending.
    pub descending: bool,
    /// Page size.
    pub limit: i64,
    /// Rows to skip.
    pub offset: i64,
}

/// One row of the ranking table.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RankingRow {
    /// Enterprise.
    pub credit_code: String,
    /// Name.
    pub name: String,
    /// District.
    pub region_code: String,
    /// Park.
    pub park: Option<String>,
    /// Industry.
    pub industry_code: String,
    /// High-tech field.
    pub tech_field: Option<String>,
    /// Incubation stage.
    pub incubation_stage: Option<String>,
    /// Index score.
    pub score: Option<f64>,
    /// Rank within the year.
    pub rank: Option<i64>,
}

macro_rules! user_row {
    ($r:expr, $at:expr) => {{
        let r = $r;
        let at: usize = $at;
        Ok::<User, Error>(User {
            id: r.try_get(at)?,
            name: r.try_get(at + 1)?,
            display_name: r.try_get(at + 2)?,
            password_hash: r.try_get(at + 3)?,
            role: r.try_get(at + 4)?,
            scope: r.try_get(at + 5)?,
            disabled: r.try_get::<i32, _>(at + 6)? != 0,
            created_at: r.try_get(at + 7)?,
        })
    }};
}

/// Ends every session and revokes every token of the account `$name`, inside transaction `$tx`.
macro_rules! end_credentials {
    ($tx:ident, $name:expr) => {
        sqlx::query("DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE name = $1)")
            .bind($name)
            .execute(&mut *$tx)
            .await?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE revoked_at IS NULL AND user_id IN (SELECT id FROM users WHERE name = $2)",
        )
        .bind(now())
        .bind($name)
        .execute(&mut *$tx)
        .await?;
    };
}

const USER_COLUMNS: &str =
    "u.id, u.name, u.display_name, u.password_hash, u.role, u.scope, u.disabled, u.created_at";

macro_rules! consent_row {
    ($r:expr) => {{
        let r = $r;
        Ok::<Consent, Error>(Consent {
            id: r.try_get(0)?,
            credit_code: r.try_get(1)?,
            bank: r.try_get(2)?,
            granted_by: r.try_get(3)?,
            granted_at: r.try_get(4)?,
            revoked_by: r.try_get(5)?,
            revoked_at: r.try_get(6)?,
        })
    }};
}

/// `$1, $2, …` from `first`, `n` of them.
fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Store {
    /// Creates an account; a taken name is [`Error::Exists`].
    pub async fn create_user(&self, user: &NewUser) -> Result<i64> {
        if self.user_by_name(&user.name).await?.is_some() {
            return Err(Error::Exists(format!("user '{}'", user.name)));
        }
        with_pool!(self, pool => {
            let row = sqlx::query(
                "INSERT INTO users (name, display_name, password_hash, role, scope, disabled, created_at) VALUES ($1, $2, $3, $4, $5, 0, $6) RETURNING id",
            )
            .bind(&user.name)
            .bind(&user.display_name)
            .bind(&user.password_hash)
            .bind(&user.role)
            .bind(&user.scope)
            .bind(now())
            .fetch_one(pool)
            .await?;
            Ok(row.try_get(0)?)
        })
    }

    /// The account with this login name.
    pub async fn user_by_name(&self, name: &str) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.name = $1");
        with_pool!(self, pool => {
            match sqlx::query(sqlx::AssertSqlSafe(sql)).bind(name).fetch_optional(pool).await? {
                Some(r) => Ok(Some(user_row!(r, 0)?)),
                None => Ok(None),
            }
        })
    }

    /// Every account, by name.
    pub async fn users(&self) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u ORDER BY u.name");
        with_pool!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?;
            rows.iter().map(|r| user_row!(r, 0)).collect()
        })
    }

    /// Replaces an account's password hash and ends every session and token of the account (a
    /// reset is what an administrator does when a credential may have leaked). `false` if there
    /// is no such account.
    pub async fn set_password(&self, name: &str, password_hash: &str) -> Result<bool> {
        self.change_account(name, "password_hash = $1", &[password_hash], true)
            .await
    }

    /// Disables or enables an account; disabling also ends its sessions and revokes its tokens
    /// (enabling it again does not bring them back). `false` if there is no such account.
    pub async fn set_disabled(&self, name: &str, disabled: bool) -> Result<bool> {
        let set = if disabled {
            "disabled = 1"
        } else {
            "disabled = 0"
        };
        self.change_account(name, set, &[], disabled).await
    }

    /// Changes an account's role and scope and ends its sessions and tokens, which were issued
    /// for the old rights. `false` if there is no such account.
    pub async fn set_role(&self, name: &str, role: &str, scope: &str) -> Result<bool> {
        self.change_account(name, "role = $1, scope = $2", &[role, scope], true)
            .await
    }

    /// `UPDATE users SET {set}` for the account `name` (bound after `values`), and, when
    /// `end_credentials`, its sessions ended and tokens revoked, in one transaction.
    async fn change_account(
        &self,
        name: &str,
        set: &'static str,
        values: &[&str],
        end_credentials: bool,
    ) -> Result<bool> {
        let sql = format!("UPDATE users SET {set} WHERE name = ${}", values.len() + 1);
        with_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let mut update = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for v in values {
                update = update.bind(*v);
            }
            let done = update.bind(name).execute(&mut *tx).await?;
            if end_credentials {
                end_credentials!(tx, name);
            }
            tx.commit().await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Records a session (by the hash of its secret).
    pub async fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf: &str,
        expires_at: &str,
    ) -> Result<()> {
        with_pool!(self, pool => {
            sqlx::query("INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(token_hash)
                .bind(user_id)
                .bind(csrf)
                .bind(now())
                .bind(expires_at)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// The account and CSRF token of a live session of an enabled account.
    pub async fn session(&self, token_hash: &str) -> Result<Option<(User, String)>> {
        let sql = format!(
            "SELECT s.csrf, {USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0"
        );
        with_pool!(self, pool => {
            match sqlx::query(sqlx::AssertSqlSafe(sql)).bind(token_hash).bind(now()).fetch_optional(pool).await? {
                Some(r) => Ok(Some((user_row!(&r, 1)?, r.try_get(0)?))),
                None => Ok(None),
            }
        })
    }

    /// Ends a session, and every expired one.
    pub async fn end_session(&self, token_hash: &str) -> Result<()> {
        with_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1 OR expires_at <= $2")
                .bind(token_hash)
                .bind(now())
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Records an API token (by the hash of its secret); returns its id.
    pub async fn create_token(
        &self,
        user_id: i64,
        label: &str,
        token_hash: &str,
        scopes: &str,
    ) -> Result<i64> {
        with_pool!(self, pool => {
            let row = sqlx::query("INSERT INTO api_tokens (user_id, label, token_hash, scopes, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
                .bind(user_id)
                .bind(label)
                .bind(token_hash)
                .bind(scopes)
                .bind(now())
                .fetch_one(pool)
                .await?;
            Ok(row.try_get(0)?)
        })
    }

    /// The account and scopes of an unrevoked token of an enabled account.
    pub async fn token(&self, token_hash: &str) -> Result<Option<(User, String)>> {
        let sql = format!(
            "SELECT t.scopes, {USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled = 0"
        );
        with_pool!(self, pool => {
            match sqlx::query(sqlx::AssertSqlSafe(sql)).bind(token_hash).fetch_optional(pool).await? {
                Some(r) => Ok(Some((user_row!(&r, 1)?, r.try_get(0)?))),
                None => Ok(None),
            }
        })
    }

    /// Tokens, newest first; only one account's when `user_id` is given.
    pub async fn tokens(&self, user_id: Option<i64>) -> Result<Vec<Token>> {
        with_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT id, user_id, label, scopes, created_at, revoked_at FROM api_tokens WHERE ($1 IS NULL OR user_id = $1) ORDER BY id DESC",
            )
            .bind(user_id)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|r| Ok(Token {
                    id: r.try_get(0)?,
                    user_id: r.try_get(1)?,
                    label: r.try_get(2)?,
                    scopes: r.try_get(3)?,
                    created_at: r.try_get(4)?,
                    revoked_at: r.try_get(5)?,
                }))
                .collect()
        })
    }

    /// Revokes a token; `false` if there is no such live token (of `user_id`, when given).
    pub async fn revoke_token(&self, id: i64, user_id: Option<i64>) -> Result<bool> {
        with_pool!(self, pool => {
            let done = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL AND ($3 IS NULL OR user_id = $3)")
                .bind(now())
                .bind(id)
                .bind(user_id)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Records an enterprise's consent to a bank; an existing live consent is kept as it is.
    pub async fn grant_consent(&self, credit_code: &str, bank: &str, by: &str) -> Result<()> {
        if self.has_consent(credit_code, bank).await? {
            return Ok(());
        }
        with_pool!(self, pool => {
            sqlx::query("INSERT INTO consents (credit_code, bank, granted_by, granted_at) VALUES ($1, $2, $3, $4)")
                .bind(credit_code)
                .bind(bank)
                .bind(by)
                .bind(now())
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Revokes a live consent (kept, with who revoked it and when); `false` if there was none.
    pub async fn revoke_consent(&self, credit_code: &str, bank: &str, by: &str) -> Result<bool> {
        with_pool!(self, pool => {
            let done = sqlx::query("UPDATE consents SET revoked_by = $1, revoked_at = $2 WHERE credit_code = $3 AND bank = $4 AND revoked_at IS NULL")
                .bind(by)
                .bind(now())
                .bind(credit_code)
                .bind(bank)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() > 0)
        })
    }

    /// Whether the enterprise's consent to the bank is live.
    pub async fn has_consent(&self, credit_code: &str, bank: &str) -> Result<bool> {
        with_pool!(self, pool => {
            let row = sqlx::query("SELECT COUNT(*) FROM consents WHERE credit_code = $1 AND bank = $2 AND revoked_at IS NULL")
                .bind(credit_code)
                .bind(bank)
                .fetch_one(pool)
                .await?;
            Ok(row.try_get::<i64, _>(0)? > 0)
        })
    }

    /// Consents, live and revoked, newest first; filtered by enterprise and/or bank.
    pub async fn consents(
        &self,
        credit_code: Option<&str>,
        bank: Option<&str>,
    ) -> Result<Vec<Consent>> {
        with_pool!(self, pool => {
            let rows = sqlx::query(
                "SELECT id, credit_code, bank, granted_by, granted_at, revoked_by, revoked_at FROM consents \
                 WHERE ($1 IS NULL OR credit_code = $1) AND ($2 IS NULL OR bank = $2) ORDER BY id DESC",
            )
            .bind(credit_code)
            .bind(bank)
            .fetch_all(pool)
            .await?;
            rows.iter().map(|r| consent_row!(r)).collect()
        })
    }

    /// Appends lines to the audit log, in one statement.
    pub async fn append_audit(&self, entries: &[AuditEntry]) -> Result<()> {
        for chunk in entries.chunks(500) {
            // `?` for SQLite: its driver finds each `$N` by searching every parameter's name,
            // which for 3,000 parameters was a sixth of a loaded server's time.
            let sql = format!(
                "INSERT INTO audit_log (at, user_name, action, target, remote, outcome) VALUES {}",
                crate::schema::placeholders(self.dialect(), chunk.len(), 6)
            );
            with_pool!(self, pool => {
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for e in chunk {
                    q = q.bind(&e.at).bind(&e.user_name).bind(&e.action).bind(&e.target).bind(&e.remote).bind(&e.outcome);
                }
                q.execute(pool).await?;
            });
        }
        Ok(())
    }

    /// The audit log, newest first, optionally of one user; with the number of matching lines.
    pub async fn audit_log(
        &self,
        user_name: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<(i64, Vec<AuditEntry>)> {
        with_pool!(self, pool => {
            let total: i64 = sqlx::query("SELECT COUNT(*) FROM audit_log WHERE ($1 IS NULL OR user_name = $1)")
                .bind(user_name)
                .fetch_one(pool)
                .await?
                .try_get(0)?;
            let rows = sqlx::query(
                "SELECT at, user_name, action, target, remote, outcome FROM audit_log WHERE ($1 IS NULL OR user_name = $1) ORDER BY id DESC LIMIT $2 OFFSET $3",
            )
            .bind(user_name)
            .bind(limit)
            .bind(offset)
            .fetch_all(pool)
            .await?;
            let entries = rows.iter()
                .map(|r| Ok(AuditEntry {
                    at: r.try_get(0)?,
                    user_name: r.try_get(1)?,
                    action: r.try_get(2)?,
                    target: r.try_get(3)?,
                    remote: r.try_get(4)?,
                    outcome: r.try_get(5)?,
                }))
                .collect::<Result<Vec<_>>>()?;
            Ok((total, entries))
        })
    }

    /// How many logins of account `target` failed since `since` (RFC 3339), counted across every
    /// server instance. The action is written into the statement, so that the partial index of
    /// failed logins serves it (a bound parameter would not prove the index's condition).
    pub async fn failed_logins_since(&self, target: &str, since: &str) -> Result<i64> {
        with_pool!(self, pool => {
            let row = sqlx::query(concat!("SELECT COUNT(*) FROM audit_log WHERE action = '", login_failed!(), "' AND target = $1 AND at > $2"))
                .bind(target)
                .bind(since)
                .fetch_one(pool)
                .await?;
            Ok(row.try_get(0)?)
        })
    }

    /// How many logins of account `target` from `remote` failed since `since` (RFC 3339), and
    /// when the last one did: for throttling with back-off, across every server instance.
    pub async fn failed_logins_from(
        &self,
        target: &str,
        remote: &str,
        since: &str,
    ) -> Result<(i64, Option<String>)> {
        with_pool!(self, pool => {
            let row = sqlx::query(concat!("SELECT COUNT(*), MAX(at) FROM audit_log WHERE action = '", login_failed!(), "' AND target = $1 AND remote = $2 AND at > $3"))
                .bind(target)
                .bind(remote)
                .bind(since)
                .fetch_one(pool)
                .await?;
            Ok((row.try_get(0)?, row.try_get(1)?))
        })
    }

    /// The district and park of an enterprise in its latest survey year: what access is decided on.
    pub async fn enterprise_area(
        &self,
        credit_code: &str,
    ) -> Result<Option<(String, Option<String>)>> {
        Ok(self
            .enterprise_areas(&[credit_code])
            .await?
            .remove(credit_code))
    }

    /// [`Store::enterprise_area`] of several enterprises in one query (those without survey data
    /// are absent).
    pub async fn enterprise_areas(
        &self,
        credit_codes: &[&str],
    ) -> Result<HashMap<String, (String, Option<String>)>> {
        if credit_codes.is_empty() {
            return Ok(HashMap::new());
        }
        let sql = format!(
            "SELECT credit_code, region_code, park FROM survey_records WHERE credit_code IN ({}) ORDER BY year",
            placeholders(1, credit_codes.len())
        );
        with_pool!(self, pool => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for c in credit_codes {
                q = q.bind(*c);
            }
            let mut out = HashMap::new();
            // Ordered by year: the latest year's area is the one kept.
            for r in q.fetch_all(pool).await? {
                out.insert(r.try_get(0)?, (r.try_get(1)?, r.try_get(2)?));
            }
            Ok(out)
        })
    }

    /// Which of these enterprises have a live consent for `bank`, in one query.
    pub async fn consented_among(
        &self,
        credit_codes: &[&str],
        bank: &str,
    ) -> Result<std::collections::HashSet<String>> {
        if credit_codes.is_empty() {
            return Ok(Default::default());
        }
        let sql = format!(
            "SELECT DISTINCT credit_code FROM consents WHERE bank = $1 AND revoked_at IS NULL AND credit_code IN ({})",
            placeholders(2, credit_codes.len())
        );
        with_pool!(self, pool => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str())).bind(bank);
            for c in credit_codes {
                q = q.bind(*c);
            }
            q.fetch_all(pool)
                .await?
                .iter()
                .map(|r| Ok(r.try_get(0)?))
                .collect()
        })
    }

    /// Every enterprise's score in a build and year (for distributions and trends).
    pub async fn scores(&self, build_id: i64, year: i32) -> Result<Vec<(String, Option<f64>)>> {
        with_pool!(self, pool => {
            let rows = sqlx::query("SELECT credit_code, score FROM index_results WHERE build_id = $1 AND year = $2")
                .bind(build_id)
                .bind(year)
                .fetch_all(pool)
                .await?;
            rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
        })
    }

    /// Whether the database answers (readiness).
    pub async fn ping(&self) -> Result<()> {
        with_pool!(self, pool => {
            sqlx::query("SELECT 1").execute(pool).await?;
            Ok(())
        })
    }

    /// The id of the latest import batch (0 when none): a cheap key for caches of survey data.
    pub async fn latest_batch(&self) -> Result<i64> {
        with_pool!(self, pool => {
            let row = sqlx::query("SELECT COALESCE(MAX(id), 0) FROM import_batches").fetch_one(pool).await?;
            Ok(row.try_get::<i64, _>(0)?)
        })
    }

    /// A page of a build's ranking table, with the number of rows matching the filters.
    pub async fn ranking(&self, q: &RankingQuery) -> Result<(i64, Vec<RankingRow>)> {
        let mut conditions = vec!["r.build_id = $1".to_string(), "r.year = $2".to_string()];
        let mut binds: Vec<String> = Vec::new();
        let next = |binds: &mut Vec<String>, v: String| {
            binds.push(v);
            format!("${}", binds.len() + 2)
        };
        if let Some((regions, parks)) = &q.areas {
            let mut any = Vec::new();
            if !regions.is_empty() {
                let p: Vec<String> = regions
                    .iter()
                    .map(|v| next(&mut binds, v.clone()))
                    .collect();
                any.push(format!("s.region_code IN ({})", p.join(", ")));
            }
            if !parks.is_empty() {
                let p: Vec<String> = parks.iter().map(|v| next(&mut binds, v.clone())).collect();
                any.push(format!("s.park IN ({})", p.join(", ")));
            }
            if any.is_empty() {
                any.push("1 = 0".into());
            }
            conditions.push(format!("({})", any.join(" OR ")));
        }
        if let Some(codes) = &q.credit_codes {
            if codes.is_empty() {
                conditions.push("1 = 0".into());
            } else {
                let p: Vec<String> = codes.iter().map(|v| next(&mut binds, v.clone())).collect();
                conditions.push(format!("r.credit_code IN ({})", p.join(", ")));
            }
        }
        if let Some(v) = &q.region_code {
            conditions.push(format!("s.region_code = {}", next(&mut binds, v.clone())));
        }
        if let Some(v) = &q.industry {
            conditions.push(format!(
                "s.industry_code LIKE {}",
                next(&mut binds, format!("{v}%"))
            ));
        }
        if let Some(v) = &q.tech_field {
            conditions.push(format!("s.tech_field = {}", next(&mut binds, v.clone())));
        }
        if let Some(v) = &q.stage {
            conditions.push(format!(
                "s.incubation_stage = {}",
                next(&mut binds, v.clone())
            ));
        }
        if let Some(v) = &q.text {
            let a = next(&mut binds, format!("%{v}%"));
            let b = next(&mut binds, format!("%{}%", v.to_ascii_uppercase()));
            conditions.push(format!("(s.name LIKE {a} OR r.credit_code LIKE {b})"));
        }
        // Ranks are the year's scores in order (ties share a rank, unscored have neither), so a
        // sort by score is a sort by rank the other way round, along the rank index.
        let (column, descending) = match q.sort.as_str() {
            "score" => ("r.rank", !q.descending),
            "name" => ("s.name", q.descending),
            "credit_code" => ("r.credit_code", q.descending),
            _ => ("r.rank", q.descending),
        };
        let direction = if descending { "DESC" } else { "ASC" };
        // `NULLS LAST` (both dialects) rather than a CASE expression: SQLite then walks the rank
        // index instead of sorting the year (0 ms instead of 300 ms at 100,000 enterprises).
        let from = format!(
            "FROM index_results r JOIN survey_records s ON s.credit_code = r.credit_code AND s.year = r.year WHERE {}",
            conditions.join(" AND ")
        );
        let count_sql = format!("SELECT COUNT(*) {from}");
        let page_sql = format!(
            "SELECT r.credit_code, s.name, s.region_code, s.park, s.industry_code, s.tech_field, s.incubation_stage, r.score, r.rank {from} \
             ORDER BY {column} {direction} NULLS LAST, r.credit_code LIMIT {} OFFSET {}",
            q.limit.clamp(0, 1_000_000),
            q.offset.max(0)
        );
        with_pool!(self, pool => {
            let mut count = sqlx::query(sqlx::AssertSqlSafe(count_sql)).bind(q.build_id).bind(q.year);
            let mut page = sqlx::query(sqlx::AssertSqlSafe(page_sql)).bind(q.build_id).bind(q.year);
            for b in &binds {
                count = count.bind(b);
                page = page.bind(b);
            }
            let total: i64 = count.fetch_one(pool).await?.try_get(0)?;
            let rows = page.fetch_all(pool).await?;
            let rows = rows.iter()
                .map(|r| Ok(RankingRow {
                    credit_code: r.try_get(0)?,
                    name: r.try_get(1)?,
                    region_code: r.try_get(2)?,
                    park: r.try_get(3)?,
                    industry_code: r.try_get(4)?,
                    tech_field: r.try_get(5)?,
                    incubation_stage: r.try_get(6)?,
                    score: r.try_get(7)?,
                    rank: r.try_get::<Option<i32>, _>(8)?.map(i64::from),
                }))
                .collect::<Result<Vec<_>>>()?;
            Ok((total, rows))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{AuditAction, placeholders};

    #[test]
    fn audit_actions_have_distinct_names_that_read_back() {
        let mut names: Vec<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
        for a in AuditAction::ALL {
            assert_eq!(a.as_str().parse::<AuditAction>(), Ok(a));
        }
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), AuditAction::ALL.len());
        // The partial index of failed logins names the same action as the enum.
        for migration in [
            include_str!("../migrations/sqlite/0005_audit_index.sql"),
            include_str!("../migrations/postgres/0005_audit_index.sql"),
        ] {
            assert!(migration.contains(&format!("'{}'", AuditAction::LoginFailed)));
        }
    }

    #[test]
    fn placeholders_are_numbered_from_first() {
        assert_eq!(placeholders(3, 3), "$3, $4, $5");
        assert_eq!(placeholders(1, 0), "");
    }
}
