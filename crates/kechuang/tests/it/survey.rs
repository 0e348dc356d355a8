//! `kechuang survey …` and `demo`: the survey path through the binary, on a temporary SQLite store.

use std::path::Path;

use crate::common::{kechuang, read_csv, text};

fn db(dir: &Path) -> String {
    dir.join("k.db").display().to_string()
}

const HEADER: &str = "统一社会信用代码,企业名称,行政区划代码,国民经济行业代码,成立日期,调查年度,从业人员(人),研发人员(人),营业收入(万元),研发费用(万元)";
// Valid codes issued in Binhai (check characters computed by GB 32100-2015).
const CODES: [&str; 2] = ["91120116MA00000014", "91120116MA00000027"];

fn rows(rd_staff_second: u32, revenue_first: u32) -> String {
    format!(
        "{HEADER}\n{},天津甲科技有限公司,滨海新区,C3911,2018-03-01,2025,100,20,{revenue_first},300\n{},天津乙科技有限公司,南开区,I6513,2020-06-01,2025,50,{rd_staff_second},800,90\n",
        CODES[0], CODES[1]
    )
}

#[test]
fn codes_in_this_test_are_valid() {
    for c in CODES {
        let code = kechuang_check(c);
        assert!(code, "{c}");
    }
}

fn kechuang_check(code: &str) -> bool {
    // Recompute the check character independently of the domain crate.
    const A: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    const W: [usize; 17] = [
        1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
    ];
    let v: Vec<usize> = code.chars().map(|c| A.find(c).expect("alphabet")).collect();
    let sum: usize = v[..17].iter().zip(W).map(|(a, b)| a * b).sum();
    (31 - sum % 31) % 31 == v[17]
}

