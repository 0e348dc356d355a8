//! Tidiness as an ordinary test: module headers and the boundaries of the core crates.

use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn every_module_opens_with_a_doc_comment() {
    let mut files = Vec::new();
    for krate in std::fs::read_dir(workspace().join("crates"))
        .expect("crates")
        .flatten()
    {
        rust_files(&krate.path().join("src"), &mut files);
    }
    assert!(files.len() > 10, "found the sources");
    let missing: Vec<String> = files
        .iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).expect("utf8");
            // Test modules declared with `mod tests;` continue their parent's documentation.
            !text.starts_with("//!") && !f.ends_with("tests.rs")
        })
        .map(|f| f.display().to_string())
        .collect();
    assert!(
        missing.is_empty(),
        "modules without a //! header: {missing:?}"
    );
}

#[test]
fn the_engine_knows_nothing_of_io_frameworks_or_other_crates() {
    let manifest =
        std::fs::read_to_string(workspace().join("crates/engine/Cargo.toml")).expect("manifest");
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .expect("deps")
        .split("\n[")
        .next()
        .expect("section");
    for forbidden in [
        "tokio",
        "sqlx",
        "axum",
        "csv",
        "calamine",
        "rust_xlsxwriter",
        "kechuang-",
    ] {
        assert!(
            !deps.contains(forbidden),
            "the engine must not depend on {forbidden}"
        );
    }
    let mut files = Vec::new();
    rust_files(&workspace().join("crates/engine/src"), &mut files);
    for f in files {
        let text = std::fs::read_to_string(&f).expect("utf8");
        for io in ["std::fs", "std::net", "std::process", "File::open"] {
            assert!(
                !text.contains(io),
                "{} uses {io}: the engine does no I/O",
                f.display()
            );
        }
    }
}

#[test]
fn the_application_layer_knows_no_http_and_nothing_below_it_knows_the_layers_above() {
    let manifest = |krate: &str| {
        std::fs::read_to_string(workspace().join(format!("crates/{krate}/Cargo.toml")))
            .expect("manifest")
    };
    let app = manifest("app");
    for web in [
        "axum",
        "hyper",
        "http =",
        "reqwest",
        "kechuang-server",
        "kechuang-cli",
    ] {
        assert!(
            !app.contains(web),
            "the application crate must not depend on {web}"
        );
    }
    let mut files = Vec::new();
    rust_files(&workspace().join("crates/app/src"), &mut files);
    assert!(!files.is_empty());
    for f in files {
        let text = std::fs::read_to_string(&f).expect("utf8");
        for web in ["axum::", "StatusCode", "<html", "<div"] {
            assert!(
                !text.contains(web),
                "{} names {web}: the application layer knows no HTTP or HTML",
                f.display()
            );
        }
    }
    for lower in [
        "engine",
        "domain",
        "policy",
        "portrait",
        "store",
        "tabular",
        "enterprise",
    ] {
        let deps = manifest(lower);
        for upper in ["kechuang-app", "kechuang-server", "kechuang-cli"] {
            assert!(!deps.contains(upper), "{lower} must not depend on {upper}");
        }
    }
}

#[test]
fn no_source_file_is_over_a_thousand_lines() {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(workspace().join("crates")).expect("crates") {
        rust_files(&entry.expect("crate").path().join("src"), &mut files);
    }
    assert!(files.len() > 50);
    for f in files {
        let lines = std::fs::read_to_string(&f).expect("utf8").lines().count();
        assert!(lines <= 1000, "{} has {lines} lines: split it", f.display());
    }
}

#[test]
fn toml_examples_in_the_docs_are_valid_frameworks() {
    let doc = std::fs::read_to_string(workspace().join("docs/framework-format.md")).expect("doc");
    let blocks: Vec<&str> = doc
        .split("```toml")
        .skip(1)
        .map(|b| b.split("```").next().expect("block"))
        .collect();
    assert!(!blocks.is_empty(), "the format guide has TOML examples");
    for b in blocks {
        if let Err(e) = kechuang_engine::Framework::from_toml(b) {
            panic!("docs/framework-format.md example does not load: {e}\n{b}");
        }
    }
}

#[test]
fn the_survey_guide_lists_every_field() {
    let doc = std::fs::read_to_string(workspace().join("docs/survey.md")).expect("doc");
    for f in kechuang_domain::Field::all() {
        assert!(
            doc.contains(&format!("`{}`", f.key())),
            "docs/survey.md does not describe {}",
            f.key()
        );
    }
}

#[test]
fn the_policy_guide_example_is_a_valid_rule_set() {
    let doc = std::fs::read_to_string(workspace().join("docs/policy-rules.md")).expect("doc");
    let block = doc
        .split("```toml")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("example");
    if let Err(e) = kechuang_policy::RuleSet::from_toml(block) {
        panic!("docs/policy-rules.md example does not load: {e}");
    }
}
