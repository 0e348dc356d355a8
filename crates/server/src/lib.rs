//! The web service: REST API under `/api/v1`, accounts and roles, the audit log, and the web pages
//! (zh-CN, with an English switch), all served by one binary with no network beyond its clients.
//!
//! Every request passes [`guard`] first: it authenticates (API token or session cookie), refuses a
//! state-changing browser request without the session's CSRF token and a token used beyond its
//! scopes, and hands the handler a [`Ctx`]. Handlers then ask [`access`] whether the principal may
//! do what it asks; that module is the one place where access is decided. The server keeps no state
//! of its own beyond caches keyed by the data they were computed from, so several instances can
//! share one PostgreSQL database.

// The use cases live in the application crate; re-exported under their old paths for the handlers.
pub use kechuang_app::{access, intake, views};
pub mod api;
pub use kechuang_app::audit;
pub mod auth;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod openapi;
pub mod pages;
pub mod remote;
pub mod resources;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use kechuang_store::Store;

pub use kechuang_app::settings::Config;

use crate::access::{Capability, Principal};
use crate::error::{ApiError, ApiResult};
use crate::i18n::Lang;

/// What every handler shares: the application (which it dereferences to), the settings and the
/// rebuild lock.
pub struct AppState {
    /// The application: store, audit log, rules and what is held between requests.
    pub app: kechuang_app::App,
    /// Settings.
    pub config: Config,
    /// One index rebuild at a time per instance.
    pub build_lock: Arc<tokio::sync::Mutex<()>>,
}

impl std::ops::Deref for AppState {
    type Target = kechuang_app::App;
    fn deref(&self) -> &kechuang_app::App {
        &self.app
    }
}

pub use kechuang_app::enterprises::{DataVersion, PortraitKey};

impl AppState {
    /// The latest index build (from a copy at most a second old).
    pub async fn latest_build(&self) -> ApiResult<Option<kechuang_store::BuildInfo>> {
        Ok(self.app.data_version().await?.build)
    }
}

/// The shared state handle.
pub type Shared = Arc<AppState>;

/// What [`guard`] learnt about a request. Not an extractor: handlers receive it through
/// [`extract`]'s types, which state and check what the handler needs.
#[derive(Clone)]
pub struct Ctx {
    /// The authenticated user, if any.
    pub principal: Option<Principal>,
    /// The client's address.
    pub remote: String,
    /// The page language (cookie `lang`, default zh-CN).
    pub lang: Lang,
}

impl Ctx {
    /// The principal, if allowed `capability`; 401 without one, 403 if the role does not allow it.
    pub fn require(&self, capability: Capability) -> ApiResult<&Principal> {
        let p = self.principal.as_ref().ok_or(ApiError::Unauthenticated)?;
        if p.may(capability) {
            Ok(p)
        } else {
            Err(ApiError::Forbidden(format!(
                "the role {} may not do this",
                p.role.as_str()
            )))
        }
    }

    /// The principal; 401 without one.
    pub fn user(&self) -> ApiResult<&Principal> {
        self.principal.as_ref().ok_or(ApiError::Unauthenticated)
    }

