//! The statistical audit of the stored index (统计审计), for analysts: COINr's checks of the
//! latest build's year (correlations, Cronbach's α, principal components, data quality), with a
//! Monte Carlo uncertainty analysis of the ranks and a variance-based sensitivity analysis of
//! which assumption moves them. The same engine functions as `kechuang index audit`; computed
//! once per build, import and settings, off the request threads.

use std::sync::Arc;

use kechuang_engine::audit::{Audit, AuditSettings, audit};
use kechuang_engine::sensitivity::Sensitivity;
use kechuang_engine::uncertainty::{Assumptions, UncertaintyResult};
use kechuang_engine::{Build, BuildOptions};

use crate::access::Capability;
use crate::enterprises::build_and_year;
use crate::{App, Caller, Error, Result};

/// The most replications a page may ask for.
pub const MAX_REPLICATIONS: usize = 1000;

/// The audit of the latest build's latest year.
pub struct IndexAudit {
    /// The build audited.
    pub build_id: i64,
    /// Its framework (id and version).
    pub framework: String,
    /// The year audited.
    pub year: i32,
    /// Enterprises built.
    pub units: usize,
    /// The checks of the build.
    pub audit: Audit,
    /// What the uncertainty and sensitivity analyses vary.
    pub what_varies: String,
    /// The ranks under the varied assumptions.
    pub uncertainty: UncertaintyResult,
    /// Which assumption moves the ranks (first- and total-order indices).
    pub sensitivity: Sensitivity,
    /// The seed of both analyses.
    pub seed: u64,
}

/// What the web audit varies: every weight by up to ±25%, and the outlier treatment on or off.
pub fn assumptions() -> Assumptions {
    Assumptions {
        weight_perturbation: Some(0.25),
        toggle_treatment: true,
        ..Assumptions::default()
    }
}

/// The statistical audit of the latest build (analysts and administrators).
pub async fn index_audit(
    app: &App,
    caller: &Caller<'_>,
    replications: Option<usize>,
    seed: Option<u64>,
) -> Result<Arc<IndexAudit>> {
    caller.require(Capability::BuildIndex)?;
    let replications = replications.unwrap_or(100);
    if !(10..=MAX_REPLICATIONS).contains(&replications) {
        return Err(Error::Invalid(format!(
            "replications: from 10 to {MAX_REPLICATIONS}"
        )));
    }
    let seed = seed.unwrap_or(1);
    let (build, year) = build_and_year(&app.store, None).await?;
    let framework =
        kechuang_enterprise::shipped_framework_by_id(&build.framework_id).ok_or_else(|| {
            Error::NotFound(format!(
                "build {} used framework '{}', which this version does not ship",
                build.id, build.framework_id
            ))
        })?;
    let batch = app.store.latest_batch().await?;
    let key = format!("index-audit/{}/{batch}/{replications}/{seed}", build.id);
    let store = app.store.clone();
    app.cached(key, || async move {
        // The year before too, for the growth rates.
        let records = store.load_years(&[year - 1, year]).await?;
        tokio::task::spawn_blocking(move || -> Result<IndexAudit> {
            let data = kechuang_enterprise::dataset_of_year(&records, year);
            drop(records);
            let units = data.len();
            let engine = |e: kechuang_engine::Error| Error::Invalid(e.to_string());
            let built = Build::run(
                framework,
                data.clone(),
                BuildOptions {
                    keep_stages: true,
                    ..BuildOptions::default()
                },
            )
            .map_err(engine)?;
            let checks = audit(&built, AuditSettings::default());
            drop(built);
            let a = assumptions();
            let uncertainty = kechuang_engine::uncertainty::run(
                framework,
                &data,
                &a,
                replications,
                seed,
                &|_| {},
            )
            .map_err(engine)?;
            // Sobol samples grow the cost by (factors + 2); a quarter of the replications keeps
            // the two analyses about as long as each other.
            let sensitivity = kechuang_engine::sensitivity::run(
                framework,
                &data,
                &a,
                (replications / 4).max(8),
                200,
                seed,
            )
            .map_err(engine)?;
            Ok(IndexAudit {
                build_id: build.id,
                framework: format!("{} {}", build.framework_id, build.framework_version),
                year,
                units,
                audit: checks,
                what_varies: a.describe(),
                uncertainty,
                sensitivity,
                seed,
            })
        })
        .await
        .map_err(|e| Error::Internal(e.to_string()))?
    })
    .await
}
