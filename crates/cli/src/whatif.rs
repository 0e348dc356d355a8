//! `kechuang policy whatif`, `policy parameters` and `policy scenarios`: policy what-if from the
//! command line through `kechuang_app::whatif`, acting as the local operator and audited as `cli`.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use kechuang_app::whatif::{self, Line, Scenario, WhatIfView, saved};
use kechuang_policy::{Overrides, RuleSet, SHIPPED, shipped};

use crate::args::{ScenariosArgs, WhatIfArgs};
use crate::index::InvalidInput;
use crate::round::{user_error, with_store};

fn shipped_rules() -> Vec<RuleSet> {
    SHIPPED.iter().filter_map(|(id, _)| shipped(id)).collect()
}

fn district(code: &str) -> String {
    kechuang_domain::RegionCode::parse(code)
        .ok()
        .and_then(|c| c.district_name().map(String::from))
        .unwrap_or_else(|| code.to_string())
}

/// `--set KEY=VALUE` and `--drop KEY` as changes.
fn overrides(args: &WhatIfArgs) -> Result<Overrides> {
    let mut o = Overrides::default();
    for s in &args.set {
        let (key, value) = s
            .split_once('=')
            .ok_or_else(|| InvalidInput(format!("--set {s}: give KEY=VALUE")))?;
        let v: f64 = value
            .trim()
            .parse()
            .map_err(|_| InvalidInput(format!("--set {s}: '{value}' is not a number")))?;
        o.values.insert(key.trim().to_string(), v);
    }
    o.dropped
        .extend(args.drop.iter().map(|d| d.trim().to_string()));
    Ok(o)
}

pub fn run(args: &WhatIfArgs) -> Result<()> {
    let rules = args
        .rules
        .as_ref()
        .map(|p| std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display())))
        .transpose()?;
    let changes = overrides(args)?;
    let shipped = shipped_rules();
    let (title, view) = with_store(&args.store.db, async |store, auditor, caller| {
        if let Some(id) = args.saved {
            let (s, view) = saved::evaluate(store, auditor, &shipped, caller, id)
                .await
                .map_err(user_error)?;
            return Ok((s.name, view));
        }
        let scheme = args.scheme.as_deref().unwrap_or_default();
        let scenario = Scenario {
            scheme,
            rules: rules.as_deref(),
            changes: changes.clone(),
            year: args.year,
            amount: args.amount,
        };
        let view = whatif::evaluate(store, auditor, &shipped, caller, &scenario)
            .await
            .map_err(user_error)?;
        let mut title = scheme.to_string();
        if let Some(name) = &args.save {
            let s = saved::save(store, auditor, &shipped, caller, name, &scenario)
                .await
                .map_err(user_error)?;
            eprintln!("saved as scenario {} ({})", s.id, s.name);
            title = s.name;
        }
        Ok((title, view))
    })?;
    if let Some(out) = &args.out {
        let tables = whatif::export::tables(&title, &view);
        kechuang_tabular::write_xlsx(&tables, out)
            .with_context(|| format!("writing {}", out.display()))?;
        eprintln!("wrote {}", out.display());
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&view)?);
        return Ok(());
    }
    print(&view);
    Ok(())
}

fn print_lines(what: &str, lines: &BTreeMap<String, Line>, label: impl Fn(&str) -> String) {
    println!(
        "{:<22} {:>9} {:>8} {:>11} {:>11} {:>12}",
        what, "entering", "leaving", "qualifying", "near miss", "budget"
    );
    for (k, l) in lines {
        println!(
            "{:<22} {:>9} {:>8} {:>11} {:>11} {:>12}",
            if k.is_empty() {
                "—".to_string()
            } else {
                label(k)
            },
            l.entering,
            l.leaving,
            l.qualifying_after,
            l.near_misses,
            l.budget.map_or_else(String::new, |b| format!("{b:.1}"))
        );
    }
}

fn print(view: &WhatIfView) {
    println!(
        "{} {} → scenario {}, {}: qualifying {} → {} ({} entering, {} leaving, {} unchanged, {} near misses)",
        view.scheme,
        view.current_version,
        view.scenario_version,
        view.year,
        view.qualifying_before,
        view.qualifying_after,
        view.entering.len(),
        view.leaving.len(),
        view.unchanged,
        view.near_misses.len()
    );
    for c in &view.changes {
        let show = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| v.to_string());
        println!(
            "  {}: {} → {}  ({})",
            c.key,
            show(c.from),
            show(c.to),
            c.label
        );
    }
    if let (Some(b), Some(d)) = (view.budget, view.budget_change) {
        println!("budget {b:.1} 万元 ({d:+.1})");
    }
    print_lines("district", &view.by_district, district);
    println!();
    print_lines("stage", &view.by_stage, str::to_string);
    for (what, list) in [("entering", &view.entering), ("leaving", &view.leaving)] {
        for c in list.iter().take(20) {
            println!(
                "  {what} {} {} ({}: {})",
                c.credit_code, c.name, c.criterion, c.label
            );
        }
    }
}

