//! A small mutation fuzzer that runs on stable Rust inside `cargo test`: it takes real sample files
//! as seeds, mutates them (bytes, tokens, splices, extreme numbers; workbooks inside their zip
//! archive, so the XML parser is reached), and calls a parser on each input, bounded by a time
//! budget and an iteration count. A panic is a failure: the input is kept under
//! `target/fuzz-failures/` and the test fails naming it. The harnesses are in `tests/`; the test
//! binary caps its heap, so an input that makes a parser allocate without bound fails too.
//!
//! Deterministic for a given seed and budget only up to the number of iterations that fit in the
//! time; the seed is fixed per target so a failure found once is found again.

use std::io::{Read, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Tokens that parsers of CSV, TOML, JSON and XML tend to trip on.
const TOKENS: &[&str] = &[
    "\"",
    "'",
    ",",
    "\n",
    "\r\n",
    "\t",
    "\\",
    "=",
    "[",
    "]",
    "[[",
    "]]",
    "{",
    "}",
    "<",
    ">",
    "</",
    "&",
    "&#x0;",
    "%",
    "\u{feff}",
    "\u{0}",
    "-",
    "-1",
    "0",
    "NaN",
    "inf",
    "-inf",
    "1e308",
    "-1e308",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "4294967296",
    "99999999999999999999",
    "0.0000000001",
    "1900-02-29",
    "9999-12-31",
    "0000-00-00",
    "null",
    "true",
    "[]",
    "{}",
    "\"\"",
    "🦀",
    "科技",
    "研发费用",
    "91120116MA05A00011",
    "120116",
    "C3670",
];

/// How long each target runs: `KECHUANG_FUZZ_SECONDS` (CI sets it), else two seconds, so that a
/// developer's `cargo test` stays quick.
pub fn budget() -> Duration {
    let seconds = std::env::var("KECHUANG_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(2.0);
    Duration::from_secs_f64(seconds.min(3600.0))
}

/// The mutation engine.
pub struct Mutator {
    rng: SmallRng,
}

impl Mutator {
    /// A mutator with a fixed seed.
    pub fn new(seed: u64) -> Mutator {
        Mutator {
            rng: SmallRng::seed_from_u64(seed),
        }
    }

    /// A mutated copy of one of `seeds` (one to four mutations, sometimes spliced with another).
    pub fn mutate(&mut self, seeds: &[Vec<u8>]) -> Vec<u8> {
        let mut data = seeds[self.rng.random_range(0..seeds.len())].clone();
        for _ in 0..self.rng.random_range(1..=4) {
            self.once(&mut data, seeds);
        }
        data
    }

    fn once(&mut self, data: &mut Vec<u8>, seeds: &[Vec<u8>]) {
        let len = data.len();
        let at = |rng: &mut SmallRng| {
            if len == 0 {
                0
            } else {
                rng.random_range(0..len)
            }
        };
        match self.rng.random_range(0..9) {
            0 if len > 0 => {
                let i = at(&mut self.rng);
                data[i] ^= 1 << self.rng.random_range(0..8);
            }
            1 if len > 0 => {
                let i = at(&mut self.rng);
                data[i] = self.rng.random();
            }
            2 | 3 => {
                let token = TOKENS[self.rng.random_range(0..TOKENS.len())].as_bytes();
                let i = at(&mut self.rng);
                data.splice(i..i, token.iter().copied());
            }
            4 if len > 0 => {
                let i = at(&mut self.rng);
                let n = self.rng.random_range(1..=len.clamp(1, 64));
                data.drain(i..(i + n).min(len));
            }
            5 if len > 0 => {
                // Duplicate a chunk: many rows, many columns, deep nesting.
                let i = at(&mut self.rng);
                let n = self.rng.random_range(1..=(len - i).min(256));
                let chunk: Vec<u8> = data[i..i + n].to_vec();
                let times = self.rng.random_range(1..=16);
                for _ in 0..times {
                    data.splice(i..i, chunk.iter().copied());
                }
            }
            6 => {
                // Splice with another seed.
                let other = &seeds[self.rng.random_range(0..seeds.len())];
                if !other.is_empty() {
                    let from = self.rng.random_range(0..other.len());
                    let i = at(&mut self.rng);
                    data.truncate(i);
                    data.extend_from_slice(&other[from..]);
                }
            }
            7 => {
                // Replace a run of digits by an extreme number.
                if let Some(i) = (0..8)
                    .map(|_| at(&mut self.rng))
                    .find(|&i| data.get(i).is_some_and(u8::is_ascii_digit))
                {
                    let end = (i..data.len())
                        .find(|&j| !data[j].is_ascii_digit())
                        .unwrap_or(data.len());
                    let extreme = ["0", "-1", "1e308", "99999999999999999999", "NaN", ""]
                        [self.rng.random_range(0..6)];
                    data.splice(i..end, extreme.bytes());
                }
            }
            _ => {
                let i = at(&mut self.rng);
                data.truncate(i);
            }
        }
    }

    /// A mutated workbook: one or two of its XML parts mutated as text, the archive rebuilt
    /// (stored, so it stays a valid zip and the XML parser sees the mutation).
    pub fn mutate_zip(&mut self, workbooks: &[Vec<u8>]) -> Vec<u8> {
        let book = &workbooks[self.rng.random_range(0..workbooks.len())];
        let Ok(mut zip) = zip::ZipArchive::new(std::io::Cursor::new(book.as_slice())) else {
            return book.clone();
        };
        let mut parts = Vec::new();
        for i in 0..zip.len() {
            let Ok(mut entry) = zip.by_index(i) else {
                continue;
            };
            let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
            let mut bytes = Vec::new();
            if entry.read_to_end(&mut bytes).is_ok() {
                parts.push((name, bytes));
            }
        }
        if parts.is_empty() {
            return book.clone();
        }
        for _ in 0..self.rng.random_range(1..=2) {
            // Mostly the sheets and shared strings, where user data lives.
            let pick = if self.rng.random_bool(0.8) {
                parts
                    .iter()
                    .position(|(n, _)| {
                        n.contains("worksheets/sheet") || n.ends_with("sharedStrings.xml")
                    })
                    .unwrap_or(0)
            } else {
                self.rng.random_range(0..parts.len())
            };
            let seeds = vec![parts[pick].1.clone()];
            parts[pick].1 = self.mutate(&seeds);
        }
        let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, bytes) in &parts {
            if out.start_file(name.as_str(), stored).is_err() || out.write_all(bytes).is_err() {
                return book.clone();
            }
        }
        out.finish()
            .map(|c| c.into_inner())
            .unwrap_or_else(|_| book.clone())
    }
}

/// What a run did.
#[derive(Debug, Clone, Copy)]
pub struct Report {
    /// Inputs tried.
    pub iterations: u64,
}

/// Calls `target` on mutated inputs until the budget is spent (or `max_iterations`), starting
/// with every seed unchanged. Panics — failing the test — on the first input that makes `target`
/// panic, after writing that input to `target/fuzz-failures/NAME-N.bin`.
pub fn run(
    name: &str,
    seed: u64,
    max_iterations: u64,
    mut next: impl FnMut(&mut Mutator) -> Vec<u8>,
    seeds: &[Vec<u8>],
    target: impl Fn(&[u8]),
) -> Report {
    let deadline = Instant::now() + budget();
    let mut mutator = Mutator::new(seed);
    let mut iterations = 0u64;
    let check = |input: &[u8], iterations: u64| {
        if catch_unwind(AssertUnwindSafe(|| target(input))).is_err() {
            let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/fuzz-failures");
            let _ = std::fs::create_dir_all(&dir);
            let path = dir.join(format!("{name}-{iterations}.bin"));
            let _ = std::fs::write(&path, input);
            panic!(
                "{name}: input {iterations} made the parser panic; kept in {}",
                path.display()
            );
        }
    };
    for s in seeds {
        check(s, iterations);
        iterations += 1;
    }
    let started = Instant::now();
    while iterations < max_iterations && Instant::now() < deadline {
        let input = next(&mut mutator);
        check(&input, iterations);
        iterations += 1;
    }
    // Shown with --nocapture (and by CI's log of the fuzz step).
    eprintln!(
        "fuzz {name}: {iterations} inputs in {:.1} s, no panic",
        started.elapsed().as_secs_f64()
    );
    Report { iterations }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_change_inputs_and_are_repeatable() {
        let seeds = vec![b"a,b,c\n1,2,3\n".to_vec()];
        let (mut a, mut b) = (Mutator::new(7), Mutator::new(7));
        let xs: Vec<Vec<u8>> = (0..50).map(|_| a.mutate(&seeds)).collect();
        let ys: Vec<Vec<u8>> = (0..50).map(|_| b.mutate(&seeds)).collect();
        assert_eq!(xs, ys);
        assert!(xs.iter().filter(|x| **x != seeds[0]).count() > 40);
    }

    #[test]
    #[should_panic(expected = "made the parser panic")]
    fn a_panicking_parser_fails_the_run() {
        let seeds = vec![b"12345".to_vec()];
        run(
            "self-test",
            1,
            1_000,
            |m| m.mutate(&seeds),
            &seeds,
            |input| assert!(!input.contains(&b'-'), "a minus sign"),
        );
    }
}
