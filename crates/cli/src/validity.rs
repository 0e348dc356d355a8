//! `kechuang index validity`: the index's predictive validity over the stored panel, through
//! `kechuang_app::validity`, as the local operator.

use std::sync::Arc;

use anyhow::{Context, Result};
use kechuang_app::validity::{ValidityReport, report};
use kechuang_app::{App, Caller};
use kechuang_store::Store;

use crate::args::ValidityArgs;
use crate::round::user_error;

/// The validity report of the store at `db`, as the local operator.
pub fn load(db: &str, replications: usize, seed: u64) -> Result<Arc<ValidityReport>> {
    crate::runtime()?.block_on(async {
        let store = Arc::new(
            Store::open(db)
                .await
                .with_context(|| format!("opening the store {db}"))?,
        );
        let (app, writer) = App::start(store);
        let operator = kechuang_app::access::Principal::local_operator("cli");
        let caller = Caller {
            principal: &operator,
            remote: "local",
        };
        let out = report(&app, &caller, Some(replications), Some(seed))
            .await
            .map_err(user_error);
        drop(app);
        let _ = writer.await;
        out
    })
}

/// The audit report's section: the index's and the pillars' predictive validity.
pub fn section(r: &ValidityReport) -> maud::Markup {
    maud::html! {
        h2 { "Predictive validity / 预测效度" }
        p {
            "Build " (r.build_id) " (" (r.framework) "), base years "
            (r.base_years.iter().map(i32::to_string).collect::<Vec<_>>().join(", "))
            "; Spearman's ρ with later outcomes and the AUC for later events (for overdue loans, \
             below 0.5 is the useful direction), 95% percentile bootstrap intervals over "
            (r.replications) " resamples of enterprise-years (seed " (r.seed) ")."
        }
        table #validity {
            tr { th { "measure" } th { "subset" } th { "outcome" } th { "years ahead" } th { "statistic" } th { "value" } th { "95% interval" } th { "n (events)" } }
            @for row in &r.rows {
                tr {
                    td { (row.measure) } td { (row.subset) } td { (row.outcome.zh()) " " (row.outcome.en()) }
                    td { (row.horizon) } td { (row.statistic) }
                    @match row.estimate {
                        Some(e) => { td { (format!("{:.3}", e.value)) } td { (format!("[{:.3}, {:.3}]", e.low, e.high)) } }
                        None => { td { "—" } td {} }
                    }
                    td { (row.n) @if let Some(k) = row.events { " (" (k) ")" } }
                }
            }
        }
    }
}

pub fn run(args: &ValidityArgs) -> Result<()> {
    let r = load(&args.store.db, args.replications, args.seed)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&*r)?);
        return Ok(());
    }
    println!(
        "build {} ({}), base years {:?}, {} bootstrap replications (seed {}); 95% intervals",
        r.build_id, r.framework, r.base_years, r.replications, r.seed
    );
    println!(
        "{:<18} {:<8} {:<22} {:>2} {:<8} {:>8} {:>18} {:>8}",
        "measure", "subset", "outcome", "h", "stat", "value", "interval", "n"
    );
    for row in &r.rows {
        let (value, interval) = row.estimate.map_or_else(
            || ("—".to_string(), String::new()),
            |e| {
                (
                    format!("{:.3}", e.value),
                    format!("[{:.3}, {:.3}]", e.low, e.high),
                )
            },
        );
        let n = match row.events {
            Some(k) => format!("{} ({k})", row.n),
            None => row.n.to_string(),
        };
        println!(
            "{:<18} {:<8} {:<22} {:>2} {:<8} {:>8} {:>18} {:>8}",
            row.measure,
            row.subset,
            row.outcome.key(),
            row.horizon,
            row.statistic,
            value,
            interval,
            n
        );
    }
    Ok(())
}
