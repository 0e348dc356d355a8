//! Errors of reading and writing tables, each naming the file and, for cells, line, column and value.

use std::path::PathBuf;

/// A problem with a file, pointing at the place to fix.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The file could not be opened, read or written.
    #[error("{}: {error}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        error: std::io::Error,
    },
    /// The CSV itself is malformed (unbalanced quotes, ragged rows, bad UTF-8).
    #[error("{}, line {line}: {message}", path.display())]
    Csv {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: u64,
        /// The parser's message.
        message: String,
    },
    /// A required column is absent.
    #[error("{}: no column '{column}' (expected one of: {expected})", path.display())]
    MissingColumn {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
        /// Accepted header names.
        expected: String,
    },
    /// A header appears twice.
    #[error("{}: column '{column}' appears twice in the header", path.display())]
    DuplicateColumn {
        /// The file.
        path: PathBuf,
        /// The column.
        column: String,
    },
    /// A cell's value is not acceptable.
    #[error("{}, line {line}, column '{column}': '{value}' {message}", path.display())]
    Cell {
        /// The file.
        path: PathBuf,
        /// 1-based line (the header is line 1).
        line: u64,
        /// The column header.
        column: String,
        /// The cell as written.
        value: String,
        /// What is wrong with it.
        message: String,
    },
    /// The same unit appears twice (in the same year).
    #[error("{}, line {line}: unit '{code}'{year} already appears on line {first_line}", path.display())]
    DuplicateUnit {
        /// The file.
        path: PathBuf,
        /// 1-based line of the repeat.
        line: u64,
        /// 1-based line of the first occurrence.
        first_line: u64,
        /// Unit code.
        code: String,
        /// " in YEAR" for panel data.
        year: String,
    },
    /// The framework file is invalid.
    #[error("{}: {error}", path.display())]
    Framework {
        /// The framework file.
        path: PathBuf,
        /// What the engine found (boxed: the engine's errors carry their context).
        error: Box<kechuang_engine::Error>,
    },
    /// A file is larger than the limits allow (columns, cells, inflated size); refused before
    /// it is read into memory.
    #[error("{}: too large: {message}", path.display())]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Which limit, and where.
        message: String,
    },
    /// The XLSX or Parquet writer failed.
    #[error("{}: {message}", path.display())]
    Xlsx {
        /// The file.
        path: PathBuf,
        /// The writer's message.
        message: String,
    },
}

/// This crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
