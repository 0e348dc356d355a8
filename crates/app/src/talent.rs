//! The unified talent pool (统一科技人才库): people kept in the store, evaluated against the
//! shipped entry criteria for the current year, searched and counted by field, tier, region and
//! institution; duplicates found and merged with an audit trail. Analysts and administrators only
//! (personal data): every use case asks the caller for [`Capability::Talent`], and every read of
//! people is audited.

use kechuang_store::{AuditAction, Store};
use kechuang_talent::{
    Evaluation, MergeRecord, Person, Search, current_institutions, evaluate, find_duplicates,
    merge, shipped, statistics,
};
use serde::{Deserialize, Serialize};

use crate::access::Capability;
use crate::audit::Auditor;
use crate::{Caller, Error, Result};

/// The year people are evaluated for: this one.
pub fn this_year() -> i32 {
    use chrono::Datelike;
    chrono::Utc::now().year()
}

/// Every person with their evaluation.
pub async fn pool(store: &Store, caller: &Caller<'_>) -> Result<Vec<(Person, Evaluation)>> {
    caller.require(Capability::Talent)?;
    let criteria = shipped();
    let year = this_year();
    store
        .people()
        .await?
        .into_iter()
        .map(|(id, json)| {
            let p: Person = serde_json::from_str(&json)
                .map_err(|e| Error::Internal(format!("stored person {id}: {e}")))?;
            let e = evaluate(&p, &criteria, year);
            Ok((p, e))
        })
        .collect()
}

/// Search filters.
#[derive(Debug, Default, Deserialize, Clone)]
pub struct TalentParams {
    /// Tier code (`-`: below the entry criteria).
    pub tier: Option<String>,
    /// Field.
    pub field: Option<String>,
    /// 京, 津 or 冀.
    pub region: Option<String>,
    /// Text in a current institution.
    pub institution: Option<String>,
    /// Text in the name.
    pub q: Option<String>,
    /// 1-based page.
    pub page: Option<usize>,
    /// Rows per page (at most 500).
    pub per_page: Option<usize>,
}

/// A person as listed.
#[derive(Debug, Serialize)]
pub struct Row {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Tier (`None`: below the entry criteria).
    pub tier: Option<String>,
    /// Region.
    pub region: String,
    /// Fields.
    pub fields: Vec<String>,
    /// Current institutions.
    pub institutions: Vec<String>,
    /// Source of the record.
    pub source: String,
}

/// The people of `pool` matching every filter given, and their number.
pub fn search_in(pool: &[(Person, Evaluation)], q: &TalentParams) -> (usize, Vec<Row>) {
    let given = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(String::from)
    };
    let search = Search {
        tier: given(&q.tier),
        field: given(&q.field),
        region: given(&q.region),
        institution: given(&q.institution),
        name: given(&q.q),
    };
    let matching: Vec<&(Person, Evaluation)> =
        pool.iter().filter(|(p, e)| search.matches(p, e)).collect();
    let per_page = q.per_page.unwrap_or(50).clamp(1, 500);
    let page = q.page.unwrap_or(1).max(1);
    let rows = matching
        .iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .map(|(p, e)| Row {
            id: p.id.clone(),
            name: p.name.clone(),
            tier: e.tier.clone(),
            region: p.region.clone(),
            fields: p.fields.clone(),
            institutions: current_institutions(p, e.as_of)
                .into_iter()
                .map(String::from)
                .collect(),
            source: p.source.clone(),
        })
        .collect();
    (matching.len(), rows)
}

/// Records a read of the pool in the audit log.
pub async fn audit_read(auditor: &Auditor, caller: &Caller<'_>, action: AuditAction, target: &str) {
    auditor
        .record(&caller.principal.name, action, target, caller.remote, "ok")
        .await;
}

/// One person with their evaluation (audited as a read).
pub async fn person(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    id: &str,
) -> Result<(Person, Evaluation)> {
    let found = pool(store, caller)
        .await?
        .into_iter()
        .find(|(p, _)| p.id == id)
        .ok_or_else(|| Error::NotFound(format!("no person '{id}'")))?;
    audit_read(auditor, caller, AuditAction::TalentRead, id).await;
    Ok(found)
}

/// The pool by region, field and current institution, each by tier.
pub fn statistics_in(pool: &[(Person, Evaluation)]) -> kechuang_talent::Statistics {
    let (people, evaluations): (Vec<Person>, Vec<Evaluation>) = pool.iter().cloned().unzip();
    statistics(&people, &evaluations)
}

