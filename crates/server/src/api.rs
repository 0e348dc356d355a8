//! The REST API under `/api/v1` (documented in `openapi.json`), and the operations the pages share
//! with it: login, enterprise access, lists, uploads, rebuilds.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, extract::rejection::JsonRejection};
use kechuang_domain::Severity;
use kechuang_portrait::Portrait;
use kechuang_store::{BatchMeta, RankingQuery, RankingRow};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::access::{Capability, EnterpriseFacts, ListScope, Principal, Role, TokenScope};
use crate::auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Allowed, Anyone, SignedIn, can};
use crate::views::{self, TargetList, ViewError};
use crate::{Ctx, Shared};

/// The routes that take files (survey uploads): their body limit is the configured upload size.
pub fn upload_routes() -> Router<Shared> {
    Router::new().route("/api/v1/imports", get(imports).post(upload))
}

/// The API's routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/healthz", get(health))
        .route("/readyz", get(ready))
        .route("/api/v1/openapi.json", get(crate::openapi::document))
        .route("/api/docs", get(crate::openapi::page))
        .route("/api/v1/session", post(login).delete(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/enterprises", get(list_enterprises))
        .route("/api/v1/enterprises/export", get(export_enterprises))
        .route("/api/v1/enterprises/{code}", get(enterprise_record))
        .route("/api/v1/enterprises/{code}/portrait", get(portrait))
        .route("/api/v1/schemes", get(schemes))
        .route("/api/v1/schemes/{id}/targets", get(targets))
        .route("/api/v1/schemes/{id}/targets/export", get(export_targets))
        .route("/api/v1/regions", get(regions))
        .route("/api/v1/builds", get(builds).post(rebuild))
        .route("/api/v1/consents", get(consents).post(grant).delete(revoke))
        .route("/api/v1/tokens", get(tokens).post(create_token))
        .route("/api/v1/tokens/{id}", delete(revoke_token))
        .route("/api/v1/admin/users", get(users).post(create_user))
        .route("/api/v1/admin/users/{name}", post(update_user))
        .route("/api/v1/admin/audit", get(audit_log))
}

fn view_error(e: ViewError) -> ApiError {
    match e {
        ViewError::Missing(m) => ApiError::NotFound(m),
        ViewError::Store(e) => e.into(),
        ViewError::Stored(e) => {
            tracing::error!(error = %e, "a stored index result does not decode");
            ApiError::Internal(e.to_string())
        }
    }
}

fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> ApiResult<T> {
    body.map(|Json(v)| v).map_err(ApiError::from)
}

async fn health() -> Json<Value> {
    Json(json!({"status": "ok", "version": env!("CARGO_PKG_VERSION")}))
}

async fn ready(State(state): State<Shared>) -> Response {
    match state.store.ping().await {
        Ok(()) => Json(json!({"status": "ready", "database": state.store.kind()})).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "readiness: database");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "unavailable"})),
            )
                .into_response()
        }
    }
}

// --- sessions -------------------------------------------------------------------------------------

/// A login request.
#[derive(Debug, Deserialize)]
pub struct Login {
    /// Login name.
    pub name: String,
    /// Password.
    pub password: String,
}

/// A new session: the secret for the cookie and the CSRF token for the pages.
pub struct NewSession {
    /// The account.
    pub user: kechuang_store::User,
    /// The cookie's value.
    pub secret: String,
    /// The CSRF token.
    pub csrf: String,
}

fn stamp(t: chrono::DateTime<chrono::Utc>, millis: bool) -> String {
    t.to_rfc3339_opts(
        if millis {
            chrono::SecondsFormat::Millis
        } else {
            chrono::SecondsFormat::Secs
        },
        true,
    )
}

/// Checks a password and opens a session. Failed logins are throttled per account *and* client
/// address, across instances: after `max_failed_logins` failures from one address within a day,
/// that address waits `lockout_minutes` after its last failure, doubling with every further
/// failure (at most a day). Another address — the account's owner — is not locked out by them.
pub async fn open_session(state: &Shared, login: &Login, remote: &str) -> ApiResult<NewSession> {
    let now = chrono::Utc::now();
    let (failures, last) = state
        .store
        .failed_logins_from(
            &login.name,
            remote,
            &stamp(now - chrono::Duration::hours(24), true),
        )
        .await?;
    if let Some(wait) = login_wait(
        failures,
        last.as_deref(),
        now,
        state.config.max_failed_logins,
        state.config.lockout_minutes,
    ) {
        state
            .store
            .append_audit(&[crate::audit::entry(
                "-",
                kechuang_store::AuditAction::LoginThrottled,
                &login.name,
                remote,
                "denied",
            )])
            .await?;
        return Err(ApiError::Throttled(wait));
    }
    let user = state.store.user_by_name(&login.name).await?;
    // A missing account costs a hash too, so timing does not tell which names exist.
    let ok = match &user {
        Some(u) => !u.disabled && auth::verify_password(&login.password, &u.password_hash),
        None => {
            let _ = auth::verify_password(&login.password, DUMMY_HASH);
            false
        }
    };
    let Some(user) = user.filter(|_| ok) else {
        state
            .store
            .append_audit(&[crate::audit::entry(
                "-",
                kechuang_store::AuditAction::LoginFailed,
                &login.name,
                remote,
                "denied",
            )])
            .await?;
        return Err(ApiError::Unauthenticated);
    };
    let secret = auth::secret()?;
    let csrf = auth::secret()?;
    let expires = stamp(
        chrono::Utc::now() + chrono::Duration::hours(state.config.session_hours),
        false,
    );
    state
        .store
        .create_session(&auth::digest(&secret), user.id, &csrf, &expires)
        .await?;
    state
        .auditor
        .record(
            &user.name,
            kechuang_store::AuditAction::Login,
            &user.name,
            remote,
            "ok",
        )
        .await;
    Ok(NewSession { user, secret, csrf })
}

