//! The what-if API: a scenario's rule file in, the comparison out.

use kechuang_app::whatif::{Scenario, WhatIfView, evaluate as run};

use crate::api::prelude::*;

/// A scenario to evaluate.
#[derive(Debug, Deserialize)]
pub struct ScenarioBody {
    /// The scheme (`tech_sme` …).
    pub scheme: String,
    /// The scenario's rule file (TOML): the scheme's rules with changed parameters.
    pub rules: String,
    /// The year (the latest stored by default).
    pub year: Option<i32>,
    /// An amount per qualifying enterprise (万元), for the budget.
    pub amount: Option<f64>,
}

pub(super) async fn evaluate(
    State(state): State<Shared>,
    ctx: Allowed<can::Targets>,
    body: Result<Json<ScenarioBody>, JsonRejection>,
) -> ApiResult<Json<WhatIfView>> {
    let b = json_body(body)?;
    let scenario = Scenario {
        scheme: &b.scheme,
        rules: &b.rules,
        year: b.year,
        amount: b.amount,
    };
    Ok(Json(
        run(
            &state.store,
            &state.auditor,
            &state.rules,
            &ctx.caller(),
            &scenario,
        )
        .await?,
    ))
}
