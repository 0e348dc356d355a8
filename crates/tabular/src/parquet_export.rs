//! Parquet files, for analysts' tools and for builds too big for text: survey records (one column
//! per field under its English key), and a build's stages and tables (`index build --format
//! parquet`). Text is UTF-8, numbers doubles, missing values null; uncompressed, since the files
//! are written once and read by column.

use std::path::Path;
use std::sync::Arc;

use kechuang_domain::{Field, SurveyRecord};
use parquet::basic::{LogicalType, Repetition, Type as PhysicalType};
use parquet::column::writer::ColumnWriter;
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use parquet::schema::types::Type;
use rayon::prelude::*;

use crate::error::{Error, Result};
use crate::output_file::{OutputDigest, OutputFile};
use crate::tables::{Cell, RowTable, Table};

/// Rows per row group.
const ROW_GROUP: usize = 100_000;

/// Writes records as a Parquet file.
pub fn write_records_parquet(records: &[SurveyRecord], path: &Path) -> Result<()> {
    let pq = parquet_error(path);
    let fields = Field::all();
    let columns: Vec<String> = fields
        .iter()
        .map(|f| match f {
            Field::Text(_) => format!("optional binary {} (UTF8);", f.key()),
            Field::Num(_) => format!("optional double {};", f.key()),
        })
        .collect();
    let schema = Arc::new(
        parse_message_type(&format!("message survey {{ {} }}", columns.join(" "))).map_err(&pq)?,
    );
    let file = std::fs::File::create(path).map_err(|error| Error::Io {
        path: path.to_path_buf(),
        error,
    })?;
    let mut writer =
        SerializedFileWriter::new(file, schema, Arc::new(WriterProperties::builder().build()))
            .map_err(&pq)?;
    for group in records.chunks(ROW_GROUP) {
        let mut rg = writer.next_row_group().map_err(&pq)?;
        let mut k = 0;
        while let Some(mut col) = rg.next_column().map_err(&pq)? {
            match fields[k] {
                Field::Text(t) => {
                    let texts: Vec<String> = group.iter().map(|r| r.text(t)).collect();
                    let defs: Vec<i16> = texts.iter().map(|s| i16::from(!s.is_empty())).collect();
                    let values: Vec<ByteArray> = texts
                        .iter()
                        .filter(|s| !s.is_empty())
                        .map(|s| ByteArray::from(s.as_str()))
                        .collect();
                    col.typed::<ByteArrayType>()
                        .write_batch(&values, Some(&defs), None)
                        .map_err(&pq)?;
                }
                Field::Num(n) => {
                    let defs: Vec<i16> = group
                        .iter()
                        .map(|r| i16::from(r.get(n).is_some()))
                        .collect();
                    let values: Vec<f64> = group.iter().filter_map(|r| r.get(n)).collect();
                    col.typed::<DoubleType>()
                        .write_batch(&values, Some(&defs), None)
                        .map_err(&pq)?;
                }
            }
            col.close().map_err(&pq)?;
            k += 1;
        }
        rg.close().map_err(&pq)?;
    }
    writer.close().map_err(&pq)?;
    Ok(())
}

fn parquet_error(path: &Path) -> impl Fn(parquet::errors::ParquetError) -> Error + '_ {
    move |e| Error::Xlsx {
        path: path.to_path_buf(),
        message: format!("parquet: {e}"),
    }
}

/// The type of one column of a table written as Parquet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Every cell a number or empty: `optional double`.
    Number,
    /// Some cell text (numbers among them written as CSV writes them): `optional binary (UTF8)`.
    Text,
    /// A stage's year: `required int32`.
    Year,
}

fn schema(path: &Path, columns: &[(&str, Kind)]) -> Result<Arc<Type>> {
    let pq = parquet_error(path);
    let fields = columns
        .iter()
        .map(|&(name, kind)| {
            let built = match kind {
                Kind::Number => Type::primitive_type_builder(name, PhysicalType::DOUBLE)
                    .with_repetition(Repetition::OPTIONAL)
                    .build(),
                Kind::Text => Type::primitive_type_builder(name, PhysicalType::BYTE_ARRAY)
                    .with_repetition(Repetition::OPTIONAL)
                    .with_logical_type(Some(LogicalType::String))
                    .build(),
                Kind::Year => Type::primitive_type_builder(name, PhysicalType::INT32)
                    .with_repetition(Repetition::REQUIRED)
                    .build(),
            };
            built.map(Arc::new).map_err(&pq)
        })
        .collect::<Result<Vec<_>>>()?;
    let message = Type::group_type_builder("table")
        .with_fields(fields)
        .build()
        .map_err(&pq)?;
    Ok(Arc::new(message))
}

/// One column of one row group, as Parquet takes it: the values present and a definition level
/// per row (1 present, 0 null).
enum Chunk {
    Numbers(Vec<f64>, Vec<i16>),
    Texts(Vec<ByteArray>, Vec<i16>),
    Years(Vec<i32>),
}