/// Pairs of records of `pool` that are one person, with the evidence. The pairs name people:
/// callers audit them as a read of personal data.
pub fn pairs_in(pool: &[(Person, Evaluation)]) -> Vec<Pair> {
    let people: Vec<Person> = pool.iter().map(|(p, _)| p.clone()).collect();
    let record = |p: &Person| RecordRef {
        id: p.id.clone(),
        name: p.name.clone(),
        source: p.source.clone(),
    };
    find_duplicates(&people)
        .into_iter()
        .map(|d| Pair {
            a: record(&people[d.a]),
            b: record(&people[d.b]),
            evidence: d.evidence,
        })
        .collect()
}

/// A record of the register, as a pair names it.
#[derive(Debug, Serialize)]
pub struct RecordRef {
    /// Record id.
    pub id: String,
    /// Name.
    pub name: String,
    /// The register it came from.
    pub source: String,
}

/// Two records that are likely one person, with what matched.
#[derive(Debug, Serialize)]
pub struct Pair {
    /// First record.
    pub a: RecordRef,
    /// Second record.
    pub b: RecordRef,
    /// What matched.
    pub evidence: Vec<kechuang_talent::Evidence>,
}

/// Imports a register (a JSON array of people) in one transaction; a malformed file is refused
/// whole with its line and column.
pub async fn import_register(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    bytes: &[u8],
) -> Result<usize> {
    let p = caller.require(Capability::Talent)?;
    let people: Vec<Person> = serde_json::from_slice(bytes).map_err(|e| {
        Error::Invalid(format!(
            "the register: line {}, column {}: {e}",
            e.line(),
            e.column()
        ))
    })?;
    let mut seen = std::collections::HashSet::new();
    if let Some(twice) = people.iter().find(|x| !seen.insert(x.id.clone())) {
        return Err(Error::Invalid(format!(
            "id {} appears twice in the register",
            twice.id
        )));
    }
    let rows: Vec<(String, String, String)> = people
        .iter()
        .map(|x| {
            Ok((
                x.id.clone(),
                serde_json::to_string(x).map_err(|e| Error::Internal(e.to_string()))?,
                x.source.clone(),
            ))
        })
        .collect::<Result<_>>()?;
    store.put_people(&rows, &p.name).await?;
    auditor
        .record(
            &p.name,
            AuditAction::TalentImport,
            &format!("{} people", rows.len()),
            caller.remote,
            "ok",
        )
        .await;
    Ok(rows.len())
}

/// Two records to merge.
#[derive(Debug, Deserialize)]
pub struct MergeBody {
    /// The record kept.
    pub kept: String,
    /// The record merged into it.
    pub merged: String,
}

/// Merges two records found to be one person (they must be a detected pair), keeping the audit
/// trail; gives the merge's record.
pub async fn merge_records(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    body: &MergeBody,
) -> Result<MergeRecord> {
    let p = caller.require(Capability::Talent)?;
    let people: Vec<Person> = pool(store, caller)
        .await?
        .into_iter()
        .map(|(x, _)| x)
        .collect();
    let at = |id: &str| {
        people
            .iter()
            .position(|x| x.id == id)
            .ok_or_else(|| Error::NotFound(format!("no person '{id}'")))
    };
    let (a, b) = (at(&body.kept)?, at(&body.merged)?);
    let pair = find_duplicates(&people)
        .into_iter()
        .find(|d| (d.a == a && d.b == b) || (d.a == b && d.b == a))
        .ok_or_else(|| {
            Error::Conflict(format!(
                "{} and {} are not found to be one person",
                body.kept, body.merged
            ))
        })?;
    let (kept, record) = merge(&people[a], &people[b], &p.name, &pair.evidence);
    let kept_json = serde_json::to_string(&kept).map_err(|e| Error::Internal(e.to_string()))?;
    let record_json = serde_json::to_string(&record).map_err(|e| Error::Internal(e.to_string()))?;
    if !store
        .merge_people(&body.kept, &kept_json, &body.merged, &record_json, &p.name)
        .await?
    {
        return Err(Error::Conflict(
            "the records changed meanwhile; reload".into(),
        ));
    }
    auditor
        .record(
            &p.name,
            AuditAction::TalentMerge,
            &format!("{} ← {}", body.kept, body.merged),
            caller.remote,
            "ok",
        )
        .await;
    Ok(record)
}
