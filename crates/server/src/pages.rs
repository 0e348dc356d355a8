//! The web pages: server-rendered HTML (zh-CN by default, English by the `lang` cookie), SVG charts
//! drawn here, no script and nothing fetched from elsewhere. Every page goes through the same
//! operations as the API (see [`crate::api`]), so access and auditing are decided once.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kechuang_domain::codes::TIANJIN_DISTRICTS;
use kechuang_domain::{TechField, held_in};
use kechuang_region::tables::{Dimension, Entry, OneWay, one_way};
use serde::Deserialize;
use serde_json::Value;

use crate::access::{Capability, EnterpriseFacts, Principal, Role};
use crate::api::{self, ListParams, TargetParams};
use crate::error::{ApiError, ApiResult};
// A page's failure (the login page for the unauthenticated, an error page otherwise) is the
// pages' extractors' refusal.
use crate::extract::{Anyone, PageAllowed, PageRefusal as PageError, PageSignedIn, can};
use crate::i18n::{Lang, Pick, percent_encode};
use crate::{Ctx, Shared, auth};

pub use kechuang_tabular::esc_text as esc;

/// The pages that take files.
pub fn upload_routes() -> Router<Shared> {
    Router::new()
        .route("/upload", get(upload_form).post(upload_submit))
        .route("/match/import", post(match_import))
}

/// The pages' routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/", get(overview))
        .route("/login", get(login_form).post(login_submit))
        .route("/logout", post(logout))
        .route("/lang/{code}", get(switch_language))
        .route("/ranking", get(ranking))
        .route("/enterprises/{code}", get(portrait))
        .route("/targets", get(targets))
        .route("/builds", get(builds).post(rebuild))
        .route("/tables", get(tables))
        .route("/consents", get(consents).post(consent_change))
        .route("/admin", get(admin).post(admin_add_user))
        .route("/admin/users/{name}", post(admin_toggle_user))
        .route("/tokens", post(token_create))
        .route("/match", get(match_search))
        .route("/match/{kind}/{id}", get(match_entry))
        .route("/match/new-demand", get(demand_form).post(demand_submit))
        .route("/match/deals", post(deal_open))
        .route("/match/deals/{id}", post(deal_move))
        .route("/inbox", get(inbox_page))
        .route("/talent", get(talent_page))
        .route("/talent/merge", post(talent_merge))
        .fallback(not_found)
}

/// A page's failure as a response: the login page for the unauthenticated, an error page
/// otherwise (also the refusal of the pages' extractors).
pub fn page_error(e: ApiError, lang: Lang) -> Response {
    if matches!(e, ApiError::Unauthenticated) {
        return Redirect::to("/login").into_response();
    }
    if let ApiError::Internal(cause) = &e {
        tracing::error!(%cause, "page failed");
    }
    let title = match e.status() {
        StatusCode::FORBIDDEN => lang.pick("无权访问", "Forbidden"),
        StatusCode::NOT_FOUND => lang.pick("未找到", "Not found"),
        _ => lang.pick("出错了", "Something went wrong"),
    };
    let body = format!(
        "<h1>{title}</h1><p class=\"error\" id=\"error\">{}</p><p><a href=\"/\">{}</a></p>",
        esc(&e.message()),
        lang.pick("返回首页", "Back to the start")
    );
    (e.status(), Html(bare_page(lang, title, &body))).into_response()
}

type PageResult = Result<Response, PageError>;

trait OrPage<T> {
    fn or_page(self, ctx: &Ctx) -> Result<T, PageError>;
}

impl<T> OrPage<T> for ApiResult<T> {
    fn or_page(self, ctx: &Ctx) -> Result<T, PageError> {
        self.map_err(|e| PageError(e, ctx.lang))
    }
}

