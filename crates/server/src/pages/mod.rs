//! The web pages' kit: server-rendered HTML (zh-CN by default, English by the `lang` cookie), SVG
//! charts drawn here that the vendored ECharts redraws interactively where scripts run
//! ([`charts`]), and nothing fetched from elsewhere. Every page is a typed template
//! (maud): values are escaped by construction, and every page goes through one frame ([`frame`]).
//! The resources' page handlers ([`crate::resources`]) call the same use cases as the API, so
//! access and auditing are decided once; what they share is here ([`prelude`]).

use axum::Router;
use axum::extract::{Multipart, Path};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use kechuang_domain::TechField;
use kechuang_domain::codes::TIANJIN_DISTRICTS;
use kechuang_region::tables::{Dimension, OneWay};
use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::access::{Capability, Principal, Role};
use crate::error::{ApiError, ApiResult};
// A page's failure (the login page for the unauthenticated, an error page otherwise) is the
// pages' extractors' refusal.
use crate::extract::{Anyone, PageRefusal as PageError};
use crate::i18n::{Lang, Pick, Text, percent_encode};
use crate::{Ctx, Shared, auth};

mod charts;

pub(crate) use charts::{
    Chart, ChartKind, Series, chart, chart_scripts, district_bars, district_map,
};

/// What the resources' page handlers use: the frame, the shared templates and helpers.
pub(crate) mod prelude {
    pub(crate) use axum::extract::{Form, Multipart, Path, Query, State};
    pub(crate) use axum::http::{HeaderMap, header};
    pub(crate) use axum::response::{IntoResponse, Redirect, Response};
    pub(crate) use kechuang_domain::TechField;

    pub(crate) use maud::{Markup, html};
    pub(crate) use serde::Deserialize;

    pub(crate) use super::{
        Chart, ChartKind, OrPage, PageResult, Series, action, bare_page, chart, chart_scripts,
        district_bars, district_label, district_map, district_name, district_options,
        field_options, fmt, frame, industry_text, local_time, nav, one_way_html, other_language,
        page, read_form, region_options, select, text_input, trend_chart,
    };
    pub(crate) use crate::Shared;
    pub(crate) use crate::access::{Capability, Principal, Role};
    pub(crate) use crate::api::{self, ListParams, TargetParams};
    pub(crate) use crate::error::ApiError;
    pub(crate) use crate::extract::{
        Anyone, PageAllowed, PageRefusal as PageError, PageSignedIn, can,
    };
    pub(crate) use crate::i18n::{Lang, Pick, Text, percent_encode};
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
    let mut response = (e.status(), bare_page(lang, title, body)).into_response();
    // The guard, which knows who is signed in, draws it again in the site's frame.
    response.extensions_mut().insert(ErrorPage {
        title: title.to_string(),
        message: e.message(),
    });
    response
}

/// What an error page says, for [`framed_error`].
#[derive(Debug, Clone)]
pub(crate) struct ErrorPage {
    title: String,
    message: String,
}

/// An error page in the site's frame (the navigation of the signed-in principal), its status kept.
pub(crate) fn framed_error(
    ctx: &Ctx,
    p: &Principal,
    error: &ErrorPage,
    status: StatusCode,
) -> Response {
    let l = ctx.lang;
    let body = html! {
        p.error #error { (error.message) }
        p { a href="/" { (l.text(Text::BackToTheStart)) } }
    };
    let mut response = page(ctx, p, &error.title, body);
    *response.status_mut() = status;
    response
}

/// A page handler's result.
pub(crate) type PageResult = Result<Response, PageError>;

