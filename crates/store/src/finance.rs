//! 科技金融: enterprises' loan applications (积分贷) to a bank, and the credit lines and loans banks
//! record for consenting enterprises. Who may do what is the application layer's; here an
//! application is answered only while pending, and a batch of loans is written all or nothing.

use sqlx::Row;

use crate::{Backend, Error, Result, Store, now};

/// An enterprise's application to a bank.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LoanApplication {
    /// Id.
    pub id: i64,
    /// The enterprise.
    pub credit_code: String,
    /// The bank.
    pub bank: String,
    /// Amount asked (万元).
    pub amount: f64,
    /// What for.
    pub purpose: String,
    /// `pending`, `granted` or `declined`.
    pub status: String,
    /// Amount granted (万元).
    pub granted: Option<f64>,
    /// A decline's reason.
    pub reason: String,
    /// Who applied.
    pub applied_by: String,
    /// When.
    pub applied_at: String,
    /// Who answered.
    pub answered_by: Option<String>,
    /// When.
    pub answered_at: Option<String>,
}

/// A credit line or loan as a bank records it (amounts in 万元).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Loan {
    /// The bank.
    #[serde(default)]
    pub bank: String,
    /// The bank's own reference, unique within the bank: recording it again updates it.
    pub reference: String,
    /// The enterprise.
    pub credit_code: String,
    /// Granted on (`YYYY-MM-DD`).
    pub granted_on: String,
    /// Granted (the credit line or the loan's principal).
    pub granted: f64,
    /// Disbursed so far.
    pub disbursed: f64,
    /// Repaid so far.
    pub repaid: f64,
    /// Overdue now.
    pub overdue: f64,
    /// The application it answers, if any.
    #[serde(default)]
    pub application_id: Option<i64>,
}

const APPLICATION_COLUMNS: &str = "id, credit_code, bank, amount, purpose, status, granted, reason, applied_by, applied_at, answered_by, answered_at";
const LOAN_COLUMNS: &str =
    "bank, reference, credit_code, granted_on, granted, disbursed, repaid, overdue, application_id";

macro_rules! application_row {
    ($r:expr) => {{
        let r = $r;
        Ok::<LoanApplication, Error>(LoanApplication {
            id: r.try_get(0)?,
            credit_code: r.try_get(1)?,
            bank: r.try_get(2)?,
            amount: r.try_get(3)?,
            purpose: r.try_get(4)?,
            status: r.try_get(5)?,
            granted: r.try_get(6)?,
            reason: r.try_get(7)?,
            applied_by: r.try_get(8)?,
            applied_at: r.try_get(9)?,
            answered_by: r.try_get(10)?,
            answered_at: r.try_get(11)?,
        })
    }};
}

macro_rules! loan_row {
    ($r:expr) => {{
        let r = $r;
        Ok::<Loan, Error>(Loan {
            bank: r.try_get(0)?,
            reference: r.try_get(1)?,
            credit_code: r.try_get(2)?,
            granted_on: r.try_get(3)?,
            granted: r.try_get(4)?,
            disbursed: r.try_get(5)?,
            repaid: r.try_get(6)?,
            overdue: r.try_get(7)?,
            application_id: r.try_get(8)?,
        })
    }};
}

/// Inserts or updates one loan on a connection (both dialects take `ON CONFLICT … DO UPDATE`).
macro_rules! put_loan {
    ($conn:expr, $l:expr, $by:expr) => {{
        let l = $l;
        sqlx::query(
            "INSERT INTO loans (bank, reference, credit_code, granted_on, granted, disbursed, repaid, overdue, application_id, recorded_by, recorded_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
             ON CONFLICT (bank, reference) DO UPDATE SET credit_code = excluded.credit_code, granted_on = excluded.granted_on, \
             granted = excluded.granted, disbursed = excluded.disbursed, repaid = excluded.repaid, overdue = excluded.overdue, \
             application_id = excluded.application_id, recorded_by = excluded.recorded_by, recorded_at = excluded.recorded_at",
        )
        .bind(&l.bank)
        .bind(&l.reference)
        .bind(&l.credit_code)
        .bind(&l.granted_on)
        .bind(l.granted)
        .bind(l.disbursed)
        .bind(l.repaid)
        .bind(l.overdue)
        .bind(l.application_id)
        .bind($by)
        .bind(now())
        .execute($conn)
        .await?;
    }};
}