    /// The caller as the use cases take it; 401 without a principal.
    pub fn caller(&self) -> ApiResult<kechuang_app::Caller<'_>> {
        Ok(kechuang_app::Caller {
            principal: self.user()?,
            remote: &self.remote,
        })
    }
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Authentication, CSRF and token scopes, for every request; then the security headers.
pub async fn guard(State(state): State<Shared>, mut request: Request, next: Next) -> Response {
    let remote = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or_else(
            || "-".to_string(),
            |c| {
                let forwarded = request
                    .headers()
                    .get("x-forwarded-for")
                    .and_then(|v| v.to_str().ok());
                remote::client_address(&state.config, c.0.ip(), forwarded).to_string()
            },
        );
    let lang = auth::cookie(request.headers(), "lang")
        .and_then(Lang::parse)
        .unwrap_or(Lang::Zh);
    let principal = match auth::authenticate(&state.store, request.headers()).await {
        Ok(p) => p,
        Err(e) => return with_security_headers(e.into_response()),
    };
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    if let Some(p) = &principal {
        if let access::Credential::Session { csrf } = &p.credential
            && changes_state(&method)
        {
            let sent = request
                .headers()
                .get(auth::CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(String::from)
                .or_else(|| query_value(request.uri().query(), auth::CSRF_FIELD));
            if !sent.is_some_and(|s| auth::same(&s, csrf)) {
                state
                    .auditor
                    .record(
                        &p.name,
                        kechuang_store::AuditAction::CsrfRejected,
                        &path,
                        &remote,
                        "denied",
                    )
                    .await;
                return with_security_headers(ApiError::Csrf.into_response());
            }
        }
        // Tokens are for programs: the pages are for browser sessions only, so no page handler
        // has to know about token scopes.
        if matches!(p.credential, access::Credential::Token { .. }) && !path.starts_with("/api/") {
            return with_security_headers(
                ApiError::Forbidden("API tokens are accepted under /api/ only".into())
                    .into_response(),
            );
        }
        if !p.credential_allows(changes_state(&method), path.starts_with("/api/v1/admin")) {
            return with_security_headers(
                ApiError::Forbidden("the API token's scopes do not allow this request".into())
                    .into_response(),
            );
        }
    }
    let user = principal
        .as_ref()
        .map_or_else(|| "-".to_string(), |p| p.name.clone());
    let ctx = Ctx {
        principal,
        remote,
        lang,
    };
    request.extensions_mut().insert(ctx.clone());
    let started = Instant::now();
    let api = path.starts_with("/api/");
    let mut response = next.run(request).await;
    // A page's error in the site's frame when someone is signed in (the pages' extractors and
    // handlers refuse without knowing who it is).
    if !api
        && let (Some(error), Some(p)) = (
            response.extensions().get::<pages::ErrorPage>().cloned(),
            ctx.principal.as_ref(),
        )
    {
        response = pages::framed_error(&ctx, p, &error, response.status());
    }
    // Errors from the framework itself (405, 413, 415…) are plain text: the API answers JSON always.
    if api
        && (response.status().is_client_error() || response.status().is_server_error())
        && !response
            .headers()
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v.as_bytes().starts_with(b"application/json"))
    {
        response = json_error(response.status());
    }
    // The path only: query strings may carry a CSRF token, and nothing secret is logged.
    tracing::info!(
        %method,
        path,
        status = response.status().as_u16(),
        micros = started.elapsed().as_micros() as u64,
        user,
        "request"
    );
    with_security_headers(response)
}

fn json_error(status: axum::http::StatusCode) -> Response {
    let code = match status.as_u16() {
        404 => "not_found",
        405 => "method_not_allowed",
        413 => "too_large",
        415 => "unsupported_media_type",
        s if s < 500 => "bad_request",
        _ => "internal",
    };
    let message = status.canonical_reason().unwrap_or("error");
    (
        status,
        axum::Json(serde_json::json!({"error": {"code": code, "message": message}})),
    )
        .into_response()
}

/// One value of a query string (percent-decoded).
pub fn query_value(query: Option<&str>, name: &str) -> Option<String> {
    query?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| i18n::percent_decode(v))
}

fn with_security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, k: header::HeaderName, v: &'static str| {
        h.entry(k).or_insert(HeaderValue::from_static(v));
    };
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on form posts,
    // and the login form's origin check needs the real one.
    set(h, header::REFERRER_POLICY, "same-origin");
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    );
    set(h, header::CACHE_CONTROL, "no-store");
    response
}

