//! Sessions: login (with throttling), logout, the session cookie, and who is signed in.

use crate::api::prelude::*;

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

pub(super) fn stamp(t: chrono::DateTime<chrono::Utc>, millis: bool) -> String {
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
            .append_audit(&[kechuang_store::AuditEntry::now(
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
            .append_audit(&[kechuang_store::AuditEntry::now(
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
pub(super) fn login_wait(
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
pub(super) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Xk0m1Hq2O0Ld7l9QfWIXxP1ZQhRS8o2bJ2Kx4v6b9Zg";

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

pub(super) fn user_json(user_name: &str, display: &str, role: &str, scope: &str) -> Value {
    json!({"name": user_name, "display_name": display, "role": role, "scope": scope})
}

pub(super) async fn login(
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

pub(super) async fn logout(
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

pub(super) async fn me(ctx: SignedIn) -> ApiResult<Json<Value>> {
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
    }

    #[test]
    fn the_dummy_hash_is_a_valid_phc_string() {
        assert!(
            argon2::password_hash::phc::PasswordHash::new(DUMMY_HASH).is_ok(),
            "timing equalisation needs a parseable hash"
        );
    }
}
