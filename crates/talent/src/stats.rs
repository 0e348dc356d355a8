//! Statistics of the pool: people by tier crossed with region, field and current institution; and
//! the filter the pool is searched with.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::person::{Evaluation, Person};

/// Counts by tier (`""`: below the entry criteria) for each value of a dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Breakdown {
    /// Value (a region, a field, an institution) → tier → people.
    pub counts: BTreeMap<String, BTreeMap<String, usize>>,
}

impl Breakdown {
    fn add(&mut self, key: &str, tier: &str) {
        *self
            .counts
            .entry(key.to_string())
            .or_default()
            .entry(tier.to_string())
            .or_default() += 1;
    }

    /// People with this value, all tiers.
    pub fn total(&self, key: &str) -> usize {
        self.counts.get(key).map_or(0, |t| t.values().sum())
    }
}

/// The pool by region, field and current institution, each by tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct Statistics {
    /// By 京/津/冀.
    pub by_region: Breakdown,
    /// By technology field (a person counts once in each of their fields).
    pub by_field: Breakdown,
    /// By current institution (a person counts once in each; none recorded: `""`).
    pub by_institution: Breakdown,
}

/// The institutions a person is at in `year` (affiliations without an end, or ending that year or later).
pub fn current_institutions(p: &Person, year: i32) -> Vec<&str> {
    p.affiliations
        .iter()
        .filter(|a| a.to.is_none_or(|to| to >= year))
        .map(|a| a.institution.as_str())
        .collect()
}

/// A search of the pool: every filter given must hold (`None`: any).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Search {
    /// Tier code, or `-` for below the entry criteria.
    pub tier: Option<String>,
    /// A field the person works in.
    pub field: Option<String>,
    /// Region (京, 津, 冀).
    pub region: Option<String>,
    /// Text in a current institution.
    pub institution: Option<String>,
    /// Text in the name.
    pub name: Option<String>,
}

impl Search {
    /// Whether any filter is given.
    pub fn is_empty(&self) -> bool {
        *self == Search::default()
    }

    /// Whether the person, with their evaluation, matches every filter given.
    pub fn matches(&self, p: &Person, e: &Evaluation) -> bool {
        self.tier
            .as_deref()
            .is_none_or(|t| e.tier.as_deref().unwrap_or("-") == t)
            && self
                .field
                .as_deref()
                .is_none_or(|f| p.fields.iter().any(|x| x == f))
            && self.region.as_deref().is_none_or(|r| p.region == r)
            && self.institution.as_deref().is_none_or(|i| {
                current_institutions(p, e.as_of)
                    .iter()
                    .any(|c| c.contains(i))
            })
            && self.name.as_deref().is_none_or(|n| p.name.contains(n))
    }
}

/// Statistics of `people`, each with their evaluation (the two slices in the same order).
pub fn statistics(people: &[Person], evaluations: &[Evaluation]) -> Statistics {
    let mut s = Statistics::default();
    for (p, e) in people.iter().zip(evaluations) {
        let tier = e.tier.as_deref().unwrap_or("");
        s.by_region.add(&p.region, tier);
        for f in &p.fields {
            s.by_field.add(f, tier);
        }
        let current = current_institutions(p, e.as_of);
        if current.is_empty() {
            s.by_institution.add("", tier);
        }
        for i in current {
            s.by_institution.add(i, tier);
        }
    }
    s
}
