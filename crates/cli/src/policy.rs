//! `kechuang policy list|evaluate` and `kechuang target`.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{Context, Result};
use kechuang_domain::{RegionCode, SurveyRecord, TechField};
use kechuang_policy::{
    CriterionKind, Evaluation, History, Outcome, RuleSet, SHIPPED, evaluate as evaluate_one,
    shipped,
};
use kechuang_store::Store;
use kechuang_tabular::{Cell, Table, write_csv_table, write_xlsx};

use kechuang_app::views::TargetRow;

use crate::args::{EvaluateArgs, TargetArgs};
use crate::index::InvalidInput;
use crate::runtime;

fn load_rules(scheme: Option<&str>, file: Option<&Path>) -> Result<Vec<RuleSet>> {
    if let Some(f) = file {
        let text =
            std::fs::read_to_string(f).with_context(|| format!("reading {}", f.display()))?;
        return Ok(vec![
            RuleSet::from_toml(&text).map_err(|e| InvalidInput(format!("{}: {e}", f.display())))?,
        ]);
    }
    match scheme {
        Some(s) => Ok(vec![shipped(s).ok_or_else(|| {
            InvalidInput(format!(
                "no scheme '{s}': use one of {}",
                SHIPPED.map(|(id, _)| id).join(", ")
            ))
        })?]),
        None => Ok(SHIPPED.iter().filter_map(|(id, _)| shipped(id)).collect()),
    }
}

pub fn list() -> Result<()> {
    for (id, _) in SHIPPED {
        let r = shipped(id).context("shipped rule set")?;
        println!(
            "{id:<16} {} {:<8} from {}  {} ({})",
            r.spec.version, "", r.spec.effective_from, r.spec.name, r.spec.source
        );
    }
    Ok(())
}

/// The year's records plus three earlier years (see [`kechuang_app::views::panel`]).
async fn panel(store: &Store, year: Option<i32>) -> Result<(i32, Vec<SurveyRecord>)> {
    kechuang_app::views::panel(store, year)
        .await
        .map_err(crate::index::invalid_view)
}

/// A value with two decimals, or as many more as it takes not to print it onto a threshold it
/// is not equal to (5.9997 beside "≥ 6" reads 5.9997, not 6.00).
fn shown_against(v: f64, threshold: Option<f64>) -> String {
    let Some(t) = threshold else {
        return format!("{v:.2}");
    };
    (2..=10)
        .map(|d| format!("{v:.d$}"))
        .find(|text| {
            let shown: f64 = text.parse().unwrap_or(v);
            shown.partial_cmp(&t) == v.partial_cmp(&t)
        })
        .unwrap_or_else(|| v.to_string())
}

fn print_evaluation(e: &Evaluation, rules: &RuleSet) {
    let score = e
        .score
        .map(|(a, b)| {
            if a == b {
                format!(", score {a:.1}")
            } else {
                format!(", score {a:.1}–{b:.1}")
            }
        })
        .unwrap_or_default();
    println!(
        "{} {} ({}): {}{score}",
        rules.spec.name,
        rules.spec.version,
        e.scheme,
        e.outcome.zh()
    );
    for c in &e.criteria {
        // A direct route not taken is an alternative, not a failure.
        let not_used = c.kind == CriterionKind::Direct && c.passed == Some(false);
        let mark = match c.passed {
            _ if not_used => "–",
            Some(true) => "✓",
            Some(false) => "✗",
            None if c.points.is_some() => "·",
            None => "?",
        };
        let value = c
            .value
            .map(|v| shown_against(v, c.threshold))
            .unwrap_or_else(|| "—".into());
        let detail = match (c.threshold, c.points) {
            (Some(_), None) if not_used => format!("{value} (未采用 not used)"),
            (Some(t), None) => format!("{value} (需 {} {t})", c.op.unwrap_or("")),
            (_, Some((a, b))) => format!(
                "{value} → {}/{}",
                if a == b {
                    format!("{a}")
                } else {
                    format!("{a}–{b}")
                },
                c.max.unwrap_or(0.0)
            ),
            _ => value,
        };
        println!("  {mark} {} [{}]: {detail} {}", c.label, c.clause, c.note);
        if !c.missing.is_empty() {
            println!("      缺少 missing: {}", c.missing.join(", "));
        }
    }
    for g in &e.gaps {
        println!(
            "  → {}{}",
            g.message,
            g.points.map(|p| format!(" (+{p} 分)")).unwrap_or_default()
        );
    }
}

