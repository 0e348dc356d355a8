//! The fast cut of a data file's piece into lines and cells, for the text nearly every file
//! holds; the csv reader reads what it cannot.

/// `bytes` as text when it may be cut at line breaks: UTF-8, with a carriage return only before
/// a line break (the csv reader ends a record at a lone one).
pub(super) fn plain_text(bytes: &[u8]) -> Option<&str> {
    let plain = memchr::memchr_iter(b'\r', bytes).all(|i| bytes.get(i + 1) == Some(&b'\n'));
    plain.then(|| std::str::from_utf8(bytes).ok()).flatten()
}

/// A line's cells, cut at commas, a cell's quotes removed where it is quoted whole (`"Unit 1"`,
/// as R and spreadsheets write text); `None` where the csv reader must read it: a quote that
/// does not open and close a cell, a doubled quote, an unclosed quote (the cell goes on to the
/// next line). A quoted comma is part of its cell.
pub(super) fn plain_cells<'a>(line: &'a str, cells: &mut Vec<&'a str>) -> Option<()> {
    let bytes = line.as_bytes();
    // One search over the line for its commas and quotes, not one a cell: a cell is a few bytes,
    // shorter than a vector, where a search's set-up costs more than it finds.
    let mut at = 0;
    if memchr::memchr(b'"', bytes).is_none() {
        for comma in memchr::memchr_iter(b',', bytes) {
            cells.push(&line[at..comma]);
            at = comma + 1;
        }
        cells.push(&line[at..]);
        return Some(());
    }
    // `at`: where the cell begins; `quoted`: its opening quote was seen; `after_quote`: its
    // closing quote was, so the next byte ends it.
    let (mut quoted, mut after_quote) = (false, None);
    for i in memchr::memchr2_iter(b',', b'"', bytes) {
        if let Some(close) = after_quote {
            if i != close + 1 || bytes[i] != b',' {
                return None;
            }
            after_quote = None;
            at = i + 1;
            continue;
        }
        match (bytes[i], quoted) {
            (b'"', true) => {
                cells.push(&line[at + 1..i]);
                quoted = false;
                after_quote = Some(i);
            }
            (b'"', false) if i == at => quoted = true,
            (b'"', false) => return None,
            (_, true) => {}
            (_, false) => {
                cells.push(&line[at..i]);
                at = i + 1;
            }
        }
    }
    match after_quote {
        Some(close) if close + 1 == bytes.len() => Some(()),
        Some(_) => None,
        None if quoted => None,
        None => {
            cells.push(&line[at..]);
            Some(())
        }
    }
}
