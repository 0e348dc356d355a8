//! `kechuang survey round …` and `kechuang survey source`: the use cases
//! the web service runs too (`kechuang_app::{rounds, sources}`), from the command line,
//! acting as the local operator and audited as `cli`.

use std::sync::Arc;

use anyhow::{Context, Result};
use kechuang_app::access::Principal;
use kechuang_app::audit::Auditor;
use kechuang_app::rounds::{self, OpenRound, RoundScope};
use kechuang_app::{Caller, Error};
use kechuang_store::Store;

use crate::args::{RoundCloseArgs, RoundIdArgs, RoundOpenArgs, RoundStatusArgs, SourceArgs};
use crate::index::InvalidInput;
use crate::runtime;

/// A use case's refusal of the input as a user error (exit 1).
pub(crate) fn user_error(e: Error) -> anyhow::Error {
    match e {
        Error::Invalid(m) | Error::Conflict(m) | Error::NotFound(m) => InvalidInput(m).into(),
        other => anyhow::Error::new(other),
    }
}

/// Runs `work` on the store with an audit writer, draining the audit log before returning.
pub(crate) fn with_store<T>(
    db: &str,
    work: impl AsyncFnOnce(&Store, &Auditor, &Caller<'_>) -> Result<T>,
) -> Result<T> {
    runtime()?.block_on(async {
        let store = Arc::new(
            Store::open(db)
                .await
                .with_context(|| format!("opening the store {db}"))?,
        );
        let (auditor, writer) = Auditor::start(store.clone());
        let operator = Principal::local_operator("cli");
        let caller = Caller {
            principal: &operator,
            remote: "local",
        };
        let out = work(&store, &auditor, &caller).await;
        drop(auditor);
        let _ = writer.await;
        out
    })
}

pub fn open(args: &RoundOpenArgs) -> Result<()> {
    let scope = match args.scope.as_str() {
        "register" => RoundScope::Register,
        "everyone" => RoundScope::Everyone,
        "list" => {
            let path = args.list.as_ref().ok_or_else(|| {
                InvalidInput("--scope list needs --list FILE (credit codes, one per line)".into())
            })?;
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            RoundScope::List(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(String::from)
                    .collect(),
            )
        }
        other => {
            return Err(
                InvalidInput(format!("--scope {other}: use register, list or everyone")).into(),
            );
        }
    };
    let req = OpenRound {
        year: args.year,
        deadline: args.deadline.clone(),
        scope,
        fields: args.fields.clone(),
    };
    let id = with_store(&args.store.db, async |store, auditor, caller| {
        rounds::open(store, auditor, caller, &req)
            .await
            .map_err(user_error)
    })?;
    let members = with_store(&args.store.db, async |store, _, _| {
        Ok(store.round_members(id).await?.len())
    })?;
    println!(
        "opened round {id}: survey year {}, deadline {}, {} ({members} enterprises asked)",
        args.year, args.deadline, args.scope
    );
    Ok(())
}

pub fn close(args: &RoundCloseArgs) -> Result<()> {
    let build = !args.no_build;
    let built = with_store(&args.store.db, async |store, auditor, caller| {
        rounds::set_open(store, auditor, caller, args.id, false)
            .await
            .map_err(user_error)?;
        if !build {
            return Ok(None);
        }
        // What the round gathered is stored: the index is built over every stored year.
        let framework = kechuang_app::builds::rebuild_framework(store, caller)
            .await
            .map_err(user_error)?;
        let id =
            kechuang_app::builds::rebuild(store, auditor, framework, "cli", "local", Some(args.id))
                .await
                .map_err(user_error)?;
        Ok(Some(id))
    })?;
    match built {
        Some(b) => println!("round {} closed; index build {b} records it", args.id),
        None => println!("round {} closed", args.id),
    }
    Ok(())
}

pub fn set_open(args: &RoundIdArgs, open: bool) -> Result<()> {
    with_store(&args.store.db, async |store, auditor, caller| {
        rounds::set_open(store, auditor, caller, args.id, open)
            .await
            .map_err(user_error)
    })?;
    println!(
        "round {} {}",
        args.id,
        if open { "reopened" } else { "closed" }
    );
    Ok(())
}

pub fn status(args: &RoundStatusArgs) -> Result<()> {
    let today = chrono::Local::now().date_naive();
    let (t, table) = with_store(&args.store.db, async |store, auditor, caller| {
        let t = rounds::tracking(store, auditor, caller, args.id, today)
            .await
            .map_err(user_error)?;
        let table = match &args.reminders {
            Some(_) => Some(
                rounds::reminder_table(store, &t)
                    .await
                    .map_err(user_error)?,
            ),
            None => None,
        };
        Ok((t, table))
    })?;
    if let (Some(path), Some(table)) = (&args.reminders, table) {
        kechuang_tabular::write_xlsx(&[table], path)?;
        eprintln!(
            "wrote {} late enterprises to {}",
            t.late.len(),
            path.display()
        );
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&t)?);
        return Ok(());
    }
    println!(
        "round {}: survey year {}, deadline {}, {} ({})",
        t.round.id, t.round.year, t.round.deadline, t.round.status, t.round.scope
    );
    println!(
        "{:<24} {:>8} {:>11} {:>6} {:>9} {:>8} {:>8} {:>5}",
        "district", "in scope", "not started", "draft", "submitted", "returned", "approved", "late"
    );
    let district = |code: &str| {
        kechuang_domain::RegionCode::parse(code)
            .ok()
            .and_then(|c| c.district_name().map(String::from))
            .unwrap_or_else(|| {
                if code.is_empty() {
                    "(unknown)".into()
                } else {
                    code.to_string()
                }
            })
    };
    for (code, r) in t
        .by_district
        .iter()
        .map(|(c, r)| (district(c), r))
        .chain(std::iter::once(("total".to_string(), &t.total)))
    {
        println!(
            "{:<24} {:>8} {:>11} {:>6} {:>9} {:>8} {:>8} {:>5}",
            code, r.in_scope, r.not_started, r.draft, r.submitted, r.returned, r.approved, r.late
        );
    }
    if !t.late.is_empty() {
        println!("late ({}):", t.late.len());
        for m in t.late.iter().take(50) {
            println!("  {} {}", m.credit_code, district(&m.region_code));
        }
        if t.late.len() > 50 {
            println!("  … and {} more (--json lists them all)", t.late.len() - 50);
        }
    }
    Ok(())
}

