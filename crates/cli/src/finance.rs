//! `kechuang finance report`: the bureau's finance totals as a workbook, through
//! `kechuang_app::finance`, as the local operator.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use kechuang_app::finance::{FinanceLine, FinanceTotals, totals};
use kechuang_tabular::{Cell, Table};

use crate::args::FinanceReportArgs;
use crate::round::{user_error, with_store};

fn lines(name: &str, what: &str, lines: &BTreeMap<String, FinanceLine>) -> Table {
    Table {
        name: name.into(),
        headers: [
            what,
            "企业数 enterprises",
            "笔数 loans",
            "授信金额 granted (万元)",
            "放款金额 disbursed (万元)",
            "逾期金额 overdue (万元)",
            "逾期企业占比 share overdue",
        ]
        .map(String::from)
        .to_vec(),
        rows: lines
            .iter()
            .map(|(k, l)| {
                vec![
                    Cell::Text(k.clone()),
                    Cell::Number(l.firms as f64),
                    Cell::Number(l.loans as f64),
                    Cell::Number(l.granted),
                    Cell::Number(l.disbursed),
                    Cell::Number(l.overdue),
                    l.overdue_rate.map_or(Cell::Empty, Cell::Number),
                ]
            })
            .collect(),
    }
}

fn tables(year: Option<i32>, t: &FinanceTotals) -> Vec<Table> {
    let number = |v: Option<f64>| v.map_or(Cell::Empty, Cell::Number);
    let summary = vec![
        vec![
            Cell::Text("年度 year".into()),
            year.map_or(Cell::Text("all".into()), |y| Cell::Number(f64::from(y))),
        ],
        vec![
            Cell::Text("企业数 enterprises".into()),
            Cell::Number(t.total.firms as f64),
        ],
        vec![
            Cell::Text("笔数 loans".into()),
            Cell::Number(t.total.loans as f64),
        ],
        vec![
            Cell::Text("授信金额 granted (万元)".into()),
            Cell::Number(t.total.granted),
        ],
        vec![
            Cell::Text("放款金额 disbursed (万元)".into()),
            Cell::Number(t.total.disbursed),
        ],
        vec![
            Cell::Text("逾期金额 overdue (万元)".into()),
            Cell::Number(t.total.overdue),
        ],
        vec![
            Cell::Text("逾期企业占比 share overdue".into()),
            number(t.total.overdue_rate),
        ],
        vec![
            Cell::Text("指数前20%获批占比 top fifth's share".into()),
            number(t.top_fifth_share),
        ],
        vec![
            Cell::Text("研发增长候选获批占比 R&D-growth candidates' share".into()),
            number(t.rd_credit_share),
        ],
        vec![
            Cell::Text("已答复申请 applications answered".into()),
            Cell::Number(t.applications_answered as f64),
        ],
        vec![
            Cell::Text("批准率 approval rate".into()),
            number(t.approval_rate),
        ],
        vec![
            Cell::Text("答复天数中位数 median days to an answer".into()),
            number(t.median_days_to_answer),
        ],
    ];
    vec![
        Table {
            name: "summary".into(),
            headers: vec!["项目 item".into(), "值 value".into()],
            rows: summary,
        },
        lines("by bank", "银行 bank", &t.by_bank),
        lines("by district", "区 district", &t.by_district),
        lines("by score band", "指数分段 score band", &t.by_score_band),
        lines("by certification", "已获认定 certification", &t.by_scheme),
    ]
}

pub fn report(args: &FinanceReportArgs) -> Result<()> {
    let t = with_store(&args.store.db, async |store, auditor, caller| {
        totals(store, auditor, caller, args.year)
            .await
            .map_err(user_error)
    })?;
    kechuang_tabular::write_xlsx(&tables(args.year, &t), &args.out)
        .with_context(|| format!("writing {}", args.out.display()))?;
    println!(
        "{} loans to {} enterprises: granted {:.1} 万元, disbursed {:.1} 万元, {} overdue; wrote {}",
        t.total.loans,
        t.total.firms,
        t.total.granted,
        t.total.disbursed,
        t.total
            .overdue_rate
            .map_or_else(|| "none".to_string(), |r| format!("{:.1}%", r * 100.0)),
        args.out.display()
    );
    Ok(())
}