const STYLE: &str = "body{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",system-ui,sans-serif;margin:0;color:#222}\
header{background:#b71c1c;color:#fff;display:flex;align-items:center;gap:1em;padding:.5em 1em;flex-wrap:wrap}\
header a{color:#fff;text-decoration:none} header nav a{margin-right:.9em} header .who{margin-left:auto;font-size:.9em}\
header form{display:inline} header button{background:none;border:1px solid #fff;color:#fff;border-radius:3px;cursor:pointer}\
main{max-width:1180px;margin:1em auto;padding:0 1em} h1{font-size:1.4em} h2{font-size:1.1em;border-bottom:2px solid #b71c1c}\
table{border-collapse:collapse;font-size:.9em;margin:.5em 0} td,th{border:1px solid #ddd;padding:.25em .5em;text-align:left}\
th a{color:inherit} .num{text-align:right} .cards{display:flex;gap:1em;flex-wrap:wrap} .card{border:1px solid #ddd;border-radius:4px;padding:.6em 1em;min-width:140px}\
.card b{display:block;font-size:1.6em;color:#b71c1c} .error{color:#b71c1c} .ok{color:#2f855a} .muted{color:#777;font-size:.85em}\
form.filters{display:flex;gap:.5em;flex-wrap:wrap;align-items:end} label{display:flex;flex-direction:column;font-size:.85em}\
.pager a{margin:0 .3em} .charts{display:flex;gap:1em;flex-wrap:wrap} svg{max-width:100%}";

fn bare_page(lang: Lang, title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{} · 科创</title><style>{STYLE}</style></head><body><main>{body}</main></body></html>",
        lang.tag(),
        esc(title)
    )
}

fn csrf_of(p: &Principal) -> &str {
    match &p.credential {
        crate::access::Credential::Session { csrf } => csrf,
        crate::access::Credential::Token { .. } => "",
    }
}

/// The navigation bar for a principal.
fn nav(ctx: &Ctx, p: &Principal) -> String {
    let l = ctx.lang;
    let mut links: Vec<(String, &str)> = Vec::new();
    if p.may(Capability::Targets) {
        links.push(("/".into(), l.pick("概览", "Overview")));
    }
    if p.may(Capability::ListEnterprises) {
        links.push(("/ranking".into(), l.pick("企业排名", "Ranking")));
    }
    if p.role == Role::Enterprise
        && let Some(code) = p.scope.first()
    {
        links.push((
            format!("/enterprises/{}", percent_encode(code)),
            l.pick("本企业画像", "Our portrait"),
        ));
    }
    if p.may(Capability::Targets) {
        links.push(("/targets".into(), l.pick("政策靶向", "Scheme targeting")));
    }
    if p.may(Capability::FileSurvey) {
        links.push(("/upload".into(), l.pick("调查上报", "Survey upload")));
    }
    if p.may(Capability::BuildIndex) {
        links.push(("/builds".into(), l.pick("指数构建", "Index builds")));
    }
    links.push(("/tables".into(), l.pick("区域统计", "Regional tables")));
    if p.may(Capability::ListEnterprises) {
        links.push(("/match".into(), l.pick("产学研对接", "Matchmaking")));
        links.push(("/inbox".into(), l.pick("消息", "Inbox")));
    }
    if matches!(
        p.role,
        Role::Admin | Role::Analyst | Role::Enterprise | Role::Bank
    ) {
        links.push(("/consents".into(), l.pick("征信授权", "Consents")));
    }
    if p.may(Capability::Talent) {
        links.push(("/talent".into(), l.pick("人才库", "Talent pool")));
    }
    if p.may(Capability::Administer) {
        links.push(("/admin".into(), l.pick("系统管理", "Administration")));
    }
    let mut s = String::from("<nav>");
    for (href, text) in links {
        let _ = write!(s, "<a href=\"{href}\">{}</a>", esc(text));
    }
    s.push_str("</nav>");
    let other = match l {
        Lang::Zh => ("en", "English"),
        Lang::En => ("zh", "中文"),
    };
    let _ = write!(
        s,
        "<span class=\"who\" id=\"who\">{} · {}</span><a id=\"lang-switch\" href=\"/lang/{}\">{}</a>\
         <form method=\"post\" action=\"/logout?{}={}\"><button id=\"logout\">{}</button></form>",
        esc(&p.display_name),
        esc(l.pick(p.role.zh(), p.role.as_str())),
        other.0,
        other.1,
        auth::CSRF_FIELD,
        esc(csrf_of(p)),
        l.pick("退出", "Log out")
    );
    s
}

fn page(ctx: &Ctx, p: &Principal, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>{} · 科创</title><style>{STYLE}</style></head>\
         <body><header><a href=\"/\"><b>科创 kechuang</b></a>{}</header><main><h1>{}</h1>{body}</main></body></html>",
        ctx.lang.tag(),
        esc(title),
        nav(ctx, p),
        esc(title)
    );
    Html(html).into_response()
}

fn action(path: &str, p: &Principal) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!(
        "{path}{sep}{}={}",
        auth::CSRF_FIELD,
        percent_encode(csrf_of(p))
    )
}

fn fmt(v: Option<f64>, digits: usize) -> String {
    v.filter(|v| v.is_finite())
        .map_or_else(|| "—".to_string(), |v| format!("{v:.digits$}"))
}

fn district_name(code: &str) -> String {
    kechuang_domain::RegionCode::parse(code)
        .ok()
        .and_then(|c| c.district_name())
        .unwrap_or(code)
        .to_string()
}

/// The high-tech fields as select options (key, Chinese name).
fn field_options() -> Vec<(String, String)> {
    TechField::ALL
        .iter()
        .map(|f| (f.key().to_string(), f.zh().to_string()))
        .collect()
}

/// 京, 津, 冀 as select options.
fn region_options() -> Vec<(String, String)> {
    kechuang_matching::Province::ALL
        .iter()
        .map(|p| (p.abbr().to_string(), p.abbr().to_string()))
        .collect()
}

// --- login, logout, language ----------------------------------------------------------------------

#[derive(Debug, Deserialize, Default)]
struct LoginQuery {
    error: Option<String>,
}

async fn login_form(ctx: Anyone, Query(q): Query<LoginQuery>) -> Response {
    if ctx.principal.is_some() {
        return Redirect::to("/").into_response();
    }
    let l = ctx.lang;
    let error = match q.error.as_deref() {
        Some("throttled") => l.pick(
            "登录失败次数过多，请稍后再试。",
            "Too many failed logins; try again later.",
        ),
        Some(_) => l.pick("用户名或密码错误。", "Wrong name or password."),
        None => "",
    };
    let other = match l {
        Lang::Zh => ("en", "English"),
        Lang::En => ("zh", "中文"),
    };
    let body = format!(
        "<h1>{}</h1><p class=\"error\" id=\"login-error\">{}</p>\
         <form method=\"post\" action=\"/login\" id=\"login\"><label>{}<input name=\"name\" id=\"name\" autocomplete=\"username\" required></label>\
         <label>{}<input name=\"password\" id=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>\
         <p><button type=\"submit\" id=\"submit\">{}</button></p></form><p><a id=\"lang-switch\" href=\"/lang/{}\">{}</a></p>",
        l.pick("科创平台 登录", "kechuang — log in"),
        esc(error),
        l.pick("用户名", "Name"),
        l.pick("密码", "Password"),
        l.pick("登录", "Log in"),
        other.0,
        other.1
    );
    Html(bare_page(l, l.pick("登录", "Log in"), &body)).into_response()
}

/// Refuses a cross-site login form post (login CSRF): when the browser names an origin, it must
/// be this host.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    origin
        .split_once("://")
        .is_some_and(|(_, rest)| rest == host)
}

async fn login_submit(
    State(state): State<Shared>,
    ctx: Anyone,
    headers: HeaderMap,
    Form(login): Form<api::Login>,
) -> PageResult {
    if !same_origin(&headers) {
        return Err(PageError(
            ApiError::Forbidden("cross-site login refused".into()),
            ctx.lang,
        ));
    }
    match api::open_session(&state, &login, &ctx.remote).await {
        Ok(s) => {
            let mut r = Redirect::to("/").into_response();
            api::set_cookie(&mut r, &api::session_cookie(&state, &s.secret)).or_page(&ctx)?;
            Ok(r)
        }
        Err(ApiError::Throttled(_)) => Ok(Redirect::to("/login?error=throttled").into_response()),
        Err(ApiError::Unauthenticated) => Ok(Redirect::to("/login?error=1").into_response()),
        Err(e) => Err(PageError(e, ctx.lang)),
    }
}

async fn logout(State(state): State<Shared>, ctx: Anyone, headers: HeaderMap) -> PageResult {
    api::close_session(&state, &ctx, &headers)
        .await
        .or_page(&ctx)?;
    let mut r = Redirect::to("/login").into_response();
    api::set_cookie(&mut r, &api::session_cookie(&state, "")).or_page(&ctx)?;
    Ok(r)
}

async fn switch_language(Path(code): Path<String>, headers: HeaderMap) -> Response {
    let lang = if code == "en" { "en" } else { "zh" };
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| local_return_path(r, host))
        .unwrap_or_else(|| "/".into());
    let mut r = Redirect::to(&back).into_response();
    if let Ok(v) = format!("lang={lang}; Path=/; SameSite=Lax; Max-Age=31536000").parse() {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

/// The path to go back to after a language switch: the Referer's path and query when the Referer is
/// this server (same host) and the path is one of ours. Anything a browser could read as another
/// site (`//x`, `/\x`, control characters) gives `None`, so the redirect cannot leave the site.
fn local_return_path(referer: &str, host: Option<&str>) -> Option<String> {
    let (_, rest) = referer.split_once("://")?;
    let (authority, path) = rest.split_at(rest.find('/')?);
    if host.is_none_or(|h| !h.eq_ignore_ascii_case(authority)) {
        return None;
    }
    let safe = path.starts_with('/')
        && !path[1..].starts_with(['/', '\\'])
        && !path.starts_with("/lang/")
        && path.chars().all(|c| !c.is_control() && c != '\\');
    safe.then(|| path.to_string())
}

async fn not_found(ctx: Anyone, uri: axum::http::Uri) -> Response {
    let e = ApiError::NotFound(format!("no page {}", uri.path()));
    if uri.path().starts_with("/api/") {
        return e.into_response();
    }
    PageError(e, ctx.lang).into_response()
}

// --- overview -------------------------------------------------------------------------------------

/// The figures of the overview dashboard for one scope.
struct Overview {
    year: i32,
    enterprises: usize,
    scored: usize,
    mean: Option<f64>,
    histogram: Vec<(String, f64)>,
    by_district: OneWay,
    by_industry: OneWay,
    trend: Vec<(i32, f64, usize)>,
    movers: Vec<(String, String, f64, f64)>,
    certified: [(usize, &'static str, &'static str); 3],
}

async fn compute_overview(state: &Shared, p: &Principal) -> ApiResult<Overview> {
    let (build, year) = api::build_and_year(state, None).await?;
    let records = state.store.load_year(year).await?;
    let records: Vec<_> = records
        .into_iter()
        .filter(|r| {
            p.may_read(&EnterpriseFacts {
                credit_code: r.credit_code.as_str(),
                area: Some((r.region_code.as_str(), r.park.as_deref())),
                bank_consent: false,
            })
        })
        .collect();
    let codes: HashSet<&str> = records.iter().map(|r| r.credit_code.as_str()).collect();
    let mut by_year: BTreeMap<i32, HashMap<String, f64>> = BTreeMap::new();
    for &y in &build.years {
        let scores = state.store.scores(build.id, y).await?;
        by_year.insert(
            y,
            scores
                .into_iter()
                .filter_map(|(c, s)| s.map(|s| (c, s)))
                .filter(|(c, _)| codes.contains(c.as_str()))
                .collect(),
        );
    }
    let now = by_year.get(&year).cloned().unwrap_or_default();
    let values: Vec<f64> = now.values().copied().collect();
    let mean = (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64);
    let mut histogram = Vec::new();
    if !values.is_empty() {
        let (lo, hi) = values
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
        let width = ((hi - lo) / 10.0).max(1e-9);
        let mut counts = [0usize; 10];
        for v in &values {
            counts[(((v - lo) / width) as usize).min(9)] += 1;
        }
        for (i, c) in counts.iter().enumerate() {
            let a = lo + width * i as f64;
            histogram.push((format!("{a:.0}–{:.0}", a + width), *c as f64));
        }
    }
    let entries: Vec<Entry<'_>> = records
        .iter()
        .map(|r| Entry {
            record: r,
            index: now.get(r.credit_code.as_str()).copied(),
        })
        .collect();
    // The dashboard is for roles that read the enterprise-level data behind it: nothing to
    // suppress. Published tables (/tables, /api/v1/regions) keep disclosure control.
    let rules = kechuang_region::disclosure::Rules {
        min_count: 1,
        dominance: 1.0,
    };
    let trend = by_year
        .iter()
        .filter(|(_, s)| !s.is_empty())
        .map(|(y, s)| (*y, s.values().sum::<f64>() / s.len() as f64, s.len()))
        .collect();
    let names: HashMap<&str, &str> = records
        .iter()
        .map(|r| (r.credit_code.as_str(), r.name.as_str()))
        .collect();
    let mut movers: Vec<(String, String, f64, f64)> = match by_year.get(&(year - 1)) {
        Some(before) => now
            .iter()
            .filter_map(|(c, s)| {
                before.get(c).map(|b| {
                    (
                        c.clone(),
                        names.get(c.as_str()).copied().unwrap_or("").to_string(),
                        *b,
                        *s,
                    )
                })
            })
            .collect(),
        None => Vec::new(),
    };
    movers.sort_by(|a, b| (b.3 - b.2).total_cmp(&(a.3 - a.2)).then(a.0.cmp(&b.0)));
    movers.truncate(10);
    let count =
        |f: fn(&kechuang_domain::SurveyRecord) -> bool| records.iter().filter(|r| f(r)).count();
    let certified = [
        (
            count(|r| held_in(r.titles.hnte, r.year)),
            "高新技术企业",
            "High-tech enterprises",
        ),
        (
            count(|r| held_in(r.titles.tech_sme, r.year)),
            "科技型中小企业",
            "Tech-based SMEs",
        ),
        (
            count(|r| {
                held_in(r.titles.specialised_sme, r.year) || held_in(r.titles.little_giant, r.year)
            }),
            "专精特新",
            "Specialised SMEs",
        ),
    ];
    Ok(Overview {
        year,
        enterprises: records.len(),
        scored: values.len(),
        mean,
        histogram,
        by_district: one_way(&entries, Dimension::District, &rules),
        by_industry: one_way(&entries, Dimension::Industry, &rules),
        trend,
        movers,
        certified,
    })
}

fn one_way_html(t: &OneWay, l: Lang, id: &str) -> String {
    let mut s = format!(
        "<table id=\"{id}\"><tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th></tr>",
        esc(l.pick(
            t.dimension.zh(),
            match t.dimension {
                Dimension::District => "District",
                Dimension::Park => "Park",
                Dimension::Industry => "Industry section",
                Dimension::Field => "High-tech field",
                Dimension::Stage => "Stage",
            }
        )),
        l.pick("企业数", "Enterprises"),
        l.pick("研发强度(%)", "R&D intensity (%)"),
        l.pick("高企占比(%)", "HNTE share (%)"),
        l.pick("指数均值", "Mean index")
    );
    for (label, figures) in t.published() {
        match figures {
            None => {
                let _ = write!(
                    s,
                    "<tr><td>{}</td><td class=\"num\">x</td><td class=\"num\">x</td><td class=\"num\">x</td><td class=\"num\">x</td></tr>",
                    esc(label)
                );
            }
            Some(f) => {
                let _ = write!(
                    s,
                    "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{:.2}</td><td class=\"num\">{:.1}</td><td class=\"num\">{}</td></tr>",
                    esc(label),
                    f.enterprises,
                    f.rd_intensity,
                    f.hnte_share,
                    fmt(f.index_mean, 1)
                );
            }
        }
    }
    let _ = write!(
        s,
        "<tr><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{:.2}</th><th class=\"num\">{:.1}</th><th class=\"num\">{}</th></tr></table>",
        l.pick("合计", "Total"),
        t.total.enterprises,
        t.total.rd_intensity,
        t.total.hnte_share,
        fmt(t.total.index_mean, 1)
    );
    s
}

/// A line of mean index by year.
fn trend_chart(points: &[(i32, f64, usize)], title: &str) -> String {
    if points.is_empty() {
        return String::new();
    }
    let (w, h, pad) = (420.0, 180.0, 36.0);
    let lo = points.iter().map(|p| p.1).fold(f64::MAX, f64::min) - 1.0;
    let hi = points.iter().map(|p| p.1).fold(f64::MIN, f64::max) + 1.0;
    let x = |i: usize| pad + (w - 2.0 * pad) * i as f64 / (points.len().max(2) - 1) as f64;
    let y = |v: f64| h - pad - (h - 2.0 * pad) * (v - lo) / (hi - lo);
    let mut s = format!(
        "<svg class=\"trend\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\"><text x=\"0\" y=\"14\" font-weight=\"bold\">{}</text>",
        esc(title)
    );
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.1)))
        .collect();
    let _ = write!(
        s,
        "<polyline fill=\"none\" stroke=\"#b71c1c\" stroke-width=\"2\" points=\"{}\"/>",
        path.join(" ")
    );
    for (i, p) in points.iter().enumerate() {
        let _ = write!(
            s,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#b71c1c\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{:.1}</text><text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
            x(i),
            y(p.1),
            x(i),
            y(p.1) - 7.0,
            p.1,
            x(i),
            h - 12.0,
            p.0
        );
    }
    s.push_str("</svg>");
    s
}

async fn overview(State(state): State<Shared>, ctx: PageSignedIn) -> PageResult {
    let p = ctx.user().or_page(&ctx)?;
    // Roles without the dashboard land on what they may see.
    if !p.may(Capability::Targets) {
        let to = match (p.role, p.scope.first()) {
            (Role::Enterprise, Some(code)) => format!("/enterprises/{code}"),
            (Role::Bank, _) => "/ranking".into(),
            _ => "/tables".into(),
        };
        return Ok(Redirect::to(&to).into_response());
    }
    let l = ctx.lang;
    let built = api::build_and_year(&state, None).await;
    if let Err(ApiError::NotFound(_)) = built {
        let body = format!(
            "<p>{}</p>",
            l.pick(
                "尚无指数构建。请先上报调查数据并构建指数。",
                "No index has been built yet: upload survey data and build the index first."
            )
        );
        return Ok(page(&ctx, p, l.pick("概览", "Overview"), &body));
    }
    let (build, _) = built.or_page(&ctx)?;
    let batch = state
        .store
        .latest_batch()
        .await
        .map_err(ApiError::from)
        .or_page(&ctx)?;
    let key = format!(
        "overview/{}/{batch}/{:?}/{}",
        build.id,
        p.role,
        p.scope.join(",")
    );
    let state2 = state.clone();
    let p2 = p.clone();
    let o: Arc<Overview> = state
        .cached(key, || async move { compute_overview(&state2, &p2).await })
        .await
        .or_page(&ctx)?;
    state
        .auditor
        .record(
            &p.name,
            kechuang_store::AuditAction::OverviewRead,
            &o.year.to_string(),
            &ctx.remote,
            "ok",
        )
        .await;
    let mut body = format!(
        "<p class=\"muted\">{} {} · {} {}</p><div class=\"cards\" id=\"cards\">\
         <div class=\"card\"><b>{}</b>{}</div><div class=\"card\"><b>{}</b>{}</div><div class=\"card\"><b>{}</b>{}</div>",
        l.pick("年度", "Year"),
        o.year,
        l.pick("指数构建", "index build"),
        build.id,
        o.enterprises,
        l.pick("企业", "enterprises"),
        o.scored,
        l.pick("已评分", "scored"),
        fmt(o.mean, 1),
        l.pick("平均创新指数", "mean innovation index"),
    );
    for (n, zh, en) in &o.certified {
        let _ = write!(
            body,
            "<div class=\"card\"><b>{n}</b>{}</div>",
            l.pick(zh, en)
        );
    }
    body.push_str("</div><div class=\"charts\">");
    body += &kechuang_tabular::bar_chart(
        l.pick("创新指数分布", "Distribution of the index"),
        &o.histogram,
        "",
    );
    body += &trend_chart(&o.trend, l.pick("年度平均指数", "Mean index by year"));
    body.push_str("</div>");
    let _ = write!(
        body,
        "<h2>{}</h2>{}<h2>{}</h2>{}",
        l.pick("按区", "By district"),
        one_way_html(&o.by_district, l, "by-district"),
        l.pick("按行业", "By industry"),
        one_way_html(&o.by_industry, l, "by-industry")
    );
    if !o.movers.is_empty() {
        let _ = write!(
            body,
            "<h2>{}</h2><table id=\"movers\"><tr><th>{}</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">Δ</th></tr>",
            l.pick("进步最快", "Top movers"),
            l.pick("企业", "Enterprise"),
            l.pick("信用代码", "Credit code"),
            o.year - 1,
            o.year
        );
        for (code, name, before, now) in &o.movers {
            let _ = write!(
                body,
                "<tr><td><a href=\"/enterprises/{c}\">{}</a></td><td>{c}</td><td class=\"num\">{before:.1}</td><td class=\"num\">{now:.1}</td><td class=\"num\">{:+.1}</td></tr>",
                esc(name),
                now - before,
                c = esc(code)
            );
        }
        body.push_str("</table>");
    }
    Ok(page(&ctx, p, l.pick("概览", "Overview"), &body))
}

// --- ranking --------------------------------------------------------------------------------------

fn query_string(params: &ListParams, page: Option<i64>, sort: Option<(&str, &str)>) -> String {
    let mut parts = Vec::new();
    let mut add = |k: &str, v: &Option<String>| {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            parts.push(format!("{k}={}", percent_encode(v)));
        }
    };
    add("district", &params.district);
    add("industry", &params.industry);
    add("field", &params.field);
    add("stage", &params.stage);
    add("q", &params.q);
    match sort {
        Some((s, o)) => parts.push(format!("sort={s}&order={o}")),
        None => {
            add("sort", &params.sort);
            add("order", &params.order);
        }
    }
    if let Some(y) = params.year {
        parts.push(format!("year={y}"));
    }
    if let Some(p) = page {
        parts.push(format!("page={p}"));
    }
    parts.join("&")
}

