//! The resolved framework: a checked hierarchy of indicators and aggregates plus the pipeline.
//!
//! [`Framework::from_spec`] turns a [`FrameworkSpec`] (the TOML file) into this form, and
//! [`Framework::from_imeta`] does the same for COINr's `iMeta` table. Holding a `Framework` means the
//! hierarchy is a tree with one root, levels rise by one from child to parent, weights are usable and
//! every method's parameters are known.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::error::{Error, Result};
use crate::methods::{
    Aggregation, Fallback, Imputation, InvalidValues, Normaliser, PanelMode, Rescale, Transform,
    Treatment, Weighting,
};
use crate::spec::{AggregateSpec, FrameworkSpec, IndicatorSpec, MethodSpec};

mod steps_spec;
use steps_spec::*;

/// An indicator (level 1) or an aggregate (level ≥ 2).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Node {
    /// Code (COINr `iCode`).
    pub code: String,
    /// Name.
    pub name: String,
    /// 1 for indicators, 2 for pillars, ...
    pub level: u8,
    /// Index of the parent node; `None` only for the root.
    pub parent: Option<usize>,
    /// Indices of the children (empty for indicators).
    pub children: Vec<usize>,
    /// Weight within the parent.
    pub weight: f64,
    /// 1 or −1 (indicators only; 1 for aggregates).
    pub direction: f64,
    /// Unit of measure.
    pub unit: Option<String>,
    /// Denominator column (indicators only).
    pub denominator: Option<String>,
    /// Target value (indicators only).
    pub target: Option<f64>,
    /// Transform before normalising (indicators only).
    pub transform: Option<Transform>,
    /// Normalisation override (indicators only).
    pub normalise: Option<Normaliser>,
    /// Treatment override (indicators only).
    pub treat: Option<Treatment>,
    /// Aggregation override (aggregates only).
    pub aggregation: Option<Aggregation>,
    /// Decimals of the published score, on which ranks are given (aggregates only).
    pub decimals: Option<u8>,
}

/// One step of the pipeline, with its settings.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// Divide indicators by their denominator column.
    Denominate,
    /// Remove units whose share of indicators present is below `min_share`.
    Screen {
        /// Share in [0, 1].
        min_share: f64,
    },
    /// Fill missing values.
    Impute {
        /// The method.
        imputation: Imputation,
    },
    /// Treat outliers.
    Treat {
        /// The default treatment (indicators may override it).
        treatment: Treatment,
    },
    /// Bring indicators onto a common scale.
    Normalise {
        /// The default normaliser (indicators may override it).
        normaliser: Normaliser,
    },
    /// Choose the aggregation weights.
    Weight {
        /// Where weights come from.
        weighting: Weighting,
    },
    /// Aggregate level by level.
    Aggregate {
        /// The default method (levels and aggregates may override it).
        aggregation: Aggregation,
        /// Least share of children (by weight) that must be present, else the aggregate is missing.
        min_share: f64,
        /// What to do with a child value outside the method's domain.
        invalid: InvalidValues,
    },
}

impl Step {
    /// The step's name, as in the framework file and the stage names.
    pub fn name(&self) -> &'static str {
        match self {
            Step::Denominate => "denominate",
            Step::Screen { .. } => "screen",
            Step::Impute { .. } => "impute",
            Step::Treat { .. } => "treat",
            Step::Normalise { .. } => "normalise",
            Step::Weight { .. } => "weight",
            Step::Aggregate { .. } => "aggregate",
        }
    }
}

/// Options for all aggregates of one level.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct LevelOptions {
    /// Aggregation method for this level.
    pub aggregation: Option<Aggregation>,
    /// Equal weights for the children of this level's aggregates.
    pub equal_weights: bool,
}

