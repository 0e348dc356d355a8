//! A person in the pool and their evaluation against the criteria.

use serde::{Deserialize, Serialize};

use crate::criteria::{Criteria, Criterion, CriterionKind};

/// A period at an institution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affiliation {
    /// Institution name.
    pub institution: String,
    /// First year.
    pub from: i32,
    /// Last year (`None`: current).
    pub to: Option<i32>,
}

/// An award won.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Award {
    /// Award name.
    pub name: String,
    /// `national`, `provincial`, …
    pub level: String,
    /// 0: the highest prize, 1: first class, 2: second class …
    pub grade: u8,
    /// Position among the winners (1: first).
    pub position: u8,
    /// Year awarded.
    pub year: i32,
}

/// A project led (主持).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Project {
    /// Title.
    pub title: String,
    /// `national`, `provincial`, …
    pub level: String,
    /// Year started.
    pub year: i32,
}

/// Works (papers, granted invention patents) in one year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputYear {
    /// Year.
    pub year: i32,
    /// Works.
    pub count: u32,
}

/// A person as one source records them (专家 / 人才). In a register file only `id` and `name` are
/// required; missing lists are empty and missing values unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Person {
    /// Id within the register.
    pub id: String,
    /// Where the record came from (an import, an institution's list).
    #[serde(default)]
    pub source: String,
    /// ORCID-like persistent identifier, when known.
    #[serde(default)]
    pub orcid: Option<String>,
    /// Name as written.
    pub name: String,
    /// Year of birth.
    #[serde(default)]
    pub birth_year: Option<i32>,
    /// E-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// 京, 津 or 冀.
    #[serde(default)]
    pub region: String,
    /// Technology fields.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Titles held (院士, 教授, 正高级工程师 …).
    #[serde(default)]
    pub titles: Vec<String>,
    /// Talent programmes selected for.
    #[serde(default)]
    pub programmes: Vec<String>,
    /// Holds a doctorate.
    #[serde(default)]
    pub doctorate: bool,
    /// Awards.
    #[serde(default)]
    pub awards: Vec<Award>,
    /// Projects led.
    #[serde(default)]
    pub projects: Vec<Project>,
    /// Works by year.
    #[serde(default)]
    pub outputs: Vec<OutputYear>,
    /// Affiliations, any order.
    #[serde(default)]
    pub affiliations: Vec<Affiliation>,
}

/// One criterion checked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// Tier code.
    pub tier: String,
    /// Criterion id.
    pub criterion: String,
    /// Met or not.
    pub met: bool,
    /// Why, in the criterion's terms (what was found, or what is missing).
    pub reason: String,
    /// Last year the qualification holds, for criteria with a validity.
    pub valid_until: Option<i32>,
}

/// A person placed in the pool.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// Criteria version applied.
    pub criteria_version: String,
    /// Year evaluated.
    pub as_of: i32,
    /// Highest tier reached (`None`: below the pool's entry criteria).
    pub tier: Option<String>,
    /// Year of the next review.
    pub review_due: Option<i32>,
    /// Every criterion of the tiers checked, best tier first, up to the one reached.
    pub findings: Vec<Finding>,
}

fn window(as_of: i32, within_years: i32) -> std::ops::RangeInclusive<i32> {
    (as_of - within_years + 1)..=as_of
}

fn check(p: &Person, c: &Criterion, as_of: i32) -> (bool, String, Option<i32>) {
    let lasting = |year: i32| (c.valid_years > 0).then_some(year + c.valid_years - 1);
    match &c.kind {
        CriterionKind::Title { any_of } | CriterionKind::Programme { any_of } => {
            let held = if matches!(c.kind, CriterionKind::Title { .. }) {
                &p.titles
            } else {
                &p.programmes
            };
            match held.iter().find(|h| any_of.contains(h)) {
                Some(h) => (true, format!("holds {h}"), None),
                None => (false, format!("holds none of {}", any_of.join("、")), None),
            }
        }
        CriterionKind::Award {
            levels,
            grades,
            max_position,
            within_years,
        } => {
            let best = p
                .awards
                .iter()
                .filter(|a| {
                    levels.contains(&a.level)
                        && grades.contains(&a.grade)
                        && a.position <= *max_position
                        && window(as_of, *within_years).contains(&a.year)
                })
                .max_by_key(|a| a.year);
            match best {
                Some(a) => (
                    true,
                    format!("{} ({}, position {})", a.name, a.year, a.position),
                    lasting(a.year),
                ),
                None => (
                    false,
                    format!(
                        "no {} award of grade {:?} at position ≤ {max_position} in {}–{as_of}",
                        levels.join("/"),
                        grades,
                        as_of - within_years + 1
                    ),
                    None,
                ),
            }
        }
        CriterionKind::ProjectLead {
            levels,
            min_count,
            within_years,
        } => {
            let mut years: Vec<i32> = p
                .projects
                .iter()
                .filter(|x| {
                    levels.contains(&x.level) && window(as_of, *within_years).contains(&x.year)
                })
                .map(|x| x.year)
                .collect();
            let n = years.len();
            years.sort_unstable_by(|a, b| b.cmp(a));
            let reason = format!(
                "{n} {} project(s) led in {}–{as_of}, {min_count} needed",
                levels.join("/"),
                as_of - within_years + 1
            );
            // Valid until the window would lose the `min_count`-th most recent project.
            let until = years
                .get(min_count.saturating_sub(1))
                .and_then(|&y| lasting(y));
            (
                n >= *min_count,
                reason,
                if n >= *min_count { until } else { None },
            )
        }
        CriterionKind::Output {
            min_count,
            within_years,
        } => {
            let n: u32 = p
                .outputs
                .iter()
                .filter(|o| window(as_of, *within_years).contains(&o.year))
                .map(|o| o.count)
                .sum();
            let met = n >= *min_count;
            (
                met,
                format!(
                    "{n} works in {}–{as_of}, {min_count} needed",
                    as_of - within_years + 1
                ),
                if met { lasting(as_of) } else { None },
            )
        }
        CriterionKind::YoungDoctor { max_age } => match p.birth_year {
            None => (false, "year of birth unknown".into(), None),
            Some(b) => {
                let age = as_of - b;
                let met = p.doctorate && age <= *max_age;
                let reason = format!(
                    "{}, age {age} (at most {max_age})",
                    if p.doctorate {
                        "doctorate"
                    } else {
                        "no doctorate"
                    }
                );
                (met, reason, if met { Some(b + max_age) } else { None })
            }
        },
    }
}

/// Places a person in the highest tier any of whose criteria is met in year `as_of`.
pub fn evaluate(p: &Person, criteria: &Criteria, as_of: i32) -> Evaluation {
    let mut findings = Vec::new();
    for tier in &criteria.tiers {
        let mut reached = false;
        for c in &tier.criteria {
            let (met, reason, valid_until) = check(p, c, as_of);
            reached |= met;
            findings.push(Finding {
                tier: tier.code.clone(),
                criterion: c.id.clone(),
                met,
                reason,
                valid_until,
            });
        }
        if reached {
            return Evaluation {
                criteria_version: criteria.version.clone(),
                as_of,
                tier: Some(tier.code.clone()),
                review_due: Some(as_of + tier.review_cycle_years),
                findings,
            };
        }
    }
    Evaluation {
        criteria_version: criteria.version.clone(),
        as_of,
        tier: None,
        review_due: None,
        findings,
    }
}
