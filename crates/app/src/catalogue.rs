//! The matchmaking catalogue (供需对接目录) as the store keeps it: each entry's JSON with its
//! kind, id and owner, in the catalogue's document order.

use kechuang_matching::{Catalogue, Doc};
use kechuang_store::CatalogueEntry;

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
