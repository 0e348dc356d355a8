//! Reading data and iMeta files: layouts accepted and errors that point at the cell.

use std::path::PathBuf;

use kechuang_tabular::{Error, ReadOptions, read_dataset, read_imeta};

fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kechuang-tabular-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn plain_headers_bom_groups_and_missing_cells() {
    let p = temp_file(
        "plain.csv",
        "\u{feff}code,name,year,district,rd,patents\nA,甲,2023,滨海新区,1.5,NA\nB,乙,2023,,2,3\n",
    );
    let opts = ReadOptions {
        group_columns: vec!["district".into()],
        ..ReadOptions::default()
    };
    let d = read_dataset(&p, &opts).expect("reads");
    assert_eq!(d.codes, ["A", "B"]);
    assert_eq!(d.names, ["甲", "乙"]);
    assert_eq!(d.times, Some(vec![2023, 2023]));
    assert_eq!(d.groups[0].label(0), Some("滨海新区"));
    assert_eq!(d.groups[0].label(1), None);
    assert!(d.column("patents").expect("col").values[0].is_nan());
}

#[test]
fn non_numeric_cell_names_line_column_and_value() {
    let p = temp_file("bad.csv", "uCode,x,y\nA,1,2\nB,3,abc\n");
    let e = read_dataset(&p, &ReadOptions::default()).expect_err("bad cell");
    assert!(
        matches!(&e, Error::Cell { line: 3, column, value, .. } if column == "y" && value == "abc"),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("bad.csv, line 3, column 'y': 'abc' is not a number"),
        "{e}"
    );
}

#[test]
fn duplicate_units_and_columns_are_refused() {
    let p = temp_file("dup.csv", "uCode,x\nA,1\nB,2\nA,3\n");
    let e = read_dataset(&p, &ReadOptions::default()).expect_err("duplicate");
    assert!(
        e.to_string()
            .contains("line 4: unit 'A' already appears on line 2"),
        "{e}"
    );
    let p = temp_file("dupcol.csv", "uCode,x,x\nA,1,2\n");
    let e = read_dataset(&p, &ReadOptions::default()).expect_err("duplicate column");
    assert!(e.to_string().contains("column 'x' appears twice"), "{e}");
    let p = temp_file("nocode.csv", "who,x\nA,1\n");
    let e = read_dataset(&p, &ReadOptions::default()).expect_err("no code column");
    assert!(e.to_string().contains("uCode"), "{e}");
}

#[test]
fn imeta_bad_number_is_located() {
    let p = temp_file(
        "imeta.csv",
        "Level,iCode,Weight,Parent,Type\n1,a,x,P,Indicator\n",
    );
    let e = read_imeta(&p).expect_err("bad weight");
    assert!(
        e.to_string().contains("line 2, column 'Weight': 'x'"),
        "{e}"
    );
}

/// A framework saved on Windows (CRLF line ends, a blank line) names the lines an editor shows:
/// the csv crate's own count put the bad level below on line 2 and the short row on line 3.
#[test]
fn imeta_errors_in_crlf_files_name_their_line() {
    let p = temp_file(
        "imeta-crlf.csv",
        "Level,iCode,Weight,Parent,Type\r\n1,a,1,P,Indicator\r\n\r\nx,b,1,P,Indicator\r\n",
    );
    let e = read_imeta(&p).expect_err("bad level");
    assert!(e.to_string().contains("line 4, column 'Level': 'x'"), "{e}");
    let p = temp_file(
        "imeta-short.csv",
        "Level,iCode,Weight,Parent,Type\r\n1,a,1,P,Indicator\r\n\r\n\r\n1,b\r\n",
    );
    let e = read_imeta(&p).expect_err("short row");
    assert!(matches!(e, Error::Csv { line: 5, .. }), "{e:?}");
    let p = temp_file(
        "imeta-good.csv",
        "Level,iCode,Weight,Parent,Type\r\n1,a,1,P,Indicator\r\n\r\n2,P,1,,Aggregate\r\n",
    );
    let lines: Vec<usize> = read_imeta(&p)
        .expect("reads")
        .iter()
        .map(|r| r.line)
        .collect();
    assert_eq!(lines, [2, 4]);
}

