//! `kechuang serve` and `kechuang user`: the web service and its accounts.

use std::io::IsTerminal;
use std::sync::Arc;

use anyhow::{Context, Result};
use kechuang_app::accounts::{AccountError, NewAccount, add_user as create};
use kechuang_app::settings::Config;
use kechuang_store::Store;

use crate::args::{ServeArgs, StoreArgs, UserAddArgs};
use crate::index::InvalidInput;
use crate::{Web, runtime};

/// Structured logs on stderr: text for a terminal, JSON lines for a collector.
pub fn init_logs(json: bool) {
    let builder = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal());
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// The settings: the file's, then the command line and environment over them.
fn config(args: &ServeArgs) -> Result<Config> {
    let mut c = match &args.config {
        Some(path) => Config::from_file(path).map_err(|e| InvalidInput(e.to_string()))?,
        None => Config {
            database: "kechuang-data/kechuang.db".into(),
            ..Config::default()
        },
    };
    if let Some(l) = args.listen {
        c.listen = l;
    }
    if let Some(db) = &args.db {
        c.database = db.clone();
    }
    Ok(c)
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}

/// Serves on an open store until Ctrl-C or SIGTERM, printing the address.
pub async fn serve_store(store: Arc<Store>, config: Config, web: Web) -> Result<()> {
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("listening on {}", config.listen))?;
    let address = listener.local_addr()?;
    println!(
        "kechuang is serving http://{address}/ (API docs: http://{address}/api/docs); Ctrl-C stops it"
    );
    web(listener, store, config).await?;
    println!("stopped");
    Ok(())
}

pub fn run(args: &ServeArgs, web: Web) -> Result<()> {
    init_logs(args.json_logs);
    let config = config(args)?;
    runtime()?.block_on(async {
        let store = Store::open(&config.database)
            .await
            .with_context(|| format!("opening the store {}", config.database))?;
        if store.users().await?.is_empty() {
            eprintln!(
                "note: there are no accounts yet; create an administrator with `kechuang user add NAME --role admin --db {}`",
                config.database
            );
        }
        serve_store(Arc::new(store), config, web).await
    })
}

fn password() -> Result<String> {
    if let Ok(p) = std::env::var("KECHUANG_PASSWORD") {
        return Ok(p);
    }
    if !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        return Ok(line.trim_end_matches(['\r', '\n']).to_string());
    }
    eprint!("password (at least 10 characters; shown as you type): ");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Maps the service's refusal of an account to a user error (exit 1).
pub fn account_error(e: AccountError) -> anyhow::Error {
    match e {
        AccountError::Invalid(m) => InvalidInput(m).into(),
        AccountError::Store(kechuang_store::Error::Exists(what)) => {
            InvalidInput(format!("{what} exists already")).into()
        }
        other => anyhow::Error::new(other),
    }
}

pub fn add_user(args: &UserAddArgs) -> Result<()> {
    let password = password()?;
    runtime()?.block_on(async {
        let store = Store::open(&args.store.db)
            .await
            .with_context(|| format!("opening the store {}", args.store.db))?;
        let id = create(
            &store,
            &NewAccount {
                name: args.name.clone(),
                display_name: args.display_name.clone(),
                password,
                role: args.role.clone(),
                scope: args.scope.clone(),
            },
        )
        .await
        .map_err(account_error)?;
        store
            .append_audit(&[kechuang_store::AuditEntry::now(
                "cli",
                kechuang_store::AuditAction::UserCreate,
                &format!("{} ({})", args.name, args.role),
                "local",
                "ok",
            )])
            .await?;
        println!("created user {} (id {id}, role {})", args.name, args.role);
        Ok(())
    })
}

pub fn list_users(args: &StoreArgs) -> Result<()> {
    runtime()?.block_on(async {
        let store = Store::open(&args.db)
            .await
            .with_context(|| format!("opening the store {}", args.db))?;
        for u in store.users().await? {
            println!(
                "{:<20} {:<18} {:<40} {}",
                u.name,
                u.role,
                u.scope,
                if u.disabled { "disabled" } else { "" }
            );
        }
        Ok(())
    })
}
