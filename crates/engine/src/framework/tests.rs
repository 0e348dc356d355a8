use super::*;

const SMALL: &str = r#"
id = "small"
version = "1.0"

[[indicator]]
code = "a"
parent = "P1"

[[indicator]]
code = "b"
parent = "P1"
direction = -1
weight = 2
normalise = { method = "goalposts", lower = 0, upper = 10, scale = 100 }

[[indicator]]
code = "c"
parent = "P2"
transform = "log"

[[aggregate]]
code = "P1"
parent = "Index"

[[aggregate]]
code = "P2"
parent = "Index"
aggregation = { method = "geometric" }

[[aggregate]]
code = "Index"
"#;

fn err(text: &str) -> String {
    match Framework::from_toml(text) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn small_framework_resolves_levels_and_order() {
    let f = Framework::from_toml(SMALL).expect("valid");
    let codes: Vec<&str> = f.nodes.iter().map(|n| n.code.as_str()).collect();
    assert_eq!(codes, ["a", "b", "c", "P1", "P2", "Index"]);
    assert_eq!(f.indicator_count, 3);
    assert_eq!(f.nodes[3].level, 2);
    assert_eq!(f.nodes[5].level, 3);
    assert_eq!(f.nodes[3].children, vec![0, 1]);
    assert_eq!(f.nodes[5].children, vec![3, 4]);
    assert_eq!(f.nodes[4].aggregation, Some(Aggregation::Geometric));
    assert_eq!(f.nodes[2].transform, Some(Transform::Log));
    assert_eq!(
        f.nodes[1].normalise,
        Some(Normaliser::Goalposts {
            lower: 0.0,
            upper: 10.0,
            scale: 100.0,
            cap: true
        })
    );
    // No steps: COINr's minimal build.
    assert_eq!(f.steps.len(), 2);
    assert_eq!(f.steps[0].name(), "normalise");
    assert_eq!(f.steps[1].name(), "aggregate");
}

#[test]
fn cycle_is_reported() {
    let text = SMALL.replace("code = \"Index\"", "code = \"Index\"\nparent = \"P1\"");
    let e = err(&text);
    assert!(e.contains("cycle"), "{e}");
}

#[test]
fn unknown_parent_is_named() {
    let e = err(&SMALL.replace("parent = \"P2\"\ntransform", "parent = \"Nope\"\ntransform"));
    assert!(e.contains("indicator \"c\"") && e.contains("'Nope'"), "{e}");
}

#[test]
fn negative_weight_and_zero_sum_are_rejected() {
    let e = err(&SMALL.replace("weight = 2", "weight = -2"));
    assert!(e.contains("indicator \"b\"") && e.contains("-2"), "{e}");
    let text = SMALL.replace("weight = 2", "weight = 0").replace(
        "code = \"a\"\nparent = \"P1\"",
        "code = \"a\"\nparent = \"P1\"\nweight = 0",
    );
    let e = err(&text);
    assert!(
        e.contains("aggregate \"P1\"") && e.contains("sum to zero"),
        "{e}"
    );
}

#[test]
fn two_roots_are_rejected() {
    let e = err(&SMALL.replace("code = \"P2\"\nparent = \"Index\"", "code = \"P2\""));
    assert!(e.contains("exactly one"), "{e}");
}

#[test]
fn given_level_must_match_children() {
    let e = err(&SMALL.replace("code = \"Index\"", "code = \"Index\"\nlevel = 4"));
    assert!(e.contains("level is 4"), "{e}");
}

#[test]
fn unknown_keys_and_parameters_are_rejected() {
    let e = err(&format!(
        "{SMALL}\n[[step]]\nstep = \"treat\"\nmethod = \"winsorise\"\nwinmx = 3\n"
    ));
    assert!(e.contains("winmx"), "{e}");
    let e = err(&format!(
        "{SMALL}\n[[step]]\nstep = \"normalise\"\nmethod = \"minmax\"\np = 3\n[[step]]\nstep = \"aggregate\"\n"
    ));
    assert!(e.contains("'p' does not apply to 'minmax'"), "{e}");
}

#[test]
fn pipeline_needs_normalise_and_aggregate_in_order() {
    let e = err(&format!("{SMALL}\n[[step]]\nstep = \"denominate\"\n"));
    assert!(e.contains("needs a 'normalise'"), "{e}");
    let e = err(&format!(
        "{SMALL}\n[[step]]\nstep = \"normalise\"\nmethod = \"minmax\"\n[[step]]\nstep = \"aggregate\"\n[[step]]\nstep = \"impute\"\nmethod = \"mean\"\n"
    ));
    assert!(e.contains("'impute' must come before 'normalise'"), "{e}");
}

#[test]
fn full_pipeline_parses() {
    let text = format!(
        "{SMALL}
[panel]
mode = \"pooled\"

[[level]]
level = 3
aggregation = {{ method = \"power\", p = -1 }}
equal_weights = true

[[step]]
step = \"denominate\"
[[step]]
step = \"impute\"
method = \"group_median\"
group = \"district\"
[[step]]
step = \"screen\"
min_share = 0.5
[[step]]
step = \"treat\"
method = \"winsorise\"
winmax = 3
fallback = \"box_cox\"
lambda = 0.5
[[step]]
step = \"normalise\"
method = \"zscore\"
mean = 10
sd = 2
[[step]]
step = \"weight\"
method = \"pca\"
[[step]]
step = \"aggregate\"
method = \"arithmetic\"
min_share = 0.6
"
    );
    let f = Framework::from_toml(&text).expect("valid");
    assert_eq!(f.panel, PanelMode::Pooled);
    assert_eq!(
        f.levels[&3].aggregation,
        Some(Aggregation::Power { p: -1.0 })
    );
    assert_eq!(
        f.steps[3],
        Step::Treat {
            treatment: Treatment::Winsorise {
                winmax: 3,
                skew: 2.0,
                kurt: 3.5,
                fallback: Fallback::BoxCox { lambda: 0.5 }
            }
        }
    );
    assert_eq!(
        f.steps[6],
        Step::Aggregate {
            aggregation: Aggregation::Arithmetic,
            min_share: 0.6,
            invalid: crate::methods::InvalidValues::Error,
        }
    );
    assert_eq!(f.required_columns().1, vec!["district".to_string()]);
}

#[test]
fn imeta_rows_build_the_minimal_framework() {
    let row = |line, level, code: &str, parent: Option<&str>, kind: &str| MetaRow {
        line,
        level: Some(level),
        code: code.into(),
        name: code.into(),
        parent: parent.map(Into::into),
        kind: kind.into(),
        ..MetaRow::default()
    };
    let rows = vec![
        row(2, 1, "x", Some("P"), "Indicator"),
        row(3, 1, "y", Some("P"), "Indicator"),
        row(4, 2, "P", Some("Index"), "Aggregate"),
        row(5, 3, "Index", None, "Aggregate"),
        MetaRow {
            line: 6,
            code: "g".into(),
            kind: "Group".into(),
            ..MetaRow::default()
        },
    ];
    let f = Framework::from_imeta("t", "1", &rows).expect("valid");
    assert_eq!(f.nodes.len(), 4);
    assert_eq!(
        f.steps[0],
        Step::Normalise {
            normaliser: Normaliser::default()
        }
    );

    let mut bad = rows.clone();
    bad[1].parent = Some("Q".into());
    let e = Framework::from_imeta("t", "1", &bad)
        .expect_err("unknown parent")
        .to_string();
    assert!(e.contains("iMeta line 3"), "{e}");
}
