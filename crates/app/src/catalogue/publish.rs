//! Publishing to the catalogue: who may publish which kind, and a file's rows validated and,
//! with no problem, written in one transaction (audited either way).

use kechuang_matching::Catalogue;
use kechuang_matching::Kind;
use kechuang_matching::import::{Entries, Issue, extend, read_rows};

use super::{Matchmaking, stored_entries};
use crate::access::Role;
use crate::{Caller, Error, Result};

/// The kind a caller asks to publish, when its role may: analysts and administrators publish any
/// kind; an enterprise account only demands (of its own, checked per row).
pub fn publishable(caller: &Caller<'_>, kind: &str) -> Result<Kind> {
    let p = caller.principal;
    let kind = Kind::parse(kind).ok_or_else(|| {
        Error::Invalid(format!(
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
        return Err(Error::Forbidden(format!(
            "the role {} may not publish {} entries",
            p.role.as_str(),
            kind.key()
        )));
    }
    Ok(kind)
}

impl Matchmaking<'_> {
    /// Validates catalogue rows (the first the header) and, with no problem, writes every entry
    /// in one transaction; [`publishable`] has said the role may publish `kind`.
    pub async fn import_rows(
        &self,
        caller: &Caller<'_>,
        kind: Kind,
        rows: &[Vec<String>],
    ) -> Result<std::result::Result<usize, Vec<Issue>>> {
        let p = caller.principal;
        let entries = match read_rows(kind, rows) {
            Ok(e) => e,
            Err(issues) => {
                self.auditor
                    .record(
                        &p.name,
                        kechuang_store::AuditAction::CatalogueImport,
                        kind.key(),
                        caller.remote,
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
                return Err(Error::Forbidden(format!(
                    "an enterprise account publishes its own demands only; the file has one of {}",
                    other.enterprise
                )));
            }
        }
        extend(&mut c, entries);
        let rows = stored_entries(&c, |_| p.name.clone());
        self.store.put_catalogue(&rows, publisher(p)).await?;
        self.auditor
            .record(
                &p.name,
                kechuang_store::AuditAction::CatalogueImport,
                &format!("{} ×{}", kind.key(), rows.len()),
                caller.remote,
                "ok",
            )
            .await;
        Ok(Ok(rows.len()))
    }
}

/// Analysts and administrators curate the whole catalogue; everyone else publishes as an owner.
fn publisher(p: &crate::access::Principal) -> kechuang_store::Publisher {
    match p.role {
        Role::Admin | Role::Analyst => kechuang_store::Publisher::Curator,
        _ => kechuang_store::Publisher::Owner,
    }
}