/// Minutes still to wait before another login attempt, or `None` to go ahead: nothing below
/// `max` failures; from `max` on, `minutes × 2^(failures − max)` (capped at a day) counted from
/// the last failure.
fn login_wait(
    failures: i64,
    last: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
    max: i64,
    minutes: i64,
) -> Option<i64> {
    if failures < max {
        return None;
    }
    let doubling = u32::try_from((failures - max).min(10)).unwrap_or(10);
    let window = (minutes.max(1) * (1_i64 << doubling)).min(24 * 60);
    let last = last
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map_or(now, |t| t.with_timezone(&chrono::Utc));
    let remaining = window - (now - last).num_minutes();
    (remaining > 0).then_some(remaining)
}

/// An argon2id hash of a random password, checked when the account does not exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Xk0m1Hq2O0Ld7l9QfWIXxP1ZQhRS8o2bJ2Kx4v6b9Zg";

/// The `Set-Cookie` value for a session (empty secret and `Max-Age=0` to end it).
pub fn session_cookie(state: &Shared, secret: &str) -> String {
    let max_age = if secret.is_empty() {
        0
    } else {
        state.config.session_hours * 3600
    };
    format!(
        "{}={secret}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        auth::SESSION_COOKIE,
        if state.config.cookies_secure() {
            "; Secure"
        } else {
            ""
        }
    )
}

fn user_json(user_name: &str, display: &str, role: &str, scope: &str) -> Value {
    json!({"name": user_name, "display_name": display, "role": role, "scope": scope})
}

async fn login(
    State(state): State<Shared>,
    ctx: Anyone,
    body: Result<Json<Login>, JsonRejection>,
) -> ApiResult<Response> {
    let login = json_body(body)?;
    let s = open_session(&state, &login, &ctx.remote).await?;
    let mut response = Json(json!({
        "user": user_json(&s.user.name, &s.user.display_name, &s.user.role, &s.user.scope),
        "csrf_token": s.csrf,
    }))
    .into_response();
    set_cookie(&mut response, &session_cookie(&state, &s.secret))?;
    Ok(response)
}

/// Adds a `Set-Cookie` header.
pub fn set_cookie(response: &mut Response, value: &str) -> ApiResult<()> {
    let v = HeaderValue::from_str(value).map_err(|e| ApiError::Internal(e.to_string()))?;
    response.headers_mut().append(header::SET_COOKIE, v);
    Ok(())
}

/// Ends the request's session, if it came with one.
pub async fn close_session(state: &Shared, ctx: &Ctx, headers: &HeaderMap) -> ApiResult<()> {
    if let Some(secret) = auth::cookie(headers, auth::SESSION_COOKIE) {
        state.store.end_session(&auth::digest(secret)).await?;
        if let Some(p) = &ctx.principal {
            state
                .auditor
                .record(
                    &p.name,
                    kechuang_store::AuditAction::Logout,
                    &p.name,
                    &ctx.remote,
                    "ok",
                )
                .await;
        }
    }
    Ok(())
}

async fn logout(
    State(state): State<Shared>,
    ctx: SignedIn,
    headers: HeaderMap,
) -> ApiResult<Response> {
    ctx.user()?;
    close_session(&state, &ctx, &headers).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    set_cookie(&mut response, &session_cookie(&state, ""))?;
    Ok(response)
}

async fn me(ctx: SignedIn) -> ApiResult<Json<Value>> {
    let p = ctx.user()?;
    let csrf = match &p.credential {
        crate::access::Credential::Session { csrf } => Some(csrf.clone()),
        crate::access::Credential::Token { .. } => None,
    };
    Ok(Json(json!({
        "user": user_json(&p.name, &p.display_name, p.role.as_str(), &p.scope.join(",")),
        "csrf_token": csrf,
    })))
}

// --- enterprises ----------------------------------------------------------------------------------

/// Decides whether the request may read this enterprise, auditing the attempt; 403 if not. Only
/// the facts the principal's scope turns on are looked up (a district officer's needs the
/// enterprise's district and park, a bank's its consent); whether the enterprise exists is then
/// left to the read itself, so nobody learns it from a refusal.
pub async fn guard_enterprise<'c>(
    state: &Shared,
    ctx: &'c Ctx,
    code: &str,
    action: kechuang_store::AuditAction,
) -> ApiResult<&'c Principal> {
    let p = ctx.user()?;
    let allowed = may_read_code(state, p, code).await?;
    audited_decision(state, ctx, p, action, code, allowed).await?;
    Ok(p)
}

/// Audits a decision on reading one enterprise, and refuses it when it was not allowed.
async fn audited_decision(
    state: &Shared,
    ctx: &Ctx,
    p: &Principal,
    action: kechuang_store::AuditAction,
    code: &str,
    allowed: bool,
) -> ApiResult<()> {
    state
        .auditor
        .record(
            &p.name,
            action,
            code,
            &ctx.remote,
            if allowed { "ok" } else { "denied" },
        )
        .await;
    if allowed { Ok(()) } else { Err(refused()) }
}

/// The refusal of a read outside the reader's scope. The code is not echoed: a refusal names no
/// enterprise.
fn refused() -> ApiError {
    ApiError::Forbidden("this enterprise is outside what your account may read".into())
}

/// Whether the principal may read this enterprise directly (see [`readable_among`]).
pub async fn may_read_code(state: &Shared, p: &Principal, code: &str) -> ApiResult<bool> {
    Ok(!readable_among(state, p, &[code]).await?.is_empty())
}