impl Store {
    /// An enterprise's application to a bank, with its consent to that bank granted in the same
    /// transaction (a live consent is kept as it is); the application's id.
    pub async fn apply_for_loan(
        &self,
        credit_code: &str,
        bank: &str,
        amount: f64,
        purpose: &str,
        by: &str,
    ) -> Result<i64> {
        with_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            // A write first: SQLite takes the write lock now (waiting for it) rather than failing
            // to upgrade a read transaction while another writer holds it.
            let id: i64 = sqlx::query(
                "INSERT INTO loan_applications (credit_code, bank, amount, purpose, status, applied_by, applied_at) \
                 VALUES ($1, $2, $3, $4, 'pending', $5, $6) RETURNING id",
            )
            .bind(credit_code)
            .bind(bank)
            .bind(amount)
            .bind(purpose)
            .bind(by)
            .bind(now())
            .fetch_one(&mut *tx)
            .await?
            .try_get(0)?;
            sqlx::query(
                "INSERT INTO consents (credit_code, bank, granted_by, granted_at) \
                 SELECT $1, $2, $3, $4 WHERE NOT EXISTS \
                 (SELECT 1 FROM consents WHERE credit_code = $1 AND bank = $2 AND revoked_at IS NULL)",
            )
            .bind(credit_code)
            .bind(bank)
            .bind(by)
            .bind(now())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(id)
        })
    }

    /// Applications, newest first, filtered by bank and/or enterprise.
    pub async fn loan_applications(
        &self,
        bank: Option<&str>,
        credit_code: Option<&str>,
    ) -> Result<Vec<LoanApplication>> {
        let sql = format!(
            "SELECT {APPLICATION_COLUMNS} FROM loan_applications \
             WHERE ($1 IS NULL OR bank = $1) AND ($2 IS NULL OR credit_code = $2) ORDER BY id DESC"
        );
        with_pool!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(bank)
                .bind(credit_code)
                .fetch_all(pool)
                .await?;
            rows.iter().map(|r| application_row!(r)).collect()
        })
    }

    /// One application.
    pub async fn loan_application(&self, id: i64) -> Result<Option<LoanApplication>> {
        let sql = format!("SELECT {APPLICATION_COLUMNS} FROM loan_applications WHERE id = $1");
        with_pool!(self, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?;
            row.map(|r| application_row!(r)).transpose()
        })
    }

    /// Answers a pending application — granted (with the loan it becomes) or declined with a
    /// reason — in one transaction; `false` if it was no longer pending.
    pub async fn answer_loan_application(
        &self,
        id: i64,
        granted: Option<&Loan>,
        reason: &str,
        by: &str,
    ) -> Result<bool> {
        with_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(
                "UPDATE loan_applications SET status = $1, granted = $2, reason = $3, answered_by = $4, answered_at = $5 \
                 WHERE id = $6 AND status = 'pending'",
            )
            .bind(if granted.is_some() { "granted" } else { "declined" })
            .bind(granted.map(|l| l.granted))
            .bind(reason)
            .bind(by)
            .bind(now())
            .bind(id)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Ok(false);
            }
            if let Some(l) = granted {
                put_loan!(&mut *tx, l, by);
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Records a bank's loans, all or none: a loan recorded before (same bank and reference) is
    /// updated.
    pub async fn put_loans(&self, loans: &[Loan], by: &str) -> Result<usize> {
        with_pool!(self, pool => {
            let mut tx = pool.begin().await?;
            for l in loans {
                put_loan!(&mut *tx, l, by);
            }
            tx.commit().await?;
            Ok(loans.len())
        })
    }

    /// Loans, by bank and reference, filtered by bank and/or enterprise.
    pub async fn loans(&self, bank: Option<&str>, credit_code: Option<&str>) -> Result<Vec<Loan>> {
        let sql = format!(
            "SELECT {LOAN_COLUMNS} FROM loans WHERE ($1 IS NULL OR bank = $1) AND ($2 IS NULL OR credit_code = $2) \
             ORDER BY bank, reference"
        );
        with_pool!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(bank)
                .bind(credit_code)
                .fetch_all(pool)
                .await?;
            rows.iter().map(|r| loan_row!(r)).collect()
        })
    }
}
