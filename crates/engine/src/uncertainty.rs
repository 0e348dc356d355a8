//! Uncertainty analysis: Monte Carlo over the assumptions a framework declares uncertain (weights,
//! normalisation, aggregation, outlier treatment on/off, dropping one indicator), giving each unit's
//! median rank, its 5–95% rank interval and the mean absolute shift from the nominal rank.
//!
//! The steps up to normalisation (denominate, screen, impute, treat, normalise) are run once per
//! variant (treatment, imputation and normalisation choice); each replication then weights,
//! aggregates and ranks through the engine's build, so the analysis uses exactly the engine's
//! methods. Replications run in parallel; replication `r` draws
//! from a generator seeded with `seed + r`, so results do not depend on the number of threads.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::Serialize;

use crate::build::{Build, BuildOptions};
use crate::dataset::{Column, Dataset};
use crate::error::{Error, Result};
use crate::framework::{Framework, Step};
use crate::methods::{Aggregation, Imputation, Normaliser, Treatment};
use crate::stats::quantile_sorted;

/// What varies, and how much.
#[derive(Debug, Clone, Default)]
pub struct Assumptions {
    /// Each weight is multiplied by a factor drawn uniformly from [1 − w, 1 + w].
    pub weight_perturbation: Option<f64>,
    /// Normalisations drawn with equal probability (empty: the framework's).
    pub normalisations: Vec<Normaliser>,
    /// Aggregation methods drawn with equal probability for every aggregate (empty: the framework's).
    pub aggregations: Vec<Aggregation>,
    /// Outlier treatment on or off with equal probability.
    pub toggle_treatment: bool,
    /// Alternative `winmax` values for the winsorising treatment (empty: the framework's).
    pub winmax: Vec<usize>,
    /// Alternative imputation methods, replacing the framework's impute step (empty: the framework's).
    pub imputations: Vec<Imputation>,
    /// Each replication leaves out one indicator drawn at random (with probability ½).
    pub drop_indicator: bool,
}

impl Assumptions {
    /// A one-line account of what varies, for reports.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(w) = self.weight_perturbation {
            parts.push(format!("weights ±{:.0}%", w * 100.0));
        }
        if !self.normalisations.is_empty() {
            parts.push(format!("normalisation among {:?}", self.normalisations));
        }
        if !self.aggregations.is_empty() {
            parts.push(format!("aggregation among {:?}", self.aggregations));
        }
        if self.toggle_treatment {
            parts.push("outlier treatment on/off".into());
        }
        if !self.winmax.is_empty() {
            parts.push(format!("winmax among {:?}", self.winmax));
        }
        if !self.imputations.is_empty() {
            parts.push(format!("imputation among {:?}", self.imputations));
        }
        if self.drop_indicator {
            parts.push("one indicator left out in half of the replications".into());
        }
        if parts.is_empty() {
            "nothing varies (nominal framework only)".into()
        } else {
            parts.join("; ")
        }
    }
}

/// One unit's rank distribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitRanks {
    /// Unit code.
    pub code: String,
    /// Year, for panel data.
    pub time: Option<i32>,
    /// Rank with the nominal framework.
    pub nominal: Option<u32>,
    /// Median rank over the replications.
    pub median: f64,
    /// 5th percentile of the rank.
    pub p5: f64,
    /// 95th percentile of the rank.
    pub p95: f64,
    /// Mean absolute difference from the nominal rank.
    pub mean_abs_shift: f64,
}

/// The analysis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UncertaintyResult {
    /// Replications run.
    pub replications: usize,
    /// Per unit.
    pub units: Vec<UnitRanks>,
    /// Mean over units of the mean absolute rank shift.
    pub mean_abs_shift: f64,
}

/// Draws for one replication, from its own seeded generator.
struct Draw(SmallRng);

impl Draw {
    fn unit(&mut self) -> f64 {
        self.0.random::<f64>()
    }

    fn pick(&mut self, n: usize) -> usize {
        self.0.random_range(0..n)
    }
}

/// The data as it stands before normalisation, for one treatment choice, with the framework that
/// continues from there.
/// How the treatment step runs in one variant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum TreatChoice {
    /// As the framework says.
    Nominal,
    /// No treatment.
    Off,
    /// Winsorising with this `winmax`.
    Winmax(usize),
}

