//! The matchmaking catalogue's persistence: entries as JSON by kind and id (validated by the caller
//! before they reach here), a version bumped by every change, deals on demands, and the inbox.

use sqlx::Row;

use crate::{Backend, Error, Result, Store, now};

/// A stored catalogue entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueEntry {
    /// Kind key (demand, achievement …).
    pub kind: String,
    /// Id within the kind.
    pub id: String,
    /// The entry, JSON.
    pub json: String,
    /// Who wrote it.
    pub owner: String,
}

/// A deal: a demand and a candidate, followed from match to contract.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Deal {
    /// Id.
    pub id: i64,
    /// The demand.
    pub demand_id: String,
    /// The candidate's kind.
    pub supply_kind: String,
    /// The candidate.
    pub supply_id: String,
    /// open, matched, in_contact, contract, closed.
    pub status: String,
    /// The last note.
    pub note: String,
    /// Who opened it.
    pub created_by: String,
    /// Who changed it last.
    pub updated_by: String,
    /// When.
    pub updated_at: String,
}

/// A message of the in-app inbox.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Message {
    /// Id.
    pub id: i64,
    /// Text.
    pub message: String,
    /// Where it points (a page path).
    pub link: String,
    /// When.
    pub at: String,
    /// When it was read.
    pub read_at: Option<String>,
}

macro_rules! deal_row {
    ($r:expr) => {{
        let r = $r;
        Ok::<Deal, Error>(Deal {
            id: r.try_get(0)?,
            demand_id: r.try_get(1)?,
            supply_kind: r.try_get(2)?,
            supply_id: r.try_get(3)?,
            status: r.try_get(4)?,
            note: r.try_get(5)?,
            created_by: r.try_get(6)?,
            updated_by: r.try_get(7)?,
            updated_at: r.try_get(8)?,
        })
    }};
}

/// Who writes catalogue entries, which decides whether existing entries of others may be replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publisher {
    /// An owner: new entries, and replacements of its own only.
    Owner,
    /// The bureau's curators (analysts, administrators, the demo loader): any entry; owners kept.
    Curator,
}

const DEAL_COLUMNS: &str =
    "id, demand_id, supply_kind, supply_id, status, note, created_by, updated_by, updated_at";

