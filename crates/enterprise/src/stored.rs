//! Index builds over stored survey data: load a year or a panel, build it with a framework, and store
//! the results with a manifest from which the build can be repeated.

use kechuang_engine::{Build, BuildOptions, Framework};
use kechuang_store::{NewBuild, ResultDetail, ResultRow, Store};
use rayon::prelude::*;

use crate::dataset;
use crate::packed::{self, ResultCodes};

/// Why a stored build failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] kechuang_store::Error),
    /// The framework cannot be built on this data.
    #[error("{0}")]
    Engine(#[from] kechuang_engine::Error),
    /// There is nothing to build.
    #[error("the store holds no survey records for {0}")]
    NoData(String),
    /// A stored result row does not decode (written by another version, or damaged).
    #[error(
        "the stored {column} of {credit_code} in {year} cannot be read ({message}); rebuild the index"
    )]
    Undecodable {
        /// The enterprise.
        credit_code: String,
        /// The year.
        year: i32,
        /// `values` or `facts`.
        column: &'static str,
        /// The decoder's message.
        message: String,
    },
    /// A build's result codes do not read, so none of its packed rows can.
    #[error("the result codes of build {build_id} cannot be read ({message}); rebuild the index")]
    UnreadableCodes {
        /// The build.
        build_id: i64,
        /// The decoder's message.
        message: String,
    },
}

/// Reads a stored result row back into what a portrait uses: the counterpart of
/// [`ResultRows::row`]. `codes` are the row's build's ([`result_codes`]); rows written before
/// packed results need none. A row that does not decode is an error naming it, never empty facts.
pub fn decode_result(
    row: &ResultRow,
    codes: Option<&ResultCodes>,
) -> Result<kechuang_portrait::StoredResult, Error> {
    let undecodable = |column: &'static str, message: String| Error::Undecodable {
        credit_code: row.credit_code.clone(),
        year: row.year,
        column,
        message,
    };
    match &row.detail {
        ResultDetail::Packed(bytes) => {
            let codes = codes
                .ok_or_else(|| undecodable("packed", "the build has no result codes".into()))?;
            let unpacked =
                packed::unpack(codes, bytes).map_err(|e| undecodable("packed", e.to_string()))?;
            Ok(kechuang_portrait::StoredResult {
                score: row.score,
                values: unpacked.values,
                facts: unpacked.facts,
            })
        }
        ResultDetail::Json { values, facts, .. } => Ok(kechuang_portrait::StoredResult {
            score: row.score,
            values: serde_json::from_str(values)
                .map_err(|e| undecodable("values", e.to_string()))?,
            facts: serde_json::from_str(facts).map_err(|e| undecodable("facts", e.to_string()))?,
        }),
    }
}

/// The codes a build's packed result rows are read with; `None` for a build whose rows are JSON
/// (stored before packed results).
pub async fn result_codes(store: &Store, build_id: i64) -> Result<Option<ResultCodes>, Error> {
    match store.result_codes(build_id).await? {
        Some(text) => ResultCodes::parse(&text)
            .map(Some)
            .map_err(|e| Error::UnreadableCodes {
                build_id,
                message: e.to_string(),
            }),
        None => Ok(None),
    }
}

/// A finished, stored build.
pub struct StoredBuild {
    /// The engine's build.
    pub build: Build,
    /// Its id in the store.
    pub id: i64,
    /// The years built.
    pub years: Vec<i32>,
    /// Survey records loaded.
    pub input_rows: usize,
}

/// Builds `framework` over the stored records of `years` (every stored year when empty) and stores
/// the results. `options` is passed to the engine (keep stages to write them out afterwards).
pub async fn build_from_store(
    store: &Store,
    framework: &Framework,
    years: &[i32],
    user: &str,
    options: BuildOptions<'_>,
) -> Result<StoredBuild, Error> {
    build_from_store_noting(store, framework, years, user, options, None).await
}

