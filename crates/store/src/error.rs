//! Storage errors: the database's own, and domain rules broken by stored data.

/// A storage failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database refused or failed a statement, or could not be reached.
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// Applying the schema migrations failed.
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored value does not satisfy the domain's rules (the database was edited by hand?).
    #[error("stored record {credit_code} {year}: column {column}: {message}")]
    Corrupt {
        /// Enterprise.
        credit_code: String,
        /// Year.
        year: i32,
        /// Column.
        column: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The same enterprise and year appear twice in one import.
    #[error("{credit_code} {year} appears more than once in the same import")]
    DuplicateInBatch {
        /// Enterprise.
        credit_code: String,
        /// Year.
        year: i32,
    },
    /// The caller cancelled an import; nothing was written.
    #[error("import cancelled; nothing was written")]
    Cancelled,
    /// Something with this name exists already.
    #[error("{0} exists already")]
    Exists(String),
    /// A catalogue entry with this kind and id belongs to another publisher.
    #[error("catalogue entry {kind} {id} belongs to another publisher: use another id")]
    NotOwner {
        /// Kind.
        kind: String,
        /// Id.
        id: String,
    },
    /// The location is neither a `postgres://` URL nor a usable SQLite path.
    #[error("store location '{0}': expected a postgres:// URL or a SQLite file path")]
    Location(String),
}

/// This crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
