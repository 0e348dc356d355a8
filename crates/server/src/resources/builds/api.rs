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
    spawn_rebuild(state, &ctx.caller(), None).await
}

/// [`start_rebuild`] for any caller allowed to build (checked by the use case), noting the survey
/// round whose closing asked for it.
pub async fn spawn_rebuild(
    state: &Shared,
    caller: &kechuang_app::Caller<'_>,
    round: Option<i64>,
) -> ApiResult<()> {
    let framework = kechuang_app::builds::rebuild_framework(&state.store, caller).await?;
    let Ok(lock) = state.build_lock.clone().try_lock_owned() else {
        return Err(ApiError::Conflict("a rebuild is already running".into()));
    };
    let state2 = state.clone();
    let user = caller.principal.name.clone();
    let remote = caller.remote.to_string();
    tokio::spawn(async move {
        let _lock = lock;
        if let Err(e) = kechuang_app::builds::rebuild(
            &state2.store,
            &state2.auditor,
            framework,
            &user,
            &remote,
            round,
        )
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

/// Bootstrap settings of the validity report.
#[derive(Debug, Deserialize, Default)]
pub struct ValidityQuery {
    /// Replications (1–2000; 200 by default).
    pub replications: Option<usize>,
    /// Seed (1 by default).
    pub seed: Option<u64>,
}

pub(super) async fn validity(
    State(state): State<Shared>,
    ctx: Allowed<can::BuildIndex>,
    Query(q): Query<ValidityQuery>,
) -> ApiResult<Json<kechuang_app::validity::ValidityReport>> {
    let r = kechuang_app::validity::report(&state, &ctx.caller(), q.replications, q.seed).await?;
    Ok(Json((*r).clone()))
}
