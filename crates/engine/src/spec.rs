//! The native framework file format (TOML), exactly as written by users.
//!
//! Parameters are flat (`method = "goalposts"`, `lower = 0`, ...) so that a file reads like a form;
//! [`crate::Framework::from_spec`] checks them and turns them into the typed settings of `methods.rs`.
//! The format is documented in `docs/framework-format.md`.

use serde::{Deserialize, Serialize};

/// A whole framework file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkSpec {
    /// Stable identifier, e.g. `kechuang-enterprise`.
    pub id: String,
    /// Version of this framework, recorded with every build.
    pub version: String,
    /// Human-readable name.
    #[serde(default)]
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// A COINr `iMeta` CSV (path relative to this file) that supplies indicators and aggregates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imeta: Option<String>,
    /// How multi-year data is built.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub panel: Option<PanelSpec>,
    /// Level-1 entries.
    #[serde(default, rename = "indicator", skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<IndicatorSpec>,
    /// Entries of level 2 and above.
    #[serde(default, rename = "aggregate", skip_serializing_if = "Vec::is_empty")]
    pub aggregates: Vec<AggregateSpec>,
    /// Options for every aggregate of a level.
    #[serde(default, rename = "level", skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<LevelSpec>,
    /// The pipeline, in order. Empty = COINr's minimal build (min-max 0–100, arithmetic mean).
    #[serde(default, rename = "step", skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<MethodSpec>,
    /// Weight profiles chosen per unit by a group column (e.g. stage-specific weights).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights_by: Option<WeightsBySpec>,
    /// Decimals of every aggregate's published score; ranks are given on the published score
    /// (ties share the best rank), the unrounded score is kept beside it. Aggregates may override.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
    /// `[rescale]`: every aggregate relative to a reference unit-year or to its base year, after
    /// aggregation (`method = "reference"` with `unit`, optional `year`, `scale`; or
    /// `method = "base_year"` with `year`, `scale`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rescale: Option<MethodSpec>,
}

/// `[weights_by]`: weight profiles selected by the value of a group column.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeightsBySpec {
    /// The group column, e.g. `stage_group`.
    pub group: String,
    /// The profiles.
    #[serde(rename = "profile")]
    pub profiles: Vec<ProfileSpec>,
}

/// `[[weights_by.profile]]`: weights for units whose group label is `label`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileSpec {
    /// The group label this profile applies to.
    pub label: String,
    /// Weight by node code; nodes not named keep the framework's weight.
    pub weights: std::collections::BTreeMap<String, f64>,
}

impl FrameworkSpec {
    /// The file as TOML text.
    pub fn to_toml(&self) -> Result<String, String> {
        toml::to_string(self).map_err(|e| e.to_string())
    }
}

/// `[panel]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PanelSpec {
    /// `per_year` (default) or `pooled`.
    pub mode: String,
}

/// `[[indicator]]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    /// Column code in the data.
    pub code: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Code of the aggregate one level up.
    pub parent: String,
    /// 1 (more is better) or −1 (less is better).
    #[serde(default = "one")]
    pub direction: f64,
    /// Weight within the parent.
    #[serde(default = "one")]
    pub weight: f64,
    /// Unit of measure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// Data column to divide by in the `denominate` step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denominator: Option<String>,
    /// Target value (used by `dist_to_target`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    /// `log` or `sqrt`, applied just before normalising.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transform: Option<String>,
    /// Overrides the `normalise` step for this indicator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalise: Option<MethodSpec>,
    /// Overrides the `treat` step for this indicator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treat: Option<MethodSpec>,
}

/// `[[aggregate]]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregateSpec {
    /// Code of the aggregate.
    pub code: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Level (2 = pillar, ...); inferred from the children when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
    /// Code of the aggregate one level up; absent for the index itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Weight within the parent.
    #[serde(default = "one")]
    pub weight: f64,
    /// Overrides the aggregation method for this aggregate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregation: Option<MethodSpec>,
    /// Decimals of the published score (overrides the framework's `decimals`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u8>,
}

/// `[[level]]`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelSpec {
    /// The level these options apply to (2 or above: the level of the aggregates).
    pub level: u8,
    /// Aggregation method for the aggregates of this level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregation: Option<MethodSpec>,
    /// Give every child of this level's aggregates the same weight.
    #[serde(default)]
    pub equal_weights: bool,
}

/// A method with flat parameters: one `[[step]]`, or an override on an indicator, aggregate or level.
///
/// Every parameter any method takes lives here so that the file can reject unknown keys;
/// `Framework::from_spec` rejects parameters the chosen method does not use.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(missing_docs)]
pub struct MethodSpec {
    /// In `[[step]]`: `denominate`, `screen`, `impute`, `treat`, `normalise`, `weight` or `aggregate`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    /// The method's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub winmax: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skew: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kurt: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub high: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mean: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sd: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lower: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_share: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invalid: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub floor: Option<f64>,
}

fn one() -> f64 {
    1.0
}