/// A use case's failure as a page's.
pub(crate) trait OrPage<T> {
    /// The error as an error page in the caller's language.
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
header{background:#b71c1c;color:#fff;display:flex;align-items:center;gap:.8em;padding:.5em 1em;flex-wrap:wrap;font-size:.95em}\
header a{color:#fff;text-decoration:none} header nav a{margin-right:.75em} header .who{margin-left:auto;font-size:.9em}\
header form{display:inline} header button{background:none;border:1px solid #fff;color:#fff;border-radius:3px;cursor:pointer}\
main{max-width:1180px;margin:1em auto;padding:0 1em} h1{font-size:1.4em} h2{font-size:1.1em;border-bottom:2px solid #b71c1c}\
table{border-collapse:collapse;font-size:.9em;margin:.5em 0} td,th{border:1px solid #ddd;padding:.25em .5em;text-align:left}\
th a{color:inherit} .num{text-align:right} .cards{display:grid;gap:.8em;grid-template-columns:repeat(auto-fill,minmax(160px,1fr))} .card{border:1px solid #ddd;border-radius:4px;padding:.6em 1em;min-width:0}\
.card b{display:block;font-size:1.6em;color:#b71c1c} .error{color:#b71c1c} .ok{color:#2f855a} .muted{color:#595959;font-size:.85em}\
form.filters{display:flex;gap:.5em;flex-wrap:wrap;align-items:end} label{display:flex;flex-direction:column;font-size:.85em}\
.pager a{margin:0 .3em} .charts{display:flex;gap:1em;flex-wrap:wrap} svg{max-width:100%} tr.unread{font-weight:bold}\
input[readonly]{background:#f3f3f3;border:1px solid #ddd} tr.has-error input{border:2px solid #b71c1c} span.error{color:#b71c1c} span.warning{color:#8a5a00}\
figure.chart{margin:0 0 1em;flex:1 1 440px;min-width:0} figure.chart figcaption{font-weight:bold;font-size:.95em;margin-bottom:.3em}\
.chart-box{width:100%;height:300px} .chart-box.map{height:480px} label.measure{flex-direction:row;gap:.5em;align-items:center;margin-bottom:.3em}\
a:focus-visible,button:focus-visible,input:focus-visible,select:focus-visible,textarea:focus-visible,summary:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}\
header :focus-visible{outline-color:#fff} a.skip{position:absolute;left:-9999px} a.skip:focus{left:.5em;top:.5em;background:#fff;color:#b71c1c;padding:.3em .6em;z-index:10}\
main table{display:block;overflow-x:auto;max-width:100%} form.inline{display:inline-flex;gap:.3em;align-items:end;margin:.1em .3em .1em 0} form.inline label{flex-direction:row;gap:.3em;align-items:center} input,select,textarea{max-width:100%;box-sizing:border-box} form label{max-width:100%;min-width:0} main{overflow-wrap:break-word}\
@media (max-width:600px){main{padding:0 .5em} .cards{grid-template-columns:repeat(2,minmax(0,1fr));gap:.5em} .card{padding:.4em .6em} header{padding:.4em .5em;gap:.5em} header nav a{display:inline-block;margin:.1em .6em .1em 0} .chart-box.map{height:360px} h1{font-size:1.2em}}";

/// The page frame: the document, the site's style (and a page's own, when it has one), the site's
/// header for a signed-in principal, and the content. Every page goes through here.
pub(crate) fn frame(
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
                link rel="icon" type="image/svg+xml" href="/favicon.ico";
                title { (title) " · 科创" }
                style { (PreEscaped(STYLE)) @if let Some(s) = extra_style { (PreEscaped(s)) } }
            }
            body {
                @if let Some(h) = header {
                    // Keyboard readers jump over the navigation.
                    a.skip href="#main" { (lang.text(Text::SkipToContent)) }
                    header { a href="/" { b { "科创 kechuang" } } (h) }
                }
                main #main tabindex="-1" { (content) }
            }
        }
    }
}

/// A page without the site's header (sign-in, errors).
pub(crate) fn bare_page(lang: Lang, title: &str, body: Markup) -> Markup {
    frame(lang, title, None, None, body)
}

pub(crate) fn csrf_of(p: &Principal) -> &str {
    match &p.credential {
        crate::access::Credential::Session { csrf } => csrf,
        crate::access::Credential::Token { .. } => "",
    }
}

/// The other language: its code and its name in itself.
pub(crate) fn other_language(l: Lang) -> (&'static str, &'static str) {
    match l {
        Lang::Zh => ("en", "English"),
        Lang::En => ("zh", "中文"),
    }
}

/// The navigation bar for a principal.
pub(crate) fn nav(ctx: &Ctx, p: &Principal) -> Markup {
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
        links.push(("/targets".into(), l.text(Text::NavTargeting)));
    }
    if p.may(Capability::Targets) {
        links.push(("/whatif".into(), l.text(Text::NavWhatIf)));
    }
    if p.may(Capability::FileSurvey) {
        links.push(("/upload".into(), l.text(Text::NavUpload)));
    }
    if p.may(Capability::ManageRounds)
        || p.may(Capability::ReviewFilings)
        || p.role == Role::Enterprise
    {
        links.push(("/rounds".into(), l.text(Text::NavRounds)));
    }
    if p.may(Capability::BuildIndex) {
        links.push(("/builds".into(), l.text(Text::NavBuilds)));
    }
    links.push(("/tables".into(), l.text(Text::NavTables)));
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
    links.push(("/finance".into(), l.text(Text::NavFinance)));
    if p.may(Capability::Talent) {
        links.push(("/talent".into(), l.text(Text::TalentPoolNav)));
    }
    if p.may(Capability::Administer) {
        links.push(("/admin".into(), l.text(Text::Administration)));
    }
    let (code, name) = other_language(l);
    html! {
        nav { @for (href, text) in &links { a href=(href) { (text) } } }
        span.who #who { (p.display_name) " · " (l.pick(p.role.zh(), p.role.en())) }
        a #lang-switch href={ "/lang/" (code) } { (name) }
        form method="post" action=(action("/logout", p)) {
            button #logout { (l.text(Text::LogOut)) }
        }
    }
}

/// A page for a signed-in principal: the frame with the site's header and the title as heading.
pub(crate) fn page(ctx: &Ctx, p: &Principal, title: &str, body: Markup) -> Response {
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
pub(crate) fn action(path: &str, p: &Principal) -> String {
    let sep = if path.contains('?') { '&' } else { '?' };
    format!(
        "{path}{sep}{}={}",
        auth::CSRF_FIELD,
        percent_encode(csrf_of(p))
    )
}

pub(crate) fn fmt(v: Option<f64>, digits: usize) -> String {
    v.filter(|v| v.is_finite())
        .map_or_else(|| "—".to_string(), |v| format!("{v:.digits$}"))
}

/// A district's name from its code, in the reader's language; any other code as it is.
pub(crate) fn district_name(code: &str, l: Lang) -> String {
    match TIANJIN_DISTRICTS.iter().find(|d| d.0 == code) {
        Some(d) => l.pick(d.1, d.2).to_string(),
        None => code.to_string(),
    }
}

/// The high-tech fields as select options (key, name in the reader's language).
pub(crate) fn field_options(l: Lang) -> Vec<(String, String)> {
    TechField::ALL
        .iter()
        .map(|f| (f.key().to_string(), l.pick(f.zh(), f.en()).to_string()))
        .collect()
}

/// 京, 津, 冀 as select options.
pub(crate) fn region_options() -> Vec<(String, String)> {
    kechuang_matching::Province::ALL
        .iter()
        .map(|p| (p.abbr().to_string(), p.abbr().to_string()))
        .collect()
}

/// A labelled select with an empty first option; `current` is selected.
pub(crate) fn select(
    name: &str,
    label: &str,
    current: Option<&str>,
    options: &[(String, String)],
) -> Markup {
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
pub(crate) fn text_input(
    label: &str,
    name: &str,
    value: Option<&str>,
    size: Option<u32>,
) -> Markup {
    html! { label { (label) input name=(name) value=(value.unwrap_or("")) size=[size]; } }
}

/// The site's icon (an SVG, which browsers take at the path they ask for), served from the binary.
async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "max-age=86400"),
        ],
        include_str!("favicon.svg"),
    )
        .into_response()
}

/// A stored time (UTC, RFC 3339) as the bureau's people read it: Beijing time, to the minute.
/// Anything else is shown as stored.
pub(crate) fn local_time(stored: &str) -> String {
    let Some(beijing) = chrono::FixedOffset::east_opt(8 * 3600) else {
        return stored.to_string();
    };
    chrono::DateTime::parse_from_rfc3339(stored).map_or_else(
        |_| stored.to_string(),
        |t| {
            t.with_timezone(&beijing)
                .format("%Y-%m-%d %H:%M")
                .to_string()
        },
    )
}

/// The survey form's live check (`form.js`), served from the binary.
async fn form_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        include_str!("form.js"),
    )
        .into_response()
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

/// The pages' routes that belong to no resource: the language switch and the fallback.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/lang/{code}", get(switch_language))
        .route("/static/form.js", get(form_script))
        .route("/static/charts.js", get(charts::charts_script))
        .route("/static/echarts.min.js", get(charts::echarts))
        .route(
            "/static/tianjin-districts.geojson",
            get(charts::districts_map),
        )
        .route("/favicon.ico", get(favicon))
        .fallback(not_found)
}

/// A district's name in the reader's language (its Chinese name is the stored label); any other
/// label as it is.
pub(crate) fn district_label(name: &str, l: Lang) -> String {
    match l {
        Lang::Zh => name.to_string(),
        Lang::En => TIANJIN_DISTRICTS
            .iter()
            .find(|d| d.1 == name)
            .map_or(name, |d| d.2)
            .to_string(),
    }
}

/// A regional table's row label in the reader's language: districts, industry sections, high-tech
/// fields and stages have English names; parks are proper names and stay as they are.
pub(crate) fn dimension_label(dimension: Dimension, label: &str, l: Lang) -> String {
    if l == Lang::Zh {
        return label.to_string();
    }
    match dimension {
        Dimension::District => district_label(label, l),
        Dimension::Industry => {
            let section = label.chars().next();
            kechuang_domain::codes::INDUSTRY_SECTIONS_EN
                .iter()
                .find(|(c, _)| Some(*c) == section)
                .map_or_else(|| label.to_string(), |(c, en)| format!("{c} {en}"))
        }
        Dimension::Field => TechField::ALL.iter().find(|f| f.zh() == label).map_or_else(
            || l.text(Text::NotGiven).to_string(),
            |f| f.en().to_string(),
        ),
        Dimension::Stage => kechuang_domain::Stage::ALL
            .iter()
            .find(|s| s.zh() == label)
            .map_or_else(|| label.to_string(), |s| s.en().to_string()),
        Dimension::Park if label.starts_with('(') => l.text(Text::OutsideParks).to_string(),
        Dimension::Park => label.to_string(),
    }
}

/// An industry code with its section's name in the reader's language (`C3670 · 制造业`), so that
/// a reader need not know GB/T 4754 by heart; an unreadable code as it is.
pub(crate) fn industry_text(code: &str, l: Lang) -> String {
    match kechuang_domain::IndustryCode::parse(code) {
        Ok(c) => {
            let section = format!("{} {}", c.section(), c.section_name());
            let name = dimension_label(Dimension::Industry, &section, l);
            let name = name.split_once(' ').map_or(name.as_str(), |(_, n)| n);
            format!("{code} · {name}")
        }
        Err(_) => code.to_string(),
    }
}

/// The rows of a one-way table in their official order: districts by their GB/T 2260 codes (as
/// the bureau lists them), other dimensions as the table has them.
fn official_order(t: &OneWay) -> Vec<(&str, Option<&kechuang_region::tables::Figures>)> {
    let mut rows: Vec<_> = t.published().collect();
    if t.dimension == Dimension::District {
        rows.sort_by_key(|(name, _)| {
            TIANJIN_DISTRICTS
                .iter()
                .position(|d| d.1 == *name)
                .unwrap_or(usize::MAX)
        });
    }
    rows
}

/// A one-way table of the regional figures; a suppressed row shows `x` in every cell.
pub(crate) fn one_way_html(t: &OneWay, l: Lang, id: &str) -> Markup {
    let dimension = l.text(match t.dimension {
        Dimension::District => Text::District,
        Dimension::Park => Text::Park,
        Dimension::Industry => Text::IndustrySection,
        Dimension::Field => Text::HighTechField,
        Dimension::Stage => Text::Stage,
    });
    html! {
        table id=(id) {
            tr {
                th { (dimension) }
                th.num { (l.text(Text::EnterpriseCount)) }
                th.num { (l.text(Text::RAndDIntensityPercent)) }
                th.num { (l.text(Text::HNTESharePercent)) }
                th.num { (l.text(Text::MeanIndex)) }
            }
            @for (label, figures) in official_order(t) {
                tr {
                    td { (dimension_label(t.dimension, label, l)) }
                    @match figures {
                        None => { td.num { "x" } td.num { "x" } td.num { "x" } td.num { "x" } }
                        Some(f) => {
                            td.num { (f.enterprises) }
                            td.num { (format!("{:.2}", f.rd_intensity)) }
                            td.num { (format!("{:.1}", f.hnte_share)) }
                            td.num { (fmt(f.index_mean, 1)) }
                        }
                    }
                }
            }
            tr {
                th { (l.text(Text::Total)) }
                th.num { (t.total.enterprises) }
                th.num { (format!("{:.2}", t.total.rd_intensity)) }
                th.num { (format!("{:.1}", t.total.hnte_share)) }
                th.num { (fmt(t.total.index_mean, 1)) }
            }
        }
    }
}

/// A line of mean index by year.
pub(crate) fn trend_chart(points: &[(i32, f64, usize)], title: &str) -> Markup {
    if points.is_empty() {
        return html! {};
    }
    let (w, h, pad) = (420.0, 180.0, 36.0);
    let lo = points.iter().map(|p| p.1).fold(f64::MAX, f64::min) - 1.0;
    let hi = points.iter().map(|p| p.1).fold(f64::MIN, f64::max) + 1.0;
    let x = |i: usize| pad + (w - 2.0 * pad) * i as f64 / (points.len().max(2) - 1) as f64;
    let y = |v: f64| h - pad - (h - 2.0 * pad) * (v - lo) / (hi - lo);
    let f1 = |v: f64| format!("{v:.1}");
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.1)))
        .collect();
    html! {
        svg.trend viewBox={ "0 0 " (w) " " (h) } width=(w) xmlns="http://www.w3.org/2000/svg" font-size="11" {
            text x="0" y="14" font-weight="bold" { (title) }
            polyline fill="none" stroke="#b71c1c" stroke-width="2" points=(path.join(" ")) {}
            @for (i, p) in points.iter().enumerate() {
                circle cx=(f1(x(i))) cy=(f1(y(p.1))) r="3" fill="#b71c1c" {}
                text x=(f1(x(i))) y=(f1(y(p.1) - 7.0)) text-anchor="middle" { (f1(p.1)) }
                text x=(f1(x(i))) y=(h - 12.0) text-anchor="middle" { (p.0) }
            }
        }
    }
}