/// Which of these enterprises the principal may read directly: [`Principal::may_read`] over the
/// facts its scope turns on, looked up in one query for all of them. The one rule for the
/// enterprise asked for and for any other enterprise a response would mention.
pub async fn readable_among(
    state: &Shared,
    p: &Principal,
    codes: &[&str],
) -> ApiResult<HashSet<String>> {
    let areas = match p.list_scope() {
        ListScope::Areas(..) => state.store.enterprise_areas(codes).await?,
        _ => HashMap::new(),
    };
    let consented = match p.bank() {
        Some(bank) => state.store.consented_among(codes, bank).await?,
        None => HashSet::new(),
    };
    Ok(codes
        .iter()
        .filter(|code| {
            p.may_read(&EnterpriseFacts {
                credit_code: code,
                area: areas
                    .get(**code)
                    .map(|(r, park)| (r.as_str(), park.as_deref())),
                bank_consent: consented.contains(**code),
            })
        })
        .map(|c| c.to_string())
        .collect())
}

/// Filters, order and page of an enterprise list (API and pages).
#[derive(Debug, Default, Deserialize, Clone)]
pub struct ListParams {
    /// Year (latest of the build by default).
    pub year: Option<i32>,
    /// District: region code or name.
    pub district: Option<String>,
    /// Industry code prefix.
    pub industry: Option<String>,
    /// High-tech field code.
    pub field: Option<String>,
    /// Incubation stage.
    pub stage: Option<String>,
    /// Text in the name or code.
    pub q: Option<String>,
    /// `rank`, `score`, `name`, `credit_code`.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub order: Option<String>,
    /// 1-based page.
    pub page: Option<i64>,
    /// Rows per page (at most 500).
    pub per_page: Option<i64>,
}

/// A page of the ranking.
#[derive(Debug, Serialize)]
pub struct ListPage {
    /// The build.
    pub build_id: i64,
    /// The year.
    pub year: i32,
    /// Rows matching.
    pub total: i64,
    /// Page.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
    /// Rows.
    pub items: Vec<RankingRow>,
}

/// The highest page number any list accepts: far beyond any real list, and small enough that
/// `(page - 1) × per_page` cannot overflow.
pub const MAX_PAGE: i64 = 1_000_000;

/// A requested page number, 1 by default; 400 outside 1..=[`MAX_PAGE`] (rather than silently
/// answering another page).
pub fn page_number(page: Option<i64>) -> ApiResult<i64> {
    match page {
        None => Ok(1),
        Some(p) if (1..=MAX_PAGE).contains(&p) => Ok(p),
        Some(p) => Err(ApiError::BadRequest(format!(
            "page {p}: give a page from 1 to {MAX_PAGE}"
        ))),
    }
}

fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// A district given by name or code, as its code.
fn district_code(given: &Option<String>) -> ApiResult<Option<String>> {
    nonempty(given)
        .map(|d| {
            kechuang_domain::RegionCode::parse_name_or_code(&d)
                .map(|c| c.as_str().to_string())
                .map_err(|e| ApiError::BadRequest(format!("district: {e}")))
        })
        .transpose()
}

/// The principal's list scope as store filters.
async fn scope_filters(state: &Shared, p: &Principal, q: &mut RankingQuery) -> ApiResult<()> {
    match p.list_scope() {
        ListScope::All => {}
        ListScope::Areas(regions, parks) => q.areas = Some((regions, parks)),
        ListScope::Own(code) => q.credit_codes = Some(vec![code]),
        ListScope::Consented(bank) => {
            let live: Vec<String> = state
                .store
                .consents(None, Some(&bank))
                .await?
                .into_iter()
                .filter(|c| c.revoked_at.is_none())
                .map(|c| c.credit_code)
                .collect();
            q.credit_codes = Some(live);
        }
        ListScope::Nothing => q.credit_codes = Some(Vec::new()),
    }
    Ok(())
}

/// The latest build and the year to show (the build's latest unless asked).
pub async fn build_and_year(
    state: &Shared,
    year: Option<i32>,
) -> ApiResult<(kechuang_store::BuildInfo, i32)> {
    let build = state
        .store
        .builds()
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| ApiError::NotFound("no index build is stored yet".into()))?;
    let years = &build.years;
    let year = match year {
        Some(y) if years.contains(&y) => y,
        Some(y) => {
            return Err(ApiError::NotFound(format!(
                "build {} covers {}, not {y}",
                build.id,
                crate::views::year_list(years)
            )));
        }
        None => *years
            .iter()
            .max()
            .ok_or_else(|| ApiError::NotFound("the build has no years".into()))?,
    };
    Ok((build, year))
}

/// A page of the ranking as the principal may see it (at most 500 rows).
pub async fn ranking(state: &Shared, ctx: &Ctx, params: &ListParams) -> ApiResult<ListPage> {
    ranking_up_to(state, ctx, params, 500).await
}