/// One row of COINr's `iMeta` table, as read from a file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MetaRow {
    /// 1-based line number in the file, for messages.
    pub line: usize,
    /// `Level`.
    pub level: Option<u8>,
    /// `iCode`.
    pub code: String,
    /// `iName`.
    pub name: String,
    /// `Direction`.
    pub direction: Option<f64>,
    /// `Weight`.
    pub weight: Option<f64>,
    /// `Parent`.
    pub parent: Option<String>,
    /// `Type`: Indicator, Aggregate, Group, Denominator or Other.
    pub kind: String,
    /// `Denominator`.
    pub denominator: Option<String>,
    /// `Target`.
    pub target: Option<f64>,
    /// `Unit`.
    pub unit: Option<String>,
}

/// A checked framework, ready to build.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Framework {
    /// Identifier.
    pub id: String,
    /// Version.
    pub version: String,
    /// Name.
    pub name: String,
    /// Indicators first (in file order), then aggregates by ascending level; the root is last.
    pub nodes: Vec<Node>,
    /// How many of `nodes` are indicators.
    pub indicator_count: usize,
    /// Options by level.
    pub levels: BTreeMap<u8, LevelOptions>,
    /// The pipeline, in order; always holds `normalise` and `aggregate`.
    pub steps: Vec<Step>,
    /// How multi-year data is built.
    pub panel: PanelMode,
    /// Weight profiles by group: (group column, [(label, weight per node)]).
    pub weights_by: Option<WeightProfiles>,
    /// Every aggregate relative to a reference, after aggregation.
    pub rescale: Option<Rescale>,
}

/// Weight profiles selected per unit by a group column.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightProfiles {
    /// The group column.
    pub group: String,
    /// (label, weight of every node) for each profile.
    pub profiles: Vec<(String, Vec<f64>)>,
}