pub fn remind(args: &RoundIdArgs) -> Result<()> {
    let today = chrono::Local::now().date_naive();
    let told = with_store(&args.store.db, async |store, auditor, caller| {
        rounds::remind(store, auditor, caller, args.id, today)
            .await
            .map_err(user_error)
    })?;
    println!("reminded {told} accounts of late enterprises in their inbox");
    Ok(())
}

pub fn source(args: &SourceArgs) -> Result<()> {
    let source = kechuang_app::sources::Source::parse(&args.source).ok_or_else(|| {
        InvalidInput(format!(
            "--source {}: use registry, tax, patents or certificates",
            args.source
        ))
    })?;
    let bytes =
        std::fs::read(&args.file).with_context(|| format!("reading {}", args.file.display()))?;
    let name = args.file.display().to_string();
    let report = with_store(&args.store.db, async |store, auditor, caller| {
        kechuang_app::sources::import(store, auditor, caller, source, args.year, &name, bytes)
            .await
            .map_err(user_error)
    })?;
    for i in &report.issues {
        eprintln!(
            "{name}, row {}, {}: '{}' {}",
            i.row, i.column, i.value, i.message
        );
    }
    if !report.issues.is_empty() {
        return Err(InvalidInput(format!(
            "{} problems in {name}: nothing was imported",
            report.issues.len()
        ))
        .into());
    }
    println!(
        "imported {} {} values for {} from {name} ({} rows; {} of enterprises not known, left out)",
        report.values,
        source.key(),
        args.year,
        report.rows,
        report.unmatched.len()
    );
    for code in report.unmatched.iter().take(20) {
        println!("  not known: {code}");
    }
    Ok(())
}

pub fn contradictions(args: &RoundIdArgs) -> Result<()> {
    let list = with_store(&args.store.db, async |store, _, caller| {
        rounds::contradictions(store, caller, args.id)
            .await
            .map_err(user_error)
    })?;
    println!(
        "{:<20} {:<24} {:<12} {:>14} {:>14}  reason",
        "credit code", "field", "source", "source value", "filed"
    );
    for c in &list {
        println!(
            "{:<20} {:<24} {:<12} {:>14} {:>14}  {}",
            c.credit_code, c.field, c.source, c.source_value, c.filed_value, c.reason
        );
    }
    println!("{} contradictions", list.len());
    Ok(())
}