/// A page of at most `max_rows` rows (exports read the whole list as one page).
async fn ranking_up_to(
    state: &Shared,
    ctx: &Ctx,
    params: &ListParams,
    max_rows: i64,
) -> ApiResult<ListPage> {
    let p = ctx.require(Capability::ListEnterprises)?;
    let (build, year) = build_and_year(state, params.year).await?;
    let per_page = params.per_page.unwrap_or(50).clamp(1, max_rows);
    let page = page_number(params.page)?;
    let district = district_code(&params.district)?;
    let mut q = RankingQuery {
        build_id: build.id,
        year,
        region_code: district,
        industry: nonempty(&params.industry).map(|s| s.to_ascii_uppercase()),
        tech_field: nonempty(&params.field),
        stage: nonempty(&params.stage),
        text: nonempty(&params.q),
        sort: params.sort.clone().unwrap_or_else(|| "rank".into()),
        descending: params.order.as_deref() == Some("desc"),
        limit: per_page,
        offset: (page - 1) * per_page,
        ..Default::default()
    };
    scope_filters(state, p, &mut q).await?;
    let (total, items) = state.store.ranking(&q).await?;
    state
        .auditor
        .record(
            &p.name,
            kechuang_store::AuditAction::EnterprisesList,
            &format!("build {} year {year} page {page}", build.id),
            &ctx.remote,
            "ok",
        )
        .await;
    Ok(ListPage {
        build_id: build.id,
        year,
        total,
        page,
        per_page,
        items,
    })
}