impl Framework {
    /// The stages whose columns a finished build's [`scores`](crate::Build::scores) still hold
    /// unchanged, in the same rows: `aggregated` (every node) when aggregating is the last step
    /// and nothing rescales after it, and `normalised` (the indicators) when only weighting and
    /// that aggregation follow it. A writer may write these from the scores, with the results, in
    /// one pass, instead of as the build gives them out (a 10⁶-unit build formatted every
    /// normalised value three times).
    pub fn stages_held_in_scores(&self) -> Vec<&'static str> {
        if self.rescale.is_some() {
            return Vec::new();
        }
        // The steps that give out a stage (weighting changes no value).
        let staged: Vec<&Step> = self
            .steps
            .iter()
            .filter(|s| !matches!(s, Step::Weight { .. }))
            .collect();
        match staged.as_slice() {
            [.., Step::Normalise { .. }, Step::Aggregate { .. }] => {
                vec!["normalised", "aggregated"]
            }
            [.., Step::Aggregate { .. }] => vec!["aggregated"],
            _ => Vec::new(),
        }
    }

    /// Parses and checks a TOML framework that does not refer to an `iMeta` file.
    pub fn from_toml(text: &str) -> Result<Framework> {
        let spec = parse_toml(text)?;
        Framework::from_spec(&spec, None)
    }

    /// Checks a parsed framework file. `imeta` supplies the rows of the `iMeta` table the file names
    /// (read by the caller); indicators and aggregates of the file are added to them.
    pub fn from_spec(spec: &FrameworkSpec, imeta: Option<&[MetaRow]>) -> Result<Framework> {
        if spec.id.trim().is_empty() {
            return Err(Error::framework("id", "must not be empty"));
        }
        if spec.version.trim().is_empty() {
            return Err(Error::framework("version", "must not be empty"));
        }
        let mut indicators = Vec::new();
        let mut aggregates = Vec::new();
        if let Some(rows) = imeta {
            let (i, a) = specs_from_imeta(rows)?;
            indicators = i;
            aggregates = a;
        }
        indicators.extend(spec.indicators.iter().cloned().map(|i| (None, i)));
        aggregates.extend(spec.aggregates.iter().cloned().map(|a| (None, a)));

        let mut levels = BTreeMap::new();
        for l in &spec.levels {
            let loc = format!("level {}", l.level);
            if l.level < 2 {
                return Err(Error::framework(
                    loc,
                    "options apply to aggregate levels (2 and above)",
                ));
            }
            let aggregation = l
                .aggregation
                .as_ref()
                .map(|m| aggregation(m, &loc))
                .transpose()?;
            levels.insert(
                l.level,
                LevelOptions {
                    aggregation,
                    equal_weights: l.equal_weights,
                },
            );
        }

        let steps = if spec.steps.is_empty() {
            vec![
                Step::Normalise {
                    normaliser: Normaliser::default(),
                },
                Step::Aggregate {
                    aggregation: Aggregation::Arithmetic,
                    min_share: 0.0,
                    invalid: InvalidValues::Error,
                },
            ]
        } else {
            steps(&spec.steps)?
        };
        let panel = match spec.panel.as_ref().map(|p| p.mode.as_str()) {
            None | Some("per_year") => PanelMode::PerYear,
            Some("pooled") => PanelMode::Pooled,
            Some(other) => {
                return Err(Error::framework(
                    "panel.mode",
                    format!("'{other}' is not one of per_year, pooled"),
                ));
            }
        };
        let mut nodes = hierarchy(indicators, aggregates)?;
        for n in nodes.iter_mut().filter(|n| n.level > 1) {
            n.decimals = n.decimals.or(spec.decimals);
            if n.decimals.is_some_and(|d| d > 12) {
                return Err(Error::framework(
                    format!("aggregate \"{}\"", n.code),
                    "decimals must be 0 to 12",
                ));
            }
        }
        let rescale = spec
            .rescale
            .as_ref()
            .map(|m| rescale(m, "rescale"))
            .transpose()?;
        let indicator_count = nodes.iter().filter(|n| n.level == 1).count();
        let weights_by = match &spec.weights_by {
            None => None,
            Some(w) => {
                let mut profiles = Vec::new();
                for p in &w.profiles {
                    let loc = format!("weights_by profile \"{}\"", p.label);
                    let mut weights: Vec<f64> = nodes.iter().map(|n| n.weight).collect();
                    for (code, &wt) in &p.weights {
                        let k = nodes.iter().position(|n| &n.code == code).ok_or_else(|| {
                            Error::framework(
                                &loc,
                                format!("'{code}' is not an indicator or aggregate"),
                            )
                        })?;
                        check_weight(wt, &loc)?;
                        weights[k] = wt;
                    }
                    for n in nodes.iter().filter(|n| !n.children.is_empty()) {
                        if n.children.iter().map(|&c| weights[c]).sum::<f64>() <= 0.0 {
                            return Err(Error::framework(
                                &loc,
                                format!("the weights of the children of '{}' sum to zero", n.code),
                            ));
                        }
                    }
                    profiles.push((p.label.clone(), weights));
                }
                Some(WeightProfiles {
                    group: w.group.clone(),
                    profiles,
                })
            }
        };
        let framework = Framework {
            id: spec.id.clone(),
            version: spec.version.clone(),
            name: spec.name.clone(),
            nodes,
            indicator_count,
            levels,
            steps,
            panel,
            weights_by,
            rescale,
        };
        framework.check_steps_against_nodes()?;
        Ok(framework)
    }

    /// A framework from an `iMeta` table alone: COINr's minimal build.
    pub fn from_imeta(id: &str, version: &str, rows: &[MetaRow]) -> Result<Framework> {
        let spec = FrameworkSpec {
            id: id.into(),
            version: version.into(),
            ..FrameworkSpec::default()
        };
        Framework::from_spec(&spec, Some(rows))
    }

    /// The indicators.
    pub fn indicators(&self) -> &[Node] {
        &self.nodes[..self.indicator_count]
    }

    /// The aggregates, by ascending level.
    pub fn aggregates(&self) -> &[Node] {
        &self.nodes[self.indicator_count..]
    }

    /// Index of the root (the index itself).
    pub fn root(&self) -> usize {
        self.nodes.len() - 1
    }

    /// Index of the node with this code.
    pub fn node_index(&self, code: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.code == code)
    }

    /// The highest level (the root's).
    pub fn max_level(&self) -> u8 {
        self.nodes[self.root()].level
    }

    /// The denominator and group columns the pipeline needs besides the indicators.
    pub fn required_columns(&self) -> (Vec<String>, Vec<String>) {
        let mut denominators: Vec<String> = Vec::new();
        if self.steps.iter().any(|s| matches!(s, Step::Denominate)) {
            for d in self
                .indicators()
                .iter()
                .filter_map(|n| n.denominator.clone())
            {
                if !denominators.contains(&d) {
                    denominators.push(d);
                }
            }
        }
        let groups = self
            .steps
            .iter()
            .filter_map(|s| match s {
                Step::Impute {
                    imputation: Imputation::GroupMean { group } | Imputation::GroupMedian { group },
                } => Some(group.clone()),
                _ => None,
            })
            .chain(self.weights_by.as_ref().map(|w| w.group.clone()))
            .collect();
        (denominators, groups)
    }

    fn check_steps_against_nodes(&self) -> Result<()> {
        let has_dist_to_target =
            |n: &Normaliser| matches!(n, Normaliser::DistToTarget { target: None, .. });
        let default_needs_target = self
            .steps
            .iter()
            .any(|s| matches!(s, Step::Normalise { normaliser } if has_dist_to_target(normaliser)));
        for n in self.indicators() {
            let needs = match &n.normalise {
                Some(own) => has_dist_to_target(own),
                None => default_needs_target,
            };
            if needs && n.target.is_none() {
                return Err(Error::framework(
                    format!("indicator \"{}\"", n.code),
                    "dist_to_target needs a target: set `target` on the indicator or the method",
                ));
            }
        }
        Ok(())
    }
}