#[test]
fn import_refuses_a_file_with_an_error_then_imports_and_updates() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    // A GBK file with Chinese headers and one bad row (R&D staff above employees).
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, encoding_rs::GBK.encode(&rows(60, 5000)).0).expect("write");
    let report = dir.join("report.csv");
    let o = kechuang(
        &[
            "survey",
            "import",
            bad.to_str().expect("p"),
            "--db",
            &db(dir),
            "--report",
            report.to_str().expect("p"),
        ],
        dir,
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("bad.csv, row 3, 研发人员(人): '60'"),
        "{}",
        text(&o.stderr)
    );
    let report_rows = read_csv(&report);
    assert_eq!(report_rows.len(), 1);
    let export = dir.join("none.csv");
    let o = kechuang(
        &[
            "survey",
            "export",
            "--db",
            &db(dir),
            "--out",
            export.to_str().expect("p"),
        ],
        dir,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(read_csv(&export).len(), 0, "nothing was imported");

    let good = dir.join("good.csv");
    std::fs::write(&good, encoding_rs::GBK.encode(&rows(10, 5000)).0).expect("write");
    let o = kechuang(
        &[
            "survey",
            "import",
            good.to_str().expect("p"),
            "--db",
            &db(dir),
        ],
        dir,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("2 new, 0 updated"),
        "{}",
        text(&o.stdout)
    );

    std::fs::write(&good, rows(10, 5200)).expect("write");
    let o = kechuang(
        &[
            "survey",
            "import",
            good.to_str().expect("p"),
            "--db",
            &db(dir),
        ],
        dir,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("0 new, 1 updated (previous versions kept), 1 unchanged"),
        "{}",
        text(&o.stdout)
    );

    let xlsx = dir.join("2025.xlsx");
    let o = kechuang(
        &[
            "survey",
            "export",
            "--year",
            "2025",
            "--db",
            &db(dir),
            "--out",
            xlsx.to_str().expect("p"),
        ],
        dir,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let pq = dir.join("2025.parquet");
    let o = kechuang(
        &[
            "survey",
            "export",
            "--db",
            &db(dir),
            "--out",
            pq.to_str().expect("p"),
        ],
        dir,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(&std::fs::read(&pq).expect("parquet")[..4], b"PAR1");
    // The export imports back unchanged.
    let o = kechuang(
        &[
            "survey",
            "import",
            xlsx.to_str().expect("p"),
            "--db",
            &db(dir),
        ],
        dir,
    );
    assert!(
        text(&o.stdout).contains("0 new, 0 updated (previous versions kept), 2 unchanged"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn template_and_index_build_from_the_store() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    let t = dir.join("调查表.xlsx");
    assert!(
        kechuang(
            &["survey", "template", "--out", t.to_str().expect("p")],
            dir
        )
        .status
        .success()
    );
    assert!(std::fs::metadata(&t).expect("template").len() > 5000);
    // Nothing stored yet: a clear error.
    let o = kechuang(
        &[
            "index",
            "build",
            "--framework",
            "survey-basic",
            "--db",
            &db(dir),
        ],
        dir,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("holds no survey records"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn demo_imports_indexes_and_reports() {
    let tmp = tempfile::tempdir().expect("tmp");
    let o = kechuang(
        &[
            "demo",
            "--enterprises",
            "300",
            "--years",
            "2023-2025",
            "--data-dir",
            tmp.path().to_str().expect("p"),
            "--no-serve",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("by district"), "{out}");
    let demo = tmp.path().join("demo");
    for f in [
        "survey-2023.csv",
        "survey-2025.csv",
        "survey-template.xlsx",
        "survey-with-errors.csv",
        "validation-report.csv",
        "kechuang.db",
        "index/results.csv",
        "index/manifest.json",
    ] {
        assert!(demo.join(f).exists(), "{f}");
    }
    assert_eq!(
        read_csv(&demo.join("validation-report.csv")).len(),
        7,
        "one error per corrupted row"
    );
    let results = read_csv(&demo.join("index/results.csv"));
    assert!(
        results
            .iter()
            .any(|r| r["Rank"] == "1" && r["Time"] == "2025")
    );
    // The stored build can be read back by a second build from the store.
    let o = kechuang(
        &[
            "index",
            "build",
            "--framework",
            "survey-basic",
            "--year",
            "2025",
            "--db",
            demo.join("kechuang.db").to_str().expect("p"),
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("wrote build 2"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn survey_rounds_open_close_reopen_and_report_their_response() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    // Two enterprises filed for 2025: the register of a 2026 round.
    let file = dir.join("2025.csv");
    std::fs::write(&file, rows(20, 5000)).expect("write");
    let o = kechuang(
        &[
            "survey",
            "import",
            file.to_str().expect("p"),
            "--db",
            &db(dir),
        ],
        dir,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let open = |extra: &[&str]| {
        let mut args = vec![
            "survey",
            "round",
            "open",
            "--year",
            "2026",
            "--deadline",
            "2027-03-31",
        ];
        args.extend_from_slice(extra);
        let database = db(dir);
        args.extend_from_slice(&["--db", &database]);
        kechuang(&args, dir)
    };
    let o = open(&[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("opened round 1"),
        "{}",
        text(&o.stdout)
    );
    assert!(
        text(&o.stdout).contains("2 enterprises asked"),
        "{}",
        text(&o.stdout)
    );
    // One open round per year: a user error (exit 1), said plainly.
    let again = open(&[]);
    assert_eq!(again.status.code(), Some(1), "{}", text(&again.stderr));
    assert!(
        text(&again.stderr).contains("open already"),
        "{}",
        text(&again.stderr)
    );
    // A bad deadline or scope is refused before anything is written.
    let bad = kechuang(
        &[
            "survey",
            "round",
            "open",
            "--year",
            "2026",
            "--deadline",
            "March",
            "--db",
            &db(dir),
        ],
        dir,
    );
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(open(&["--scope", "friends"]).status.code(), Some(1));
    // The response: both asked, neither started, by district (滨海新区 and 南开区).
    let status = kechuang(
        &["survey", "round", "status", "1", "--json", "--db", &db(dir)],
        dir,
    );
    assert!(status.status.success(), "{}", text(&status.stderr));
    let t: serde_json::Value = serde_json::from_slice(&status.stdout).expect("json");
    assert_eq!(t["total"]["in_scope"], 2);
    assert_eq!(t["total"]["not_started"], 2);
    assert_eq!(t["by_district"]["120116"]["in_scope"], 1);
    assert_eq!(t["by_district"]["120104"]["in_scope"], 1);
    let table = kechuang(&["survey", "round", "status", "1", "--db", &db(dir)], dir);
    assert!(
        text(&table.stdout).contains("滨海新区"),
        "{}",
        text(&table.stdout)
    );
    // The reminder list as a workbook, and reminders (no accounts here: nobody to tell).
    let late = dir.join("late.xlsx");
    let o = kechuang(
        &[
            "survey",
            "round",
            "status",
            "1",
            "--reminders",
            late.to_str().expect("p"),
            "--db",
            &db(dir),
        ],
        dir,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(std::fs::metadata(&late).expect("workbook").len() > 0);
    let o = kechuang(&["survey", "round", "remind", "1", "--db", &db(dir)], dir);
    assert!(
        text(&o.stdout).contains("reminded 0"),
        "{}",
        text(&o.stdout)
    );
    // A tax extract for 2026: a bad amount refuses the whole file; a good one pre-fills the forms.
    let tax = dir.join("tax.csv");
    std::fs::write(
        &tax,
        format!(
            "统一社会信用代码,营业收入(万元),研发费用(万元)\n{},5000,-1\n",
            CODES[0]
        ),
    )
    .expect("write");
    let o = kechuang(
        &[
            "survey",
            "source",
            "--source",
            "tax",
            "--year",
            "2026",
            tax.to_str().expect("p"),
            "--db",
            &db(dir),
        ],
        dir,
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("row 2"), "{}", text(&o.stderr));
    std::fs::write(
        &tax,
        format!(
            "统一社会信用代码,营业收入(万元),研发费用(万元)\n{},5200,320\n",
            CODES[0]
        ),
    )
    .expect("write");
    let o = kechuang(
        &[
            "survey",
            "source",
            "--source",
            "tax",
            "--year",
            "2026",
            tax.to_str().expect("p"),
            "--db",
            &db(dir),
        ],
        dir,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("imported 2 tax values"),
        "{}",
        text(&o.stdout)
    );
    let o = kechuang(
        &["survey", "round", "contradictions", "1", "--db", &db(dir)],
        dir,
    );
    assert!(
        text(&o.stdout).contains("0 contradictions"),
        "{}",
        text(&o.stdout)
    );
    // Close, reopen; closing twice is refused.
    for (cmd, ok) in [("close", true), ("close", false), ("reopen", true)] {
        let o = kechuang(
            &["survey", "round", cmd, "1", "--no-build", "--db", &db(dir)]
                .into_iter()
                .filter(|a| cmd == "close" || *a != "--no-build")
                .collect::<Vec<_>>(),
            dir,
        );
        assert_eq!(o.status.success(), ok, "{cmd}: {}", text(&o.stderr));
    }
    // A round nobody opened.
    let none = kechuang(
        &[
            "survey",
            "round",
            "close",
            "9",
            "--no-build",
            "--db",
            &db(dir),
        ],
        dir,
    );
    assert_eq!(none.status.code(), Some(1));
}