pub fn evaluate(args: &EvaluateArgs) -> Result<()> {
    let rules = if args.schemes.is_empty() {
        load_rules(None, args.rules.as_deref())?
    } else {
        args.schemes
            .iter()
            .map(|s| load_rules(Some(s), None))
            .collect::<Result<Vec<_>>>()?
            .into_iter()
            .flatten()
            .collect()
    };
    let mut expert = HashMap::new();
    for e in &args.expert {
        let (k, v) = e
            .split_once('=')
            .ok_or_else(|| InvalidInput(format!("--expert {e}: write ID=POINTS")))?;
        let v: f64 = v
            .parse()
            .map_err(|_| InvalidInput(format!("--expert {e}: '{v}' is not a number")))?;
        expert.insert(k.to_string(), v);
    }
    // Every analyst's point must land somewhere: an unknown id or an item scored from data alone
    // is refused, never ignored.
    for (id, v) in &expert {
        let one = HashMap::from([(id.clone(), *v)]);
        let verdicts: Vec<std::result::Result<(), String>> = rules
            .iter()
            .map(|r| kechuang_policy::check_expert_points(r, &one))
            .collect();
        if !verdicts.iter().any(std::result::Result::is_ok) {
            let why = verdicts
                .into_iter()
                .filter_map(std::result::Result::err)
                .collect::<Vec<_>>()
                .join("; ");
            return Err(InvalidInput(format!("--expert {id}={v}: {why}")).into());
        }
    }
    runtime()?.block_on(async {
        let store = Store::open(&args.store.db)
            .await
            .with_context(|| format!("opening the store {}", args.store.db))?;
        let (year, records) = panel(&store, args.year).await?;
        let Some(current) = records
            .iter()
            .find(|r| r.year == year && r.credit_code.as_str() == args.credit_code.trim())
        else {
            return Err(InvalidInput(format!(
                "no survey record for {} in {year}",
                args.credit_code
            ))
            .into());
        };
        let mut earlier: Vec<&SurveyRecord> = records
            .iter()
            .filter(|r| r.year < year && r.credit_code == current.credit_code)
            .collect();
        earlier.sort_by_key(|r| std::cmp::Reverse(r.year));
        let h = History {
            current,
            earlier: &earlier,
        };
        let results: Vec<Evaluation> = rules
            .iter()
            .map(|r| evaluate_one(r, &h, &expert, true))
            .collect();
        if args.json {
            println!("{}", serde_json::to_string_pretty(&results)?);
        } else {
            println!("{} {} ({year})", current.credit_code, current.name);
            for (e, r) in results.iter().zip(&rules) {
                print_evaluation(e, r);
            }
        }
        Ok(())
    })
}

