//! Column lists of the survey table, derived from the domain's field catalogue, and the SQL built
//! from them. Only static names from the catalogue are ever spliced into SQL; values are bound.

use std::sync::LazyLock;

use kechuang_domain::{NUMERIC, Num};

/// Text columns of `survey_records` after the key, in order.
pub const TEXT_COLUMNS: [&str; 13] = [
    "name",
    "region_code",
    "park",
    "industry_code",
    "tech_field",
    "founded_on",
    "rd_institution_level",
    "incubation_stage",
    "hnte_until",
    "tech_sme_until",
    "innovative_sme_until",
    "specialised_sme_until",
    "little_giant_until",
];

/// Every column of `survey_records`, in insert order.
pub fn record_columns() -> Vec<&'static str> {
    let mut cols = vec!["credit_code", "year", "version", "batch_id", "content_hash"];
    cols.extend(TEXT_COLUMNS);
    cols.push("consent_bank");
    cols.extend(NUMERIC.iter().map(|f| f.key));
    cols
}

/// Parameters per record row.
pub fn params_per_record() -> usize {
    record_columns().len()
}

/// Rows per multi-row statement: under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters.
pub const ROWS_PER_STATEMENT: usize = 400;

/// How a dialect writes bound parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `?`, bound in order (sqlx's SQLite driver resolves numbered `$N` by a search per parameter,
    /// which turns a 20,000-parameter statement quadratic).
    Sqlite,
    /// `$1`, `$2`, …
    Postgres,
}

pub(crate) fn placeholders(dialect: Dialect, rows: usize, per_row: usize) -> String {
    let mut s = String::with_capacity(rows * per_row * 6);
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        for c in 0..per_row {
            if c > 0 {
                s.push_str(", ");
            }
            match dialect {
                Dialect::Sqlite => s.push('?'),
                Dialect::Postgres => {
                    s.push('$');
                    s.push_str(&(r * per_row + c + 1).to_string());
                }
            }
        }
        s.push(')');
    }
    s
}

/// `INSERT … ON CONFLICT (credit_code, year) DO UPDATE` for `rows` records.
pub fn upsert_records(dialect: Dialect, rows: usize) -> String {
    let cols = record_columns();
    format!(
        "INSERT INTO survey_records ({}) VALUES {} ON CONFLICT (credit_code, year) DO UPDATE SET {}",
        cols.join(", "),
        placeholders(dialect, rows, cols.len()),
        record_updates()
    )
}

/// `c = excluded.c` for every record column but the key.
fn record_updates() -> String {
    record_columns()[2..]
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `SELECT` of every record column.
pub static SELECT_RECORDS: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {} FROM survey_records", record_columns().join(", ")));

/// Upsert of enterprises: the identity of the latest year wins; the span of years grows.
pub fn upsert_enterprises(dialect: Dialect, rows: usize) -> String {
    format!(
        "INSERT INTO enterprises ({ENTERPRISE_COLUMNS}) VALUES {} {}",
        placeholders(dialect, rows, 6),
        *ENTERPRISE_CONFLICT
    )
}

/// [`upsert_enterprises`] of every row of `table` (a temporary table of the same columns), as two
/// PostgreSQL statements: an update of the stored enterprises that change, then a plain insert of
/// the new ones. One `INSERT … ON CONFLICT` took 6.2 s for a million new enterprises, its
/// speculative insertion twice the cost of a plain insert; imports are serialised (an advisory
/// lock), so no other transaction adds the same enterprise in between.
pub fn upsert_enterprises_from(table: &'static str) -> [String; 2] {
    let merge = enterprise_merge("i", "enterprises");
    [
        format!(
            "UPDATE enterprises SET {merge} FROM {table} i WHERE enterprises.credit_code = i.credit_code AND (\
             i.first_year < enterprises.first_year OR i.last_year > enterprises.last_year OR (i.last_year >= enterprises.last_year \
             AND (i.name, i.region_code, i.industry_code) IS DISTINCT FROM (enterprises.name, enterprises.region_code, enterprises.industry_code)))"
        ),
        format!(
            "INSERT INTO enterprises ({ENTERPRISE_COLUMNS}) SELECT {ENTERPRISE_COLUMNS} FROM {table} i \
             WHERE NOT EXISTS (SELECT 1 FROM enterprises e WHERE e.credit_code = i.credit_code)"
        ),
    ]
}

/// [`upsert_records`] of every row of `table` (a temporary table of the same columns).
pub fn upsert_records_from(table: &'static str) -> String {
    let cols = record_columns().join(", ");
    format!(
        "INSERT INTO survey_records ({cols}) SELECT {cols} FROM {table} ON CONFLICT (credit_code, year) DO UPDATE SET {}",
        record_updates()
    )
}

const ENTERPRISE_COLUMNS: &str =
    "credit_code, name, region_code, industry_code, first_year, last_year";

static ENTERPRISE_CONFLICT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "ON CONFLICT (credit_code) DO UPDATE SET {}",
        enterprise_merge("excluded", "enterprises")
    )
});

/// The assignments merging enterprise row `new` into the stored `old`: the identity of the latest
/// year wins; the span of years grows.
fn enterprise_merge(new: &str, old: &str) -> String {
    let latest = |column: &str| {
        format!(
            "{column} = CASE WHEN {new}.last_year >= {old}.last_year THEN {new}.{column} ELSE {old}.{column} END"
        )
    };
    format!(
        "{}, {}, {}, \
         first_year = CASE WHEN {new}.first_year < {old}.first_year THEN {new}.first_year ELSE {old}.first_year END, \
         last_year = CASE WHEN {new}.last_year > {old}.last_year THEN {new}.last_year ELSE {old}.last_year END",
        latest("name"),
        latest("region_code"),
        latest("industry_code")
    )
}

/// `SELECT … WHERE year = $1 AND credit_code IN ($2, …)` for `n` codes.
pub fn select_records_in(dialect: Dialect, n: usize) -> String {
    let list: Vec<String> = (0..n)
        .map(|i| match dialect {
            Dialect::Sqlite => "?".to_string(),
            Dialect::Postgres => format!("${}", i + 2),
        })
        .collect();
    let year = if dialect == Dialect::Sqlite {
        "?"
    } else {
        "$1"
    };
    format!(
        "{} WHERE year = {year} AND credit_code IN ({})",
        *SELECT_RECORDS,
        list.join(", ")
    )
}

/// The numeric field of a column, if it is one.
pub fn numeric(column: &str) -> Option<Num> {
    Num::from_key(column)
}

/// `INSERT INTO index_results` for `rows` results.
pub fn insert_results(dialect: Dialect, rows: usize) -> String {
    format!(
        "INSERT INTO index_results (build_id, credit_code, year, score, rank, packed, scores_json, values_json, facts_json) VALUES {}",
        placeholders(dialect, rows, 9)
    )
}

/// Records per snapshot chunk.
pub const SNAPSHOT_CHUNK: usize = 10_000;
