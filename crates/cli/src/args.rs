//! The command line as the user typed it (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// kechuang (科创): the regional science-and-technology innovation platform.
mod policy;
pub use policy::*;

#[derive(Debug, Parser)]
#[command(name = "kechuang", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// The annual enterprise innovation survey: template, import with validation, export.
    Survey {
        #[command(subcommand)]
        command: SurveyCommand,
    },
    /// Build and check composite indices (科技企业创新指数 and any COINr-style framework).
    Index {
        #[command(subcommand)]
        command: IndexCommand,
    },
    /// Evaluate enterprises against the official schemes (科小, 高企, 创新型, 专精特新, 小巨人, R&D credit).
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Innovation finance (科技金融): loans recorded by banks, applications, the bureau's totals.
    Finance {
        #[command(subcommand)]
        command: FinanceCommand,
    },
    /// List the enterprises a scheme should reach (精准支持靶点): those that qualify or nearly qualify.
    #[command(
        after_help = "Examples:\n  kechuang target --scheme hnte --near-miss\n  \
        kechuang target --scheme tech_sme --district 滨海新区 --out targets.xlsx\n  \
        kechuang target --scheme rd_credit --year 2025 --industry C\n\n\
        Schemes: tech_sme, hnte, innovative_sme, specialised_sme, little_giant, rd_credit, or --rules FILE.toml."
    )]
    Target(TargetArgs),
    /// The portrait (企业画像) of an enterprise: index, ranks, pillars against peers, trend, schemes,
    /// similar enterprises and suggestions, as text, JSON or a printable HTML report.
    #[command(after_help = "Examples:\n  kechuang portrait 91120116MA000001DA\n  \
        kechuang portrait 91120116MA000001DA --format html --out portrait.html\n  \
        kechuang portrait 91120116MA000001DA --format html --lang en --year 2024 --out portrait-en.html\n  \
        kechuang portrait 91120116MA000001DA --format pdf --out portrait.pdf")]
    Portrait(PortraitArgs),
    /// Regional tables (评价指标体系) by district, park, industry, field and stage, with disclosure control.
    #[command(
        after_help = "Example:\n  kechuang region --year 2025 --out regional-2025.xlsx\n\n\
        Cells with fewer than --min-count enterprises, or where one enterprise holds more than --dominance of\n\
        the R&D total, are suppressed (x), and further cells until none can be worked out from the totals;\n\
        every suppression is listed on the 抑制记录 sheet."
    )]
    Region(RegionArgs),
    /// The unified talent pool (统一科技人才库): entry criteria, tier evaluation, duplicates.
    Talent {
        #[command(subcommand)]
        command: TalentCommand,
    },
    /// Measure performance on synthetic data.
    Bench {
        #[command(subcommand)]
        command: BenchCommand,
    },
    /// Serve the web UI and the REST API (`/api/v1`, documented at `/api/docs`).
    #[command(
        after_help = "Examples:\n  kechuang serve --db kechuang-data/kechuang.db --listen 127.0.0.1:8080\n  \
        kechuang serve --config /etc/kechuang/server.toml\n  \
        KECHUANG_DATABASE_URL=postgres://kechuang@db/kechuang kechuang serve --listen 0.0.0.0:8080\n\n\
        Create the first administrator with `kechuang user add NAME --role admin` before logging in."
    )]
    Serve(ServeArgs),
    /// Matchmaking (产学研用对接): check catalogue files, search them, match a demand, measure relevance.
    Match {
        #[command(subcommand)]
        command: MatchCommand,
    },
    /// Accounts of the web service.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Generate a demo region of Tianjin enterprises, import it, build its index and print a summary.
    #[command(
        after_help = "Examples:\n  kechuang demo\n  kechuang demo --enterprises 2000 --data-dir /tmp/kechuang --no-serve"
    )]
    Demo(DemoArgs),
}

/// Where the store is: `--db`, else `KECHUANG_DATABASE_URL`, else `kechuang-data/kechuang.db`.
#[derive(Debug, Args, Clone)]
pub struct StoreArgs {
    /// A SQLite file path or a postgres:// URL.
    #[arg(
        long,
        env = "KECHUANG_DATABASE_URL",
        default_value = "kechuang-data/kechuang.db"
    )]
    pub db: String,
}

