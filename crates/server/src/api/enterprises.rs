//! Enterprises: the access decision on one enterprise (audited), the ranking and its export, an enterprise's record and portrait.

use super::*;

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
pub(super) async fn audited_decision(
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
pub(super) fn refused() -> ApiError {
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

pub use kechuang_app::MAX_PAGE;

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

pub(super) fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// A district given by name or code, as its code.
pub(super) fn district_code(given: &Option<String>) -> ApiResult<Option<String>> {
    nonempty(given)
        .map(|d| {
            kechuang_domain::RegionCode::parse_name_or_code(&d)
                .map(|c| c.as_str().to_string())
                .map_err(|e| ApiError::BadRequest(format!("district: {e}")))
        })
        .transpose()
}

/// The principal's list scope as store filters.
pub(super) async fn scope_filters(
    state: &Shared,
    p: &Principal,
    q: &mut RankingQuery,
) -> ApiResult<()> {
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
pub(super) async fn ranking_up_to(
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
pub(super) const EXPORT_ROWS: i64 = 1_000_000;

/// A CSV download (UTF-8 with BOM, so Excel reads the Chinese).
pub(super) fn csv_download(
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
pub(super) fn csv_cell(s: &str) -> String {
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
pub(super) async fn assembled_portrait(
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

pub(super) async fn portrait(
    State(state): State<Shared>,
    ctx: SignedIn,
    Path(code): Path<String>,
    Query(params): Query<YearParam>,
) -> ApiResult<Json<Portrait>> {
    let code = code.trim().to_ascii_uppercase();
    Ok(Json(portrait_of(&state, &ctx, &code, params.year).await?))
}