fn prepare(
    framework: &Framework,
    data: &Dataset,
    treat: TreatChoice,
    imputation: Option<&Imputation>,
) -> Result<(Dataset, Framework)> {
    let mut fw = framework.clone();
    match treat {
        TreatChoice::Nominal => {}
        TreatChoice::Off => fw.steps.retain(|s| !matches!(s, Step::Treat { .. })),
        TreatChoice::Winmax(w) => {
            for s in fw.steps.iter_mut() {
                if let Step::Treat {
                    treatment: Treatment::Winsorise { winmax, .. },
                } = s
                {
                    *winmax = w;
                }
            }
        }
    }
    if let Some(im) = imputation {
        for s in fw.steps.iter_mut() {
            if let Step::Impute { imputation } = s {
                *imputation = im.clone();
            }
        }
    }
    let norm_at = fw
        .steps
        .iter()
        .position(|s| matches!(s, Step::Normalise { .. }))
        .unwrap_or(0);
    let mut prefix = fw.clone();
    prefix.steps.truncate(norm_at);
    // Run the prefix with a pass-through normalisation and keep its last stage.
    prefix.steps.push(Step::Normalise {
        normaliser: Normaliser::None,
    });
    for n in prefix.nodes.iter_mut() {
        n.normalise = None;
    }
    let b = run_with_plain_mean(prefix, data)?;
    let stage = b
        .stages
        .iter()
        .rev()
        .find(|s| s.name != "normalised" && s.name != "aggregated")
        .ok_or_else(|| Error::Step {
            step: "uncertainty",
            message: "no stage before normalisation".into(),
        })?;
    let mut prepared = data.select_rows(&stage.rows);
    for (code, values) in stage.codes.iter().zip(&stage.columns) {
        match prepared.columns.iter_mut().find(|c| &c.code == code) {
            Some(c) => c.values.clone_from(values),
            None => prepared.columns.push(Column {
                code: code.clone(),
                values: values.clone(),
            }),
        }
    }
    fw.steps.retain(|s| {
        !matches!(
            s,
            Step::Denominate | Step::Screen { .. } | Step::Impute { .. } | Step::Treat { .. }
        )
    });
    Ok((prepared, fw))
}

/// One replication's assumptions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Choice {
    /// Index into the prepared variants (treatment choice × imputation method).
    pub variant: usize,
    /// Seed of the weight multipliers.
    pub weight_seed: u64,
    /// Index into the alternative normalisations.
    pub normaliser: Option<usize>,
    /// Index into the alternative aggregations.
    pub aggregation: Option<usize>,
    /// Indicator left out.
    pub dropped: Option<usize>,
}

/// The treatment choices a set of assumptions spans (nominal only when nothing varies).
pub(crate) fn treat_choices(a: &Assumptions) -> Vec<TreatChoice> {
    let mut v: Vec<TreatChoice> = if a.winmax.is_empty() {
        vec![TreatChoice::Nominal]
    } else {
        a.winmax.iter().map(|&w| TreatChoice::Winmax(w)).collect()
    };
    if a.toggle_treatment {
        v.push(TreatChoice::Off);
    }
    v
}

/// The data as every replication starts from it, normalised: one set per combination of
/// treatment choice, imputation method and normalisation, with the framework continuing from there
/// (its normalise step removed). Normalising does not depend on weights, on the aggregation or on
/// the indicator left out, so it is done once here instead of in every replication.
pub(crate) struct Variants {
    /// Indexed `(treatment × imputations + imputation) × normalisers + normaliser`.
    sets: Vec<(Dataset, Framework)>,
    /// Normalisations a replication chooses among (at least one: the framework's).
    normalisers: usize,
}

/// Prepares every variant (see [`Variants`]).
pub(crate) fn variants(framework: &Framework, data: &Dataset, a: &Assumptions) -> Result<Variants> {
    let imputations: Vec<Option<&Imputation>> = if a.imputations.is_empty() {
        vec![None]
    } else {
        a.imputations.iter().map(Some).collect()
    };
    let normalisers: Vec<Option<&Normaliser>> = if a.normalisations.is_empty() {
        vec![None]
    } else {
        a.normalisations.iter().map(Some).collect()
    };
    let mut sets = Vec::new();
    for t in treat_choices(a) {
        for im in &imputations {
            let (data, fw) = prepare(framework, data, t, *im)?;
            for n in &normalisers {
                sets.push(normalise(&fw, &data, *n)?);
            }
        }
    }
    Ok(Variants {
        sets,
        normalisers: normalisers.len(),
    })
}

