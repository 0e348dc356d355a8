//! The command line as the user typed it (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// kechuang (科创): the regional science-and-technology innovation platform.
#[derive(Debug, Parser)]
#[command(name = "kechuang", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build and check composite indices (科技企业创新指数 and any COINr-style framework).
    Index {
        #[command(subcommand)]
        command: IndexCommand,
    },
    /// Measure performance on synthetic data.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Generate a synthetic region, build its index and print the top of the ranking.
    #[command(
        after_help = "Example:\n  kechuang demo\n  kechuang demo --units 5000 --dir /tmp/kechuang-demo"
    )]
    Demo(DemoArgs),
}

#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Run a framework's pipeline on a data table and write every stage, the results and a manifest.
    #[command(after_help = "Examples:\n  \
        kechuang index build --data iData.csv --framework iMeta.csv --out out/\n  \
        kechuang index build --data survey.csv --framework framework.toml --out out/ --xlsx\n\n\
        The output directory receives one CSV per stage (raw, denominated, imputed, screened, treated,\n\
        normalised, aggregated), results.csv, strengths.csv, treatment.csv, screening.csv, imputation.csv,\n\
        weights.csv, warnings.csv, trends.csv for panel data, a copy of the framework files, and\n\
        manifest.json. Nothing is written when the build fails.")]
    Build(BuildArgs),
    /// Validate a framework, and a data table against it, without writing anything.
    #[command(
        after_help = "Examples:\n  kechuang index check --framework framework.toml\n  \
        kechuang index check --framework framework.toml --data survey.csv\n\n\
        Exit code 0: valid; 1: the framework or the data has a problem (printed); 2: another error."
    )]
    Check(CheckArgs),
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Time the full pipeline (impute, treat, min-max, arithmetic aggregation, ranks) on synthetic data.
    #[command(
        after_help = "Example:\n  cargo run --release -- bench engine --units 1000000 --indicators 50"
    )]
    Engine(BenchArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Data table (CSV, UTF-8): a unit code column (uCode or code), optional uName/name, Time/year and
    /// *_group columns, then numeric columns.
    #[arg(long)]
    pub data: PathBuf,
    /// Framework: a TOML file (native format) or a COINr iMeta CSV (minimal build).
    #[arg(long)]
    pub framework: PathBuf,
    /// Output directory (created; replaced only if it holds an earlier build).
    #[arg(long)]
    pub out: PathBuf,
    /// Also write all tables as the sheets of one workbook, index.xlsx.
    #[arg(long)]
    pub xlsx: bool,
    /// Extra group columns (ranked within) beyond those whose header ends in _group.
    #[arg(long = "group", value_name = "COLUMN")]
    pub groups: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Framework: a TOML file or a COINr iMeta CSV.
    #[arg(long)]
    pub framework: PathBuf,
    /// Data table to check against the framework (optional).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Extra group columns.
    #[arg(long = "group", value_name = "COLUMN")]
    pub groups: Vec<String>,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Units (rows).
    #[arg(long, default_value_t = 1_000_000)]
    pub units: usize,
    /// Indicators, spread over 10 pillars and 3 sub-indexes (a 4-level hierarchy).
    #[arg(long, default_value_t = 50)]
    pub indicators: usize,
    /// Groups to rank within.
    #[arg(long, default_value_t = 20)]
    pub groups: usize,
    /// Timed repetitions (each on fresh data).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Random seed.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to write the demo data and the build.
    #[arg(long, default_value = "kechuang-data/demo")]
    pub dir: PathBuf,
    /// Number of synthetic units.
    #[arg(long, default_value_t = 2000)]
    pub units: usize,
}