fn select(name: &str, label: &str, current: Option<&str>, options: &[(String, String)]) -> String {
    let mut s = format!(
        "<label>{}<select name=\"{name}\" id=\"f-{name}\"><option value=\"\">—</option>",
        esc(label)
    );
    for (v, text) in options {
        let _ = write!(
            s,
            "<option value=\"{}\"{}>{}</option>",
            esc(v),
            if current == Some(v.as_str()) {
                " selected"
            } else {
                ""
            },
            esc(text)
        );
    }
    s.push_str("</select></label>");
    s
}

fn district_options(p: &Principal) -> Vec<(String, String)> {
    TIANJIN_DISTRICTS
        .iter()
        .filter(|d| {
            p.role != Role::DistrictOfficer
                || p.scope.iter().any(|s| s == d.0)
                || p.scope.iter().any(|s| s.len() != 6)
        })
        .map(|d| (d.0.to_string(), d.1.to_string()))
        .collect()
}

async fn ranking(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ListEnterprises>,
    Query(params): Query<ListParams>,
) -> PageResult {
    let p = ctx.require(Capability::ListEnterprises).or_page(&ctx)?;
    let l = ctx.lang;
    let list = match api::ranking(&state, &ctx, &params).await {
        Ok(list) => list,
        Err(ApiError::NotFound(m)) => {
            return Ok(page(
                &ctx,
                p,
                l.pick("企业排名", "Ranking"),
                &format!("<p>{}</p>", esc(&m)),
            ));
        }
        Err(e) => return Err(PageError(e, l)),
    };
    let fields = field_options();
    let stages: Vec<(String, String)> =
        ["makerspace", "incubator", "accelerator", "industrial_park"]
            .iter()
            .zip(["众创空间", "孵化器", "加速器", "产业园区"])
            .map(|(k, z)| (k.to_string(), z.to_string()))
            .collect();
    let mut body = format!(
        "<form class=\"filters\" method=\"get\" action=\"/ranking\" id=\"filters\">{}<label>{}<input name=\"industry\" value=\"{}\" size=\"6\"></label>{}{}<label>{}<input name=\"q\" id=\"f-q\" value=\"{}\"></label><button>{}</button>\
         <a href=\"/api/v1/enterprises/export?{}\" id=\"export\">{}</a></form>",
        select(
            "district",
            l.pick("区", "District"),
            params.district.as_deref(),
            &district_options(p)
        ),
        l.pick("行业代码", "Industry code"),
        esc(params.industry.as_deref().unwrap_or("")),
        select(
            "field",
            l.pick("技术领域", "Field"),
            params.field.as_deref(),
            &fields
        ),
        select(
            "stage",
            l.pick("发展阶段", "Stage"),
            params.stage.as_deref(),
            &stages
        ),
        l.pick("名称或代码", "Name or code"),
        esc(params.q.as_deref().unwrap_or("")),
        l.pick("筛选", "Filter"),
        query_string(&params, None, None),
        l.pick("导出 CSV", "Export CSV")
    );
    let _ = write!(
        body,
        "<p class=\"muted\" id=\"total\">{} {} · {} {} · {} {}</p>",
        l.pick("年度", "Year"),
        list.year,
        l.pick("共", "matching:"),
        list.total,
        l.pick("第", "page"),
        list.page
    );
    let order_for = |col: &str| {
        if params.sort.as_deref().unwrap_or("rank") == col
            && params.order.as_deref() != Some("desc")
        {
            "desc"
        } else {
            "asc"
        }
    };
    let _ = write!(
        body,
        "<table id=\"ranking\"><tr><th><a href=\"/ranking?{}\">{}</a></th><th><a href=\"/ranking?{}\">{}</a></th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=\"num\"><a href=\"/ranking?{}\">{}</a></th></tr>",
        query_string(&params, None, Some(("rank", order_for("rank")))),
        l.pick("排名", "Rank"),
        query_string(&params, None, Some(("name", order_for("name")))),
        l.pick("企业", "Enterprise"),
        l.pick("信用代码", "Credit code"),
        l.pick("区", "District"),
        l.pick("行业", "Industry"),
        l.pick("技术领域", "Field"),
        query_string(&params, None, Some(("score", order_for("score")))),
        l.pick("创新指数", "Index"),
    );
    for r in &list.items {
        let field = r
            .tech_field
            .as_deref()
            .and_then(|k| TechField::parse(k).ok())
            .map_or("—", |f| f.zh());
        let _ = write!(
            body,
            "<tr><td class=\"num\">{}</td><td><a href=\"/enterprises/{c}\">{}</a></td><td>{c}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            r.rank.map_or("—".into(), |v| v.to_string()),
            esc(&r.name),
            esc(&district_name(&r.region_code)),
            esc(&r.industry_code),
            esc(field),
            fmt(r.score, 1),
            c = esc(&r.credit_code)
        );
    }
    body.push_str("</table><p class=\"pager\">");
    let pages = (list.total + list.per_page - 1) / list.per_page;
    if list.page > 1 {
        let _ = write!(
            body,
            "<a href=\"/ranking?{}\" id=\"prev\">‹ {}</a>",
            query_string(&params, Some(list.page - 1), None),
            l.pick("上一页", "previous")
        );
    }
    let _ = write!(body, " {} / {} ", list.page, pages.max(1));
    if list.page < pages {
        let _ = write!(
            body,
            "<a href=\"/ranking?{}\" id=\"next\">{} ›</a>",
            query_string(&params, Some(list.page + 1), None),
            l.pick("下一页", "next")
        );
    }
    body.push_str("</p>");
    Ok(page(&ctx, p, l.pick("企业排名", "Ranking"), &body))
}

// --- portrait -------------------------------------------------------------------------------------

