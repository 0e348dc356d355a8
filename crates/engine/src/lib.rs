//! The composite-indicator engine of kechuang: it takes a table of units × indicators and a
//! framework, and produces every stage, the scores of every aggregate and the ranks.
//!
//! It is of the class of COINr (the European Commission JRC's reference package) and reproduces its
//! reference outputs. It knows nothing of enterprises, files, databases or HTTP.
//!
//! - [`Dataset`]: units (code, name, optional year, group columns) × numeric columns; missing is `NAN`.
//! - [`Framework`]: the checked hierarchy and pipeline, from the TOML format ([`FrameworkSpec`]) or
//!   COINr's `iMeta` table ([`MetaRow`]).
//! - [`Build::run`]: runs the steps (denominate, screen, impute, treat, normalise, weight, aggregate)
//!   and ranks; the result keeps each stage and a record of what every step did.
//!
//! ```
//! use kechuang_engine::{Build, BuildOptions, Column, Dataset, Framework};
//!
//! let framework = Framework::from_toml(r#"
//!     id = "demo"
//!     version = "1"
//!     [[indicator]]
//!     code = "rd"
//!     parent = "Index"
//!     [[indicator]]
//!     code = "patents"
//!     parent = "Index"
//!     [[indicator]]
//!     code = "debt"
//!     parent = "Index"
//!     direction = -1
//!     [[aggregate]]
//!     code = "Index"
//! "#).unwrap();
//! let data = Dataset {
//!     codes: vec!["A".into(), "B".into(), "C".into()],
//!     names: vec!["a".into(), "b".into(), "c".into()],
//!     columns: vec![
//!         Column { code: "rd".into(), values: vec![1.0, 2.0, 3.0] },
//!         Column { code: "patents".into(), values: vec![0.0, 5.0, 10.0] },
//!         Column { code: "debt".into(), values: vec![0.9, 0.5, 0.1] },
//!     ],
//!     ..Dataset::default()
//! };
//! let build = Build::run(&framework, data, BuildOptions::default()).unwrap();
//! assert_eq!(build.score("Index").unwrap(), &[0.0, 50.0, 100.0]);
//! assert_eq!(build.ranks, vec![Some(3), Some(2), Some(1)]);
//! ```
#![warn(missing_docs)]

pub mod audit;
mod build;
mod dataset;
mod error;
mod framework;
mod methods;
mod rank;
mod results;
pub mod sensitivity;
mod spec;
mod stage;
pub mod stats;
pub mod steps;
pub mod uncertainty;
pub mod validity;

pub use build::{
    Build, BuildOptions, Imputed, Records, STAGE_NAMES, ScreenedOut, Stage, StageSink, StageView,
    Treated, TreatedPoint, WeightUsed, round_published,
};
pub use dataset::{Column, Dataset, GroupColumn};
pub use error::{Error, Result};
pub use framework::{Framework, LevelOptions, MetaRow, Node, Step, WeightProfiles, parse_toml};
pub use methods::{
    Aggregation, Fallback, Imputation, InvalidValues, Normaliser, PanelMode, Rescale, Transform,
    Treatment, Weighting,
};
pub use results::{IndicatorRanks, StrengthsWeaknesses, Trend, TrendSeries};
pub use spec::{
    AggregateSpec, FrameworkSpec, IndicatorSpec, LevelSpec, MethodSpec, PanelSpec, ProfileSpec,
    WeightsBySpec,
};

/// The engine's version, recorded in build manifests.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
