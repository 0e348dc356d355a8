//! The compact stored form of an index build's result rows: every node's score, each indicator's
//! value before treatment and the portrait facts of one enterprise-year, as postcard bytes whose
//! codes (node and indicator codes) are positions in the build's [`ResultCodes`], stored once with
//! the build. At a million enterprises the three JSON documents this replaces were 2.7 KB a row
//! and three quarters of a stored build's time; a packed row is about a third of that.

use std::collections::BTreeMap;

use kechuang_engine::Build;
use kechuang_portrait::facts::{Facts, GroupRank, PillarFact, SimilarFact, UnitFacts};
use serde::{Deserialize, Serialize};

/// The version of [`PackedRow`]'s layout, written into [`ResultCodes::format`].
pub const FORMAT: u32 = 1;

/// What a build's packed rows need to be read: the codes their positions stand for. Stored as
/// JSON with the build (`index_builds.result_codes`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultCodes {
    /// [`FORMAT`] when written.
    pub format: u32,
    /// Every node of the framework, in the order of each row's scores; also what the facts'
    /// pillar and indicator codes point into.
    pub nodes: Vec<String>,
    /// The indicators whose values before treatment are kept, in the order of each row's values.
    pub values: Vec<String>,
}

/// Why packed bytes could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The bytes are not a row of this layout.
    #[error("not a packed result row ({0})")]
    Bytes(#[from] postcard::Error),
    /// The build's codes are missing or of another format.
    #[error("{0}")]
    Codes(String),
    /// A position points past the build's codes.
    #[error("code position {0} is not among the build's {1} codes")]
    Position(usize, usize),
}

/// A pillar as written: its node's position, score, industry median and share scoring lower.
type PackedPillar = (u32, Option<f64>, Option<f64>, Option<f64>);

/// One row as written: positions instead of codes, NaN for a missing score or value.
#[derive(Serialize, Deserialize)]
struct PackedRow {
    scores: Vec<f64>,
    values: Vec<f64>,
    ranks: Vec<(String, String, u32, u32)>,
    pillars: Vec<PackedPillar>,
    indicators: Vec<(u32, f64)>,
    similar: Vec<(String, String, Option<f64>, f64)>,
    distribution: Vec<u32>,
}

/// A row read back.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Unpacked {
    /// Every node's score that is not missing: code → score.
    pub scores: BTreeMap<String, f64>,
    /// Each indicator's value before treatment that is not missing: code → value.
    pub values: BTreeMap<String, f64>,
    /// The portrait facts.
    pub facts: Facts,
}

impl ResultCodes {
    /// Reads the codes as stored with a build.
    pub fn parse(text: &str) -> Result<ResultCodes, Error> {
        let codes: ResultCodes = serde_json::from_str(text)
            .map_err(|e| Error::Codes(format!("the build's result codes do not read ({e})")))?;
        if codes.format != FORMAT {
            return Err(Error::Codes(format!(
                "the build's results are in format {}, this version reads format {FORMAT}",
                codes.format
            )));
        }
        Ok(codes)
    }

    /// The codes as stored with a build.
    pub fn to_text(&self) -> String {
        // Two lists of strings: serialising them cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A map from node code to position, for [`pack`].
    #[cfg(test)]
    pub(crate) fn positions(&self) -> std::collections::HashMap<String, u32> {
        self.nodes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), i as u32))
            .collect()
    }

    fn node(&self, position: u32) -> Result<String, Error> {
        self.nodes
            .get(position as usize)
            .cloned()
            .ok_or(Error::Position(position as usize, self.nodes.len()))
    }
}

/// Packs a row: `scores` in [`ResultCodes::nodes`] order and `values` in
/// [`ResultCodes::values`] order (NaN where missing); the facts' codes must be nodes (`positions`
/// from [`ResultCodes::positions`]). A facts code that is not a node is an engine defect; it is
/// left out rather than written wrong. The plain reading of the layout, by code: builds pack
/// with [`pack_unit`], which the tests hold to these bytes.
#[cfg(test)]
pub(crate) fn pack(
    positions: &std::collections::HashMap<String, u32>,
    scores: Vec<f64>,
    values: Vec<f64>,
    facts: Facts,
) -> Vec<u8> {
    let row = PackedRow {
        scores,
        values,
        ranks: facts
            .ranks
            .into_iter()
            .map(|r| (r.group, r.label, r.rank, r.of))
            .collect(),
        pillars: facts
            .pillars
            .iter()
            .filter_map(|p| {
                Some((
                    *positions.get(p.code.as_str())?,
                    p.score,
                    p.peer_median,
                    p.percentile,
                ))
            })
            .collect(),
        indicators: facts
            .indicators
            .iter()
            .filter_map(|(code, v)| Some((*positions.get(code.as_str())?, *v)))
            .collect(),
        similar: facts
            .similar
            .into_iter()
            .map(|s| (s.code, s.name, s.index, s.distance))
            .collect(),
        distribution: facts.distribution,
    };
    // Plain data into a vector: postcard cannot fail here.
    postcard::to_allocvec(&row).unwrap_or_default()
}

/// [`PackedRow`] as written from borrowed parts: the same fields in the same order and of types
/// postcard writes alike (a slice as a vector, `&str` as `String`), so the bytes are
/// `pack`'s (a test holds them to it).
#[derive(Serialize)]
struct PackedRowRef<'a> {
    scores: &'a [f64],
    values: &'a [f64],
    ranks: &'a [(&'static str, &'a str, u32, u32)],
    pillars: Vec<PackedPillar>,
    indicators: Vec<(u32, f64)>,
    similar: Vec<(&'a str, &'a str, Option<f64>, f64)>,
    distribution: &'a [u32],
}

