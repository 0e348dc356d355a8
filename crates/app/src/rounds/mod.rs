//! Survey rounds (调查轮次): the bureau opens a round for a year, the enterprises in its scope file
//! their form online (saved as drafts, validated by the same rules as a file, submitted), their
//! district or park reviews it (approved, or returned with a comment on named fields), and the
//! response is followed by area. An approved form is imported like a file of one row, so both
//! paths end in the same records.

use std::collections::{BTreeMap, HashMap};

use kechuang_domain::{
    Field, Issue, ParseContext, Severity, SurveyRecord, cross_year, parse_record,
};
use kechuang_store::{
    AuditAction, BatchMeta, Filing, FilingChange, FilingEvent, Round, RoundMember, Store,
};
use serde::Serialize;

use crate::access::{Capability, ListScope, Principal, Role};
use crate::audit::Auditor;
use crate::{Caller, Error, Result};

/// Which enterprises a round asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RoundScope {
    /// Every enterprise that filed the year before (the register as the bureau knows it).
    Register,
    /// These enterprises (credit codes).
    List(Vec<String>),
    /// Whoever files: an enterprise joins with its first form.
    Everyone,
}

impl RoundScope {
    fn key(&self) -> &'static str {
        match self {
            RoundScope::Register => "register",
            RoundScope::List(_) => "list",
            RoundScope::Everyone => "everyone",
        }
    }
}

/// A round to open.
#[derive(Debug, Clone)]
pub struct OpenRound {
    /// The survey year asked for.
    pub year: i32,
    /// The deadline, `YYYY-MM-DD`.
    pub deadline: String,
    /// Who is asked.
    pub scope: RoundScope,
    /// The fields asked (keys or template headers); empty: every field. The identifying fields
    /// (code, name, district, industry, founding date, year) are always asked.
    pub fields: Vec<String>,
}

/// The fields a round asks, in the template's order: every field when `keys` is empty, else the
/// named ones and the required ones.
pub fn asked_fields(keys: &str) -> Vec<Field> {
    let named: Vec<&str> = keys
        .split(',')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .collect();
    Field::all()
        .into_iter()
        .filter(|f| {
            named.is_empty()
                || named.contains(&f.key())
                || matches!(f, Field::Text(t) if kechuang_domain::fields::TEXT
                    .iter()
                    .any(|s| s.field == *t && s.required))
        })
        .collect()
}

/// Opens a round (analysts and administrators); its id. One open round per year.
pub async fn open(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    req: &OpenRound,
) -> Result<i64> {
    let p = caller.require(Capability::ManageRounds)?;
    chrono::NaiveDate::parse_from_str(&req.deadline, "%Y-%m-%d").map_err(|_| {
        Error::Invalid(format!(
            "deadline '{}': give a date as YYYY-MM-DD",
            req.deadline
        ))
    })?;
    let max_year = crate::talent::this_year() + 1;
    if !(kechuang_domain::record::MIN_YEAR..=max_year).contains(&req.year) {
        return Err(Error::Invalid(format!(
            "year {}: give a survey year from {} to {max_year}",
            req.year,
            kechuang_domain::record::MIN_YEAR
        )));
    }
    if let Some(r) = store
        .rounds()
        .await?
        .into_iter()
        .find(|r| r.year == req.year && r.status == "open")
    {
        return Err(Error::Conflict(format!(
            "round {} for {} is open already",
            r.id, r.year
        )));
    }
    let known: HashMap<String, SurveyRecord> = store
        .load_year(req.year - 1)
        .await?
        .into_iter()
        .map(|r| (r.credit_code.to_string(), r))
        .collect();
    let member = |code: &str| RoundMember {
        credit_code: code.to_string(),
        region_code: known
            .get(code)
            .map_or_else(String::new, |r| r.region_code.to_string()),
        park: known.get(code).and_then(|r| r.park.clone()),
    };
    let members: Vec<RoundMember> = match &req.scope {
        RoundScope::Register => {
            let mut codes: Vec<&String> = known.keys().collect();
            codes.sort();
            codes.into_iter().map(|c| member(c)).collect()
        }
        RoundScope::List(codes) => {
            let mut out = Vec::with_capacity(codes.len());
            let mut seen = std::collections::HashSet::new();
            for c in codes {
                let code = kechuang_domain::CreditCode::parse(c.trim())
                    .map_err(|e| Error::Invalid(format!("credit code '{c}': {e}")))?;
                if seen.insert(code.to_string()) {
                    out.push(member(code.as_str()));
                }
            }
            out
        }
        RoundScope::Everyone => Vec::new(),
    };
    let mut keys = Vec::with_capacity(req.fields.len());
    for k in &req.fields {
        let f = Field::from_header(k)
            .ok_or_else(|| Error::Invalid(format!("'{k}' is not a survey field")))?;
        keys.push(f.key());
    }
    let id = store
        .open_round(
            req.year,
            &req.deadline,
            req.scope.key(),
            &keys.join(","),
            &members,
            &p.name,
        )
        .await?;
    auditor
        .record(
            &p.name,
            AuditAction::RoundOpen,
            &format!(
                "{id} year {} {} ({} members)",
                req.year,
                req.scope.key(),
                members.len()
            ),
            caller.remote,
            "ok",
        )
        .await;
    Ok(id)
}

