//! Following a round up: its response by district and park, the reminder list and reminders, and
//! the fields where firms contradicted a source.

use std::collections::{BTreeMap, HashMap};

use kechuang_store::{AuditAction, Round, RoundMember, Store};
use serde::Serialize;

use super::{FormStatus, Provenance, reviews, round_of, same_value};
use crate::access::{Capability, Role};
use crate::audit::Auditor;
use crate::{Caller, Error, Result};

/// A round's response in one area (or overall).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Response {
    /// Enterprises asked.
    pub in_scope: usize,
    /// Nothing saved.
    pub not_started: usize,
    /// Saved, not submitted.
    pub draft: usize,
    /// Awaiting review.
    pub submitted: usize,
    /// Returned for correction.
    pub returned: usize,
    /// Approved.
    pub approved: usize,
    /// Past the deadline without a submitted or approved form.
    pub late: usize,
}

/// A round's response tracking.
#[derive(Debug, Clone, Serialize)]
pub struct Tracking {
    /// The round.
    pub round: Round,
    /// By district (region code; empty when not known).
    pub by_district: BTreeMap<String, Response>,
    /// By park.
    pub by_park: BTreeMap<String, Response>,
    /// Overall (within the caller's areas).
    pub total: Response,
    /// The enterprises without a submitted or approved form past the deadline (the reminder list).
    pub late: Vec<RoundMember>,
    /// The enterprises whose form awaits review.
    pub submitted: Vec<RoundMember>,
}

/// A round's response by district and park, within the caller's areas (audited: the reminder
/// list names firms).
pub async fn tracking(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    round_id: i64,
    today: chrono::NaiveDate,
) -> Result<Tracking> {
    let out = followed(store, caller, round_id, today).await?;
    auditor
        .record(
            &caller.principal.name,
            AuditAction::RoundStatus,
            &round_id.to_string(),
            caller.remote,
            "ok",
        )
        .await;
    Ok(out)
}

/// The latest round's response rate by district (submitted or approved over those asked, %),
/// within the caller's areas, for the overview's map: counts only, naming no enterprise (so not
/// audited as the tracking is). `None` when there is no round or the caller follows none.
pub async fn latest_response_by_district(
    store: &Store,
    caller: &Caller<'_>,
    today: chrono::NaiveDate,
) -> Result<Option<(Round, BTreeMap<String, f64>)>> {
    let p = caller.principal;
    if !(p.may(Capability::ManageRounds) || p.may(Capability::ReviewFilings)) {
        return Ok(None);
    }
    let Some(round) = store.rounds().await?.into_iter().next() else {
        return Ok(None);
    };
    let t = followed(store, caller, round.id, today).await?;
    let rates = t
        .by_district
        .into_iter()
        .filter(|(_, r)| r.in_scope > 0)
        .map(|(d, r)| {
            (
                d,
                (r.submitted + r.approved) as f64 * 100.0 / r.in_scope as f64,
            )
        })
        .collect();
    Ok(Some((t.round, rates)))
}

/// A round's response within the caller's areas (not audited: see [`tracking`]).
async fn followed(
    store: &Store,
    caller: &Caller<'_>,
    round_id: i64,
    today: chrono::NaiveDate,
) -> Result<Tracking> {
    let p = caller.principal;
    if !(p.may(Capability::ManageRounds) || p.may(Capability::ReviewFilings)) {
        return Err(Error::Forbidden(format!(
            "the role {} does not follow survey rounds",
            p.role.as_str()
        )));
    }
    let round = round_of(store, round_id).await?;
    let deadline = chrono::NaiveDate::parse_from_str(&round.deadline, "%Y-%m-%d")
        .map_err(|e| Error::Internal(format!("round {round_id}'s deadline: {e}")))?;
    let status: HashMap<String, FormStatus> = store
        .filings(round_id)
        .await?
        .into_iter()
        .map(|f| (f.credit_code, FormStatus::parse(&f.status)))
        .collect();
    let mut out = Tracking {
        round,
        by_district: BTreeMap::new(),
        by_park: BTreeMap::new(),
        total: Response::default(),
        late: Vec::new(),
        submitted: Vec::new(),
    };
    for m in store.round_members(round_id).await? {
        if !reviews(p, &m) && !p.may(Capability::ManageRounds) {
            continue;
        }
        let s = status
            .get(&m.credit_code)
            .copied()
            .unwrap_or(FormStatus::NotStarted);
        let late = today > deadline && !matches!(s, FormStatus::Submitted | FormStatus::Approved);
        let count = |r: &mut Response| {
            r.in_scope += 1;
            match s {
                FormStatus::NotStarted => r.not_started += 1,
                FormStatus::Draft => r.draft += 1,
                FormStatus::Submitted => r.submitted += 1,
                FormStatus::Returned => r.returned += 1,
                FormStatus::Approved => r.approved += 1,
            }
            if late {
                r.late += 1;
            }
        };
        count(&mut out.total);
        count(out.by_district.entry(m.region_code.clone()).or_default());
        if let Some(park) = &m.park {
            count(out.by_park.entry(park.clone()).or_default());
        }
        if late {
            out.late.push(m);
        } else if s == FormStatus::Submitted {
            out.submitted.push(m);
        }
    }
    Ok(out)
}