async fn portrait(
    State(state): State<Shared>,
    ctx: PageSignedIn,
    Path(code): Path<String>,
    Query(y): Query<api::YearParam>,
) -> PageResult {
    let p = ctx.user().or_page(&ctx)?;
    let code = code.trim().to_ascii_uppercase();
    let portrait = api::portrait_of(&state, &ctx, &code, y.year)
        .await
        .or_page(&ctx)?;
    let html = kechuang_portrait::html::render(&portrait, ctx.lang);
    // The portrait is a standalone report: the site's header goes in front of it.
    let header = format!(
        "<style>{}</style><header class=\"site\"><a href=\"/\"><b>科创 kechuang</b></a>{}</header>",
        STYLE
            .split('}')
            .filter(|r| r.trim_start().starts_with("header"))
            .map(|r| format!("{r}}}"))
            .collect::<String>()
            .replace("header{", "header.site{margin:-24px -24px 16px;")
            .replace("header ", "header.site "),
        nav(&ctx, p)
    );
    // The years of the build, to move through the portrait's history; similar enterprises link on.
    let mut years = format!(
        "<p class=\"years\" id=\"years\">{} ",
        ctx.lang.pick("年度：", "Year:")
    );
    for (y, score) in &portrait.trend {
        if score.is_none() {
            continue;
        }
        if *y == portrait.year {
            let _ = write!(years, "<b>{y}</b> ");
        } else {
            let _ = write!(
                years,
                "<a href=\"/enterprises/{}?year={y}\">{y}</a> ",
                percent_encode(&code)
            );
        }
    }
    years.push_str("</p>");
    let header = format!("{header}{years}");
    // Matchmaking suggestions for the weakest pillars, when there is a catalogue to draw on.
    let mut advice = String::new();
    if p.may(Capability::ListEnterprises)
        && let Ok(found) = crate::matchmaking::suggestions_from(&state, &portrait).await
        && found.iter().any(|(_, m)| !m.is_empty())
    {
        let _ = write!(
            advice,
            "<h2>{}</h2><table id=\"suggestions\"><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
            ctx.lang.pick(
                "对接建议（针对薄弱维度）",
                "Matchmaking suggestions for the weakest pillars"
            ),
            ctx.lang.pick("维度", "Pillar"),
            ctx.lang.pick("资源", "Supply"),
            ctx.lang.pick("理由", "Why"),
        );
        for (pillar, matches) in &found {
            for m in matches {
                let _ = write!(
                    advice,
                    "<tr><td>{}</td><td><a href=\"/match/{}/{}\">{}</a></td><td>{}</td></tr>",
                    esc(pillar),
                    m.kind.key(),
                    percent_encode(&m.id),
                    esc(&m.title),
                    esc(&m.explanation.summary_zh)
                );
            }
        }
        advice.push_str("</table>");
    }
    let html = match html.find("<body>") {
        Some(i) => format!("{}{header}{}", &html[..i + 6], &html[i + 6..]),
        None => html,
    };
    let html = match html.rfind("</body>") {
        Some(i) => format!("{}{advice}{}", &html[..i], &html[i..]),
        None => html,
    };
    Ok(Html(html).into_response())
}

// --- targets --------------------------------------------------------------------------------------

#[derive(Debug, Deserialize, Default)]
struct TargetQuery {
    scheme: Option<String>,
    #[serde(flatten)]
    params: TargetParams,
}

async fn targets(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Targets>,
    Query(q): Query<TargetQuery>,
) -> PageResult {
    let p = ctx.require(Capability::Targets).or_page(&ctx)?;
    let l = ctx.lang;
    let scheme = q
        .scheme
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| {
            state
                .rules
                .first()
                .map_or_else(String::new, |r| r.spec.id.clone())
        });
    let options: Vec<(String, String)> = state
        .rules
        .iter()
        .map(|r| {
            (
                r.spec.id.clone(),
                l.pick(&r.spec.name, &r.spec.name_en).to_string(),
            )
        })
        .collect();
    let outcomes = vec![
        (
            "qualifies".to_string(),
            l.pick("符合", "qualifies").to_string(),
        ),
        (
            "needs_expert".to_string(),
            l.pick("待专家评审", "awaits expert review").to_string(),
        ),
        (
            "near_miss".to_string(),
            l.pick("接近符合", "near miss").to_string(),
        ),
    ];
    let mut body = format!(
        "<form class=\"filters\" method=\"get\" action=\"/targets\" id=\"filters\">{}{}{}<label>{}<input name=\"industry\" value=\"{}\" size=\"6\"></label><button>{}</button></form>",
        select("scheme", l.pick("政策", "Scheme"), Some(&scheme), &options),
        select(
            "outcome",
            l.pick("结论", "Outcome"),
            q.params.outcome.as_deref(),
            &outcomes
        ),
        select(
            "district",
            l.pick("区", "District"),
            q.params.district.as_deref(),
            &district_options(p)
        ),
        l.pick("行业代码", "Industry code"),
        esc(q.params.industry.as_deref().unwrap_or("")),
        l.pick("筛选", "Filter")
    );
    let t = match api::target_page(&state, &ctx, &scheme, &q.params).await {
        Ok(t) => t,
        Err(ApiError::NotFound(m)) => {
            body += &format!("<p>{}</p>", esc(&m));
            return Ok(page(&ctx, p, l.pick("政策靶向", "Scheme targeting"), &body));
        }
        Err(e) => return Err(PageError(e, l)),
    };
    let _ = write!(
        body,
        "<p id=\"summary\">{} {} · {} {} · {} <b>{}</b> · {} <b>{}</b> · {} <b>{}</b></p>\
         <table id=\"targets\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th>{}</th></tr>",
        esc(&t.name),
        esc(&t.version),
        l.pick("年度", "year"),
        t.year,
        l.pick("符合", "qualify"),
        t.qualifies,
        l.pick("待专家评审", "awaiting expert review"),
        t.needs_expert,
        l.pick("接近符合", "near misses"),
        t.near_miss,
        l.pick("结论", "Outcome"),
        l.pick("企业", "Enterprise"),
        l.pick("区", "District"),
        l.pick("行业", "Industry"),
        l.pick("得分", "Score"),
        l.pick("差距与未满足条件", "Gaps and unmet criteria"),
    );
    for r in &t.items {
        let mut why: Vec<String> = r.gaps.clone();
        why.extend(r.failed.iter().map(|f| format!("✗ {f}")));
        let _ = write!(
            body,
            "<tr><td>{}</td><td><a href=\"/enterprises/{c}\">{}</a><br><span class=\"muted\">{c}</span></td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            match r.outcome {
                "qualifies" => l.pick("符合", "qualifies"),
                "needs_expert" => l.pick("待专家评审", "awaits expert review"),
                _ => l.pick("接近", "near miss"),
            },
            esc(&r.name),
            esc(&r.district),
            esc(&r.industry_code),
            fmt(r.score, 1),
            esc(&why.join("；")),
            c = esc(&r.credit_code)
        );
    }
    body.push_str("</table>");
    let pages = (t.total as i64 + 49) / 50;
    let mut filters = String::new();
    for (k, v) in [
        ("outcome", &q.params.outcome),
        ("district", &q.params.district),
        ("industry", &q.params.industry),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            let _ = write!(filters, "&{k}={}", percent_encode(v));
        }
    }
    let qs = format!("scheme={}{filters}", percent_encode(&scheme));
    let _ = write!(
        body,
        "<p><a id=\"export\" href=\"/api/v1/schemes/{}/targets/export?{}\">{}</a></p>",
        percent_encode(&scheme),
        filters.trim_start_matches('&'),
        l.pick("导出 CSV", "Export CSV")
    );
    body.push_str("<p class=\"pager\">");
    if t.page > 1 {
        let _ = write!(body, "<a href=\"/targets?{qs}&page={}\">‹</a>", t.page - 1);
    }
    let _ = write!(body, " {} / {} ", t.page, pages.max(1));
    if t.page < pages {
        let _ = write!(body, "<a href=\"/targets?{qs}&page={}\">›</a>", t.page + 1);
    }
    body.push_str("</p>");
    Ok(page(&ctx, p, l.pick("政策靶向", "Scheme targeting"), &body))
}

/// A multipart form's text fields and its `file` (name and bytes).
async fn read_form(
    form: &mut Multipart,
) -> ApiResult<(Vec<(String, String)>, Option<(String, Vec<u8>)>)> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else {
            ApiError::BadRequest(e.body_text())
        }
    };
    let mut fields = Vec::new();
    let mut file = None;
    while let Some(field) = form.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("upload.csv").to_string();
            file = Some((file_name, field.bytes().await.map_err(bad)?.to_vec()));
        } else {
            fields.push((name, field.text().await.map_err(bad)?));
        }
    }
    Ok((fields, file))
}

// --- survey upload --------------------------------------------------------------------------------

fn upload_form_html(l: Lang, p: &Principal) -> String {
    format!(
        "<form method=\"post\" enctype=\"multipart/form-data\" action=\"{}\" id=\"upload\">\
         <label>{}<input type=\"file\" name=\"file\" id=\"file\" accept=\".csv,.xlsx\" required></label>\
         <label><span><input type=\"checkbox\" name=\"dry_run\" value=\"true\" id=\"dry-run\"> {}</span></label>\
         <p><button type=\"submit\" id=\"upload-submit\">{}</button></p></form>\
         <p class=\"muted\">{}</p>",
        action("/upload", p),
        l.pick("调查文件（CSV 或 XLSX）", "Survey file (CSV or XLSX)"),
        l.pick("仅校验，不导入", "validate only, do not import"),
        l.pick("上传", "Upload"),
        l.pick(
            "每一行都会校验；有错误时整个文件不导入。模板：kechuang survey template。",
            "Every row is validated; a file with errors is not imported at all. Template: kechuang survey template."
        )
    )
}

async fn upload_form(ctx: PageAllowed<can::FileSurvey>) -> PageResult {
    let p = ctx.require(Capability::FileSurvey).or_page(&ctx)?;
    let l = ctx.lang;
    Ok(page(
        &ctx,
        p,
        l.pick("调查上报", "Survey upload"),
        &upload_form_html(l, p),
    ))
}

