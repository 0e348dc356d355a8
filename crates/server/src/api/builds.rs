//! Index builds: the stored builds and a rebuild over every stored year.

use super::*;

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
    let p = ctx.principal();
    let framework_id = state.store.builds().await?.first().map_or_else(
        || "kechuang-enterprise".to_string(),
        |b| b.framework_id.clone(),
    );
    let framework = kechuang_enterprise::shipped_framework_by_id(&framework_id)
        .cloned()
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "framework '{framework_id}' is not shipped with this version"
            ))
        })?;
    let Ok(lock) = state.build_lock.clone().try_lock_owned() else {
        return Err(ApiError::Conflict("a rebuild is already running".into()));
    };
    let state2 = state.clone();
    let user = p.name.clone();
    let remote = ctx.remote.clone();
    tokio::spawn(async move {
        let _lock = lock;
        let options = kechuang_engine::BuildOptions {
            keep_stages: false,
            rank_aggregates: true,
            progress: None,
        };
        let outcome = match kechuang_enterprise::stored::build_from_store(
            &state2.store,
            &framework,
            &[],
            &user,
            options,
        )
        .await
        {
            Ok(b) => format!("ok build {}", b.id),
            Err(e) => {
                tracing::error!(error = %e, "rebuild failed");
                format!("failed: {e}")
            }
        };
        state2
            .auditor
            .record(
                &user,
                kechuang_store::AuditAction::IndexBuild,
                &framework.id,
                &remote,
                &outcome,
            )
            .await;
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
