//! `kechuang target` and `kechuang policy …` on a small demo region.

use crate::common::{asem, asem_pipeline, kechuang, read_csv, text};

#[test]
fn targets_and_an_explained_evaluation() {
    let tmp = tempfile::tempdir().expect("tmp");
    let o = kechuang(
        &[
            "demo",
            "--enterprises",
            "400",
            "--years",
            "2022-2025",
            "--data-dir",
            tmp.path().to_str().expect("p"),
            "--no-serve",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let db = tmp.path().join("demo/kechuang.db");
    let db = db.to_str().expect("p");
    // A what-if: the tech-SME sales limit doubled lets firms in and nobody out, with the budget.
    let shipped = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../policy/rules/tech_sme-2022.toml"),
    )
    .expect("rules");
    let relaxed = tmp.path().join("relaxed.toml");
    std::fs::write(
        &relaxed,
        shipped.replacen("value = 20000", "value = 40000", 1),
    )
    .expect("write");
    let o = kechuang(
        &[
            "policy",
            "whatif",
            "--scheme",
            "tech_sme",
            "--rules",
            relaxed.to_str().expect("p"),
            "--amount",
            "20",
            "--json",
            "--db",
            db,
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let w: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert!(w["leaving"].as_array().expect("leaving").is_empty(), "{w}");
    assert!(w["unchanged"].as_u64().expect("unchanged") > 0);
    assert!(w["by_district"].is_object());
    for c in w["entering"].as_array().expect("entering") {
        assert_eq!(c["criterion"], "revenue", "{c}");
    }
    let wrong = kechuang(
        &[
            "policy",
            "whatif",
            "--scheme",
            "hnte",
            "--rules",
            relaxed.to_str().expect("p"),
            "--db",
            db,
        ],
        tmp.path(),
    );
    assert_eq!(
        wrong.status.code(),
        Some(1),
        "another scheme's rules: {}",
        text(&wrong.stderr)
    );
    // The same scenario by --set, saved, exported, listed and compared.
    let book = tmp.path().join("scenario.xlsx");
    let o = kechuang(
        &[
            "policy",
            "whatif",
            "--scheme",
            "tech_sme",
            "--set",
            "condition.revenue=60000",
            "--amount",
            "20",
            "--save",
            "营收上限6亿",
            "--out",
            book.to_str().expect("p"),
            "--json",
            "--db",
            db,
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("saved as scenario 1"),
        "{}",
        text(&o.stderr)
    );
    let by_set: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(
        by_set["entering"], w["entering"],
        "a file or --set: the same scenario"
    );
    assert_eq!(by_set["changes"][0]["key"], "condition.revenue");
    assert!(std::fs::metadata(&book).expect("the workbook").len() > 1000);
    let o = kechuang(
        &[
            "policy",
            "whatif",
            "--scheme",
            "tech_sme",
            "--set",
            "pass_score=50",
            "--save",
            "合格线50",
            "--db",
            db,
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = kechuang(&["policy", "scenarios", "--db", db], tmp.path());
    assert!(text(&o.stdout).contains("营收上限6亿") && text(&o.stdout).contains("2 scenarios"));
    let o = kechuang(
        &[
            "policy",
            "scenarios",
            "--compare",
            "1,2",
            "--json",
            "--db",
            db,
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let c: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(c["scenarios"][0]["result"]["entering"], w["entering"]);
    let o = kechuang(
        &["policy", "whatif", "--saved", "2", "--db", db],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("pass_score: 60 → 50"),
        "{}",
        text(&o.stdout)
    );
    let o = kechuang(&["policy", "parameters", "tech_sme"], tmp.path());
    assert!(text(&o.stdout).contains("indicator.rd.basis1.band5.min"));
    for bad in [
        ["--set", "condition.nope=1"],
        ["--set", "pass_score"],
        ["--drop", "indicator.rd"],
    ] {
        let o = kechuang(
            &[
                "policy", "whatif", "--scheme", "tech_sme", bad[0], bad[1], "--db", db,
            ],
            tmp.path(),
        );
        assert_eq!(o.status.code(), Some(1), "{bad:?}: {}", text(&o.stderr));
    }
    // The index's predictive validity over the demo panel: defined, within range, reproducible.
    let validity = |seed: &str| {
        let o = kechuang(
            &[
                "index",
                "validity",
                "--replications",
                "30",
                "--seed",
                seed,
                "--json",
                "--db",
                db,
            ],
            tmp.path(),
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).expect("json")
    };
    let v = validity("5");
    assert_eq!(v, validity("5"), "the same seed, the same report");
    let rows = v["rows"].as_array().expect("rows");
    let rho = rows
        .iter()
        .find(|r| r["measure"] == "index" && r["outcome"] == "rd_growth" && r["horizon"] == 1)
        .expect("the index against next year's R&D growth");
    let value = rho["estimate"]["value"].as_f64().expect("a value");
    assert!(value > 0.0 && value < 1.0, "{rho}");
    let o = kechuang(
        &["index", "validity", "--replications", "0", "--db", db],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    // The audit report with the store's predictive validity as its last section.
    let report = tmp.path().join("audit.html");
    let o = kechuang(
        &[
            "index",
            "audit",
            "--data",
            asem().join("iData.csv").to_str().expect("p"),
            "--framework",
            asem_pipeline().to_str().expect("p"),
            "--out",
            report.to_str().expect("p"),
            "--validity-db",
            db,
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let page = std::fs::read_to_string(&report).expect("html");
    assert!(page.contains("Predictive validity") && page.contains("id=\"validity\""));
    assert!(
        page.contains("研发费用增长 R&amp;D expense growth"),
        "the outcomes named"
    );
    // The finance report on a store without loans: zeros, and a workbook.
    let finance = tmp.path().join("finance.xlsx");
    let o = kechuang(
        &[
            "finance",
            "report",
            "--year",
            "2025",
            "--out",
            finance.to_str().expect("p"),
            "--db",
            db,
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).starts_with("0 loans to 0 enterprises"),
        "{}",
        text(&o.stdout)
    );
    assert!(std::fs::metadata(&finance).expect("the workbook").len() > 1000);
    let out = tmp.path().join("targets.csv");
    let o = kechuang(
        &[
            "target",
            "--scheme",
            "tech_sme",
            "--near-miss",
            "--db",
            db,
            "--out",
            out.to_str().expect("p"),
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    assert!(
        stdout.contains("科技型中小企业评价 2022 in 2025") && stdout.contains("by district:"),
        "{stdout}"
    );
    let rows = read_csv(&out);
    assert!(!rows.is_empty());
    assert!(
        rows.iter()
            .all(|r| r["结论 outcome"] == "符合" || r["结论 outcome"] == "不符合")
    );
    assert!(
        rows.iter()
            .filter(|r| r["结论 outcome"] == "不符合")
            .all(|r| !r["差距 gaps"].is_empty()),
        "every near miss says what to change"
    );

    let code = rows[0]["统一社会信用代码"].clone();
    let o = kechuang(
        &[
            "policy", "evaluate", &code, "--scheme", "tech_sme", "--json", "--db", db,
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(json[0]["scheme"], "tech_sme");
    assert_eq!(json[0]["credit_code"], code.as_str());
    assert!(json[0]["criteria"].as_array().expect("criteria").len() >= 6);
    // The text form: a direct route not taken reads "not used", never a failed ✗ (issue 14).
    let o = kechuang(
        &[
            "policy", "evaluate", &code, "--scheme", "tech_sme", "--db", db,
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let shown = text(&o.stdout);
    let direct_ids: Vec<&str> = json[0]["criteria"]
        .as_array()
        .expect("criteria")
        .iter()
        .filter(|c| c["kind"] == "direct" && c["passed"] == false)
        .filter_map(|c| c["label"].as_str())
        .collect();
    for label in direct_ids {
        let line = shown
            .lines()
            .find(|l| l.contains(label))
            .unwrap_or_else(|| panic!("{label} not shown:\n{shown}"));
        assert!(line.contains("– ") && line.contains("not used"), "{line}");
    }
    // Analysts' points for an item the scheme does not have are refused, not ignored.
    let o = kechuang(
        &[
            "policy",
            "evaluate",
            &code,
            "--scheme",
            "hnte",
            "--expert",
            "rd_managment=16",
            "--db",
            db,
        ],
        tmp.path(),
    );
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("rd_management"),
        "{}",
        text(&o.stderr)
    );

    // The portrait of the same enterprise: text, JSON and a standalone HTML report.
    let o = kechuang(&["portrait", &code, "--db", db], tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("rank "), "{}", text(&o.stdout));
    let o = kechuang(
        &["portrait", &code, "--format", "json", "--db", db],
        tmp.path(),
    );
    let portrait: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(portrait["credit_code"], code.as_str());
    assert_eq!(portrait["pillars"].as_array().expect("pillars").len(), 5);
    assert_eq!(portrait["similar"].as_array().expect("similar").len(), 5);
    assert!(
        portrait["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .any(|t| t.as_str().is_some_and(|t| t.contains("科技型中小企业")))
    );
    let html = tmp.path().join("portrait.html");
    let o = kechuang(
        &[
            "portrait",
            &code,
            "--format",
            "html",
            "--out",
            html.to_str().expect("p"),
            "--db",
            db,
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let page = std::fs::read_to_string(&html).expect("html");
    let name = portrait["name"].as_str().expect("name");
    for needle in [
        name,
        code.as_str(),
        "科技企业创新指数",
        "<svg",
        "创新投入",
        "政策评价",
        "建议",
    ] {
        assert!(page.contains(needle), "the report shows {needle}");
    }
    assert!(
        !page.contains("<script") && !page.contains("src=") && !page.contains("<link"),
        "a standalone page: no scripts or external resources"
    );
    let en = tmp.path().join("portrait-en.html");
    kechuang(
        &[
            "portrait",
            &code,
            "--format",
            "html",
            "--lang",
            "en",
            "--out",
            en.to_str().expect("p"),
            "--db",
            db,
        ],
        tmp.path(),
    );
    let page = std::fs::read_to_string(&en).expect("html");
    assert!(page.contains("Innovation input") && page.contains("Support schemes"));

    // PDF: printed by Chromium where it is installed (CI installs it); otherwise a clear error.
    let pdf = tmp.path().join("portrait.pdf");
    let o = kechuang(
        &[
            "portrait",
            &code,
            "--format",
            "pdf",
            "--out",
            pdf.to_str().expect("p"),
            "--db",
            db,
        ],
        tmp.path(),
    );
    let have_chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .any(|p| std::path::Path::new(p).exists());
    if have_chromium {
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert_eq!(&std::fs::read(&pdf).expect("pdf")[..4], b"%PDF");
    } else {
        assert_eq!(o.status.code(), Some(2));
        assert!(
            text(&o.stderr).contains("needs Chromium"),
            "{}",
            text(&o.stderr)
        );
    }

    // Regional tables with disclosure control.
    let regional = tmp.path().join("regional.xlsx");
    let o = kechuang(
        &["region", "--out", regional.to_str().expect("p"), "--db", db],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("suppressed cells"),
        "{}",
        text(&o.stdout)
    );
    assert_eq!(&std::fs::read(&regional).expect("xlsx")[..2], b"PK");
    // The same tables as a report with charts, and as PDF where Chromium is installed.
    let page = tmp.path().join("regional.html");
    let o = kechuang(
        &["region", "--out", page.to_str().expect("p"), "--db", db],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let html = std::fs::read_to_string(&page).expect("html");
    assert!(
        html.matches("class=\"bar-chart\"").count() >= 4,
        "charts drawn"
    );
    assert!(html.contains("<h2>按区</h2>") && html.contains("<h2>抑制记录</h2>"));
    assert!(html.contains("<h2>按年度</h2>"), "the year-by-year totals");
    assert!(html.contains("区域科技创新指数") && !html.contains("<script"));
    if have_chromium {
        let pdf = tmp.path().join("regional.pdf");
        let o = kechuang(
            &["region", "--out", pdf.to_str().expect("p"), "--db", db],
            tmp.path(),
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        assert_eq!(&std::fs::read(&pdf).expect("pdf")[..4], b"%PDF");
    }
    let o = kechuang(
        &[
            "region",
            "--dominance",
            "1.5",
            "--out",
            regional.to_str().expect("p"),
            "--db",
            db,
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    let o = kechuang(&["region", "--out", "regional.csv", "--db", db], tmp.path());
    assert_eq!(o.status.code(), Some(1), "an output type it cannot write");
    assert!(!tmp.path().join("regional.csv").exists());

    let o = kechuang(&["target", "--scheme", "nobel", "--db", db], tmp.path());
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("no scheme 'nobel'"),
        "{}",
        text(&o.stderr)
    );
    let o = kechuang(&["policy", "list"], tmp.path());
    assert!(text(&o.stdout).contains("hnte") && text(&o.stdout).contains("rd_credit"));
}
