//! The engine's error type: every variant names what a user must look at to fix it.

/// Everything that can stop a framework from validating or a build from completing.
#[derive(Debug, thiserror::Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// The caller's stage sink could not take a stage (writing it failed).
    #[error("stage '{stage}': {message}")]
    StageOutput {
        /// The stage's name.
        stage: String,
        /// The sink's message.
        message: String,
    },
    /// The framework file could not be parsed.
    #[error("framework: {message}")]
    FrameworkSyntax {
        /// The parser's message, with line and column.
        message: String,
    },
    /// A framework entry is inconsistent (unknown parent, cycle, bad weight, duplicate code, ...).
    #[error("framework, {location}: {message}")]
    Framework {
        /// Where in the framework (e.g. `indicator "LPI"`, `iMeta row 7`).
        location: String,
        /// What is wrong.
        message: String,
    },
    /// A column the framework needs is not in the data.
    #[error("data: column '{column}' named by the framework is missing")]
    MissingColumn {
        /// The missing column's code.
        column: String,
    },
    /// Two units share a code (within the same year for panel data).
    #[error("data, row {row}: unit code '{code}' already appears in row {first_row}")]
    DuplicateUnit {
        /// The unit code.
        code: String,
        /// 1-based data row of the repeat.
        row: usize,
        /// 1-based data row of the first occurrence.
        first_row: usize,
    },
    /// An indicator has no value for any unit.
    #[error("data: indicator '{indicator}' has no data{scope}")]
    IndicatorWithoutData {
        /// The indicator's code.
        indicator: String,
        /// Extra scope, e.g. " in 2021".
        scope: String,
    },
    /// A normalisation would divide by zero, e.g. min-max of a constant indicator.
    #[error("normalise: indicator '{indicator}' {message}{scope}")]
    DegenerateNormalisation {
        /// The indicator's code.
        indicator: String,
        /// What degenerated.
        message: String,
        /// Extra scope, e.g. " in 2021".
        scope: String,
    },
    /// A value is outside the domain of a method (log of a negative number, geometric mean of zero, ...).
    #[error("{step}: {node} of unit '{unit}' is {value}: {message}")]
    OutOfDomain {
        /// The pipeline step.
        step: &'static str,
        /// The indicator or aggregate code.
        node: String,
        /// The unit code.
        unit: String,
        /// The offending value.
        value: f64,
        /// Why the method cannot take it.
        message: &'static str,
    },
    /// A child value outside the domain of its aggregate's method (zero under a geometric mean…).
    #[error(
        "aggregate: '{aggregate}' of unit '{unit}'{scope}: child '{child}' is {value}: {message} (the aggregate step's `invalid = \"missing\"` or `\"floor\"` goes on past such values)"
    )]
    AggregateOutOfDomain {
        /// The aggregate's code.
        aggregate: String,
        /// The child's code.
        child: String,
        /// The unit code.
        unit: String,
        /// " in 2018" for panel data, else empty.
        scope: String,
        /// The offending value.
        value: f64,
        /// Why the method cannot take it.
        message: &'static str,
    },
    /// A step's settings are unusable with this data (e.g. panel imputation without a time column).
    #[error("{step}: {message}")]
    Step {
        /// The pipeline step.
        step: &'static str,
        /// What is wrong.
        message: String,
    },
    /// Screening removed every unit.
    #[error("screen: every unit was removed (threshold {threshold})")]
    NoUnitsLeft {
        /// The data-availability threshold that was applied.
        threshold: f64,
    },
}

/// The engine's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn framework(location: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Framework {
            location: location.into(),
            message: message.into(),
        }
    }
}
