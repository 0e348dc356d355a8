//! What `index build` writes: the choice of format and stages, and the stages written as the
//! build makes them.

use std::path::PathBuf;

use anyhow::Result;
use kechuang_engine::STAGE_NAMES;
use kechuang_tabular::{write_stage_csv, write_stage_parquet};

use crate::args::{BuildArgs, TableFormat};
use crate::index::InvalidInput;
use crate::output::OutputDir;

/// What `index build` writes besides the results: the file format and the stages.
pub struct Written {
    pub(crate) format: TableFormat,
    /// The stages chosen by `--stages`; `None` for every stage.
    stages: Option<Vec<String>>,
}

impl Written {
    /// Checks `--stages` before anything is read or built.
    pub fn from_args(args: &BuildArgs) -> Result<Written> {
        let stages = match &args.stages {
            None => None,
            Some(names) => {
                let mut chosen = Vec::new();
                for name in names.iter().map(|n| n.trim()).filter(|n| *n != "none") {
                    if !STAGE_NAMES.contains(&name) {
                        return Err(InvalidInput(format!(
                            "--stages: no stage is called '{name}' (the stages: {}, or none)",
                            STAGE_NAMES.join(", ")
                        ))
                        .into());
                    }
                    chosen.push(name.to_string());
                }
                Some(chosen)
            }
        };
        Ok(Written {
            format: args.format,
            stages,
        })
    }

    /// Whether the build must keep a copy of the data after each step.
    pub(crate) fn keeps_stages(&self) -> bool {
        self.stages.as_ref().is_none_or(|s| !s.is_empty())
    }

    pub(crate) fn writes(&self, stage: &str) -> bool {
        self.stages
            .as_ref()
            .is_none_or(|s| s.iter().any(|n| n == stage))
    }

    /// The stages to write with the results from the build's scores, in one pass that formats
    /// each number once, instead of as the build gives them out: CSV only (Parquet stores numbers
    /// as they are), and only when the stages are not kept for a workbook.
    pub(crate) fn held_in_scores(
        &self,
        framework: &kechuang_engine::Framework,
        streamed: bool,
    ) -> Vec<&'static str> {
        if self.format != TableFormat::Csv || !streamed {
            return Vec::new();
        }
        framework
            .stages_held_in_scores()
            .into_iter()
            .filter(|n| self.writes(n))
            .collect()
    }

    pub(crate) fn extension(&self) -> &'static str {
        match self.format {
            TableFormat::Csv => "csv",
            TableFormat::Parquet => "parquet",
        }
    }

    /// The options naming this choice, for the manifest's rebuild command.
    pub(crate) fn as_args(&self) -> String {
        let mut args = String::new();
        if self.format == TableFormat::Parquet {
            args.push_str(" --format parquet");
        }
        if let Some(stages) = &self.stages {
            let list = if stages.is_empty() {
                "none".to_string()
            } else {
                stages.join(",")
            };
            args.push_str(&format!(" --stages {list}"));
        }
        args
    }
}

/// Writes a stage the build gives out, when `--stages` asks for it, into `out`.
pub(crate) struct StageWriter<'a> {
    pub(crate) out: &'a OutputDir,
    pub(crate) written: &'a Written,
    /// Stages left to be written with the results, from the build's scores.
    pub(crate) held: &'a [&'static str],
    /// The files written with their digests, in the order the build gave the stages.
    pub(crate) paths: std::sync::Mutex<Vec<(PathBuf, kechuang_tabular::OutputDigest)>>,
    /// The first failure, kept whole (the build carries only its message).
    pub(crate) failure: std::sync::Mutex<Option<anyhow::Error>>,
}

impl StageWriter<'_> {
    pub(crate) fn take(
        &self,
        stage: kechuang_engine::StageView<'_>,
    ) -> std::result::Result<(), String> {
        if !self.written.writes(stage.name) || self.held.contains(&stage.name) {
            return Ok(());
        }
        let path = self
            .out
            .path()
            .join(format!("{}.{}", stage.name, self.written.extension()));
        let wrote = match self.written.format {
            TableFormat::Csv => write_stage_csv(&stage, &path),
            TableFormat::Parquet => write_stage_parquet(&stage, &path),
        };
        match wrote {
            Ok(digest) => {
                self.paths
                    .lock()
                    .map_err(|e| e.to_string())?
                    .push((path, digest));
                Ok(())
            }
            Err(e) => {
                let message = e.to_string();
                if let Ok(mut failure) = self.failure.lock() {
                    failure.get_or_insert(e.into());
                }
                Err(message)
            }
        }
    }
}