async fn upload_submit(
    State(state): State<Shared>,
    ctx: PageAllowed<can::FileSurvey>,
    mut form: Multipart,
) -> PageResult {
    let p = ctx.require(Capability::FileSurvey).or_page(&ctx)?;
    let l = ctx.lang;
    let (fields, file) = read_form(&mut form).await.or_page(&ctx)?;
    let dry_run = fields.iter().any(|(k, _)| k == "dry_run");
    let (name, bytes) = file
        .ok_or_else(|| ApiError::BadRequest("choose a file".into()))
        .or_page(&ctx)?;
    let mut body = upload_form_html(l, p);
    match api::upload_survey(&state, &ctx, &name, &bytes, dry_run).await {
        Ok(r) => {
            let verdict = if r.imported {
                format!(
                    "<p class=\"ok\" id=\"verdict\">{} {}</p>",
                    l.pick("已导入：", "Imported:"),
                    esc(&r
                        .summary
                        .as_ref()
                        .map(|s| s.to_string())
                        .unwrap_or_default())
                )
            } else if r.errors > 0 {
                format!(
                    "<p class=\"error\" id=\"verdict\">{}</p>",
                    l.pick(
                        "文件有错误，未导入任何数据。",
                        "The file has errors; nothing was imported."
                    )
                )
            } else {
                format!(
                    "<p class=\"ok\" id=\"verdict\">{}</p>",
                    l.pick("校验通过（未导入）。", "Valid (not imported).")
                )
            };
            let _ = write!(
                body,
                "<h2>{}</h2>{verdict}<p id=\"counts\">{} · {} {} · {} {} · {} {}</p>\
                 <table id=\"report\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
                l.pick("校验报告", "Validation report"),
                esc(&r.file_name),
                l.pick("行数", "rows"),
                r.rows,
                l.pick("错误", "errors"),
                r.errors,
                l.pick("警告", "warnings"),
                r.warnings,
                l.pick("行", "Row"),
                l.pick("列", "Column"),
                l.pick("值", "Value"),
                l.pick("级别", "Severity"),
                l.pick("规则", "Rule"),
                l.pick("说明", "Message"),
            );
            for i in r.issues.iter().take(1000) {
                let _ = write!(
                    body,
                    "<tr class=\"{}\"><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    i.severity,
                    i.row,
                    esc(&i.column),
                    esc(&i.value),
                    i.severity,
                    esc(&i.rule),
                    esc(&i.message)
                );
            }
            body.push_str("</table>");
        }
        Err(ApiError::BadRequest(m)) => {
            let _ = write!(body, "<p class=\"error\" id=\"verdict\">{}</p>", esc(&m));
        }
        Err(e) => return Err(PageError(e, l)),
    }
    Ok(page(&ctx, p, l.pick("调查上报", "Survey upload"), &body))
}

// --- builds ---------------------------------------------------------------------------------------

async fn builds(State(state): State<Shared>, ctx: PageAllowed<can::BuildIndex>) -> PageResult {
    let p = ctx.require(Capability::BuildIndex).or_page(&ctx)?;
    let l = ctx.lang;
    let builds = api::builds_json(&state).await.or_page(&ctx)?;
    let batches = state
        .store
        .batches()
        .await
        .map_err(ApiError::from)
        .or_page(&ctx)?;
    let mut body = format!(
        "<form method=\"post\" action=\"{}\"><button id=\"rebuild\">{}</button></form><h2>{}</h2>\
         <table id=\"builds\"><tr><th>#</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th>{}</th><th>{}</th></tr>",
        action("/builds", p),
        l.pick("重新构建指数", "Rebuild the index"),
        l.pick("指数构建", "Index builds"),
        l.pick("指标框架", "Framework"),
        l.pick("年度", "Years"),
        l.pick("企业年", "Units"),
        l.pick("时间", "When"),
        l.pick("用户", "By"),
    );
    for b in &builds {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{} {}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            b["id"],
            esc(b["framework"].as_str().unwrap_or("")),
            esc(b["framework_version"].as_str().unwrap_or("")),
            esc(&b["years"]
                .as_array()
                .map(|ys| ys
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "))
                .unwrap_or_default()),
            b["units"],
            esc(b["created_at"].as_str().unwrap_or("")),
            esc(b["user"].as_str().unwrap_or(""))
        );
    }
    let _ = write!(
        body,
        "</table><h2>{}</h2><table id=\"imports\"><tr><th>#</th><th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th>{}</th><th>{}</th></tr>",
        l.pick("导入批次", "Imports"),
        l.pick("文件", "File"),
        l.pick("行数", "Rows"),
        l.pick("新增", "Inserted"),
        l.pick("更新", "Updated"),
        l.pick("用户", "By"),
        l.pick("时间", "When"),
    );
    for b in &batches {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td><td>{}</td></tr>",
            b.id,
            esc(&b.file_name),
            b.rows_total,
            b.rows_inserted,
            b.rows_updated,
            esc(&b.user_name),
            esc(&b.imported_at)
        );
    }
    body.push_str("</table>");
    Ok(page(&ctx, p, l.pick("指数构建", "Index builds"), &body))
}

async fn rebuild(State(state): State<Shared>, ctx: PageAllowed<can::BuildIndex>) -> PageResult {
    match api::start_rebuild(&state, &ctx).await {
        Ok(()) | Err(ApiError::Conflict(_)) => Ok(Redirect::to("/builds").into_response()),
        Err(e) => Err(PageError(e, ctx.lang)),
    }
}

// --- regional tables ------------------------------------------------------------------------------

async fn tables(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ReadAggregates>,
    Query(y): Query<api::YearParam>,
) -> PageResult {
    let p = ctx.user().or_page(&ctx)?;
    let l = ctx.lang;
    let t = match api::region_tables(&state, &ctx, y.year).await {
        Ok(t) => t,
        Err(ApiError::NotFound(m)) => {
            return Ok(page(
                &ctx,
                p,
                l.pick("区域统计", "Regional tables"),
                &format!("<p>{}</p>", esc(&m)),
            ));
        }
        Err(e) => return Err(PageError(e, l)),
    };
    let bars: Vec<(String, f64)> = t
        .by_district
        .published()
        .filter_map(|(label, f)| f.map(|f| (label.to_string(), f.enterprises as f64)))
        .collect();
    let body = format!(
        "<p class=\"muted\">{} {} · {}</p>{}<h2>{}</h2>{}<h2>{}</h2>{}<h2>{}</h2>{}",
        l.pick("年度", "Year"),
        t.year,
        l.pick(
            "已做统计披露控制：少于 3 家企业或单一企业占比过高的单元格以 x 表示。",
            "Statistical disclosure control applied: cells with fewer than 3 enterprises or one dominant enterprise show x."
        ),
        kechuang_tabular::bar_chart(l.pick("各区企业数", "Enterprises by district"), &bars, ""),
        l.pick("按区", "By district"),
        one_way_html(&t.by_district, l, "by-district"),
        l.pick("按行业", "By industry"),
        one_way_html(&t.by_industry, l, "by-industry"),
        l.pick("按技术领域", "By high-tech field"),
        one_way_html(&t.by_field, l, "by-field"),
    );
    Ok(page(&ctx, p, l.pick("区域统计", "Regional tables"), &body))
}

// --- consents -------------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct ConsentForm {
    bank: String,
    credit_code: Option<String>,
    revoke: Option<String>,
}

async fn consents(State(state): State<Shared>, ctx: PageSignedIn) -> PageResult {
    let p = ctx.user().or_page(&ctx)?;
    let l = ctx.lang;
    let list = api::visible_consents(&state, &ctx).await.or_page(&ctx)?;
    let mut body = String::new();
    if p.may(Capability::ManageConsents) {
        let code_field = if p.role == Role::Enterprise {
            String::new()
        } else {
            format!(
                "<label>{}<input name=\"credit_code\" required></label>",
                l.pick("信用代码", "Credit code")
            )
        };
        let _ = write!(
            body,
            "<form class=\"filters\" method=\"post\" action=\"{}\" id=\"grant\">{code_field}<label>{}<input name=\"bank\" id=\"bank\" required></label><button>{}</button></form>",
            action("/consents", p),
            l.pick("银行", "Bank"),
            l.pick("授权", "Grant")
        );
    }
    let _ = write!(
        body,
        "<table id=\"consents\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr>",
        l.pick("企业", "Enterprise"),
        l.pick("银行", "Bank"),
        l.pick("授权", "Granted"),
        l.pick("撤销", "Revoked"),
    );
    for c in &list {
        let revoke = if c.revoked_at.is_none() && p.may(Capability::ManageConsents) {
            format!(
                "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"bank\" value=\"{}\"><input type=\"hidden\" name=\"credit_code\" value=\"{}\"><input type=\"hidden\" name=\"revoke\" value=\"1\"><button>{}</button></form>",
                action("/consents", p),
                esc(&c.bank),
                esc(&c.credit_code),
                l.pick("撤销", "Revoke")
            )
        } else {
            String::new()
        };
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{} {}</td><td>{} {}</td><td>{revoke}</td></tr>",
            esc(&c.credit_code),
            esc(&c.bank),
            esc(&c.granted_at),
            esc(&c.granted_by),
            esc(c.revoked_at.as_deref().unwrap_or("")),
            esc(c.revoked_by.as_deref().unwrap_or(""))
        );
    }
    body.push_str("</table>");
    Ok(page(&ctx, p, l.pick("征信授权", "Consents"), &body))
}

async fn consent_change(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ManageConsents>,
    Form(f): Form<ConsentForm>,
) -> PageResult {
    let body = api::ConsentBody {
        credit_code: f.credit_code.filter(|c| !c.trim().is_empty()),
        bank: f.bank,
    };
    match api::change_consent(&state, &ctx, &body, f.revoke.is_none()).await {
        Ok(_) => Ok(Redirect::to("/consents").into_response()),
        Err(e) => Err(PageError(e, ctx.lang)),
    }
}

// --- administration -------------------------------------------------------------------------------

#[derive(Debug, Deserialize)]
struct AdminQuery {
    user: Option<String>,
    page: Option<i64>,
}

#[derive(Debug, Deserialize)]
struct TokenForm {
    label: String,
    scopes: String,
}

async fn admin(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Administer>,
    Query(q): Query<AdminQuery>,
) -> PageResult {
    let p = ctx.require(Capability::Administer).or_page(&ctx)?;
    admin_page(&state, &ctx, p, &q, None).await
}

