//! The web pages: server-rendered HTML (zh-CN by default, English by the `lang` cookie), SVG charts
//! drawn here, no script and nothing fetched from elsewhere. Every page is a typed template (maud):
//! values are escaped by construction, and every page goes through one frame ([`frame`]). Every page goes through the same
//! operations as the API (see [`crate::api`]), so access and auditing are decided once.

use axum::Router;
use axum::extract::{Form, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kechuang_domain::TechField;
use kechuang_domain::codes::TIANJIN_DISTRICTS;
use kechuang_region::tables::{Dimension, OneWay};
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Deserialize;

use crate::access::{Capability, Principal, Role};
use crate::api::{self, ListParams, TargetParams};
use crate::error::{ApiError, ApiResult};
// A page's failure (the login page for the unauthenticated, an error page otherwise) is the
// pages' extractors' refusal.
use crate::extract::{Anyone, PageAllowed, PageRefusal as PageError, PageSignedIn, can};
use crate::i18n::{Lang, Pick, Text, percent_encode};
use crate::{Ctx, Shared, auth};

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
        StatusCode::FORBIDDEN => lang.text(Text::Forbidden),
        StatusCode::NOT_FOUND => lang.text(Text::NotFound),
        _ => lang.text(Text::SomethingWentWrong),
    };
    let body = html! {
        h1 { (title) }
        p.error #error { (e.message()) }
        p { a href="/" { (lang.text(Text::BackToTheStart)) } }
    };
    (e.status(), bare_page(lang, title, body)).into_response()
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

impl<T> OrPage<T> for kechuang_app::Result<T> {
    fn or_page(self, ctx: &Ctx) -> Result<T, PageError> {
        self.map_err(|e| PageError(e.into(), ctx.lang))
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
.pager a{margin:0 .3em} .charts{display:flex;gap:1em;flex-wrap:wrap} svg{max-width:100%} tr.unread{font-weight:bold}";

/// The page frame: the document, the site's style (and a page's own, when it has one), the site's
/// header for a signed-in principal, and the content. Every page goes through here.
fn frame(
    lang: Lang,
    title: &str,
    header: Option<Markup>,
    extra_style: Option<&'static str>,
    content: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang=(lang.tag()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width";
                title { (title) " · 科创" }
                style { (PreEscaped(STYLE)) @if let Some(s) = extra_style { (PreEscaped(s)) } }
            }
            body {
                @if let Some(h) = header {
                    header { a href="/" { b { "科创 kechuang" } } (h) }
                }
                main { (content) }
            }
        }
    }
}

/// A page without the site's header (sign-in, errors).
fn bare_page(lang: Lang, title: &str, body: Markup) -> Markup {
    frame(lang, title, None, None, body)
}

fn csrf_of(p: &Principal) -> &str {
    match &p.credential {
        crate::access::Credential::Session { csrf } => csrf,
        crate::access::Credential::Token { .. } => "",
    }
}

/// The other language: its code and its name in itself.
fn other_language(l: Lang) -> (&'static str, &'static str) {
    match l {
        Lang::Zh => ("en", "English"),
        Lang::En => ("zh", "中文"),
    }
}