/// The reminder list of a round as a table (the late enterprises within the caller's areas, with
/// their names as last filed, district and park), for a workbook.
pub async fn reminder_table(store: &Store, tracking: &Tracking) -> Result<kechuang_tabular::Table> {
    use kechuang_tabular::Cell;
    let names: HashMap<String, String> = store
        .load_year(tracking.round.year - 1)
        .await?
        .into_iter()
        .map(|r| (r.credit_code.to_string(), r.name))
        .collect();
    let district = |code: &str| {
        kechuang_domain::RegionCode::parse(code)
            .ok()
            .and_then(|c| c.district_name().map(String::from))
            .unwrap_or_else(|| code.to_string())
    };
    Ok(kechuang_tabular::Table {
        name: format!("round {} late", tracking.round.id),
        headers: vec![
            "统一社会信用代码".into(),
            "企业名称".into(),
            "区".into(),
            "园区".into(),
            "截止日期".into(),
        ],
        rows: tracking
            .late
            .iter()
            .map(|m| {
                vec![
                    Cell::Text(m.credit_code.clone()),
                    Cell::Text(names.get(&m.credit_code).cloned().unwrap_or_default()),
                    Cell::Text(district(&m.region_code)),
                    Cell::Text(m.park.clone().unwrap_or_default()),
                    Cell::Text(tracking.round.deadline.clone()),
                ]
            })
            .collect(),
    })
}

/// Leaves a reminder in the inbox of every account of each late enterprise within the caller's
/// areas; the number of accounts told (audited).
pub async fn remind(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    round_id: i64,
    today: chrono::NaiveDate,
) -> Result<usize> {
    let t = tracking(store, auditor, caller, round_id, today).await?;
    let late: std::collections::HashSet<&str> =
        t.late.iter().map(|m| m.credit_code.as_str()).collect();
    let mut told = 0;
    for u in store.users().await? {
        if u.disabled || u.role != Role::Enterprise.as_str() || !late.contains(u.scope.as_str()) {
            continue;
        }
        let message = format!(
            "{} 年度科技企业创新调查：截止日期 {} 已过，请尽快填报。",
            t.round.year, t.round.deadline
        );
        store
            .notify(
                &u.name,
                &message,
                &format!("/rounds/{round_id}/forms/{}", u.scope),
            )
            .await?;
        told += 1;
    }
    auditor
        .record(
            &caller.principal.name,
            AuditAction::RoundRemind,
            &format!("{round_id}: {told} accounts of {} late", late.len()),
            caller.remote,
            "ok",
        )
        .await;
    Ok(told)
}

/// A form that departs from a source, with the firm's reason.
#[derive(Debug, Clone, Serialize)]
pub struct Contradiction {
    /// The enterprise.
    pub credit_code: String,
    /// The field's key.
    pub field: String,
    /// The source's key.
    pub source: String,
    /// The source's value.
    pub source_value: String,
    /// The value the firm filed.
    pub filed_value: String,
    /// Its reason.
    pub reason: String,
    /// The form's status.
    pub status: FormStatus,
}

/// The fields where firms contradicted a source in their forms of a round (analysts and
/// administrators).
pub async fn contradictions(
    store: &Store,
    caller: &Caller<'_>,
    round_id: i64,
) -> Result<Vec<Contradiction>> {
    caller.require(Capability::ManageRounds)?;
    let round = round_of(store, round_id).await?;
    let mut by_firm: HashMap<String, BTreeMap<String, Provenance>> = HashMap::new();
    let values = store.source_values(round.year, None).await?;
    for ((code, field), v) in crate::sources::latest(values) {
        by_firm.entry(code).or_default().insert(field, v.into());
    }
    let mut out = Vec::new();
    for f in store.filings(round_id).await? {
        let Some(sources) = by_firm.get(&f.credit_code) else {
            continue;
        };
        let values: BTreeMap<String, String> =
            serde_json::from_str(&f.values_json).map_err(|e| {
                Error::Internal(format!("stored form {round_id} {}: {e}", f.credit_code))
            })?;
        let reasons: BTreeMap<String, String> =
            serde_json::from_str(&f.reasons_json).unwrap_or_default();
        for (field, p) in sources {
            let filed = values.get(field).cloned().unwrap_or_default();
            if !same_value(&filed, &p.value) {
                out.push(Contradiction {
                    credit_code: f.credit_code.clone(),
                    field: field.clone(),
                    source: p.source.clone(),
                    source_value: p.value.clone(),
                    filed_value: filed,
                    reason: reasons.get(field).cloned().unwrap_or_default(),
                    status: FormStatus::parse(&f.status),
                });
            }
        }
    }
    Ok(out)
}