/// Parses framework TOML into its file form, with line and column in errors.
pub fn parse_toml(text: &str) -> Result<FrameworkSpec> {
    toml::from_str(text).map_err(|e| Error::FrameworkSyntax {
        message: e.to_string(),
    })
}

type Located<T> = (Option<usize>, T);

type LocatedSpecs = (Vec<Located<IndicatorSpec>>, Vec<Located<AggregateSpec>>);

fn specs_from_imeta(rows: &[MetaRow]) -> Result<LocatedSpecs> {
    let mut indicators = Vec::new();
    let mut aggregates = Vec::new();
    for r in rows {
        let loc = || format!("iMeta line {}", r.line);
        match r.kind.as_str() {
            "Indicator" => {
                if r.level.is_some_and(|l| l != 1) {
                    return Err(Error::framework(
                        loc(),
                        format!("indicator '{}' must have Level 1", r.code),
                    ));
                }
                let parent = r.parent.clone().ok_or_else(|| {
                    Error::framework(loc(), format!("indicator '{}' has no Parent", r.code))
                })?;
                indicators.push((
                    Some(r.line),
                    IndicatorSpec {
                        code: r.code.clone(),
                        name: r.name.clone(),
                        parent,
                        direction: r.direction.unwrap_or(1.0),
                        weight: r.weight.unwrap_or(1.0),
                        unit: r.unit.clone(),
                        denominator: r.denominator.clone(),
                        target: r.target,
                        ..IndicatorSpec::default()
                    },
                ));
            }
            "Aggregate" => aggregates.push((
                Some(r.line),
                AggregateSpec {
                    code: r.code.clone(),
                    name: r.name.clone(),
                    level: r.level,
                    parent: r.parent.clone(),
                    weight: r.weight.unwrap_or(1.0),
                    aggregation: None,
                    decimals: None,
                },
            )),
            "Group" | "Denominator" | "Other" => {}
            other => {
                return Err(Error::framework(
                    loc(),
                    format!(
                        "Type '{other}' is not one of Indicator, Aggregate, Group, Denominator, Other"
                    ),
                ));
            }
        }
    }
    Ok((indicators, aggregates))
}

fn location(line: Option<usize>, kind: &str, code: &str) -> String {
    match line {
        Some(l) => format!("iMeta line {l} ({kind} \"{code}\")"),
        None => format!("{kind} \"{code}\""),
    }
}