impl Store {
    /// Writes entries (inserting or replacing by kind and id) in one transaction, and bumps the
    /// catalogue's version. Returns the new version. As a [`Publisher::Owner`] an existing entry
    /// of another owner is never replaced: the whole write is refused ([`Error::NotOwner`]), so
    /// nobody takes over an entry by reusing its id. A [`Publisher::Curator`] may replace any
    /// entry, and the entry keeps its owner.
    pub async fn put_catalogue(
        &self,
        entries: &[CatalogueEntry],
        publisher: Publisher,
    ) -> Result<i64> {
        let at = now();
        let sql = match publisher {
            Publisher::Owner => {
                "INSERT INTO catalogue_entries (kind, id, entry_json, owner, updated_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (kind, id) DO UPDATE SET entry_json = excluded.entry_json, updated_at = excluded.updated_at \
                 WHERE catalogue_entries.owner = excluded.owner"
            }
            Publisher::Curator => {
                "INSERT INTO catalogue_entries (kind, id, entry_json, owner, updated_at) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (kind, id) DO UPDATE SET entry_json = excluded.entry_json, updated_at = excluded.updated_at"
            }
        };
        with_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for e in entries {
                let done = sqlx::query(sql)
                    .bind(&e.kind)
                    .bind(&e.id)
                    .bind(&e.json)
                    .bind(&e.owner)
                    .bind(&at)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 0 {
                    // Dropping the transaction rolls back what was written before.
                    return Err(Error::NotOwner { kind: e.kind.clone(), id: e.id.clone() });
                }
            }
            let row = sqlx::query("UPDATE catalogue_version SET version = version + 1 WHERE one = 1 RETURNING version")
                .fetch_one(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(row.try_get::<i64, _>(0)?)
        })
    }

    /// The catalogue's version (0 before anything was written).
    pub async fn catalogue_version(&self) -> Result<i64> {
        with_pool!(self, pool => {
            let row = sqlx::query("SELECT version FROM catalogue_version WHERE one = 1").fetch_one(pool).await?;
            Ok(row.try_get::<i64, _>(0)?)
        })
    }

    /// Every catalogue entry, by kind and id.
    pub async fn catalogue(&self) -> Result<Vec<CatalogueEntry>> {
        with_pool!(self, pool => {
            let rows = sqlx::query("SELECT kind, id, entry_json, owner FROM catalogue_entries ORDER BY kind, id")
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|r| Ok(CatalogueEntry { kind: r.try_get(0)?, id: r.try_get(1)?, json: r.try_get(2)?, owner: r.try_get(3)? }))
                .collect()
        })
    }

    /// Opens a deal; returns its id.
    pub async fn open_deal(
        &self,
        demand_id: &str,
        supply_kind: &str,
        supply_id: &str,
        by: &str,
    ) -> Result<i64> {
        with_pool!(self, pool => {
            let row = sqlx::query(
                "INSERT INTO deals (demand_id, supply_kind, supply_id, status, note, created_by, updated_by, updated_at) \
                 VALUES ($1, $2, $3, 'matched', '', $4, $4, $5) RETURNING id",
            )
            .bind(demand_id)
            .bind(supply_kind)
            .bind(supply_id)
            .bind(by)
            .bind(now())
            .fetch_one(pool)
            .await?;
            Ok(row.try_get(0)?)
        })
    }

    /// One deal.
    pub async fn deal(&self, id: i64) -> Result<Option<Deal>> {
        let sql = format!("SELECT {DEAL_COLUMNS} FROM deals WHERE id = $1");
        with_pool!(self, pool => {
            match sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await? {
                Some(r) => Ok(Some(deal_row!(&r)?)),
                None => Ok(None),
            }
        })
    }

    /// Deals, newest first; of one demand when given.
    pub async fn deals(&self, demand_id: Option<&str>) -> Result<Vec<Deal>> {
        let sql = format!(
            "SELECT {DEAL_COLUMNS} FROM deals WHERE ($1 IS NULL OR demand_id = $1) ORDER BY id DESC"
        );
        with_pool!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(demand_id).fetch_all(pool).await?;
            rows.iter().map(|r| deal_row!(r)).collect()
        })
    }

    /// Moves a deal to `status` with a note, if it is still at `from` (so two people cannot
    /// both move it); `false` otherwise.
    pub async fn move_deal(
        &self,
        id: i64,
        from: &str,
        status: &str,
        note: &str,
        by: &str,
    ) -> Result<bool> {
        with_pool!(self, pool => {
            let done = sqlx::query("UPDATE deals SET status = $1, note = $2, updated_by = $3, updated_at = $4 WHERE id = $5 AND status = $6")
                .bind(status)
                .bind(note)
                .bind(by)
                .bind(now())
                .bind(id)
                .bind(from)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Leaves a message in a user's inbox.
    pub async fn notify(&self, user_name: &str, message: &str, link: &str) -> Result<()> {
        with_pool!(self, pool => {
            sqlx::query("INSERT INTO inbox (user_name, message, link, at) VALUES ($1, $2, $3, $4)")
                .bind(user_name)
                .bind(message)
                .bind(link)
                .bind(now())
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// A user's messages, newest first (at most 200), marking them read.
    pub async fn inbox(&self, user_name: &str) -> Result<Vec<Message>> {
        with_pool!(self, pool => {
            let rows = sqlx::query("SELECT id, message, link, at, read_at FROM inbox WHERE user_name = $1 ORDER BY id DESC LIMIT 200")
                .bind(user_name)
                .fetch_all(pool)
                .await?;
            let messages = rows.iter()
                .map(|r| Ok(Message { id: r.try_get(0)?, message: r.try_get(1)?, link: r.try_get(2)?, at: r.try_get(3)?, read_at: r.try_get(4)? }))
                .collect::<Result<Vec<_>>>()?;
            sqlx::query("UPDATE inbox SET read_at = $1 WHERE user_name = $2 AND read_at IS NULL")
                .bind(now())
                .bind(user_name)
                .execute(pool)
                .await?;
            Ok(messages)
        })
    }

    /// How many messages a user has not read.
    pub async fn unread(&self, user_name: &str) -> Result<i64> {
        with_pool!(self, pool => {
            let row = sqlx::query("SELECT COUNT(*) FROM inbox WHERE user_name = $1 AND read_at IS NULL")
                .bind(user_name)
                .fetch_one(pool)
                .await?;
            Ok(row.try_get(0)?)
        })
    }
}

/// A merge of two talent records, as kept in the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MergeEntry {
    /// The record kept.
    pub kept: String,
    /// The record merged into it (removed).
    pub merged: String,
    /// What the merge did (JSON: the talent crate's merge record).
    pub record_json: String,
    /// Who merged.
    pub by_user: String,
    /// When.
    pub at: String,
}

impl Store {
    /// Writes people (id, JSON, source), inserting or replacing by id, in one transaction.
    pub async fn put_people(&self, people: &[(String, String, String)], by: &str) -> Result<()> {
        let at = now();
        with_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for (id, json, source) in people {
                sqlx::query(
                    "INSERT INTO talent_people (id, person_json, source, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (id) DO UPDATE SET person_json = excluded.person_json, source = excluded.source, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                )
                .bind(id)
                .bind(json)
                .bind(source)
                .bind(by)
                .bind(&at)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    /// Every person (id, JSON), by id.
    pub async fn people(&self) -> Result<Vec<(String, String)>> {
        with_pool!(self, pool => {
            let rows = sqlx::query("SELECT id, person_json FROM talent_people ORDER BY id").fetch_all(pool).await?;
            rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
        })
    }

    /// Merges two records in one transaction: the kept one rewritten, the other removed, the merge
    /// recorded. `false` (nothing written) when either is no longer there.
    pub async fn merge_people(
        &self,
        kept_id: &str,
        kept_json: &str,
        merged_id: &str,
        record_json: &str,
        by: &str,
    ) -> Result<bool> {
        let at = now();
        with_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query("UPDATE talent_people SET person_json = $1, updated_by = $2, updated_at = $3 WHERE id = $4")
                .bind(kept_json)
                .bind(by)
                .bind(&at)
                .bind(kept_id)
                .execute(&mut *tx)
                .await?;
            let removed = sqlx::query("DELETE FROM talent_people WHERE id = $1")
                .bind(merged_id)
                .execute(&mut *tx)
                .await?;
            if updated.rows_affected() != 1 || removed.rows_affected() != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            sqlx::query("INSERT INTO talent_merges (kept, merged, record_json, by_user, at) VALUES ($1, $2, $3, $4, $5)")
                .bind(kept_id)
                .bind(merged_id)
                .bind(record_json)
                .bind(by)
                .bind(&at)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(true)
        })
    }

    /// The merges, newest first.
    pub async fn merges(&self) -> Result<Vec<MergeEntry>> {
        with_pool!(self, pool => {
            let rows = sqlx::query("SELECT kept, merged, record_json, by_user, at FROM talent_merges ORDER BY id DESC").fetch_all(pool).await?;
            rows.iter()
                .map(|r| Ok(MergeEntry { kept: r.try_get(0)?, merged: r.try_get(1)?, record_json: r.try_get(2)?, by_user: r.try_get(3)?, at: r.try_get(4)? }))
                .collect()
        })
    }
}