/// Uploads received at once by this process. An upload's body is held in memory while it is
/// read (up to `max_upload_bytes`), so the number in flight bounds the memory they take; the
/// others wait with only their connection open. Parsing is capped separately
/// ([`intake::parse_blocking`]).
static UPLOAD_SLOTS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

async fn one_of_few_uploads(request: Request, next: Next) -> Response {
    // Nobody's body is read before they are known: an anonymous upload is refused unread.
    let signed_in = request
        .extensions()
        .get::<Ctx>()
        .is_some_and(|c| c.principal.is_some());
    if !signed_in && request.method() != Method::GET {
        return ApiError::Unauthenticated.into_response();
    }
    match UPLOAD_SLOTS.acquire().await {
        Ok(_slot) => next.run(request).await,
        Err(_) => ApiError::Internal("upload slots closed".into()).into_response(),
    }
}

/// A handler or middleware that panics (a defect) answers 500 with a log line instead of dropping
/// the connection without an answer.
async fn contain_panics(request: Request, next: Next) -> Response {
    use futures_util::FutureExt;
    let path = request.uri().path().to_string();
    match std::panic::AssertUnwindSafe(next.run(request))
        .catch_unwind()
        .await
    {
        Ok(response) => response,
        Err(_) => {
            tracing::error!(%path, "a handler panicked; answered 500");
            ApiError::Internal(format!("a handler failed on {path}")).into_response()
        }
    }
}

/// The body limit of requests that are not file uploads.
pub const SMALL_BODY: usize = 1 << 20;

/// The whole application: API, pages, guard and limits.
pub fn app(state: Shared) -> Router {
    let upload_limit = state.config.max_upload_bytes;
    let uploads = Router::new()
        .merge(resources::upload_routes())
        .layer(DefaultBodyLimit::max(upload_limit))
        .layer(middleware::from_fn(one_of_few_uploads));
    // Everything else takes small bodies (forms, JSON): a megabyte is plenty.
    Router::new()
        .merge(api::routes())
        .merge(resources::routes())
        .merge(pages::routes())
        .layer(DefaultBodyLimit::max(SMALL_BODY))
        .merge(uploads)
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .layer(middleware::from_fn(contain_panics))
        .with_state(state)
}

/// Builds the state: the store is opened by the caller; the audit writer starts here.
pub fn state(store: Arc<Store>, config: Config) -> (Shared, audit::Writer) {
    let (app, writer) = kechuang_app::App::start(store);
    (
        Arc::new(AppState {
            app,
            config,
            build_lock: Arc::new(tokio::sync::Mutex::new(())),
        }),
        writer,
    )
}

/// Serves until `shutdown` resolves, then finishes open requests and drains the audit log.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Arc<Store>,
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (state, writer) = state(store, config);
    let router = app(state.clone());
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await?;
    // Only the state still holds an auditor: dropping it closes the channel; the writer drains.
    drop(state);
    if let Err(e) = writer.await {
        tracing::error!(error = %e, "audit writer");
    }
    Ok(())
}

#[cfg(test)]
mod panic_tests {
    use axum::routing::get;

    use super::*;

    async fn boom() -> &'static str {
        if std::hint::black_box(true) {
            panic!("a defect");
        }
        "never"
    }

    #[test]
    fn a_panicking_handler_answers_500_and_the_server_goes_on() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(async {
            let app: Router = Router::new()
                .route("/boom", get(boom))
                .route("/fine", get(|| async { "fine" }))
                .layer(middleware::from_fn(contain_panics));
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let at = listener.local_addr().expect("addr");
            tokio::spawn(async move { axum::serve(listener, app).await });
            let client = reqwest::Client::new();
            let boom = client
                .get(format!("http://{at}/boom"))
                .send()
                .await
                .expect("an answer, not a dropped connection");
            assert_eq!(boom.status(), 500);
            let fine = client
                .get(format!("http://{at}/fine"))
                .send()
                .await
                .expect("answer");
            assert_eq!(fine.status(), 200);
        });
    }
}