/// [`build_from_store`] of every stored year after survey round `round` closed: the manifest
/// records the round (`"round": id`).
pub async fn build_from_store_for_round(
    store: &Store,
    framework: &Framework,
    user: &str,
    options: BuildOptions<'_>,
    round: i64,
) -> Result<StoredBuild, Error> {
    build_from_store_noting(store, framework, &[], user, options, Some(round)).await
}

async fn build_from_store_noting(
    store: &Store,
    framework: &Framework,
    years: &[i32],
    user: &str,
    options: BuildOptions<'_>,
    round: Option<i64>,
) -> Result<StoredBuild, Error> {
    let years = if years.is_empty() {
        store.years().await?
    } else {
        years.to_vec()
    };
    // The year before the first is loaded too (when stored) for growth rates, then left out.
    let stored_years = store.years().await?;
    let mut load = years.clone();
    if let Some(&first) = years.iter().min()
        && stored_years.contains(&(first - 1))
        && !load.contains(&(first - 1))
    {
        load.push(first - 1);
        load.sort_unstable();
    }
    let progress = |phase: &str| {
        if let Some(p) = options.progress {
            p(phase)
        }
    };
    progress("load the records");
    let records = store.load_years(&load).await?;
    progress("make the dataset");
    if !records.iter().any(|r| years.contains(&r.year)) {
        return Err(Error::NoData(if years.is_empty() {
            "any year".into()
        } else {
            format!("{years:?}")
        }));
    }
    let all = dataset(&records);
    let rows: Vec<usize> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| years.contains(&r.year))
        .map(|(i, _)| i)
        .collect();
    let input_rows = rows.len();
    let data = if rows.len() == records.len() {
        all
    } else {
        all.select_rows(&rows)
    };
    drop(records);
    // Stages are kept so that each indicator's real value (before normalisation) is stored too.
    let build = Build::run(
        framework,
        data,
        BuildOptions {
            keep_stages: true,
            ..options
        },
    )?;
    let manifest = serde_json::json!({
        "engine_version": kechuang_engine::VERSION,
        "framework_id": framework.id,
        "framework_version": framework.version,
        "years": years,
        "input_rows": input_rows,
        "units_built": build.rows.len(),
        "store": store.kind(),
        "warnings": build.records.warnings,
        "settings": framework,
        "round": round,
    });
    progress("prepare the facts");
    let rows = ResultRows::new(&build);
    progress("store the results");
    let new = NewBuild {
        framework_id: framework.id.clone(),
        framework_version: framework.version.clone(),
        years: years.clone(),
        user_name: user.to_string(),
        manifest,
        result_codes: Some(rows.codes().to_text()),
    };
    let id = store
        .save_build_rows(&new, build.rows.len(), |range| {
            range.into_par_iter().map(|u| rows.row(u)).collect()
        })
        .await?;
    drop(rows);
    progress("stored");
    Ok(StoredBuild {
        build,
        id,
        years,
        input_rows,
    })
}

/// A build's results as stored rows: the index score and rank within the year, every node's score,
/// (when the build kept its stages) each indicator's value after denominate and impute, and the
/// portrait facts, packed ([`packed`]). Made a row at a time, as they are stored.
pub struct ResultRows<'a> {
    build: &'a Build,
    times: Vec<i32>,
    facts: kechuang_portrait::facts::YearFacts<'a>,
    before_treatment: Option<&'a kechuang_engine::Stage>,
    /// By input row: its place in `before_treatment` (`u32::MAX` for none); a vector, as every
    /// row is looked up once (a hash map of a million rows was a tenth of the stored build).
    position: Vec<u32>,
    codes: ResultCodes,
}

