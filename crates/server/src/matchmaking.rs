//! Matchmaking on the server: the catalogue kept in the database, its search index rebuilt in memory
//! when the catalogue's version changes, and the endpoints for search, matches, imports, deals and
//! the inbox (documented in `openapi.json`, used by the pages).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, extract::rejection::JsonRejection};
use kechuang_matching::import::{Entries, Issue, extend, read_rows};
use kechuang_matching::matching::{Match, for_demand, for_supply};
use kechuang_matching::{Catalogue, Doc, Filters, Kind, Province, SearchIndex};
use kechuang_store::Deal;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::access::{Capability, Role};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Allowed, SignedIn, can};
use crate::{Ctx, Shared};

/// The catalogue and its index at one version.
pub struct Indexed {
    /// The catalogue's version in the store.
    pub version: i64,
    /// The index (its documents are the catalogue's, in [`Catalogue::docs`] order).
    pub index: SearchIndex,
    /// Who wrote each document (same order).
    pub owners: Vec<String>,
}

/// The route that takes catalogue files.
pub fn upload_routes() -> Router<Shared> {
    Router::new().route("/api/v1/catalogue/imports", post(import))
}

/// The routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/catalogue/search", get(search))
        .route("/api/v1/catalogue/{kind}/{id}", get(entry))
        .route("/api/v1/catalogue/{kind}/{id}/matches", get(matches))
        .route("/api/v1/deals", get(deals).post(open_deal))
        .route("/api/v1/deals/{id}", post(move_deal))
        .route("/api/v1/inbox", get(inbox))
        .route("/api/v1/enterprises/{code}/suggestions", get(suggestions))
}

fn store_error(e: kechuang_store::Error) -> ApiError {
    e.into()
}

/// Reading the catalogue needs a role with lists (not the public).
fn reader(ctx: &Ctx) -> ApiResult<&crate::access::Principal> {
    ctx.require(Capability::ListEnterprises)
}

/// The index of the current catalogue: rebuilt (off the async threads) when the version in the
/// store has moved; several instances each keep their own.
pub async fn indexed(state: &Shared) -> ApiResult<Arc<Indexed>> {
    let version = state.store.catalogue_version().await.map_err(store_error)?;
    if let Some(current) = state.catalogue.read().await.as_ref()
        && current.version == version
    {
        return Ok(current.clone());
    }
    let mut slot = state.catalogue.write().await;
    if let Some(current) = slot.as_ref()
        && current.version == version
    {
        return Ok(current.clone());
    }
    let rows = state.store.catalogue().await.map_err(store_error)?;
    let built = tokio::task::spawn_blocking(move || -> ApiResult<Indexed> {
        let mut catalogue = Catalogue::default();
        let mut owners: Vec<(Kind, String, String)> = Vec::new();
        for r in &rows {
            let bad = |e: serde_json::Error| {
                ApiError::Internal(format!("stored {} {}: {e}", r.kind, r.id))
            };
            match Kind::parse(&r.kind) {
                Some(Kind::Demand) => catalogue
                    .demands
                    .push(serde_json::from_str(&r.json).map_err(bad)?),
                Some(Kind::Achievement) => catalogue
                    .achievements
                    .push(serde_json::from_str(&r.json).map_err(bad)?),
                Some(Kind::Patent) => catalogue
                    .patents
                    .push(serde_json::from_str(&r.json).map_err(bad)?),
                Some(Kind::Expert) => catalogue
                    .experts
                    .push(serde_json::from_str(&r.json).map_err(bad)?),
                Some(Kind::Equipment) => catalogue
                    .equipment
                    .push(serde_json::from_str(&r.json).map_err(bad)?),
                Some(Kind::Service) => catalogue
                    .services
                    .push(serde_json::from_str(&r.json).map_err(bad)?),
                None => {
                    return Err(ApiError::Internal(format!(
                        "stored entry of unknown kind {}",
                        r.kind
                    )));
                }
            }
            owners.push((
                Kind::parse(&r.kind).unwrap_or(Kind::Demand),
                r.id.clone(),
                r.owner.clone(),
            ));
        }
        let docs = catalogue.docs();
        let owner_of: std::collections::HashMap<(Kind, &str), &str> = owners
            .iter()
            .map(|(k, id, o)| ((*k, id.as_str()), o.as_str()))
            .collect();
        let owners = docs
            .iter()
            .map(|d| {
                owner_of
                    .get(&(d.kind, d.id.as_str()))
                    .map_or_else(String::new, |o| o.to_string())
            })
            .collect();
        let index =
            SearchIndex::build(docs, None).map_err(|e| ApiError::Internal(e.to_string()))?;
        Ok(Indexed {
            version,
            index,
            owners,
        })
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))??;
    let built = Arc::new(built);
    *slot = Some(built.clone());
    Ok(built)
}

