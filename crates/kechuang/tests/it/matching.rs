//! `kechuang match`: catalogue files checked (all or nothing), searched and matched, end to end.

use std::path::Path;

use crate::common::{kechuang, text};

fn write(dir: &Path, name: &str, body: &str) {
    std::fs::write(dir.join(name), body).expect("write");
}

fn catalogue(dir: &Path) {
    write(
        dir,
        "demands.csv",
        "id,enterprise,title,problem,field,region,min_trl,budget\n\
         D1,91120116MA05A00011,碳化硅功率器件封装散热,电驱模块碳化硅器件封装热阻过高,electronic_information,津,6,100\n",
    );
    write(
        dir,
        "achievements.csv",
        "id,title,summary,field,trl,owner,region,price_low,price_high\n\
         A1,碳化硅功率器件低热阻封装工艺,银烧结双面散热封装,electronic_information,7,天津大学,津,60,90\n\
         A2,人工智能质检系统,机器视觉缺陷检测,advanced_manufacturing,8,清华大学,京,200,300\n",
    );
}

#[test]
fn a_catalogue_is_checked_searched_and_matched() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    catalogue(dir);
    let d = dir.to_str().expect("utf8");
    let o = kechuang(&["match", "check", d], dir);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(text(&o.stdout).contains("1 demands, 2 achievements"));

    let o = kechuang(
        &["match", "search", "智能", "--catalogue", d, "--json"],
        dir,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let hits: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(hits[0]["id"], "A2", "a two-character query finds 人工智能");
    assert!(
        hits[0]["title_html"]
            .as_str()
            .expect("html")
            .contains("<b>")
    );

    let o = kechuang(&["match", "demand", "D1", "--catalogue", d, "--json"], dir);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let m: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(m[0]["id"], "A1");
    assert!(
        m[0]["explanation"]["matched_terms"]
            .as_array()
            .expect("terms")
            .iter()
            .any(|t| t == "碳化硅")
    );
    assert_eq!(m[0]["explanation"]["field_match"], true);

    let o = kechuang(&["match", "demand", "D9", "--catalogue", d], dir);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn a_bad_catalogue_file_is_refused_with_every_problem_located() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dir = tmp.path();
    catalogue(dir);
    write(
        dir,
        "patents.csv",
        "number,title,abstract,class,holder,status,field,region\n\
         ZL1,一种封装方法,摘要,III,某大学,valid,electronic_information,沪\n",
    );
    let o = kechuang(&["match", "check", dir.to_str().expect("utf8")], dir);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(
        err.contains("patents.csv, row 2, column class: 'III'"),
        "{err}"
    );
    assert!(
        err.contains("patents.csv, row 2, column region: '沪'"),
        "{err}"
    );
    assert!(err.contains("nothing was read"), "{err}");
}
