//! Finding in the catalogue: full-text search with filters, an entry, its matches, and supply for
//! an enterprise's weakest pillars. Roles with lists read the catalogue (not the public).

use kechuang_matching::matching::{Match, for_demand, for_supply};
use kechuang_matching::{Doc, Filters, Kind, Province};
use serde::{Deserialize, Serialize};

use super::{Indexed, Matchmaking};
use crate::access::{Capability, Principal};
use crate::{Caller, Error, Result};
use std::sync::Arc;

/// Reading the catalogue needs a role with lists (not the public).
fn reader<'a>(caller: &Caller<'a>) -> Result<&'a Principal> {
    caller.require(Capability::ListEnterprises)
}

/// Search filters as query parameters.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct SearchParams {
    /// Text.
    pub q: Option<String>,
    /// Kinds, comma-separated.
    pub kind: Option<String>,
    /// High-tech field key.
    pub field: Option<String>,
    /// 京, 津 or 冀.
    pub region: Option<String>,
    /// TRL at least.
    pub trl_min: Option<u8>,
    /// TRL at most.
    pub trl_max: Option<u8>,
    /// Price or budget at most, ¥10k.
    pub price_max: Option<f64>,
    /// Only open, valid, available entries.
    #[serde(default)]
    pub available: bool,
    /// Kind-specific type: transfer mode, patent class (I, II), service category, cooperation mode.
    #[serde(rename = "type")]
    pub kind_type: Option<String>,
    /// Hits (at most 200).
    pub limit: Option<usize>,
}

pub(super) fn kinds(list: Option<&str>) -> Result<Vec<Kind>> {
    list.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(|k| {
            Kind::parse(k).ok_or_else(|| {
                Error::Invalid(format!(
                    "kind '{k}': use {}",
                    Kind::ALL.map(Kind::key).join(", ")
                ))
            })
        })
        .collect()
}

/// `?limit=&kind=`.
#[derive(Debug, Default, Deserialize)]
pub struct MatchParams {
    /// Matches (at most 100).
    pub limit: Option<usize>,
    /// Only these supply kinds (demands only).
    pub kind: Option<String>,
}

/// A page of search results and how many documents matched in all.
#[derive(Debug, Serialize)]
pub struct SearchResults {
    /// Documents matching, whatever the limit.
    pub total: usize,
    /// The best of them, at most the limit.
    pub hits: Vec<HitView>,
}

/// A search hit as the API and pages show it.
#[derive(Debug, Serialize)]
pub struct HitView {
    /// Kind.
    pub kind: Kind,
    /// Id.
    pub id: String,
    /// Title (plain).
    pub title: String,
    /// Title with matched words in `<b>`.
    pub title_html: String,
    /// Snippet with matched words in `<b>`.
    pub snippet_html: String,
    /// The title with the matched words marked (for the pages' templates).
    #[serde(skip)]
    pub title_marked: kechuang_matching::Highlighted,
    /// The snippet with the matched words marked.
    #[serde(skip)]
    pub snippet_marked: kechuang_matching::Highlighted,
    /// Province.
    pub region: Province,
    /// Fields.
    pub fields: Vec<String>,
    /// TRL.
    pub trl: Option<u8>,
    /// BM25.
    pub score: f32,
}

