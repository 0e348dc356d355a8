//! The pipeline: runs a framework's steps over a dataset and keeps every stage and record.

use std::collections::HashMap;

use rayon::prelude::*;
use serde::Serialize;

use crate::dataset::Dataset;
use crate::error::{Error, Result};
use crate::framework::{Framework, Step};
use crate::methods::{Aggregation, Imputation, InvalidValues, PanelMode, Rescale, Weighting};
use crate::rank::{rank_within, year_keys};
pub use crate::stage::{STAGE_NAMES, Stage, StageSink, StageView};
use crate::stage::{concat_stages, give};
use crate::steps::{aggregate, impute, normalise, treat, weight};

/// Settings of one build that are not part of the framework.
#[derive(Clone, Copy, Default)]
pub struct BuildOptions<'a> {
    /// Keep a copy of the data after every step (needed to write the stages; costs memory).
    pub keep_stages: bool,
    /// Rank every aggregate, not only the index.
    pub rank_aggregates: bool,
    /// Called with the name of each step as it starts.
    pub progress: Option<&'a (dyn Fn(&str) + Sync)>,
    /// Given each stage as the build makes it, borrowed: a caller that writes the stages out
    /// needs no copies of the data (a per-year build still gathers each stage's years first).
    /// Stages given to the sink are not kept.
    pub stage_sink: Option<StageSink<'a>>,
}

/// A unit removed by screening.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreenedOut {
    /// Unit code.
    pub code: String,
    /// Year, for panel data.
    pub time: Option<i32>,
    /// Share of indicators it had.
    pub share: f64,
}

/// How many values of an indicator were imputed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Imputed {
    /// Indicator code.
    pub indicator: String,
    /// Year, for per-year builds of panel data.
    pub year: Option<i32>,
    /// Values filled.
    pub count: usize,
    /// Values still missing afterwards.
    pub still_missing: usize,
}

/// What treatment did to an indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Treated {
    /// Indicator code.
    pub indicator: String,
    /// Year, for per-year builds of panel data.
    pub year: Option<i32>,
    /// Details; `points` hold input rows.
    pub details: treat::ColumnTreatment,
    /// The winsorised points by unit code.
    pub points: Vec<TreatedPoint>,
}

/// A winsorised value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreatedPoint {
    /// Unit code.
    pub unit: String,
    /// Year, for panel data.
    pub time: Option<i32>,
    /// Which end it was at.
    pub side: treat::Side,
}

/// The weight a child had in its aggregate.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightUsed {
    /// Aggregate code.
    pub aggregate: String,
    /// Child code.
    pub child: String,
    /// Year, for per-year builds of panel data.
    pub year: Option<i32>,
    /// The weight as used (before renormalisation over missing children).
    pub weight: f64,
    /// For PCA weights, the share of variance the first component explains.
    pub pca_explained: Option<f64>,
}

/// Everything the steps recorded.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Records {
    /// Units removed by screening.
    pub screened_out: Vec<ScreenedOut>,
    /// Imputation counts.
    pub imputed: Vec<Imputed>,
    /// Treatment details.
    pub treated: Vec<Treated>,
    /// Weights used.
    pub weights: Vec<WeightUsed>,
    /// Things that did not stop the build but that a user should know.
    pub warnings: Vec<String>,
}

/// A finished build: scores of every node, ranks, stages and records.
#[derive(Debug, Clone)]
pub struct Build {
    /// The framework it was built with.
    pub framework: Framework,
    /// The units that survived screening: codes, names, times and groups (no numeric columns).
    pub units: Dataset,
    /// Input row of each unit.
    pub rows: Vec<usize>,
    /// One column per framework node (normalised indicators, then aggregates), per unit.
    pub scores: Vec<Vec<f64>>,
    /// Rank of each unit by the index within its year (1 = best, ties share the best rank).
    pub ranks: Vec<Option<u32>>,
    /// Ranks of every aggregate (node index, ranks), when asked for.
    pub aggregate_ranks: Vec<(usize, Vec<Option<u32>>)>,
    /// Ranks by the index within each group column (and year).
    pub group_ranks: Vec<(String, Vec<Option<u32>>)>,
    /// The stages, when kept.
    pub stages: Vec<Stage>,
    /// The records of every step.
    pub records: Records,
}

