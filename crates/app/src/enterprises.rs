//! Reading enterprises: the one access rule for every enterprise a response mentions (decided
//! per enterprise, audited), the ranking within the reader's scope, the survey record as filed and
//! the portrait (assembled once per build and import, then cut to the reader). Every read goes
//! through [`Enterprises`], whatever asks: a page, the API or a bank's feed.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use kechuang_domain::SurveyRecord;
use kechuang_policy::RuleSet;
use kechuang_portrait::Portrait;
use kechuang_store::{AuditAction, BuildInfo, RankingQuery, RankingRow, Store};
use serde::{Deserialize, Serialize};

use crate::access::{Capability, EnterpriseFacts, ListScope, Principal};
use crate::audit::Auditor;
use crate::memo::Memo;
use crate::views::{self, ViewError};
use crate::{Caller, Error, MAX_PAGE, Result};

impl From<ViewError> for Error {
    fn from(e: ViewError) -> Self {
        match e {
            ViewError::Missing(m) => Error::NotFound(m),
            ViewError::Store(e) => Error::Store(e),
            ViewError::Stored(e) => {
                tracing::error!(error = %e, "a stored index result does not decode");
                Error::Internal(e.to_string())
            }
        }
    }
}

/// What the stored enterprise data is now: the latest build and the latest import batch. Views
/// computed from the store are keyed by it.
#[derive(Debug, Clone)]
pub struct DataVersion {
    /// The latest index build.
    pub build: Option<BuildInfo>,
    /// The latest import batch (0 before any import).
    pub batch: i64,
    /// The latest source batch (0 before any): portraits show the sources' values.
    pub sources: i64,
}

/// The latest [`DataVersion`], read from the store at most once a second (a new build or import
/// shows within a second).
#[derive(Default)]
pub struct DataVersions {
    held: Mutex<Option<(Instant, DataVersion)>>,
}

impl DataVersions {
    /// The latest build and import (from a copy at most a second old).
    pub async fn current(&self, store: &Store) -> Result<DataVersion> {
        if let Ok(guard) = self.held.lock()
            && let Some((at, version)) = guard.as_ref()
            && at.elapsed() < std::time::Duration::from_secs(1)
        {
            return Ok(version.clone());
        }
        let version = DataVersion {
            build: store.builds().await?.into_iter().next(),
            batch: store.latest_batch().await?,
            sources: store.latest_source_batch().await?,
        };
        if let Ok(mut guard) = self.held.lock() {
            *guard = Some((Instant::now(), version.clone()));
        }
        Ok(version)
    }
}

/// A memoised portrait: build, import batch, source batch, enterprise, year asked for.
pub type PortraitKey = (Option<i64>, i64, i64, String, Option<i32>);

/// Portraits as assembled from the store, before the reader's peers are withheld; keyed by the
/// data they were computed from, so never stale for their key.
pub type Portraits = Memo<PortraitKey, Portrait>;

/// What the enterprise reads work on. Its methods are the use cases; each takes the [`Caller`].
pub struct Enterprises<'a> {
    /// The store.
    pub store: &'a Store,
    /// The audit log.
    pub auditor: &'a Auditor,
    /// The policy rule sets the portraits evaluate.
    pub rules: &'a [RuleSet],
    /// Portraits memoised.
    pub portraits: &'a Portraits,
    /// The latest build and import.
    pub versions: &'a DataVersions,
}

/// Filters, order and page of an enterprise list (API and pages).
#[derive(Debug, Default, Deserialize, Clone)]
pub struct ListParams {
    /// Year (latest of the build by default).
    pub year: Option<i32>,
    /// District: region code or name.
    pub district: Option<String>,
    /// Industry code prefix.
    pub industry: Option<String>,
    /// High-tech field code.
    pub field: Option<String>,
    /// Incubation stage.
    pub stage: Option<String>,
    /// Text in the name or code.
    pub q: Option<String>,
    /// `rank`, `score`, `name`, `credit_code`.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub order: Option<String>,
    /// 1-based page.
    pub page: Option<i64>,
    /// Rows per page (at most 500).
    pub per_page: Option<i64>,
}

/// A page of the ranking.
#[derive(Debug, Serialize)]
pub struct ListPage {
    /// The build.
    pub build_id: i64,
    /// The year.
    pub year: i32,
    /// Rows matching.
    pub total: i64,
    /// Page.
    pub page: i64,
    /// Page size.
    pub per_page: i64,
    /// Rows.
    pub items: Vec<RankingRow>,
}

/// A requested page number, 1 by default; refused outside 1..=[`MAX_PAGE`] (rather than silently
/// answering another page).
pub fn page_number(page: Option<i64>) -> Result<i64> {
    match page {
        None => Ok(1),
        Some(p) if (1..=MAX_PAGE).contains(&p) => Ok(p),
        Some(p) => Err(Error::Invalid(format!(
            "page {p}: give a page from 1 to {MAX_PAGE}"
        ))),
    }
}