impl Matchmaking<'_> {
    /// Searches the catalogue.
    pub async fn search(&self, caller: &Caller<'_>, p: &SearchParams) -> Result<SearchResults> {
        reader(caller)?;
        let region = match p.region.as_deref().filter(|r| !r.is_empty()) {
            Some(r) => Some(
                Province::parse(r)
                    .ok_or_else(|| Error::Invalid(format!("region '{r}': use 京, 津 or 冀")))?,
            ),
            None => None,
        };
        let filters = Filters {
            kinds: kinds(p.kind.as_deref())?,
            field: p.field.clone().filter(|f| !f.is_empty()),
            region,
            trl_min: p.trl_min,
            trl_max: p.trl_max,
            price_max: p.price_max,
            available_only: p.available,
            kind_type: p.kind_type.clone().filter(|t| !t.is_empty()),
        };
        let idx = self.index.current(self.store).await?;
        let text = p.q.as_deref().unwrap_or("");
        let hits = idx
            .index
            .search(text, &filters, p.limit.unwrap_or(20).clamp(1, 200))
            .map_err(|e| Error::Internal(e.to_string()))?;
        let total = idx
            .index
            .count(text, &filters)
            .map_err(|e| Error::Internal(e.to_string()))?;
        let hits = hits
            .into_iter()
            .map(|h| {
                let d = &idx.index.docs()[h.doc];
                HitView {
                    kind: d.kind,
                    id: d.id.clone(),
                    title: d.title.clone(),
                    title_html: h.title.to_html(),
                    snippet_html: h.snippet.to_html(),
                    title_marked: h.title,
                    snippet_marked: h.snippet,
                    region: d.region,
                    fields: d.fields.clone(),
                    trl: d.trl,
                    score: h.score,
                }
            })
            .collect();
        Ok(SearchResults { total, hits })
    }

    /// An entry: its document and who wrote it.
    pub async fn find(
        &self,
        caller: &Caller<'_>,
        kind: &str,
        id: &str,
    ) -> Result<(Arc<Indexed>, usize)> {
        reader(caller)?;
        let kind = Kind::parse(kind).ok_or_else(|| Error::NotFound(format!("no kind '{kind}'")))?;
        let idx = self.index.current(self.store).await?;
        let at = idx
            .index
            .docs()
            .iter()
            .position(|d| d.kind == kind && d.id == id)
            .ok_or_else(|| Error::NotFound(format!("no {} '{id}'", kind.key())))?;
        Ok((idx, at))
    }

    /// For a demand, the supply that could meet it; for a supply entry, the demands it could serve.
    pub async fn matches(
        &self,
        caller: &Caller<'_>,
        kind: &str,
        id: &str,
        p: &MatchParams,
    ) -> Result<(Doc, Vec<Match>)> {
        let (idx, at) = self.find(caller, kind, id).await?;
        let doc = idx.index.docs()[at].clone();
        let limit = p.limit.unwrap_or(20).clamp(1, 100);
        let found = if doc.kind == Kind::Demand {
            for_demand(&idx.index, &doc, &kinds(p.kind.as_deref())?, limit)
        } else {
            for_supply(&idx.index, &doc, limit)
        }
        .map_err(|e| Error::Internal(e.to_string()))?;
        Ok((doc, found))
    }

    /// Supply for the weakest pillars of an enterprise's portrait (the two lowest percentiles in its
    /// industry), in its field and province first; the caller has read the portrait (its access
    /// decided and audited as for the portrait itself).
    pub async fn suggestions(
        &self,
        portrait: &kechuang_portrait::Portrait,
    ) -> Result<Vec<(String, Vec<Match>)>> {
        let code = portrait.credit_code.as_str();
        let mut pillars: Vec<(&str, f64)> = portrait
            .pillars
            .iter()
            .filter_map(|p| p.percentile.map(|v| (p.name.as_str(), v)))
            .collect();
        pillars.sort_by(|a, b| a.1.total_cmp(&b.1));
        let weak: Vec<String> = pillars.iter().take(2).map(|p| p.0.to_string()).collect();
        let field = portrait
            .tech_field
            .as_deref()
            .and_then(|f| kechuang_domain::TechField::parse(f).ok())
            .map(|f| f.key());
        // The credit code carries the registering division (characters 3–8).
        let province = code
            .get(2..8)
            .and_then(Province::parse)
            .unwrap_or(Province::Tianjin);
        let idx = self.index.current(self.store).await?;
        kechuang_matching::matching::for_weak_pillars(&idx.index, &weak, field, province, 3)
            .map_err(|e| Error::Internal(e.to_string()))
    }
}
