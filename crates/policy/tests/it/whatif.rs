//! Policy what-if: a scenario of the 科技型中小企业 rules with the sales threshold moved,
//! beside the shipped rules, over a synthetic region.

use std::sync::OnceLock;

use kechuang_domain::{Num, SurveyRecord};
use kechuang_policy::{Panel, RuleSet, compare, shipped};
use kechuang_synthetic::region::{RegionSpec, region};
use proptest::prelude::*;

const TECH_SME: &str = include_str!("../../rules/tech_sme-2022.toml");

fn records() -> &'static [SurveyRecord] {
    static RECORDS: OnceLock<Vec<SurveyRecord>> = OnceLock::new();
    RECORDS.get_or_init(|| {
        region(&RegionSpec {
            enterprises: 3000,
            years: vec![2024, 2025],
            seed: 5,
        })
    })
}

/// The shipped rules with "年销售收入不超过2亿元" (20,000 万元) moved to `limit`.
fn with_revenue_limit(limit: u32) -> RuleSet {
    let at = TECH_SME.find("id = \"revenue\"").expect("the condition");
    let value = at + TECH_SME[at..].find("value = 20000").expect("its value");
    let text = format!(
        "{}value = {limit}{}",
        &TECH_SME[..value],
        &TECH_SME[value + "value = 20000".len()..]
    );
    RuleSet::from_toml(&text).expect("a valid scenario")
}

fn revenue(code: &str) -> f64 {
    records()
        .iter()
        .find(|r| r.credit_code.as_str() == code && r.year == 2025)
        .and_then(|r| r.get(Num::Revenue))
        .expect("revenue")
}

#[test]
fn the_current_rules_as_a_scenario_move_nobody() {
    let panel = Panel::new(records());
    let current = shipped("tech_sme").expect("shipped");
    let w = compare(&panel, &current, &with_revenue_limit(20000), 2025);
    assert!(w.entering.is_empty() && w.leaving.is_empty());
    assert_eq!(w.qualifying_before, w.qualifying_after);
    assert!(w.qualifying_before > 0, "the region has tech SMEs");
    assert_eq!(
        w.unchanged,
        records().iter().filter(|r| r.year == 2025).count()
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// Relaxing the threshold only adds firms, each failing the old limit and meeting the new one,
    /// decided by that condition; tightening only removes, the other way round.
    #[test]
    fn moving_one_threshold_moves_only_the_firms_it_concerns(limit in 5_000u32..60_000) {
        let panel = Panel::new(records());
        let current = shipped("tech_sme").expect("shipped");
        let w = compare(&panel, &current, &with_revenue_limit(limit), 2025);
        let limit = f64::from(limit);
        if limit >= 20_000.0 {
            prop_assert!(w.leaving.is_empty(), "relaxing removes nobody");
            for c in &w.entering {
                let n = revenue(&c.credit_code);
                prop_assert!(n > 20_000.0 && n <= limit, "{} has {n}", c.credit_code);
                prop_assert_eq!(c.criterion.as_str(), "revenue");
            }
        } else {
            prop_assert!(w.entering.is_empty(), "tightening adds nobody");
            for c in &w.leaving {
                let n = revenue(&c.credit_code);
                prop_assert!(n > limit && n <= 20_000.0, "{} has {n}", c.credit_code);
                prop_assert_eq!(c.criterion.as_str(), "revenue");
            }
        }
        prop_assert_eq!(
            w.qualifying_after,
            w.qualifying_before + w.entering.len() - w.leaving.len()
        );
    }
}

#[test]
fn a_relaxed_threshold_lets_someone_in() {
    // The synthetic region has firms above ¥200M of sales that meet the rest, and a tightened
    // limit removes some: the property above would hold vacuously otherwise.
    let panel = Panel::new(records());
    let current = shipped("tech_sme").expect("shipped");
    let w = compare(&panel, &current, &with_revenue_limit(60000), 2025);
    assert!(!w.entering.is_empty(), "{w:?}");
    let w = compare(&panel, &current, &with_revenue_limit(5_000), 2025);
    assert!(!w.leaving.is_empty(), "{w:?}");
}

#[test]
fn near_misses_are_counted_under_the_scenario() {
    // Near misses are the scenario's: none of them qualifies under it, each is one or two changes
    // away from it, and a relaxed limit turns some of today's near misses into entrants.
    let panel = Panel::new(records());
    let current = shipped("tech_sme").expect("shipped");
    let same = compare(&panel, &current, &current, 2025);
    let relaxed = compare(&panel, &current, &with_revenue_limit(60000), 2025);
    assert!(!relaxed.near_misses.is_empty());
    for n in &relaxed.near_misses {
        assert!(!relaxed.qualifying.contains(&n.credit_code), "{n:?}");
        assert!((1..=2).contains(&n.gaps.len()), "{n:?}");
    }
    let entered: Vec<&str> = relaxed
        .entering
        .iter()
        .map(|c| c.credit_code.as_str())
        .collect();
    assert!(
        same.near_misses
            .iter()
            .any(|n| entered.contains(&n.credit_code.as_str())),
        "some of today's near misses enter"
    );
    assert!(
        relaxed
            .near_misses
            .iter()
            .all(|n| !entered.contains(&n.credit_code.as_str()))
    );
}