#[derive(Debug, Subcommand)]
pub enum SurveyCommand {
    /// Write the fill-in template: XLSX (Chinese headers, drop-down lists, a notes sheet) or CSV.
    #[command(
        after_help = "Examples:\n  kechuang survey template --out 调查表.xlsx\n  kechuang survey template --out template.csv"
    )]
    Template(TemplateArgs),
    /// Validate survey files and import them; with any error (or warning, unless accepted) nothing is written.
    #[command(after_help = "Examples:\n  kechuang survey import 2025.xlsx\n  \
        kechuang survey import a.csv b.csv --encoding gbk --report report.xlsx\n  \
        kechuang survey import other-layout.csv --mapping columns.csv --accept-warnings\n\n\
        Each file is one batch (file name, SHA-256, row counts, time, user) in one transaction. Re-importing an\n\
        enterprise and year replaces it and keeps the previous version in the history.\n\
        Exit code 0: imported; 1: the files have problems (listed, nothing written); 2: another error.")]
    Import(ImportArgs),
    /// Export stored survey records (a year, several, or all) as CSV or XLSX in the template's layout, or Parquet.
    #[command(
        after_help = "Examples:\n  kechuang survey export --year 2025 --out 2025.xlsx\n  kechuang survey export --out panel.csv\n  kechuang survey export --out panel.parquet"
    )]
    Export(ExportArgs),
    /// Survey rounds (调查轮次): open one for a year, close or reopen it, follow its response.
    Round {
        #[command(subcommand)]
        command: RoundCommand,
    },
    /// Import a source extract (registry, tax, patents, certificates) that pre-fills the forms.
    #[command(
        after_help = "Examples:\n  kechuang survey source --source tax --year 2026 tax-2026.xlsx\n  \
        kechuang survey source --source registry --year 2026 registry.csv\n\n\
        Layout: a 统一社会信用代码 column and the source's columns, headed as in the survey template\n\
        (registry: 企业名称, 行政区划代码, 国民经济行业代码, 成立日期; tax: 营业收入, 研发费用, 实缴税金;\n\
        patents: 当年发明专利授权数, 有效发明专利数, 有效实用新型专利数, 软件著作权数; certificates: the\n\
        certificates' validity dates). Any bad row and nothing is written (exit 1); rows of enterprises\n\
        the bureau does not know are listed and left out."
    )]
    Source(SourceArgs),
}

#[derive(Debug, Args)]
pub struct SourceArgs {
    /// registry, tax, patents or certificates.
    #[arg(long)]
    pub source: String,
    /// The survey year the values are for.
    #[arg(long)]
    pub year: i32,
    /// The extract (CSV or XLSX).
    pub file: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// `kechuang survey round …`.
#[derive(Debug, Subcommand)]
pub enum RoundCommand {
    /// Open a round: the year asked for, the deadline, who is asked.
    #[command(
        after_help = "Examples:\n  kechuang survey round open --year 2025 --deadline 2026-03-31\n  \
        kechuang survey round open --year 2025 --deadline 2026-03-31 --scope list --list codes.txt\n  \
        kechuang survey round open --year 2025 --deadline 2026-03-31 --scope everyone\n\n\
        register (the default) asks every enterprise that filed the year before; list, the credit codes in\n\
        a file (one per line); everyone, whoever files. One round per year is open at a time."
    )]
    Open(RoundOpenArgs),
    /// Close a round (its forms stay; nothing more is taken), then build the index over every
    /// stored year; the build records the round.
    Close(RoundCloseArgs),
    /// Reopen a closed round.
    Reopen(RoundIdArgs),
    /// The response by district and park, and the firms late past the deadline.
    #[command(
        after_help = "Examples:\n  kechuang survey round status 1\n  kechuang survey round status 1 --json\n  kechuang survey round status 1 --reminders late.xlsx"
    )]
    Status(RoundStatusArgs),
    /// Leave a reminder in the inbox of every account of each enterprise late past the deadline.
    Remind(RoundIdArgs),
    /// The fields where firms' forms differ from a source's value, with their reasons.
    Contradictions(RoundIdArgs),
}

