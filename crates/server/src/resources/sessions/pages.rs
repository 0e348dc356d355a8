//! Signing in and out on the pages: the login form (refusing cross-site posts) and logout.

use crate::pages::prelude::*;

#[derive(Debug, Deserialize, Default)]
pub(super) struct LoginQuery {
    error: Option<String>,
}

pub(super) async fn login_form(ctx: Anyone, Query(q): Query<LoginQuery>) -> Response {
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
pub(super) fn same_origin(headers: &HeaderMap) -> bool {
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

pub(super) async fn login_submit(
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

pub(super) async fn logout(
    State(state): State<Shared>,
    ctx: Anyone,
    headers: HeaderMap,
) -> PageResult {
    api::close_session(&state, &ctx, &headers)
        .await
        .or_page(&ctx)?;
    let mut r = Redirect::to("/login").into_response();
    api::set_cookie(&mut r, &api::session_cookie(&state, "")).or_page(&ctx)?;
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
