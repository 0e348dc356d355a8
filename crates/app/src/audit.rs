//! The audit log writer (shared by the use cases and the web service). Reads of enterprise data are frequent (a bank's feed, the portrait page),
//! so entries go through a channel to one task that writes them in batches; the channel is bounded,
//! so a slow database slows requests down instead of losing entries. Shutdown drains it.
//! Failed logins are written at once (throttling counts them).

use std::sync::Arc;

use kechuang_store::{AuditAction, AuditEntry, Store};
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

use crate::access::Capability;
use crate::{Caller, Error, MAX_PAGE, Result};

/// Sends entries to the writer task.
#[derive(Clone)]
pub struct Auditor {
    sender: mpsc::Sender<AuditEntry>,
}

/// The writer task's handle: await it after the last [`Auditor`] is dropped.
pub type Writer = tokio::task::JoinHandle<()>;

impl Auditor {
    /// Starts the writer task.
    pub fn start(store: Arc<Store>) -> (Auditor, Writer) {
        let (sender, mut receiver) = mpsc::channel::<AuditEntry>(8192);
        let writer = tokio::spawn(async move {
            let mut batch = Vec::with_capacity(512);
            while receiver.recv_many(&mut batch, 512).await > 0 {
                if let Err(e) = store.append_audit(&batch).await {
                    tracing::error!(error = %e, lost = batch.len(), "writing the audit log failed");
                }
                batch.clear();
            }
        });
        (Auditor { sender }, writer)
    }

    /// Records an entry (waits if the writer is behind).
    pub async fn record(
        &self,
        user: &str,
        action: AuditAction,
        target: &str,
        remote: &str,
        outcome: &str,
    ) {
        let entry = AuditEntry::now(user, action, target, remote, outcome);
        if self.sender.send(entry).await.is_err() {
            tracing::error!(
                action = action.as_str(),
                target,
                "audit log writer has stopped"
            );
        }
    }
}

/// `?user=&page=&per_page=`.
#[derive(Debug, Deserialize)]
pub struct AuditParams {
    /// Only this user's lines.
    pub user: Option<String>,
    /// 1-based page.
    pub page: Option<i64>,
    /// Lines per page (at most 500).
    pub per_page: Option<i64>,
}

/// A line of the audit log as the API and the administration page show it.
#[derive(Debug, Serialize)]
pub struct AuditLine {
    /// When (UTC, RFC 3339).
    pub at: String,
    /// Who.
    pub user: String,
    /// What (the action's code).
    pub action: String,
    /// On what.
    pub target: String,
    /// From where.
    pub remote: String,
    /// How it ended.
    pub outcome: String,
}

/// A page of the audit log.
#[derive(Debug, Serialize)]
pub struct AuditPage {
    /// Lines in the whole (filtered) log.
    pub total: i64,
    /// This page's number, from 1.
    pub page: i64,
    /// Lines per page.
    pub per_page: i64,
    /// The lines, newest first.
    pub items: Vec<AuditLine>,
}

/// A page of the audit log (administrators).
pub async fn read_log(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    params: &AuditParams,
) -> Result<AuditPage> {
    let p = caller.require(Capability::Administer)?;
    let per_page = params.per_page.unwrap_or(100).clamp(1, 500);
    let page = match params.page {
        None => 1,
        Some(n) if (1..=MAX_PAGE).contains(&n) => n,
        Some(n) => {
            return Err(Error::Invalid(format!(
                "page {n}: give a page from 1 to {MAX_PAGE}"
            )));
        }
    };
    // Reading the log is itself a read of personal data (who did what): audited too.
    auditor
        .record(
            &p.name,
            AuditAction::AuditRead,
            params.user.as_deref().unwrap_or("*"),
            caller.remote,
            "ok",
        )
        .await;
    let user = params
        .user
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    let (total, entries) = store
        .audit_log(user, per_page, (page - 1) * per_page)
        .await?;
    let items = entries
        .into_iter()
        .map(|e| AuditLine {
            at: e.at,
            user: e.user_name,
            action: e.action,
            target: e.target,
            remote: e.remote,
            outcome: e.outcome,
        })
        .collect();
    Ok(AuditPage {
        total,
        page,
        per_page,
        items,
    })
}
