//! Banks' consents (征信授权) to read an enterprise: granted and revoked by the enterprise (or
//! the bureau for it), listed within the caller's scope, every change audited.

use kechuang_store::{AuditAction, Consent, Store};
use serde::Deserialize;

use crate::access::{Capability, Principal, Role};
use crate::audit::Auditor;
use crate::{Caller, Error, Result};

/// A consent to grant or revoke.
#[derive(Debug, Deserialize)]
pub struct ConsentBody {
    /// The enterprise (an enterprise user's own by default).
    pub credit_code: Option<String>,
    /// The bank.
    pub bank: String,
}

/// The enterprise a consent change is for: an enterprise user's own; anyone else with the right
/// must name it.
pub fn consent_target(p: &Principal, named: Option<&str>) -> Result<String> {
    let named = named.map(|c| c.trim().to_ascii_uppercase());
    match p.role {
        Role::Enterprise => {
            let own = p.scope.first().cloned().unwrap_or_default();
            match named {
                Some(c) if c != own => Err(Error::Forbidden(
                    "an enterprise account may only change its own consents".into(),
                )),
                _ => Ok(own),
            }
        }
        _ => named.ok_or_else(|| Error::Invalid("name the enterprise (credit_code)".into())),
    }
}

/// Grants (or, with `grant = false`, revokes) a bank's consent.
pub async fn change_consent(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    body: &ConsentBody,
    grant: bool,
) -> Result<bool> {
    let p = caller.require(Capability::ManageConsents)?;
    let code = consent_target(p, body.credit_code.as_deref())?;
    let bank = body.bank.trim();
    if bank.is_empty() {
        return Err(Error::Invalid("name the bank".into()));
    }
    // A consent goes to a bank on the platform (one with an account); a revocation may name any
    // bank a consent was once given to.
    if grant
        && !crate::finance::banks(store)
            .await?
            .iter()
            .any(|b| b == bank)
    {
        return Err(Error::Invalid(format!(
            "'{bank}' is not a bank on the platform"
        )));
    }
    let changed = if grant {
        store.grant_consent(&code, bank, &p.name).await?;
        true
    } else {
        store.revoke_consent(&code, bank, &p.name).await?
    };
    auditor
        .record(
            &p.name,
            if grant {
                AuditAction::ConsentGrant
            } else {
                AuditAction::ConsentRevoke
            },
            &format!("{code} → {bank}"),
            caller.remote,
            "ok",
        )
        .await;
    Ok(changed)
}

/// Consents the principal may see: an enterprise its own, a bank those given to it, analysts and
/// administrators all.
pub async fn visible_consents(store: &Store, caller: &Caller<'_>) -> Result<Vec<Consent>> {
    let p = caller.principal;
    Ok(match p.role {
        Role::Admin | Role::Analyst => store.consents(None, None).await?,
        Role::Enterprise => {
            store
                .consents(Some(p.scope.first().map_or("", String::as_str)), None)
                .await?
        }
        Role::Bank => store.consents(None, Some(p.bank().unwrap_or(""))).await?,
        Role::DistrictOfficer | Role::Public => {
            return Err(Error::Forbidden(
                "consents are not visible to this role".into(),
            ));
        }
    })
}
