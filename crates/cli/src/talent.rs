//! `kechuang talent`: the talent pool's criteria, tier evaluation and duplicate detection over a
//! register file (a JSON array of people).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use kechuang_tabular::{Cell, Table, write_csv};
use kechuang_talent::{Criteria, Person, evaluate as evaluate_person, find_duplicates, shipped};

use crate::args::{TalentCriteriaArgs, TalentDuplicatesArgs, TalentEvaluateArgs};
use crate::index::InvalidInput;

fn load_criteria(path: Option<&PathBuf>) -> Result<Criteria> {
    match path {
        None => Ok(shipped()),
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            Criteria::from_toml(&text)
                .map_err(|e| InvalidInput(format!("{}: {e}", p.display())).into())
        }
    }
}

fn load_people(path: &Path) -> Result<Vec<Person>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| {
        InvalidInput(format!(
            "{}: line {}, column {}: {e}",
            path.display(),
            e.line(),
            e.column()
        ))
        .into()
    })
}

pub fn criteria(args: &TalentCriteriaArgs) -> Result<()> {
    let c = load_criteria(args.criteria.as_ref())?;
    println!(
        "{} — version {}, from {}",
        c.title, c.version, c.effective_from
    );
    for t in &c.tiers {
        println!(
            "\n{} {} (review every {} years) — any one of:",
            t.code, t.name, t.review_cycle_years
        );
        for cr in &t.criteria {
            let validity = if cr.valid_years > 0 {
                format!("valid {} years", cr.valid_years)
            } else {
                "no time limit".into()
            };
            println!(
                "  {} {}\n     evidence: {}; verified by {}; {validity}",
                cr.id, cr.description, cr.evidence, cr.verifier
            );
        }
    }
    Ok(())
}

pub fn evaluate(args: &TalentEvaluateArgs) -> Result<()> {
    let c = load_criteria(args.criteria.as_ref())?;
    let people = load_people(&args.people)?;
    let mut counts: Vec<(String, usize)> = c.tiers.iter().map(|t| (t.code.clone(), 0)).collect();
    let mut below = 0;
    let mut rows = Vec::new();
    let mut evaluations = Vec::with_capacity(people.len());
    for p in &people {
        let e = evaluate_person(p, &c, args.year);
        match &e.tier {
            Some(t) => {
                if let Some(slot) = counts.iter_mut().find(|(code, _)| code == t) {
                    slot.1 += 1;
                }
            }
            None => below += 1,
        }
        for f in &e.findings {
            rows.push(vec![
                Cell::Text(p.id.clone()),
                Cell::Text(p.name.clone()),
                Cell::Text(e.tier.clone().unwrap_or_default()),
                Cell::Text(f.tier.clone()),
                Cell::Text(f.criterion.clone()),
                Cell::from(f.met),
                Cell::Text(f.reason.clone()),
                Cell::from(f.valid_until),
                Cell::from(e.review_due),
            ]);
        }
        evaluations.push(e);
    }
    println!(
        "{} people, criteria {} as of {}:",
        people.len(),
        c.version,
        args.year
    );
    for (code, n) in &counts {
        println!("  tier {code}: {n}");
    }
    println!("  below the entry criteria: {below}");
    let stats = kechuang_talent::statistics(&people, &evaluations);
    for (title, breakdown) in [
        ("region", &stats.by_region),
        ("field", &stats.by_field),
        ("institution", &stats.by_institution),
    ] {
        println!("by {title}:");
        let mut keys: Vec<&String> = breakdown.counts.keys().collect();
        // Institutions are many: the largest fifteen.
        if title == "institution" {
            keys.sort_by_key(|k| std::cmp::Reverse(breakdown.total(k)));
            keys.truncate(15);
        }
        for key in keys {
            let tiers = &breakdown.counts[key];
            let parts: Vec<String> = tiers
                .iter()
                .map(|(t, n)| format!("{}:{n}", if t.is_empty() { "-" } else { t }))
                .collect();
            let key = if key.is_empty() { "—" } else { key.as_str() };
            println!("  {key:<10} {}", parts.join(" "));
        }
    }
    // Search: the people matching every filter given.
    let search = kechuang_talent::Search {
        tier: args.tier.clone(),
        field: args.field.clone(),
        region: args.region.clone(),
        institution: args.institution.clone(),
        name: args.name.clone(),
    };
    if !search.is_empty() {
        let mut listed = 0;
        for (p, e) in people.iter().zip(&evaluations) {
            if search.matches(p, e) {
                listed += 1;
                println!(
                    "{} {} tier {} · {} · {} · {}",
                    p.id,
                    p.name,
                    e.tier.as_deref().unwrap_or("-"),
                    p.region,
                    p.fields.join("/"),
                    kechuang_talent::current_institutions(p, e.as_of).join("; ")
                );
            }
        }
        println!("{listed} people match");
    }
    if let Some(out) = &args.out {
        let table = Table {
            name: "talent".into(),
            headers: [
                "id",
                "name",
                "tier",
                "criterion_tier",
                "criterion",
                "met",
                "reason",
                "valid_until",
                "review_due",
            ]
            .map(String::from)
            .to_vec(),
            rows,
        };
        write_csv(&table, out)?;
        println!("wrote {}", out.display());
    }
    Ok(())
}

pub fn duplicates(args: &TalentDuplicatesArgs) -> Result<()> {
    let people = load_people(&args.people)?;
    let found = find_duplicates(&people);
    for d in &found {
        let (a, b) = (&people[d.a], &people[d.b]);
        println!(
            "{} ({}, {}) = {} ({}, {}): {:?}",
            a.id, a.name, a.source, b.id, b.name, b.source, d.evidence
        );
    }
    println!("{} pairs among {} records", found.len(), people.len());
    Ok(())
}