async fn admin_page(
    state: &Shared,
    ctx: &Ctx,
    p: &Principal,
    q: &AdminQuery,
    notice: Option<String>,
) -> PageResult {
    let l = ctx.lang;
    let users = state
        .store
        .users()
        .await
        .map_err(ApiError::from)
        .or_page(ctx)?;
    let mut body = notice.map_or_else(String::new, |n| {
        format!("<p class=\"ok\" id=\"notice\">{n}</p>")
    });
    let roles: Vec<(String, String)> = Role::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_string(),
                l.pick(r.zh(), r.as_str()).to_string(),
            )
        })
        .collect();
    let _ = write!(
        body,
        "<h2>{}</h2><form class=\"filters\" method=\"post\" action=\"{}\" id=\"add-user\"><label>{}<input name=\"name\" required></label><label>{}<input name=\"display_name\"></label>\
         <label>{}<input name=\"password\" type=\"password\" minlength=\"10\" required></label>{}<label>{}<input name=\"scope\" placeholder=\"120116, 天津滨海高新技术产业开发区 / 9112…/ 银行\"></label><button>{}</button></form>\
         <table id=\"users\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr>",
        l.pick("用户", "Users"),
        action("/admin", p),
        l.pick("用户名", "Name"),
        l.pick("显示名", "Shown as"),
        l.pick("密码", "Password"),
        select("role", l.pick("角色", "Role"), None, &roles),
        l.pick("范围", "Scope"),
        l.pick("新增用户", "Add user"),
        l.pick("用户名", "Name"),
        l.pick("显示名", "Shown as"),
        l.pick("角色", "Role"),
        l.pick("范围", "Scope"),
        l.pick("状态", "Status"),
    );
    for u in &users {
        let role = Role::parse(&u.role).map_or(u.role.as_str(), |r| l.pick(r.zh(), r.as_str()));
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&u.name),
            esc(&u.display_name),
            esc(role),
            esc(&u.scope),
            if u.disabled {
                l.pick("已停用", "disabled")
            } else {
                l.pick("正常", "active")
            }
        );
    }
    body.push_str("</table>");
    let _ = write!(
        body,
        "<h2>{}</h2><form class=\"filters\" method=\"post\" action=\"{}\" id=\"add-token\"><label>{}<input name=\"label\" required></label><label>{}<input name=\"scopes\" value=\"read\"></label><button>{}</button></form>",
        l.pick("API 令牌", "API tokens"),
        action("/tokens", p),
        l.pick("用途", "Label"),
        l.pick("权限 (read,write,admin)", "Scopes (read,write,admin)"),
        l.pick("创建令牌", "Create token")
    );
    let audit = api::audit_page(
        state,
        ctx,
        &api::AuditParams {
            user: q.user.clone(),
            page: q.page,
            per_page: Some(100),
        },
    )
    .await
    .or_page(ctx)?;
    let _ = write!(
        body,
        "<h2>{}</h2><p class=\"muted\">{} {}</p><table id=\"audit\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        l.pick("审计日志", "Audit log"),
        l.pick("共", "entries:"),
        audit["total"],
        l.pick("时间", "When"),
        l.pick("用户", "Who"),
        l.pick("操作", "Action"),
        l.pick("对象", "Target"),
        l.pick("来源", "From"),
        l.pick("结果", "Outcome"),
    );
    for e in audit["items"].as_array().into_iter().flatten() {
        let s = |k: &str| esc(e[k].as_str().unwrap_or(""));
        let _ = write!(
            body,
            "<tr><td>{}</td><td><a href=\"/admin?user={}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            s("at"),
            percent_encode(e["user"].as_str().unwrap_or("")),
            s("user"),
            s("action"),
            s("target"),
            s("remote"),
            s("outcome")
        );
    }
    body.push_str("</table>");
    let page_no = audit["page"].as_i64().unwrap_or(1);
    let total = audit["total"].as_i64().unwrap_or(0);
    let user_q = q
        .user
        .as_deref()
        .map_or_else(String::new, |u| format!("&user={}", percent_encode(u)));
    body.push_str("<p class=\"pager\">");
    if page_no > 1 {
        let _ = write!(
            body,
            "<a href=\"/admin?page={}{user_q}\">‹</a>",
            page_no - 1
        );
    }
    if page_no * 100 < total {
        let _ = write!(
            body,
            "<a href=\"/admin?page={}{user_q}\">›</a>",
            page_no + 1
        );
    }
    body.push_str("</p>");
    Ok(page(ctx, p, l.pick("系统管理", "Administration"), &body))
}

async fn admin_add_user(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Administer>,
    Form(u): Form<api::UserBody>,
) -> PageResult {
    let p = ctx.require(Capability::Administer).or_page(&ctx)?;
    let u = api::UserBody {
        display_name: u.display_name.filter(|d| !d.trim().is_empty()),
        ..u
    };
    api::add_user(&state.store, &u).await.or_page(&ctx)?;
    state
        .auditor
        .record(
            &p.name,
            kechuang_store::AuditAction::UserCreate,
            &format!("{} ({})", u.name, u.role),
            &ctx.remote,
            "ok",
        )
        .await;
    Ok(Redirect::to("/admin").into_response())
}

#[derive(Debug, Deserialize)]
struct ToggleForm {
    disabled: bool,
}

async fn admin_toggle_user(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Administer>,
    Path(name): Path<String>,
    Form(f): Form<ToggleForm>,
) -> PageResult {
    let p = ctx.require(Capability::Administer).or_page(&ctx)?;
    if name == p.name {
        return Err(PageError(
            ApiError::BadRequest("you cannot disable your own account".into()),
            ctx.lang,
        ));
    }
    if !state
        .store
        .set_disabled(&name, f.disabled)
        .await
        .map_err(ApiError::from)
        .or_page(&ctx)?
    {
        return Err(PageError(
            ApiError::NotFound(format!("no user '{name}'")),
            ctx.lang,
        ));
    }
    state
        .auditor
        .record(
            &p.name,
            if f.disabled {
                kechuang_store::AuditAction::UserDisable
            } else {
                kechuang_store::AuditAction::UserEnable
            },
            &name,
            &ctx.remote,
            "ok",
        )
        .await;
    Ok(Redirect::to("/admin").into_response())
}

async fn token_create(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Administer>,
    Form(f): Form<TokenForm>,
) -> PageResult {
    let p = ctx.require(Capability::Administer).or_page(&ctx)?;
    let (id, secret) = api::new_token(
        &state,
        &ctx,
        &api::TokenBody {
            label: f.label,
            scopes: f.scopes,
        },
    )
    .await
    .or_page(&ctx)?;
    let notice = format!(
        "{} #{id}: <code id=\"new-token\">{}</code> — {}",
        ctx.lang.pick("新令牌", "New token"),
        esc(&secret),
        ctx.lang.pick(
            "只显示这一次，请妥善保存。",
            "shown this once only; keep it safe."
        )
    );
    admin_page(
        &state,
        &ctx,
        p,
        &AdminQuery {
            user: None,
            page: None,
        },
        Some(notice),
    )
    .await
}

// --- matchmaking ----------------------------------------------------------------------------------

fn kind_name(l: Lang, k: kechuang_matching::Kind) -> &'static str {
    use kechuang_matching::Kind::*;
    match k {
        Demand => l.pick("技术需求", "Demand"),
        Achievement => l.pick("科技成果", "Achievement"),
        Patent => l.pick("专利", "Patent"),
        Expert => l.pick("专家", "Expert"),
        Equipment => l.pick("共享仪器", "Equipment"),
        Service => l.pick("服务机构", "Service"),
    }
}

async fn match_search(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ListEnterprises>,
    Query(q): Query<crate::matchmaking::SearchParams>,
) -> PageResult {
    let p = ctx.require(Capability::ListEnterprises).or_page(&ctx)?;
    let l = ctx.lang;
    let kinds: Vec<(String, String)> = kechuang_matching::Kind::ALL
        .iter()
        .map(|k| (k.key().to_string(), kind_name(l, *k).to_string()))
        .collect();
    let regions = region_options();
    let fields = field_options();
    let mut body = format!(
        "<form class=\"filters\" method=\"get\" action=\"/match\" id=\"match-search\"><label>{}<input name=\"q\" id=\"q\" value=\"{}\" size=\"30\"></label>{}{}{}\
         <label>{}<input name=\"trl_min\" value=\"{}\" size=\"3\"></label><label><span><input type=\"checkbox\" name=\"available\" value=\"true\"{}> {}</span></label><button>{}</button></form>",
        l.pick("关键词", "Words"),
        esc(q.q.as_deref().unwrap_or("")),
        select("kind", l.pick("类型", "Kind"), q.kind.as_deref(), &kinds),
        select(
            "field",
            l.pick("技术领域", "Field"),
            q.field.as_deref(),
            &fields
        ),
        select(
            "region",
            l.pick("地区", "Region"),
            q.region.as_deref(),
            &regions
        ),
        l.pick("最低成熟度", "TRL at least"),
        q.trl_min.map(|t| t.to_string()).unwrap_or_default(),
        if q.available { " checked" } else { "" },
        l.pick("仅可用", "available only"),
        l.pick("搜索", "Search"),
    );
    if matches!(p.role, Role::Admin | Role::Analyst | Role::Enterprise) {
        let _ = write!(
            body,
            "<p><a href=\"/match/new-demand\" id=\"new-demand\">{}</a></p>",
            l.pick("＋ 发布一条技术需求", "+ Publish a technology demand")
        );
        body += &catalogue_form(l, p);
    }
    let hits = crate::matchmaking::run_search(&state, &ctx, &q)
        .await
        .or_page(&ctx)?;
    let _ = write!(
        body,
        "<p class=\"muted\" id=\"hits-count\">{} {}</p><ol id=\"hits\">",
        hits.len(),
        l.pick("条结果", "hits")
    );
    for h in &hits {
        let _ = write!(
            body,
            "<li><a href=\"/match/{}/{}\">{}</a> <span class=\"muted\">{} · {} · {}</span><br><span class=\"snippet\">{}</span></li>",
            h.kind.key(),
            percent_encode(&h.id),
            h.title_html,
            kind_name(l, h.kind),
            esc(&h.id),
            h.region.abbr(),
            h.snippet_html
        );
    }
    body.push_str("</ol>");
    Ok(page(&ctx, p, l.pick("产学研对接", "Matchmaking"), &body))
}

fn catalogue_form(l: Lang, p: &Principal) -> String {
    let kinds: Vec<(String, String)> = kechuang_matching::Kind::ALL
        .iter()
        .filter(|k| p.role != Role::Enterprise || **k == kechuang_matching::Kind::Demand)
        .map(|k| (k.key().to_string(), kind_name(l, *k).to_string()))
        .collect();
    format!(
        "<details><summary>{}</summary><form class=\"filters\" method=\"post\" enctype=\"multipart/form-data\" action=\"{}\" id=\"catalogue-import\">{}\
         <label>{}<input type=\"file\" name=\"file\" accept=\".csv,.xlsx\" required></label><button>{}</button></form>\
         <p class=\"muted\">{}</p></details>",
        l.pick("发布资源（CSV 或 XLSX）", "Publish entries (CSV or XLSX)"),
        action("/match/import", p),
        select("kind", l.pick("类型", "Kind"), Some("demand"), &kinds),
        l.pick("文件", "File"),
        l.pick("上传", "Upload"),
        l.pick(
            "每一行都会校验；有任何问题时整个文件不导入。列名见 docs/matching.md。",
            "Every row is validated; a file with any problem is not imported at all. Columns: docs/matching.md."
        )
    )
}

