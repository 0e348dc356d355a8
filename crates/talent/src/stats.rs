//! Statistics of the pool: people by tier crossed with region, field and current institution.

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

/// Statistics of `people`, each with their evaluation (the two slices in the same order).
pub fn statistics(people: &[Person], evaluations: &[Evaluation]) -> Statistics {
    let mut s = Statistics::default();
    for (p, e) in people.iter().zip(evaluations) {
        let tier = e.tier.as_deref().unwrap_or("");
        s.by_region.add(&p.region, tier);
        for f in &p.fields {
            s.by_field.add(f, tier);
        }
        let current: Vec<&str> = p
            .affiliations
            .iter()
            .filter(|a| a.to.is_none_or(|to| to >= e.as_of))
            .map(|a| a.institution.as_str())
            .collect();
        if current.is_empty() {
            s.by_institution.add("", tier);
        }
        for i in current {
            s.by_institution.add(i, tier);
        }
    }
    s
}