/// The data normalised as `framework` says (with `normaliser` in its normalise step, when given),
/// and the framework without its normalise step.
fn normalise(
    framework: &Framework,
    data: &Dataset,
    normaliser: Option<&Normaliser>,
) -> Result<(Dataset, Framework)> {
    let mut fw = framework.clone();
    if let Some(choice) = normaliser {
        for s in fw.steps.iter_mut() {
            if let Step::Normalise { normaliser } = s {
                *normaliser = choice.clone();
            }
        }
    }
    // Normalise, then a plain arithmetic mean that cannot fail, keeping the normalised stage.
    let mut prefix = fw.clone();
    prefix.steps.retain(|s| matches!(s, Step::Normalise { .. }));
    let b = run_with_plain_mean(prefix, data)?;
    let Some(stage) = b.stages.iter().find(|s| s.name == "normalised") else {
        // No normalise step: the data goes to aggregation as it is.
        return Ok((data.clone(), fw));
    };
    let mut normalised = data.select_rows(&stage.rows);
    for (code, values) in stage.codes.iter().zip(&stage.columns) {
        match normalised.columns.iter_mut().find(|c| &c.code == code) {
            Some(c) => c.values.clone_from(values),
            None => normalised.columns.push(Column {
                code: code.clone(),
                values: values.clone(),
            }),
        }
    }
    fw.steps.retain(|s| !matches!(s, Step::Normalise { .. }));
    Ok((normalised, fw))
}

/// The nominal data before normalisation and the framework continuing from there.
pub(crate) fn nominal(framework: &Framework, data: &Dataset) -> Result<(Dataset, Framework)> {
    prepare(framework, data, TreatChoice::Nominal, None)
}

/// The ranks under one choice of assumptions (0 = unranked).
pub(crate) fn replicate(variants: &Variants, a: &Assumptions, c: &Choice) -> Result<Vec<u32>> {
    let set = c.variant * variants.normalisers + c.normaliser.unwrap_or(0);
    let (data, base) = &variants.sets[set.min(variants.sets.len() - 1)];
    let mut fw = base.clone();
    if let Some(w) = a.weight_perturbation {
        let mut d = Draw(SmallRng::seed_from_u64(c.weight_seed));
        for node in fw.nodes.iter_mut() {
            node.weight *= 1.0 - w + 2.0 * w * d.unit();
        }
    }
    if let Some(k) = c.dropped {
        let parent = fw.nodes[k].parent;
        // Only when the parent keeps another child with weight.
        if parent.is_some_and(|p| {
            fw.nodes[p]
                .children
                .iter()
                .any(|&ch| ch != k && fw.nodes[ch].weight > 0.0)
        }) {
            fw.nodes[k].weight = 0.0;
        }
    }
    if let Some(i) = c.aggregation {
        let choice = a.aggregations[i];
        for node in fw.nodes.iter_mut() {
            node.aggregation = None;
        }
        fw.levels.clear();
        for s in fw.steps.iter_mut() {
            if let Step::Aggregate { aggregation, .. } = s {
                *aggregation = choice;
            }
        }
    }
    // The replication runs on an anonymous copy: codes and names are empty strings, which do not
    // allocate (they were 200,000 allocations a replication at 10^5 units), and the data was
    // validated when the variants were prepared. Should the replication fail, it is run again on
    // the full copy so that the error names the unit.
    match Build::run_validated(&fw, anonymous_copy(data), BuildOptions::default()) {
        Ok(b) => Ok(b.ranks.iter().map(|r| r.unwrap_or(0)).collect()),
        Err(_) => {
            let b = Build::run(&fw, data.clone(), BuildOptions::default())?;
            Ok(b.ranks.iter().map(|r| r.unwrap_or(0)).collect())
        }
    }
}

/// The data with every unit's code and name left empty.
fn anonymous_copy(data: &Dataset) -> Dataset {
    Dataset {
        codes: vec![String::new(); data.len()],
        names: vec![String::new(); data.len()],
        times: data.times.clone(),
        groups: data.groups.clone(),
        columns: data.columns.clone(),
    }
}

/// An analysis made ready: the variants prepared and the nominal build run. Replications can then
/// be run in any ranges, in any order and in separate processes (a checkpointed run), and summarised
/// together; replication `r` always draws the same assumptions for the same seed.
pub struct Analysis<'a> {
    framework: &'a Framework,
    assumptions: &'a Assumptions,
    seed: u64,
    variants: Variants,
    nominal: Build,
}

impl<'a> Analysis<'a> {
    /// Prepares the analysis.
    pub fn prepare(
        framework: &'a Framework,
        data: &Dataset,
        assumptions: &'a Assumptions,
        seed: u64,
    ) -> Result<Self> {
        let variants = variants(framework, data, assumptions)?;
        let (nominal_data, nominal_fw) = nominal(framework, data)?;
        let nominal = Build::run(&nominal_fw, nominal_data, BuildOptions::default())?;
        Ok(Analysis {
            framework,
            assumptions,
            seed,
            variants,
            nominal,
        })
    }