fn demand_form_html(
    l: Lang,
    p: &Principal,
    values: &std::collections::HashMap<String, String>,
) -> String {
    let v = |k: &str| esc(values.get(k).map_or("", String::as_str));
    let fields = field_options();
    let regions = region_options();
    let modes: Vec<(String, String)> = [
        ("joint", "合作开发"),
        ("commissioned", "委托开发"),
        ("transfer", "技术转让"),
        ("licence", "技术许可"),
        ("consulting", "技术咨询"),
    ]
    .iter()
    .map(|(k, z)| (k.to_string(), l.pick(z, k).to_string()))
    .collect();
    let enterprise = if p.role == Role::Enterprise {
        String::new()
    } else {
        format!(
            "<label>{}<input name=\"enterprise\" value=\"{}\" required></label>",
            l.pick("企业信用代码", "Enterprise credit code"),
            v("enterprise")
        )
    };
    format!(
        "<form method=\"post\" action=\"{}\" id=\"demand-form\">{enterprise}\
         <label>{}<input name=\"title\" value=\"{}\" size=\"60\" required></label>\
         <label>{}<textarea name=\"problem\" rows=\"3\" cols=\"60\" required>{}</textarea></label>\
         <label>{}<input name=\"indicators\" value=\"{}\" size=\"60\"></label>\
         <label>{}<input name=\"basis\" value=\"{}\" size=\"60\"></label>\
         <div class=\"filters\">{}{}{}<label>{}<input name=\"budget\" value=\"{}\" size=\"6\"></label>\
         <label>{}<input name=\"min_trl\" value=\"{}\" size=\"3\"></label><label>{}<input name=\"deadline\" value=\"{}\" placeholder=\"2027-06-30\" size=\"10\"></label></div>\
         <p><button id=\"demand-submit\">{}</button></p></form>",
        action("/match/new-demand", p),
        l.pick("需求名称", "Title"),
        v("title"),
        l.pick("需要解决的问题", "The problem"),
        v("problem"),
        l.pick("技术指标", "Technical indicators"),
        v("indicators"),
        l.pick("现有基础", "Existing basis"),
        v("basis"),
        select(
            "field",
            l.pick("技术领域", "Field"),
            values.get("field").map(String::as_str),
            &fields
        ),
        select(
            "region",
            l.pick("地区", "Region"),
            Some(values.get("region").map_or("津", String::as_str)),
            &regions
        ),
        select(
            "cooperation",
            l.pick("合作方式", "Cooperation"),
            values.get("cooperation").map(String::as_str),
            &modes
        ),
        l.pick("预算（万元）", "Budget (¥10k)"),
        v("budget"),
        l.pick("最低成熟度 TRL", "Least TRL"),
        v("min_trl"),
        l.pick("截止日期", "Deadline"),
        v("deadline"),
        l.pick("发布需求", "Publish the demand"),
    )
}

async fn demand_form(ctx: PageAllowed<can::ListEnterprises>) -> PageResult {
    let p = ctx.require(Capability::ListEnterprises).or_page(&ctx)?;
    if !matches!(p.role, Role::Admin | Role::Analyst | Role::Enterprise) {
        return Err(PageError(
            ApiError::Forbidden("this role does not publish demands".into()),
            ctx.lang,
        ));
    }
    let l = ctx.lang;
    Ok(page(
        &ctx,
        p,
        l.pick("发布技术需求", "Publish a technology demand"),
        &demand_form_html(l, p, &Default::default()),
    ))
}

async fn demand_submit(
    State(state): State<Shared>,
    ctx: PageSignedIn,
    Form(values): Form<std::collections::HashMap<String, String>>,
) -> PageResult {
    let p = ctx.user().or_page(&ctx)?;
    if !matches!(p.role, Role::Admin | Role::Analyst | Role::Enterprise) {
        return Err(PageError(
            ApiError::Forbidden("this role does not publish demands".into()),
            ctx.lang,
        ));
    }
    let l = ctx.lang;
    let mut values = values;
    if p.role == Role::Enterprise {
        values.insert(
            "enterprise".into(),
            p.scope.first().cloned().unwrap_or_default(),
        );
    }
    // One row of a demand file, through the same validation as an imported file.
    let id = format!("W{}", chrono::Utc::now().format("%Y%m%d%H%M%S%3f"));
    let mut header = vec!["id".to_string()];
    let mut row = vec![id.clone()];
    for k in kechuang_matching::import::columns(kechuang_matching::Kind::Demand) {
        if k != "id" {
            header.push(k.to_string());
            row.push(values.get(k).cloned().unwrap_or_default());
        }
    }
    match crate::matchmaking::import_rows(
        &state,
        &ctx,
        kechuang_matching::Kind::Demand,
        &[header, row],
    )
    .await
    .or_page(&ctx)?
    {
        Ok(_) => Ok(Redirect::to(&format!("/match/demand/{id}")).into_response()),
        Err(issues) => {
            let mut body = format!(
                "<p class=\"error\" id=\"verdict\">{}</p><ul id=\"report\">",
                l.pick("请更正以下问题：", "Please correct:")
            );
            for i in &issues {
                let _ = write!(
                    body,
                    "<li>{}: '{}' {}</li>",
                    esc(&i.column),
                    esc(&i.value),
                    esc(&i.message)
                );
            }
            body.push_str("</ul>");
            body += &demand_form_html(l, p, &values);
            Ok(page(
                &ctx,
                p,
                l.pick("发布技术需求", "Publish a technology demand"),
                &body,
            ))
        }
    }
}

async fn match_import(
    State(state): State<Shared>,
    ctx: PageSignedIn,
    mut form: Multipart,
) -> PageResult {
    let p = ctx.user().or_page(&ctx)?;
    let l = ctx.lang;
    let (fields, file) = read_form(&mut form).await.or_page(&ctx)?;
    let kind = fields
        .into_iter()
        .find(|(k, _)| k == "kind")
        .map(|(_, v)| v)
        .unwrap_or_default();
    let (name, bytes) = file
        .ok_or_else(|| ApiError::BadRequest("choose a file".into()))
        .or_page(&ctx)?;
    let mut body = String::new();
    match crate::matchmaking::run_import(&state, &ctx, &kind, &name, &bytes)
        .await
        .or_page(&ctx)?
    {
        Ok(n) => {
            let _ = write!(
                body,
                "<p class=\"ok\" id=\"verdict\">{} {n}</p>",
                l.pick("已导入：", "Imported:")
            );
        }
        Err(issues) => {
            let _ = write!(
                body,
                "<p class=\"error\" id=\"verdict\">{}</p><table id=\"report\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
                l.pick(
                    "文件有问题，未导入任何数据。",
                    "The file has problems; nothing was imported."
                ),
                l.pick("行", "Row"),
                l.pick("列", "Column"),
                l.pick("值", "Value"),
                l.pick("说明", "Message"),
            );
            for i in &issues {
                let _ = write!(
                    body,
                    "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    i.row,
                    esc(&i.column),
                    esc(&i.value),
                    esc(&i.message)
                );
            }
            body.push_str("</table>");
        }
    }
    body += &catalogue_form(l, p);
    Ok(page(&ctx, p, l.pick("发布资源", "Publish entries"), &body))
}

async fn match_entry(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ListEnterprises>,
    Path((kind, id)): Path<(String, String)>,
) -> PageResult {
    let p = ctx.require(Capability::ListEnterprises).or_page(&ctx)?;
    let l = ctx.lang;
    let (doc, found) =
        crate::matchmaking::run_matches(&state, &ctx, &kind, &id, &Default::default())
            .await
            .or_page(&ctx)?;
    let is_demand = doc.kind == kechuang_matching::Kind::Demand;
    let follow = if is_demand {
        crate::matchmaking::visible_deals(&state, &ctx, Some(&doc.id))
            .await
            .ok()
    } else {
        None
    };
    let mut body = format!(
        "<p class=\"muted\">{} · {} · {} · {}{}</p><p>{}</p><h2>{}</h2><table id=\"matches\"><tr><th>#</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th>{}</th><th></th></tr>",
        kind_name(l, doc.kind),
        esc(&doc.id),
        doc.region.abbr(),
        esc(&doc
            .fields
            .iter()
            .filter_map(|f| TechField::parse(f).ok())
            .map(|f| f.zh())
            .collect::<Vec<_>>()
            .join("、")),
        doc.trl.map(|t| format!(" · TRL {t}")).unwrap_or_default(),
        esc(&doc.body),
        if is_demand {
            l.pick(
                "可对接的成果、专家、专利、仪器与服务",
                "Supply that could meet it",
            )
        } else {
            l.pick("可服务的技术需求", "Demands it could serve")
        },
        l.pick("类型", "Kind"),
        l.pick("名称", "Title"),
        l.pick("匹配度", "Score"),
        l.pick("匹配理由", "Why"),
    );
    for (i, m) in found.iter().enumerate() {
        let button = if is_demand && follow.is_some() {
            format!(
                "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"demand_id\" value=\"{}\"><input type=\"hidden\" name=\"supply_kind\" value=\"{}\"><input type=\"hidden\" name=\"supply_id\" value=\"{}\"><button class=\"open-deal\">{}</button></form>",
                action("/match/deals", p),
                esc(&doc.id),
                m.kind.key(),
                esc(&m.id),
                l.pick("发起对接", "Open a deal")
            )
        } else {
            String::new()
        };
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td><a href=\"/match/{}/{}\">{}</a></td><td class=\"num\">{:.3}</td><td>{}</td><td>{button}</td></tr>",
            i + 1,
            kind_name(l, m.kind),
            m.kind.key(),
            percent_encode(&m.id),
            esc(&m.title),
            m.score,
            esc(&m.explanation.summary_zh)
        );
    }
    body.push_str("</table>");
    if let Some(deals) = follow {
        let _ = write!(
            body,
            "<h2>{}</h2><table id=\"deals\"><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr>",
            l.pick("对接跟踪", "Deals"),
            l.pick("对象", "With"),
            l.pick("状态", "Status"),
            l.pick("备注", "Note"),
            l.pick("更新", "Updated"),
        );
        for d in &deals {
            let next = crate::matchmaking::DEAL_STATUSES
                .iter()
                .position(|s| *s == d.status)
                .and_then(|i| crate::matchmaking::DEAL_STATUSES.get(i + 1));
            let mut buttons = String::new();
            for to in next
                .into_iter()
                .chain((d.status != "closed" && next != Some(&"closed")).then_some(&"closed"))
            {
                let _ = write!(
                    buttons,
                    "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"status\" value=\"{to}\"><input name=\"note\" placeholder=\"{}\" size=\"12\"><button class=\"move-deal\">→ {}</button></form>",
                    action(&format!("/match/deals/{}", d.id), p),
                    l.pick("备注", "note"),
                    deal_status(l, to)
                );
            }
            let _ = write!(
                body,
                "<tr><td>{}</td><td><a href=\"/match/{}/{}\">{} {}</a></td><td class=\"status\">{}</td><td>{}</td><td>{} {}</td><td>{buttons}</td></tr>",
                d.id,
                esc(&d.supply_kind),
                percent_encode(&d.supply_id),
                esc(&d.supply_kind),
                esc(&d.supply_id),
                deal_status(l, &d.status),
                esc(&d.note),
                esc(&d.updated_at),
                esc(&d.updated_by)
            );
        }
        body.push_str("</table>");
    }
    Ok(page(&ctx, p, &doc.title, &body))
}

