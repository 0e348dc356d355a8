//! Resumable Monte Carlo runs: every finished batch of replications is appended to a checkpoint file,
//! so a run that is stopped (Ctrl-C, a reboot) continues where it was, and a finished run can be
//! extended to more replications. Replication `r` always draws the same assumptions for a seed, so a
//! resumed run gives exactly the result of an uninterrupted one.
//!
//! The file is text: a header line, a fingerprint line (SHA-256 of the data file, the framework, the
//! assumptions, the seed and the unit count) and one line per replication, `r:rank,rank,…`. A line
//! cut short by an interruption is dropped on resumption; a fingerprint that does not match is an
//! error, never a silent restart, since mixing runs would corrupt the result.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use kechuang_engine::uncertainty::Analysis;
use sha2::{Digest, Sha256};

use crate::index::InvalidInput;

const HEADER: &str = "# kechuang uncertainty checkpoint v1";

/// Replications per batch between writes: small enough to lose little, large enough to keep the
/// threads busy.
const BATCH: usize = 64;

/// The identity of a run: what must be equal for replications to be combined.
pub fn fingerprint(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    crate::output::hex(&h.finalize())
}

/// Reads the replications a checkpoint holds: `0, 1, …` in order, up to the first line that is cut
/// short, malformed or out of sequence (batches are appended in order, so that is where a run stopped).
fn load(path: &Path, print: &str, units: usize) -> Result<Vec<Vec<u32>>> {
    let mut done = Vec::new();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(done),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let mut lines = text.split_inclusive('\n');
    let header = lines.next().unwrap_or_default().trim_end();
    let stored = lines.next().unwrap_or_default().trim_end();
    if header != HEADER {
        return Err(InvalidInput(format!(
            "{} is not a kechuang uncertainty checkpoint; choose another --checkpoint file",
            path.display()
        ))
        .into());
    }
    if stored.strip_prefix("# fingerprint ") != Some(print) {
        return Err(InvalidInput(format!(
            "{} belongs to another run (different data, framework, assumptions or seed); \
             delete it or choose another --checkpoint file",
            path.display()
        ))
        .into());
    }
    for line in lines {
        // A line without its newline was being written when the run stopped.
        let Some(line) = line.strip_suffix('\n') else {
            break;
        };
        let parsed = line.split_once(':').and_then(|(r, ranks)| {
            let r = r.parse::<usize>().ok()?;
            let ranks: Option<Vec<u32>> = ranks.split(',').map(|x| x.parse().ok()).collect();
            ranks.filter(|v| v.len() == units).map(|v| (r, v))
        });
        match parsed {
            Some((r, ranks)) if r == done.len() => done.push(ranks),
            _ => break,
        }
    }
    Ok(done)
}

fn write_line(out: &mut impl Write, r: usize, ranks: &[u32]) -> std::io::Result<()> {
    let body: Vec<String> = ranks.iter().map(u32::to_string).collect();
    writeln!(out, "{r}:{}", body.join(","))
}

/// Runs replications `0..replications`, taking what the checkpoint already holds and appending each
/// finished batch. Returns the ranks in replication order and how many were resumed.
pub fn run(
    analysis: &Analysis<'_>,
    path: &Path,
    print: &str,
    replications: usize,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<(Vec<Vec<u32>>, usize)> {
    let units = analysis.unit_count();
    let mut done = load(path, print, units)?;
    // Rewrite the file with only its valid lines, so appends follow a whole line.
    let tmp = path.with_extension("tmp");
    {
        let mut f = std::io::BufWriter::new(
            std::fs::File::create(&tmp).with_context(|| format!("writing {}", tmp.display()))?,
        );
        writeln!(f, "{HEADER}\n# fingerprint {print}")?;
        for (r, ranks) in done.iter().enumerate() {
            write_line(&mut f, r, ranks)?;
        }
        f.into_inner()
            .map_err(|e| e.into_error())?
            .sync_all()
            .with_context(|| format!("writing {}", tmp.display()))?;
    }
    std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
    let resumed = done.len().min(replications);
    let mut file = OpenOptions::new()
        .append(true)
        .open(path)
        .with_context(|| format!("writing {}", path.display()))?;
    progress(resumed);
    for start in (done.len()..replications).step_by(BATCH) {
        let end = (start + BATCH).min(replications);
        let ranks = analysis.replicate(start..end, &|k| progress(start + k))?;
        let mut buf = Vec::new();
        for (k, v) in ranks.iter().enumerate() {
            write_line(&mut buf, start + k, v)?;
        }
        file.write_all(&buf)
            .and_then(|()| file.sync_data())
            .with_context(|| format!("writing {}", path.display()))?;
        done.extend(ranks);
    }
    done.truncate(replications);
    Ok((done, resumed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_separate_their_parts() {
        assert_ne!(fingerprint(&[b"ab", b"c"]), fingerprint(&[b"a", b"bc"]));
        assert_eq!(fingerprint(&[b"x"]), fingerprint(&[b"x"]));
    }

    #[test]
    fn a_cut_line_and_whatever_follows_it_are_dropped() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("c.txt");
        std::fs::write(
            &path,
            format!("{HEADER}\n# fingerprint P\n0:1,2\n1:2,1\n2:1"),
        )
        .expect("w");
        let done = load(&path, "P", 2).expect("loads");
        assert_eq!(done, vec![vec![1, 2], vec![2, 1]]);
        assert!(
            load(&path, "Q", 2).is_err(),
            "another run's file is refused"
        );
        std::fs::write(&path, "not a checkpoint\n").expect("w");
        assert!(load(&path, "P", 2).is_err());
    }
}