fn hierarchy(
    indicators: Vec<Located<IndicatorSpec>>,
    aggregates: Vec<Located<AggregateSpec>>,
) -> Result<Vec<Node>> {
    if indicators.is_empty() {
        return Err(Error::framework("framework", "has no indicators"));
    }
    if aggregates.is_empty() {
        return Err(Error::framework(
            "framework",
            "has no aggregates: at least the index itself is needed",
        ));
    }
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut check_code = |code: &str, loc: &str| -> Result<()> {
        if code.trim().is_empty() {
            return Err(Error::framework(loc, "code must not be empty"));
        }
        if let Some(first) = seen.insert(code.to_string(), loc.to_string()) {
            return Err(Error::framework(
                loc,
                format!("code '{code}' is already used by {first}"),
            ));
        }
        Ok(())
    };
    let mut ind_nodes = Vec::with_capacity(indicators.len());
    let mut ind_parents = Vec::with_capacity(indicators.len());
    for (line, i) in &indicators {
        let loc = location(*line, "indicator", &i.code);
        check_code(&i.code, &loc)?;
        check_weight(i.weight, &loc)?;
        if i.direction != 1.0 && i.direction != -1.0 {
            return Err(Error::framework(
                &loc,
                format!("direction is {}, must be 1 or -1", i.direction),
            ));
        }
        let transform = match i.transform.as_deref() {
            None => None,
            Some("log") => Some(Transform::Log),
            Some("sqrt") => Some(Transform::Sqrt),
            Some(o) => {
                return Err(Error::framework(
                    &loc,
                    format!("transform '{o}' is not one of log, sqrt"),
                ));
            }
        };
        let normalise = i
            .normalise
            .as_ref()
            .map(|m| override_method(m, &loc).and_then(|m| normaliser(m, &loc)))
            .transpose()?;
        let treat = i
            .treat
            .as_ref()
            .map(|m| override_method(m, &loc).and_then(|m| treatment(m, &loc)))
            .transpose()?;
        ind_parents.push((loc, i.parent.clone()));
        ind_nodes.push(Node {
            code: i.code.clone(),
            name: i.name.clone(),
            level: 1,
            parent: None,
            children: Vec::new(),
            weight: i.weight,
            direction: i.direction,
            unit: i.unit.clone(),
            denominator: i.denominator.clone(),
            target: i.target,
            transform,
            normalise,
            treat,
            aggregation: None,
            decimals: None,
        });
    }
    // Aggregates: resolve levels (given or inferred), detecting cycles and unknown parents.
    let agg_index: HashMap<&str, usize> = aggregates
        .iter()
        .enumerate()
        .map(|(k, (_, a))| (a.code.as_str(), k))
        .collect();
    let mut agg_locs = Vec::with_capacity(aggregates.len());
    for (line, a) in &aggregates {
        let loc = location(*line, "aggregate", &a.code);
        check_code(&a.code, &loc)?;
        check_weight(a.weight, &loc)?;
        if let Some(p) = &a.parent
            && !agg_index.contains_key(p.as_str())
        {
            return Err(Error::framework(
                &loc,
                format!("parent '{p}' is not an aggregate of this framework"),
            ));
        }
        agg_locs.push(loc);
    }
    for (loc, parent) in &ind_parents {
        if !agg_index.contains_key(parent.as_str()) {
            return Err(Error::framework(
                loc,
                format!("parent '{parent}' is not an aggregate of this framework"),
            ));
        }
    }
    // Cycle check by walking up from each aggregate.
    for (k, (_, a)) in aggregates.iter().enumerate() {
        let mut path = vec![a.code.clone()];
        let mut cur = k;
        while let Some(p) = &aggregates[cur].1.parent {
            let next = agg_index[p.as_str()];
            path.push(p.clone());
            if next == k || path.len() > aggregates.len() + 1 {
                return Err(Error::framework(
                    &agg_locs[k],
                    format!("the hierarchy has a cycle: {}", path.join(" → ")),
                ));
            }
            cur = next;
        }
    }
    // Infer levels: an aggregate is one level above its highest child.
    let mut level: Vec<Option<u8>> = vec![None; aggregates.len()];
    let mut child_levels: Vec<Vec<u8>> = vec![Vec::new(); aggregates.len()];
    for (_, p) in &ind_parents {
        child_levels[agg_index[p.as_str()]].push(1);
    }
    // Repeatedly settle aggregates whose aggregate children are all settled (terminates: no cycles).
    let mut agg_children: Vec<Vec<usize>> = vec![Vec::new(); aggregates.len()];
    for (k, (_, a)) in aggregates.iter().enumerate() {
        if let Some(p) = &a.parent {
            agg_children[agg_index[p.as_str()]].push(k);
        }
    }
    let mut settled = 0;
    while settled < aggregates.len() {
        let mut progressed = false;
        for k in 0..aggregates.len() {
            if level[k].is_some() || agg_children[k].iter().any(|&c| level[c].is_none()) {
                continue;
            }
            let highest_child = child_levels[k]
                .iter()
                .copied()
                .chain(agg_children[k].iter().filter_map(|&c| level[c]))
                .max();
            let Some(highest_child) = highest_child else {
                return Err(Error::framework(&agg_locs[k], "has no children"));
            };
            let inferred = highest_child + 1;
            if let Some(given) = aggregates[k].1.level
                && given != inferred
            {
                return Err(Error::framework(
                    &agg_locs[k],
                    format!(
                        "level is {given} but its children are at level {highest_child}; a parent must be exactly one level above each child"
                    ),
                ));
            }
            let mixed = child_levels[k]
                .iter()
                .copied()
                .chain(agg_children[k].iter().filter_map(|&c| level[c]))
                .any(|l| l != highest_child);
            if mixed {
                return Err(Error::framework(
                    &agg_locs[k],
                    "has children at different levels",
                ));
            }
            level[k] = Some(inferred);
            settled += 1;
            progressed = true;
        }
        if !progressed {
            return Err(Error::framework("framework", "the hierarchy has a cycle"));
        }
    }
    let roots: Vec<usize> = (0..aggregates.len())
        .filter(|&k| aggregates[k].1.parent.is_none())
        .collect();
    if roots.len() != 1 {
        let codes: Vec<&str> = roots
            .iter()
            .map(|&k| aggregates[k].1.code.as_str())
            .collect();
        return Err(Error::framework(
            "framework",
            format!(
                "needs exactly one aggregate without a parent (the index), found {}: {}",
                roots.len(),
                codes.join(", ")
            ),
        ));
    }
    // Order aggregates by level (stable), the single root last.
    let mut order: Vec<usize> = (0..aggregates.len()).collect();
    order.sort_by_key(|&k| level[k]);
    let n_ind = ind_nodes.len();
    let mut position = vec![0; aggregates.len()];
    for (pos, &k) in order.iter().enumerate() {
        position[k] = n_ind + pos;
    }
    let mut nodes = ind_nodes;
    for &k in &order {
        let (_, a) = &aggregates[k];
        let loc = &agg_locs[k];
        let aggregation = a
            .aggregation
            .as_ref()
            .map(|m| override_method(m, loc).and_then(|m| aggregation(m, loc)))
            .transpose()?;
        nodes.push(Node {
            code: a.code.clone(),
            name: a.name.clone(),
            level: level[k].unwrap_or(2),
            parent: a.parent.as_ref().map(|p| position[agg_index[p.as_str()]]),
            children: Vec::new(),
            weight: a.weight,
            direction: 1.0,
            unit: None,
            denominator: None,
            target: None,
            transform: None,
            normalise: None,
            treat: None,
            aggregation,
            decimals: a.decimals,
        });
    }
    for (i, (_, p)) in ind_parents.iter().enumerate() {
        nodes[i].parent = Some(position[agg_index[p.as_str()]]);
    }
    for i in 0..nodes.len() {
        if let Some(p) = nodes[i].parent {
            nodes[p].children.push(i);
        }
    }
    for n in &nodes[n_ind..] {
        let total: f64 = n.children.iter().map(|&c| nodes[c].weight).sum();
        if total <= 0.0 {
            return Err(Error::framework(
                format!("aggregate \"{}\"", n.code),
                "the weights of its children sum to zero",
            ));
        }
    }
    Ok(nodes)
}

#[cfg(test)]
mod tests;
