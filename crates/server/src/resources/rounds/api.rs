//! Survey rounds' API: HTTP in and out of [`kechuang_app::rounds`].

use std::collections::BTreeMap;

use kechuang_app::rounds::{self, Decision, OpenRound, RoundScope};

use crate::api::prelude::*;

/// A round to open.
#[derive(Debug, Deserialize)]
pub struct OpenBody {
    /// The survey year asked for.
    pub year: i32,
    /// The deadline, `YYYY-MM-DD`.
    pub deadline: String,
    /// `register` (default), `list` or `everyone`.
    #[serde(default)]
    pub scope: Option<String>,
    /// With `list`: the credit codes.
    #[serde(default)]
    pub codes: Vec<String>,
    /// The fields asked (keys); empty: every field.
    #[serde(default)]
    pub fields: Vec<String>,
}

impl OpenBody {
    /// The use case's request, or the refusal of an unknown scope.
    pub fn request(&self) -> ApiResult<OpenRound> {
        let scope = match self.scope.as_deref().unwrap_or("register") {
            "register" => RoundScope::Register,
            "everyone" => RoundScope::Everyone,
            "list" => RoundScope::List(self.codes.clone()),
            other => {
                return Err(ApiError::BadRequest(format!(
                    "scope '{other}': use register, list or everyone"
                )));
            }
        };
        Ok(OpenRound {
            year: self.year,
            deadline: self.deadline.trim().to_string(),
            scope,
            fields: self.fields.clone(),
        })
    }
}

/// A form saved or submitted.
#[derive(Debug, Deserialize)]
pub struct FormBody {
    /// The values by field key.
    pub values: BTreeMap<String, String>,
    /// Submit (true) or save a draft.
    #[serde(default)]
    pub submit: bool,
    /// Reasons for correcting a source's value, by field key.
    #[serde(default)]
    pub reasons: BTreeMap<String, String>,
}

impl FormBody {
    /// The form as the use cases take it.
    fn filed(&self) -> rounds::Filed<'_> {
        rounds::Filed {
            values: &self.values,
            reasons: &self.reasons,
            submit: self.submit,
        }
    }
}

/// A reviewer's decision.
#[derive(Debug, Deserialize)]
pub struct ReviewBody {
    /// `approve` or `return`.
    pub decision: String,
    /// With `return`: the fields to correct.
    #[serde(default)]
    pub fields: Vec<String>,
    /// With `return`: why.
    #[serde(default)]
    pub comment: String,
}

impl ReviewBody {
    /// The use case's decision, or the refusal of an unknown one.
    pub fn decision(&self) -> ApiResult<Decision> {
        match self.decision.as_str() {
            "approve" => Ok(Decision::Approve),
            "return" => Ok(Decision::Return {
                fields: self.fields.clone(),
                comment: self.comment.clone(),
            }),
            other => Err(ApiError::BadRequest(format!(
                "decision '{other}': use approve or return"
            ))),
        }
    }
}

/// The date a round's lateness is counted against: today, in the server's time zone.
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

pub(super) async fn list(State(state): State<Shared>, ctx: SignedIn) -> ApiResult<Json<Value>> {
    let rounds = rounds::list(&state.store, &ctx.caller()?).await?;
    Ok(Json(json!({ "rounds": rounds })))
}

pub(super) async fn open(
    State(state): State<Shared>,
    ctx: Allowed<can::ManageRounds>,
    body: Result<Json<OpenBody>, JsonRejection>,
) -> ApiResult<Response> {
    let req = json_body(body)?.request()?;
    let id = rounds::open(&state.store, &state.auditor, &ctx.caller(), &req).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))).into_response())
}

pub(super) async fn close(
    State(state): State<Shared>,
    ctx: Allowed<can::ManageRounds>,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    rounds::set_open(&state.store, &state.auditor, &ctx.caller(), id, false).await?;
    // Closing a round builds the index from what it gathered (the build records the round).
    let rebuild = match crate::api::spawn_rebuild(&state, &ctx.caller(), Some(id)).await {
        Ok(()) => "started",
        Err(ApiError::Conflict(_)) => "already running",
        Err(e) => return Err(e),
    };
    Ok(Json(json!({"status": "closed", "rebuild": rebuild})))
}

pub(super) async fn reopen(
    State(state): State<Shared>,
    ctx: Allowed<can::ManageRounds>,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    rounds::set_open(&state.store, &state.auditor, &ctx.caller(), id, true).await?;
    Ok(Json(json!({"status": "open"})))
}

pub(super) async fn status(
    State(state): State<Shared>,
    ctx: SignedIn,
    Path(id): Path<i64>,
) -> ApiResult<Json<rounds::Tracking>> {
    Ok(Json(
        rounds::tracking(&state.store, &state.auditor, &ctx.caller()?, id, today()).await?,
    ))
}

