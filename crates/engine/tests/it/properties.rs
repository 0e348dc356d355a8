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
