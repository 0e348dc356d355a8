//! API tokens: created with a scope and a label, listed, revoked.

use crate::api::prelude::*;

/// A token to create.
#[derive(Debug, Deserialize)]
pub struct TokenBody {
    /// What it is for.
    pub label: String,
    /// `read`, `write`, `admin`, comma-separated.
    pub scopes: String,
}

/// The longest label a token may carry.
pub const MAX_LABEL_CHARS: usize = 100;

/// Creates an API token for the principal; the secret is returned once and never stored.
pub async fn new_token(state: &Shared, ctx: &Ctx, body: &TokenBody) -> ApiResult<(i64, String)> {
    let p = ctx.user()?;
    let scopes = TokenScope::parse_list(&body.scopes).map_err(ApiError::BadRequest)?;
    if scopes.is_empty() {
        return Err(ApiError::BadRequest(
            "give at least one scope: read, write, admin".into(),
        ));
    }
    if !p.may_mint(&scopes) {
        return Err(ApiError::Forbidden(
            "a token's scopes cannot exceed the role's or the credential's: admin scope is for administrators, minted from a session or an admin token".into(),
        ));
    }
    let label = body.label.trim();
    if label.chars().count() > MAX_LABEL_CHARS || label.chars().any(char::is_control) {
        return Err(ApiError::BadRequest(format!(
            "a token's label is at most {MAX_LABEL_CHARS} characters, without control characters"
        )));
    }
    let secret = format!("{}{}", auth::TOKEN_PREFIX, auth::secret()?);
    let names: Vec<&str> = scopes.iter().map(|s| s.as_str()).collect();
    let id = state
        .store
        .create_token(p.user_id, label, &auth::digest(&secret), &names.join(","))
        .await?;
    state
        .auditor
        .record(
            &p.name,
            kechuang_store::AuditAction::TokenCreate,
            &format!("{id} {}", names.join(",")),
            &ctx.remote,
            "ok",
        )
        .await;
    Ok((id, secret))
}

pub(super) async fn tokens(State(state): State<Shared>, ctx: SignedIn) -> ApiResult<Json<Value>> {
    let p = ctx.user()?;
    let list: Vec<Value> = state
        .store
        .tokens(Some(p.user_id))
        .await?
        .into_iter()
        .map(|t| json!({"id": t.id, "label": t.label, "scopes": t.scopes, "created_at": t.created_at, "revoked_at": t.revoked_at}))
        .collect();
    Ok(Json(json!({"tokens": list})))
}

pub(super) async fn create_token(
    State(state): State<Shared>,
    ctx: SignedIn,
    body: Result<Json<TokenBody>, JsonRejection>,
) -> ApiResult<Response> {
    let body = json_body(body)?;
    let (id, secret) = new_token(&state, &ctx, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": id, "token": secret})),
    )
        .into_response())
}

pub(super) async fn revoke_token(
    State(state): State<Shared>,
    ctx: SignedIn,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    revoke(&state, &ctx, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Revokes a live token: the caller's own, or any for an administrator; audited.
pub(super) async fn revoke(state: &Shared, ctx: &Ctx, id: i64) -> ApiResult<()> {
    let p = ctx.user()?;
    let owner = (!p.may(Capability::Administer)).then_some(p.user_id);
    if !state.store.revoke_token(id, owner).await? {
        return Err(ApiError::NotFound(format!("no live token {id} of yours")));
    }
    state
        .auditor
        .record(
            &p.name,
            kechuang_store::AuditAction::TokenRevoke,
            &id.to_string(),
            &ctx.remote,
            "ok",
        )
        .await;
    Ok(())
}