/// The working state between steps.
struct State {
    rows: Vec<usize>,
    meta: Dataset,
    indicators: Vec<Vec<f64>>,
    scores: Option<Vec<Vec<f64>>>,
    year: Option<i32>,
}

impl State {
    fn select(&self, keep: &[usize]) -> State {
        State {
            rows: keep.iter().map(|&r| self.rows[r]).collect(),
            meta: self.meta.select_rows(keep),
            indicators: self
                .indicators
                .iter()
                .map(|c| keep.iter().map(|&r| c[r]).collect())
                .collect(),
            scores: self.scores.as_ref().map(|s| {
                s.iter()
                    .map(|c| keep.iter().map(|&r| c[r]).collect())
                    .collect()
            }),
            year: self.year,
        }
    }

    fn scope(&self) -> String {
        self.year.map(|y| format!(" in {y}")).unwrap_or_default()
    }
}

struct Run<'a> {
    framework: &'a Framework,
    options: BuildOptions<'a>,
    stages: Vec<Stage>,
    /// Inside a per-year build: stages are gathered, a year at a time, before any is given out.
    gathering: bool,
    records: Records,
    weighting: Weighting,
}

impl Build {
    /// Runs the framework's pipeline on `data`, which it consumes so that steps can work in place.
    pub fn run(framework: &Framework, data: Dataset, options: BuildOptions<'_>) -> Result<Build> {
        data.validate()?;
        Self::run_validated(framework, data, options)
    }