pub(super) async fn form(
    State(state): State<Shared>,
    ctx: SignedIn,
    Path((id, code)): Path<(i64, String)>,
) -> ApiResult<Json<rounds::Form>> {
    let code = code.trim().to_ascii_uppercase();
    Ok(Json(
        rounds::form(&state.store, &state.auditor, &ctx.caller()?, id, &code).await?,
    ))
}

pub(super) async fn save(
    State(state): State<Shared>,
    ctx: Allowed<can::FileSurvey>,
    Path((id, code)): Path<(i64, String)>,
    body: Result<Json<FormBody>, JsonRejection>,
) -> ApiResult<Response> {
    let code = code.trim().to_ascii_uppercase();
    let body = json_body(body)?;
    let saved = rounds::save(
        &state.store,
        &state.auditor,
        &ctx.caller(),
        id,
        &code,
        &body.filed(),
    )
    .await?;
    let refused = body.submit && saved.status != rounds::FormStatus::Submitted;
    let status = if refused {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Json(saved)).into_response())
}

pub(super) async fn review(
    State(state): State<Shared>,
    ctx: Allowed<can::ReviewFilings>,
    Path((id, code)): Path<(i64, String)>,
    body: Result<Json<ReviewBody>, JsonRejection>,
) -> ApiResult<Json<Value>> {
    let code = code.trim().to_ascii_uppercase();
    let decision = json_body(body)?.decision()?;
    rounds::review(
        &state.store,
        &state.auditor,
        &ctx.caller(),
        id,
        &code,
        &decision,
    )
    .await?;
    Ok(Json(json!({"status": match decision {
        Decision::Approve => "approved",
        Decision::Return { .. } => "returned",
    }})))
}

pub(super) async fn remind(
    State(state): State<Shared>,
    ctx: SignedIn,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let told = rounds::remind(&state.store, &state.auditor, &ctx.caller()?, id, today()).await?;
    Ok(Json(json!({ "told": told })))
}

/// The reminder list as a workbook download (the late enterprises within the caller's areas).
pub async fn reminder_workbook(state: &Shared, ctx: &Ctx, id: i64) -> ApiResult<Response> {
    let t = rounds::tracking(&state.store, &state.auditor, &ctx.caller()?, id, today()).await?;
    let table = rounds::reminder_table(&state.store, &t).await?;
    let name = format!("round-{id}-late.xlsx");
    let bytes = kechuang_tabular::xlsx_bytes(&[table], std::path::Path::new(&name))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(xlsx_download(&name, bytes))
}

pub(super) async fn reminders_xlsx(
    State(state): State<Shared>,
    ctx: SignedIn,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
    reminder_workbook(&state, &ctx, id).await
}

pub(super) async fn contradictions(
    State(state): State<Shared>,
    ctx: Allowed<can::ManageRounds>,
    Path(id): Path<i64>,
) -> ApiResult<Json<Value>> {
    let list = rounds::contradictions(&state.store, &ctx.caller(), id).await?;
    Ok(Json(json!({ "items": list })))
}

/// `?year=&file_name=` of a source extract.
#[derive(Debug, Deserialize)]
pub struct SourceParams {
    /// The year the values are for.
    pub year: i32,
    /// The file's name: `.xlsx` reads the first sheet; anything else is CSV.
    pub file_name: Option<String>,
}

pub(super) async fn import_source(
    State(state): State<Shared>,
    ctx: Allowed<can::ManageRounds>,
    Path(source): Path<String>,
    Query(q): Query<SourceParams>,
    body: Bytes,
) -> ApiResult<Response> {
    let source = kechuang_app::sources::Source::parse(&source).ok_or_else(|| {
        ApiError::NotFound(format!(
            "no source '{source}': use registry, tax, patents or certificates"
        ))
    })?;
    let name = q
        .file_name
        .clone()
        .unwrap_or_else(|| format!("{}.csv", source.key()));
    let report = kechuang_app::sources::import(
        &state.store,
        &state.auditor,
        &ctx.caller(),
        source,
        q.year,
        &name,
        body.to_vec(),
    )
    .await?;
    let status = if report.issues.is_empty() {
        StatusCode::CREATED
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Json(report)).into_response())
}

pub(super) async fn check(
    State(state): State<Shared>,
    ctx: Allowed<can::FileSurvey>,
    Path((id, code)): Path<(i64, String)>,
    body: Result<Json<FormBody>, JsonRejection>,
) -> ApiResult<Json<Value>> {
    let code = code.trim().to_ascii_uppercase();
    let body = json_body(body)?;
    let issues = rounds::check_form(
        &state.store,
        &ctx.caller(),
        id,
        &code,
        &rounds::Filed {
            submit: false,
            ..body.filed()
        },
    )
    .await?;
    Ok(Json(json!({ "issues": issues })))
}