/// Closes (`open = false`) or reopens a round (analysts and administrators).
pub async fn set_open(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    id: i64,
    open: bool,
) -> Result<()> {
    let p = caller.require(Capability::ManageRounds)?;
    let round = store
        .round(id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no round {id}")))?;
    if open
        && let Some(other) = store
            .rounds()
            .await?
            .into_iter()
            .find(|r| r.year == round.year && r.status == "open" && r.id != id)
    {
        return Err(Error::Conflict(format!(
            "round {} for {} is open",
            other.id, other.year
        )));
    }
    if !store
        .set_round_status(id, if open { "open" } else { "closed" })
        .await?
    {
        return Err(Error::Conflict(format!(
            "round {id} is {} already",
            round.status
        )));
    }
    let action = if open {
        AuditAction::RoundReopen
    } else {
        AuditAction::RoundClose
    };
    auditor
        .record(&p.name, action, &id.to_string(), caller.remote, "ok")
        .await;
    Ok(())
}

/// The rounds, newest first, for the roles that take part in them (those who run them, review
/// forms or file).
pub async fn list(store: &Store, caller: &Caller<'_>) -> Result<Vec<Round>> {
    let p = caller.principal;
    if !(p.may(Capability::ManageRounds)
        || p.may(Capability::ReviewFilings)
        || p.role == Role::Enterprise)
    {
        return Err(Error::Forbidden(format!(
            "the role {} takes no part in survey rounds",
            p.role.as_str()
        )));
    }
    Ok(store.rounds().await?)
}

/// A form's state as the people around it see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FormStatus {
    /// In scope, nothing saved yet.
    NotStarted,
    /// Saved, not submitted.
    Draft,
    /// Submitted, awaiting review (locked for the enterprise).
    Submitted,
    /// Returned to the enterprise with a comment.
    Returned,
    /// Approved: its record is imported.
    Approved,
}

impl FormStatus {
    fn parse(s: &str) -> FormStatus {
        match s {
            "draft" => FormStatus::Draft,
            "submitted" => FormStatus::Submitted,
            "returned" => FormStatus::Returned,
            "approved" => FormStatus::Approved,
            _ => FormStatus::NotStarted,
        }
    }

    fn key(self) -> &'static str {
        match self {
            FormStatus::NotStarted => "not_started",
            FormStatus::Draft => "draft",
            FormStatus::Submitted => "submitted",
            FormStatus::Returned => "returned",
            FormStatus::Approved => "approved",
        }
    }
}

/// One issue of a form, on a named field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FormIssue {
    /// The field's key.
    pub field: String,
    /// The value as entered.
    pub value: String,
    /// The rule.
    pub rule: String,
    /// `error` (blocks submission) or `warning` (to confirm).
    pub severity: &'static str,
    /// What is wrong.
    pub message: String,
}

/// An enterprise's form in a round, as its readers see it.
#[derive(Debug, Clone, Serialize)]
pub struct Form {
    /// The round.
    pub round: Round,
    /// The enterprise.
    pub credit_code: String,
    /// Its state.
    pub status: FormStatus,
    /// The values by field key: as saved, or — before the first save — last year's record.
    pub values: BTreeMap<String, String>,
    /// What the rules find in the values (the same rules as a file, and against last year), and
    /// corrections of a source's value without a reason.
    pub issues: Vec<FormIssue>,
    /// Where the sources' values come from, by field key.
    pub provenance: BTreeMap<String, Provenance>,
    /// The firm's reasons for correcting a source's value, by field key.
    pub reasons: BTreeMap<String, String>,
    /// Every step so far.
    pub history: Vec<FilingEvent>,
}