async fn list_enterprises(
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
    let list = ranking_up_to(state, ctx, &params, EXPORT_ROWS).await?;
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

/// The most rows an export holds (a region of a million enterprise-years).
const EXPORT_ROWS: i64 = 1_000_000;

/// A CSV download (UTF-8 with BOM, so Excel reads the Chinese).
fn csv_download(
    file_name: &str,
    header: &str,
    rows: impl Iterator<Item = Vec<String>>,
) -> Response {
    let mut out = format!("\u{feff}{header}\n");
    for cells in rows {
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        out,
    )
        .into_response()
}

/// Quotes a CSV cell when needed, and defuses spreadsheet formulas.
fn csv_cell(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) && s.parse::<f64>().is_err() {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

async fn export_enterprises(
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

async fn enterprise_record(
    State(state): State<Shared>,
    ctx: SignedIn,
    Path(code): Path<String>,
    Query(params): Query<YearParam>,
) -> ApiResult<Json<Value>> {
    let code = code.trim().to_ascii_uppercase();
    let p = guard_enterprise(&state, &ctx, &code, kechuang_store::AuditAction::RecordRead).await?;
    if !p.may_read_survey_record() {
        return Err(ApiError::Forbidden(
            "the survey record as filed is not covered by a bank's consent: read the portrait"
                .into(),
        ));
    }
    let years = state.store.years().await?;
    let mut found = Vec::new();
    for y in years.iter().rev() {
        if params.year.is_some_and(|want| want != *y) {
            continue;
        }
        if let Some(r) = state.store.record(&code, *y).await? {
            found.push(r);
        }
    }
    if found.is_empty() {
        return Err(ApiError::NotFound(format!("no survey record for {code}")));
    }
    Ok(Json(json!({"credit_code": code, "records": found})))
}

/// The portrait, if the principal may read it (audited).
///
/// The portrait is assembled (or taken from the memo) before the access decision so that the
/// enterprise and every similar enterprise it names are decided in one look-up; nothing of it
/// leaves unless the reader may read the enterprise, and a refusal comes before "not found", as
/// it does for every enterprise read.
pub async fn portrait_of(
    state: &Shared,
    ctx: &Ctx,
    code: &str,
    year: Option<i32>,
) -> ApiResult<Portrait> {
    let p = ctx.user()?;
    let assembled = assembled_portrait(state, code, year).await;
    let mut asked = vec![code];
    if let Ok(a) = &assembled {
        asked.extend(a.similar.iter().map(|s| s.credit_code.as_str()));
    }
    let readable = readable_among(state, p, &asked).await?;
    audited_decision(
        state,
        ctx,
        p,
        kechuang_store::AuditAction::PortraitRead,
        code,
        readable.contains(code),
    )
    .await?;
    let assembled = assembled?;
    let mut portrait = Portrait::clone(&assembled);
    // Similar enterprises are named only where the reader may read them directly (and each one
    // named is a read, audited); the rest are summarised without identities.
    portrait.withhold_peers(|c| readable.contains(c));
    for s in &portrait.similar {
        state
            .auditor
            .record(
                &p.name,
                kechuang_store::AuditAction::PortraitSimilar,
                &s.credit_code,
                &ctx.remote,
                "ok",
            )
            .await;
    }
    Ok(portrait)
}

/// The portrait as assembled from the store, before any reader's peers are withheld: from the
/// memo when the same build and import produced it already.
async fn assembled_portrait(
    state: &Shared,
    code: &str,
    year: Option<i32>,
) -> ApiResult<Arc<Portrait>> {
    let version = state.data_version().await?;
    let key = (
        version.build.as_ref().map(|b| b.id),
        version.batch,
        code.to_string(),
        year,
    );
    if let Some(p) = state.portraits.get(&key) {
        return Ok(p);
    }
    let p = Arc::new(
        views::gather_from(
            &state.store,
            version.build.as_ref(),
            code,
            year,
            &state.rules,
        )
        .await
        .map_err(view_error)?,
    );
    state.portraits.insert(key, p.clone());
    Ok(p)
}

async fn portrait(
    State(state): State<Shared>,
    ctx: SignedIn,
    Path(code): Path<String>,
    Query(params): Query<YearParam>,
) -> ApiResult<Json<Portrait>> {
    let code = code.trim().to_ascii_uppercase();
    Ok(Json(portrait_of(&state, &ctx, &code, params.year).await?))
}

// --- schemes and targets --------------------------------------------------------------------------

async fn schemes(State(state): State<Shared>, ctx: SignedIn) -> ApiResult<Json<Value>> {
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

/// Target list filters.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct TargetParams {
    /// Year (latest stored by default).
    pub year: Option<i32>,
    /// `qualifies`, `needs_expert` or `near_miss` only.
    pub outcome: Option<String>,
    /// District: region code or name.
    pub district: Option<String>,
    /// Industry code prefix.
    pub industry: Option<String>,
    /// 1-based page.
    pub page: Option<i64>,
    /// Rows per page (at most 500).
    pub per_page: Option<i64>,
}

/// A page of a target list.
#[derive(Debug, Serialize)]
pub struct TargetPage {
    /// Scheme id.
    pub scheme: String,
    /// Scheme name.
    pub name: String,
    /// Rule version.
    pub version: String,
    /// Year.
    pub year: i32,
    /// Qualifying enterprises in scope.
    pub qualifies: usize,
    /// Candidates in scope whose decision awaits expert-judged items (待专家评审).
    pub needs_expert: usize,
    /// Near misses in scope.
    pub near_miss: usize,
    /// Rows matching.
    pub total: usize,
    /// Page.
    pub page: i64,
    /// Rows.
    pub items: Vec<views::TargetRow>,
}

/// A scheme's target list as the principal may see it (computed once per scheme, year and import).
pub async fn target_page(
    state: &Shared,
    ctx: &Ctx,
    scheme: &str,
    params: &TargetParams,
) -> ApiResult<TargetPage> {
    let p = ctx.require(Capability::Targets)?;
    let rules = state
        .rules
        .iter()
        .find(|r| r.spec.id == scheme)
        .ok_or_else(|| ApiError::NotFound(format!("no scheme '{scheme}'")))?
        .clone();
    let batch = state.store.latest_batch().await?;
    let key = format!("targets/{scheme}/{:?}/{batch}", params.year);
    let store = state.store.clone();
    let year = params.year;
    let list: Arc<TargetList> = state
        .cached(key, || async move {
            let (year, records) = views::panel(&store, year).await.map_err(view_error)?;
            tokio::task::spawn_blocking(move || views::target_list(&rules, year, &records))
                .await
                .map_err(|e| ApiError::Internal(e.to_string()))
        })
        .await?;
    let district = district_code(&params.district)?;
    let industry = nonempty(&params.industry).map(|s| s.to_ascii_uppercase());
    let scope = p.list_scope();
    let in_scope = |r: &views::TargetRow| match &scope {
        ListScope::All => true,
        ListScope::Areas(regions, parks) => {
            regions.contains(&r.region_code) || r.park.as_ref().is_some_and(|x| parks.contains(x))
        }
        _ => false,
    };
    let rows: Vec<&views::TargetRow> = list
        .rows
        .iter()
        .filter(|r| in_scope(r))
        .filter(|r| district.as_ref().is_none_or(|d| &r.region_code == d))
        .filter(|r| {
            industry
                .as_ref()
                .is_none_or(|i| r.industry_code.starts_with(i.as_str()))
        })
        .collect();
    let qualifies = rows.iter().filter(|r| r.outcome == "qualifies").count();
    let needs_expert = rows.iter().filter(|r| r.outcome == "needs_expert").count();
    let near_miss = rows.len() - qualifies - needs_expert;
    let wanted: Vec<&views::TargetRow> = rows
        .into_iter()
        .filter(|r| {
            params
                .outcome
                .as_deref()
                .is_none_or(|o| o.is_empty() || r.outcome == o)
        })
        .collect();
    // Exports ask for everything at once; pages for at most 500.
    let per_page = params.per_page.unwrap_or(50).clamp(1, i64::MAX / 2);
    let page = page_number(params.page)?;
    let items = wanted
        .iter()
        .skip(usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX))
        .take(per_page as usize)
        .map(|r| (*r).clone())
        .collect();
    state
        .auditor
        .record(
            &p.name,
            kechuang_store::AuditAction::TargetsList,
            &format!("{scheme} {} page {page}", list.year),
            &ctx.remote,
            "ok",
        )
        .await;
    Ok(TargetPage {
        scheme: list.scheme.clone(),
        name: list.name.clone(),
        version: list.version.clone(),
        year: list.year,
        qualifies,
        needs_expert,
        near_miss,
        total: wanted.len(),
        page,
        items,
    })
}

async fn targets(
    State(state): State<Shared>,
    ctx: Allowed<can::Targets>,
    Path(id): Path<String>,
    Query(mut params): Query<TargetParams>,
) -> ApiResult<Json<TargetPage>> {
    params.per_page = Some(params.per_page.unwrap_or(50).clamp(1, 500));
    Ok(Json(target_page(&state, &ctx, &id, &params).await?))
}

async fn export_targets(
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

// --- regional tables ------------------------------------------------------------------------------

/// Published regional tables (disclosure control applied).
#[derive(Debug, Serialize)]
pub struct RegionTables {
    /// Year.
    pub year: i32,
    /// By district.
    pub by_district: kechuang_region::tables::OneWay,
    /// By industry section.
    pub by_industry: kechuang_region::tables::OneWay,
    /// By high-tech field.
    pub by_field: kechuang_region::tables::OneWay,
}

/// The regional tables of a year (cached per build, year and import).
pub async fn region_tables(
    state: &Shared,
    ctx: &Ctx,
    year: Option<i32>,
) -> ApiResult<Arc<RegionTables>> {
    ctx.require(Capability::ReadAggregates)?;
    let years = state.store.years().await?;
    let year = year
        .or(years.last().copied())
        .ok_or_else(|| ApiError::NotFound("no survey data".into()))?;
    if !years.contains(&year) {
        return Err(ApiError::NotFound(format!("no survey data for {year}")));
    }
    let build = state
        .store
        .builds()
        .await?
        .into_iter()
        .find(|b| b.years.contains(&year));
    let batch = state.store.latest_batch().await?;
    let key = format!("regions/{year}/{batch}/{:?}", build.as_ref().map(|b| b.id));
    let store = state.store.clone();
    state
        .cached(key, || async move {
            let records = store.load_year(year).await?;
            let scores: HashMap<String, f64> = match &build {
                Some(b) => store
                    .scores(b.id, year)
                    .await?
                    .into_iter()
                    .filter_map(|(c, s)| s.map(|s| (c, s)))
                    .collect(),
                None => HashMap::new(),
            };
            use kechuang_region::tables::{Dimension, Entry, one_way};
            let entries: Vec<Entry<'_>> = records
                .iter()
                .map(|r| Entry {
                    record: r,
                    index: scores.get(r.credit_code.as_str()).copied(),
                })
                .collect();
            let rules = kechuang_region::disclosure::Rules::default();
            Ok(RegionTables {
                year,
                by_district: one_way(&entries, Dimension::District, &rules),
                by_industry: one_way(&entries, Dimension::Industry, &rules),
                by_field: one_way(&entries, Dimension::Field, &rules),
            })
        })
        .await
}

async fn regions(
    State(state): State<Shared>,
    ctx: Allowed<can::ReadAggregates>,
    Query(params): Query<YearParam>,
) -> ApiResult<Json<Value>> {
    let t = region_tables(&state, &ctx, params.year).await?;
    Ok(Json(published(&t)))
}

/// The tables as published: suppressed cells' magnitudes are removed, not just flagged.
pub fn published(t: &RegionTables) -> Value {
    let table = |w: &kechuang_region::tables::OneWay| {
        let rows: Vec<Value> = w
            .published()
            .map(|(label, f)| match f {
                None => json!({"label": label, "suppressed": true}),
                Some(f) => json!({"label": label, "figures": f}),
            })
            .collect();
        json!({"dimension": w.dimension, "rows": rows, "total": w.total})
    };
    json!({
        "year": t.year,
        "by_district": table(&t.by_district),
        "by_industry": table(&t.by_industry),
        "by_field": table(&t.by_field),
    })
}

// --- imports --------------------------------------------------------------------------------------

/// The most issues an upload report lists (their total is always given).
pub const REPORTED_ISSUES: usize = 10_000;

/// One issue of an uploaded file, located.
#[derive(Debug, Clone, Serialize)]
pub struct IssueView {
    /// 1-based row as the user sees it (the header is row 1).
    pub row: usize,
    /// The column header as written.
    pub column: String,
    /// The value as written.
    pub value: String,
    /// Rule id.
    pub rule: String,
    /// `error` or `warning`.
    pub severity: &'static str,
    /// What is wrong.
    pub message: String,
}

/// What an upload found and did.
#[derive(Debug, Serialize)]
pub struct UploadReport {
    /// File name as given.
    pub file_name: String,
    /// Data rows read.
    pub rows: usize,
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Issues found (errors and warnings), of which `issues` holds the first
    /// [`REPORTED_ISSUES`] in file order.
    pub issues_total: usize,
    /// The first issues, in file order (the whole list of a file with hundreds of thousands of
    /// mistakes helps nobody and would be a response many times the upload's size).
    pub issues: Vec<IssueView>,
    /// Whether the rows were imported (only when there are no errors and it was not a dry run).
    pub imported: bool,
    /// Rows inserted, updated, unchanged.
    pub summary: Option<Value>,
}

/// Validates an uploaded survey file and, unless `dry_run` or it has errors, imports it in one
/// transaction. An enterprise user may only file rows of its own enterprise.
pub async fn upload_survey(
    state: &Shared,
    ctx: &Ctx,
    file_name: &str,
    bytes: &[u8],
    dry_run: bool,
) -> ApiResult<UploadReport> {
    let p = ctx.require(Capability::FileSurvey)?;
    let extension = std::path::Path::new(file_name)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .filter(|e| e == "csv" || e == "xlsx")
        .ok_or_else(|| {
            ApiError::BadRequest(format!("{file_name}: upload a .csv or .xlsx survey file"))
        })?;
    if bytes.is_empty() {
        return Err(ApiError::BadRequest(format!("{file_name} is empty")));
    }
    let upload = crate::intake::TempUpload::write(&extension, bytes, &auth::secret()?)
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let result = async {
        let options = crate::intake::detected_options(state.config.max_upload_bytes);
        let v = crate::intake::validate(&state.store, std::slice::from_ref(&upload.path), &options, crate::intake::Parsing::Background)
            .await
            .map_err(|e| match e {
                crate::intake::IntakeError::File(e) => {
                    ApiError::BadRequest(upload.named(&e.to_string(), file_name))
                }
                crate::intake::IntakeError::Store(e) => e.into(),
                crate::intake::IntakeError::Parser(m) => ApiError::Internal(m),
            })?;
        if p.role == Role::Enterprise {
            let own = p.scope.first().cloned().unwrap_or_default();
            if let Some(other) = v
                .files
                .iter()
                .flat_map(|(_, f)| &f.records)
                .find(|r| r.credit_code.as_str() != own)
            {
                return Err(ApiError::Forbidden(format!(
                    "an enterprise account may only file its own survey; the file has {}",
                    other.credit_code
                )));
            }
        }
        let issues: Vec<IssueView> = v
            .issues
            .iter()
            .take(REPORTED_ISSUES)
            .map(|i| IssueView {
                row: i.row,
                column: i.column.clone(),
                value: i.value.clone(),
                rule: i.rule.clone(),
                severity: if i.severity == Severity::Error {
                    "error"
                } else {
                    "warning"
                },
                message: i.message.clone(),
            })
            .collect();
        let rows = v.files.iter().map(|(_, f)| f.rows).sum();
        let mut report = UploadReport {
            file_name: file_name.to_string(),
            rows,
            errors: v.errors(),
            warnings: v.warnings(),
            issues_total: v.issues.len(),
            issues,
            imported: false,
            summary: None,
        };
        if report.errors == 0 && !dry_run {
            let records: Vec<_> = v.files.into_iter().flat_map(|(_, f)| f.records).collect();
            let meta = BatchMeta {
                file_name: file_name.to_string(),
                sha256: crate::auth::digest_bytes(bytes),
                user_name: p.name.clone(),
                warnings: report.warnings,
            };
            let s = state.store.import(&meta, &records, &|_| true).await?;
            report.imported = true;
            report.summary = Some(json!({"batch_id": s.batch_id, "inserted": s.inserted, "updated": s.updated, "unchanged": s.unchanged}));
        }
        Ok(report)
    }
    .await;
    drop(upload);
    let outcome = match &result {
        Ok(r) if r.imported => "imported",
        Ok(r) if r.errors > 0 => "rejected",
        Ok(_) => "validated",
        Err(e) => e.code(),
    };
    state
        .auditor
        .record(
            &p.name,
            kechuang_store::AuditAction::SurveyUpload,
            file_name,
            &ctx.remote,
            outcome,
        )
        .await;
    result
}

/// `?file_name=&dry_run=`.
#[derive(Debug, Deserialize)]
pub struct UploadParams {
    /// The file's name (its extension decides CSV or XLSX).
    pub file_name: String,
    /// Validate only.
    #[serde(default)]
    pub dry_run: bool,
}

async fn upload(
    State(state): State<Shared>,
    ctx: Allowed<can::FileSurvey>,
    Query(params): Query<UploadParams>,
    body: Bytes,
) -> ApiResult<Response> {
    let report = upload_survey(&state, &ctx, &params.file_name, &body, params.dry_run).await?;
    let status = if report.errors > 0 {
        StatusCode::UNPROCESSABLE_ENTITY
    } else if report.imported {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(report)).into_response())
}

async fn imports(
    State(state): State<Shared>,
    ctx: Allowed<can::BuildIndex>,
) -> ApiResult<Json<Value>> {
    ctx.require(Capability::BuildIndex)?;
    let list: Vec<Value> = state
        .store
        .batches()
        .await?
        .into_iter()
        .map(|b| json!({"id": b.id, "file_name": b.file_name, "sha256": b.sha256, "rows": b.rows_total,
                        "inserted": b.rows_inserted, "updated": b.rows_updated, "unchanged": b.rows_unchanged,
                        "warnings": b.warnings, "imported_at": b.imported_at, "user": b.user_name}))
        .collect();
    Ok(Json(json!({"imports": list})))
}

// --- builds ---------------------------------------------------------------------------------------

async fn builds(
    State(state): State<Shared>,
    ctx: Allowed<can::ListEnterprises>,
) -> ApiResult<Json<Value>> {
    ctx.require(Capability::ListEnterprises)?;
    Ok(Json(json!({"builds": builds_json(&state).await?})))
}

/// The stored builds as JSON, newest first.
pub async fn builds_json(state: &Shared) -> ApiResult<Vec<Value>> {
    Ok(state
        .store
        .builds()
        .await?
        .into_iter()
        .map(|b| json!({"id": b.id, "framework": b.framework_id, "framework_version": b.framework_version,
                        "years": b.years, "units": b.units, "created_at": b.created_at, "user": b.user_name}))
        .collect())
}

/// Starts a rebuild of the index over every stored year with the latest build's framework (the
/// shipped enterprise framework when there is none). Runs in the background; one at a time.
pub async fn start_rebuild(state: &Shared, ctx: &Ctx) -> ApiResult<()> {
    let p = ctx.require(Capability::BuildIndex)?;
    let framework_id = state.store.builds().await?.first().map_or_else(
        || "kechuang-enterprise".to_string(),
        |b| b.framework_id.clone(),
    );
    let framework = kechuang_enterprise::shipped_framework_by_id(&framework_id)
        .cloned()
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "framework '{framework_id}' is not shipped with this version"
            ))
        })?;
    let Ok(lock) = state.build_lock.clone().try_lock_owned() else {
        return Err(ApiError::Conflict("a rebuild is already running".into()));
    };
    let state2 = state.clone();
    let user = p.name.clone();
    let remote = ctx.remote.clone();
    tokio::spawn(async move {
        let _lock = lock;
        let options = kechuang_engine::BuildOptions {
            keep_stages: false,
            rank_aggregates: true,
            progress: None,
        };
        let outcome = match kechuang_enterprise::stored::build_from_store(
            &state2.store,
            &framework,
            &[],
            &user,
            options,
        )
        .await
        {
            Ok(b) => format!("ok build {}", b.id),
            Err(e) => {
                tracing::error!(error = %e, "rebuild failed");
                format!("failed: {e}")
            }
        };
        state2
            .auditor
            .record(
                &user,
                kechuang_store::AuditAction::IndexBuild,
                &framework.id,
                &remote,
                &outcome,
            )
            .await;
    });
    Ok(())
}