    /// [`Build::run`] on data already validated (a Monte Carlo replication's copy of it).
    pub(crate) fn run_validated(
        framework: &Framework,
        data: Dataset,
        options: BuildOptions<'_>,
    ) -> Result<Build> {
        let mut state = initial_state(framework, data)?;
        let mut run = Run {
            framework,
            options,
            stages: Vec::new(),
            gathering: false,
            records: Records::default(),
            weighting: Weighting::Framework,
        };
        run.stage("raw", &state)?;
        let years = state.meta.years();
        let steps = &framework.steps;
        let state = if framework.panel == PanelMode::PerYear && years.len() > 1 {
            // Panel imputation needs every year, so the steps up to it run on the whole panel
            // (they are row-local or panel-wide by construction); the rest runs year by year.
            let split = steps
                .iter()
                .position(|s| {
                    matches!(
                        s,
                        Step::Impute {
                            imputation: Imputation::CarryForward | Imputation::Interpolate
                        }
                    )
                })
                .map_or(0, |p| p + 1);
            if let Some(bad) = steps[..split]
                .iter()
                .find(|s| matches!(s, Step::Treat { .. } | Step::Normalise { .. }))
            {
                return Err(Error::Step {
                    step: "impute",
                    message: format!(
                        "panel imputation must come before '{}' in a per-year build",
                        bad.name()
                    ),
                });
            }
            for s in &steps[..split] {
                state = run.step(s, state)?;
            }
            let times = state.meta.times.clone().unwrap_or_default();
            let mut per_year = Vec::with_capacity(years.len());
            let prefix_stages = run.stages.len();
            let mut year_stages: Vec<Vec<Stage>> = Vec::new();
            run.gathering = true;
            for &y in &years {
                let keep: Vec<usize> = (0..times.len()).filter(|&r| times[r] == y).collect();
                let mut sub = state.select(&keep);
                sub.year = Some(y);
                run.weighting = Weighting::Framework;
                for s in &steps[split..] {
                    sub = run.step(s, sub)?;
                }
                year_stages.push(run.stages.split_off(prefix_stages));
                per_year.push(sub);
            }
            run.gathering = false;
            for stage in concat_stages(year_stages) {
                match options.stage_sink {
                    Some(sink) => give(sink, stage.view())?,
                    None => run.stages.push(stage),
                }
            }
            concat_states(per_year)
        } else {
            for s in steps {
                state = run.step(s, state)?;
            }
            state
        };
        let mut scores = state.scores.unwrap_or_default();
        let times = state.meta.times.as_deref();
        if let Some(r) = &framework.rescale {
            rescale(
                framework,
                r,
                &state.meta,
                &mut scores,
                &mut run.records.warnings,
            )?;
            if let Some(sink) = options.stage_sink {
                let codes: Vec<String> = framework.nodes.iter().map(|n| n.code.clone()).collect();
                give(
                    sink,
                    StageView {
                        name: "rescaled",
                        units: &state.meta.codes,
                        times: state.meta.times.as_deref(),
                        codes: &codes,
                        columns: &scores,
                    },
                )?;
            } else if let Some(last) = run.stages.last().filter(|_| options.keep_stages) {
                let mut rescaled = last.clone();
                rescaled.name = "rescaled";
                rescaled.columns = scores.clone();
                run.stages.push(rescaled);
            }
        }
        let root = framework.root();
        // Ranks are given on the published score (rounded where the framework says so).
        let published = |a: usize| published_column(&scores[a], framework.nodes[a].decimals);
        let ranks = rank_within(&published(root), &year_keys(times, None));
        let aggregate_ranks = if options.rank_aggregates {
            (framework.indicator_count..root)
                .into_par_iter()
                .map(|a| (a, rank_within(&published(a), &year_keys(times, None))))
                .collect()
        } else {
            Vec::new()
        };
        let group_ranks = state
            .meta
            .groups
            .par_iter()
            .map(|g| {
                (
                    g.name.clone(),
                    rank_within(&published(root), &year_keys(times, Some(&g.codes))),
                )
            })
            .collect();
        Ok(Build {
            framework: framework.clone(),
            units: state.meta,
            rows: state.rows,
            scores,
            ranks,
            aggregate_ranks,
            group_ranks,
            stages: run.stages,
            records: run.records,
        })
    }

    /// A node's published scores: rounded to the node's `decimals` when it has them (the scores
    /// its ranks are given on), else the scores themselves.
    pub fn published(&self, node: usize) -> std::borrow::Cow<'_, [f64]> {
        published_column(&self.scores[node], self.framework.nodes[node].decimals)
    }

    /// The score column of a node by code.
    pub fn score(&self, code: &str) -> Option<&[f64]> {
        self.framework
            .node_index(code)
            .map(|i| self.scores[i].as_slice())
    }
}

fn initial_state(framework: &Framework, mut data: Dataset) -> Result<State> {
    let (denominators, groups) = framework.required_columns();
    for g in &groups {
        if data.group(g).is_none() {
            return Err(Error::MissingColumn { column: g.clone() });
        }
    }
    for d in &denominators {
        if data.column(d).is_none() {
            return Err(Error::MissingColumn { column: d.clone() });
        }
    }
    let mut indicators = Vec::with_capacity(framework.indicator_count);
    for node in framework.indicators() {
        let pos = data
            .columns
            .iter()
            .position(|c| c.code == node.code)
            .ok_or_else(|| Error::MissingColumn {
                column: node.code.clone(),
            })?;
        let values = if denominators.contains(&node.code) {
            data.columns[pos].values.clone()
        } else {
            data.columns.swap_remove(pos).values
        };
        if values.iter().all(|v| v.is_nan()) {
            return Err(Error::IndicatorWithoutData {
                indicator: node.code.clone(),
                scope: String::new(),
            });
        }
        indicators.push(values);
    }
    data.columns.retain(|c| denominators.contains(&c.code));
    Ok(State {
        rows: (0..data.len()).collect(),
        meta: data,
        indicators,
        scores: None,
        year: None,
    })
}