#[derive(Debug, Args)]
pub struct RoundOpenArgs {
    /// The survey year asked for.
    #[arg(long)]
    pub year: i32,
    /// The deadline, YYYY-MM-DD.
    #[arg(long)]
    pub deadline: String,
    /// register, list or everyone.
    #[arg(long, default_value = "register")]
    pub scope: String,
    /// With --scope list: a file of credit codes, one per line.
    #[arg(long)]
    pub list: Option<PathBuf>,
    /// The fields asked (keys or template headers, comma-separated); every field by default.
    #[arg(long, value_delimiter = ',')]
    pub fields: Vec<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct RoundCloseArgs {
    /// The round's id.
    pub id: i64,
    /// Close without building the index.
    #[arg(long)]
    pub no_build: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct RoundIdArgs {
    /// The round's id.
    pub id: i64,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct RoundStatusArgs {
    /// The round's id.
    pub id: i64,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also write the late enterprises (code, name, district, park) to this workbook.
    #[arg(long)]
    pub reminders: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct TemplateArgs {
    /// Output file; .xlsx for the workbook, anything else for a CSV header row (UTF-8 with BOM).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Survey files: CSV or XLSX.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
    /// CSV encoding: auto, utf-8, gbk or gb18030.
    #[arg(long, default_value = "auto")]
    pub encoding: String,
    /// XLSX sheet to read (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// Column-mapping file (CSV: column,field) for files with other headers.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// Flag a year-on-year change of revenue, employees, R&D expense or assets beyond this
    /// factor (default: ×10, employees ×5); a rise from zero is always flagged.
    #[arg(long, value_name = "FACTOR")]
    pub jump_factor: Option<f64>,
    /// Import even if there are warnings (errors always stop the import).
    #[arg(long)]
    pub accept_warnings: bool,
    /// Write the validation report to this file (.csv or .xlsx).
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// The user recorded with the batch (default: $USER).
    #[arg(long, env = "USER", default_value = "unknown")]
    pub user: String,
    /// Validate only; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Year to export (repeatable; default: every year).
    #[arg(long = "year")]
    pub years: Vec<i32>,
    /// Output file: .xlsx, .parquet, or CSV (any other name; UTF-8 with BOM).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum IndexCommand {
    /// Run a framework's pipeline on a data table, or on stored survey data, and write or store the results.
    #[command(after_help = "Examples:\n  \
        kechuang index build --data iData.csv --framework iMeta.csv --out out/\n  \
        kechuang index build --data survey.csv --framework framework.toml --out out/ --xlsx\n  \
        kechuang index build --framework survey-basic                # stored survey data, all years\n  \
        kechuang index build --framework survey-basic --year 2025 --out out/2025\n\n\
        With --data, the output directory receives one CSV per stage (raw, denominated, imputed, screened,\n\
        treated, normalised, aggregated), results.csv, strengths.csv, treatment.csv, screening.csv,\n\
        imputation.csv, weights.csv, warnings.csv, trends.csv for panel data, a copy of the framework files,\n\
        and manifest.json (--format parquet: the same tables as .parquet files; --stages: only those\n\
        stages). Without --data, the survey records in the store are built and the results are\n\
        stored with the build's manifest (and also written when --out is given). Nothing is written when\n\
        the build fails. --framework takes a file or the name of a shipped framework (survey-basic).")]
    Build(BuildArgs),
    /// Monte Carlo uncertainty analysis of the ranks: median rank and 5–95% interval per unit.
    #[command(
        after_help = "Example:\n  kechuang index uncertainty --data iData.csv --framework pipeline.toml --replications 1000 \\\n    \
        --weights 0.25 --normalisations minmax,zscore --aggregations arithmetic,geometric --out ranks.csv\n\n\
        Deterministic for a --seed; parallel. Writes unit, year, nominal rank, median, p5, p95, mean |shift|."
    )]
    Uncertainty(UncertaintyArgs),
    /// Sensitivity of the ranks to each assumption: first- and total-order indices (Saltelli, Jansen) with
    /// bootstrap intervals.
    #[command(
        after_help = "Example:\n  kechuang index sensitivity --data iData.csv --framework pipeline.toml --samples 256 \\\n    \
        --weights 0.25 --normalisations minmax,zscore --drop-indicator --out indices.csv"
    )]
    Sensitivity(SensitivityArgs),
    /// Statistical audit: correlations with flags, Cronbach's alpha and PCA per aggregate, data quality.
    #[command(
        after_help = "Examples:\n  kechuang index audit --data iData.csv --framework pipeline.toml --out audit.html\n  kechuang index audit --data iData.csv --framework pipeline.toml --out audit.json"
    )]
    Audit(AuditArgs),
    /// Validate a framework, and a data table against it, without writing anything.
    #[command(
        after_help = "Examples:\n  kechuang index check --framework framework.toml\n  \
        kechuang index check --framework framework.toml --data survey.csv\n\n\
        Exit code 0: valid; 1: the framework or the data has a problem (printed); 2: another error."
    )]
    Check(CheckArgs),
    /// Check a build's output directory against its manifest: every output is hashed again (BLAKE3)
    /// and compared.
    #[command(after_help = "Example:\n  kechuang index verify out/\n\n\
        Exit code 0: every output is as built; 1: a file is missing or changed (each is named);\n\
        2: another error (no manifest).")]
    Verify(VerifyArgs),
    /// Predictive validity (指数预测效度) of the latest stored build: does the index in year t say
    /// anything about revenue and R&D growth, patents and certifications in t+1 and t+2?
    #[command(
        after_help = "Examples:\n  kechuang index validity\n  kechuang index validity --replications 1000 --seed 7 --json\n\n\
        Spearman's ρ (ties at their average rank) of the index, overall and by stage, and of each\n\
        pillar with later revenue growth, R&D growth and invention patents granted; the AUC for\n\
        becoming a 高新技术企业 or 专精特新 later; each with a 95% percentile bootstrap interval\n\
        (unit-years resampled), deterministic for a --seed."
    )]
    Validity(ValidityArgs),
}