/// A source's value of a field, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// The source's key.
    pub source: String,
    /// The value it gave.
    pub value: String,
    /// The import batch.
    pub batch_id: i64,
    /// Who imported it.
    pub imported_by: String,
    /// When.
    pub imported_at: String,
}

impl From<kechuang_store::SourceValue> for Provenance {
    fn from(v: kechuang_store::SourceValue) -> Self {
        Provenance {
            source: v.source,
            value: v.value,
            batch_id: v.batch_id,
            imported_by: v.imported_by,
            imported_at: v.imported_at,
        }
    }
}

/// The sources' values of an enterprise's fields for a year, by field (see
/// [`crate::sources::latest`]).
async fn provenance(store: &Store, year: i32, code: &str) -> Result<BTreeMap<String, Provenance>> {
    let values = store.source_values(year, Some(code)).await?;
    Ok(crate::sources::latest(values)
        .into_iter()
        .map(|((_, field), v)| (field, v.into()))
        .collect())
}

/// Whether a form's value is the source's (numbers compared as numbers).
fn same_value(filed: &str, source: &str) -> bool {
    let (a, b) = (filed.trim(), source.trim());
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => (x - y).abs() <= 1e-9 * y.abs().max(1.0),
        _ => a == b,
    }
}

/// The fields where the form departs from a source without a reason, as issues.
fn unexplained(
    values: &BTreeMap<String, String>,
    sources: &BTreeMap<String, Provenance>,
    reasons: &BTreeMap<String, String>,
) -> Vec<FormIssue> {
    sources
        .iter()
        .filter_map(|(field, p)| {
            let filed = values.get(field).map_or("", String::as_str);
            let explained = reasons.get(field).is_some_and(|r| !r.trim().is_empty());
            (!same_value(filed, &p.value) && !explained).then(|| FormIssue {
                field: field.clone(),
                value: filed.to_string(),
                rule: "source_correction".into(),
                severity: "error",
                message: format!(
                    "differs from the {} value {}: give a reason for the correction",
                    crate::sources::Source::parse(&p.source).map_or(p.source.as_str(), |s| s.zh()),
                    p.value
                ),
            })
        })
        .collect()
}

/// The member record of an enterprise in a round, when the round asks it.
async fn membership(store: &Store, round: &Round, code: &str) -> Result<Option<RoundMember>> {
    Ok(store.round_member(round.id, code).await?)
}

/// Whether the principal may see and review forms of an enterprise of this area.
fn reviews(p: &Principal, member: &RoundMember) -> bool {
    match p.list_scope() {
        ListScope::All => p.may(Capability::ReviewFilings),
        ListScope::Areas(regions, parks) => {
            p.may(Capability::ReviewFilings)
                && (regions.contains(&member.region_code)
                    || member.park.as_ref().is_some_and(|x| parks.contains(x)))
        }
        _ => false,
    }
}

/// A record's values as the form's text fields (how a form starts from last year's record).
pub fn values_of(r: &SurveyRecord) -> BTreeMap<String, String> {
    Field::all()
        .into_iter()
        .filter_map(|f| {
            let v = match f {
                Field::Text(t) => r.text(t),
                Field::Num(n) => r.get(n).map(|v| v.to_string()).unwrap_or_default(),
            };
            (!v.is_empty()).then(|| (f.key().to_string(), v))
        })
        .collect()
}

