//! The finance API (科技金融): banks on the platform, applications and answers, loans recorded by
//! banks (JSON or a file), the bureau's totals and the published totals.

use kechuang_app::finance::{self, Answer, Application, FinanceTotals, PublishedTotals};
use kechuang_store::{Loan, LoanApplication};

use crate::api::prelude::*;

pub(super) async fn banks(State(state): State<Shared>, ctx: SignedIn) -> ApiResult<Json<Value>> {
    ctx.caller()?;
    Ok(Json(
        json!({ "banks": finance::banks(&state.store).await? }),
    ))
}

pub(super) async fn apply(
    State(state): State<Shared>,
    ctx: SignedIn,
    body: Result<Json<Application>, JsonRejection>,
) -> ApiResult<Response> {
    let a = json_body(body)?;
    let made = finance::apply(&state.store, &state.auditor, &ctx.caller()?, &a).await?;
    Ok((StatusCode::CREATED, Json(made)).into_response())
}

pub(super) async fn applications(
    State(state): State<Shared>,
    ctx: SignedIn,
) -> ApiResult<Json<Value>> {
    let items: Vec<LoanApplication> = finance::applications(&state.store, &ctx.caller()?).await?;
    Ok(Json(json!({ "items": items })))
}

pub(super) async fn answer(
    State(state): State<Shared>,
    ctx: SignedIn,
    Path(id): Path<i64>,
    body: Result<Json<Answer>, JsonRejection>,
) -> ApiResult<Json<LoanApplication>> {
    let a = json_body(body)?;
    Ok(Json(
        finance::answer(
            &state.store,
            &state.auditor,
            &ctx.caller()?,
            id,
            &a,
            chrono::Local::now().date_naive(),
        )
        .await?,
    ))
}

pub(super) async fn loans(State(state): State<Shared>, ctx: SignedIn) -> ApiResult<Json<Value>> {
    let items: Vec<Loan> = finance::loans(&state.store, &ctx.caller()?).await?;
    Ok(Json(json!({ "items": items })))
}

/// Loans to record.
#[derive(Debug, Deserialize)]
pub struct LoansBody {
    /// The loans (the bank is the caller's).
    pub loans: Vec<Loan>,
}

pub(super) async fn record(
    State(state): State<Shared>,
    ctx: SignedIn,
    body: Result<Json<LoansBody>, JsonRejection>,
) -> ApiResult<Response> {
    let b = json_body(body)?;
    let n = finance::record_loans(&state.store, &state.auditor, &ctx.caller()?, &b.loans).await?;
    Ok((StatusCode::CREATED, Json(json!({ "recorded": n }))).into_response())
}

/// A loan file's name (its extension gives the format).
#[derive(Debug, Deserialize)]
pub struct FileParams {
    /// `loans.xlsx` or `loans.csv`.
    pub file_name: Option<String>,
}

pub(super) async fn import(
    State(state): State<Shared>,
    ctx: SignedIn,
    Query(q): Query<FileParams>,
    body: Bytes,
) -> ApiResult<Response> {
    let name = q.file_name.unwrap_or_else(|| "loans.xlsx".into());
    let n = finance::import_loans(
        &state.store,
        &state.auditor,
        &ctx.caller()?,
        &name,
        body.to_vec(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "recorded": n }))).into_response())
}

/// The year of the totals.
#[derive(Debug, Deserialize)]
pub struct YearParams {
    /// Loans granted in this year only (all when absent).
    pub year: Option<i32>,
}

pub(super) async fn totals(
    State(state): State<Shared>,
    ctx: Allowed<can::Targets>,
    Query(q): Query<YearParams>,
) -> ApiResult<Json<FinanceTotals>> {
    Ok(Json(
        finance::totals_held(&state, &ctx.caller(), q.year).await?,
    ))
}

pub(super) async fn published(
    State(state): State<Shared>,
    ctx: Allowed<can::ReadAggregates>,
) -> ApiResult<Json<PublishedTotals>> {
    Ok(Json(finance::published_held(&state, &ctx.caller()).await?))
}