#[derive(Debug, Args)]
pub struct ValidityArgs {
    /// Bootstrap replications (1–2000).
    #[arg(long, default_value_t = 200)]
    pub replications: usize,
    /// The bootstrap's seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Time `index build --data` as a user runs it: a generated COINr-ASEM-shaped file on disk
    /// (the 51 units resampled with noise), parsed, built and every stage written, in a process of
    /// its own, with its peak memory.
    #[command(
        after_help = "Example:\n  cargo run --release -- bench build --units 10000,100000,1000000"
    )]
    Build(BenchBuildArgs),
    /// Time indexing a synthetic matchmaking catalogue, and searches and matches over it.
    #[command(after_help = "Example:\n  cargo run --release -- bench match --docs 200000")]
    Match(BenchMatchArgs),
    /// Time a Monte Carlo uncertainty analysis (weights ±25%, two normalisations, two aggregations).
    #[command(
        after_help = "Example:\n  cargo run --release -- bench uncertainty --units 100000 --indicators 50 --replications 1000"
    )]
    Uncertainty(BenchUncertaintyArgs),
    /// Time portraits read from a store of a large region (imported and built first).
    #[command(
        after_help = "Example:\n  cargo run --release -- bench portrait --enterprises 100000"
    )]
    Portrait(BenchPortraitArgs),
    /// Time evaluating every shipped scheme over a synthetic panel of enterprise-years.
    #[command(
        after_help = "Example:\n  cargo run --release -- bench policy --enterprise-years 1000000"
    )]
    Policy(BenchPolicyArgs),
    /// Time the full pipeline (impute, treat, min-max, arithmetic aggregation, ranks) on synthetic data.
    #[command(
        after_help = "Example:\n  cargo run --release -- bench engine --units 1000000 --indicators 50"
    )]
    Engine(BenchArgs),
    /// Time importing survey rows from CSV into the store, and loading a year back for the engine.
    #[command(
        after_help = "Examples:\n  cargo run --release -- bench import --rows 1000000\n  \
        cargo run --release -- bench import --rows 1000000 --db postgres://user@localhost/kechuang_bench"
    )]
    Import(BenchImportArgs),
}

