//! Stages: the data as it stood after each step of a build, kept or given to a sink.

use crate::error::{Error, Result};

/// The names a [`Stage`] can have, in the order a build can produce them (`rescaled`: the
/// aggregated scores after a framework's rescaling).
pub const STAGE_NAMES: [&str; 8] = [
    "raw",
    "denominated",
    "imputed",
    "screened",
    "treated",
    "normalised",
    "aggregated",
    "rescaled",
];

/// The data as it stood after one step.
#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    /// One of [`STAGE_NAMES`].
    pub name: &'static str,
    /// Input row of each unit in this stage.
    pub rows: Vec<usize>,
    /// Code of each unit in this stage.
    pub units: Vec<String>,
    /// Year of each unit in this stage, for panel data.
    pub times: Option<Vec<i32>>,
    /// Column codes: the indicators, and for `aggregated` every node of the framework.
    pub codes: Vec<String>,
    /// One column per code.
    pub columns: Vec<Vec<f64>>,
}

/// Takes a stage as the build makes it; an error stops the build.
pub type StageSink<'a> = &'a (dyn Fn(StageView<'_>) -> std::result::Result<(), String> + Sync);

/// A stage borrowed from the build: what a writer of stages needs.
#[derive(Debug, Clone, Copy)]
pub struct StageView<'a> {
    /// One of [`STAGE_NAMES`].
    pub name: &'static str,
    /// Code of each unit.
    pub units: &'a [String],
    /// Year of each unit, for panel data.
    pub times: Option<&'a [i32]>,
    /// Column codes.
    pub codes: &'a [String],
    /// One column per code.
    pub columns: &'a [Vec<f64>],
}

impl Stage {
    /// This stage, borrowed.
    pub fn view(&self) -> StageView<'_> {
        StageView {
            name: self.name,
            units: &self.units,
            times: self.times.as_deref(),
            codes: &self.codes,
            columns: &self.columns,
        }
    }
}

/// Gives a stage to the sink, its error as the build's.
pub(crate) fn give(sink: StageSink<'_>, stage: StageView<'_>) -> Result<()> {
    sink(stage).map_err(|message| Error::StageOutput {
        stage: stage.name.to_string(),
        message,
    })
}

pub(crate) fn concat_stages(per_year: Vec<Vec<Stage>>) -> Vec<Stage> {
    let mut it = per_year.into_iter();
    let Some(mut first) = it.next() else {
        return Vec::new();
    };
    for year in it {
        for (acc, s) in first.iter_mut().zip(year) {
            acc.rows.extend(s.rows);
            acc.units.extend(s.units);
            if let (Some(a), Some(b)) = (acc.times.as_mut(), s.times) {
                a.extend(b);
            }
            for (a, c) in acc.columns.iter_mut().zip(s.columns) {
                a.extend(c);
            }
        }
    }
    first
}
