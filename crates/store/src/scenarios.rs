//! Saved policy scenarios (政策模拟方案): a scheme's rule file with changed parameters, kept with who
//! saved it, when, and the version of the rules it was made from, so that it can be evaluated
//! again, compared with others and exported.

use sqlx::Row;

use crate::{Backend, Error, Result, Store, now};

/// A saved scenario.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SavedScenario {
    /// Id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The scheme (`tech_sme` …).
    pub scheme: String,
    /// The version of the current rules it was made from.
    pub base_version: String,
    /// The scenario's rule file (TOML).
    pub rules: String,
    /// The year it is meant for (the latest stored when none).
    pub year: Option<i32>,
    /// An amount per qualifying enterprise (万元), for the budget.
    pub amount: Option<f64>,
    /// Who saved it.
    pub created_by: String,
    /// When.
    pub created_at: String,
}

/// A scenario to save.
#[derive(Debug, Clone)]
pub struct NewScenario<'a> {
    /// Its name.
    pub name: &'a str,
    /// The scheme.
    pub scheme: &'a str,
    /// The current rules' version.
    pub base_version: &'a str,
    /// The rule file.
    pub rules: &'a str,
    /// The year.
    pub year: Option<i32>,
    /// The amount per qualifying enterprise.
    pub amount: Option<f64>,
    /// Who.
    pub by: &'a str,
}

const COLUMNS: &str = "id, name, scheme, base_version, rules, year, amount, created_by, created_at";

macro_rules! scenario_row {
    ($r:expr) => {{
        let r = $r;
        Ok::<SavedScenario, Error>(SavedScenario {
            id: r.try_get(0)?,
            name: r.try_get(1)?,
            scheme: r.try_get(2)?,
            base_version: r.try_get(3)?,
            rules: r.try_get(4)?,
            year: r.try_get(5)?,
            amount: r.try_get(6)?,
            created_by: r.try_get(7)?,
            created_at: r.try_get(8)?,
        })
    }};
}

impl Store {
    /// Saves a scenario; its id.
    pub async fn save_scenario(&self, s: &NewScenario<'_>) -> Result<i64> {
        with_pool!(self, pool => {
            let row = sqlx::query(
                "INSERT INTO policy_scenarios (name, scheme, base_version, rules, year, amount, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(s.name)
            .bind(s.scheme)
            .bind(s.base_version)
            .bind(s.rules)
            .bind(s.year)
            .bind(s.amount)
            .bind(s.by)
            .bind(now())
            .fetch_one(pool)
            .await?;
            Ok(row.try_get(0)?)
        })
    }

    /// The saved scenarios, newest first.
    pub async fn scenarios(&self) -> Result<Vec<SavedScenario>> {
        let sql = format!("SELECT {COLUMNS} FROM policy_scenarios ORDER BY id DESC");
        with_pool!(self, pool => {
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?;
            rows.iter().map(|r| scenario_row!(r)).collect()
        })
    }

    /// One saved scenario.
    pub async fn scenario(&self, id: i64) -> Result<Option<SavedScenario>> {
        let sql = format!("SELECT {COLUMNS} FROM policy_scenarios WHERE id = $1");
        with_pool!(self, pool => {
            let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?;
            row.map(|r| scenario_row!(r)).transpose()
        })
    }

    /// Deletes a saved scenario; `false` if there was none.
    pub async fn delete_scenario(&self, id: i64) -> Result<bool> {
        with_pool!(self, pool => {
            let done = sqlx::query("DELETE FROM policy_scenarios WHERE id = $1")
                .bind(id)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() > 0)
        })
    }
}
