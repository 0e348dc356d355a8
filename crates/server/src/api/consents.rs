//! Banks' consents to read an enterprise: granted, revoked, listed within scope.

use super::*;

/// A consent to grant or revoke.
#[derive(Debug, Deserialize)]
pub struct ConsentBody {
    /// The enterprise (an enterprise user's own by default).
    pub credit_code: Option<String>,
    /// The bank.
    pub bank: String,
}

/// The enterprise a consent change is for: an enterprise user's own; anyone else with the right
/// must name it.
pub(super) fn consent_target(p: &Principal, named: Option<&str>) -> ApiResult<String> {
    let named = named.map(|c| c.trim().to_ascii_uppercase());
    match p.role {
        Role::Enterprise => {
            let own = p.scope.first().cloned().unwrap_or_default();
            match named {
                Some(c) if c != own => Err(ApiError::Forbidden(
                    "an enterprise account may only change its own consents".into(),
                )),
                _ => Ok(own),
            }
        }
        _ => named.ok_or_else(|| ApiError::BadRequest("name the enterprise (credit_code)".into())),
    }
}

/// Grants (or, with `grant = false`, revokes) a bank's consent.
pub async fn change_consent(
    state: &Shared,
    ctx: &Allowed<can::ManageConsents>,
    body: &ConsentBody,
    grant: bool,
) -> ApiResult<bool> {
    let p = ctx.principal();
    let code = consent_target(p, body.credit_code.as_deref())?;
    let bank = body.bank.trim();
    if bank.is_empty() {
        return Err(ApiError::BadRequest("name the bank".into()));
    }
    let changed = if grant {
        state.store.grant_consent(&code, bank, &p.name).await?;
        true
    } else {
        state.store.revoke_consent(&code, bank, &p.name).await?
    };
    state
        .auditor
        .record(
            &p.name,
            if grant {
                kechuang_store::AuditAction::ConsentGrant
            } else {
                kechuang_store::AuditAction::ConsentRevoke
            },
            &format!("{code} → {bank}"),
            &ctx.remote,
            "ok",
        )
        .await;
    Ok(changed)
}

/// Consents the principal may see: an enterprise its own, a bank those given to it, analysts and
/// administrators all.
pub async fn visible_consents(
    state: &Shared,
    ctx: &Ctx,
) -> ApiResult<Vec<kechuang_store::Consent>> {
    let p = ctx.user()?;
    Ok(match p.role {
        Role::Admin | Role::Analyst => state.store.consents(None, None).await?,
        Role::Enterprise => {
            state
                .store
                .consents(Some(p.scope.first().map_or("", String::as_str)), None)
                .await?
        }
        Role::Bank => {
            state
                .store
                .consents(None, Some(p.bank().unwrap_or("")))
                .await?
        }
        Role::DistrictOfficer | Role::Public => {
            return Err(ApiError::Forbidden(
                "consents are not visible to this role".into(),
            ));
        }
    })
}

pub(super) fn consent_json(c: &kechuang_store::Consent) -> Value {
    json!({"id": c.id, "credit_code": c.credit_code, "bank": c.bank, "granted_by": c.granted_by,
           "granted_at": c.granted_at, "revoked_by": c.revoked_by, "revoked_at": c.revoked_at})
}

pub(super) async fn consents(State(state): State<Shared>, ctx: SignedIn) -> ApiResult<Json<Value>> {
    let list: Vec<Value> = visible_consents(&state, &ctx)
        .await?
        .iter()
        .map(consent_json)
        .collect();
    Ok(Json(json!({"consents": list})))
}

pub(super) async fn grant(
    State(state): State<Shared>,
    ctx: Allowed<can::ManageConsents>,
    body: Result<Json<ConsentBody>, JsonRejection>,
) -> ApiResult<Response> {
    let body = json_body(body)?;
    change_consent(&state, &ctx, &body, true).await?;
    Ok((StatusCode::CREATED, Json(json!({"status": "granted"}))).into_response())
}

pub(super) async fn revoke(
    State(state): State<Shared>,
    ctx: Allowed<can::ManageConsents>,
    Query(body): Query<ConsentBody>,
) -> ApiResult<Response> {
    if change_consent(&state, &ctx, &body, false).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::NotFound("no live consent to revoke".into()))
    }
}
