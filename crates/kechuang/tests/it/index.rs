//! `kechuang index build|check`, `demo` and the help texts.

use crate::common::{asem, asem_pipeline, kechuang, read_csv, text};

fn build_asem(out: &std::path::Path, extra: &[&str]) -> std::process::Output {
    build_data(&asem().join("iData.csv"), out, extra)
}

/// `index build` of `data` with the ASEM pipeline framework into `out`.
fn build_data(
    data: &std::path::Path,
    out: &std::path::Path,
    extra: &[&str],
) -> std::process::Output {
    let fw = asem_pipeline();
    let mut args = vec![
        "index",
        "build",
        "--data",
        data.to_str().expect("utf8"),
        "--framework",
        fw.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
    ];
    args.extend_from_slice(extra);
    kechuang(&args, out.parent().expect("parent"))
}

#[test]
fn build_writes_stages_results_and_a_manifest_matching_the_reference() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("asem");
    let o = build_asem(&out, &["--xlsx"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("CHE"), "{}", text(&o.stdout));
    for f in [
        "raw",
        "denominated",
        "imputed",
        "screened",
        "treated",
        "normalised",
        "aggregated",
        "results",
        "treatment",
        "strengths",
        "weights",
    ] {
        assert!(out.join(format!("{f}.csv")).is_file(), "{f}.csv");
    }
    let xlsx = std::fs::read(out.join("index.xlsx")).expect("xlsx");
    assert_eq!(&xlsx[..2], b"PK", "an XLSX is a zip archive");

    let ours = read_csv(&out.join("results.csv"));
    let reference = read_csv(&asem().join("expected/results.csv"));
    assert_eq!(ours.len(), reference.len());
    for r in &reference {
        let mine = ours
            .iter()
            .find(|o| o["uCode"] == r["uCode"])
            .expect("unit");
        assert_eq!(mine["Rank"], r["Rank"], "{}", r["uCode"]);
        let (a, b): (f64, f64) = (
            mine["Index"].parse().expect("num"),
            r["Index"].parse().expect("num"),
        );
        assert!(
            (a - b).abs() <= 1e-9 * b.abs(),
            "{}: {a} vs {b}",
            r["uCode"]
        );
    }

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).expect("manifest"))
            .expect("json");
    assert_eq!(manifest["framework_id"], "coinr-asem");
    assert_eq!(manifest["units_built"], 51);
    // The input, the framework and every output by BLAKE3 (as `b3sum` prints it), each checked
    // against a hash of the whole file as it is now.
    let input = std::fs::read(asem().join("iData.csv")).expect("data");
    assert_eq!(
        manifest["data"]["blake3"].as_str(),
        Some(blake3::hash(&input).to_hex().as_str())
    );
    let framework = std::fs::read(crate::common::asem_pipeline()).expect("framework");
    assert_eq!(
        manifest["framework_files"][0]["blake3"].as_str(),
        Some(blake3::hash(&framework).to_hex().as_str())
    );
    let outputs = manifest["outputs"].as_array().expect("outputs");
    assert!(outputs.len() >= 15, "{outputs:?}");
    for o in outputs {
        let name = o["path"].as_str().expect("path");
        let bytes = std::fs::read(out.join(name)).expect("output");
        assert_eq!(
            o["blake3"].as_str(),
            Some(blake3::hash(&bytes).to_hex().as_str()),
            "{name}"
        );
    }
    assert!(outputs.iter().any(|o| o["path"] == "index.xlsx"));
    assert_eq!(
        manifest["settings"]["steps"][1]["imputation"]["method"],
        "group_mean"
    );
}