/// Supply for the weakest pillars of an enterprise's portrait (the two lowest percentiles in its
/// industry), in its field and province first. Reading the portrait is decided and audited as for
/// the portrait itself.
pub async fn suggestions_for(
    state: &Shared,
    ctx: &Ctx,
    code: &str,
) -> ApiResult<Vec<(String, Vec<Match>)>> {
    reader(ctx)?;
    let portrait = crate::api::portrait_of(state, ctx, code, None).await?;
    suggestions_from(state, &portrait).await
}

/// [`suggestions_for`] from a portrait already read (and its access already decided).
pub async fn suggestions_from(
    state: &Shared,
    portrait: &kechuang_portrait::Portrait,
) -> ApiResult<Vec<(String, Vec<Match>)>> {
    let code = portrait.credit_code.as_str();
    let mut pillars: Vec<(&str, f64)> = portrait
        .pillars
        .iter()
        .filter_map(|p| p.percentile.map(|v| (p.name.as_str(), v)))
        .collect();
    pillars.sort_by(|a, b| a.1.total_cmp(&b.1));
    let weak: Vec<String> = pillars.iter().take(2).map(|p| p.0.to_string()).collect();
    let field = portrait
        .tech_field
        .as_deref()
        .and_then(|f| kechuang_domain::TechField::parse(f).ok())
        .map(|f| f.key());
    // The credit code carries the registering division (characters 3–8).
    let province = code
        .get(2..8)
        .and_then(Province::parse)
        .unwrap_or(Province::Tianjin);
    let idx = indexed(state).await?;
    kechuang_matching::matching::for_weak_pillars(&idx.index, &weak, field, province, 3)
        .map_err(|e| ApiError::Internal(e.to_string()))
}

async fn suggestions(
    State(state): State<Shared>,
    ctx: Allowed<can::ListEnterprises>,
    Path(code): Path<String>,
) -> ApiResult<Json<Value>> {
    let code = code.trim().to_ascii_uppercase();
    let found = suggestions_for(&state, &ctx, &code).await?;
    let items: Vec<Value> = found
        .into_iter()
        .map(|(pillar, matches)| json!({"pillar": pillar, "matches": matches}))
        .collect();
    Ok(Json(json!({"credit_code": code, "items": items})))
}

/// Search filters as query parameters.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct SearchParams {
    /// Text.
    pub q: Option<String>,
    /// Kinds, comma-separated.
    pub kind: Option<String>,
    /// High-tech field key.
    pub field: Option<String>,
    /// 京, 津 or 冀.
    pub region: Option<String>,
    /// TRL at least.
    pub trl_min: Option<u8>,
    /// TRL at most.
    pub trl_max: Option<u8>,
    /// Price or budget at most, ¥10k.
    pub price_max: Option<f64>,
    /// Only open, valid, available entries.
    #[serde(default)]
    pub available: bool,
    /// Kind-specific type: transfer mode, patent class (I, II), service category, cooperation mode.
    #[serde(rename = "type")]
    pub kind_type: Option<String>,
    /// Hits (at most 200).
    pub limit: Option<usize>,
}

fn kinds(list: Option<&str>) -> ApiResult<Vec<Kind>> {
    list.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| {
            Kind::parse(k).ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "kind '{k}': use {}",
                    Kind::ALL.map(Kind::key).join(", ")
                ))
            })
        })
        .collect()
}

/// A search hit as the API and pages show it.
#[derive(Debug, Serialize)]
pub struct HitView {
    /// Kind.
    pub kind: Kind,
    /// Id.
    pub id: String,
    /// Title (plain).
    pub title: String,
    /// Title with matched words in `<b>`.
    pub title_html: String,
    /// Snippet with matched words in `<b>`.
    pub snippet_html: String,
    /// The title with the matched words marked (for the pages' templates).
    #[serde(skip)]
    pub title_marked: kechuang_matching::Highlighted,
    /// The snippet with the matched words marked.
    #[serde(skip)]
    pub snippet_marked: kechuang_matching::Highlighted,
    /// Province.
    pub region: Province,
    /// Fields.
    pub fields: Vec<String>,
    /// TRL.
    pub trl: Option<u8>,
    /// BM25.
    pub score: f32,
}