/// Checks a form's values with the file import's rules: the enterprise and the year are the
/// form's own, whatever was typed; then against the same enterprise's stored previous year.
async fn check(
    store: &Store,
    round: &Round,
    code: &str,
    values: &BTreeMap<String, String>,
) -> Result<(Option<SurveyRecord>, Vec<FormIssue>)> {
    let mut cells: HashMap<Field, String> = HashMap::new();
    let mut issues = Vec::new();
    let asked = asked_fields(&round.fields);
    for (k, v) in values {
        match Field::from_header(k) {
            // A field the round does not ask is left out, whatever was sent.
            Some(f) if !asked.contains(&f) => {}
            Some(f) => {
                cells.insert(f, v.clone());
            }
            None => issues.push(FormIssue {
                field: k.clone(),
                value: v.clone(),
                rule: "unknown_field".into(),
                severity: "error",
                message: "is not a survey field".into(),
            }),
        }
    }
    cells.insert(
        Field::Text(kechuang_domain::Text::CreditCode),
        code.to_string(),
    );
    cells.insert(
        Field::Text(kechuang_domain::Text::Year),
        round.year.to_string(),
    );
    let cx = ParseContext {
        max_year: round.year.max(crate::talent::this_year()),
        jump_factor: None,
    };
    let (record, found) = parse_record(&cells, &cx);
    let mut all: Vec<Issue> = found;
    if let Some(r) = &record
        && let Some(previous) = store.record(code, round.year - 1).await?
    {
        all.extend(cross_year(&previous, r, &cx));
    }
    issues.extend(all.into_iter().map(|i| FormIssue {
        field: i.field.key().to_string(),
        value: i.value,
        rule: i.rule.to_string(),
        severity: if i.severity == Severity::Error {
            "error"
        } else {
            "warning"
        },
        message: i.message,
    }));
    let errors = issues.iter().any(|i| i.severity == "error");
    Ok((record.filter(|_| !errors), issues))
}

/// Who may read a form: the enterprise itself, its reviewers, analysts and administrators.
fn may_read_form(p: &Principal, code: &str, member: Option<&RoundMember>) -> bool {
    match p.role {
        Role::Enterprise => p.scope.first().is_some_and(|c| c == code),
        Role::Admin | Role::Analyst => true,
        Role::DistrictOfficer => member.is_some_and(|m| reviews(p, m)),
        Role::Bank | Role::Public => false,
    }
}

async fn round_of(store: &Store, id: i64) -> Result<Round> {
    store
        .round(id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no round {id}")))
}

/// The refusal of a form outside the reader's reach: it names neither the form nor whether it exists.
fn not_yours() -> Error {
    Error::Forbidden("this form is outside what your account may read".into())
}

/// An enterprise's form (audited as a read).
pub async fn form(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    round_id: i64,
    code: &str,
) -> Result<Form> {
    let p = caller.principal;
    let round = round_of(store, round_id).await?;
    let member = membership(store, &round, code).await?;
    let allowed = may_read_form(p, code, member.as_ref());
    auditor
        .record(
            &p.name,
            AuditAction::FormRead,
            &format!("{round_id} {code}"),
            caller.remote,
            if allowed { "ok" } else { "denied" },
        )
        .await;
    if !allowed {
        return Err(not_yours());
    }
    if member.is_none() && round.scope != "everyone" {
        return Err(Error::NotFound(format!(
            "round {round_id} does not ask {code}"
        )));
    }
    let filing = store.filing(round_id, code).await?;
    let sources = provenance(store, round.year, code).await?;
    let (status, values, reasons) = match &filing {
        Some(f) => (
            FormStatus::parse(&f.status),
            serde_json::from_str(&f.values_json)
                .map_err(|e| Error::Internal(format!("stored form {round_id} {code}: {e}")))?,
            serde_json::from_str(&f.reasons_json)
                .map_err(|e| Error::Internal(format!("stored form {round_id} {code}: {e}")))?,
        ),
        None => {
            // Last year's record, then what the sources say for this year.
            let mut values = store
                .record(code, round.year - 1)
                .await?
                .map(|r| values_of(&r))
                .unwrap_or_default();
            for (field, p) in &sources {
                values.insert(field.clone(), p.value.clone());
            }
            (FormStatus::NotStarted, values, BTreeMap::new())
        }
    };
    // The form's enterprise and year are its own, whatever was saved or filed the year before.
    let mut values: BTreeMap<String, String> = values;
    values.insert(
        Field::Text(kechuang_domain::Text::CreditCode)
            .key()
            .to_string(),
        code.to_string(),
    );
    values.insert(
        Field::Text(kechuang_domain::Text::Year).key().to_string(),
        round.year.to_string(),
    );
    let (_, mut issues) = check(store, &round, code, &values).await?;
    issues.extend(unexplained(&values, &sources, &reasons));
    let history = store.filing_events(round_id, code).await?;
    Ok(Form {
        round,
        credit_code: code.to_string(),
        status,
        values,
        issues,
        provenance: sources,
        reasons,
        history,
    })
}

/// A form as the enterprise sends it.
#[derive(Debug, Clone, Copy)]
pub struct Filed<'a> {
    /// The values by field key.
    pub values: &'a BTreeMap<String, String>,
    /// Reasons for correcting a source's value, by field key.
    pub reasons: &'a BTreeMap<String, String>,
    /// Submit (or save a draft).
    pub submit: bool,
}

