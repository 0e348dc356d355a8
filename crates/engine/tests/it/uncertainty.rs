//! Monte Carlo uncertainty: zero shift when nothing varies, plausible intervals when weights do.

use kechuang_engine::uncertainty::{Analysis, Assumptions, run};
use kechuang_engine::{Aggregation, Normaliser};

use crate::common::{data, framework};

const THREE: &str = r#"
[[indicator]]
code = "a"
parent = "Index"
[[indicator]]
code = "b"
parent = "Index"
[[indicator]]
code = "c"
parent = "Index"
[[aggregate]]
code = "Index"
[[step]]
step = "treat"
method = "winsorise"
[[step]]
step = "normalise"
method = "minmax"
[[step]]
step = "aggregate"
"#;

fn sample() -> kechuang_engine::Dataset {
    let codes: Vec<String> = (0..12).map(|i| format!("U{i:02}")).collect();
    let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    let a: Vec<f64> = (0..12).map(f64::from).collect();
    let b: Vec<f64> = (0..12).map(|i| f64::from((i * 7) % 12)).collect();
    let c: Vec<f64> = (0..12)
        .map(|i| f64::from(12 - i) + if i == 3 { 40.0 } else { 0.0 })
        .collect();
    data(&codes, None, None, &[("a", &a), ("b", &b), ("c", &c)])
}

#[test]
fn nothing_varied_means_no_rank_shift() {
    let r = run(
        &framework(THREE),
        &sample(),
        &Assumptions::default(),
        20,
        7,
        &|_| {},
    )
    .expect("runs");
    assert_eq!(r.replications, 20);
    assert_eq!(r.mean_abs_shift, 0.0);
    for u in &r.units {
        let nominal = f64::from(u.nominal.expect("ranked"));
        assert_eq!(
            (u.median, u.p5, u.p95, u.mean_abs_shift),
            (nominal, nominal, nominal, 0.0),
            "{}",
            u.code
        );
    }
}

#[test]
fn varied_assumptions_give_intervals_and_are_reproducible() {
    let a = Assumptions {
        weight_perturbation: Some(0.5),
        normalisations: vec![
            Normaliser::default(),
            Normaliser::ZScore { mean: 0.0, sd: 1.0 },
            Normaliser::PercentRank { scale: 100.0 },
        ],
        aggregations: vec![Aggregation::Arithmetic, Aggregation::Power { p: 2.0 }],
        toggle_treatment: true,
        winmax: vec![1, 5],
        imputations: vec![],
        drop_indicator: true,
    };
    let fw = framework(THREE);
    let r1 = run(&fw, &sample(), &a, 200, 42, &|_| {}).expect("runs");
    let r2 = run(&fw, &sample(), &a, 200, 42, &|_| {}).expect("runs");
    assert_eq!(r1, r2, "the same seed gives the same result");
    assert!(r1.mean_abs_shift > 0.0);
    for u in &r1.units {
        assert!(u.p5 <= u.median && u.median <= u.p95, "{u:?}");
        assert!((1.0..=12.0).contains(&u.p5) && (1.0..=12.0).contains(&u.p95));
    }
    assert!(
        r1.units.iter().any(|u| u.p95 > u.p5),
        "some interval is wider than a point"
    );
    let other = run(&fw, &sample(), &a, 200, 43, &|_| {}).expect("runs");
    assert_ne!(r1, other, "another seed, other draws");
}

