//! The matchmaking catalogue (供需对接目录): stored as each entry's JSON with its kind, id and
//! owner; searched through an index held in memory ([`CatalogueIndex`]); published to
//! ([`publish`]), searched and matched ([`search`]), and followed up as deals ([`deals`]).

use kechuang_matching::{Catalogue, Doc};
use kechuang_store::{CatalogueEntry, Store};

use crate::audit::Auditor;

pub mod deals;
mod index;
pub mod publish;
pub mod search;

pub use deals::{DEAL_STATUSES, DealBody, DealsParams, MoveBody, may_move};
pub use index::{CatalogueIndex, Indexed};
pub use publish::publishable;
pub use search::{HitView, MatchParams, SearchParams, SearchResults};

/// What the matchmaking use cases work on: the store, the audit log and the index held between
/// requests. Its methods are the use cases; each takes the [`crate::Caller`].
pub struct Matchmaking<'a> {
    /// The store.
    pub store: &'a Store,
    /// The audit log.
    pub auditor: &'a Auditor,
    /// The catalogue's search index.
    pub index: &'a CatalogueIndex,
}

/// A catalogue as stored rows, each with its owner.
pub fn stored_entries(c: &Catalogue, owner: impl Fn(&Doc) -> String) -> Vec<CatalogueEntry> {
    c.docs()
        .iter()
        .zip(entry_json(c))
        .map(|(d, json)| CatalogueEntry {
            kind: d.kind.key().to_string(),
            id: d.id.clone(),
            json,
            owner: owner(d),
        })
        .collect()
}

/// Each entry's JSON, in [`Catalogue::docs`] order.
fn entry_json(c: &Catalogue) -> Vec<String> {
    let mut out = Vec::with_capacity(c.len());
    // Catalogue entries are plain data (strings and numbers): serialising them cannot fail.
    let j = |v: serde_json::Result<String>| v.unwrap_or_default();
    out.extend(c.demands.iter().map(|e| j(serde_json::to_string(e))));
    out.extend(c.achievements.iter().map(|e| j(serde_json::to_string(e))));
    out.extend(c.patents.iter().map(|e| j(serde_json::to_string(e))));
    out.extend(c.experts.iter().map(|e| j(serde_json::to_string(e))));
    out.extend(c.equipment.iter().map(|e| j(serde_json::to_string(e))));
    out.extend(c.services.iter().map(|e| j(serde_json::to_string(e))));
    out
}
