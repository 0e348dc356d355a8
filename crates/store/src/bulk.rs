//! Writing an import's enterprises and records, the way each database takes many rows fastest:
//! multi-row statements on SQLite, bound while the statement before runs; `COPY` on PostgreSQL
//! (multi-row statements were three quarters of a million-row import there).

use kechuang_domain::SurveyRecord;
use rayon::prelude::*;
use sqlx::{AssertSqlSafe, PgConnection, SqliteConnection};

use crate::records;
use crate::schema::{self, Dialect};
use crate::{Error, Result};

/// An enterprise to write: its latest record, first and last year in this import.
pub(crate) type EnterpriseRow<'a> = (&'a SurveyRecord, i32, i32);

/// A record to write: the record, its version and content hash.
pub(crate) type RecordRow<'a> = (&'a SurveyRecord, i32, String);

/// Writes rows in bulk, inside the caller's transaction.
pub(crate) trait BulkWrite {
    /// Upserts the enterprises (the latest year's identity wins; the span of years grows).
    async fn write_enterprises(&mut self, rows: &[EnterpriseRow<'_>]) -> Result<()>;

    /// Upserts the records of batch `batch_id` (`all_new`: none is stored yet) and returns each
    /// one's snapshot blob, in order. `progress` is told the rows written; `false` cancels.
    async fn write_records(
        &mut self,
        rows: &[RecordRow<'_>],
        batch_id: i64,
        all_new: bool,
        progress: &(dyn Fn(usize) -> bool + Sync),
    ) -> Result<Vec<Vec<u8>>>;
}

impl BulkWrite for SqliteConnection {
    async fn write_enterprises(&mut self, rows: &[EnterpriseRow<'_>]) -> Result<()> {
        let statement = |chunk: &[EnterpriseRow<'_>]| {
            let mut q = sqlx::query(AssertSqlSafe(schema::upsert_enterprises(
                Dialect::Sqlite,
                chunk.len(),
            )));
            for (r, first, last) in chunk {
                q = q
                    .bind(r.credit_code.as_str())
                    .bind(r.name.as_str())
                    .bind(r.region_code.as_str())
                    .bind(r.industry_code.as_str())
                    .bind(*first)
                    .bind(*last);
            }
            q
        };
        let mut chunks = rows.chunks(schema::ROWS_PER_STATEMENT * 4);
        let mut pending = chunks.next().map(statement);
        while let Some(q) = pending.take() {
            // The next statement's values are bound while the database runs this one.
            let next = chunks.next();
            let (written, next) =
                tokio::join!(q.execute(&mut *self), async { next.map(statement) });
            written?;
            pending = next;
        }
        Ok(())
    }

    async fn write_records(
        &mut self,
        rows: &[RecordRow<'_>],
        batch_id: i64,
        _all_new: bool,
        progress: &(dyn Fn(usize) -> bool + Sync),
    ) -> Result<Vec<Vec<u8>>> {
        // Each statement's rows are also encoded for the snapshot, while the database runs the
        // statement before.
        let statement = |chunk: &[RecordRow<'_>]| {
            let mut q = sqlx::query(AssertSqlSafe(schema::upsert_records(
                Dialect::Sqlite,
                chunk.len(),
            )));
            for (r, version, hash) in chunk {
                q = records::bind!(q, r, *version, batch_id, hash.as_str());
            }
            let blobs: Vec<Vec<u8>> = chunk
                .par_iter()
                .map(|(r, _, _)| records::encode_blob(r))
                .collect();
            (q, blobs)
        };
        let mut out = Vec::with_capacity(rows.len());
        let mut chunks = rows.chunks(schema::ROWS_PER_STATEMENT);
        let mut pending = chunks.next().map(statement);
        while let Some((q, blobs)) = pending.take() {
            let next = chunks.next();
            let (written, next) =
                tokio::join!(q.execute(&mut *self), async { next.map(statement) });
            written?;
            out.extend(blobs);
            if !progress(out.len()) {
                // Dropping the transaction rolls it back.
                return Err(Error::Cancelled);
            }
            pending = next;
        }
        Ok(out)
    }
}

/// Rows per `COPY` message sent (and per progress report).
const COPY_ROWS: usize = 20_000;

impl BulkWrite for PgConnection {
    async fn write_enterprises(&mut self, rows: &[EnterpriseRow<'_>]) -> Result<()> {
        sqlx::query("CREATE TEMP TABLE import_enterprises (LIKE enterprises) ON COMMIT DROP")
            .execute(&mut *self)
            .await?;
        copy_in(
            self,
            "COPY import_enterprises (credit_code, name, region_code, industry_code, first_year, last_year) FROM STDIN (FORMAT binary)",
            rows.chunks(COPY_ROWS),
            |chunk| {
                let mut out = Vec::with_capacity(chunk.len() * 96);
                for (r, first, last) in chunk {
                    records::copy_enterprise(&mut out, r, *first, *last);
                }
                (out, ())
            },
            |()| true,
        )
        .await?;
        for statement in schema::upsert_enterprises_from("import_enterprises") {
            sqlx::query(AssertSqlSafe(statement))
                .execute(&mut *self)
                .await?;
        }
        Ok(())
    }

    async fn write_records(
        &mut self,
        rows: &[RecordRow<'_>],
        batch_id: i64,
        all_new: bool,
        progress: &(dyn Fn(usize) -> bool + Sync),
    ) -> Result<Vec<Vec<u8>>> {
        let columns = schema::record_columns().join(", ");
        // New rows go straight into the table; with stored ones among them, through a temporary
        // table and one upsert.
        let table = if all_new {
            "survey_records"
        } else {
            sqlx::query("CREATE TEMP TABLE import_records (LIKE survey_records) ON COMMIT DROP")
                .execute(&mut *self)
                .await?;
            "import_records"
        };
        // Each message's rows, and their snapshot blobs, encoded in parallel pieces.
        let prepare = |chunk: &[RecordRow<'_>]| {
            let pieces: Vec<(Vec<u8>, Vec<Vec<u8>>)> = chunk
                .par_chunks(COPY_ROWS / 16)
                .map(|piece| {
                    let mut out = Vec::with_capacity(piece.len() * 640);
                    for (r, version, hash) in piece {
                        records::copy_record(&mut out, r, *version, batch_id, hash);
                    }
                    let blobs = piece
                        .iter()
                        .map(|(r, _, _)| records::encode_blob(r))
                        .collect::<Vec<_>>();
                    (out, blobs)
                })
                .collect();
            let mut out = Vec::with_capacity(pieces.iter().map(|(o, _)| o.len()).sum());
            let mut blobs = Vec::with_capacity(chunk.len());
            for (o, b) in pieces {
                out.extend_from_slice(&o);
                blobs.extend(b);
            }
            (out, blobs)
        };
        let mut blobs = Vec::with_capacity(rows.len());
        copy_in(
            self,
            &format!("COPY {table} ({columns}) FROM STDIN (FORMAT binary)"),
            rows.chunks(COPY_ROWS),
            prepare,
            |made: Vec<Vec<u8>>| {
                blobs.extend(made);
                progress(blobs.len())
            },
        )
        .await?;
        if !all_new {
            sqlx::query(AssertSqlSafe(schema::upsert_records_from("import_records")))
                .execute(&mut *self)
                .await?;
        }
        Ok(blobs)
    }
}

/// Sends through `statement` the binary COPY data that `prepare` makes of each of `chunks`,
/// making the next while the one before is sent: the server takes in rows while the client
/// encodes the next ones (encoding every row first, then sending, left the server idle for a
/// third of a million-row import). `sent` is given what `prepare` made beside the data once it
/// went, and `false` from it cancels (the copy is aborted and the transaction must be dropped).
async fn copy_in<C, T>(
    conn: &mut PgConnection,
    statement: &str,
    chunks: impl Iterator<Item = C>,
    prepare: impl Fn(C) -> (Vec<u8>, T),
    mut sent: impl FnMut(T) -> bool,
) -> Result<()> {
    let mut copy = conn.copy_in_raw(statement).await?;
    // The header, each chunk's data (made when it is next), the trailer.
    let mut buffers = std::iter::once((records::COPY_BINARY_HEADER.to_vec(), None))
        .chain(chunks.map(|c| {
            let (data, made) = prepare(c);
            (data, Some(made))
        }))
        .chain(std::iter::once((
            records::COPY_BINARY_TRAILER.to_vec(),
            None,
        )));
    let mut pending = buffers.next();
    while let Some((buffer, made)) = pending.take() {
        let (result, next) = tokio::join!(copy.send(buffer), async { buffers.next() });
        if let Err(e) = result {
            // The send's error is the one to report; the transaction is rolled back either way.
            let _ = copy.abort(e.to_string()).await;
            return Err(e.into());
        }
        if let Some(made) = made
            && !sent(made)
        {
            copy.abort("cancelled").await?;
            return Err(Error::Cancelled);
        }
        pending = next;
    }
    copy.finish().await?;
    Ok(())
}
