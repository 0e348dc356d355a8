//! True line numbers for the records and errors of the csv crate's reader.
//!
//! The reader's own line count lags: the position it gives a record (and an error) is where it
//! began looking, before the line break and blank lines it then skipped. With CRLF line ends a
//! file's second record is "line 1", and every blank line above a record is missed, so an error
//! in a file saved on Windows named the wrong line. The byte it gives is right, so the line is
//! counted here from the bytes. Every CSV reader of this crate takes its lines from here.

use std::path::Path;

use crate::error::Error;

/// Counts the lines of CSV bytes up to the records the reader reports, which must be asked
/// for in file order (each count goes on from the last).
pub(crate) struct CsvLines<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    line: u64,
}

impl<'a> CsvLines<'a> {
    /// `bytes` as handed to the reader, whose first byte is on line `first_line`.
    pub(crate) fn new(bytes: &'a [u8], first_line: u64) -> Self {
        Self {
            bytes,
            counted_to: 0,
            line: first_line,
        }
    }

    /// The line of the record the reader placed at byte `from`: the first after the line
    /// breaks that follow it.
    pub(crate) fn at(&mut self, from: u64) -> u64 {
        let from = usize::try_from(from)
            .unwrap_or(usize::MAX)
            .min(self.bytes.len());
        let start = from
            + self.bytes[from..]
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
        let start = start.max(self.counted_to);
        self.line += memchr::memchr_iter(b'\n', &self.bytes[self.counted_to..start]).count() as u64;
        self.counted_to = start;
        self.line
    }

    /// The line a record read from these bytes starts on.
    pub(crate) fn of_record(&mut self, record: &csv::StringRecord) -> u64 {
        self.at(record.position().map_or(0, csv::Position::byte))
    }

    /// A reader's error in the file at `path`, on its true line.
    pub(crate) fn error(&mut self, path: &Path, e: &csv::Error) -> Error {
        match e.kind() {
            csv::ErrorKind::Io(_) => Error::Io {
                path: path.to_path_buf(),
                error: std::io::Error::other(e.to_string()),
            },
            _ => Error::Csv {
                path: path.to_path_buf(),
                line: self.at(e.position().map_or(0, csv::Position::byte)),
                message: e.to_string(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record_lines(text: &str) -> Vec<u64> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut lines = CsvLines::new(text.as_bytes(), 1);
        let mut record = csv::StringRecord::new();
        let mut out = Vec::new();
        while reader.read_record(&mut record).expect("csv") {
            out.push(lines.of_record(&record));
        }
        out
    }

    #[test]
    fn records_are_on_the_lines_an_editor_shows() {
        // What the reader itself says for the first: [1, 1, 2].
        assert_eq!(record_lines("h,a\r\nx,1\r\ny,2"), [1, 2, 3]);
        assert_eq!(record_lines("h,a\nx,1\n\ny,2\n"), [1, 2, 4]);
        assert_eq!(record_lines("\r\nh,a\r\n\r\nx,1\r\ny,2\r\n"), [2, 4, 5]);
        // A quoted line break belongs to its record; the next record is below it.
        assert_eq!(record_lines("h,a\r\n\"x\r\ny\",1\r\nz,2\r\n"), [1, 2, 4]);
        // A lone CR ends a record but is no line of its own to an editor that counts LF.
        assert_eq!(record_lines("h,a\rx,1\ny,2"), [1, 1, 2]);
    }

    #[test]
    fn errors_name_the_line_of_their_record() {
        let text = "h,a\r\nx,1\r\n\r\ny,2,3\r\n";
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let mut lines = CsvLines::new(text.as_bytes(), 1);
        let error = reader
            .records()
            .find_map(std::result::Result::err)
            .expect("unequal lengths");
        let error = lines.error(Path::new("m.csv"), &error);
        assert!(matches!(error, Error::Csv { line: 4, .. }), "{error:?}");
    }
}