/// Searches the catalogue.
pub async fn run_search(state: &Shared, ctx: &Ctx, p: &SearchParams) -> ApiResult<Vec<HitView>> {
    reader(ctx)?;
    let region = match p.region.as_deref().filter(|r| !r.is_empty()) {
        Some(r) => Some(
            Province::parse(r)
                .ok_or_else(|| ApiError::BadRequest(format!("region '{r}': use 京, 津 or 冀")))?,
        ),
        None => None,
    };
    let filters = Filters {
        kinds: kinds(p.kind.as_deref())?,
        field: p.field.clone().filter(|f| !f.is_empty()),
        region,
        trl_min: p.trl_min,
        trl_max: p.trl_max,
        price_max: p.price_max,
        available_only: p.available,
        kind_type: p.kind_type.clone().filter(|t| !t.is_empty()),
    };
    let idx = indexed(state).await?;
    let hits = idx
        .index
        .search(
            p.q.as_deref().unwrap_or(""),
            &filters,
            p.limit.unwrap_or(20).clamp(1, 200),
        )
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(hits
        .into_iter()
        .map(|h| {
            let d = &idx.index.docs()[h.doc];
            HitView {
                kind: d.kind,
                id: d.id.clone(),
                title: d.title.clone(),
                title_html: h.title.to_html(),
                snippet_html: h.snippet.to_html(),
                title_marked: h.title,
                snippet_marked: h.snippet,
                region: d.region,
                fields: d.fields.clone(),
                trl: d.trl,
                score: h.score,
            }
        })
        .collect())
}

async fn search(
    State(state): State<Shared>,
    ctx: Allowed<can::ListEnterprises>,
    Query(p): Query<SearchParams>,
) -> ApiResult<Json<Value>> {
    let hits = run_search(&state, &ctx, &p).await?;
    Ok(Json(json!({"total": hits.len(), "items": hits})))
}

/// An entry: its document and who wrote it.
pub async fn find(
    state: &Shared,
    ctx: &Ctx,
    kind: &str,
    id: &str,
) -> ApiResult<(Arc<Indexed>, usize)> {
    reader(ctx)?;
    let kind = Kind::parse(kind).ok_or_else(|| ApiError::NotFound(format!("no kind '{kind}'")))?;
    let idx = indexed(state).await?;
    let at = idx
        .index
        .docs()
        .iter()
        .position(|d| d.kind == kind && d.id == id)
        .ok_or_else(|| ApiError::NotFound(format!("no {} '{id}'", kind.key())))?;
    Ok((idx, at))
}

async fn entry(
    State(state): State<Shared>,
    ctx: Allowed<can::ListEnterprises>,
    Path((kind, id)): Path<(String, String)>,
) -> ApiResult<Json<Doc>> {
    let (idx, at) = find(&state, &ctx, &kind, &id).await?;
    Ok(Json(idx.index.docs()[at].clone()))
}

/// `?limit=&kind=`.
#[derive(Debug, Default, Deserialize)]
pub struct MatchParams {
    /// Matches (at most 100).
    pub limit: Option<usize>,
    /// Only these supply kinds (demands only).
    pub kind: Option<String>,
}

/// For a demand, the supply that could meet it; for a supply entry, the demands it could serve.
pub async fn run_matches(
    state: &Shared,
    ctx: &Ctx,
    kind: &str,
    id: &str,
    p: &MatchParams,
) -> ApiResult<(Doc, Vec<Match>)> {
    let (idx, at) = find(state, ctx, kind, id).await?;
    let doc = idx.index.docs()[at].clone();
    let limit = p.limit.unwrap_or(20).clamp(1, 100);
    let found = if doc.kind == Kind::Demand {
        for_demand(&idx.index, &doc, &kinds(p.kind.as_deref())?, limit)
    } else {
        for_supply(&idx.index, &doc, limit)
    }
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((doc, found))
}

async fn matches(
    State(state): State<Shared>,
    ctx: Allowed<can::ListEnterprises>,
    Path((kind, id)): Path<(String, String)>,
    Query(p): Query<MatchParams>,
) -> ApiResult<Json<Value>> {
    let (doc, found) = run_matches(&state, &ctx, &kind, &id, &p).await?;
    Ok(Json(json!({"for": doc, "items": found})))
}

