//! Whole builds checked against hand-computed values.

use kechuang_engine::{Framework, Imputation, PanelMode, Step};

use crate::common::{NA, TWO, close, data, framework, run};

#[test]
fn minimal_build_is_minmax_then_mean_then_rank() {
    let f = framework(TWO);
    let d = data(
        &["A", "B", "C"],
        None,
        None,
        &[("a", &[0.0, 5.0, 10.0]), ("b", &[4.0, 2.0, 0.0])],
    );
    let b = run(&f, d);
    // a → 0, 50, 100; b → 100, 50, 0; mean 50 for all: a three-way tie shares rank 1.
    close(b.score("Index").expect("index"), &[50.0, 50.0, 50.0]);
    assert_eq!(b.ranks, vec![Some(1), Some(1), Some(1)]);
    assert_eq!(
        b.stages.iter().map(|s| s.name).collect::<Vec<_>>(),
        ["raw", "normalised", "aggregated"]
    );
}

#[test]
fn screening_records_who_was_removed() {
    let f = framework(&format!(
        "{TWO}[[step]]\nstep = \"screen\"\nmin_share = 0.6\n[[step]]\nstep = \"normalise\"\nmethod = \"minmax\"\n[[step]]\nstep = \"aggregate\"\n"
    ));
    let d = data(
        &["A", "B", "C"],
        None,
        None,
        &[("a", &[0.0, NA, 10.0]), ("b", &[1.0, 2.0, 3.0])],
    );
    let b = run(&f, d);
    assert_eq!(b.units.codes, ["A", "C"]);
    assert_eq!(b.rows, [0, 2]);
    assert_eq!(b.records.screened_out.len(), 1);
    assert_eq!(b.records.screened_out[0].code, "B");
    assert_eq!(b.records.screened_out[0].share, 0.5);
}

const PANEL: &str = r#"
[[indicator]]
code = "a"
parent = "Index"
[[aggregate]]
code = "Index"
"#;

#[test]
fn per_year_and_pooled_panels_normalise_differently() {
    let codes = ["A", "B", "A", "B"];
    let years = [2022, 2022, 2023, 2023];
    let a: &[f64] = &[1.0, 3.0, 5.0, 9.0];
    let per_year = run(
        &framework(PANEL),
        data(&codes, Some(&years), None, &[("a", a)]),
    );
    // Each year on its own: the lower unit scores 0 and the higher 100 in both years.
    let mut by_unit: Vec<(String, i32, f64)> = (0..4)
        .map(|u| {
            (
                per_year.units.codes[u].clone(),
                per_year.units.times.as_ref().expect("times")[u],
                per_year.scores[1][u],
            )
        })
        .collect();
    by_unit.sort_by(|x, y| (x.1, &x.0).cmp(&(y.1, &y.0)));
    close(
        &by_unit.iter().map(|x| x.2).collect::<Vec<_>>(),
        &[0.0, 100.0, 0.0, 100.0],
    );

    let pooled = run(
        &framework(&format!("[panel]\nmode = \"pooled\"\n{PANEL}")),
        data(&codes, Some(&years), None, &[("a", a)]),
    );
    assert_eq!(pooled.framework.panel, PanelMode::Pooled);
    // One scale over both years: (x − 1)/8.
    close(&pooled.scores[1], &[0.0, 25.0, 50.0, 100.0]);
    assert_eq!(
        pooled.ranks,
        vec![Some(2), Some(1), Some(2), Some(1)],
        "ranks are within each year"
    );
    close(&pooled.year_on_year(1), &[NA, NA, 50.0, 75.0]);
    let trends = pooled.trends(1);
    assert_eq!(trends.len(), 2);
    assert_eq!(trends[0].code, "A");
    assert_eq!(trends[0].cagr, None, "no growth rate from a zero start");
    assert!(
        (trends[1].cagr.expect("B grows") - 3.0).abs() < 1e-12,
        "25 → 100 in one year is +300%"
    );
    let series = pooled.trend_series(1);
    assert_eq!(
        (0..series.len()).map(|i| series.get(i)).collect::<Vec<_>>(),
        trends
    );
    // A node no unit has a score on: no units, not one empty series.
    let mut unscored = pooled;
    unscored.scores[1] = vec![NA; 4];
    assert!(unscored.trend_series(1).is_empty());
    assert!(unscored.trends(1).is_empty());
}

#[test]
fn panel_imputation_runs_across_years_before_a_per_year_build() {
    let f = framework(&format!(
        "{PANEL}[[step]]\nstep = \"impute\"\nmethod = \"carry_forward\"\n[[step]]\nstep = \"normalise\"\nmethod = \"minmax\"\n[[step]]\nstep = \"aggregate\"\n"
    ));
    assert_eq!(
        f.steps[0],
        Step::Impute {
            imputation: Imputation::CarryForward
        }
    );
    let d = data(
        &["A", "B", "A", "B"],
        Some(&[2022, 2022, 2023, 2023]),
        None,
        &[("a", &[4.0, 2.0, NA, 3.0])],
    );
    let b = run(&f, d);
    let imputed = b
        .stages
        .iter()
        .find(|s| s.name == "imputed")
        .expect("stage");
    close(&imputed.columns[0], &[4.0, 2.0, 4.0, 3.0]);
    assert_eq!(b.records.imputed[0].count, 1);
}

