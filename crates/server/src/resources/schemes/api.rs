//! Support schemes and their target lists, with export.

use crate::api::prelude::*;

pub(super) async fn schemes(State(state): State<Shared>, ctx: SignedIn) -> ApiResult<Json<Value>> {
    ctx.user()?;
    let list: Vec<Value> = state
        .rules
        .iter()
        .map(|r| {
            json!({"id": r.spec.id, "name": r.spec.name, "name_en": r.spec.name_en,
                   "version": r.spec.version, "effective_from": r.spec.effective_from.to_string(), "source": r.spec.source})
        })
        .collect();
    Ok(Json(json!({"schemes": list})))
}

pub use kechuang_app::schemes::{TargetPage, TargetParams};

/// A scheme's target list as the principal may see it (see [`kechuang_app::schemes::target_page`]).
pub async fn target_page(
    state: &Shared,
    ctx: &Allowed<can::Targets>,
    scheme: &str,
    params: &TargetParams,
) -> ApiResult<TargetPage> {
    Ok(kechuang_app::schemes::target_page(state, &ctx.caller(), scheme, params).await?)
}

pub(super) async fn targets(
    State(state): State<Shared>,
    ctx: Allowed<can::Targets>,
    Path(id): Path<String>,
    Query(mut params): Query<TargetParams>,
) -> ApiResult<Json<TargetPage>> {
    params.per_page = Some(params.per_page.unwrap_or(50).clamp(1, 500));
    Ok(Json(target_page(&state, &ctx, &id, &params).await?))
}

pub(super) async fn export_targets(
    State(state): State<Shared>,
    ctx: Allowed<can::Targets>,
    Path(id): Path<String>,
    Query(mut params): Query<TargetParams>,
) -> ApiResult<Response> {
    params.page = Some(1);
    params.per_page = Some(i64::MAX / 2);
    let t = target_page(&state, &ctx, &id, &params).await?;
    Ok(csv_download(
        &format!("targets-{}-{}.csv", t.scheme, t.year),
        "outcome,credit_code,name,district,park,industry_code,tech_field,score,gaps,failed_criteria",
        t.items.into_iter().map(|r| {
            vec![
                r.outcome.to_string(),
                r.credit_code,
                r.name,
                r.district,
                r.park.unwrap_or_default(),
                r.industry_code,
                r.tech_field.unwrap_or_default(),
                r.score.map(|v| format!("{v:.2}")).unwrap_or_default(),
                r.gaps.join("; "),
                r.failed.join("; "),
            ]
        }),
    ))
}