/// `?kind=&file_name=`.
#[derive(Debug, Deserialize)]
pub struct ImportParams {
    /// The kind of entries in the file.
    pub kind: String,
    /// The file's name: `.xlsx` reads the first sheet; anything else is CSV (UTF-8, GBK or GB18030).
    pub file_name: Option<String>,
}

/// The rows of an uploaded CSV or XLSX file (read through a temporary file, then removed), parsed
/// off the async workers within the upload limits.
pub async fn upload_rows(
    state: &Shared,
    file_name: &str,
    bytes: &[u8],
) -> ApiResult<Vec<Vec<String>>> {
    let xlsx = file_name.to_ascii_lowercase().ends_with(".xlsx");
    let upload = crate::intake::TempUpload::write(
        if xlsx { "xlsx" } else { "csv" },
        bytes,
        &crate::auth::secret()?,
    )
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let path = upload.path.clone();
    let options = crate::intake::detected_options(state.config.max_upload_bytes);
    let read =
        crate::intake::parse_blocking(move || kechuang_tabular::survey::read_grid(&path, &options))
            .await
            .map_err(|e| ApiError::Internal(e.to_string()))?;
    read.map(|(_, rows)| rows)
        .map_err(|e| ApiError::BadRequest(upload.named(&e.to_string(), file_name)))
}

/// Validates a catalogue file (CSV or XLSX) and, with no problem, writes every entry in one
/// transaction. Analysts and administrators import any kind; an enterprise account only demands of
/// its own.
pub async fn run_import(
    state: &Shared,
    ctx: &Ctx,
    kind: &str,
    file_name: &str,
    bytes: &[u8],
) -> ApiResult<Result<usize, Vec<Issue>>> {
    let p = ctx.user()?;
    let kind = Kind::parse(kind).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "kind '{kind}': use {}",
            Kind::ALL.map(Kind::key).join(", ")
        ))
    })?;
    let allowed = match p.role {
        Role::Admin | Role::Analyst => true,
        Role::Enterprise => kind == Kind::Demand,
        _ => false,
    };
    if !allowed {
        return Err(ApiError::Forbidden(format!(
            "the role {} may not publish {} entries",
            p.role.as_str(),
            kind.key()
        )));
    }
    let rows = upload_rows(state, file_name, bytes).await?;
    import_rows(state, ctx, kind, &rows).await
}

/// Validates catalogue rows (the first the header) and, with no problem, writes every entry in
/// one transaction; the caller has checked the role may publish `kind`.
pub async fn import_rows(
    state: &Shared,
    ctx: &Ctx,
    kind: Kind,
    rows: &[Vec<String>],
) -> ApiResult<Result<usize, Vec<Issue>>> {
    let p = ctx.user()?;
    let entries = match read_rows(kind, rows) {
        Ok(e) => e,
        Err(issues) => {
            state
                .auditor
                .record(
                    &p.name,
                    kechuang_store::AuditAction::CatalogueImport,
                    kind.key(),
                    &ctx.remote,
                    "rejected",
                )
                .await;
            return Ok(Err(issues));
        }
    };
    let mut c = Catalogue::default();
    if let Entries::Demands(d) = &entries
        && p.role == Role::Enterprise
    {
        let own = p.scope.first().cloned().unwrap_or_default();
        if let Some(other) = d.iter().find(|d| d.enterprise != own) {
            return Err(ApiError::Forbidden(format!(
                "an enterprise account publishes its own demands only; the file has one of {}",
                other.enterprise
            )));
        }
    }
    extend(&mut c, entries);
    let rows = stored_entries(&c, |_| p.name.clone());
    state
        .store
        .put_catalogue(&rows, publisher(p))
        .await
        .map_err(store_error)?;
    state
        .auditor
        .record(
            &p.name,
            kechuang_store::AuditAction::CatalogueImport,
            &format!("{} ×{}", kind.key(), rows.len()),
            &ctx.remote,
            "ok",
        )
        .await;
    Ok(Ok(rows.len()))
}

/// Analysts and administrators curate the whole catalogue; everyone else publishes as an owner.
fn publisher(p: &crate::access::Principal) -> kechuang_store::Publisher {
    match p.role {
        Role::Admin | Role::Analyst => kechuang_store::Publisher::Curator,
        _ => kechuang_store::Publisher::Owner,
    }
}

pub use kechuang_app::catalogue::stored_entries;

