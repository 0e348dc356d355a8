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
        let krate = entry.expect("crate").path();
        rust_files(&krate.join("src"), &mut files);
        if krate.join("tests").is_dir() {
            rust_files(&krate.join("tests"), &mut files);
        }
    }
    assert!(files.len() > 80);
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

/// The string literals of Rust source, outside its `#[cfg(test)]` tail (roughly: raw strings,
/// escapes and char literals are handled; enough for our own sources).
fn string_literals(source: &str) -> Vec<String> {
    let code = source.split("#[cfg(test)]").next().unwrap_or(source);
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'\'' => {
                // A char literal ('x', '\n', '"') or a lifetime ('a): skip past it.
                if b.get(i + 2) == Some(&b'\'') {
                    i += 3;
                } else if b.get(i + 1) == Some(&b'\\') {
                    i += b[i + 2..]
                        .iter()
                        .position(|&c| c == b'\'')
                        .map_or(1, |p| p + 3);
                } else {
                    i += 1;
                }
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#'))
                && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')) =>
            {
                let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                let start = i + 1 + hashes + 1;
                let close = format!("\"{}", "#".repeat(hashes));
                let end = code[start..].find(&close).map_or(b.len(), |p| start + p);
                out.push(code[start..end].to_string());
                i = end + close.len();
            }
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < b.len() && b[j] != b'"' {
                    j += if b[j] == b'\\' { 2 } else { 1 };
                }
                out.push(code[start..j.min(b.len())].to_string());
                i = j + 1;
            }
            _ => i += 1,
        }
    }
    out
}

#[test]
fn no_page_is_assembled_by_hand() {
    let tag = |s: &str| {
        s.as_bytes()
            .windows(2)
            .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!')))
    };
    assert!(tag("<b>x</b>") && tag("a</td>") && !tag("a < b") && !tag("<= 3"));
    assert_eq!(
        string_literals("let a = \"<p>\"; let c = '\"'; // \"<x>\"\nlet b = r#\"<svg \"x\">\"#;"),
        vec!["<p>".to_string(), "<svg \"x\">".to_string()]
    );
    // Wherever pages and reports are made: every element comes from a typed template (maud), which
    // escapes every value; raw HTML is allowed for the style sheets alone.
    let mut files = Vec::new();
    for krate in ["server", "portrait", "tabular", "matching", "app", "cli"] {
        rust_files(
            &workspace().join("crates").join(krate).join("src"),
            &mut files,
        );
    }
    assert!(files.len() > 60);
    let mut raw = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).expect("utf8");
        // The workbook reader looks for XML elements in XLSX parts: XML, not a page.
        let reads_xml = f.ends_with("tabular/src/grid.rs");
        for lit in string_literals(&text).into_iter().filter(|_| !reads_xml) {
            assert!(
                !tag(&lit),
                "{} writes HTML in a string ({lit:?}): use a template (maud's html!)",
                f.display()
            );
        }
        let code = text.split("#[cfg(test)]").next().unwrap_or(&text);
        for (at, _) in code.match_indices("PreEscaped(") {
            let arg = &code[at + "PreEscaped(".len()..];
            let arg = &arg[..arg.find(')').unwrap_or(0)];
            assert!(
                arg == "STYLE" || arg == "s" || arg == "REPORT_STYLE",
                "{}: PreEscaped({arg}) — raw HTML only for style sheets",
                f.display()
            );
            raw += 1;
        }
        assert!(
            !code.contains("Html(") && !code.contains("escape_html") && !code.contains("esc("),
            "{}: pages are made by templates, not by hand-escaped strings",
            f.display()
        );
    }
    assert!(raw >= 4, "the frames' style sheets are found ({raw})");
}

#[test]
fn the_command_line_and_the_web_service_never_depend_on_each_other() {
    let manifest = |krate: &str| {
        std::fs::read_to_string(workspace().join(format!("crates/{krate}/Cargo.toml")))
            .expect("manifest")
    };
    assert!(!manifest("cli").contains("kechuang-server"));
    assert!(!manifest("server").contains("kechuang-cli"));
    let mut files = Vec::new();
    rust_files(&workspace().join("crates/cli/src"), &mut files);
    assert!(files.len() > 5);
    for f in files {
        let text = std::fs::read_to_string(&f).expect("utf8");
        assert!(
            !text.contains("kechuang_server"),
            "{} names the server: the binary hands the web service in",
            f.display()
        );
    }
    // Only the binary joins them.
    let bin = manifest("kechuang");
    assert!(bin.contains("kechuang-cli") && bin.contains("kechuang-server"));
}

#[test]
fn page_texts_come_from_the_catalogues() {
    let cjk = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    // Names, not texts: the brand, the other language's own name, a default and an example.
    let allowed = [
        " · 科创",
        "科创 kechuang",
        "中文",
        "津",
        "120116, 天津滨海高新技术产业开发区 / 9112…/ 银行",
    ];
    let mut files = Vec::new();
    rust_files(&workspace().join("crates/server/src/pages"), &mut files);
    rust_files(&workspace().join("crates/server/src/resources"), &mut files);
    // Page handlers and templates only: the API's messages are English by design.
    files.retain(|f| !f.ends_with("api.rs") && !f.ends_with("tokens.rs"));
    assert!(files.len() >= 12, "{}", files.len());
    for f in files {
        let text = std::fs::read_to_string(&f).expect("utf8");
        for lit in string_literals(&text) {
            assert!(
                !cjk(&lit) || allowed.contains(&lit.as_str()),
                "{}: {lit:?} belongs in the catalogues (crates/server/src/i18n)",
                f.display()
            );
        }
        assert!(
            !text.contains(".pick(\""),
            "{}: a text pair written in place; name it in the catalogues",
            f.display()
        );
    }
}
