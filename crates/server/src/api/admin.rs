//! Administration: accounts (created through the application layer, changed, disabled) and the audit log.

use super::*;

/// An account to create (the admin API's and page's body).
pub type UserBody = kechuang_app::accounts::NewAccount;

/// Checks and creates an account.
pub async fn add_user(store: &kechuang_store::Store, body: &UserBody) -> ApiResult<i64> {
    Ok(kechuang_app::accounts::add_user(store, body).await?)
}

pub(super) fn role_and_scope(role: &str, scope: &str) -> ApiResult<(Role, String)> {
    Ok(kechuang_app::accounts::role_and_scope(role, scope)?)
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
    let p = ctx.principal();
    let body = json_body(body)?;
    let id = add_user(&state.store, &body).await?;
    state
        .auditor
        .record(
            &p.name,
            kechuang_store::AuditAction::UserCreate,
            &format!("{} ({})", body.name, body.role),
            &ctx.remote,
            "ok",
        )
        .await;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))).into_response())
}

/// A change to an account.
#[derive(Debug, Deserialize)]
pub struct UserChange {
    /// Disable (true) or enable (false).
    pub disabled: Option<bool>,
    /// A new password (ends the account's sessions and tokens).
    pub password: Option<String>,
    /// A new role (ends the account's sessions and tokens); `scope` goes with it.
    pub role: Option<String>,
    /// The new role's scope.
    pub scope: Option<String>,
}

pub(super) async fn update_user(
    State(state): State<Shared>,
    ctx: Allowed<can::Administer>,
    Path(name): Path<String>,
    body: Result<Json<UserChange>, JsonRejection>,
) -> ApiResult<Json<Value>> {
    let p = ctx.principal();
    let change = json_body(body)?;
    // Everything is checked before anything is written.
    let role_change = change
        .role
        .as_deref()
        .map(|role| role_and_scope(role, change.scope.as_deref().unwrap_or("")))
        .transpose()?;
    let mut found = true;
    if let Some(pw) = &change.password {
        if pw.chars().count() < 10 {
            return Err(ApiError::BadRequest(
                "a password has at least 10 characters".into(),
            ));
        }
        found &= state
            .store
            .set_password(&name, &auth::hash_password(pw)?)
            .await?;
    }
    if let Some(d) = change.disabled {
        found &= state.store.set_disabled(&name, d).await?;
    }
    if let Some((role, scope)) = &role_change {
        found &= state.store.set_role(&name, role.as_str(), scope).await?;
    }
    if !found {
        return Err(ApiError::NotFound(format!("no user '{name}'")));
    }
    state
        .auditor
        .record(
            &p.name,
            kechuang_store::AuditAction::UserUpdate,
            &name,
            &ctx.remote,
            "ok",
        )
        .await;
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