#[test]
fn group_ranks_strengths_and_weaknesses() {
    let f = framework(TWO);
    let d = data(
        &["A", "B", "C", "D"],
        None,
        Some(&["x", "x", "y", "y"]),
        &[("a", &[1.0, 2.0, 3.0, 4.0]), ("b", &[4.0, 1.0, 2.0, 3.0])],
    );
    let b = run(&f, d);
    // a: 0, 33.3, 66.7, 100; b: 100, 0, 33.3, 66.7; Index: 50, 16.7, 50, 83.3.
    close(
        b.score("Index").expect("index"),
        &[50.0, 50.0 / 3.0, 50.0, 250.0 / 3.0],
    );
    assert_eq!(b.ranks, vec![Some(2), Some(4), Some(2), Some(1)]);
    let (name, by_group) = &b.group_ranks[0];
    assert_eq!(name, "g");
    assert_eq!(by_group, &vec![Some(1), Some(2), Some(2), Some(1)]);
    let sw = b.strengths_weaknesses(1);
    assert_eq!(sw[0].strengths, vec![("b".to_string(), 1)]);
    assert_eq!(sw[0].weaknesses, vec![("a".to_string(), 4)]);
}

#[test]
fn strengths_and_weaknesses_are_the_best_and_worst_ranks_among_many_indicators() {
    // Nine indicators over seven units, values from a fixed pseudo-random sequence (ties
    // included), against ranks counted by hand: 1 + units with a strictly higher score.
    let codes: Vec<String> = (0..9).map(|i| format!("i{i}")).collect();
    let mut toml = String::new();
    for c in &codes {
        toml.push_str(&format!(
            "[[indicator]]\ncode = \"{c}\"\nparent = \"Index\"\n"
        ));
    }
    toml.push_str("[[aggregate]]\ncode = \"Index\"\n");
    let mut x = 7u64;
    let columns: Vec<Vec<f64>> = (0..9)
        .map(|_| {
            (0..7)
                .map(|_| {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((x >> 33) % 5) as f64
                })
                .collect()
        })
        .collect();
    let named: Vec<(&str, &[f64])> = codes
        .iter()
        .map(String::as_str)
        .zip(columns.iter().map(Vec::as_slice))
        .collect();
    let b = run(
        &framework(&toml),
        data(&["A", "B", "C", "D", "E", "F", "G"], None, None, &named),
    );
    let sw = b.strengths_weaknesses(3);
    for (u, profile) in sw.iter().enumerate() {
        let mut mine: Vec<(u32, usize)> = (0..9)
            .map(|i| {
                let s = b.score(&codes[i]).expect("score");
                (1 + s.iter().filter(|&&v| v > s[u]).count() as u32, i)
            })
            .collect();
        mine.sort();
        let best: Vec<(String, u32)> = mine[..3]
            .iter()
            .map(|&(r, i)| (codes[i].clone(), r))
            .collect();
        let worst: Vec<(String, u32)> = mine
            .iter()
            .rev()
            .take(3)
            .map(|&(r, i)| (codes[i].clone(), r))
            .collect();
        assert_eq!(profile.strengths, best, "unit {u}");
        assert_eq!(profile.weaknesses, worst, "unit {u}");
    }
}

const THREE_LEVELS: &str = r#"
[[indicator]]
code = "a"
parent = "P"
[[indicator]]
code = "b"
parent = "P"
weight = 3
[[indicator]]
code = "c"
parent = "Q"
[[aggregate]]
code = "P"
parent = "Index"
[[aggregate]]
code = "Q"
parent = "Index"
weight = 2
[[aggregate]]
code = "Index"
"#;

#[test]
fn framework_weights_level_overrides_and_aggregate_overrides() {
    let d = || {
        data(
            &["A", "B", "C"],
            None,
            None,
            &[
                ("a", &[0.0, 5.0, 10.0]),
                ("b", &[10.0, 0.0, 5.0]),
                ("c", &[1.0, 2.0, 3.0]),
            ],
        )
    };
    let b = run(&framework(THREE_LEVELS), d());
    // P = (a + 3b)/4 = 75, 12.5, 62.5; Q = c = 0, 50, 100; Index = (P + 2Q)/3.
    close(b.score("P").expect("P"), &[75.0, 12.5, 62.5]);
    close(
        b.score("Index").expect("I"),
        &[25.0, 112.5 / 3.0, 262.5 / 3.0],
    );

    let equal = framework(&format!(
        "{THREE_LEVELS}[[level]]\nlevel = 2\nequal_weights = true\n"
    ));
    let b = run(&equal, d());
    close(b.score("P").expect("P"), &[50.0, 25.0, 75.0]);

    let geometric_index = THREE_LEVELS.replace(
        "code = \"Index\"",
        "code = \"Index\"\naggregation = { method = \"harmonic\" }",
    );
    let f = framework(&format!(
        "{geometric_index}[[step]]\nstep = \"normalise\"\nmethod = \"minmax\"\nlow = 1\nhigh = 10\n[[step]]\nstep = \"aggregate\"\n"
    ));
    let b = run(&f, d());
    let p = b.score("P").expect("P").to_vec();
    let q = b.score("Q").expect("Q").to_vec();
    let expected: Vec<f64> = p
        .iter()
        .zip(&q)
        .map(|(p, q)| 3.0 / (1.0 / p + 2.0 / q))
        .collect();
    close(b.score("Index").expect("I"), &expected);
    let w: Vec<(String, f64)> = b
        .records
        .weights
        .iter()
        .filter(|w| w.aggregate == "Index")
        .map(|w| (w.child.clone(), w.weight))
        .collect();
    assert_eq!(w, vec![("P".to_string(), 1.0), ("Q".to_string(), 2.0)]);
}

