//! The domain of kechuang: enterprises' annual innovation survey records, the official codes they
//! carry and the rules that make a record valid. Pure: no files, databases or HTTP.
//!
//! - [`codes`]: [`CreditCode`] (GB 32100-2015), [`RegionCode`] (GB/T 2260), [`IndustryCode`]
//!   (GB/T 4754-2017), [`TechField`].
//! - [`fields`]: the catalogue of survey fields with Chinese and English labels, units and rules.
//! - [`record`]: [`SurveyRecord`], [`parse_record`] (every issue of a row at once), cross-year checks,
//!   and derived attributes ([`Stage`], [`SizeClass`]).
//!
//! ```
//! use std::collections::HashMap;
//! use kechuang_domain::{Field, Num, ParseContext, Text, parse_record};
//!
//! let mut cells = HashMap::new();
//! cells.insert(Field::Text(Text::CreditCode), "91310110666007217T".to_string());
//! cells.insert(Field::Num(Num::RdExpense), "-3".to_string());
//! let (record, issues) = parse_record(&cells, &ParseContext { max_year: 2026, jump_factor: None });
//! assert!(record.is_none());
//! assert!(issues.iter().any(|i| i.rule == "non_negative"));
//! ```
#![warn(missing_docs)]

pub mod codes;
pub mod fields;
pub mod record;

pub use codes::{CodeError, CreditCode, IndustryCode, Province, RegionCode, TechField};
pub use fields::{Field, FieldSpec, Kind, NUMERIC, Num, TEXT, Text, TextSpec, unit_en};
pub use record::{
    Cells, IncubationStage, Issue, ParseContext, RdInstitutionLevel, Severity, SizeClass, Stage,
    SurveyRecord, Titles, cross_year, held_in, parse_record,
};
