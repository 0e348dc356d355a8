//! Support schemes and their target lists, with export.

use super::*;

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
    ctx: &Allowed<can::Targets>,
    scheme: &str,
    params: &TargetParams,
) -> ApiResult<TargetPage> {
    let p = ctx.principal();
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
