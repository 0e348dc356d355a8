//! The official evaluation schemes (科技型中小企业, 高新技术企业, 创新型中小企业, 专精特新, "小巨人", and the
//! source's R&D-growth credit rule) as versioned rule files interpreted with explanations. Pure.
//!
//! Rules are data: each scheme is a TOML file in `rules/` (shipped in the binary; a bureau can load its
//! own without recompiling). An [`Evaluation`] gives the outcome (qualifies, does not, insufficient
//! data, needs expert input), the score and sub-scores, every criterion with its value, threshold,
//! points and clause, and the smallest changes that would make the enterprise qualify. Missing data is
//! never treated as zero.
//!
//! ```
//! use std::collections::HashMap;
//! use kechuang_policy::{History, Outcome, evaluate, shipped};
//! # use kechuang_domain::*;
//! # let record = SurveyRecord { credit_code: CreditCode::complete("91120116MA05K1234").unwrap(), name: "甲".into(),
//! #   region_code: RegionCode::parse("120116").unwrap(), park: None, industry_code: IndustryCode::parse("C3911").unwrap(),
//! #   tech_field: None, founded_on: chrono::NaiveDate::from_ymd_opt(2018, 1, 1).unwrap(), year: 2025,
//! #   values: vec![None; Num::COUNT], rd_institution_level: RdInstitutionLevel::None, incubation_stage: None,
//! #   titles: Titles::default(), consent_bank: false };
//! let tech_sme = shipped("tech_sme").unwrap();
//! let e = evaluate(&tech_sme, &History { current: &record, earlier: &[] }, &HashMap::new(), true);
//! assert_eq!(e.outcome, Outcome::InsufficientData); // nothing answered: nothing assumed
//! ```
#![warn(missing_docs)]

mod evaluate;
pub mod expr;
mod panel;
mod params;
mod rules;
mod whatif;

pub use evaluate::{
    Criterion, CriterionKind, Evaluation, Gap, Outcome, check_expert_points, evaluate,
};
pub use expr::History;
pub use panel::{Panel, evaluate_year};
pub use params::{Overrides, ParamChange, Parameter, apply, diff};
pub use rules::{Band, ConditionSpec, IndicatorSpec, Op, Points, RuleError, RuleSet, RuleSetSpec};
pub use whatif::{Change, NearMiss, WhatIf, compare};

/// The rule files shipped with kechuang: (id, TOML).
pub const SHIPPED: [(&str, &str); 6] = [
    ("tech_sme", include_str!("../rules/tech_sme-2022.toml")),
    ("hnte", include_str!("../rules/hnte-2016.toml")),
    (
        "innovative_sme",
        include_str!("../rules/innovative_sme-2022.toml"),
    ),
    (
        "specialised_sme",
        include_str!("../rules/specialised_sme-2022.toml"),
    ),
    (
        "little_giant",
        include_str!("../rules/little_giant-2022.toml"),
    ),
    ("rd_credit", include_str!("../rules/rd_credit-2026.toml")),
];

/// A shipped rule file's text by id (what a scenario's changes apply to).
pub fn shipped_text(id: &str) -> Option<&'static str> {
    SHIPPED.iter().find(|(i, _)| *i == id).map(|(_, t)| *t)
}

/// A shipped rule set by id.
pub fn shipped(id: &str) -> Option<RuleSet> {
    SHIPPED
        .iter()
        .find(|(i, _)| *i == id)
        .and_then(|(_, t)| RuleSet::from_toml(t).ok())
}