/// The file format of `index build`'s tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TableFormat {
    /// One CSV file per table (UTF-8, numbers at full precision).
    Csv,
    /// One Parquet file per table (numbers as doubles, text as UTF-8, missing as null).
    Parquet,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Data table (CSV, UTF-8): a unit code column (uCode or code), optional uName/name, Time/year and
    /// *_group columns, then numeric columns. Without it, stored survey data is built.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Framework: a TOML file, a COINr iMeta CSV (minimal build), or a shipped framework's name.
    #[arg(long)]
    pub framework: PathBuf,
    /// Output directory (created; replaced only if it holds an earlier build). Required with --data.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also write all tables as the sheets of one workbook, index.xlsx.
    #[arg(long)]
    pub xlsx: bool,
    /// File format of the written tables: csv, or parquet (every stage and table as Parquet, for
    /// big runs: about a third of the time and size of CSV, read by column in pandas, R or DuckDB).
    #[arg(long, value_enum, default_value_t = TableFormat::Csv)]
    pub format: TableFormat,
    /// The stages to write, comma-separated (raw, denominated, imputed, screened, treated,
    /// normalised, aggregated, rescaled), or `none`. Default: every stage the framework runs.
    /// Results and records are always written.
    #[arg(long, value_delimiter = ',', value_name = "STAGE,…")]
    pub stages: Option<Vec<String>>,
    /// Extra group columns (ranked within) beyond those whose header ends in _group.
    #[arg(long = "group", value_name = "COLUMN")]
    pub groups: Vec<String>,
    /// With stored data: the years to build (repeatable; default: every year).
    #[arg(long = "year")]
    pub years: Vec<i32>,
    #[command(flatten)]
    pub store: StoreArgs,
    /// The user recorded with a stored build (default: $USER).
    #[arg(long, env = "USER", default_value = "unknown")]
    pub user: String,
}

/// The assumptions an uncertainty or sensitivity analysis varies.
#[derive(Debug, Args)]
pub struct AssumptionArgs {
    /// Perturb every weight uniformly within ±this share.
    #[arg(long)]
    pub weights: Option<f64>,
    /// Alternative normalisations: minmax, zscore, percent_rank, rank (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub normalisations: Vec<String>,
    /// Alternative aggregations: arithmetic, geometric, harmonic (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub aggregations: Vec<String>,
    /// Switch outlier treatment on and off.
    #[arg(long)]
    pub toggle_treatment: bool,
    /// Alternative winsorising limits (comma-separated), e.g. 3,5,7.
    #[arg(long, value_delimiter = ',')]
    pub winmax: Vec<usize>,
    /// Alternative imputation methods replacing the framework's: mean, median (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub imputations: Vec<String>,
    /// Leave out one indicator at random in half of the replications.
    #[arg(long)]
    pub drop_indicator: bool,
}