impl Run<'_> {
    fn stage(&mut self, name: &'static str, state: &State) -> Result<()> {
        let codes = |nodes: &[crate::framework::Node]| -> Vec<String> {
            nodes.iter().map(|n| n.code.clone()).collect()
        };
        if let (Some(sink), false) = (self.options.stage_sink, self.gathering) {
            let (codes, columns) = match &state.scores {
                Some(s) => (codes(&self.framework.nodes), s),
                None => (codes(self.framework.indicators()), &state.indicators),
            };
            return give(
                sink,
                StageView {
                    name,
                    units: &state.meta.codes,
                    times: state.meta.times.as_deref(),
                    codes: &codes,
                    columns,
                },
            );
        }
        let gathered_for_the_sink = self.gathering && self.options.stage_sink.is_some();
        if !self.options.keep_stages && !gathered_for_the_sink {
            return Ok(());
        }
        let (codes, columns) = match &state.scores {
            Some(s) => (
                self.framework
                    .nodes
                    .iter()
                    .map(|n| n.code.clone())
                    .collect(),
                s.clone(),
            ),
            None => (
                self.framework
                    .indicators()
                    .iter()
                    .map(|n| n.code.clone())
                    .collect(),
                state.indicators.clone(),
            ),
        };
        self.stages.push(Stage {
            name,
            rows: state.rows.clone(),
            units: state.meta.codes.clone(),
            times: state.meta.times.clone(),
            codes,
            columns,
        });
        Ok(())
    }

    fn step(&mut self, step: &Step, mut state: State) -> Result<State> {
        if let Some(p) = self.options.progress {
            p(step.name());
        }
        let fw = self.framework;
        let stage = match step {
            Step::Denominate => {
                for (k, node) in fw.indicators().iter().enumerate() {
                    let Some(d) = &node.denominator else { continue };
                    let Some(den) = state.meta.column(d) else {
                        continue;
                    };
                    let mut zero = 0;
                    for (v, q) in state.indicators[k].iter_mut().zip(&den.values) {
                        if *q == 0.0 {
                            zero += usize::from(!v.is_nan());
                            *v = f64::NAN;
                        } else {
                            *v /= q;
                        }
                    }
                    if zero > 0 {
                        self.records.warnings.push(format!(
                            "denominate: {zero} value(s) of '{}' set missing because '{d}' is zero{}",
                            node.code,
                            state.scope()
                        ));
                    }
                }
                "denominated"
            }
            Step::Screen { min_share } => {
                let k = state.indicators.len() as f64;
                let n = state.rows.len();
                let present = |r: usize| {
                    state.indicators.iter().filter(|c| !c[r].is_nan()).count() as f64 / k
                };
                let shares: Vec<f64> = (0..n).map(present).collect();
                let keep: Vec<usize> = (0..n).filter(|&r| shares[r] >= *min_share).collect();
                if keep.is_empty() {
                    return Err(Error::NoUnitsLeft {
                        threshold: *min_share,
                    });
                }
                if keep.len() < n {
                    for r in (0..n).filter(|&r| shares[r] < *min_share) {
                        self.records.screened_out.push(ScreenedOut {
                            code: state.meta.codes[r].clone(),
                            time: state.meta.times.as_ref().map(|t| t[r]),
                            share: shares[r],
                        });
                    }
                    state = state.select(&keep);
                }
                "screened"
            }
            Step::Impute { imputation } => {
                self.impute(imputation, &mut state)?;
                "imputed"
            }
            Step::Treat { treatment } => {
                let records: Vec<treat::ColumnTreatment> = state
                    .indicators
                    .par_iter_mut()
                    .zip(fw.indicators())
                    .map(|(col, node)| treat::column(col, node.treat.as_ref().unwrap_or(treatment)))
                    .collect();
                for (mut details, node) in records.into_iter().zip(fw.indicators()) {
                    let points = details
                        .points
                        .iter()
                        .map(|&(r, side)| TreatedPoint {
                            unit: state.meta.codes[r].clone(),
                            time: state.meta.times.as_ref().map(|t| t[r]),
                            side,
                        })
                        .collect();
                    details
                        .points
                        .iter_mut()
                        .for_each(|(r, _)| *r = state.rows[*r]);
                    self.records.treated.push(Treated {
                        indicator: node.code.clone(),
                        year: state.year,
                        details,
                        points,
                    });
                }
                "treated"
            }
            Step::Normalise { normaliser } => {
                self.normalise(normaliser, &mut state)?;
                "normalised"
            }
            Step::Weight { weighting } => {
                self.weighting = *weighting;
                return Ok(state);
            }
            Step::Aggregate {
                aggregation,
                min_share,
                invalid,
            } => {
                self.aggregate(*aggregation, *min_share, *invalid, &mut state)?;
                "aggregated"
            }
        };
        self.stage(stage, &state)?;
        Ok(state)
    }

    fn impute(&mut self, imputation: &Imputation, state: &mut State) -> Result<()> {
        let fw = self.framework;
        let counts: Vec<usize> = match imputation {
            Imputation::Mean | Imputation::Median => {
                let median = matches!(imputation, Imputation::Median);
                state
                    .indicators
                    .par_iter_mut()
                    .map(|c| impute::by_statistic(c, None, median))
                    .collect()
            }
            Imputation::GroupMean { group } | Imputation::GroupMedian { group } => {
                let median = matches!(imputation, Imputation::GroupMedian { .. });
                let g = state
                    .meta
                    .group(group)
                    .ok_or_else(|| Error::MissingColumn {
                        column: group.clone(),
                    })?;
                state
                    .indicators
                    .par_iter_mut()
                    .map(|c| impute::by_statistic(c, Some(&g.codes), median))
                    .collect()
            }
            Imputation::CarryForward | Imputation::Interpolate => {
                let Some(times) = &state.meta.times else {
                    return Err(Error::Step {
                        step: "impute",
                        message: "carry_forward and interpolate need a time (year) column".into(),
                    });
                };
                let mut by_unit: HashMap<&str, Vec<(usize, i32)>> = HashMap::new();
                for (r, code) in state.meta.codes.iter().enumerate() {
                    by_unit.entry(code).or_default().push((r, times[r]));
                }
                let mut series: Vec<Vec<(usize, i32)>> = by_unit.into_values().collect();
                series.iter_mut().for_each(|s| s.sort_by_key(|&(_, t)| t));
                let interpolate = matches!(imputation, Imputation::Interpolate);
                state
                    .indicators
                    .par_iter_mut()
                    .map(|c| impute::along_time(c, &series, interpolate))
                    .collect()
            }
        };
        for ((count, col), node) in counts
            .into_iter()
            .zip(&state.indicators)
            .zip(fw.indicators())
        {
            let still_missing = col.iter().filter(|v| v.is_nan()).count();
            self.records.imputed.push(Imputed {
                indicator: node.code.clone(),
                year: state.year,
                count,
                still_missing,
            });
        }
        Ok(())
    }

    fn normalise(&mut self, default: &crate::methods::Normaliser, state: &mut State) -> Result<()> {
        let fw = self.framework;
        let codes = &state.meta.codes;
        let scope = state.scope();
        let times = state.meta.times.as_deref();
        state
            .indicators
            .par_iter_mut()
            .zip(fw.indicators())
            .try_for_each(|(col, node)| {
                let method = node.normalise.as_ref().unwrap_or(default);
                if col.iter().all(|v| v.is_nan()) {
                    return Err(Error::IndicatorWithoutData {
                        indicator: node.code.clone(),
                        scope: scope.clone(),
                    });
                }
                let reference_rows = match method {
                    crate::methods::Normaliser::DistToRef { unit, year, .. } => {
                        Some(reference_rows(codes, times, unit, *year))
                    }
                    _ => None,
                };
                let cx = normalise::Context {
                    direction: node.direction,
                    target: node.target,
                    reference_rows: reference_rows.as_deref(),
                    transform: node.transform,
                };
                normalise::column(col, method, cx).map_err(|p| match p {
                    normalise::Problem::Degenerate(message) => Error::DegenerateNormalisation {
                        indicator: node.code.clone(),
                        message,
                        scope: scope.clone(),
                    },
                    normalise::Problem::OutOfDomain {
                        row,
                        value,
                        message,
                    } => Error::OutOfDomain {
                        step: "normalise",
                        node: node.code.clone(),
                        unit: codes[row].clone(),
                        value,
                        message,
                    },
                })
            })
    }

    fn aggregate(
        &mut self,
        default: Aggregation,
        min_share: f64,
        invalid: InvalidValues,
        state: &mut State,
    ) -> Result<()> {
        let fw = self.framework;
        let n = state.rows.len();
        let mut scores = std::mem::take(&mut state.indicators);
        scores.resize_with(fw.nodes.len(), Vec::new);
        for a in fw.indicator_count..fw.nodes.len() {
            let node = &fw.nodes[a];
            let level = fw.levels.get(&node.level);
            let method = node
                .aggregation
                .or_else(|| level.and_then(|l| l.aggregation))
                .unwrap_or(default);
            let (done, rest) = scores.split_at_mut(a);
            let children: Vec<&[f64]> = node.children.iter().map(|&c| done[c].as_slice()).collect();
            let equal =
                self.weighting == Weighting::Equal || level.is_some_and(|l| l.equal_weights);
            let mut explained = None;
            let weights: Vec<f64> = if self.weighting == Weighting::Pca {
                match weight::pca(&children) {
                    Some((w, e)) => {
                        explained = Some(e);
                        w
                    }
                    None => {
                        self.records.warnings.push(format!(
                            "weight: PCA undefined for '{}'{} (too few complete units or a constant child); equal weights used",
                            node.code,
                            state.scope()
                        ));
                        vec![1.0; children.len()]
                    }
                }
            } else if equal {
                vec![1.0; children.len()]
            } else {
                node.children.iter().map(|&c| fw.nodes[c].weight).collect()
            };
            for (&c, &w) in node.children.iter().zip(&weights) {
                self.records.weights.push(WeightUsed {
                    aggregate: node.code.clone(),
                    child: fw.nodes[c].code.clone(),
                    year: state.year,
                    weight: w,
                    pca_explained: explained,
                });
            }
            let mut out = vec![f64::NAN; n];
            let out_of_domain = |e: aggregate::DomainError| Error::AggregateOutOfDomain {
                aggregate: node.code.clone(),
                child: fw.nodes[node.children[e.child]].code.clone(),
                unit: state.meta.codes[e.row].clone(),
                scope: unit_year(state, e.row),
                value: e.value,
                message: e.message,
            };
            let passed =
                aggregate::columns(&children, &weights, method, min_share, invalid, &mut out)
                    .map_err(out_of_domain)?;
            self.note_passed_over(node, &passed, invalid, state);
            // Weight profiles (e.g. by stage): units of a profile's group take that profile's weights.
            if let (Some(wb), false, false) =
                (&fw.weights_by, self.weighting == Weighting::Pca, equal)
            {
                let group = state
                    .meta
                    .group(&wb.group)
                    .ok_or_else(|| Error::MissingColumn {
                        column: wb.group.clone(),
                    })?;
                for (label, profile) in &wb.profiles {
                    let pw: Vec<f64> = node.children.iter().map(|&c| profile[c]).collect();
                    if pw == weights {
                        continue;
                    }
                    let Some(code) = group.levels.iter().position(|l| l == label) else {
                        continue;
                    };
                    let mut alt = vec![f64::NAN; n];
                    aggregate::columns(&children, &pw, method, min_share, invalid, &mut alt)
                        .map_err(out_of_domain)?;
                    for (row, g) in group.codes.iter().enumerate() {
                        if *g == Some(code as u32) {
                            out[row] = alt[row];
                        }
                    }
                    for (&c, &w) in node.children.iter().zip(&pw) {
                        self.records.weights.push(WeightUsed {
                            aggregate: format!("{} [{}={label}]", node.code, wb.group),
                            child: fw.nodes[c].code.clone(),
                            year: state.year,
                            weight: w,
                            pca_explained: None,
                        });
                    }
                }
            }
            rest[0] = out;
        }
        state.scores = Some(scores);
        Ok(())
    }
}