fn numbers(values: impl Iterator<Item = f64>) -> Chunk {
    let mut present = Vec::new();
    let defs = values
        .map(|v| {
            let here = !v.is_nan();
            if here {
                present.push(v);
            }
            i16::from(here)
        })
        .collect();
    Chunk::Numbers(present, defs)
}

fn texts<'a>(values: impl Iterator<Item = Option<&'a [u8]>>) -> Chunk {
    let mut present = Vec::new();
    let defs = values
        .map(|v| match v {
            Some(bytes) => {
                present.push(ByteArray::from(bytes.to_vec()));
                1
            }
            None => 0,
        })
        .collect();
    Chunk::Texts(present, defs)
}

/// Writes `rows` rows a row group at a time, `group(rows)` giving the columns of each.
fn write_table(
    path: &Path,
    columns: &[(&str, Kind)],
    rows: usize,
    group: impl Fn(std::ops::Range<usize>) -> Vec<Vec<Chunk>>,
) -> Result<OutputDigest> {
    let pq = parquet_error(path);
    let mismatch =
        || parquet::errors::ParquetError::General("a column does not match its type".into());
    let file = OutputFile::create(path)?;
    // Scores and codes barely repeat: dictionaries would be built only to be dropped.
    let properties = WriterProperties::builder()
        .set_dictionary_enabled(false)
        .build();
    let mut writer = SerializedFileWriter::new(file, schema(path, columns)?, Arc::new(properties))
        .map_err(&pq)?;
    for start in (0..rows).step_by(ROW_GROUP) {
        let chunks = group(start..(start + ROW_GROUP).min(rows));
        let mut group = writer.next_row_group().map_err(&pq)?;
        // Each column's parts in row order, one batch each.
        for parts in chunks {
            let mut column = group
                .next_column()
                .map_err(&pq)?
                .ok_or_else(|| pq(mismatch()))?;
            for chunk in &parts {
                match (column.untyped(), chunk) {
                    (ColumnWriter::DoubleColumnWriter(w), Chunk::Numbers(v, d)) => {
                        w.write_batch(v, Some(d), None).map(drop)
                    }
                    (ColumnWriter::ByteArrayColumnWriter(w), Chunk::Texts(v, d)) => {
                        w.write_batch(v, Some(d), None).map(drop)
                    }
                    (ColumnWriter::Int32ColumnWriter(w), Chunk::Years(v)) => {
                        w.write_batch(v, None, None).map(drop)
                    }
                    _ => Err(mismatch()),
                }
                .map_err(&pq)?;
            }
            column.close().map_err(&pq)?;
        }
        group.close().map_err(&pq)?;
    }
    writer.into_inner().map_err(&pq)?.finish()
}

/// The columns of one row group, made in parallel by `make(column, rows)`, each in one part.
fn by_column(
    width: usize,
    make: impl Fn(usize, std::ops::Range<usize>) -> Chunk + Sync,
) -> impl Fn(std::ops::Range<usize>) -> Vec<Vec<Chunk>> {
    move |rows| {
        (0..width)
            .into_par_iter()
            .map(|c| vec![make(c, rows.clone())])
            .collect()
    }
}

/// Writes a build stage as Parquet straight from its columns: `uCode`, `Time` (int32) for
/// panels, then one double column per code, missing values null. The same values as
/// [`write_stage_csv`](crate::write_stage_csv).
pub fn write_stage_parquet(
    stage: &kechuang_engine::StageView<'_>,
    path: &Path,
) -> Result<OutputDigest> {
    let mut columns = vec![("uCode", Kind::Text)];
    if stage.times.is_some() {
        columns.push(("Time", Kind::Year));
    }
    let leading = columns.len();
    columns.extend(stage.codes.iter().map(|c| (c.as_str(), Kind::Number)));
    let group = by_column(columns.len(), |c, rows| match c {
        0 => texts(stage.units[rows].iter().map(|s| Some(s.as_bytes()))),
        1 if leading == 2 => {
            Chunk::Years(stage.times.map(|t| t[rows].to_vec()).unwrap_or_default())
        }
        c => numbers(stage.columns[c - leading][rows].iter().copied()),
    });
    write_table(path, &columns, stage.units.len(), group)
}

/// Each header with its kind: a column is numeric when none of its cells is text.
fn typed_columns<R: AsRef<[Cell]>>(
    headers: &[String],
    len: usize,
    row: impl Fn(usize) -> R + Sync,
) -> Vec<(&str, Kind)> {
    let width = headers.len();
    let merge = |mut a: Vec<bool>, b: Vec<bool>| {
        for (x, y) in a.iter_mut().zip(b) {
            *x |= y;
        }
        a
    };
    let text = (0..len)
        .into_par_iter()
        .fold(
            || vec![false; width],
            |mut text, u| {
                for (t, cell) in text.iter_mut().zip(row(u).as_ref()) {
                    *t |= matches!(cell, Cell::Text(_));
                }
                text
            },
        )
        .reduce(|| vec![false; width], merge);
    headers
        .iter()
        .map(String::as_str)
        .zip(
            text.into_iter()
                .map(|t| if t { Kind::Text } else { Kind::Number }),
        )
        .collect()
}

