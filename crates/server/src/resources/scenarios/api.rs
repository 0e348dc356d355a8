//! The what-if API: a scenario (a rule file, or changes to the shipped rules' parameters) in, the
//! comparison out; saved scenarios listed, evaluated, compared, exported and deleted.

use kechuang_app::whatif::saved::{self, Comparison};
use kechuang_app::whatif::{Scenario, WhatIfView, evaluate as run};
use kechuang_policy::{Overrides, Parameter};
use kechuang_store::SavedScenario;

use crate::api::prelude::*;

/// A scenario to evaluate or save.
#[derive(Debug, Deserialize)]
pub struct ScenarioBody {
    /// The scheme (`tech_sme` …).
    pub scheme: String,
    /// The scenario's rule file (TOML); the shipped rules when absent.
    pub rules: Option<String>,
    /// Changes to the rule file's parameters (`{"values": {"key": v}, "dropped": ["condition.id"]}`).
    #[serde(default)]
    pub changes: Overrides,
    /// The year (the latest stored by default).
    pub year: Option<i32>,
    /// An amount per qualifying enterprise (万元), for the budget.
    pub amount: Option<f64>,
    /// The name to save it under (saving only).
    #[serde(default)]
    pub name: String,
}

impl ScenarioBody {
    fn scenario(&self) -> Scenario<'_> {
        Scenario {
            scheme: &self.scheme,
            rules: self.rules.as_deref(),
            changes: self.changes.clone(),
            year: self.year,
            amount: self.amount,
        }
    }
}

pub(super) async fn evaluate(
    State(state): State<Shared>,
    ctx: Allowed<can::Targets>,
    body: Result<Json<ScenarioBody>, JsonRejection>,
) -> ApiResult<Json<WhatIfView>> {
    let b = json_body(body)?;
    Ok(Json(
        run(
            &state.store,
            &state.auditor,
            &state.rules,
            &ctx.caller(),
            &b.scenario(),
        )
        .await?,
    ))
}

pub(super) async fn save(
    State(state): State<Shared>,
    ctx: Allowed<can::Targets>,
    body: Result<Json<ScenarioBody>, JsonRejection>,
) -> ApiResult<Response> {
    let b = json_body(body)?;
    let s = saved::save(
        &state.store,
        &state.auditor,
        &state.rules,
        &ctx.caller(),
        &b.name,
        &b.scenario(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(s)).into_response())
}

pub(super) async fn list(
    State(state): State<Shared>,
    ctx: Allowed<can::Targets>,
) -> ApiResult<Json<Value>> {
    let items = saved::list(&state.store, &ctx.caller()).await?;
    Ok(Json(json!({ "items": items })))
}

/// A saved scenario and its evaluation now.
#[derive(Debug, serde::Serialize)]
pub struct SavedResult {
    /// The saved scenario.
    pub scenario: SavedScenario,
    /// Its evaluation over the reader's enterprises.
    pub result: WhatIfView,
}

pub(super) async fn one(
    State(state): State<Shared>,
    ctx: Allowed<can::Targets>,
    Path(id): Path<i64>,
) -> ApiResult<Json<SavedResult>> {
    let (scenario, result) = saved::evaluate(
        &state.store,
        &state.auditor,
        &state.rules,
        &ctx.caller(),
        id,
    )
    .await?;
    Ok(Json(SavedResult { scenario, result }))
}

pub(super) async fn delete(
    State(state): State<Shared>,
    ctx: Allowed<can::Targets>,
    Path(id): Path<i64>,
) -> ApiResult<StatusCode> {
    saved::delete(&state.store, &state.auditor, &ctx.caller(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn export(
    State(state): State<Shared>,
    ctx: Allowed<can::Targets>,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    let (s, bytes) = saved::export(
        &state.store,
        &state.auditor,
        &state.rules,
        &ctx.caller(),
        id,
    )
    .await?;
    Ok(xlsx_download(
        &format!("scenario-{}-{}.xlsx", s.id, s.scheme),
        bytes,
    ))
}

/// The scenarios to compare: `ids=1,2,3`.
#[derive(Debug, Deserialize)]
pub struct CompareQuery {
    /// Comma-separated ids.
    pub ids: String,
}

/// Comma-separated ids as numbers.
pub(crate) fn parse_ids(ids: &str) -> ApiResult<Vec<i64>> {
    ids.split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| {
            s.trim()
                .parse()
                .map_err(|_| ApiError::BadRequest(format!("ids: '{s}' is not a scenario id")))
        })
        .collect()
}

pub(super) async fn compare(
    State(state): State<Shared>,
    ctx: Allowed<can::Targets>,
    Query(q): Query<CompareQuery>,
) -> ApiResult<Json<Comparison>> {
    let ids = parse_ids(&q.ids)?;
    Ok(Json(
        saved::compare(
            &state.store,
            &state.auditor,
            &state.rules,
            &ctx.caller(),
            &ids,
        )
        .await?,
    ))
}

/// A scheme's parameters.
#[derive(Debug, serde::Serialize)]
pub struct Parameters {
    /// The scheme.
    pub scheme: String,
    /// The rules' version.
    pub version: String,
    /// Every parameter a scenario may move.
    pub parameters: Vec<Parameter>,
    /// The conditions and direct routes a scenario may drop: key and label.
    pub droppable: Vec<(String, String)>,
}

pub(super) async fn parameters(
    State(state): State<Shared>,
    _ctx: Allowed<can::Targets>,
    Path(scheme): Path<String>,
) -> ApiResult<Json<Parameters>> {
    let r = state
        .rules
        .iter()
        .find(|r| r.spec.id == scheme)
        .ok_or_else(|| ApiError::NotFound(format!("no scheme '{scheme}'")))?;
    Ok(Json(Parameters {
        scheme: r.spec.id.clone(),
        version: r.spec.version.clone(),
        parameters: r.parameters(),
        droppable: r
            .droppable()
            .into_iter()
            .map(|(k, zh, _)| (k, zh))
            .collect(),
    }))
}