/// `pack` of a unit's facts by position ([`UnitFacts`]) in `build`, whose framework's nodes
/// are the [`ResultCodes::nodes`]: nothing is copied or looked up by code (a million rows of
/// facts as codes and names, each looked up again to pack, were a third of a stored build).
pub fn pack_unit(build: &Build, scores: &[f64], values: &[f64], facts: &UnitFacts<'_>) -> Vec<u8> {
    let index = &build.scores[build.framework.root()];
    let row = PackedRowRef {
        scores,
        values,
        ranks: &facts.ranks,
        pillars: facts
            .pillars
            .iter()
            .map(|&(p, score, median, share)| (p as u32, score, median, share))
            .collect(),
        indicators: facts
            .indicators
            .iter()
            .map(|&(i, share)| (i as u32, share))
            .collect(),
        similar: facts
            .similar
            .iter()
            .map(|&(v, distance)| {
                (
                    build.units.codes[v].as_str(),
                    build.units.names[v].as_str(),
                    Some(index[v]),
                    distance,
                )
            })
            .collect(),
        distribution: facts.distribution,
    };
    // Plain data into a vector: postcard cannot fail here.
    postcard::to_extend(&row, Vec::with_capacity(1024)).unwrap_or_default()
}

/// Reads a packed row with its build's codes.
pub fn unpack(codes: &ResultCodes, bytes: &[u8]) -> Result<Unpacked, Error> {
    let row: PackedRow = postcard::from_bytes(bytes)?;
    let named = |names: &[String], values: Vec<f64>| -> Result<BTreeMap<String, f64>, Error> {
        if values.len() != names.len() {
            return Err(Error::Codes(format!(
                "a row has {} values where the build has {} codes",
                values.len(),
                names.len()
            )));
        }
        Ok(names
            .iter()
            .zip(values)
            .filter(|(_, v)| !v.is_nan())
            .map(|(c, v)| (c.clone(), v))
            .collect())
    };
    Ok(Unpacked {
        scores: named(&codes.nodes, row.scores)?,
        values: named(&codes.values, row.values)?,
        facts: Facts {
            ranks: row
                .ranks
                .into_iter()
                .map(|(group, label, rank, of)| GroupRank {
                    group,
                    label,
                    rank,
                    of,
                })
                .collect(),
            pillars: row
                .pillars
                .into_iter()
                .map(|(p, score, peer_median, percentile)| {
                    Ok(PillarFact {
                        code: codes.node(p)?,
                        score,
                        peer_median,
                        percentile,
                    })
                })
                .collect::<Result<_, Error>>()?,
            indicators: row
                .indicators
                .into_iter()
                .map(|(p, v)| Ok((codes.node(p)?, v)))
                .collect::<Result<_, Error>>()?,
            similar: row
                .similar
                .into_iter()
                .map(|(code, name, index, distance)| SimilarFact {
                    code,
                    name,
                    index,
                    distance,
                })
                .collect(),
            distribution: row.distribution,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes() -> ResultCodes {
        ResultCodes {
            format: FORMAT,
            nodes: ["rd", "patents", "input", "index"]
                .map(String::from)
                .to_vec(),
            values: ["rd", "patents"].map(String::from).to_vec(),
        }
    }

    fn facts() -> Facts {
        Facts {
            ranks: vec![GroupRank {
                group: "district".into(),
                label: "120116".into(),
                rank: 3,
                of: 40,
            }],
            pillars: vec![PillarFact {
                code: "input".into(),
                score: Some(61.25),
                peer_median: None,
                percentile: Some(0.1 + 0.2),
            }],
            indicators: vec![("patents".into(), 97.5), ("rd".into(), 0.0)],
            similar: vec![SimilarFact {
                code: "91120116MA05A00011".into(),
                name: "天津\"引号\"有限公司".into(),
                index: None,
                distance: 1e-300,
            }],
            distribution: vec![0, 1, 1_000_000, u32::MAX],
        }
    }

    #[test]
    fn a_row_reads_back_as_written_to_the_bit() {
        let codes = codes();
        let codes = ResultCodes::parse(&codes.to_text()).expect("codes");
        let bytes = pack(
            &codes.positions(),
            vec![0.1 + 0.2, f64::NAN, -0.0, 1.0 / 3.0],
            vec![f64::NAN, 5e-324],
            facts(),
        );
        let back = unpack(&codes, &bytes).expect("unpacks");
        assert_eq!(back.facts, facts());
        assert_eq!(
            back.scores.keys().collect::<Vec<_>>(),
            ["index", "input", "rd"]
        );
        assert_eq!(back.scores["rd"].to_bits(), (0.1f64 + 0.2).to_bits());
        assert_eq!(back.scores["input"].to_bits(), (-0.0f64).to_bits());
        assert_eq!(back.values.len(), 1);
        assert_eq!(back.values["patents"], 5e-324);
    }

    #[test]
    fn damaged_bytes_and_foreign_codes_are_errors_not_panics() {
        let codes = codes();
        let bytes = pack(&codes.positions(), vec![1.0; 4], vec![2.0; 2], facts());
        for cut in 0..bytes.len() {
            assert!(unpack(&codes, &bytes[..cut]).is_err(), "cut at {cut}");
        }
        // A row of another build's shape.
        let fewer = ResultCodes {
            nodes: vec!["rd".into()],
            ..codes.clone()
        };
        assert!(unpack(&fewer, &bytes).is_err());
        assert!(ResultCodes::parse(r#"{"format":2,"nodes":[],"values":[]}"#).is_err());
        assert!(ResultCodes::parse("[").is_err());
        // Garbage of every length.
        for n in 0..64u8 {
            let junk: Vec<u8> = (0..n).map(|i| i.wrapping_mul(37).wrapping_add(n)).collect();
            let _ = unpack(&codes, &junk);
        }
    }
}