/// Files exported from R and pandas (issue 14): a `country` name column and no code column, a
/// text column the framework does not use, years and levels written as `2018.0` and `1.0`.
#[test]
fn files_from_r_and_pandas_are_read_with_notes() {
    let p = temp_file(
        "wdi.csv",
        "Country,Region,Year,gdp,life\nAfghanistan,South Asia,2018.0,520.9,63.1\nAlbania,Europe,2018.0,5287.7,78.5\n",
    );
    // Without knowing the framework, a text column is still an error, located.
    let strict = read_dataset(&p, &ReadOptions::default()).expect_err("text");
    assert!(strict.to_string().contains("South Asia"), "{strict}");
    let opts = ReadOptions {
        used_columns: Some(vec!["gdp".into(), "life".into()]),
        ..ReadOptions::default()
    };
    let (d, notes) = kechuang_tabular::read_dataset_noting(&p, &opts).expect("reads");
    assert_eq!(d.codes, ["Afghanistan", "Albania"], "names used as codes");
    assert_eq!(d.times, Some(vec![2018, 2018]));
    assert!(d.column("Region").is_none());
    assert_eq!(d.column("gdp").expect("gdp").values, [520.9, 5287.7]);
    assert_eq!(notes.len(), 2, "{notes:?}");
    assert!(
        notes
            .iter()
            .any(|n| n.contains("'Region'") && n.contains("South Asia"))
    );
    // A text cell in a column the framework uses is still an error.
    let bad = temp_file("bad.csv", "country,gdp\nA,1\nB,n/a x\n");
    let e = kechuang_tabular::read_dataset_noting(
        &bad,
        &ReadOptions {
            used_columns: Some(vec!["gdp".into()]),
            ..ReadOptions::default()
        },
    )
    .expect_err("used column");
    assert!(e.to_string().contains("n/a x"), "{e}");
    // A year with a fraction is no year.
    let frac = temp_file("frac.csv", "code,year,x\nA,2018.5,1\n");
    assert!(read_dataset(&frac, &ReadOptions::default()).is_err());
}

#[test]
fn imeta_levels_written_as_floats() {
    let p = temp_file(
        "imeta.csv",
        "Level,iCode,Parent,Type\n1.0,a,Index,Indicator\n2.0,Index,,Aggregate\n",
    );
    let rows = kechuang_tabular::read_imeta(&p).expect("reads");
    assert_eq!(rows[0].level, Some(1));
    assert_eq!(rows[1].level, Some(2));
    let bad = temp_file(
        "imeta-bad.csv",
        "Level,iCode,Parent,Type\n1.5,a,Index,Indicator\n",
    );
    assert!(kechuang_tabular::read_imeta(&bad).is_err());
}

/// Large files are parsed in pieces in parallel (issue 13): records with quoted commas and line
/// breaks cross the pieces' boundaries intact, rows keep their order, and of two problems the one
/// nearer the top is reported, with its line.
#[test]
fn large_files_read_in_pieces_as_from_the_top() {
    let rows = 60_000;
    let file = |bad_at: Option<usize>, dup_at: Option<usize>| {
        let mut text = String::from("uCode,uName,x\n");
        for k in 1..=rows {
            let code = if Some(k) == dup_at { 10 } else { k };
            let x = if Some(k) == bad_at {
                "1.2.3".to_string()
            } else {
                format!("{k}.5")
            };
            // Every name holds a comma, a quote and a line break: each record spans two lines.
            text.push_str(&format!(
                "U{code},\"name {k}, \"\"q\"\"\nsecond line\",{x}\n"
            ));
        }
        temp_file("large.csv", &text)
    };
    let d = read_dataset(&file(None, None), &ReadOptions::default()).expect("reads");
    assert_eq!(d.codes.len(), rows);
    assert_eq!(d.codes[0], "U1");
    assert_eq!(d.codes[rows - 1], format!("U{rows}"));
    assert_eq!(d.names[30_000], "name 30001, \"q\"\nsecond line");
    assert_eq!(d.column("x").expect("x").values[45_000], 45_001.5);
    // Record k starts on line 2 + 2(k − 1).
    let e = read_dataset(&file(Some(50_000), None), &ReadOptions::default()).expect_err("bad");
    assert!(e.to_string().contains("line 100000,"), "{e}");
    let e = read_dataset(&file(Some(50_000), Some(40_000)), &ReadOptions::default())
        .expect_err("dup first");
    assert!(
        e.to_string().contains("'U10'"),
        "the duplicate above the bad cell: {e}"
    );
}