async fn import(
    State(state): State<Shared>,
    ctx: SignedIn,
    Query(q): Query<ImportParams>,
    body: Bytes,
) -> ApiResult<Response> {
    let name = q
        .file_name
        .clone()
        .unwrap_or_else(|| format!("{}.csv", q.kind));
    match run_import(&state, &ctx, &q.kind, &name, &body).await? {
        Ok(n) => Ok((StatusCode::CREATED, Json(json!({"imported": n}))).into_response()),
        Err(issues) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({"imported": 0, "issues": issues})),
        )
            .into_response()),
    }
}

/// The statuses of a deal, in order.
pub const DEAL_STATUSES: [&str; 5] = ["open", "matched", "in_contact", "contract", "closed"];

/// Whether a deal may move from `from` to `to`: one step on, or closed from anywhere.
pub fn may_move(from: &str, to: &str) -> bool {
    let at = |s: &str| DEAL_STATUSES.iter().position(|x| *x == s);
    match (at(from), at(to)) {
        (Some(a), Some(b)) => b == a + 1 || (to == "closed" && from != "closed"),
        _ => false,
    }
}

/// Who may see and move a demand's deals: matchmakers (analysts, administrators) and the account
/// that published the demand.
async fn deal_rights(
    state: &Shared,
    ctx: &Ctx,
    demand_id: &str,
) -> ApiResult<(Arc<Indexed>, usize)> {
    let p = ctx.user()?;
    let (idx, at) = find(state, ctx, "demand", demand_id).await?;
    let owner = &idx.owners[at];
    if !(matches!(p.role, Role::Admin | Role::Analyst) || owner == &p.name) {
        return Err(ApiError::Forbidden(
            "only matchmakers and the demand's publisher follow its deals".into(),
        ));
    }
    Ok((idx, at))
}

/// A deal to open.
#[derive(Debug, Deserialize)]
pub struct DealBody {
    /// The demand.
    pub demand_id: String,
    /// The candidate's kind.
    pub supply_kind: String,
    /// The candidate.
    pub supply_id: String,
}

/// Opens a deal (status `matched`) and tells the demand's publisher.
pub async fn start_deal(state: &Shared, ctx: &Ctx, body: &DealBody) -> ApiResult<i64> {
    let p = ctx.user()?;
    let (idx, at) = deal_rights(state, ctx, &body.demand_id).await?;
    find(state, ctx, &body.supply_kind, &body.supply_id).await?;
    let id = state
        .store
        .open_deal(&body.demand_id, &body.supply_kind, &body.supply_id, &p.name)
        .await
        .map_err(store_error)?;
    let title = &idx.index.docs()[at].title;
    tell(
        state,
        &[idx.owners[at].as_str()],
        &p.name,
        &format!(
            "需求「{title}」有新的对接：{} {}",
            body.supply_kind, body.supply_id
        ),
        &body.demand_id,
    )
    .await?;
    state
        .auditor
        .record(
            &p.name,
            kechuang_store::AuditAction::DealOpen,
            &format!(
                "{id} {} → {} {}",
                body.demand_id, body.supply_kind, body.supply_id
            ),
            &ctx.remote,
            "ok",
        )
        .await;
    Ok(id)
}

/// Leaves a message about a demand's deals with each of `people` but the one acting.
async fn tell(
    state: &Shared,
    people: &[&str],
    acting: &str,
    message: &str,
    demand_id: &str,
) -> ApiResult<()> {
    let mut told = std::collections::HashSet::new();
    for who in people {
        if !who.is_empty() && *who != acting && told.insert(*who) {
            state
                .store
                .notify(who, message, &format!("/match/demand/{demand_id}"))
                .await
                .map_err(store_error)?;
        }
    }
    Ok(())
}

/// A status change.
#[derive(Debug, Deserialize)]
pub struct MoveBody {
    /// The new status.
    pub status: String,
    /// A note.
    #[serde(default)]
    pub note: String,
}