#[test]
fn pca_weighting_records_variance_explained() {
    let f = framework(&format!(
        "{THREE_LEVELS}[[step]]\nstep = \"normalise\"\nmethod = \"minmax\"\n[[step]]\nstep = \"weight\"\nmethod = \"pca\"\n[[step]]\nstep = \"aggregate\"\n"
    ));
    let d = data(
        &["A", "B", "C", "D", "E"],
        None,
        None,
        &[
            ("a", &[1.0, 2.0, 3.0, 4.0, 5.0]),
            ("b", &[1.0, 2.5, 2.9, 4.2, 5.5]),
            ("c", &[2.0, 1.0, 4.0, 3.0, 5.0]),
        ],
    );
    let b = run(&f, d);
    let p: Vec<_> = b
        .records
        .weights
        .iter()
        .filter(|w| w.aggregate == "P")
        .collect();
    assert_eq!(p.len(), 2);
    // Two children: the first component of a 2×2 correlation matrix loads equally.
    assert!((p[0].weight - 0.5).abs() < 1e-9 && (p[1].weight - 0.5).abs() < 1e-9);
    let explained = p[0].pca_explained.expect("recorded");
    assert!(explained > 0.9 && explained <= 1.0);
}

#[test]
fn copeland_through_a_build() {
    let f = framework(&format!(
        "{}[[step]]\nstep = \"normalise\"\nmethod = \"none\"\n[[step]]\nstep = \"aggregate\"\nmethod = \"copeland\"\n",
        TWO.replace(
            "code = \"b\"\nparent = \"Index\"",
            "code = \"b\"\nparent = \"Index\"\n[[indicator]]\ncode = \"c\"\nparent = \"Index\""
        )
    ));
    let d = data(
        &["A", "B", "C"],
        None,
        None,
        &[
            ("a", &[3.0, 2.0, 1.0]),
            ("b", &[3.0, 1.0, 0.0]),
            ("c", &[0.0, 2.0, 1.0]),
        ],
    );
    let b = run(&f, d);
    close(b.score("Index").expect("I"), &[2.0, 0.0, -2.0]);
}

#[test]
fn treatment_record_names_units() {
    let f = framework(&format!(
        "{PANEL}[[step]]\nstep = \"treat\"\nmethod = \"winsorise\"\n[[step]]\nstep = \"normalise\"\nmethod = \"minmax\"\n[[step]]\nstep = \"aggregate\"\n"
    ));
    let codes: Vec<String> = (0..12).map(|i| format!("U{i}")).collect();
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    let values: Vec<f64> = (1..=10).map(f64::from).chain([30.0, 100.0]).collect();
    let b = run(&f, data(&codes, None, None, &[("a", &values)]));
    let t = &b.records.treated[0];
    assert_eq!(t.details.winsorised, Some(1));
    assert_eq!(t.points.len(), 1);
    assert_eq!(t.points[0].unit, "U11");
}

#[test]
fn weight_profiles_by_group_apply_to_their_units_only() {
    let f = framework(&format!(
        "{TWO}[weights_by]\ngroup = \"g\"\n[[weights_by.profile]]\nlabel = \"startup\"\nweights = {{ a = 3, b = 1 }}\n"
    ));
    // a: 0, 100, 50; b: 100, 0, 50 (min-max). Units A and C are start-ups: (3a + b)/4; B keeps equal weights.
    let d = data(
        &["A", "B", "C"],
        None,
        Some(&["startup", "mature", "startup"]),
        &[("a", &[0.0, 10.0, 5.0]), ("b", &[4.0, 0.0, 2.0])],
    );
    let b = run(&f, d);
    close(b.score("Index").expect("index"), &[25.0, 50.0, 50.0]);
    assert!(
        b.records
            .weights
            .iter()
            .any(|w| w.aggregate == "Index [g=startup]" && w.child == "a" && w.weight == 3.0)
    );
    let bad = Framework::from_toml(&format!(
        "id = \"t\"\nversion = \"1\"\n{TWO}[weights_by]\ngroup = \"g\"\n[[weights_by.profile]]\nlabel = \"x\"\nweights = {{ nope = 1 }}\n"
    ));
    assert!(
        bad.expect_err("unknown node")
            .to_string()
            .contains("'nope'")
    );
}