/// What a save found and did.
#[derive(Debug, Clone, Serialize)]
pub struct Saved {
    /// The form's state now.
    pub status: FormStatus,
    /// What the rules found.
    pub issues: Vec<FormIssue>,
}

/// An enterprise saves its form as a draft, or submits it: a form with errors is saved, not
/// submitted (the issues say why). A submitted or approved form is locked until it is returned; a
/// closed round takes nothing.
pub async fn save(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    round_id: i64,
    code: &str,
    filed: &Filed<'_>,
) -> Result<Saved> {
    let Filed {
        values,
        reasons,
        submit,
    } = *filed;
    let (p, round, member) = own_form(store, caller, round_id, code).await?;
    if round.status != "open" {
        return Err(Error::Conflict(format!("round {round_id} is closed")));
    }
    let current = store.filing(round_id, code).await?;
    let from = current.as_ref().map(|f| FormStatus::parse(&f.status));
    if matches!(from, Some(FormStatus::Submitted | FormStatus::Approved)) {
        return Err(Error::Conflict(format!(
            "the form is {}: it can be changed only once it is returned",
            from.map_or("", |s| s.key())
        )));
    }
    let (record, mut issues) = check(store, &round, code, values).await?;
    // A correction of a source's value needs a reason; only the reasons of corrections are kept.
    let sources = provenance(store, round.year, code).await?;
    let corrections = unexplained(values, &sources, reasons);
    let explained = corrections.is_empty();
    issues.extend(corrections);
    let reasons: BTreeMap<&String, &String> = reasons
        .iter()
        .filter(|(f, r)| {
            !r.trim().is_empty()
                && sources.get(*f).is_some_and(|p| {
                    !same_value(values.get(*f).map_or("", String::as_str), &p.value)
                })
        })
        .collect();
    let reasons_json =
        serde_json::to_string(&reasons).map_err(|e| Error::Internal(e.to_string()))?;
    // A submission with errors is kept as a draft, so that nothing typed is lost.
    let submit = submit && record.is_some() && explained;
    let status = if submit {
        FormStatus::Submitted
    } else if from == Some(FormStatus::Returned) {
        FormStatus::Returned
    } else {
        FormStatus::Draft
    };
    let values_json = serde_json::to_string(values).map_err(|e| Error::Internal(e.to_string()))?;
    let action = if submit { "submit" } else { "save" };
    let written = store
        .write_filing(
            round_id,
            code,
            &FilingChange {
                expected: current.as_ref().map(|f| f.status.as_str()),
                status: status.key(),
                values_json: &values_json,
                reasons_json: &reasons_json,
                by: &p.name,
                action,
                fields: "",
                comment: "",
            },
        )
        .await?;
    if !written {
        return Err(Error::Conflict(
            "the form was changed meanwhile; reload it".into(),
        ));
    }
    if member.is_none()
        && let Some(r) = &record
    {
        store
            .add_round_member(
                round_id,
                &RoundMember {
                    credit_code: code.to_string(),
                    region_code: r.region_code.to_string(),
                    park: r.park.clone(),
                },
            )
            .await?;
    }
    auditor
        .record(
            &p.name,
            if submit {
                AuditAction::FormSubmit
            } else {
                AuditAction::FormSave
            },
            &format!("{round_id} {code}"),
            caller.remote,
            "ok",
        )
        .await;
    Ok(Saved { status, issues })
}

