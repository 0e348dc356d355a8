//! Tabular files at the edge of the engine: reads a [`Dataset`](kechuang_engine::Dataset) and COINr
//! `iMeta` rows from CSV, and writes a build's stages and results as CSV files or one XLSX workbook.
//!
//! - [`read_dataset`] accepts COINr's `iData` layout (`uCode`, `uName`, `Time`, `*_group`) and plain
//!   `code`/`name`/`year` headers; every cell error names file, line, column and value.
//! - [`read_imeta`] reads the `iMeta` table; [`load_framework`] loads a framework from a TOML file
//!   (with the `iMeta` file it names) or from an `iMeta` CSV alone.
//! - [`survey`]: survey files (CSV in UTF-8/GBK/GB18030, XLSX), validated row by row with every issue
//!   located; [`write_template`] writes the fill-in template.
//! - [`Table`] is a rectangular sheet; [`build_tables`] turns a build into named tables, which
//!   [`write_csv`] and [`write_xlsx`] write.
#![warn(missing_docs)]

mod audit_report;
mod csv_lines;
mod error;
mod framework_file;
pub mod grid;
mod imeta;
mod output_file;
mod parquet_export;
mod read;
mod report_html;
pub mod survey;
mod survey_csv;
mod tables;
mod template;
mod write;

pub use audit_report::report_page;
pub use audit_report::{
    RANK_CHART_UNITS, audit_html, rank_interval_chart, uncertainty_html, uncertainty_section,
};
pub use error::{Error, Result};
pub use framework_file::{LoadedFramework, load_framework};
pub use imeta::read_imeta;
pub use output_file::{OutputDigest, OutputFile};
pub use parquet_export::{
    write_records_parquet, write_row_table_parquet, write_stage_parquet, write_table_parquet,
};
pub use read::{ReadOptions, read_dataset, read_dataset_noting};
pub use report_html::{bar_chart, bar_chart_markup, table_html};
pub use tables::{
    Cell, RowTable, Table, build_tables, dataset_table, other_tables, result_tables, unit_tables,
    unit_tables_besides_results, write_results_and_held_stages_csv,
};
pub use template::write_template;
pub use write::{
    push_number, write_csv, write_csv_table, write_row_table_csv, write_stage_csv, write_xlsx,
    xlsx_bytes,
};