impl<'a> ResultRows<'a> {
    /// Computes what the rows share (the facts need the whole year).
    pub fn new(build: &'a Build) -> ResultRows<'a> {
        let times = build
            .units
            .times
            .clone()
            .unwrap_or_else(|| vec![0; build.rows.len()]);
        let facts = kechuang_portrait::facts::YearFacts::new(build);
        let before_treatment = ["imputed", "denominated", "raw"]
            .iter()
            .find_map(|name| build.stages.iter().find(|s| s.name == *name));
        let mut position = Vec::new();
        if let Some(stage) = before_treatment {
            position = vec![u32::MAX; stage.rows.iter().max().map_or(0, |&r| r + 1)];
            for (p, &r) in stage.rows.iter().enumerate() {
                position[r] = p as u32;
            }
        }
        let codes = ResultCodes {
            format: packed::FORMAT,
            nodes: build
                .framework
                .nodes
                .iter()
                .map(|n| n.code.clone())
                .collect(),
            values: before_treatment
                .map(|s| s.codes.clone())
                .unwrap_or_default(),
        };
        ResultRows {
            build,
            times,
            facts,
            before_treatment,
            position,
            codes,
        }
    }

    /// The codes the rows are read with, stored with the build.
    pub fn codes(&self) -> &ResultCodes {
        &self.codes
    }

    /// The row of unit `u`.
    pub fn row(&self, u: usize) -> ResultRow {
        let build = self.build;
        let scores: Vec<f64> = build.scores.iter().map(|column| column[u]).collect();
        let score = build.scores[build.framework.root()][u];
        let place = self
            .position
            .get(build.rows[u])
            .filter(|&&p| p != u32::MAX)
            .map(|&p| p as usize);
        let values: Vec<f64> = match (self.before_treatment, place) {
            (Some(stage), Some(p)) => stage.columns.iter().map(|c| c[p]).collect(),
            _ => vec![f64::NAN; self.codes.values.len()],
        };
        ResultRow {
            credit_code: build.units.codes[u].clone(),
            year: self.times[u],
            score: (!score.is_nan()).then_some(score),
            rank: build.ranks[u].map(i64::from),
            detail: ResultDetail::Packed(packed::pack_unit(
                build,
                &scores,
                &values,
                &self.facts.unit(u),
            )),
        }
    }
}

/// Every result row at once (for tests and small builds; the store writes them a chunk at a time).
pub fn result_rows(build: &Build) -> Vec<ResultRow> {
    let rows = ResultRows::new(build);
    (0..build.rows.len()).map(|u| rows.row(u)).collect()
}

#[cfg(test)]
mod tests {
    use kechuang_store::BatchMeta;
    use kechuang_synthetic::region::{RegionSpec, region};

    use super::*;
    use crate::shipped_framework;