#[test]
fn verify_passes_a_build_as_written_and_names_each_changed_or_missing_output() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("asem");
    assert!(build_asem(&out, &[]).status.success());
    let verify = |dir: &std::path::Path| {
        kechuang(
            &["index", "verify", dir.to_str().expect("utf8")],
            tmp.path(),
        )
    };
    // Exit code 1, the error output naming `what`.
    let refused_naming = |what: &str| {
        let o = verify(&out);
        assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
        assert!(text(&o.stderr).contains(what), "{}", text(&o.stderr));
    };
    let o = verify(&out);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("outputs are as built"),
        "{}",
        text(&o.stdout)
    );

    // One digit of one score changed, one file gone: both named, exit code 1.
    let results = out.join("results.csv");
    let mut bytes = std::fs::read(&results).expect("results");
    let at = bytes.iter().rposition(u8::is_ascii_digit).expect("a digit");
    bytes[at] = if bytes[at] == b'9' {
        b'8'
    } else {
        bytes[at] + 1
    };
    std::fs::write(&results, bytes).expect("write");
    std::fs::remove_file(out.join("weights.csv")).expect("remove");
    let o = verify(&out);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(err.contains("results.csv: changed"), "{err}");
    assert!(err.contains("weights.csv: missing"), "{err}");
    assert!(err.contains("2 of"), "{err}");

    // A manifest written before BLAKE3 lists its outputs by SHA-256: checked by SHA-256.
    use sha2::Digest;
    let manifest = out.join("manifest.json");
    let before = std::fs::read_to_string(&manifest).expect("manifest");
    let strengths = std::fs::read(out.join("strengths.csv")).expect("strengths");
    let sha: String = sha2::Sha256::digest(&strengths)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let old = format!(r#"{{"outputs": [{{"path": "strengths.csv", "sha256": "{sha}"}}]}}"#);
    std::fs::write(&manifest, &old).expect("old manifest");
    let o = verify(&out);
    assert!(o.status.success(), "{}", text(&o.stderr));
    std::fs::write(&manifest, old.replace(&sha[..8], "00000000")).expect("old manifest");
    refused_naming("");

    // A manifest edited to reach outside its directory reads nothing there.
    let secret = tmp.path().join("secret.csv");
    std::fs::write(&secret, "x").expect("secret");
    std::fs::write(
        &manifest,
        before.replace("\"treatment.csv\"", "\"../secret.csv\""),
    )
    .expect("edit");
    refused_naming("not a file name of this directory");

    // A link put in the place of an output is not followed.
    std::fs::write(&manifest, &before).expect("manifest back");
    std::fs::remove_file(out.join("strengths.csv")).expect("remove");
    std::os::unix::fs::symlink(&secret, out.join("strengths.csv")).expect("link");
    refused_naming("strengths.csv: not a regular file");

    // No manifest: another error (2), not a verdict on the files.
    let o = verify(tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
}

#[test]
fn the_output_directory_alone_rebuilds_identical_scores() {
    let tmp = tempfile::tempdir().expect("tmp");
    let first = tmp.path().join("first");
    assert!(build_asem(&first, &[]).status.success());
    let data = asem().join("iData.csv");
    let copy = first.join("framework/asem-pipeline.toml");
    let second = tmp.path().join("second");
    let o = kechuang(
        &[
            "index",
            "build",
            "--data",
            data.to_str().expect("utf8"),
            "--framework",
            copy.to_str().expect("utf8"),
            "--out",
            second.to_str().expect("utf8"),
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    for f in ["results.csv", "aggregated.csv", "treatment.csv"] {
        assert_eq!(
            std::fs::read(first.join(f)).expect("first"),
            std::fs::read(second.join(f)).expect("second"),
            "{f}"
        );
    }
    // Building again into the same directory replaces the earlier build.
    assert!(build_asem(&first, &[]).status.success());
}

/// Every file an output directory holds, by name (the manifest left out: it records the time).
fn output_files(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file() && !p.ends_with("manifest.json"))
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            (name, std::fs::read(&p).expect("read"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn two_csv_builds_of_the_same_data_are_byte_identical() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (first, second) = (tmp.path().join("first"), tmp.path().join("second"));
    assert!(build_asem(&first, &[]).status.success());
    assert!(build_asem(&second, &[]).status.success());
    let (a, b) = (output_files(&first), output_files(&second));
    assert!(a.len() >= 12, "{} files", a.len());
    assert_eq!(
        a.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        b.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x == y, "{name} differs between two builds");
    }
}

/// The cells of a Parquet file as the CSV writer shows them: numbers in shortest round-trip
/// form, null as empty.
fn parquet_cells(path: &std::path::Path) -> (Vec<String>, Vec<Vec<String>>) {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;
    let reader =
        SerializedFileReader::new(std::fs::File::open(path).expect("open")).expect("parquet");
    let headers = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    let rows = reader
        .get_row_iter(None)
        .expect("rows")
        .map(|row| {
            row.expect("row")
                .get_column_iter()
                .map(|(_, field)| match field {
                    Field::Null => String::new(),
                    Field::Double(v) => v.to_string(),
                    Field::Int(v) => v.to_string(),
                    Field::Str(s) => s.clone(),
                    other => panic!("{}: unexpected {other:?}", path.display()),
                })
                .collect()
        })
        .collect();
    (headers, rows)
}

#[test]
fn parquet_outputs_hold_the_values_of_the_csv_outputs() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (csv_out, pq_out) = (tmp.path().join("csv"), tmp.path().join("parquet"));
    assert!(build_asem(&csv_out, &[]).status.success());
    let o = build_asem(&pq_out, &["--format", "parquet"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let csvs: Vec<String> = output_files(&csv_out)
        .into_iter()
        .map(|(n, _)| n)
        .filter(|n| n.ends_with(".csv"))
        .collect();
    assert!(csvs.len() >= 12, "{csvs:?}");
    for name in &csvs {
        let stem = name.trim_end_matches(".csv");
        let pq = pq_out.join(format!("{stem}.parquet"));
        assert!(pq.is_file(), "{stem}.parquet missing");
        assert!(!pq_out.join(name).exists(), "{name} written as CSV too");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_path(csv_out.join(name))
            .expect("csv");
        let headers: Vec<String> = reader
            .headers()
            .expect("h")
            .iter()
            .map(String::from)
            .collect();
        let rows: Vec<Vec<String>> = reader
            .records()
            .map(|r| r.expect("record").iter().map(String::from).collect())
            .collect();
        let (pq_headers, pq_rows) = parquet_cells(&pq);
        assert_eq!(headers, pq_headers, "{stem}");
        assert_eq!(rows.len(), pq_rows.len(), "{stem}");
        for (k, (a, b)) in rows.iter().zip(&pq_rows).enumerate() {
            assert_eq!(a, b, "{stem}, row {}", k + 1);
        }
    }
    let manifest = std::fs::read_to_string(pq_out.join("manifest.json")).expect("manifest");
    assert!(manifest.contains("--format parquet"), "{manifest}");
    assert!(manifest.contains("results.parquet"), "{manifest}");
}

#[test]
fn stages_chooses_the_stages_written() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("some");
    let o = build_asem(&out, &["--stages", "raw,aggregated"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(out.join("raw.csv").is_file() && out.join("aggregated.csv").is_file());
    for gone in ["denominated", "imputed", "treated", "normalised"] {
        assert!(
            !out.join(format!("{gone}.csv")).exists(),
            "{gone}.csv written"
        );
    }
    assert!(out.join("results.csv").is_file());
    let none = tmp.path().join("none");
    assert!(build_asem(&none, &["--stages", "none"]).status.success());
    assert!(!none.join("raw.csv").exists() && none.join("results.csv").is_file());
    // The results do not depend on which stages are kept.
    assert_eq!(
        std::fs::read(none.join("results.csv")).expect("a"),
        std::fs::read(out.join("results.csv")).expect("b")
    );
    let bad = tmp.path().join("bad");
    let o = build_asem(&bad, &["--stages", "raw,normalized"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("no stage is called 'normalized'"),
        "{}",
        text(&o.stderr)
    );
    assert!(!bad.exists());
}

#[test]
fn bad_cell_is_located_and_nothing_is_written() {
    let tmp = tempfile::tempdir().expect("tmp");
    let mut csv = std::fs::read_to_string(asem().join("iData.csv")).expect("data");
    csv = csv.replacen("4.097985", "4.09x", 1);
    let data = tmp.path().join("bad.csv");
    std::fs::write(&data, csv).expect("write");
    let out = tmp.path().join("out");
    let o = build_data(&data, &out, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("bad.csv, line 2, column 'LPI': '4.09x' is not a number"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written on error");
    assert_eq!(
        std::fs::read_dir(tmp.path()).expect("dir").count(),
        1,
        "no partial directory left"
    );
}

/// A file as R or pandas writes it (issue 14): `Country` for the name, years as `2018.0`, a text
/// column the framework does not use; the output an existing empty directory.
#[test]
fn files_from_r_and_pandas_build_into_an_empty_directory() {
    let tmp = tempfile::tempdir().expect("tmp");
    let csv = std::fs::read_to_string(asem().join("iData.csv")).expect("data");
    let mut lines = csv.lines();
    let header = lines
        .next()
        .expect("header")
        .replacen("\"uName\"", "\"Country\"", 1);
    let mut out_csv = format!("{header},\"Region\"\n");
    for (k, line) in lines.enumerate() {
        let line = line.replacen(",2018,", ",2018.0,", 1);
        out_csv.push_str(&format!("{line},\"zone, \"\"{k}\"\"\"\n"));
    }
    let data = tmp.path().join("from-r.csv");
    std::fs::write(&data, out_csv).expect("write");
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).expect("empty dir");
    let o = build_data(&data, &out, &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let notes = text(&o.stderr);
    assert!(
        notes.contains("'Region'") && notes.contains("ignored"),
        "{notes}"
    );
    let shown = text(&o.stdout);
    assert!(shown.contains("51 units in 2018"), "{shown}");
    let results = read_csv(&out.join("results.csv"));
    assert_eq!(results.len(), 51);
    assert!(
        results.iter().any(|r| r["uName"] == "Austria"),
        "names read from Country"
    );
}

#[test]
fn invalid_framework_and_foreign_output_directory() {
    let tmp = tempfile::tempdir().expect("tmp");
    let fw = tmp.path().join("cycle.toml");
    std::fs::write(
        &fw,
        "id = \"x\"\nversion = \"1\"\n[[indicator]]\ncode = \"a\"\nparent = \"P\"\n[[aggregate]]\ncode = \"P\"\nparent = \"Q\"\n[[aggregate]]\ncode = \"Q\"\nparent = \"P\"\n",
    )
    .expect("write");
    let o = kechuang(
        &["index", "check", "--framework", fw.to_str().expect("utf8")],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("cycle"), "{}", text(&o.stderr));

    let foreign = tmp.path().join("documents");
    std::fs::create_dir(&foreign).expect("dir");
    std::fs::write(foreign.join("thesis.docx"), "precious").expect("write");
    let o = build_asem(&foreign, &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("not an earlier build output"),
        "{}",
        text(&o.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(foreign.join("thesis.docx")).expect("kept"),
        "precious"
    );
}

#[test]
fn check_validates_data_against_the_framework() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = asem().join("iData.csv");
    let imeta = asem().join("iMeta.csv");
    let o = kechuang(
        &[
            "index",
            "check",
            "--framework",
            imeta.to_str().expect("utf8"),
            "--data",
            data.to_str().expect("utf8"),
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("49 indicators"),
        "{}",
        text(&o.stdout)
    );
    let thin = tmp.path().join("thin.csv");
    std::fs::write(&thin, "uCode,LPI\nA,1\nB,2\n").expect("write");
    let o = kechuang(
        &[
            "index",
            "check",
            "--framework",
            imeta.to_str().expect("utf8"),
            "--data",
            thin.to_str().expect("utf8"),
        ],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("column 'Flights' named by the framework is missing"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn help_texts_carry_examples() {
    let tmp = tempfile::tempdir().expect("tmp");
    for cmd in [
        &["index", "build", "--help"][..],
        &["index", "check", "--help"],
        &["bench", "engine", "--help"],
        &["demo", "--help"],
    ] {
        let o = kechuang(cmd, tmp.path());
        assert!(o.status.success());
        assert!(text(&o.stdout).contains("Example"), "{cmd:?}");
    }
}

#[test]
fn uncertainty_and_audit_on_the_reference_index() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = asem().join("iData.csv");
    let fw = asem_pipeline();
    let out = tmp.path().join("u.csv");
    let args = [
        "index",
        "uncertainty",
        "--data",
        data.to_str().expect("p"),
        "--framework",
        fw.to_str().expect("p"),
        "--replications",
        "50",
        "--out",
        out.to_str().expect("p"),
    ];
    // Nothing varied: every unit keeps its nominal rank.
    let o = kechuang(&args, tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    let rows = read_csv(&out);
    assert_eq!(rows.len(), 51);
    assert!(
        rows.iter().all(|r| r["MedianRank"] == r["NominalRank"]
            && r["P5"] == r["P95"]
            && r["MeanAbsShift"] == "0"),
        "{:?}",
        &rows[..2]
    );
    let che = rows.iter().find(|r| r["uCode"] == "CHE").expect("CHE");
    assert_eq!(che["NominalRank"], "1");
    // Weights varied: intervals open up.
    let mut varied = args.to_vec();
    let chart = tmp.path().join("u.html");
    varied.extend([
        "--weights",
        "0.5",
        "--normalisations",
        "minmax,zscore",
        "--report",
        chart.to_str().expect("p"),
    ]);
    let o = kechuang(&varied, tmp.path());
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(read_csv(&out).iter().any(|r| r["P5"] != r["P95"]));
    let page = std::fs::read_to_string(&chart).expect("uncertainty report");
    assert!(page.contains("rank-intervals") && page.contains("weights ±50%"));
    assert!(page.contains(">CHE<"), "the nominal leader is charted");

    let indices = tmp.path().join("s.csv");
    let o = kechuang(
        &[
            "index",
            "sensitivity",
            "--data",
            data.to_str().expect("p"),
            "--framework",
            fw.to_str().expect("p"),
            "--samples",
            "16",
            "--bootstrap",
            "20",
            "--weights",
            "0.3",
            "--drop-indicator",
            "--out",
            indices.to_str().expect("p"),
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let rows = read_csv(&indices);
    assert_eq!(
        rows.iter()
            .map(|r| r["Factor"].as_str())
            .collect::<Vec<_>>(),
        ["weights", "indicator_removal"]
    );
    assert!(text(&o.stdout).contains("64 builds"), "{}", text(&o.stdout));

    let audit = tmp.path().join("audit.json");
    let o = kechuang(
        &[
            "index",
            "audit",
            "--data",
            data.to_str().expect("p"),
            "--framework",
            fw.to_str().expect("p"),
            "--out",
            audit.to_str().expect("p"),
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&audit).expect("audit")).expect("json");
    assert_eq!(json["aggregates"].as_array().expect("aggregates").len(), 11);
    assert!(
        json["quality"]
            .as_array()
            .expect("quality")
            .iter()
            .any(|q| q["imputed"].as_u64() > Some(0))
    );
    let report = tmp.path().join("audit.html");
    let o = kechuang(
        &[
            "index",
            "audit",
            "--data",
            data.to_str().expect("p"),
            "--framework",
            fw.to_str().expect("p"),
            "--out",
            report.to_str().expect("p"),
            "--replications",
            "30",
            "--weights",
            "0.3",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let page = std::fs::read_to_string(&report).expect("html");
    assert!(
        page.contains("Cronbach")
            && page.contains("<svg")
            && page.contains("Physical")
            && page.contains("Data quality")
            && page.contains("Uncertainty analysis")
            && page.contains("30 replications")
    );
    assert!(!page.contains("<script"));
}

#[test]
fn an_uncertainty_run_resumes_from_its_checkpoint_with_the_same_result() {
    let tmp = tempfile::tempdir().expect("tmp");
    let data = asem().join("iData.csv");
    let fw = asem_pipeline();
    let run = |replications: &str, out: &str, extra: &[&str]| {
        let mut args = vec![
            "index",
            "uncertainty",
            "--data",
            data.to_str().expect("p"),
            "--framework",
            fw.to_str().expect("p"),
            "--weights",
            "0.4",
            "--drop-indicator",
            "--replications",
            replications,
            "--out",
            out,
        ];
        args.extend_from_slice(extra);
        kechuang(&args, tmp.path())
    };
    let o = run("70", "whole.csv", &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    // A run stopped after 30 replications, with its last line cut short by the stop...
    let o = run("30", "part.csv", &["--checkpoint", "c.txt"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let checkpoint = tmp.path().join("c.txt");
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&checkpoint)
        .expect("checkpoint");
    std::io::Write::write_all(&mut f, b"30:1,2,3").expect("append");
    drop(f);
    // ...then resumed to 70 gives what one uninterrupted run gives.
    let o = run("70", "resumed.csv", &["--checkpoint", "c.txt"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("resumed 30 replications"),
        "{}",
        text(&o.stdout)
    );
    let whole = std::fs::read(tmp.path().join("whole.csv")).expect("whole");
    assert_eq!(
        std::fs::read(tmp.path().join("resumed.csv")).expect("resumed"),
        whole
    );
    assert_ne!(
        std::fs::read(tmp.path().join("part.csv")).expect("part"),
        whole,
        "30 replications differ from 70, so the comparison above means something"
    );
    // Another seed must not be mixed into this checkpoint.
    let o = run("70", "other.csv", &["--checkpoint", "c.txt", "--seed", "9"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("belongs to another run"),
        "{}",
        text(&o.stderr)
    );
}
