//! The audit log writer (shared by the use cases and the web service). Reads of enterprise data are frequent (a bank's feed, the portrait page),
//! so entries go through a channel to one task that writes them in batches; the channel is bounded,
//! so a slow database slows requests down instead of losing entries. Shutdown drains it.
//! Failed logins are written at once (throttling counts them).

use std::sync::Arc;

use kechuang_store::{AuditAction, AuditEntry, Store};
use tokio::sync::mpsc;

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