#[derive(Debug, Args)]
pub struct UncertaintyArgs {
    /// Data table (CSV).
    #[arg(long)]
    pub data: PathBuf,
    /// Framework (TOML, iMeta CSV or shipped name).
    #[arg(long)]
    pub framework: PathBuf,
    /// Replications.
    #[arg(long, default_value_t = 1000)]
    pub replications: usize,
    #[command(flatten)]
    pub assumptions: AssumptionArgs,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output CSV.
    #[arg(long)]
    pub out: PathBuf,
    /// Also write the HTML report with the rank-interval chart here.
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Checkpoint file: finished replications are kept here, and a run given the same file resumes
    /// (or extends) the run that wrote it.
    #[arg(long)]
    pub checkpoint: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SensitivityArgs {
    /// Data table (CSV).
    #[arg(long)]
    pub data: PathBuf,
    /// Framework (TOML, iMeta CSV or shipped name).
    #[arg(long)]
    pub framework: PathBuf,
    /// Base samples N (N·(k + 2) builds for k factors).
    #[arg(long, default_value_t = 256)]
    pub samples: usize,
    /// Bootstrap resamples for the 95% intervals.
    #[arg(long, default_value_t = 500)]
    pub bootstrap: usize,
    #[command(flatten)]
    pub assumptions: AssumptionArgs,
    /// Random seed.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Output CSV.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// Data table (CSV).
    #[arg(long)]
    pub data: PathBuf,
    /// Framework (TOML, iMeta CSV or shipped name).
    #[arg(long)]
    pub framework: PathBuf,
    /// Output file: .html for the report with heat maps and scree plots, anything else for JSON.
    #[arg(long)]
    pub out: PathBuf,
    /// Also run this many uncertainty replications and add the rank-interval section (HTML only).
    #[arg(long, default_value_t = 0)]
    pub replications: usize,
    #[command(flatten)]
    pub assumptions: AssumptionArgs,
    /// Random seed for the uncertainty replications.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Add the predictive validity of the latest build in this store (HTML only; see `index
    /// validity`).
    #[arg(long, value_name = "LOCATION")]
    pub validity_db: Option<String>,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Framework: a TOML file, a COINr iMeta CSV, or a shipped framework's name.
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
pub struct VerifyArgs {
    /// An output directory of `index build --out`.
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct BenchBuildArgs {
    /// Units of each generated file (comma-separated: one timed build each).
    #[arg(long, value_delimiter = ',', default_value = "10000,100000,1000000")]
    pub units: Vec<usize>,
    /// COINr's ASEM iData and iMeta (the reference set in the repository).
    #[arg(long, default_value = "conformance/coinr-asem")]
    pub asem: PathBuf,
    /// Where the generated files and outputs go (kept, so repeated runs reuse the files).
    #[arg(long, default_value = "target/bench-build")]
    pub dir: PathBuf,
    /// Timed runs per size (the best and the median are reported).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Extra arguments for `index build` (e.g. --format parquet).
    #[arg(long, allow_hyphen_values = true)]
    pub build_args: Vec<String>,
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
pub struct BenchUncertaintyArgs {
    /// Units.
    #[arg(long, default_value_t = 100_000)]
    pub units: usize,
    /// Indicators (4-level hierarchy).
    #[arg(long, default_value_t = 50)]
    pub indicators: usize,
    /// Replications.
    #[arg(long, default_value_t = 1000)]
    pub replications: usize,
}

#[derive(Debug, Args)]
pub struct BenchPortraitArgs {
    /// Enterprises in the region (two survey years).
    #[arg(long, default_value_t = 100_000)]
    pub enterprises: usize,
    /// Portraits to time.
    #[arg(long, default_value_t = 200)]
    pub portraits: usize,
}

#[derive(Debug, Args)]
pub struct BenchMatchArgs {
    /// Catalogue documents.
    #[arg(long, default_value_t = 200_000)]
    pub docs: usize,
    /// Searches and matches to time (each).
    #[arg(long, default_value_t = 200)]
    pub queries: usize,
}

#[derive(Debug, Subcommand)]
pub enum MatchCommand {
    /// Validate catalogue files (demands.csv, achievements.csv, patents.csv, experts.csv,
    /// equipment.csv, services.csv in a folder); exit 1 with every problem located.
    #[command(after_help = "Example:\n  kechuang match check kechuang-data/demo/catalogue")]
    Check(CatalogueArgs),
    /// Full-text search of a catalogue folder, with filters and the matched words marked.
    #[command(
        after_help = "Examples:\n  kechuang match search 智能 --catalogue kechuang-data/demo/catalogue\n  \
        kechuang match search \"碳化硅 封装\" --kind achievement --region 津 --trl-min 6 --catalogue kechuang-data/demo/catalogue"
    )]
    Search(MatchSearchArgs),
    /// The supply that could meet a demand (or, for a supply entry, the demands it could serve),
    /// ranked, each with its explanation.
    #[command(
        after_help = "Example:\n  kechuang match demand D000001 --catalogue kechuang-data/demo/catalogue"
    )]
    Demand(MatchDemandArgs),
    /// nDCG@10 and recall@50 of the ranking and of plain BM25 on the demo evaluation set.
    #[command(after_help = "Example:\n  kechuang match eval --size 5000 --demands 60")]
    Eval(MatchEvalArgs),
}