fn deal_status(l: Lang, s: &str) -> &'static str {
    match s {
        "open" => l.pick("待对接", "open"),
        "matched" => l.pick("已匹配", "matched"),
        "in_contact" => l.pick("洽谈中", "in contact"),
        "contract" => l.pick("已签约", "contract"),
        "closed" => l.pick("已结束", "closed"),
        _ => "?",
    }
}

async fn deal_open(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ListEnterprises>,
    Form(b): Form<crate::matchmaking::DealBody>,
) -> PageResult {
    crate::matchmaking::start_deal(&state, &ctx, &b)
        .await
        .or_page(&ctx)?;
    Ok(Redirect::to(&format!("/match/demand/{}", percent_encode(&b.demand_id))).into_response())
}

async fn deal_move(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ListEnterprises>,
    Path(id): Path<i64>,
    Form(b): Form<crate::matchmaking::MoveBody>,
) -> PageResult {
    let d = crate::matchmaking::step_deal(&state, &ctx, id, &b)
        .await
        .or_page(&ctx)?;
    Ok(Redirect::to(&format!("/match/demand/{}", percent_encode(&d.demand_id))).into_response())
}

async fn inbox_page(State(state): State<Shared>, ctx: PageSignedIn) -> PageResult {
    let p = ctx.user().or_page(&ctx)?;
    let l = ctx.lang;
    let messages = state
        .store
        .inbox(&p.name)
        .await
        .map_err(ApiError::from)
        .or_page(&ctx)?;
    let mut body = String::from("<table id=\"inbox\">");
    for m in &messages {
        let _ = write!(
            body,
            "<tr{}><td>{}</td><td><a href=\"{}\">{}</a></td></tr>",
            if m.read_at.is_none() {
                " class=\"unread\" style=\"font-weight:bold\""
            } else {
                ""
            },
            esc(&m.at),
            esc(&m.link),
            esc(&m.message)
        );
    }
    body.push_str("</table>");
    if messages.is_empty() {
        body = format!("<p>{}</p>", l.pick("没有消息。", "No messages."));
    }
    Ok(page(&ctx, p, l.pick("消息", "Inbox"), &body))
}

// --- talent pool ----------------------------------------------------------------------------------

async fn talent_page(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Talent>,
    Query(q): Query<crate::talent::TalentParams>,
) -> PageResult {
    let p = ctx.require(Capability::Talent).or_page(&ctx)?;
    let l = ctx.lang;
    let criteria = kechuang_talent::shipped();
    let tiers: Vec<(String, String)> = criteria
        .tiers
        .iter()
        .map(|t| (t.code.clone(), format!("{} {}", t.code, t.name)))
        .chain(std::iter::once((
            "-".to_string(),
            l.pick("未达入库条件", "below the criteria").to_string(),
        )))
        .collect();
    let regions = region_options();
    let mut body = format!(
        "<p class=\"muted\">{} {}</p><form class=\"filters\" method=\"get\" action=\"/talent\" id=\"talent-search\">{}{}<label>{}<input name=\"field\" value=\"{}\"></label><label>{}<input name=\"institution\" value=\"{}\"></label><label>{}<input name=\"q\" value=\"{}\"></label><button>{}</button></form>",
        l.pick("入库条件", "Entry criteria"),
        esc(&criteria.version),
        select("tier", l.pick("层级", "Tier"), q.tier.as_deref(), &tiers),
        select(
            "region",
            l.pick("地区", "Region"),
            q.region.as_deref(),
            &regions
        ),
        l.pick("领域", "Field"),
        esc(q.field.as_deref().unwrap_or("")),
        l.pick("单位", "Institution"),
        esc(q.institution.as_deref().unwrap_or("")),
        l.pick("姓名", "Name"),
        esc(q.q.as_deref().unwrap_or("")),
        l.pick("查询", "Search"),
    );
    // The register is read and evaluated once for the list, the statistics and the pairs.
    let pool = crate::talent::pool(&state, &ctx).await.or_page(&ctx)?;
    let (total, rows) = crate::talent::search_in(&pool, &q);
    let page_no = q.page.unwrap_or(1).max(1);
    crate::talent::audit(
        &state,
        &ctx,
        kechuang_store::AuditAction::TalentList,
        &format!("page {page_no}"),
    )
    .await
    .or_page(&ctx)?;
    let _ = write!(
        body,
        "<p id=\"talent-total\">{} {total}</p><table id=\"talent\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        l.pick("共", "People:"),
        l.pick("编号", "Id"),
        l.pick("姓名", "Name"),
        l.pick("层级", "Tier"),
        l.pick("地区", "Region"),
        l.pick("领域", "Fields"),
        l.pick("现单位", "Institutions"),
    );
    for r in &rows {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.id),
            esc(&r.name),
            esc(r.tier.as_deref().unwrap_or("—")),
            esc(&r.region),
            esc(&r.fields.join("、")),
            esc(&r.institutions.join("；"))
        );
    }
    body.push_str("</table>");
    let stats = crate::talent::statistics_in(&pool);
    let codes: Vec<&str> = criteria
        .tiers
        .iter()
        .map(|t| t.code.as_str())
        .chain(std::iter::once(""))
        .collect();
    for (title, breakdown, id) in [
        (
            l.pick("按地区", "By region"),
            &stats.by_region,
            "talent-by-region",
        ),
        (
            l.pick("按领域", "By field"),
            &stats.by_field,
            "talent-by-field",
        ),
    ] {
        let _ = write!(body, "<h2>{title}</h2><table id=\"{id}\"><tr><th></th>");
        for c in &codes {
            let _ = write!(
                body,
                "<th class=\"num\">{}</th>",
                if c.is_empty() { "—" } else { c }
            );
        }
        body.push_str("</tr>");
        for (key, counts) in &breakdown.counts {
            let _ = write!(body, "<tr><td>{}</td>", esc(key));
            for c in &codes {
                let _ = write!(
                    body,
                    "<td class=\"num\">{}</td>",
                    counts.get(*c).copied().unwrap_or(0)
                );
            }
            body.push_str("</tr>");
        }
        body.push_str("</table>");
    }
    let pairs = crate::talent::pairs_in(&pool);
    crate::talent::audit(
        &state,
        &ctx,
        kechuang_store::AuditAction::TalentDuplicates,
        "",
    )
    .await
    .or_page(&ctx)?;
    let _ = write!(
        body,
        "<h2>{} ({})</h2><table id=\"talent-duplicates\"><tr><th>{}</th><th>{}</th><th>{}</th><th></th></tr>",
        l.pick("疑似重复", "Likely the same person"),
        pairs.len(),
        l.pick("记录一", "Record"),
        l.pick("记录二", "Record"),
        l.pick("依据", "Evidence"),
    );
    for d in pairs.iter().take(100) {
        let s = |v: &Value| esc(v.as_str().unwrap_or(""));
        let _ = write!(
            body,
            "<tr><td>{} {} ({})</td><td>{} {} ({})</td><td>{}</td><td><form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"kept\" value=\"{}\"><input type=\"hidden\" name=\"merged\" value=\"{}\"><button class=\"merge\">{}</button></form></td></tr>",
            s(&d["a"]["id"]),
            s(&d["a"]["name"]),
            s(&d["a"]["source"]),
            s(&d["b"]["id"]),
            s(&d["b"]["name"]),
            s(&d["b"]["source"]),
            esc(&d["evidence"].to_string()),
            action("/talent/merge", p),
            s(&d["a"]["id"]),
            s(&d["b"]["id"]),
            l.pick("合并", "Merge")
        );
    }
    body.push_str("</table>");
    Ok(page(
        &ctx,
        p,
        l.pick("统一科技人才库", "Talent pool"),
        &body,
    ))
}

async fn talent_merge(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Talent>,
    Form(b): Form<crate::talent::MergeBody>,
) -> PageResult {
    crate::talent::merge_records(&state, &ctx, &b)
        .await
        .or_page(&ctx)?;
    Ok(Redirect::to("/talent").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suppressed_row_shows_no_figure_at_all() {
        use kechuang_region::tables::Figures;
        let figures = |n: usize| Figures {
            enterprises: n,
            rd_intensity: 3.25,
            hnte_share: 40.0,
            index_mean: Some(55.5),
            ..Figures::default()
        };
        // A row of 7 enterprises suppressed for dominance: its count must not show either.
        let t = OneWay {
            dimension: Dimension::District,
            labels: vec!["甲区".into(), "乙区".into()],
            rows: vec![figures(7), figures(9)],
            total: figures(16),
            suppressed: vec![
                Some(kechuang_region::disclosure::Reason::Dominance),
                Some(kechuang_region::disclosure::Reason::Secondary),
            ],
        };
        let html = one_way_html(&t, Lang::Zh, "t");
        for row in html.split("<tr>").filter(|r| r.contains("区</td>")) {
            let cells: Vec<&str> = row.split("<td").skip(2).collect();
            assert!(cells.iter().all(|c| c.contains(">x</td>")), "{row}");
        }
        assert!(!html.contains(">7<") && !html.contains(">9<"), "{html}");
    }

    #[test]
    fn the_language_switch_returns_only_to_this_site() {
        let host = Some("127.0.0.1:8080");
        let ok = local_return_path("http://127.0.0.1:8080/ranking?q=1", host);
        assert_eq!(ok.as_deref(), Some("/ranking?q=1"));
        for evil in [
            "http://127.0.0.1:8080//evil.example",
            "http://127.0.0.1:8080/\\evil.example",
            "http://127.0.0.1:8080/a\\b",
            "http://evil.example/ranking",
            "http://127.0.0.1:8080/lang/en",
            "http://127.0.0.1:8080/x\ny",
            "no scheme",
        ] {
            assert_eq!(local_return_path(evil, host), None, "{evil}");
        }
        assert_eq!(local_return_path("http://127.0.0.1:8080/", None), None);
    }

    #[test]
    fn cross_site_login_posts_are_refused() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "127.0.0.1:8080".parse().expect("host"));
        assert!(same_origin(&h), "no Origin: a non-browser client");
        h.insert(
            header::ORIGIN,
            "http://127.0.0.1:8080".parse().expect("origin"),
        );
        assert!(same_origin(&h));
        h.insert(
            header::ORIGIN,
            "http://evil.example".parse().expect("origin"),
        );
        assert!(!same_origin(&h));
    }

    #[test]
    fn the_trend_chart_has_a_point_per_year() {
        let svg = trend_chart(&[(2023, 40.0, 10), (2024, 42.5, 11), (2025, 41.0, 12)], "t");
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains(">2024<") && svg.contains(">42.5<"));
        assert_eq!(trend_chart(&[], "t"), "");
    }
}