/// The enterprise's own form in a round that asks it (or asks everyone): the principal, the
/// round and the membership, or the refusal.
async fn own_form<'c>(
    store: &Store,
    caller: &Caller<'c>,
    round_id: i64,
    code: &str,
) -> Result<(&'c Principal, Round, Option<RoundMember>)> {
    let p = caller.require(Capability::FileSurvey)?;
    if p.role != Role::Enterprise || p.scope.first().is_none_or(|c| c != code) {
        return Err(Error::Forbidden(
            "a form is filed by its enterprise's account".into(),
        ));
    }
    let round = round_of(store, round_id).await?;
    let member = membership(store, &round, code).await?;
    if member.is_none() && round.scope != "everyone" {
        return Err(Error::NotFound(format!(
            "round {round_id} does not ask {code}"
        )));
    }
    Ok((p, round, member))
}

/// What the rules find in a form as it is being filled in, without saving it (the page's live
/// check): the enterprise's own form in an open round.
pub async fn check_form(
    store: &Store,
    caller: &Caller<'_>,
    round_id: i64,
    code: &str,
    filed: &Filed<'_>,
) -> Result<Vec<FormIssue>> {
    let (_, round, _) = own_form(store, caller, round_id, code).await?;
    let (_, mut issues) = check(store, &round, code, filed.values).await?;
    let sources = provenance(store, round.year, code).await?;
    issues.extend(unexplained(filed.values, &sources, filed.reasons));
    Ok(issues)
}

/// A reviewer's decision on a submitted form.
#[derive(Debug, Clone)]
pub enum Decision {
    /// Approve: the form's record is imported.
    Approve,
    /// Return to the enterprise, naming the fields to correct.
    Return {
        /// Field keys.
        fields: Vec<String>,
        /// Why.
        comment: String,
    },
}

/// A district or park officer (within its areas), an analyst or an administrator decides on a
/// submitted form. Approving imports its record as a batch of one row (same rules, all or nothing).
pub async fn review(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    round_id: i64,
    code: &str,
    decision: &Decision,
) -> Result<()> {
    let p = caller.require(Capability::ReviewFilings)?;
    let round = round_of(store, round_id).await?;
    let member = membership(store, &round, code).await?;
    if !member.as_ref().is_some_and(|m| reviews(p, m)) {
        return Err(not_yours());
    }
    let filing: Filing = store
        .filing(round_id, code)
        .await?
        .filter(|f| f.status == "submitted")
        .ok_or_else(|| Error::Conflict(format!("{code} has no submitted form to review")))?;
    let values: BTreeMap<String, String> = serde_json::from_str(&filing.values_json)
        .map_err(|e| Error::Internal(format!("stored form {round_id} {code}: {e}")))?;
    let (status, action, fields, comment, audit) = match decision {
        Decision::Approve => (
            "approved",
            "approve",
            String::new(),
            String::new(),
            AuditAction::FormApprove,
        ),
        Decision::Return { fields, comment } => {
            if fields.is_empty() || comment.trim().is_empty() {
                return Err(Error::Invalid(
                    "a return names the fields to correct and says why".into(),
                ));
            }
            if let Some(bad) = fields.iter().find(|f| Field::from_header(f).is_none()) {
                return Err(Error::Invalid(format!("'{bad}' is not a survey field")));
            }
            (
                "returned",
                "return",
                fields.join(","),
                comment.trim().to_string(),
                AuditAction::FormReturn,
            )
        }
    };
    if matches!(decision, Decision::Approve) {
        let (record, _) = check(store, &round, code, &values).await?;
        let record = record.ok_or_else(|| {
            Error::Conflict(format!("{code}'s form has errors now: return it instead"))
        })?;
        let meta = BatchMeta {
            file_name: format!("round {round_id} online form {code}"),
            sha256: String::new(),
            user_name: p.name.clone(),
            warnings: 0,
        };
        store.import(&meta, &[record], &|_| true).await?;
    }
    let written = store
        .write_filing(
            round_id,
            code,
            &FilingChange {
                expected: Some("submitted"),
                status,
                values_json: &filing.values_json,
                reasons_json: &filing.reasons_json,
                by: &p.name,
                action,
                fields: &fields,
                comment: &comment,
            },
        )
        .await?;
    if !written {
        return Err(Error::Conflict(
            "the form was changed meanwhile; reload it".into(),
        ));
    }
    auditor
        .record(
            &p.name,
            audit,
            &format!("{round_id} {code}"),
            caller.remote,
            "ok",
        )
        .await;
    Ok(())
}

mod followup;
pub use followup::*;
