//! Small builders shared by the tests.

use kechuang_engine::{Build, BuildOptions, Column, Dataset, Framework, GroupColumn};

pub const NA: f64 = f64::NAN;

/// A framework with the given body after the id and version lines.
pub fn framework(body: &str) -> Framework {
    Framework::from_toml(&format!("id = \"t\"\nversion = \"1\"\n{body}"))
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Two indicators `a`, `b` under `Index`.
pub const TWO: &str = r#"
[[indicator]]
code = "a"
parent = "Index"
[[indicator]]
code = "b"
parent = "Index"
[[aggregate]]
code = "Index"
"#;

/// A dataset with unit codes, optional years, one optional group column and numeric columns.
pub fn data(
    codes: &[&str],
    times: Option<&[i32]>,
    group: Option<&[&str]>,
    cols: &[(&str, &[f64])],
) -> Dataset {
    Dataset {
        codes: codes.iter().map(|c| c.to_string()).collect(),
        names: codes.iter().map(|c| c.to_lowercase()).collect(),
        times: times.map(<[i32]>::to_vec),
        groups: group
            .map(|g| vec![GroupColumn::from_labels("g", g)])
            .unwrap_or_default(),
        columns: cols
            .iter()
            .map(|(c, v)| Column {
                code: c.to_string(),
                values: v.to_vec(),
            })
            .collect(),
    }
}

pub fn run(f: &Framework, d: Dataset) -> Build {
    let options = BuildOptions {
        keep_stages: true,
        rank_aggregates: true,
        progress: None,
        stage_sink: None,
    };
    let kept = Build::run(f, d.clone(), options).unwrap_or_else(|e| panic!("{e}"));
    // Every build of the tests also runs with a stage sink: the sink is given exactly the stages a
    // build keeps, in the same order, and keeps none itself.
    let given = std::sync::Mutex::new(Vec::new());
    let sink = |s: kechuang_engine::StageView<'_>| {
        given.lock().expect("lock").push(format!("{s:?}"));
        Ok(())
    };
    let streamed = Build::run(
        f,
        d,
        BuildOptions {
            keep_stages: false,
            stage_sink: Some(&sink),
            ..options
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(streamed.stages.is_empty());
    let kept_views: Vec<String> = kept
        .stages
        .iter()
        .map(|s| format!("{:?}", s.view()))
        .collect();
    assert_eq!(given.into_inner().expect("lock"), kept_views);
    // The stages the framework says the scores still hold are, bit for bit, the scores' columns.
    for name in f.stages_held_in_scores() {
        let stage = kept
            .stages
            .iter()
            .rfind(|s| s.name == name)
            .unwrap_or_else(|| panic!("no stage {name}"));
        assert_eq!(stage.units, kept.units.codes, "{name}: units");
        assert_eq!(stage.times, kept.units.times, "{name}: years");
        assert!(stage.columns.len() <= kept.scores.len(), "{name}: columns");
        for (k, column) in stage.columns.iter().enumerate() {
            let bits = |c: &[f64]| c.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(column), bits(&kept.scores[k]), "{name}: column {k}");
            assert_eq!(
                stage.codes[k], kept.framework.nodes[k].code,
                "{name}: code {k}"
            );
        }
    }
    kept
}

pub fn close(a: &[f64], b: &[f64]) {
    assert_eq!(a.len(), b.len(), "{a:?} vs {b:?}");
    for (x, y) in a.iter().zip(b) {
        assert!(
            (x.is_nan() && y.is_nan()) || (x - y).abs() < 1e-9,
            "{a:?} vs {b:?}"
        );
    }
}
