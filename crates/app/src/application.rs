//! The application: what the use cases share on one instance (the store, the audit log, the
//! shipped rules, and what is held between calls: computed views, the catalogue's index, the
//! latest data version, memoised portraits). The web service holds one; the use cases are its
//! methods or those of the views it hands out ([`App::enterprises`], [`App::matchmaking`]).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use kechuang_policy::RuleSet;
use kechuang_store::Store;

use crate::Result;
use crate::audit::{Auditor, Writer};
use crate::catalogue::{CatalogueIndex, Matchmaking};
use crate::enterprises::{DataVersion, DataVersions, Enterprises, Portraits};
use crate::memo::Memo;

/// Portraits memoised per instance (two generations of this many).
const PORTRAITS_HELD: usize = 4096;

/// Views computed once per key (build, latest import, scope), at most this many held.
const VIEWS_HELD: usize = 256;

/// The application on one instance.
pub struct App {
    /// The store.
    pub store: Arc<Store>,
    /// The audit log writer.
    pub auditor: Auditor,
    /// The shipped policy rule sets.
    pub rules: Vec<RuleSet>,
    /// Computed views, keyed by what they were computed from (build, latest import, scope).
    views: Mutex<HashMap<String, Arc<dyn std::any::Any + Send + Sync>>>,
    /// The catalogue's search index, at the version it was built from.
    pub catalogue: CatalogueIndex,
    /// The latest build and import, read at most once a second.
    pub data_version: DataVersions,
    /// Portraits as assembled from the store, before the reader's peers are withheld.
    pub portraits: Portraits,
}

impl App {
    /// The application on an open store with the shipped rules; the audit writer starts here
    /// (await its handle after the last [`App`] is dropped, to drain it).
    pub fn start(store: Arc<Store>) -> (App, Writer) {
        let (auditor, writer) = Auditor::start(store.clone());
        let rules = kechuang_policy::SHIPPED
            .iter()
            .filter_map(|(id, _)| kechuang_policy::shipped(id))
            .collect();
        (
            App {
                store,
                auditor,
                rules,
                views: Mutex::new(HashMap::new()),
                catalogue: CatalogueIndex::default(),
                data_version: DataVersions::default(),
                portraits: Memo::new(PORTRAITS_HELD),
            },
            writer,
        )
    }

    /// The matchmaking use cases.
    pub fn matchmaking(&self) -> Matchmaking<'_> {
        Matchmaking {
            store: &self.store,
            auditor: &self.auditor,
            index: &self.catalogue,
        }
    }

    /// The enterprise reads.
    pub fn enterprises(&self) -> Enterprises<'_> {
        Enterprises {
            store: &self.store,
            auditor: &self.auditor,
            rules: &self.rules,
            portraits: &self.portraits,
            versions: &self.data_version,
        }
    }

    /// The latest build and import (from a copy at most a second old).
    pub async fn data_version(&self) -> Result<DataVersion> {
        self.data_version.current(&self.store).await
    }

    /// A view computed once per key: the held one, or `make`'s, held under `key`.
    pub async fn cached<T, F, Fut>(&self, key: String, make: F) -> Result<Arc<T>>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T>>,
    {
        if let Ok(views) = self.views.lock()
            && let Some(v) = views.get(&key)
            && let Ok(v) = Arc::clone(v).downcast::<T>()
        {
            return Ok(v);
        }
        let value = Arc::new(make().await?);
        if let Ok(mut views) = self.views.lock() {
            if views.len() >= VIEWS_HELD {
                views.clear();
            }
            views.insert(key, value.clone());
        }
        Ok(value)
    }
}
