//! Index builds: the stored builds and a rebuild over every stored year.

use crate::api::prelude::*;

pub(super) async fn builds(
    State(state): State<Shared>,
    _: Allowed<can::ListEnterprises>,
) -> ApiResult<Json<Value>> {
    Ok(Json(json!({"builds": builds_json(&state).await?})))
}

/// The stored builds as JSON, newest first.
pub async fn builds_json(state: &Shared) -> ApiResult<Vec<Value>> {
    Ok(state
        .store
        .builds()
        .await?
        .into_iter()
        .map(|b| json!({"id": b.id, "framework": b.framework_id, "framework_version": b.framework_version,
                        "years": b.years, "units": b.units, "created_at": b.created_at, "user": b.user_name}))
        .collect())
}

/// Starts a rebuild of the index over every stored year with the latest build's framework (the
/// shipped enterprise framework when there is none). Runs in the background; one at a time.
pub async fn start_rebuild(state: &Shared, ctx: &Allowed<can::BuildIndex>) -> ApiResult<()> {
    let framework = kechuang_app::builds::rebuild_framework(&state.store, &ctx.caller()).await?;
    let Ok(lock) = state.build_lock.clone().try_lock_owned() else {
        return Err(ApiError::Conflict("a rebuild is already running".into()));
    };
    let state2 = state.clone();
    let user = ctx.principal().name.clone();
    let remote = ctx.remote.clone();
    tokio::spawn(async move {
        let _lock = lock;
        if let Err(e) =
            kechuang_app::builds::rebuild(&state2.store, &state2.auditor, framework, &user, &remote)
                .await
        {
            tracing::error!(error = %e, "rebuild failed");
        }
    });
    Ok(())
}

pub(super) async fn rebuild(
    State(state): State<Shared>,
    ctx: Allowed<can::BuildIndex>,
) -> ApiResult<Response> {
    start_rebuild(&state, &ctx).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({"status": "started"}))).into_response())
}