fn cell_chunk<'a>(kind: Kind, cells: impl Iterator<Item = Option<&'a Cell>>) -> Chunk {
    if kind == Kind::Number {
        return numbers(cells.map(|cell| match cell {
            Some(Cell::Number(v)) => *v,
            _ => f64::NAN,
        }));
    }
    let shown: Vec<Option<Vec<u8>>> = cells
        .map(|cell| match cell {
            Some(Cell::Text(s)) => Some(s.as_bytes().to_vec()),
            Some(Cell::Number(v)) if !v.is_nan() => {
                let mut out = Vec::new();
                crate::write::push_number(&mut out, *v);
                Some(out)
            }
            _ => None,
        })
        .collect();
    texts(shown.iter().map(|s| s.as_deref()))
}

/// Writes one table as Parquet: a column of numbers as doubles, a column holding any text as
/// UTF-8 (its numbers as the CSV shows them); empty cells null.
pub fn write_table_parquet(table: &Table, path: &Path) -> Result<OutputDigest> {
    let columns = typed_columns(&table.headers, table.rows.len(), |u| &table.rows[u]);
    let group = by_column(columns.len(), |c, rows| {
        cell_chunk(columns[c].1, table.rows[rows].iter().map(|r| r.get(c)))
    });
    write_table(path, &columns, table.rows.len(), group)
}

/// Writes a table of one row per unit as Parquet, its rows made twice (once to learn which
/// columns hold text, then a row group at a time as they are written) rather than held whole.
pub fn write_row_table_parquet(table: &RowTable<'_>, path: &Path) -> Result<OutputDigest> {
    let columns = typed_columns(&table.headers, table.len, |u| (table.row)(u));
    write_table(path, &columns, table.len, |rows| {
        // A row group's columns are made a few thousand rows at a time, in parts written one
        // after the other: its 100,000 rows of the results' eighty-odd cells made at once were a
        // quarter of a gigabyte, which took a 10⁶ Parquet build past three times its data.
        let mut parts: Vec<Vec<Chunk>> = (0..columns.len()).map(|_| Vec::new()).collect();
        for start in rows.clone().step_by(ROWS_MADE_AT_ONCE) {
            let made: Vec<Vec<Cell>> = (start..(start + ROWS_MADE_AT_ONCE).min(rows.end))
                .into_par_iter()
                .map(|u| (table.row)(u))
                .collect();
            let made_parts: Vec<Chunk> = (0..columns.len())
                .into_par_iter()
                .map(|c| cell_chunk(columns[c].1, made.iter().map(|r| r.get(c))))
                .collect();
            for (column, part) in parts.iter_mut().zip(made_parts) {
                column.push(part);
            }
        }
        parts
    })
}

/// Rows of a row table made at once while a row group is gathered (see
/// [`write_row_table_parquet`]).
const ROWS_MADE_AT_ONCE: usize = if cfg!(test) { 7 } else { 4096 };

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::{Field as Value, RowAccessor};

    /// A row table of more rows than are made at once (and, with `ROW_GROUP` rows, several row
    /// groups would follow the same path): every cell reads back, in order, as it was made.
    #[test]
    fn a_row_table_made_in_parts_reads_back_cell_for_cell() {
        let len = 3 * ROWS_MADE_AT_ONCE + 5;
        let cell = |u: usize, c: usize| -> Cell {
            match c {
                0 => Cell::Text(format!("U{u}, \"q\"")),
                // Text in some rows, a number in others: a text column showing the numbers.
                1 if u % 3 == 0 => Cell::Text("n/a".into()),
                1 => Cell::Number(u as f64 / 4.0),
                _ if u % 5 == 0 => Cell::Empty,
                _ => Cell::Number(u as f64 * 1.5),
            }
        };
        let table = RowTable {
            name: "t".into(),
            headers: vec!["code".into(), "mixed".into(), "score".into()],
            len,
            row: Box::new(move |u| (0..3).map(|c| cell(u, c)).collect()),
        };
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("t.parquet");
        write_row_table_parquet(&table, &path).expect("write");
        let reader =
            SerializedFileReader::new(std::fs::File::open(&path).expect("open")).expect("reader");
        let rows: Vec<_> = reader
            .get_row_iter(None)
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect();
        assert_eq!(rows.len(), len);
        for (u, row) in rows.iter().enumerate() {
            assert_eq!(row.get_string(0).expect("code"), &format!("U{u}, \"q\""));
            let mixed = row.get_string(1).expect("mixed");
            if u % 3 == 0 {
                assert_eq!(mixed, "n/a");
            } else {
                let mut shown = Vec::new();
                crate::write::push_number(&mut shown, u as f64 / 4.0);
                assert_eq!(mixed.as_bytes(), shown, "row {u}");
            }
            let score = row.get_column_iter().nth(2).map(|(_, v)| v.clone());
            if u % 5 == 0 {
                assert_eq!(score, Some(Value::Null), "row {u}");
            } else {
                assert_eq!(score, Some(Value::Double(u as f64 * 1.5)), "row {u}");
            }
        }
    }
}
