//! Properties that must hold for any data.

use kechuang_engine::{Build, BuildOptions, Dataset};
use proptest::prelude::*;

use crate::common::{data, framework};

const THREE: &str = r#"
[[indicator]]
code = "a"
parent = "Index"
[[indicator]]
code = "b"
parent = "Index"
weight = 2
[[indicator]]
code = "c"
parent = "Index"
direction = -1
[[aggregate]]
code = "Index"
"#;

fn dataset(rows: &[(f64, f64, f64)]) -> Dataset {
    let codes: Vec<String> = (0..rows.len()).map(|i| format!("U{i}")).collect();
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    let a: Vec<f64> = rows.iter().map(|r| r.0).collect();
    let b: Vec<f64> = rows.iter().map(|r| r.1).collect();
    let c: Vec<f64> = rows.iter().map(|r| r.2).collect();
    data(&codes, None, None, &[("a", &a), ("b", &b), ("c", &c)])
}

fn rows() -> impl Strategy<Value = Vec<(f64, f64, f64)>> {
    // Two fixed rows keep every indicator non-constant; the rest are arbitrary.
    prop::collection::vec((-1e6..1e6f64, -1e3..1e3f64, 0.0..1.0f64), 0..40).prop_map(|mut v| {
        v.push((-2e6, -2e3, -1.0));
        v.push((2e6, 2e3, 2.0));
        v
    })
}

proptest! {
    #[test]
    fn minmax_scores_stay_within_range(rows in rows()) {
        let b = Build::run(&framework(THREE), dataset(&rows), BuildOptions::default()).expect("builds");
        for col in &b.scores {
            for &v in col {
                prop_assert!((0.0..=100.0).contains(&v), "{v}");
            }
        }
    }

    #[test]
    fn better_on_every_indicator_means_a_better_index(rows in rows(), pick in 0usize..40) {
        let k = pick % rows.len();
        let mut better = rows.clone();
        // Improve unit k on every indicator in its direction (c has direction −1), within the range.
        better[k] = (rows[k].0 + 1.0, rows[k].1 + 1.0, rows[k].2 - 0.5);
        let f = framework(THREE);
        let before = Build::run(&f, dataset(&rows), BuildOptions::default()).expect("builds");
        let after = Build::run(&f, dataset(&better), BuildOptions::default()).expect("builds");
        let root = f.root();
        // The extremes are fixed rows, so the scales of the others do not move unless k is one.
        if k + 2 < rows.len() {
            prop_assert!(after.scores[root][k] > before.scores[root][k]);
        }
    }

    #[test]
    fn permuting_units_changes_no_score(rows in rows(), seed in any::<u64>()) {
        let f = framework(THREE);
        let base = Build::run(&f, dataset(&rows), BuildOptions::default()).expect("builds");
        let mut order: Vec<usize> = (0..rows.len()).collect();
        // A seeded Fisher–Yates shuffle.
        let mut s = seed | 1;
        for i in (1..order.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            order.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let mut shuffled = dataset(&rows).select_rows(&order);
        shuffled.codes = order.iter().map(|&i| format!("U{i}")).collect();
        let perm = Build::run(&f, shuffled, BuildOptions::default()).expect("builds");
        for (p, &orig) in order.iter().enumerate() {
            for node in 0..f.nodes.len() {
                let (x, y) = (perm.scores[node][p], base.scores[node][orig]);
                prop_assert!((x - y).abs() <= 1e-9 * x.abs().max(1.0), "{x} vs {y}");
            }
            prop_assert_eq!(perm.ranks[p], base.ranks[orig]);
        }
    }
}

/// Year-on-year changes and trends against the obvious hash-map reading of the same scores.
fn naive_year_on_year(b: &Build, node: usize) -> Vec<f64> {
    let times = b.units.times.as_ref().expect("times");
    let s = &b.scores[node];
    let at: std::collections::HashMap<(&str, i32), f64> = (0..s.len())
        .map(|r| ((b.units.codes[r].as_str(), times[r]), s[r]))
        .collect();
    (0..s.len())
        .map(|r| {
            at.get(&(b.units.codes[r].as_str(), times[r] - 1))
                .map_or(f64::NAN, |p| s[r] - p)
        })
        .collect()
}

fn naive_trends(b: &Build, node: usize) -> Vec<(String, i32, i32, f64, f64)> {
    let times = b.units.times.as_ref().expect("times");
    let s = &b.scores[node];
    let mut by_unit: std::collections::BTreeMap<&str, Vec<(i32, f64)>> = Default::default();
    for r in 0..s.len() {
        if !s[r].is_nan() {
            by_unit
                .entry(&b.units.codes[r])
                .or_default()
                .push((times[r], s[r]));
        }
    }
    by_unit
        .into_iter()
        .map(|(c, mut v)| {
            v.sort_by_key(|x| x.0);
            let (f, l) = (v[0], v[v.len() - 1]);
            (c.to_string(), f.0, l.0, f.1, l.1)
        })
        .collect()
}

proptest! {
    #[test]
    fn year_on_year_and_trends_read_each_units_own_years(
        cells in prop::collection::vec((0usize..6, 2015i32..2022, prop::option::of(0.0..100.0f64)), 0..60)
    ) {
        // Unique (unit, year) pairs, in the order drawn; two fixed rows keep the indicator varied.
        let mut seen = std::collections::HashSet::new();
        let mut rows: Vec<(String, i32, f64)> = vec![("U9".into(), 2010, -1.0), ("U9".into(), 2011, 200.0)];
        for (u, y, v) in cells {
            if seen.insert((u, y)) {
                rows.push((format!("U{u}"), y, v.unwrap_or(f64::NAN)));
            }
        }
        let codes: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
        let years: Vec<i32> = rows.iter().map(|r| r.1).collect();
        let a: Vec<f64> = rows.iter().map(|r| r.2).collect();
        let f = framework(&format!("[panel]\nmode = \"pooled\"\n{}", crate::common::TWO.replace("code = \"b\"\nparent = \"Index\"\n", "code = \"b\"\nparent = \"Index\"\nweight = 0.000001\n")));
        let d = data(&codes, Some(&years), None, &[("a", &a), ("b", &a)]);
        let b = Build::run(&f, d, BuildOptions::default()).expect("build");
        let root = b.framework.root();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        prop_assert_eq!(bits(&b.year_on_year(root)), bits(&naive_year_on_year(&b, root)));
        let trends: Vec<_> = b
            .trends(root)
            .into_iter()
            .map(|t| (t.code, t.first_year, t.last_year, t.first, t.last))
            .collect();
        prop_assert_eq!(trends, naive_trends(&b, root));
    }
}
