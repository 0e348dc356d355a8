//! A scenario's result as a workbook: the summary with the changed parameters, then the lists
//! (entering, leaving, near misses) and the counts by district, park, industry, field and stage.

use std::collections::BTreeMap;
use std::path::Path;

use kechuang_domain::RegionCode;
use kechuang_tabular::{Cell, Table};

use super::{Line, WhatIfView};
use crate::{Error, Result};

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn number(v: f64) -> Cell {
    Cell::Number(v)
}

fn count(n: usize) -> Cell {
    Cell::Number(n as f64)
}

fn optional(v: Option<f64>) -> Cell {
    v.map_or(Cell::Empty, Cell::Number)
}

fn district(code: &str) -> String {
    RegionCode::parse(code)
        .ok()
        .and_then(|c| c.district_name().map(String::from))
        .unwrap_or_else(|| code.to_string())
}

fn breakdown(
    name: &str,
    what: &str,
    lines: &BTreeMap<String, Line>,
    label: impl Fn(&str) -> String,
) -> Table {
    Table {
        name: name.into(),
        headers: [
            what,
            "现行合格 qualifying now",
            "方案合格 qualifying under the scenario",
            "新进 entering",
            "退出 leaving",
            "接近 near misses",
            "预算 budget (万元)",
        ]
        .map(String::from)
        .to_vec(),
        rows: lines
            .iter()
            .map(|(k, l)| {
                vec![
                    text(if k.is_empty() { "—".into() } else { label(k) }),
                    count(l.qualifying_before),
                    count(l.qualifying_after),
                    count(l.entering),
                    count(l.leaving),
                    count(l.near_misses),
                    optional(l.budget),
                ]
            })
            .collect(),
    }
}

/// The workbook's sheets; `title` names the scenario (its saved name, or the scheme).
pub fn tables(title: &str, w: &WhatIfView) -> Vec<Table> {
    let mut summary = vec![
        vec![text("方案 scenario"), text(title)],
        vec![text("政策 scheme"), text(&w.scheme)],
        vec![text("现行规则版本 current rules"), text(&w.current_version)],
        vec![text("方案版本 scenario version"), text(&w.scenario_version)],
        vec![text("年度 year"), number(f64::from(w.year))],
        vec![text("现行合格 qualifying now"), count(w.qualifying_before)],
        vec![
            text("方案合格 qualifying under the scenario"),
            count(w.qualifying_after),
        ],
        vec![text("新进 entering"), count(w.entering.len())],
        vec![text("退出 leaving"), count(w.leaving.len())],
        vec![text("不变 unchanged"), count(w.unchanged)],
        vec![text("接近 near misses"), count(w.near_misses.len())],
        vec![text("预算 budget (万元)"), optional(w.budget)],
        vec![
            text("预算变化 budget change (万元)"),
            optional(w.budget_change),
        ],
        vec![],
        vec![
            text("参数 parameter"),
            text("现行 current"),
            text("方案 scenario"),
            text("键 key"),
        ],
    ];
    for c in &w.changes {
        summary.push(vec![
            text(&c.label),
            optional(c.from),
            c.to.map_or_else(|| text("删除 dropped"), Cell::Number),
            text(&c.key),
        ]);
    }
    let movers = |name: &str, list: &[super::Mover]| Table {
        name: name.into(),
        headers: [
            "统一社会信用代码 credit code",
            "企业名称 name",
            "区 district",
            "决定条件 deciding criterion",
            "条件 id",
        ]
        .map(String::from)
        .to_vec(),
        rows: list
            .iter()
            .map(|m| {
                vec![
                    text(&m.credit_code),
                    text(&m.name),
                    text(district(&m.region_code)),
                    text(&m.label),
                    text(&m.criterion),
                ]
            })
            .collect(),
    };
    let near = Table {
        name: "near misses".into(),
        headers: [
            "统一社会信用代码 credit code",
            "企业名称 name",
            "区 district",
            "得分 score",
            "差距 what it lacks",
        ]
        .map(String::from)
        .to_vec(),
        rows: w
            .near_misses
            .iter()
            .map(|n| {
                vec![
                    text(&n.credit_code),
                    text(&n.name),
                    text(district(&n.region_code)),
                    optional(n.score),
                    text(n.gaps.join("; ")),
                ]
            })
            .collect(),
    };
    let same = |k: &str| k.to_string();
    vec![
        Table {
            name: "summary".into(),
            headers: vec!["项目 item".into(), "值 value".into()],
            rows: summary,
        },
        movers("entering", &w.entering),
        movers("leaving", &w.leaving),
        near,
        breakdown("by district", "区 district", &w.by_district, district),
        breakdown("by park", "园区 park", &w.by_park, same),
        breakdown(
            "by industry",
            "行业门类 industry section",
            &w.by_industry,
            same,
        ),
        breakdown("by field", "技术领域 field", &w.by_field, same),
        breakdown("by stage", "阶段 stage", &w.by_stage, same),
    ]
}

/// The workbook as bytes (a download).
pub fn xlsx(title: &str, w: &WhatIfView) -> Result<Vec<u8>> {
    kechuang_tabular::xlsx_bytes(&tables(title, w), Path::new("scenario.xlsx"))
        .map_err(|e| Error::Internal(e.to_string()))
}