pub(crate) fn district_options(p: &Principal, l: Lang) -> Vec<(String, String)> {
    TIANJIN_DISTRICTS
        .iter()
        .filter(|d| {
            p.role != Role::DistrictOfficer
                || p.scope.iter().any(|s| s == d.0)
                || p.scope.iter().any(|s| s.len() != 6)
        })
        .map(|d| (d.0.to_string(), l.pick(d.1, d.2).to_string()))
        .collect()
}

/// A multipart form's text fields and its `file` (name and bytes).
pub(crate) async fn read_form(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_in_the_readers_language() {
        assert_eq!(district_name("120116", Lang::En), "Binhai New Area");
        assert_eq!(district_name("120116", Lang::Zh), "滨海新区");
        assert_eq!(district_name("110105", Lang::En), "110105");
        assert_eq!(
            dimension_label(Dimension::Industry, "C 制造业", Lang::En),
            "C Manufacturing"
        );
        assert_eq!(
            dimension_label(Dimension::Industry, "C 制造业", Lang::Zh),
            "C 制造业"
        );
        assert_eq!(
            dimension_label(Dimension::Field, "新材料", Lang::En),
            "New materials"
        );
        assert_eq!(
            dimension_label(Dimension::Field, "(未填)", Lang::En),
            "(not given)"
        );
        assert_eq!(
            dimension_label(Dimension::Stage, "成长期", Lang::En),
            "Growth"
        );
        assert_eq!(
            dimension_label(Dimension::Park, "天津滨海高新技术产业开发区", Lang::En),
            "天津滨海高新技术产业开发区"
        );
        assert_eq!(industry_text("C3670", Lang::En), "C3670 · Manufacturing");
        assert_eq!(industry_text("C3670", Lang::Zh), "C3670 · 制造业");
        assert_eq!(industry_text("?", Lang::En), "?");
        // Every section has an English name, in the same order.
        for ((c, _, _, _), (e, _)) in kechuang_domain::codes::INDUSTRY_SECTIONS
            .iter()
            .zip(kechuang_domain::codes::INDUSTRY_SECTIONS_EN)
        {
            assert_eq!(*c, e);
        }
    }

    #[test]
    fn stored_times_show_in_beijing_time() {
        assert_eq!(local_time("2026-12-05T05:17:17Z"), "2026-12-05 13:17");
        assert_eq!(local_time("2026-12-31T20:00:00+00:00"), "2027-01-01 04:00");
        assert_eq!(local_time("not a time"), "not a time");
    }

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
    fn the_trend_chart_has_a_point_per_year() {
        let svg =
            trend_chart(&[(2023, 40.0, 10), (2024, 42.5, 11), (2025, 41.0, 12)], "t").into_string();
        assert_eq!(svg.matches("<circle").count(), 3);
        assert!(svg.contains(">2024<") && svg.contains(">42.5<"));
        assert_eq!(trend_chart(&[], "t").into_string(), "");
    }
}