pub fn parameters(scheme: &str) -> Result<()> {
    let rules = shipped(scheme).ok_or_else(|| {
        InvalidInput(format!(
            "no scheme '{scheme}' (one of {})",
            SHIPPED.map(|(id, _)| id).join(", ")
        ))
    })?;
    println!(
        "{} {} — {}",
        rules.spec.id, rules.spec.version, rules.spec.name
    );
    for p in rules.parameters() {
        println!("{:<40} {:>10} {:<4} {}", p.key, p.value, p.unit, p.label);
    }
    println!("\nmay be dropped (--drop):");
    for (key, label, _) in rules.droppable() {
        println!("{key:<40} {label}");
    }
    Ok(())
}

pub fn scenarios(args: &ScenariosArgs) -> Result<()> {
    let shipped = shipped_rules();
    if !args.compare.is_empty() {
        let c = with_store(&args.store.db, async |store, auditor, caller| {
            saved::compare(store, auditor, &shipped, caller, &args.compare)
                .await
                .map_err(user_error)
        })?;
        if args.json {
            println!("{}", serde_json::to_string_pretty(&c)?);
            return Ok(());
        }
        println!("year {}", c.year);
        for s in &c.scenarios {
            let r = &s.result;
            println!(
                "{:>4} {:<30} {:<12} qualifying {} → {} (+{} −{}), near misses {}{}",
                s.scenario.id,
                s.scenario.name,
                r.scheme,
                r.qualifying_before,
                r.qualifying_after,
                r.entering.len(),
                r.leaving.len(),
                r.near_misses.len(),
                r.budget
                    .map_or_else(String::new, |b| format!(", budget {b:.1} 万元"))
            );
        }
        for (d, lines) in &c.by_district {
            let cells: Vec<String> = lines
                .iter()
                .map(|l| format!("{:>6} (+{})", l.qualifying_after, l.entering))
                .collect();
            println!("{:<14} {}", district(d), cells.join(" "));
        }
        return Ok(());
    }
    let list = with_store(&args.store.db, async |store, _, caller| {
        saved::list(store, caller).await.map_err(user_error)
    })?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&list)?);
        return Ok(());
    }
    for s in &list {
        println!(
            "{:>4} {:<30} {:<16} {:<8} {:<12} {}",
            s.id, s.name, s.scheme, s.base_version, s.created_by, s.created_at
        );
    }
    println!("{} scenarios", list.len());
    Ok(())
}

/// The demo's saved scenarios: the 科技型中小企业 R&D-intensity bands relaxed by one and by half a
/// percentage point (a subsidy of 20 万元 per qualifying firm), and the R&D-growth credit rule
/// asking two years instead of three (a credit line of 500 万元), over `year` (the last full
/// survey year: the demo round's year holds only the forms approved so far): their ids.
pub async fn demo_scenarios(
    store: &kechuang_store::Store,
    auditor: &kechuang_app::audit::Auditor,
    year: i32,
) -> Result<Vec<i64>> {
    let operator = kechuang_app::access::Principal::local_operator("demo");
    let bureau = kechuang_app::Caller {
        principal: &operator,
        remote: "local",
    };
    let shipped = shipped_rules();
    let bands = |by: f64| -> Vec<(String, f64)> {
        [6.0, 5.0, 4.0, 3.0, 2.0]
            .iter()
            .enumerate()
            .map(|(n, min)| (format!("indicator.rd.basis1.band{}.min", n + 1), min - by))
            .collect()
    };
    let plans = [
        (
            "科小：研发费用占比各档下调1个百分点",
            "tech_sme",
            bands(1.0),
            20.0,
        ),
        (
            "科小：研发费用占比各档下调0.5个百分点",
            "tech_sme",
            bands(0.5),
            20.0,
        ),
        (
            "研发增长信用贷：连续2年增长即可",
            "rd_credit",
            vec![("condition.rd_growth_streak".to_string(), 2.0)],
            500.0,
        ),
    ];
    let mut ids = Vec::new();
    for (name, scheme, values, amount) in plans {
        let scenario = Scenario {
            scheme,
            rules: None,
            changes: Overrides {
                values: values.into_iter().collect(),
                dropped: Default::default(),
            },
            year: Some(year),
            amount: Some(amount),
        };
        let s = saved::save(store, auditor, &shipped, &bureau, name, &scenario)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        ids.push(s.id);
    }
    Ok(ids)
}