/// Moves a deal one step (or closes it), telling the other side.
pub async fn step_deal(state: &Shared, ctx: &Ctx, id: i64, body: &MoveBody) -> ApiResult<Deal> {
    let p = ctx.user()?;
    let deal = state
        .store
        .deal(id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::NotFound(format!("no deal {id}")))?;
    // A deal the caller may not follow answers exactly as one that does not exist, so that deal
    // ids cannot be enumerated.
    let (idx, at) = deal_rights(state, ctx, &deal.demand_id)
        .await
        .map_err(|e| match e {
            ApiError::Forbidden(_) | ApiError::NotFound(_) => {
                ApiError::NotFound(format!("no deal {id}"))
            }
            other => other,
        })?;
    if !may_move(&deal.status, &body.status) {
        return Err(ApiError::Conflict(format!(
            "a deal at {} cannot move to {}: one step at a time ({}), or closed",
            deal.status,
            body.status,
            DEAL_STATUSES.join(" → ")
        )));
    }
    if !state
        .store
        .move_deal(id, &deal.status, &body.status, body.note.trim(), &p.name)
        .await
        .map_err(store_error)?
    {
        return Err(ApiError::Conflict(
            "the deal was changed meanwhile; reload it".into(),
        ));
    }
    let title = &idx.index.docs()[at].title;
    tell(
        state,
        &[idx.owners[at].as_str(), deal.created_by.as_str()],
        &p.name,
        &format!(
            "需求「{title}」的对接 #{id}：{} → {}",
            deal.status, body.status
        ),
        &deal.demand_id,
    )
    .await?;
    state
        .auditor
        .record(
            &p.name,
            kechuang_store::AuditAction::DealMove,
            &format!("{id} {} → {}", deal.status, body.status),
            &ctx.remote,
            "ok",
        )
        .await;
    state
        .store
        .deal(id)
        .await
        .map_err(store_error)?
        .ok_or_else(|| ApiError::NotFound(format!("no deal {id}")))
}

/// `?demand=`.
#[derive(Debug, Deserialize)]
pub struct DealsParams {
    /// Only this demand's.
    pub demand: Option<String>,
}

/// Deals the principal may follow (of one demand, or all for matchmakers).
pub async fn visible_deals(
    state: &Shared,
    ctx: &Ctx,
    demand: Option<&str>,
) -> ApiResult<Vec<Deal>> {
    let p = ctx.user()?;
    match demand {
        Some(d) => {
            deal_rights(state, ctx, d).await?;
            state.store.deals(Some(d)).await.map_err(store_error)
        }
        None if matches!(p.role, Role::Admin | Role::Analyst) => {
            state.store.deals(None).await.map_err(store_error)
        }
        None => {
            let idx = indexed(state).await?;
            let mine: std::collections::HashSet<&str> = idx
                .index
                .docs()
                .iter()
                .zip(&idx.owners)
                .filter(|(d, o)| d.kind == Kind::Demand && *o == &p.name)
                .map(|(d, _)| d.id.as_str())
                .collect();
            Ok(state
                .store
                .deals(None)
                .await
                .map_err(store_error)?
                .into_iter()
                .filter(|d| mine.contains(d.demand_id.as_str()))
                .collect())
        }
    }
}

async fn deals(
    State(state): State<Shared>,
    ctx: Allowed<can::ListEnterprises>,
    Query(q): Query<DealsParams>,
) -> ApiResult<Json<Value>> {
    Ok(Json(
        json!({"deals": visible_deals(&state, &ctx, q.demand.as_deref()).await?}),
    ))
}

fn body<T>(b: Result<Json<T>, JsonRejection>) -> ApiResult<T> {
    b.map(|Json(v)| v).map_err(ApiError::from)
}

async fn open_deal(
    State(state): State<Shared>,
    ctx: Allowed<can::ListEnterprises>,
    b: Result<Json<DealBody>, JsonRejection>,
) -> ApiResult<Response> {
    let id = start_deal(&state, &ctx, &body(b)?).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"id": id, "status": "matched"})),
    )
        .into_response())
}

async fn move_deal(
    State(state): State<Shared>,
    ctx: Allowed<can::ListEnterprises>,
    Path(id): Path<i64>,
    b: Result<Json<MoveBody>, JsonRejection>,
) -> ApiResult<Json<Deal>> {
    Ok(Json(step_deal(&state, &ctx, id, &body(b)?).await?))
}

async fn inbox(State(state): State<Shared>, ctx: SignedIn) -> ApiResult<Json<Value>> {
    let p = ctx.user()?;
    Ok(Json(
        json!({"messages": state.store.inbox(&p.name).await.map_err(store_error)?}),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deals_move_one_step_at_a_time_or_close() {
        assert!(may_move("matched", "in_contact"));
        assert!(may_move("in_contact", "contract"));
        assert!(!may_move("matched", "contract"), "no skipping");
        assert!(!may_move("contract", "matched"), "no going back");
        assert!(may_move("matched", "closed"));
        assert!(!may_move("closed", "closed"));
        assert!(!may_move("matched", "signed"));
    }
}