/// A filter given and not blank, trimmed.
pub fn nonempty(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

/// A district given by name or code, as its code.
pub fn district_code(given: &Option<String>) -> Result<Option<String>> {
    nonempty(given)
        .map(|d| {
            kechuang_domain::RegionCode::parse_name_or_code(&d)
                .map(|c| c.as_str().to_string())
                .map_err(|e| Error::Invalid(format!("district: {e}")))
        })
        .transpose()
}

/// The latest build and the year to show (the build's latest unless asked).
pub async fn build_and_year(store: &Store, year: Option<i32>) -> Result<(BuildInfo, i32)> {
    let build = store
        .builds()
        .await?
        .into_iter()
        .next()
        .ok_or_else(|| Error::NotFound("no index build is stored yet".into()))?;
    let years = &build.years;
    let year = match year {
        Some(y) if years.contains(&y) => y,
        Some(y) => {
            return Err(Error::NotFound(format!(
                "build {} covers {}, not {y}",
                build.id,
                views::year_list(years)
            )));
        }
        None => *years
            .iter()
            .max()
            .ok_or_else(|| Error::NotFound("the build has no years".into()))?,
    };
    Ok((build, year))
}

/// The refusal of a read outside the reader's scope. The code is not echoed: a refusal names no
/// enterprise.
pub fn refused() -> Error {
    Error::Forbidden("this enterprise is outside what your account may read".into())
}

impl Enterprises<'_> {
    /// Which of these enterprises the principal may read directly: [`Principal::may_read`] over
    /// the facts its scope turns on, looked up in one query for all of them. The one rule for the
    /// enterprise asked for and for any other enterprise a response would mention.
    pub async fn readable_among(&self, p: &Principal, codes: &[&str]) -> Result<HashSet<String>> {
        let areas = match p.list_scope() {
            ListScope::Areas(..) => self.store.enterprise_areas(codes).await?,
            _ => HashMap::new(),
        };
        let consented = match p.bank() {
            Some(bank) => self.store.consented_among(codes, bank).await?,
            None => HashSet::new(),
        };
        Ok(codes
            .iter()
            .filter(|code| {
                p.may_read(&EnterpriseFacts {
                    credit_code: code,
                    area: areas
                        .get(**code)
                        .map(|(r, park)| (r.as_str(), park.as_deref())),
                    bank_consent: consented.contains(**code),
                })
            })
            .map(|c| c.to_string())
            .collect())
    }

    /// Audits a decision on reading one enterprise, and refuses it when it was not allowed.
    pub async fn audited_decision(
        &self,
        caller: &Caller<'_>,
        action: AuditAction,
        code: &str,
        allowed: bool,
    ) -> Result<()> {
        self.auditor
            .record(
                &caller.principal.name,
                action,
                code,
                caller.remote,
                if allowed { "ok" } else { "denied" },
            )
            .await;
        if allowed { Ok(()) } else { Err(refused()) }
    }

    /// Decides whether the caller may read this enterprise, auditing the attempt. Only the facts
    /// the principal's scope turns on are looked up (a district officer's needs the enterprise's
    /// district and park, a bank's its consent); whether the enterprise exists is then left to
    /// the read itself, so nobody learns it from a refusal.
    pub async fn guard(&self, caller: &Caller<'_>, code: &str, action: AuditAction) -> Result<()> {
        let allowed = !self
            .readable_among(caller.principal, &[code])
            .await?
            .is_empty();
        self.audited_decision(caller, action, code, allowed).await
    }

    /// The principal's list scope as store filters.
    async fn scope_filters(&self, p: &Principal, q: &mut RankingQuery) -> Result<()> {
        match p.list_scope() {
            ListScope::All => {}
            ListScope::Areas(regions, parks) => q.areas = Some((regions, parks)),
            ListScope::Own(code) => q.credit_codes = Some(vec![code]),
            ListScope::Consented(bank) => {
                let live: Vec<String> = self
                    .store
                    .consents(None, Some(&bank))
                    .await?
                    .into_iter()
                    .filter(|c| c.revoked_at.is_none())
                    .map(|c| c.credit_code)
                    .collect();
                q.credit_codes = Some(live);
            }
            ListScope::Nothing => q.credit_codes = Some(Vec::new()),
        }
        Ok(())
    }

    /// A page of at most `max_rows` rows of the ranking as the caller may see it (exports read
    /// the whole list as one page); audited.
    pub async fn ranking(
        &self,
        caller: &Caller<'_>,
        params: &ListParams,
        max_rows: i64,
    ) -> Result<ListPage> {
        let p = caller.require(Capability::ListEnterprises)?;
        let (build, year) = build_and_year(self.store, params.year).await?;
        let per_page = params.per_page.unwrap_or(50).clamp(1, max_rows);
        let page = page_number(params.page)?;
        let district = district_code(&params.district)?;
        let mut q = RankingQuery {
            build_id: build.id,
            year,
            region_code: district,
            industry: nonempty(&params.industry).map(|s| s.to_ascii_uppercase()),
            tech_field: nonempty(&params.field),
            stage: nonempty(&params.stage),
            text: nonempty(&params.q),
            sort: params.sort.clone().unwrap_or_else(|| "rank".into()),
            descending: params.order.as_deref() == Some("desc"),
            limit: per_page,
            offset: (page - 1) * per_page,
            ..Default::default()
        };
        self.scope_filters(p, &mut q).await?;
        let (total, items) = self.store.ranking(&q).await?;
        self.auditor
            .record(
                &p.name,
                AuditAction::EnterprisesList,
                &format!("build {} year {year} page {page}", build.id),
                caller.remote,
                "ok",
            )
            .await;
        Ok(ListPage {
            build_id: build.id,
            year,
            total,
            page,
            per_page,
            items,
        })
    }

    /// The survey records of an enterprise as filed (newest first; one year if asked), for roles
    /// that may read records (a bank's consent covers the portrait, not the filing).
    pub async fn records(
        &self,
        caller: &Caller<'_>,
        code: &str,
        year: Option<i32>,
    ) -> Result<Vec<SurveyRecord>> {
        self.guard(caller, code, AuditAction::RecordRead).await?;
        if !caller.principal.may_read_survey_record() {
            return Err(Error::Forbidden(
                "the survey record as filed is not covered by a bank's consent: read the portrait"
                    .into(),
            ));
        }
        let mut found = Vec::new();
        for y in self.store.years().await?.iter().rev() {
            if year.is_some_and(|want| want != *y) {
                continue;
            }
            if let Some(r) = self.store.record(code, *y).await? {
                found.push(r);
            }
        }
        if found.is_empty() {
            return Err(Error::NotFound(format!("no survey record for {code}")));
        }
        Ok(found)
    }

    /// The portrait, if the caller may read it (audited).
    ///
    /// The portrait is assembled (or taken from the memo) before the access decision so that the
    /// enterprise and every similar enterprise it names are decided in one look-up; nothing of it
    /// leaves unless the reader may read the enterprise, and a refusal comes before "not found",
    /// as it does for every enterprise read.
    pub async fn portrait(
        &self,
        caller: &Caller<'_>,
        code: &str,
        year: Option<i32>,
    ) -> Result<Portrait> {
        let p = caller.principal;
        let assembled = self.assembled_portrait(code, year).await;
        let mut asked = vec![code];
        if let Ok(a) = &assembled {
            asked.extend(a.similar.iter().map(|s| s.credit_code.as_str()));
        }
        let readable = self.readable_among(p, &asked).await?;
        self.audited_decision(
            caller,
            AuditAction::PortraitRead,
            code,
            readable.contains(code),
        )
        .await?;
        let assembled = assembled?;
        let mut portrait = Portrait::clone(&assembled);
        // Similar enterprises are named only where the reader may read them directly (and each
        // one named is a read, audited); the rest are summarised without identities.
        portrait.withhold_peers(|c| readable.contains(c));
        for s in &portrait.similar {
            self.auditor
                .record(
                    &p.name,
                    AuditAction::PortraitSimilar,
                    &s.credit_code,
                    caller.remote,
                    "ok",
                )
                .await;
        }
        Ok(portrait)
    }

    /// The portrait as assembled from the store, before any reader's peers are withheld: from
    /// the memo when the same build and import produced it already.
    async fn assembled_portrait(&self, code: &str, year: Option<i32>) -> Result<Arc<Portrait>> {
        let version = self.versions.current(self.store).await?;
        let key = (
            version.build.as_ref().map(|b| b.id),
            version.batch,
            version.sources,
            code.to_string(),
            year,
        );
        if let Some(p) = self.portraits.get(&key) {
            return Ok(p);
        }
        let p = Arc::new(
            views::gather_from(self.store, version.build.as_ref(), code, year, self.rules).await?,
        );
        self.portraits.insert(key, p.clone());
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_are_refused_outside_their_range() {
        assert!(page_number(Some(i64::MAX)).is_err());
        assert!(page_number(Some(0)).is_err());
        assert_eq!(page_number(None).ok(), Some(1));
        assert_eq!(
            district_code(&Some("滨海新区".into()))
                .ok()
                .flatten()
                .as_deref(),
            Some("120116")
        );
        assert!(district_code(&Some("no such".into())).is_err());
        assert_eq!(nonempty(&Some("  ".into())), None);
    }
}
