//! `kechuang target` and `kechuang policy …` on a small demo region.

use crate::common::{kechuang, read_csv, text};

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
