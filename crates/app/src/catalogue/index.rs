//! The catalogue's search index, kept in memory and rebuilt (off the async threads) when the
//! catalogue's version in the store moves; several instances of the service each keep their own.

use std::sync::Arc;

use kechuang_matching::{Catalogue, Kind, SearchIndex};
use kechuang_store::Store;

use crate::{Error, Result};

/// The catalogue and its index at one version.
pub struct Indexed {
    /// The catalogue's version in the store.
    pub version: i64,
    /// The index (its documents are the catalogue's, in [`Catalogue::docs`] order).
    pub index: SearchIndex,
    /// Who wrote each document (same order).
    pub owners: Vec<String>,
}

/// The index of the current catalogue, held between requests.
#[derive(Default)]
pub struct CatalogueIndex {
    slot: tokio::sync::RwLock<Option<Arc<Indexed>>>,
}

impl CatalogueIndex {
    /// The index of the catalogue as stored now (built again if the version has moved).
    pub async fn current(&self, store: &Store) -> Result<Arc<Indexed>> {
        let version = store.catalogue_version().await?;
        if let Some(current) = self.slot.read().await.as_ref()
            && current.version == version
        {
            return Ok(current.clone());
        }
        let mut slot = self.slot.write().await;
        if let Some(current) = slot.as_ref()
            && current.version == version
        {
            return Ok(current.clone());
        }
        let rows = store.catalogue().await?;
        let built = tokio::task::spawn_blocking(move || -> Result<Indexed> {
            let mut catalogue = Catalogue::default();
            let mut owners: Vec<(Kind, String, String)> = Vec::new();
            for r in &rows {
                let bad = |e: serde_json::Error| {
                    Error::Internal(format!("stored {} {}: {e}", r.kind, r.id))
                };
                match Kind::parse(&r.kind) {
                    Some(Kind::Demand) => catalogue
                        .demands
                        .push(serde_json::from_str(&r.json).map_err(bad)?),
                    Some(Kind::Achievement) => catalogue
                        .achievements
                        .push(serde_json::from_str(&r.json).map_err(bad)?),
                    Some(Kind::Patent) => catalogue
                        .patents
                        .push(serde_json::from_str(&r.json).map_err(bad)?),
                    Some(Kind::Expert) => catalogue
                        .experts
                        .push(serde_json::from_str(&r.json).map_err(bad)?),
                    Some(Kind::Equipment) => catalogue
                        .equipment
                        .push(serde_json::from_str(&r.json).map_err(bad)?),
                    Some(Kind::Service) => catalogue
                        .services
                        .push(serde_json::from_str(&r.json).map_err(bad)?),
                    None => {
                        return Err(Error::Internal(format!(
                            "stored entry of unknown kind {}",
                            r.kind
                        )));
                    }
                }
                owners.push((
                    Kind::parse(&r.kind).unwrap_or(Kind::Demand),
                    r.id.clone(),
                    r.owner.clone(),
                ));
            }
            let docs = catalogue.docs();
            let owner_of: std::collections::HashMap<(Kind, &str), &str> = owners
                .iter()
                .map(|(k, id, o)| ((*k, id.as_str()), o.as_str()))
                .collect();
            let owners = docs
                .iter()
                .map(|d| {
                    owner_of
                        .get(&(d.kind, d.id.as_str()))
                        .map_or_else(String::new, |o| o.to_string())
                })
                .collect();
            let index =
                SearchIndex::build(docs, None).map_err(|e| Error::Internal(e.to_string()))?;
            Ok(Indexed {
                version,
                index,
                owners,
            })
        })
        .await
        .map_err(|e| Error::Internal(e.to_string()))??;
        let built = Arc::new(built);
        *slot = Some(built.clone());
        Ok(built)
    }
}