pub fn target(args: &TargetArgs) -> Result<()> {
    let rules = load_rules(args.scheme.as_deref(), args.rules.as_deref())?;
    if args.scheme.is_none() && args.rules.is_none() {
        return Err(InvalidInput(
            "name a scheme with --scheme (or a rule file with --rules)".into(),
        )
        .into());
    }
    let rules = &rules[0];
    let district = args
        .district
        .as_deref()
        .map(RegionCode::parse_name_or_code)
        .transpose()
        .map_err(|e| InvalidInput(format!("--district: {e}")))?;
    let field = args
        .tech_field
        .as_deref()
        .map(TechField::parse)
        .transpose()
        .map_err(|e| InvalidInput(format!("--tech-field: {e}")))?;
    runtime()?.block_on(async {
        let store = Store::open(&args.store.db).await.with_context(|| format!("opening the store {}", args.store.db))?;
        let (year, records) = panel(&store, args.year).await?;
        let list = kechuang_app::views::target_list(rules, year, &records);
        let keep = |r: &TargetRow| {
            district.as_ref().is_none_or(|d| r.region_code == d.as_str())
                && args.industry.as_deref().is_none_or(|i| r.industry_code.starts_with(&i.to_ascii_uppercase()))
                && field.is_none_or(|f| r.tech_field.as_deref() == Some(f.zh()))
        };
        let listed: Vec<&TargetRow> = list.rows.iter().filter(|r| keep(r) && (args.near_miss || r.outcome != "near_miss")).collect();
        let qualifies = listed.iter().filter(|r| r.outcome == "qualifies").count();
        let awaiting = listed.iter().filter(|r| r.outcome == "needs_expert").count();
        let evaluated = records.iter().filter(|r| r.year == year).filter(|r| {
            district.as_ref().is_none_or(|d| &r.region_code == d)
                && args.industry.as_deref().is_none_or(|i| r.industry_code.as_str().starts_with(&i.to_ascii_uppercase()))
                && field.is_none_or(|f| r.tech_field == Some(f))
        }).count();
        println!(
            "{} {} in {year}: {evaluated} enterprises evaluated, {qualifies} qualify, {awaiting} await expert review{}, {} with insufficient data",
            rules.spec.name,
            rules.spec.version,
            if args.near_miss { format!(", {} nearly qualify", listed.len() - qualifies - awaiting) } else { String::new() },
            list.insufficient
        );
        let outcome_zh = |r: &TargetRow| match r.outcome {
            "qualifies" => Outcome::Qualifies.zh(),
            "needs_expert" => Outcome::NeedsExpert.zh(),
            _ => Outcome::DoesNotQualify.zh(),
        };
        for r in listed.iter().take(args.limit) {
            println!(
                "  {:<4} {} {} {} {} {}{}",
                outcome_zh(r),
                r.credit_code,
                r.name,
                r.district,
                r.industry_code,
                r.score.map(|s| format!("{s:.1}")).unwrap_or_default(),
                if r.gaps.is_empty() { String::new() } else { format!("  → {}", r.gaps.join("; ")) }
            );
        }
        // Grouped as the source asks: by district, industry section and technology field.
        let mut groups: BTreeMap<(&str, String), usize> = BTreeMap::new();
        for r in &listed {
            *groups.entry(("district", r.district.clone())).or_default() += 1;
            *groups.entry(("industry", r.industry_section.clone())).or_default() += 1;
            *groups.entry(("field", r.tech_field.clone().unwrap_or_else(|| "—".into()))).or_default() += 1;
        }
        for kind in ["district", "industry", "field"] {
            let row: Vec<String> = groups.iter().filter(|((k, _), _)| *k == kind).map(|((_, g), n)| format!("{g} {n}")).collect();
            println!("by {kind}: {}", row.join(", "));
        }
        if let Some(out) = &args.out {
            let table = Table {
                name: "targets".into(),
                headers: ["统一社会信用代码", "企业名称", "区", "行业", "技术领域", "结论 outcome", "得分 score", "差距 gaps", "未满足 failed criteria"].map(String::from).to_vec(),
                rows: listed
                    .iter()
                    .map(|r| {
                        vec![
                            Cell::Text(r.credit_code.clone()),
                            Cell::Text(r.name.clone()),
                            Cell::Text(r.district.clone()),
                            Cell::Text(r.industry_code.clone()),
                            Cell::Text(r.tech_field.clone().unwrap_or_default()),
                            Cell::Text(outcome_zh(r).into()),
                            Cell::from(r.score),
                            Cell::Text(r.gaps.join("; ")),
                            Cell::Text(r.failed.join("; ")),
                        ]
                    })
                    .collect(),
            };
            if out.extension().is_some_and(|x| x.eq_ignore_ascii_case("xlsx")) {
                write_xlsx(&[table], out)?;
            } else {
                write_csv_table(&table, out, true)?;
            }
            println!("wrote {}", out.display());
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::shown_against;

    #[test]
    fn values_are_never_printed_onto_a_threshold_they_miss() {
        assert_eq!(shown_against(5.9997, Some(6.0)), "5.9997");
        assert_eq!(shown_against(6.0004, Some(6.0)), "6.0004");
        assert_eq!(shown_against(6.0, Some(6.0)), "6.00");
        assert_eq!(shown_against(5.5, Some(6.0)), "5.50");
        assert_eq!(shown_against(5.9997, None), "6.00");
    }
}