#[test]
fn sensitivity_indices_single_and_inert_factors() {
    use kechuang_engine::sensitivity;
    let fw = framework(THREE);
    // Weights alone: all the variance is theirs (S = 1 exactly with one factor; ST ≈ 1).
    let only = Assumptions {
        weight_perturbation: Some(0.8),
        ..Assumptions::default()
    };
    let s = sensitivity::run(&fw, &sample(), &only, 64, 100, 3).expect("runs");
    assert_eq!(s.runs, 64 * 3);
    assert_eq!(s.factors.len(), 1);
    assert!(s.variance > 0.0);
    assert!(
        (s.factors[0].first - 1.0).abs() < 1e-12,
        "{:?}",
        s.factors[0]
    );
    assert!(
        (0.6..1.4).contains(&s.factors[0].total),
        "{:?}",
        s.factors[0]
    );
    // A second 'factor' whose alternatives are identical has no effect: ST is exactly 0.
    let inert = Assumptions {
        weight_perturbation: Some(0.8),
        normalisations: vec![Normaliser::default(), Normaliser::default()],
        ..Assumptions::default()
    };
    let s = sensitivity::run(&fw, &sample(), &inert, 64, 100, 3).expect("runs");
    let norm = s
        .factors
        .iter()
        .find(|f| f.factor == "normalisation")
        .expect("factor");
    assert_eq!(norm.total, 0.0);
    assert!(norm.first.abs() < 0.3, "{norm:?}");
    let weights = s
        .factors
        .iter()
        .find(|f| f.factor == "weights")
        .expect("factor");
    assert!(
        weights.total > 0.6
            && weights.first_ci.0 <= weights.first
            && weights.first <= weights.first_ci.1.max(weights.first),
        "{weights:?}"
    );
    // Reproducible.
    assert_eq!(
        s,
        sensitivity::run(&fw, &sample(), &inert, 64, 100, 3).expect("runs")
    );
}

#[test]
fn winmax_and_imputation_alternatives() {
    // A winmax alternative equal to the framework's (5) changes nothing: zero shift.
    let same = Assumptions {
        winmax: vec![5],
        ..Assumptions::default()
    };
    let r = run(&framework(THREE), &sample(), &same, 10, 1, &|_| {}).expect("runs");
    assert_eq!(r.mean_abs_shift, 0.0);
    // Mean or median imputation of a missing value moves the unit when the two fills differ.
    let with_impute = THREE.replace(
        "[[step]]\nstep = \"treat\"",
        "[[step]]\nstep = \"impute\"\nmethod = \"mean\"\n[[step]]\nstep = \"treat\"",
    );
    let mut d = sample();
    d.columns[0].values[5] = f64::NAN;
    d.columns[1].values[5] = 100.0;
    let alt = Assumptions {
        imputations: vec![
            kechuang_engine::Imputation::Mean,
            kechuang_engine::Imputation::Median,
        ],
        ..Assumptions::default()
    };
    let r = run(&framework(&with_impute), &d, &alt, 40, 1, &|_| {}).expect("runs");
    assert!(
        r.units
            .iter()
            .all(|u| u.p5 <= u.median && u.median <= u.p95)
    );
    let s = kechuang_engine::sensitivity::run(&framework(&with_impute), &d, &alt, 16, 10, 1)
        .expect("runs");
    assert_eq!(
        s.factors.iter().map(|f| f.factor).collect::<Vec<_>>(),
        ["imputation"]
    );
}

#[test]
fn replications_run_in_pieces_summarise_to_the_same_result_as_one_run() {
    let fw = framework(THREE);
    let data = sample();
    let a = Assumptions {
        weight_perturbation: Some(0.6),
        toggle_treatment: true,
        drop_indicator: true,
        ..Assumptions::default()
    };
    let whole = run(&fw, &data, &a, 40, 11, &|_| {}).expect("runs");
    let analysis = Analysis::prepare(&fw, &data, &a, 11).expect("prepares");
    assert_eq!(analysis.unit_count(), 12);
    // A later piece first: order does not matter, only the replication numbers.
    let mut later = analysis.replicate(15..40, &|_| {}).expect("runs");
    let mut ranks = analysis.replicate(0..15, &|_| {}).expect("runs");
    ranks.append(&mut later);
    let pieced = analysis.summarise(&ranks);
    assert_eq!(pieced, whole);
    assert!(whole.mean_abs_shift > 0.0, "the assumptions do move ranks");
}