#[derive(Debug, Args)]
pub struct CatalogueArgs {
    /// The folder of catalogue CSV files.
    pub folder: PathBuf,
    /// Extra dictionary words for Chinese segmentation (`word [frequency]` per line).
    #[arg(long)]
    pub dictionary: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MatchSearchArgs {
    /// What to look for.
    pub query: String,
    /// The folder of catalogue CSV files.
    #[arg(long)]
    pub catalogue: PathBuf,
    /// Only these kinds (demand, achievement, patent, expert, equipment, service).
    #[arg(long, value_delimiter = ',')]
    pub kind: Vec<String>,
    /// Only this high-tech field (key).
    #[arg(long)]
    pub field: Option<String>,
    /// Only this province: 京, 津 or 冀.
    #[arg(long)]
    pub region: Option<String>,
    /// TRL at least.
    #[arg(long)]
    pub trl_min: Option<u8>,
    /// TRL at most.
    #[arg(long)]
    pub trl_max: Option<u8>,
    /// Price or budget at most, ¥10k.
    #[arg(long)]
    pub price_max: Option<f64>,
    /// Only open, valid and available entries.
    #[arg(long)]
    pub available: bool,
    /// Only this type: transfer mode (transfer, licence, equity, joint), patent class (I, II),
    /// service category, or a demand's cooperation mode.
    #[arg(long = "type")]
    pub kind_type: Option<String>,
    /// Hits to show.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Extra dictionary words.
    #[arg(long)]
    pub dictionary: Option<PathBuf>,
    /// JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct MatchDemandArgs {
    /// The demand's id (or a supply entry's id, for the demands it could serve).
    pub id: String,
    /// The folder of catalogue CSV files.
    #[arg(long)]
    pub catalogue: PathBuf,
    /// Only these kinds of supply.
    #[arg(long, value_delimiter = ',')]
    pub kind: Vec<String>,
    /// Matches to show.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Extra dictionary words.
    #[arg(long)]
    pub dictionary: Option<PathBuf>,
    /// JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct MatchEvalArgs {
    /// Catalogue entries.
    #[arg(long, default_value_t = 5000)]
    pub size: usize,
    /// Demands evaluated.
    #[arg(long, default_value_t = 60)]
    pub demands: usize,
    /// Seed.
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct BenchPolicyArgs {
    /// Enterprise-years to evaluate (enterprises × 4 years, the last evaluated with three earlier years).
    #[arg(long, default_value_t = 1_000_000)]
    pub enterprise_years: usize,
}

#[derive(Debug, Args)]
pub struct BenchImportArgs {
    /// Survey rows (enterprises in one year).
    #[arg(long, default_value_t = 1_000_000)]
    pub rows: usize,
    /// Store to import into (default: a new SQLite file in the working directory).
    #[arg(long)]
    pub db: Option<String>,
    /// Working directory for the generated file and the store, kept afterwards (default: a
    /// temporary one, removed).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where the demo's files and database go (a `demo` folder inside it).
    #[arg(long, default_value = "kechuang-data")]
    pub data_dir: PathBuf,
    /// Enterprises in the region.
    #[arg(long, default_value_t = 20_000)]
    pub enterprises: usize,
    /// First and last survey year.
    #[arg(long, default_value = "2021-2025")]
    pub years: String,
    /// Random seed (the same seed gives the same region).
    #[arg(long, default_value_t = 2026)]
    pub seed: u64,
    /// Stop after indexing and the summary instead of serving the web UI.
    #[arg(long)]
    pub no_serve: bool,
    /// Where the web UI listens.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// A settings file (TOML: listen, database, session_hours, secure_cookies, max_upload_bytes,
    /// max_failed_logins, lockout_minutes); the options below override it.
    #[arg(long, env = "KECHUANG_CONFIG")]
    pub config: Option<PathBuf>,
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, env = "KECHUANG_LISTEN")]
    pub listen: Option<std::net::SocketAddr>,
    /// A SQLite file path or a postgres:// URL [default: kechuang-data/kechuang.db].
    #[arg(long, env = "KECHUANG_DATABASE_URL")]
    pub db: Option<String>,
    /// Log as JSON lines (for a log collector) instead of text.
    #[arg(long)]
    pub json_logs: bool,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from KECHUANG_PASSWORD or asked on the terminal.
    #[command(after_help = "Examples:\n  kechuang user add admin --role admin\n  \
        kechuang user add binhai --role district_officer --scope 120116,天津滨海高新技术产业开发区\n  \
        kechuang user add bank1 --role bank --scope 津农商银行\n\n\
        Roles: admin, analyst, district_officer (scope: region codes and park names), enterprise (scope: its\n\
        credit code), bank (scope: the bank's name), public.")]
    Add(UserAddArgs),
    /// List accounts.
    List(StoreArgs),
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// Login name.
    pub name: String,
    /// Role.
    #[arg(long)]
    pub role: String,
    /// Districts and parks, a credit code, or a bank, comma-separated.
    #[arg(long, default_value = "")]
    pub scope: String,
    /// Name shown on pages.
    #[arg(long)]
    pub display_name: Option<String>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Subcommand)]
