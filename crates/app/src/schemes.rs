//! Aiming support (政策靶向): a scheme's target list for a year — who qualifies, who awaits expert
//! review, who nearly qualifies and what they lack — computed once per scheme, year and import,
//! then cut to the caller's scope and filters.

use std::sync::Arc;

use kechuang_store::AuditAction;
use serde::{Deserialize, Serialize};

use crate::access::{Capability, ListScope};
use crate::enterprises::{district_code, nonempty, page_number};
use crate::views::{self, TargetList};
use crate::{App, Caller, Error, Result};

/// Target list filters.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct TargetParams {
    /// Year (latest stored by default).
    pub year: Option<i32>,
    /// `qualifies`, `needs_expert` or `near_miss` only.
    pub outcome: Option<String>,
    /// District: region code or name.
    pub district: Option<String>,
    /// Industry code prefix.
    pub industry: Option<String>,
    /// 1-based page.
    pub page: Option<i64>,
    /// Rows per page (at most 500).
    pub per_page: Option<i64>,
}

/// A page of a target list.
#[derive(Debug, Serialize)]
pub struct TargetPage {
    /// Scheme id.
    pub scheme: String,
    /// Scheme name.
    pub name: String,
    /// Rule version.
    pub version: String,
    /// Year.
    pub year: i32,
    /// Qualifying enterprises in scope.
    pub qualifies: usize,
    /// Candidates in scope whose decision awaits expert-judged items (待专家评审).
    pub needs_expert: usize,
    /// Near misses in scope.
    pub near_miss: usize,
    /// Rows matching.
    pub total: usize,
    /// Page.
    pub page: i64,
    /// Rows.
    pub items: Vec<views::TargetRow>,
}

/// A scheme's target list as the principal may see it (computed once per scheme, year and import).
pub async fn target_page(
    app: &App,
    caller: &Caller<'_>,
    scheme: &str,
    params: &TargetParams,
) -> Result<TargetPage> {
    let p = caller.require(Capability::Targets)?;
    let rules = app
        .rules
        .iter()
        .find(|r| r.spec.id == scheme)
        .ok_or_else(|| Error::NotFound(format!("no scheme '{scheme}'")))?
        .clone();
    let batch = app.store.latest_batch().await?;
    let key = format!("targets/{scheme}/{:?}/{batch}", params.year);
    let store = app.store.clone();
    let year = params.year;
    let list: Arc<TargetList> = app
        .cached(key, || async move {
            let (year, records) = views::panel(&store, year).await?;
            tokio::task::spawn_blocking(move || views::target_list(&rules, year, &records))
                .await
                .map_err(|e| Error::Internal(e.to_string()))
        })
        .await?;
    let district = district_code(&params.district)?;
    let industry = nonempty(&params.industry).map(|s| s.to_ascii_uppercase());
    let scope = p.list_scope();
    let in_scope = |r: &views::TargetRow| match &scope {
        ListScope::All => true,
        ListScope::Areas(regions, parks) => {
            regions.contains(&r.region_code) || r.park.as_ref().is_some_and(|x| parks.contains(x))
        }
        _ => false,
    };
    let rows: Vec<&views::TargetRow> = list
        .rows
        .iter()
        .filter(|r| in_scope(r))
        .filter(|r| district.as_ref().is_none_or(|d| &r.region_code == d))
        .filter(|r| {
            industry
                .as_ref()
                .is_none_or(|i| r.industry_code.starts_with(i.as_str()))
        })
        .collect();
    let qualifies = rows.iter().filter(|r| r.outcome == "qualifies").count();
    let needs_expert = rows.iter().filter(|r| r.outcome == "needs_expert").count();
    let near_miss = rows.len() - qualifies - needs_expert;
    let wanted: Vec<&views::TargetRow> = rows
        .into_iter()
        .filter(|r| {
            params
                .outcome
                .as_deref()
                .is_none_or(|o| o.is_empty() || r.outcome == o)
        })
        .collect();
    // Exports ask for everything at once; pages for at most 500.
    let per_page = params.per_page.unwrap_or(50).clamp(1, i64::MAX / 2);
    let page = page_number(params.page)?;
    let items = wanted
        .iter()
        .skip(usize::try_from((page - 1).saturating_mul(per_page)).unwrap_or(usize::MAX))
        .take(per_page as usize)
        .map(|r| (*r).clone())
        .collect();
    app.auditor
        .record(
            &p.name,
            AuditAction::TargetsList,
            &format!("{scheme} {} page {page}", list.year),
            caller.remote,
            "ok",
        )
        .await;
    Ok(TargetPage {
        scheme: list.scheme.clone(),
        name: list.name.clone(),
        version: list.version.clone(),
        year: list.year,
        qualifies,
        needs_expert,
        near_miss,
        total: wanted.len(),
        page,
        items,
    })
}