    /// Units ranked (the length of every replication's rank vector).
    pub fn unit_count(&self) -> usize {
        self.nominal.rows.len()
    }

    /// Runs replications `range` in parallel; each gives every unit's rank (0: unranked).
    /// `progress` is called with the number done in this call.
    pub fn replicate(
        &self,
        range: std::ops::Range<usize>,
        progress: &(dyn Fn(usize) + Sync),
    ) -> Result<Vec<Vec<u32>>> {
        let a = self.assumptions;
        let treatments = treat_choices(a).len();
        let imputations = a.imputations.len().max(1);
        let done = std::sync::atomic::AtomicUsize::new(0);
        range
            .into_par_iter()
            .map(|r| -> Result<Vec<u32>> {
                let mut d = Draw(SmallRng::seed_from_u64(self.seed.wrapping_add(r as u64)));
                let choice = Choice {
                    variant: d.pick(treatments) * imputations + d.pick(imputations),
                    weight_seed: d.0.random(),
                    normaliser: (!a.normalisations.is_empty())
                        .then(|| d.pick(a.normalisations.len())),
                    aggregation: (!a.aggregations.is_empty()).then(|| d.pick(a.aggregations.len())),
                    dropped: (a.drop_indicator && d.unit() < 0.5)
                        .then(|| d.pick(self.framework.indicator_count)),
                };
                let out = replicate(&self.variants, a, &choice)?;
                let k = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                progress(k);
                Ok(out)
            })
            .collect()
    }

    /// Summarises replications' ranks (from [`Analysis::replicate`]) into rank distributions.
    pub fn summarise(&self, ranks: &[Vec<u32>]) -> UncertaintyResult {
        summarise(&self.nominal, ranks)
    }
}

/// Runs `replications` Monte Carlo replications. `progress` is called with the number done.
pub fn run(
    framework: &Framework,
    data: &Dataset,
    a: &Assumptions,
    replications: usize,
    seed: u64,
    progress: &(dyn Fn(usize) + Sync),
) -> Result<UncertaintyResult> {
    let analysis = Analysis::prepare(framework, data, a, seed)?;
    let ranks = analysis.replicate(0..replications, progress)?;
    Ok(analysis.summarise(&ranks))
}

fn summarise(nominal: &Build, ranks: &[Vec<u32>]) -> UncertaintyResult {
    let replications = ranks.len();
    let n = nominal.rows.len();
    let units: Vec<UnitRanks> = (0..n)
        .into_par_iter()
        .map(|u| {
            let mut col: Vec<u32> = ranks.iter().map(|r| r[u]).filter(|&x| x > 0).collect();
            col.sort_unstable();
            let nom = nominal.ranks[u];
            let shift = match nom {
                Some(nr) if !col.is_empty() => {
                    col.iter()
                        .map(|&x| (f64::from(x) - f64::from(nr)).abs())
                        .sum::<f64>()
                        / col.len() as f64
                }
                _ => f64::NAN,
            };
            UnitRanks {
                code: nominal.units.codes[u].clone(),
                time: nominal.units.times.as_ref().map(|t| t[u]),
                nominal: nom,
                median: quantile_sorted(&col, 0.5),
                p5: quantile_sorted(&col, 0.05),
                p95: quantile_sorted(&col, 0.95),
                mean_abs_shift: shift,
            }
        })
        .collect();
    let shifts: Vec<f64> = units
        .iter()
        .map(|u| u.mean_abs_shift)
        .filter(|s| !s.is_nan())
        .collect();
    let mean_abs_shift = if shifts.is_empty() {
        f64::NAN
    } else {
        shifts.iter().sum::<f64>() / shifts.len() as f64
    };
    UncertaintyResult {
        replications,
        units,
        mean_abs_shift,
    }
}

/// Runs `prefix`'s steps followed by a plain arithmetic mean that cannot fail (no per-node or
/// per-level aggregation, weights by profile or rescaling), keeping the stages: how the analyses
/// get the data as it stands before the steps they vary.
fn run_with_plain_mean(mut prefix: Framework, data: &Dataset) -> Result<Build> {
    prefix.steps.push(Step::Aggregate {
        aggregation: Aggregation::Arithmetic,
        min_share: 0.0,
        invalid: crate::methods::InvalidValues::Error,
    });
    for n in prefix.nodes.iter_mut() {
        n.aggregation = None;
    }
    prefix.levels.clear();
    prefix.weights_by = None;
    prefix.rescale = None;
    let options = BuildOptions {
        keep_stages: true,
        rank_aggregates: false,
        progress: None,
        stage_sink: None,
    };
    Build::run(&prefix, data.clone(), options)
}