/// The navigation bar for a principal.
fn nav(ctx: &Ctx, p: &Principal) -> Markup {
    let l = ctx.lang;
    let mut links: Vec<(String, &str)> = Vec::new();
    if p.may(Capability::Targets) {
        links.push(("/".into(), l.text(Text::Overview)));
    }
    if p.may(Capability::ListEnterprises) {
        links.push(("/ranking".into(), l.text(Text::Ranking)));
    }
    if p.role == Role::Enterprise
        && let Some(code) = p.scope.first()
    {
        links.push((
            format!("/enterprises/{}", percent_encode(code)),
            l.text(Text::OurPortrait),
        ));
    }
    if p.may(Capability::Targets) {
        links.push(("/targets".into(), l.text(Text::SchemeTargeting)));
    }
    if p.may(Capability::FileSurvey) {
        links.push(("/upload".into(), l.text(Text::SurveyUpload)));
    }
    if p.may(Capability::BuildIndex) {
        links.push(("/builds".into(), l.text(Text::IndexBuilds)));
    }
    links.push(("/tables".into(), l.text(Text::RegionalTables)));
    if p.may(Capability::ListEnterprises) {
        links.push(("/match".into(), l.text(Text::Matchmaking)));
        links.push(("/inbox".into(), l.text(Text::Inbox)));
    }
    if matches!(
        p.role,
        Role::Admin | Role::Analyst | Role::Enterprise | Role::Bank
    ) {
        links.push(("/consents".into(), l.text(Text::Consents)));
    }
    if p.may(Capability::Talent) {
        links.push(("/talent".into(), l.text(Text::TalentPoolNav)));
    }
    if p.may(Capability::Administer) {
        links.push(("/admin".into(), l.text(Text::Administration)));
    }
    let (code, name) = other_language(l);
    html! {
        nav { @for (href, text) in &links { a href=(href) { (text) } } }
        span.who #who { (p.display_name) " · " (l.pick(p.role.zh(), p.role.as_str())) }
        a #lang-switch href={ "/lang/" (code) } { (name) }
        form method="post" action=(action("/logout", p)) {
            button #logout { (l.text(Text::LogOut)) }
        }
    }
}

/// A page for a signed-in principal: the frame with the site's header and the title as heading.
fn page(ctx: &Ctx, p: &Principal, title: &str, body: Markup) -> Response {
    frame(
        ctx.lang,
        title,
        Some(nav(ctx, p)),
        None,
        html! { h1 { (title) } (body) },
    )
    .into_response()
}

/// A form's action with the session's CSRF token in its query.
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

/// A labelled select with an empty first option; `current` is selected.
fn select(name: &str, label: &str, current: Option<&str>, options: &[(String, String)]) -> Markup {
    html! {
        label {
            (label)
            select name=(name) id={ "f-" (name) } {
                option value="" { "—" }
                @for (v, text) in options {
                    option value=(v) selected[current == Some(v.as_str())] { (text) }
                }
            }
        }
    }
}

/// A labelled text input.
fn text_input(label: &str, name: &str, value: Option<&str>, size: Option<u32>) -> Markup {
    html! { label { (label) input name=(name) value=(value.unwrap_or("")) size=[size]; } }
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
        Some("throttled") => l.text(Text::TooManyFailedLoginsTry),
        Some(_) => l.text(Text::WrongNameOrPassword),
        None => "",
    };
    let (code, name) = other_language(l);
    let body = html! {
        h1 { (l.text(Text::KechuangLogIn)) }
        p.error #login-error { (error) }
        form method="post" action="/login" #login {
            label { (l.text(Text::UserName)) input name="name" #name autocomplete="username" required; }
            label { (l.text(Text::Password)) input name="password" #password type="password" autocomplete="current-password" required; }
            p { button type="submit" #submit { (l.text(Text::LogIn)) } }
        }
        p { a #lang-switch href={ "/lang/" (code) } { (name) } }
    };
    bare_page(l, l.text(Text::LogIn), body).into_response()
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

mod admin;
mod enterprises;
mod imports;
mod matchmaking;
mod overview;
mod talent;

use admin::*;
use enterprises::*;
use imports::*;
use matchmaking::*;
use overview::*;
use talent::*;

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
        let html = one_way_html(&t, Lang::Zh, "t").into_string();
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
        let svg =
            trend_chart(&[(2023, 40.0, 10), (2024, 42.5, 11), (2025, 41.0, 12)], "t").into_string();
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains(">2024<") && svg.contains(">42.5<"));
        assert_eq!(trend_chart(&[], "t").into_string(), "");
    }
}