/// A score rounded to `decimals` as publishers do (IEC 60559 and R: a tie goes to the even digit;
/// the tie is judged on the double as stored, so 0.285 — stored just below — gives 0.28).
pub fn round_published(x: f64, decimals: u8) -> f64 {
    let p = 10f64.powi(i32::from(decimals));
    let y = (x * p).round_ties_even() / p;
    // x·p may itself be rounded up onto a tie that x is not on; compare on the decimal side.
    let lower = (x * p).floor() / p;
    let upper = (x * p).ceil() / p;
    if (x - lower).abs() < (upper - x).abs() {
        lower
    } else if (upper - x).abs() < (x - lower).abs() {
        upper
    } else {
        y
    }
}

fn published_column(scores: &[f64], decimals: Option<u8>) -> std::borrow::Cow<'_, [f64]> {
    match decimals {
        None => std::borrow::Cow::Borrowed(scores),
        Some(d) => std::borrow::Cow::Owned(
            scores
                .iter()
                .map(|&x| if x.is_nan() { x } else { round_published(x, d) })
                .collect(),
        ),
    }
}

/// Every aggregate relative to a reference (`[rescale]`), over the whole build (all years).
fn rescale(
    fw: &Framework,
    method: &Rescale,
    units: &Dataset,
    scores: &mut [Vec<f64>],
    warnings: &mut Vec<String>,
) -> Result<()> {
    let times = units.times.as_deref();
    let n = units.codes.len();
    let year_of = |r: usize| times.map(|t| t[r]);
    let fail = |message: String| Error::Step {
        step: "rescale",
        message,
    };
    // For every row, the row whose score it is divided by.
    let (base_rows, scale): (Vec<Option<usize>>, f64) = match method {
        Rescale::Reference { unit, year, scale } => {
            if !units.codes.iter().any(|c| c == unit) {
                return Err(fail(format!(
                    "the reference unit '{unit}' is not in the data"
                )));
            }
            (reference_rows(&units.codes, times, unit, *year), *scale)
        }
        Rescale::BaseYear { year, scale } => {
            let Some(t) = times else {
                return Err(fail(
                    "base_year needs panel data (a Time column)".to_string(),
                ));
            };
            let base: HashMap<&str, usize> = (0..n)
                .filter(|&r| t[r] == *year)
                .map(|r| (units.codes[r].as_str(), r))
                .collect();
            if base.is_empty() {
                return Err(fail(format!("no unit has data in the base year {year}")));
            }
            (
                (0..n)
                    .map(|r| base.get(units.codes[r].as_str()).copied())
                    .collect(),
                *scale,
            )
        }
    };
    for (node, column) in fw
        .nodes
        .iter()
        .zip(scores.iter_mut())
        .skip(fw.indicator_count)
    {
        let code = &node.code;
        let original = column.clone();
        let mut without_base = 0;
        for r in 0..n {
            let base = base_rows[r].map_or(f64::NAN, |b| original[b]);
            let usable = base.is_finite() && base > 0.0;
            if !usable {
                if let Rescale::Reference { unit, .. } = method {
                    let when = base_rows[r]
                        .and_then(year_of)
                        .or(year_of(r))
                        .map(|y| format!(" in {y}"))
                        .unwrap_or_default();
                    return Err(fail(format!(
                        "'{code}' of the reference unit '{unit}'{when} is {}: scores cannot be expressed relative to it",
                        if base.is_nan() {
                            "missing".to_string()
                        } else {
                            base.to_string()
                        }
                    )));
                }
                without_base += usize::from(!original[r].is_nan());
                column[r] = f64::NAN;
                continue;
            }
            column[r] = scale * original[r] / base;
        }
        if without_base > 0 {
            warnings.push(format!(
                "rescale: '{code}' left missing for {without_base} unit-year(s) without a positive score in the base year"
            ));
        }
    }
    Ok(())
}

