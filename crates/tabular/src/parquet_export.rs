//! Survey records as Parquet, for analysts' tools: one column per field under its English key,
//! text as UTF-8, numbers as doubles, unanswered as null.

use std::path::Path;
use std::sync::Arc;

use kechuang_domain::{Field, SurveyRecord};
use parquet::data_type::{ByteArray, ByteArrayType, DoubleType};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use crate::error::{Error, Result};

/// Rows per row group.
const ROW_GROUP: usize = 100_000;

/// Writes records as a Parquet file.
pub fn write_records_parquet(records: &[SurveyRecord], path: &Path) -> Result<()> {
    let pq = |e: parquet::errors::ParquetError| Error::Xlsx {
        path: path.to_path_buf(),
        message: format!("parquet: {e}"),
    };
    let fields = Field::all();
    let columns: Vec<String> = fields
        .iter()
        .map(|f| match f {
            Field::Text(_) => format!("optional binary {} (UTF8);", f.key()),
            Field::Num(_) => format!("optional double {};", f.key()),
        })
        .collect();
    let schema = Arc::new(
        parse_message_type(&format!("message survey {{ {} }}", columns.join(" "))).map_err(pq)?,
    );
    let file = std::fs::File::create(path).map_err(|error| Error::Io {
        path: path.to_path_buf(),
        error,
    })?;
    let mut writer =
        SerializedFileWriter::new(file, schema, Arc::new(WriterProperties::builder().build()))
            .map_err(pq)?;
    for group in records.chunks(ROW_GROUP) {
        let mut rg = writer.next_row_group().map_err(pq)?;
        let mut k = 0;
        while let Some(mut col) = rg.next_column().map_err(pq)? {
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
                        .map_err(pq)?;
                }
                Field::Num(n) => {
                    let defs: Vec<i16> = group
                        .iter()
                        .map(|r| i16::from(r.get(n).is_some()))
                        .collect();
                    let values: Vec<f64> = group.iter().filter_map(|r| r.get(n)).collect();
                    col.typed::<DoubleType>()
                        .write_batch(&values, Some(&defs), None)
                        .map_err(pq)?;
                }
            }
            col.close().map_err(pq)?;
            k += 1;
        }
        rg.close().map_err(pq)?;
    }
    writer.close().map_err(pq)?;
    Ok(())
}
