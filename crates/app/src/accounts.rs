//! Accounts (账户): an account checked and created, a role with its scope, and passwords hashed
//! with argon2id. The web service's admin API and page and `kechuang user add` all create
//! accounts here.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use kechuang_store::{AuditAction, NewUser, Store};

use crate::access::{Capability, Role};
use crate::audit::Auditor;
use crate::{Caller, Error};

/// Why an account could not be created or changed.
#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    /// The request is not a valid account (name, password, role or scope); the message says why.
    #[error("{0}")]
    Invalid(String),
    /// Hashing the password failed.
    #[error("hashing a password: {0}")]
    Hash(String),
    /// The store failed, or the name is taken (`Exists`).
    #[error(transparent)]
    Store(#[from] kechuang_store::Error),
}

/// An account to create.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct NewAccount {
    /// Login name.
    pub name: String,
    /// Shown name (the login name by default).
    pub display_name: Option<String>,
    /// Password (at least 10 characters).
    pub password: String,
    /// Role name.
    pub role: String,
    /// Districts and parks, a credit code, or a bank, comma-separated.
    #[serde(default)]
    pub scope: String,
}

/// Hashes a password as an argon2id PHC string.
pub fn hash_password(password: &str) -> Result<String, AccountError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AccountError::Hash(e.to_string()))
}

/// Whether the password matches the PHC string (false for a malformed one).
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// A role and its scope, checked: the role exists, a scoped role has a scope, an enterprise
/// user's scope is a valid credit code. The scope comes back normalised (comma-separated).
pub fn role_and_scope(role: &str, scope: &str) -> Result<(Role, String), AccountError> {
    let role = Role::parse(role).ok_or_else(|| {
        AccountError::Invalid(format!(
            "unknown role '{role}': use {}",
            Role::ALL.map(Role::as_str).join(", ")
        ))
    })?;
    let scope: Vec<String> = scope
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    if role.needs_scope() && scope.is_empty() {
        return Err(AccountError::Invalid(format!(
            "the role {} needs a scope (districts or parks, a credit code, or a bank)",
            role.as_str()
        )));
    }
    if role == Role::Enterprise {
        kechuang_domain::CreditCode::parse(&scope[0])
            .map_err(|e| AccountError::Invalid(format!("scope: {e}")))?;
    }
    Ok((role, scope.join(",")))
}

/// Checks and creates an account; its id.
pub async fn add_user(store: &Store, account: &NewAccount) -> Result<i64, AccountError> {
    let name = account.name.trim();
    if name.is_empty() || name.len() > 64 || name.contains(char::is_whitespace) {
        return Err(AccountError::Invalid(
            "a login name has 1–64 characters and no spaces".into(),
        ));
    }
    if account.password.chars().count() < 10 {
        return Err(AccountError::Invalid(
            "a password has at least 10 characters".into(),
        ));
    }
    let (role, scope) = role_and_scope(&account.role, &account.scope)?;
    let hash = hash_password(&account.password)?;
    Ok(store
        .create_user(&NewUser {
            name: name.to_string(),
            display_name: account
                .display_name
                .clone()
                .unwrap_or_else(|| name.to_string()),
            password_hash: hash,
            role: role.as_str().to_string(),
            scope,
        })
        .await?)
}

impl From<AccountError> for Error {
    fn from(e: AccountError) -> Self {
        match e {
            AccountError::Invalid(m) => Error::Invalid(m),
            AccountError::Hash(m) => Error::Internal(format!("hashing a password: {m}")),
            AccountError::Store(e) => Error::Store(e),
        }
    }
}

/// An administrator creates an account (audited); its id.
pub async fn create(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    account: &NewAccount,
) -> crate::Result<i64> {
    let p = caller.require(Capability::Administer)?;
    let id = add_user(store, account).await?;
    auditor
        .record(
            &p.name,
            AuditAction::UserCreate,
            &format!("{} ({})", account.name, account.role),
            caller.remote,
            "ok",
        )
        .await;
    Ok(id)
}

/// A change to an account.
#[derive(Debug, serde::Deserialize)]
pub struct AccountChange {
    /// Disable (true) or enable (false).
    pub disabled: Option<bool>,
    /// A new password (ends the account's sessions and tokens).
    pub password: Option<String>,
    /// A new role (ends the account's sessions and tokens); `scope` goes with it.
    pub role: Option<String>,
    /// The new role's scope.
    pub scope: Option<String>,
}

/// An administrator changes an account: everything is checked before anything is written; an
/// administrator cannot disable their own account (audited).
pub async fn change(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    name: &str,
    change: &AccountChange,
) -> crate::Result<()> {
    let p = caller.require(Capability::Administer)?;
    if change.disabled == Some(true) && name == p.name {
        return Err(Error::Invalid("you cannot disable your own account".into()));
    }
    let role_change = change
        .role
        .as_deref()
        .map(|role| role_and_scope(role, change.scope.as_deref().unwrap_or("")))
        .transpose()?;
    let password = match &change.password {
        Some(pw) if pw.chars().count() < 10 => {
            return Err(Error::Invalid(
                "a password has at least 10 characters".into(),
            ));
        }
        Some(pw) => Some(hash_password(pw)?),
        None => None,
    };
    let mut found = true;
    if let Some(hash) = &password {
        found &= store.set_password(name, hash).await?;
    }
    if let Some(d) = change.disabled {
        found &= store.set_disabled(name, d).await?;
    }
    if let Some((role, scope)) = &role_change {
        found &= store.set_role(name, role.as_str(), scope).await?;
    }
    if !found {
        return Err(Error::NotFound(format!("no user '{name}'")));
    }
    // Disabling and enabling alone are logged as such (the administration page's buttons).
    let action = match (change.disabled, &change.password, &change.role) {
        (Some(true), None, None) => AuditAction::UserDisable,
        (Some(false), None, None) => AuditAction::UserEnable,
        _ => AuditAction::UserUpdate,
    };
    auditor
        .record(&p.name, action, name, caller.remote, "ok")
        .await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_and_roles_need_their_scope() {
        let phc = hash_password("正确的马电池钉").expect("hash");
        assert!(verify_password("正确的马电池钉", &phc));
        assert!(!verify_password("wrong horse", &phc));
        assert!(!verify_password("正确的马电池钉", "not a phc string"));
        assert!(matches!(
            role_and_scope("district_officer", ""),
            Err(AccountError::Invalid(_))
        ));
        assert!(matches!(
            role_and_scope("enterprise", "not-a-code"),
            Err(AccountError::Invalid(_))
        ));
        assert!(matches!(
            role_and_scope("root", ""),
            Err(AccountError::Invalid(_))
        ));
        let (_, scope) = role_and_scope("district_officer", " 120116 , 120104").expect("ok");
        assert_eq!(scope, "120116,120104");
    }
}
