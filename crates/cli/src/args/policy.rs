//! The arguments of `kechuang policy …`, `target`, `portrait` and `region`.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::StoreArgs;

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// List the shipped rule sets with their versions and effective dates.
    List,
    /// Evaluate one enterprise-year against one or all schemes, with every criterion and the gaps.
    #[command(
        after_help = "Examples:\n  kechuang policy evaluate 91120116MA05K12343\n  \
        kechuang policy evaluate 91120116MA05K12343 --scheme hnte --year 2025 --expert rd_management=16 --json"
    )]
    Evaluate(EvaluateArgs),
    /// A scenario — the scheme's rules with changed thresholds, bands or conditions — beside the
    /// current rules: who enters and leaves (and why), who nearly qualifies, counts by district,
    /// park, industry, field and stage, and the budget implied.
    #[command(
        after_help = "Examples:\n  kechuang policy whatif --scheme tech_sme --set indicator.rd.basis1.band5.min=1.5 --amount 20\n  \
        kechuang policy whatif --scheme tech_sme --rules tech_sme-relaxed.toml --year 2025 --json\n  \
        kechuang policy whatif --scheme rd_credit --set condition.rd_growth_streak=2 --save \"两年增长\" --out credit.xlsx\n  \
        kechuang policy whatif --saved 3 --out scenario-3.xlsx\n\n\
        `kechuang policy parameters SCHEME` lists the keys --set takes. A rule file (--rules) starts from\n\
        the shipped rules (crates/policy/rules/*.toml); its id must be the scheme's."
    )]
    Whatif(WhatIfArgs),
    /// The parameters of a scheme's rules that a scenario may move (--set KEY=VALUE) or drop (--drop KEY).
    Parameters {
        /// The scheme (tech_sme, hnte, specialised_sme, little_giant, innovative_sme, rd_credit).
        scheme: String,
    },
    /// The saved scenarios, newest first.
    Scenarios(ScenariosArgs),
}

#[derive(Debug, Args)]
pub struct ScenariosArgs {
    /// Compare these saved scenarios side by side (2 to 6 ids).
    #[arg(long, num_args = 1.., value_delimiter = ',')]
    pub compare: Vec<i64>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct WhatIfArgs {
    /// The scheme (tech_sme, hnte, specialised_sme, little_giant, innovative_sme, rd_credit).
    #[arg(long, required_unless_present = "saved")]
    pub scheme: Option<String>,
    /// The scenario's rule file (TOML); the shipped rules when absent.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Move a parameter: KEY=VALUE (repeatable; keys from `kechuang policy parameters SCHEME`).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Drop a condition or direct route: condition.ID or direct.ID (repeatable).
    #[arg(long = "drop", value_name = "KEY")]
    pub drop: Vec<String>,
    /// Evaluate a saved scenario instead (by id).
    #[arg(long, conflicts_with_all = ["scheme", "rules", "set", "drop", "save"])]
    pub saved: Option<i64>,
    /// Save the scenario under this name.
    #[arg(long, value_name = "NAME")]
    pub save: Option<String>,
    /// The year (the latest stored by default).
    #[arg(long)]
    pub year: Option<i32>,
    /// An amount per qualifying enterprise (万元), for the budget.
    #[arg(long)]
    pub amount: Option<f64>,
    /// Write the summary and the lists as a workbook (XLSX).
    #[arg(long, value_name = "FILE.xlsx")]
    pub out: Option<PathBuf>,
    /// Print JSON (entering, leaving, unchanged, near_misses, by_district …).
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// The enterprise's unified social credit code.
    pub credit_code: String,
    /// Scheme ids (repeatable; default: all shipped).
    #[arg(long = "scheme")]
    pub schemes: Vec<String>,
    /// A rule file to use instead of the shipped schemes.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Survey year (default: the latest stored).
    #[arg(long)]
    pub year: Option<i32>,
    /// Experts' points for expert-judged items, e.g. rd_management=16 (repeatable).
    #[arg(long = "expert", value_name = "ID=POINTS")]
    pub expert: Vec<String>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct RegionArgs {
    /// Survey year (default: the latest stored).
    #[arg(long)]
    pub year: Option<i32>,
    /// Output: .xlsx (one sheet per table), .html (report with charts) or .pdf (printed with Chromium).
    #[arg(long)]
    pub out: PathBuf,
    /// Threshold rule: fewer enterprises than this are suppressed.
    #[arg(long, default_value_t = 3)]
    pub min_count: usize,
    /// Dominance rule: one enterprise above this share of a cell's R&D total is suppressed.
    #[arg(long, default_value_t = 0.85)]
    pub dominance: f64,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct PortraitArgs {
    /// The enterprise's unified social credit code.
    pub credit_code: String,
    /// Survey year (default: the latest year of the latest build).
    #[arg(long)]
    pub year: Option<i32>,
    /// text, json, html, or pdf (printed with headless Chromium when installed; needs --out).
    #[arg(long, default_value = "text")]
    pub format: String,
    /// zh or en (HTML).
    #[arg(long, default_value = "zh")]
    pub lang: String,
    /// Write to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct TargetArgs {
    /// Scheme id.
    #[arg(long)]
    pub scheme: Option<String>,
    /// A rule file instead of a shipped scheme.
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Survey year (default: the latest stored).
    #[arg(long)]
    pub year: Option<i32>,
    /// Also list enterprises that nearly qualify (at most two changes away), with the changes.
    #[arg(long)]
    pub near_miss: bool,
    /// Only this district (code such as 120116, or name such as 滨海新区).
    #[arg(long)]
    pub district: Option<String>,
    /// Only this industry: a GB/T 4754 section letter (C) or a code prefix (C39).
    #[arg(long)]
    pub industry: Option<String>,
    /// Only this high-tech field (Chinese name or key).
    #[arg(long)]
    pub tech_field: Option<String>,
    /// Write the list to a file (.csv or .xlsx).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Rows to print (the file gets them all).
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[command(flatten)]
    pub store: StoreArgs,
}
