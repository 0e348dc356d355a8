//! Administration: accounts (created through the application layer, changed, disabled) and the audit log.

use kechuang_app::accounts;

use crate::api::prelude::*;

/// An account to create (the admin API's and page's body).
pub type UserBody = kechuang_app::accounts::NewAccount;

/// Checks and creates an account.
pub async fn add_user(store: &kechuang_store::Store, body: &UserBody) -> ApiResult<i64> {
    Ok(kechuang_app::accounts::add_user(store, body).await?)
}

pub(super) async fn users(
    State(state): State<Shared>,
    _: Allowed<can::Administer>,
) -> ApiResult<Json<Value>> {
    let list: Vec<Value> = state
        .store
        .users()
        .await?
        .into_iter()
        .map(|u| {
            json!({"id": u.id, "name": u.name, "display_name": u.display_name, "role": u.role,
                        "scope": u.scope, "disabled": u.disabled, "created_at": u.created_at})
        })
        .collect();
    Ok(Json(json!({"users": list})))
}

pub(super) async fn create_user(
    State(state): State<Shared>,
    ctx: Allowed<can::Administer>,
    body: Result<Json<UserBody>, JsonRejection>,
) -> ApiResult<Response> {
    let body = json_body(body)?;
    let id = accounts::create(&state.store, &state.auditor, &ctx.caller(), &body).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))).into_response())
}

/// A change to an account.
pub type UserChange = accounts::AccountChange;

pub(super) async fn update_user(
    State(state): State<Shared>,
    ctx: Allowed<can::Administer>,
    Path(name): Path<String>,
    body: Result<Json<UserChange>, JsonRejection>,
) -> ApiResult<Json<Value>> {
    let change = json_body(body)?;
    accounts::change(&state.store, &state.auditor, &ctx.caller(), &name, &change).await?;
    Ok(Json(json!({"status": "updated"})))
}

pub use kechuang_app::audit::{AuditLine, AuditPage, AuditParams, read_log};

pub(super) async fn audit_log(
    State(state): State<Shared>,
    ctx: Allowed<can::Administer>,
    Query(params): Query<AuditParams>,
) -> ApiResult<Json<AuditPage>> {
    Ok(Json(
        read_log(&state.store, &state.auditor, &ctx.caller(), &params).await?,
    ))
}