async fn rebuild(
    State(state): State<Shared>,
    ctx: Allowed<can::BuildIndex>,
) -> ApiResult<Response> {
    start_rebuild(&state, &ctx).await?;
    Ok((StatusCode::ACCEPTED, Json(json!({"status": "started"}))).into_response())
}

// --- consents -------------------------------------------------------------------------------------

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
fn consent_target(p: &Principal, named: Option<&str>) -> ApiResult<String> {
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
    ctx: &Ctx,
    body: &ConsentBody,
    grant: bool,
) -> ApiResult<bool> {
    let p = ctx.require(Capability::ManageConsents)?;
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

fn consent_json(c: &kechuang_store::Consent) -> Value {
    json!({"id": c.id, "credit_code": c.credit_code, "bank": c.bank, "granted_by": c.granted_by,
           "granted_at": c.granted_at, "revoked_by": c.revoked_by, "revoked_at": c.revoked_at})
}

async fn consents(State(state): State<Shared>, ctx: SignedIn) -> ApiResult<Json<Value>> {
    let list: Vec<Value> = visible_consents(&state, &ctx)
        .await?
        .iter()
        .map(consent_json)
        .collect();
    Ok(Json(json!({"consents": list})))
}

async fn grant(
    State(state): State<Shared>,
    ctx: Allowed<can::ManageConsents>,
    body: Result<Json<ConsentBody>, JsonRejection>,
) -> ApiResult<Response> {
    let body = json_body(body)?;
    change_consent(&state, &ctx, &body, true).await?;
    Ok((StatusCode::CREATED, Json(json!({"status": "granted"}))).into_response())
}

async fn revoke(
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

// --- tokens ---------------------------------------------------------------------------------------

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

async fn tokens(State(state): State<Shared>, ctx: SignedIn) -> ApiResult<Json<Value>> {
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

async fn create_token(
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

async fn revoke_token(
    State(state): State<Shared>,
    ctx: SignedIn,
    Path(id): Path<i64>,
) -> ApiResult<Response> {
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
    Ok(StatusCode::NO_CONTENT.into_response())
}

// --- administration -------------------------------------------------------------------------------

/// An account to create (the admin API's and page's body).
pub type UserBody = kechuang_app::accounts::NewAccount;

/// Checks and creates an account.
pub async fn add_user(store: &kechuang_store::Store, body: &UserBody) -> ApiResult<i64> {
    Ok(kechuang_app::accounts::add_user(store, body).await?)
}

fn role_and_scope(role: &str, scope: &str) -> ApiResult<(Role, String)> {
    Ok(kechuang_app::accounts::role_and_scope(role, scope)?)
}

async fn users(
    State(state): State<Shared>,
    ctx: Allowed<can::Administer>,
) -> ApiResult<Json<Value>> {
    ctx.require(Capability::Administer)?;
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

async fn create_user(
    State(state): State<Shared>,
    ctx: Allowed<can::Administer>,
    body: Result<Json<UserBody>, JsonRejection>,
) -> ApiResult<Response> {
    let p = ctx.require(Capability::Administer)?;
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

async fn update_user(
    State(state): State<Shared>,
    ctx: Allowed<can::Administer>,
    Path(name): Path<String>,
    body: Result<Json<UserChange>, JsonRejection>,
) -> ApiResult<Json<Value>> {
    let p = ctx.require(Capability::Administer)?;
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

/// `?user=&page=&per_page=`.
#[derive(Debug, Deserialize)]
pub struct AuditParams {
    /// Only this user's lines.
    pub user: Option<String>,
    /// 1-based page.
    pub page: Option<i64>,
    /// Lines per page (at most 500).
    pub per_page: Option<i64>,
}

/// A page of the audit log (administrators).
pub async fn audit_page(state: &Shared, ctx: &Ctx, params: &AuditParams) -> ApiResult<Value> {
    let p = ctx.require(Capability::Administer)?;
    let per_page = params.per_page.unwrap_or(100).clamp(1, 500);
    let page = page_number(params.page)?;
    // Reading the log is itself a read of personal data (who did what): audited too.
    state
        .auditor
        .record(
            &p.name,
            kechuang_store::AuditAction::AuditRead,
            params.user.as_deref().unwrap_or("*"),
            &ctx.remote,
            "ok",
        )
        .await;
    let (total, entries) = state
        .store
        .audit_log(
            nonempty(&params.user).as_deref(),
            per_page,
            (page - 1) * per_page,
        )
        .await?;
    let items: Vec<Value> = entries
        .into_iter()
        .map(|e| json!({"at": e.at, "user": e.user_name, "action": e.action, "target": e.target, "remote": e.remote, "outcome": e.outcome}))
        .collect();
    Ok(json!({"total": total, "page": page, "per_page": per_page, "items": items}))
}

async fn audit_log(
    State(state): State<Shared>,
    ctx: Allowed<can::Administer>,
    Query(params): Query<AuditParams>,
) -> ApiResult<Json<Value>> {
    Ok(Json(audit_page(&state, &ctx, &params).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_logins_back_off() {
        let now = chrono::Utc::now();
        let ago = |m: i64| stamp(now - chrono::Duration::minutes(m), true);
        assert_eq!(login_wait(4, Some(&ago(0)), now, 5, 15), None);
        assert_eq!(login_wait(5, Some(&ago(0)), now, 5, 15), Some(15));
        assert_eq!(login_wait(5, Some(&ago(16)), now, 5, 15), None);
        assert_eq!(login_wait(6, Some(&ago(16)), now, 5, 15), Some(14));
        assert_eq!(login_wait(8, Some(&ago(0)), now, 5, 15), Some(120));
        assert_eq!(login_wait(99, Some(&ago(0)), now, 5, 15), Some(24 * 60));
        assert!(page_number(Some(i64::MAX)).is_err());
        assert!(page_number(Some(0)).is_err());
        assert_eq!(page_number(None).ok(), Some(1));
    }

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_cell("-1.5"), "-1.5");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn the_dummy_hash_is_a_valid_phc_string() {
        assert!(
            argon2::password_hash::phc::PasswordHash::new(DUMMY_HASH).is_ok(),
            "timing equalisation needs a parseable hash"
        );
    }
}
