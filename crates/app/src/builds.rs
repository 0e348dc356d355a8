//! Index builds (指数构建) from the store: which framework a rebuild uses, and the rebuild itself
//! (every stored year, results and portrait facts stored, the outcome audited). Running it in the
//! background, one at a time, is the caller's business.

use kechuang_engine::Framework;
use kechuang_store::{AuditAction, Store};

use crate::access::Capability;
use crate::audit::Auditor;
use crate::{Caller, Error, Result};

/// The framework a rebuild uses: the latest build's, or the shipped enterprise framework when
/// there is no build yet. The caller must be allowed to build the index.
pub async fn rebuild_framework(store: &Store, caller: &Caller<'_>) -> Result<&'static Framework> {
    caller.require(Capability::BuildIndex)?;
    let framework_id = store.builds().await?.first().map_or_else(
        || "kechuang-enterprise".to_string(),
        |b| b.framework_id.clone(),
    );
    kechuang_enterprise::shipped_framework_by_id(&framework_id).ok_or_else(|| {
        Error::Invalid(format!(
            "framework '{framework_id}' is not shipped with this version"
        ))
    })
}

/// Builds the index over every stored year with `framework` and stores it — after survey round
/// `round` closed, when given, which the build's manifest then records; the outcome (the new
/// build's id, or the failure) goes to the audit log in `user`'s name.
pub async fn rebuild(
    store: &Store,
    auditor: &Auditor,
    framework: &Framework,
    user: &str,
    remote: &str,
    round: Option<i64>,
) -> Result<i64> {
    let options = kechuang_engine::BuildOptions {
        keep_stages: false,
        rank_aggregates: true,
        progress: None,
        stage_sink: None,
    };
    let built = match round {
        Some(r) => {
            kechuang_enterprise::stored::build_from_store_for_round(
                store, framework, user, options, r,
            )
            .await
        }
        None => {
            kechuang_enterprise::stored::build_from_store(store, framework, &[], user, options)
                .await
        }
    };
    let outcome = match &built {
        Ok(b) => format!("ok build {}", b.id),
        Err(e) => format!("failed: {e}"),
    };
    auditor
        .record(
            user,
            AuditAction::IndexBuild,
            &framework.id,
            remote,
            &outcome,
        )
        .await;
    built
        .map(|b| b.id)
        .map_err(|e| Error::Internal(format!("the rebuild failed: {e}")))
}