pub enum TalentCommand {
    /// Print the entry criteria: tiers, criteria, evidence, verifier, validity, review cycle.
    Criteria(TalentCriteriaArgs),
    /// Place each person of a register file in a tier, with the finding for every criterion checked.
    #[command(
        after_help = "Examples:\n  kechuang talent evaluate people.json --year 2026\n  \
        kechuang talent evaluate people.json --criteria our-criteria.toml --out tiers.csv\n\n\
        The register file is a JSON array of people (see docs/talent.md)."
    )]
    Evaluate(TalentEvaluateArgs),
    /// List the records of a register file that are the same person, with the evidence.
    Duplicates(TalentDuplicatesArgs),
}

#[derive(Debug, Args)]
pub struct TalentCriteriaArgs {
    /// A criteria file (TOML) instead of the shipped example set.
    #[arg(long)]
    pub criteria: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TalentEvaluateArgs {
    /// Register file: a JSON array of people.
    pub people: PathBuf,
    /// Year of evaluation.
    #[arg(long, default_value_t = 2026)]
    pub year: i32,
    /// A criteria file (TOML) instead of the shipped example set.
    #[arg(long)]
    pub criteria: Option<PathBuf>,
    /// Write every finding to this CSV instead of printing a summary only.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// List the people in this tier (`-`: below the entry criteria).
    #[arg(long)]
    pub tier: Option<String>,
    /// List the people in this field.
    #[arg(long)]
    pub field: Option<String>,
    /// List the people of this region (京, 津, 冀).
    #[arg(long)]
    pub region: Option<String>,
    /// List the people whose current institution contains this text.
    #[arg(long)]
    pub institution: Option<String>,
    /// List the people whose name contains this text.
    #[arg(long)]
    pub name: Option<String>,
}

#[derive(Debug, Args)]
pub struct TalentDuplicatesArgs {
    /// Register file: a JSON array of people.
    pub people: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum FinanceCommand {
    /// The bureau's totals as a workbook: by bank, district, index score band and certification,
    /// with overdue rates, the shares to top-scoring firms and to R&D-growth credit candidates,
    /// and the answers to applications.
    #[command(
        after_help = "Example:\n  kechuang finance report --year 2025 --out finance-2025.xlsx"
    )]
    Report(FinanceReportArgs),
}

#[derive(Debug, Args)]
pub struct FinanceReportArgs {
    /// Loans granted in this year only (all years when absent).
    #[arg(long)]
    pub year: Option<i32>,
    /// The workbook to write (XLSX).
    #[arg(long)]
    pub out: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}
