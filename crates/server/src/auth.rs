//! Passwords (argon2id), session and token secrets (random, stored as SHA-256), and turning a
//! request's cookie or bearer token into a [`Principal`].

use axum::http::HeaderMap;
use kechuang_store::{Store, User};
use sha2::{Digest, Sha256};

use crate::access::{Credential, Principal, Role, TokenScope};
use crate::error::ApiError;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "kc_session";
/// Header for the CSRF token on state-changing requests from a browser session.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Form field for the CSRF token on HTML forms.
pub const CSRF_FIELD: &str = "_csrf";
/// Prefix of API tokens, so that a leaked one is recognisable in a scan.
pub const TOKEN_PREFIX: &str = "kct_";

/// Hashes a password as an argon2id PHC string.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    Ok(kechuang_app::accounts::hash_password(password)?)
}

pub use kechuang_app::accounts::verify_password;

/// A 256-bit random secret, hex.
pub fn secret() -> Result<String, ApiError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiError::Internal(format!("randomness: {e}")))?;
    Ok(hex(&bytes))
}

/// SHA-256 of a secret, hex: what the database keeps. Secrets are random, so no salt or slow hash
/// is needed, and a lookup stays one indexed read.
pub fn digest(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// SHA-256 of bytes, hex (uploaded files' fingerprints).
pub fn digest_bytes(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares in time independent of where the inputs differ.
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// The value of one cookie.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn principal(user: User, credential: Credential) -> Result<Principal, ApiError> {
    let role = Role::parse(&user.role).ok_or_else(|| {
        ApiError::Internal(format!("user {} has unknown role {}", user.name, user.role))
    })?;
    Ok(Principal {
        user_id: user.id,
        name: user.name,
        display_name: user.display_name,
        role,
        scope: user
            .scope
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect(),
        credential,
    })
}

/// The principal of a request: a bearer token if one is given (and then only it), else the
/// session cookie. `None` when neither is present; an invalid one is an error.
pub async fn authenticate(
    store: &Store,
    headers: &HeaderMap,
) -> Result<Option<Principal>, ApiError> {
    if let Some(value) = headers.get(axum::http::header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .ok_or(ApiError::Unauthenticated)?;
        let (user, scopes) = store
            .token(&digest(token.trim()))
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let scopes = TokenScope::parse_list(&scopes).map_err(ApiError::Internal)?;
        return principal(user, Credential::Token { scopes }).map(Some);
    }
    match cookie(headers, SESSION_COOKIE) {
        Some(secret) => match store.session(&digest(secret)).await? {
            Some((user, csrf)) => principal(user, Credential::Session { csrf }).map(Some),
            None => Ok(None),
        },
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_themselves() {
        let phc = hash_password("正确的马电池钉").expect("hash");
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("正确的马电池钉", &phc));
        assert!(!verify_password("wrong", &phc));
        assert!(!verify_password("x", "not a phc string"));
    }

    #[test]
    fn secrets_are_random_and_stored_hashed() {
        let (a, b) = (secret().expect("a"), secret().expect("b"));
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(
            "cookie",
            "lang=en; kc_session=s3cret; x=1".parse().expect("header"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("s3cret"));
        assert_eq!(cookie(&h, "lang"), Some("en"));
        assert_eq!(cookie(&h, "nope"), None);
    }
}
