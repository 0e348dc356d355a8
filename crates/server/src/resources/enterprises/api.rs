//! Enterprises' API: the ranking and its export, an enterprise's record and portrait — HTTP in and
//! out of [`kechuang_app::enterprises`], where the access rule and the audit live.

use crate::api::prelude::*;

pub use kechuang_app::MAX_PAGE;
pub use kechuang_app::enterprises::{
    ListPage, ListParams, build_and_year, district_code, nonempty, page_number,
};

/// A page of the ranking as the principal may see it (at most 500 rows).
pub async fn ranking(state: &Shared, ctx: &Ctx, params: &ListParams) -> ApiResult<ListPage> {
    Ok(state
        .enterprises()
        .ranking(&ctx.caller()?, params, 500)
        .await?)
}

/// The portrait, if the principal may read it (audited; see
/// [`kechuang_app::enterprises::Enterprises::portrait`]).
pub async fn portrait_of(
    state: &Shared,
    ctx: &Ctx,
    code: &str,
    year: Option<i32>,
) -> ApiResult<Portrait> {
    Ok(state
        .enterprises()
        .portrait(&ctx.caller()?, code, year)
        .await?)
}

pub(super) async fn list_enterprises(
    State(state): State<Shared>,
    ctx: Allowed<can::ListEnterprises>,
    Query(params): Query<ListParams>,
) -> ApiResult<Json<ListPage>> {
    Ok(Json(ranking(&state, &ctx, &params).await?))
}

/// CSV of the whole filtered ranking (UTF-8 with BOM, so Excel reads the Chinese).
pub async fn export_csv(state: &Shared, ctx: &Ctx, params: &ListParams) -> ApiResult<Response> {
    let mut params = params.clone();
    params.page = Some(1);
    params.per_page = Some(EXPORT_ROWS);
    let list = state
        .enterprises()
        .ranking(&ctx.caller()?, &params, EXPORT_ROWS)
        .await?;
    Ok(csv_download(
        "ranking.csv",
        "rank,credit_code,name,region_code,park,industry_code,tech_field,incubation_stage,score",
        list.items.into_iter().map(|r| {
            vec![
                r.rank.map(|v| v.to_string()).unwrap_or_default(),
                r.credit_code,
                r.name,
                r.region_code,
                r.park.unwrap_or_default(),
                r.industry_code,
                r.tech_field.unwrap_or_default(),
                r.incubation_stage.unwrap_or_default(),
                r.score.map(|v| format!("{v:.3}")).unwrap_or_default(),
            ]
        }),
    ))
}

pub(super) async fn export_enterprises(
    State(state): State<Shared>,
    ctx: Allowed<can::ListEnterprises>,
    Query(params): Query<ListParams>,
) -> ApiResult<Response> {
    export_csv(&state, &ctx, &params).await
}

/// `?year=`.
#[derive(Debug, Default, Deserialize)]
pub struct YearParam {
    /// Year.
    pub year: Option<i32>,
}

pub(super) async fn enterprise_record(
    State(state): State<Shared>,
    ctx: SignedIn,
    Path(code): Path<String>,
    Query(params): Query<YearParam>,
) -> ApiResult<Json<Value>> {
    let code = code.trim().to_ascii_uppercase();
    let found = state
        .enterprises()
        .records(&ctx.caller()?, &code, params.year)
        .await?;
    Ok(Json(json!({"credit_code": code, "records": found})))
}

pub(super) async fn portrait(
    State(state): State<Shared>,
    ctx: SignedIn,
    Path(code): Path<String>,
    Query(params): Query<YearParam>,
) -> ApiResult<Json<Portrait>> {
    let code = code.trim().to_ascii_uppercase();
    Ok(Json(portrait_of(&state, &ctx, &code, params.year).await?))
}