    #[test]
    fn stored_data_builds_and_results_come_back_ranked() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let dir = tempfile::tempdir().expect("tmp");
            let store = Store::open(dir.path().join("s.db").to_str().expect("utf8"))
                .await
                .expect("open");
            let fw = shipped_framework("survey-basic").expect("framework");
            assert!(matches!(
                build_from_store(&store, &fw, &[], "t", BuildOptions::default()).await,
                Err(Error::NoData(_))
            ));
            let records = region(&RegionSpec {
                enterprises: 200,
                years: vec![2024, 2025],
                seed: 5,
            });
            let meta = BatchMeta {
                file_name: "x".into(),
                sha256: String::new(),
                user_name: "t".into(),
                warnings: 0,
            };
            store
                .import(&meta, &records, &|_| true)
                .await
                .expect("import");
            let b = build_from_store(&store, &fw, &[2025], "analyst", BuildOptions::default())
                .await
                .expect("build");
            assert_eq!(b.years, vec![2025]);
            assert_eq!(
                b.input_rows,
                records.iter().filter(|r| r.year == 2025).count()
            );
            let rows = store.results(b.id, 2025).await.expect("results");
            assert_eq!(rows.len(), b.input_rows);
            assert_eq!(rows[0].rank, Some(1));
            let best = b
                .build
                .ranks
                .iter()
                .position(|r| *r == Some(1))
                .expect("a best unit");
            assert_eq!(rows[0].credit_code, b.build.units.codes[best]);
            let codes = result_codes(&store, b.id)
                .await
                .expect("codes")
                .expect("a packed build has codes");
            let ResultDetail::Packed(bytes) = &rows[0].detail else {
                panic!("a new build's rows are packed");
            };
            let unpacked = packed::unpack(&codes, bytes).expect("unpacks");
            assert_eq!(
                unpacked.scores["input"],
                b.build.score("input").expect("pillar")[best]
            );
            assert_eq!(unpacked.scores.len(), fw.nodes.len());
            // Every stored row reads back as the facts and values the build computed.
            let facts = kechuang_portrait::facts::compute(&b.build);
            for row in &rows {
                let u = b
                    .build
                    .units
                    .codes
                    .iter()
                    .position(|c| *c == row.credit_code)
                    .expect("unit");
                let decoded = decode_result(row, Some(&codes)).expect("decodes");
                assert_eq!(decoded.facts, facts[u], "{}", row.credit_code);
                assert_eq!(decoded.score, row.score);
                assert!(!decoded.values.is_empty());
                assert!(!decoded.facts.ranks.is_empty());
            }
            // Similar units against a search of the whole year (200 units: within the window),
            // by distance computed the plain way, ties by code.
            let build = &b.build;
            let pillars = &fw.nodes[fw.root()].children;
            let index = &build.scores[fw.root()];
            for u in (0..build.rows.len()).filter(|&u| !index[u].is_nan()) {
                let whole_year = (0..build.rows.len()).filter(|&v| !index[v].is_nan());
                let near = nearest_plainly(build, pillars, u, whole_year);
                let got: Vec<(f64, &String)> = facts[u]
                    .similar
                    .iter()
                    .map(|s| (s.distance, &s.code))
                    .collect();
                assert_eq!(got, near, "unit {u}");
            }
            // Rows packed from facts by position are the bytes of the facts packed by code.
            let rows = ResultRows::new(build);
            let year = kechuang_portrait::facts::YearFacts::new(build);
            let positions = rows.codes().positions();
            for u in 0..build.rows.len() {
                let ResultDetail::Packed(bytes) = rows.row(u).detail else {
                    panic!("packed");
                };
                let scores: Vec<f64> = build.scores.iter().map(|c| c[u]).collect();
                let stage = rows.before_treatment.expect("stages kept");
                let p = rows.position[build.rows[u]] as usize;
                let values: Vec<f64> = stage.columns.iter().map(|c| c[p]).collect();
                let by_code = packed::pack(&positions, scores, values, year.of(u));
                assert_eq!(bytes, by_code, "unit {u}");
            }
        });
    }

    #[test]
    fn a_stored_row_that_does_not_decode_is_an_error_naming_it() {
        let json = |values: &str, facts: &str| ResultRow {
            credit_code: "91120116MA05A00011".into(),
            year: 2025,
            score: Some(50.0),
            rank: Some(1),
            detail: ResultDetail::Json {
                scores: "{}".into(),
                values: values.into(),
                facts: facts.into(),
            },
        };
        // A row of an earlier version, as JSON, still reads.
        let old = json(
            r#"{"rd_intensity": 0.05}"#,
            r#"{"ranks":[],"pillars":[],"indicators":[],"similar":[],"distribution":[]}"#,
        );
        let decoded = decode_result(&old, None).expect("an earlier row reads");
        assert_eq!(decoded.values["rd_intensity"], 0.05);
        let e = decode_result(&json("{}", r#"{"ranks": "first"}"#), None)
            .expect_err("facts of another shape");
        let text = e.to_string();
        assert!(
            text.contains("facts of 91120116MA05A00011 in 2025") && text.contains("rebuild"),
            "{text}"
        );
        assert!(matches!(
            decode_result(&json(r#"{"rd_intensity": "high"}"#, "{}"), None),
            Err(Error::Undecodable {
                column: "values",
                ..
            })
        ));
        // Packed bytes need their build's codes, and damaged bytes are an error naming the row.
        let packed_row = ResultRow {
            detail: ResultDetail::Packed(vec![3, 1, 2]),
            ..old
        };
        for codes in [
            None,
            Some(&ResultCodes {
                format: packed::FORMAT,
                nodes: vec!["index".into()],
                values: vec![],
            }),
        ] {
            let e = decode_result(&packed_row, codes).expect_err("damaged");
            assert!(
                e.to_string()
                    .contains("packed of 91120116MA05A00011 in 2025"),
                "{e}"
            );
        }
    }

    #[test]
    fn a_build_whose_codes_do_not_read_is_an_error_naming_it() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let dir = tempfile::tempdir().expect("tmp");
            let store = Store::open(dir.path().join("s.db").to_str().expect("utf8"))
                .await
                .expect("open");
            let new = |codes: Option<&str>| NewBuild {
                framework_id: "f".into(),
                framework_version: "1".into(),
                years: vec![2025],
                user_name: "t".into(),
                manifest: serde_json::json!({}),
                result_codes: codes.map(String::from),
            };
            let damaged = store
                .save_build(&new(Some("[\"'<b>")), &[])
                .await
                .expect("save");
            let e = result_codes(&store, damaged)
                .await
                .expect_err("damaged codes");
            assert!(
                e.to_string().contains(&format!("build {damaged}"))
                    && e.to_string().contains("rebuild"),
                "{e}"
            );
            let json_build = store.save_build(&new(None), &[]).await.expect("save");
            assert!(
                result_codes(&store, json_build)
                    .await
                    .expect("none")
                    .is_none()
            );
        });
    }

    /// Past the window's reach (1,500 units in a year, 301 compared), the similar units are the
    /// five nearest by plain distance among the 150 on each side in index order, ties by code.
    #[test]
    fn similar_units_are_the_nearest_within_the_window() {
        let records = region(&RegionSpec {
            enterprises: 1_500,
            years: vec![2025],
            seed: 11,
        });
        let fw = shipped_framework("survey-basic").expect("framework");
        let build =
            Build::run(&fw, crate::dataset(&records), BuildOptions::default()).expect("build");
        let root = fw.root();
        let index = &build.scores[root];
        let pillars = &fw.nodes[root].children;
        let mut order: Vec<usize> = (0..build.rows.len())
            .filter(|&u| !index[u].is_nan())
            .collect();
        assert!(order.len() > 1_000, "{} scored", order.len());
        order.sort_by(|&a, &b| index[a].total_cmp(&index[b]));
        let year = kechuang_portrait::facts::YearFacts::new(&build);
        let codes = &build.units.codes;
        for (position, &u) in order.iter().enumerate() {
            let window = &order[position.saturating_sub(150)..(position + 151).min(order.len())];
            let near = nearest_plainly(&build, pillars, u, window.iter().copied());
            let got: Vec<(f64, &String)> = year
                .unit(u)
                .similar
                .iter()
                .map(|&(v, d)| (d, &codes[v]))
                .collect();
            assert_eq!(got, near, "unit {u} at {position}");
        }
    }

    /// The five units nearest to `u` among `candidates` by distance in pillar space computed the
    /// plain way (a square root of each sum), ties by code: what similar units must be.
    fn nearest_plainly<'b>(
        build: &'b Build,
        pillars: &[usize],
        u: usize,
        candidates: impl Iterator<Item = usize>,
    ) -> Vec<(f64, &'b String)> {
        let mut near: Vec<(f64, &String)> = candidates
            .filter(|&v| v != u)
            .map(|v| {
                let d2: f64 = pillars
                    .iter()
                    .map(|&p| (build.scores[p][v] - build.scores[p][u]).powi(2))
                    .sum();
                (d2.sqrt(), &build.units.codes[v])
            })
            .filter(|(d, _)| !d.is_nan())
            .collect();
        near.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        near.truncate(5);
        near
    }
}
