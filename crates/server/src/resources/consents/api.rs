//! Banks' consents to read an enterprise: the API of [`kechuang_app::consents`].

use kechuang_app::consents::{ConsentBody, change_consent, visible_consents};

use crate::api::prelude::*;

pub(super) fn consent_json(c: &kechuang_store::Consent) -> Value {
    json!({"id": c.id, "credit_code": c.credit_code, "bank": c.bank, "granted_by": c.granted_by,
           "granted_at": c.granted_at, "revoked_by": c.revoked_by, "revoked_at": c.revoked_at})
}

pub(super) async fn consents(State(state): State<Shared>, ctx: SignedIn) -> ApiResult<Json<Value>> {
    let list: Vec<Value> = visible_consents(&state.store, &ctx.caller()?)
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
    change_consent(&state.store, &state.auditor, &ctx.caller(), &body, true).await?;
    Ok((StatusCode::CREATED, Json(json!({"status": "granted"}))).into_response())
}

pub(super) async fn revoke(
    State(state): State<Shared>,
    ctx: Allowed<can::ManageConsents>,
    Query(body): Query<ConsentBody>,
) -> ApiResult<Response> {
    if change_consent(&state.store, &state.auditor, &ctx.caller(), &body, false).await? {
        Ok(StatusCode::NO_CONTENT.into_response())
    } else {
        Err(ApiError::NotFound("no live consent to revoke".into()))
    }
}
