//! The criteria file: tiers, each a list of criteria; parsed from TOML and checked.

use serde::{Deserialize, Serialize};

/// A criteria file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Not valid TOML or not the expected shape.
    #[error("talent criteria: {0}")]
    Parse(#[from] toml::de::Error),
    /// Valid shape, unusable content.
    #[error("talent criteria, tier {tier}, criterion {criterion}: {message}")]
    Invalid {
        /// Tier code.
        tier: String,
        /// Criterion id (empty for the tier itself).
        criterion: String,
        /// What is wrong.
        message: String,
    },
}

/// One way to qualify for a tier.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CriterionKind {
    /// Holds one of these titles (院士, 教授 …).
    Title {
        /// Accepted titles.
        any_of: Vec<String>,
    },
    /// Selected for one of these programmes (人才计划).
    Programme {
        /// Accepted programmes.
        any_of: Vec<String>,
    },
    /// An award of one of these levels and grades, at most this position among the winners, recently.
    Award {
        /// `national`, `provincial`, …
        levels: Vec<String>,
        /// Grades accepted (0: the highest prize, 1: first class …).
        grades: Vec<u8>,
        /// Highest position (1: first winner) accepted.
        max_position: u8,
        /// Years back from the evaluation year, inclusive.
        within_years: i32,
    },
    /// Led at least `min_count` projects of these levels recently.
    ProjectLead {
        /// `national`, `provincial`, …
        levels: Vec<String>,
        /// Projects needed.
        min_count: usize,
        /// Years back from the evaluation year, inclusive.
        within_years: i32,
    },
    /// At least `min_count` works (papers, granted invention patents) recently.
    Output {
        /// Works needed.
        min_count: u32,
        /// Years back from the evaluation year, inclusive.
        within_years: i32,
    },
    /// A doctorate and at most this age in the evaluation year.
    YoungDoctor {
        /// Highest age.
        max_age: i32,
    },
}

/// A criterion with what the register needs to accept it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criterion {
    /// Stable id, e.g. `B2`.
    pub id: String,
    /// The criterion as published.
    pub description: String,
    /// What is checked.
    #[serde(flatten)]
    pub kind: CriterionKind,
    /// Evidence required (证明材料).
    pub evidence: String,
    /// Who verifies it (审核部门).
    pub verifier: String,
    /// Years a qualification by this criterion stays valid (0: without limit).
    pub valid_years: i32,
}

/// A tier (层次) of the pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tier {
    /// `A` … `E`, best first.
    pub code: String,
    /// Name, e.g. 领军人才.
    pub name: String,
    /// Years between reviews of a person in this tier.
    pub review_cycle_years: i32,
    /// Any one of these qualifies.
    #[serde(rename = "criterion")]
    pub criteria: Vec<Criterion>,
}

/// A versioned set of entry criteria.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Criteria {
    /// Id.
    pub id: String,
    /// Version; every evaluation names it.
    pub version: String,
    /// Date from which it applies (ISO).
    pub effective_from: String,
    /// Title as published.
    pub title: String,
    /// Tiers, best first.
    #[serde(rename = "tier")]
    pub tiers: Vec<Tier>,
}

impl Criteria {
    /// Parses and checks a criteria file.
    pub fn from_toml(text: &str) -> Result<Self, Error> {
        let c: Criteria = toml::from_str(text)?;
        let invalid = |tier: &str, criterion: &str, message: &str| Error::Invalid {
            tier: tier.into(),
            criterion: criterion.into(),
            message: message.into(),
        };
        if c.tiers.is_empty() {
            return Err(invalid("", "", "no tiers"));
        }
        let mut ids = std::collections::HashSet::new();
        for t in &c.tiers {
            if t.criteria.is_empty() {
                return Err(invalid(&t.code, "", "a tier needs at least one criterion"));
            }
            for cr in &t.criteria {
                if !ids.insert(cr.id.clone()) {
                    return Err(invalid(&t.code, &cr.id, "criterion id used twice"));
                }
                let empty_list = match &cr.kind {
                    CriterionKind::Title { any_of } | CriterionKind::Programme { any_of } => {
                        any_of.is_empty()
                    }
                    CriterionKind::Award { levels, grades, .. } => {
                        levels.is_empty() || grades.is_empty()
                    }
                    CriterionKind::ProjectLead { levels, .. } => levels.is_empty(),
                    CriterionKind::Output { .. } | CriterionKind::YoungDoctor { .. } => false,
                };
                if empty_list {
                    return Err(invalid(&t.code, &cr.id, "an empty list accepts nobody"));
                }
            }
        }
        Ok(c)
    }
}

/// The criteria shipped with kechuang (an example set; see the file's header).
pub fn shipped() -> Criteria {
    #[allow(clippy::expect_used)]
    Criteria::from_toml(include_str!("../criteria/talent-2026.toml"))
        .expect("the shipped criteria parse (tested)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_criteria_parse_with_five_tiers() {
        let c = Criteria::from_toml(include_str!("../criteria/talent-2026.toml")).expect("parses");
        let codes: Vec<&str> = c.tiers.iter().map(|t| t.code.as_str()).collect();
        assert_eq!(codes, ["A", "B", "C", "D", "E"]);
        assert!(c.tiers.iter().all(|t| !t.criteria.is_empty()));
    }

    #[test]
    fn unusable_files_are_refused_with_the_place() {
        let e = Criteria::from_toml(
            r#"id = "t"
version = "1"
effective_from = "2026-01-01"
title = "x"
[[tier]]
code = "A"
name = "a"
review_cycle_years = 1
[[tier.criterion]]
id = "A1"
description = "d"
kind = "title"
any_of = []
evidence = "e"
verifier = "v"
valid_years = 0
"#,
        )
        .expect_err("empty list");
        assert!(e.to_string().contains("tier A, criterion A1"), "{e}");
        assert!(Criteria::from_toml("id = 3").is_err());
    }
}