/// For each row, the row of `unit` in the same year (or in `year`, when named) among the rows
/// normalised together; without years, the unit's only row.
fn reference_rows(
    codes: &[String],
    times: Option<&[i32]>,
    unit: &str,
    year: Option<i32>,
) -> Vec<Option<usize>> {
    let of_unit: Vec<usize> = (0..codes.len()).filter(|&r| codes[r] == unit).collect();
    let in_year = |y: i32| {
        of_unit
            .iter()
            .copied()
            .find(|&r| times.is_some_and(|t| t[r] == y))
    };
    (0..codes.len())
        .map(|r| match (times, year) {
            (_, Some(y)) => in_year(y),
            (Some(t), None) => in_year(t[r]),
            (None, None) => of_unit.first().copied(),
        })
        .collect()
}

/// " in 2018" for a panel row, "" otherwise.
fn unit_year(state: &State, row: usize) -> String {
    state
        .meta
        .times
        .as_ref()
        .map(|t| format!(" in {}", t[row]))
        .unwrap_or_default()
}

impl Run<'_> {
    /// Warnings for the unit-years an aggregation left missing or floored (the first ten named).
    fn note_passed_over(
        &mut self,
        node: &crate::framework::Node,
        passed: &[aggregate::DomainError],
        invalid: InvalidValues,
        state: &State,
    ) {
        if passed.is_empty() {
            return;
        }
        let fw = self.framework;
        let named: Vec<String> = passed
            .iter()
            .take(10)
            .map(|e| {
                format!(
                    "'{}'{} ({} = {})",
                    state.meta.codes[e.row],
                    unit_year(state, e.row),
                    fw.nodes[node.children[e.child]].code,
                    e.value
                )
            })
            .collect();
        let more = passed.len().saturating_sub(named.len());
        let what = match invalid {
            InvalidValues::Floor { floor } => format!("child values below {floor} raised to it"),
            _ => "left missing: a child value is outside the method's domain".to_string(),
        };
        self.records.warnings.push(format!(
            "aggregate: '{}' of {} unit(-year)s {what}: {}{}",
            node.code,
            passed.len(),
            named.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
}

fn concat_states(states: Vec<State>) -> State {
    let mut it = states.into_iter();
    let Some(mut acc) = it.next() else {
        unreachable!("a panel has at least two years")
    };
    acc.year = None;
    for s in it {
        acc.rows.extend(s.rows);
        acc.meta.codes.extend(s.meta.codes);
        acc.meta.names.extend(s.meta.names);
        if let (Some(a), Some(b)) = (acc.meta.times.as_mut(), s.meta.times) {
            a.extend(b);
        }
        for (a, b) in acc.meta.groups.iter_mut().zip(s.meta.groups) {
            a.codes.extend(b.codes);
        }
        for (a, b) in acc.meta.columns.iter_mut().zip(s.meta.columns) {
            a.values.extend(b.values);
        }
        if let (Some(a), Some(b)) = (acc.scores.as_mut(), s.scores) {
            for (x, y) in a.iter_mut().zip(b) {
                x.extend(y);
            }
        }
    }
    acc
}
