//! `kechuang index validity`: the index's predictive validity over the stored panel, through
//! `kechuang_app::validity`, as the local operator.

use std::sync::Arc;

use anyhow::{Context, Result};
use kechuang_app::validity::{ValidityReport, report};
use kechuang_app::{App, Caller};
use kechuang_store::Store;

use crate::args::ValidityArgs;
use crate::round::user_error;

pub fn run(args: &ValidityArgs) -> Result<()> {
    let db = &args.store.db;
    let r: Arc<ValidityReport> = crate::runtime()?.block_on(async {
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
        let out = report(&app, &caller, Some(args.replications), Some(args.seed))
            .await
            .map_err(user_error);
        drop(app);
        let _ = writer.await;
        out
    })?;
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
