//! Evaluating every enterprise of a year at once, each with its own earlier years, in parallel.

use std::collections::HashMap;

use kechuang_domain::SurveyRecord;
use rayon::prelude::*;

use crate::evaluate::{Evaluation, evaluate};
use crate::expr::History;
use crate::rules::RuleSet;

/// Survey records indexed by enterprise, so that each can be evaluated with its earlier years.
pub struct Panel<'a> {
    records: &'a [SurveyRecord],
    by_code: HashMap<&'a str, Vec<&'a SurveyRecord>>,
}

impl<'a> Panel<'a> {
    /// Indexes records of any years.
    pub fn new(records: &'a [SurveyRecord]) -> Panel<'a> {
        let mut by_code: HashMap<&str, Vec<&SurveyRecord>> = HashMap::new();
        for r in records {
            by_code.entry(r.credit_code.as_str()).or_default().push(r);
        }
        for v in by_code.values_mut() {
            v.sort_by_key(|r| std::cmp::Reverse(r.year));
        }
        Panel { records, by_code }
    }

    /// Evaluates every enterprise with a record in `year` (in the order of the records), each with its
    /// earlier years.
    pub fn evaluate_year<'r>(
        &self,
        rules: &'r RuleSet,
        year: i32,
        with_gaps: bool,
    ) -> Vec<Evaluation<'r>> {
        self.evaluate_year_where(rules, year, with_gaps, |_| true)
    }

    /// Like [`Panel::evaluate_year`], keeping only the evaluations `keep` accepts; the others are
    /// dropped as soon as they are made, so a million evaluations never sit in memory at once.
    pub fn evaluate_year_where<'r>(
        &self,
        rules: &'r RuleSet,
        year: i32,
        with_gaps: bool,
        keep: impl Fn(&Evaluation<'r>) -> bool + Sync,
    ) -> Vec<Evaluation<'r>> {
        let none = HashMap::new();
        self.records
            .par_iter()
            .filter(|r| r.year == year)
            .filter_map(|r| {
                let earlier = self
                    .by_code
                    .get(r.credit_code.as_str())
                    .map_or(&[][..], Vec::as_slice);
                let e = evaluate(
                    rules,
                    &History {
                        current: r,
                        earlier,
                    },
                    &none,
                    with_gaps,
                );
                keep(&e).then_some(e)
            })
            .collect()
    }
}

/// Evaluates every enterprise with a record in `year`; `records` may hold earlier years too (three
/// earlier years cover every shipped rule). Results follow the order of `year`'s records.
pub fn evaluate_year<'r>(
    rules: &'r RuleSet,
    records: &[SurveyRecord],
    year: i32,
    with_gaps: bool,
) -> Vec<Evaluation<'r>> {
    Panel::new(records).evaluate_year(rules, year, with_gaps)
}
