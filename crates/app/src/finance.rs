//! 科技金融: innovation-credit loans (积分贷) on the platform. An enterprise applies to a bank of its
//! choice (which grants that bank its consent in the same step); the bank sees its queue and
//! answers; banks record the credit lines and loans of the enterprises that consented to them; the
//! bureau sees totals by bank, district and index score band, a district officer those of its
//! districts and parks. A bank never sees another bank's applications or loans, nor records one for
//! an enterprise that did not consent to it.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use kechuang_store::{AuditAction, Loan, LoanApplication, Store};
use serde::{Deserialize, Serialize};

use crate::access::{Capability, ListScope, Principal, Role};
use crate::audit::Auditor;
use crate::{Caller, Error, Result};

/// The most a single application or loan may be (万元): ten billion yuan.
pub const MAX_AMOUNT: f64 = 1_000_000.0;

/// The banks on the platform: the names of the bank accounts' scopes.
pub async fn banks(store: &Store) -> Result<Vec<String>> {
    let mut names: Vec<String> = store
        .users()
        .await?
        .into_iter()
        .filter(|u| u.role == Role::Bank.as_str() && !u.disabled)
        .flat_map(|u| {
            u.scope
                .split(',')
                .map(|s| s.trim().to_string())
                .collect::<Vec<_>>()
        })
        .filter(|s| !s.is_empty())
        .collect();
    names.sort();
    names.dedup();
    Ok(names)
}

fn amount(what: &str, v: f64) -> Result<f64> {
    if v.is_finite() && (0.0..=MAX_AMOUNT).contains(&v) {
        Ok(v)
    } else {
        Err(Error::Invalid(format!(
            "{what}: a number of 万元 from 0 to {MAX_AMOUNT}"
        )))
    }
}

fn own_bank(p: &Principal) -> Result<&str> {
    match (p.role, p.bank()) {
        (Role::Bank, Some(bank)) => Ok(bank),
        _ => Err(Error::Forbidden("only a bank's account may do this".into())),
    }
}

/// An application to make.
#[derive(Debug, Clone, Deserialize)]
pub struct Application {
    /// The bank (one of [`banks`]).
    pub bank: String,
    /// Amount asked (万元).
    pub amount: f64,
    /// What for.
    #[serde(default)]
    pub purpose: String,
}

/// An enterprise applies to a bank for itself; its consent to that bank is granted in the same
/// step. The application.
pub async fn apply(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    a: &Application,
) -> Result<LoanApplication> {
    let p = caller.principal;
    let code = match (p.role, p.scope.first()) {
        (Role::Enterprise, Some(code)) => code.clone(),
        _ => {
            return Err(Error::Forbidden(
                "an enterprise's account applies for itself".into(),
            ));
        }
    };
    let bank = a.bank.trim();
    if !banks(store).await?.iter().any(|b| b == bank) {
        return Err(Error::Invalid(format!(
            "'{bank}' is not a bank on the platform"
        )));
    }
    let asked = amount("amount", a.amount)?;
    if asked <= 0.0 {
        return Err(Error::Invalid("amount: more than 0 万元".into()));
    }
    let purpose = a.purpose.trim();
    if purpose.chars().count() > 500 {
        return Err(Error::Invalid("purpose: at most 500 characters".into()));
    }
    let id = store
        .apply_for_loan(&code, bank, asked, purpose, &p.name)
        .await?;
    auditor
        .record(
            &p.name,
            AuditAction::LoanApply,
            &format!("{code} → {bank} ({id})"),
            caller.remote,
            "ok",
        )
        .await;
    store
        .loan_application(id)
        .await?
        .ok_or_else(|| Error::Internal(format!("application {id} vanished")))
}

/// The applications the caller may see: an enterprise its own, a bank its queue, analysts and
/// administrators all.
pub async fn applications(store: &Store, caller: &Caller<'_>) -> Result<Vec<LoanApplication>> {
    let p = caller.principal;
    Ok(match p.role {
        Role::Admin | Role::Analyst => store.loan_applications(None, None).await?,
        Role::Enterprise => {
            let own = p.scope.first().map_or("", String::as_str);
            store.loan_applications(None, Some(own)).await?
        }
        Role::Bank => store.loan_applications(Some(own_bank(p)?), None).await?,
        Role::DistrictOfficer | Role::Public => {
            return Err(Error::Forbidden(
                "applications are seen by the enterprise, its bank and the bureau".into(),
            ));
        }
    })
}

/// A bank's answer to an application.
#[derive(Debug, Clone, Deserialize)]
pub struct Answer {
    /// The amount granted (万元); none: declined.
    pub granted: Option<f64>,
    /// A decline's reason (needed when declining).
    #[serde(default)]
    pub reason: String,
}

/// The bank answers an application made to it, once. A grant becomes a loan (reference
/// `application-ID`, granted today, nothing disbursed yet). Another bank's application answers as
/// a missing one.
pub async fn answer(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    id: i64,
    a: &Answer,
    today: NaiveDate,
) -> Result<LoanApplication> {
    let p = caller.principal;
    let bank = own_bank(p)?;
    let application = store
        .loan_application(id)
        .await?
        .filter(|x| x.bank == bank)
        .ok_or_else(|| Error::NotFound(format!("no application {id}")))?;
    let reason = a.reason.trim();
    let loan = match a.granted {
        Some(g) => {
            let g = amount("granted", g)?;
            if g <= 0.0 {
                return Err(Error::Invalid(
                    "granted: more than 0 万元 (or decline with a reason)".into(),
                ));
            }
            Some(Loan {
                bank: bank.to_string(),
                reference: format!("application-{id}"),
                credit_code: application.credit_code.clone(),
                granted_on: today.to_string(),
                granted: g,
                disbursed: 0.0,
                repaid: 0.0,
                overdue: 0.0,
                application_id: Some(id),
            })
        }
        None if reason.is_empty() => {
            return Err(Error::Invalid("a decline needs a reason".into()));
        }
        None => None,
    };
    if !store
        .answer_loan_application(id, loan.as_ref(), reason, &p.name)
        .await?
    {
        return Err(Error::Conflict(format!(
            "application {id} has been answered already"
        )));
    }
    auditor
        .record(
            &p.name,
            AuditAction::LoanAnswer,
            &format!(
                "{} ({id}) {}",
                application.credit_code,
                if loan.is_some() {
                    "granted"
                } else {
                    "declined"
                }
            ),
            caller.remote,
            "ok",
        )
        .await;
    store
        .loan_application(id)
        .await?
        .ok_or_else(|| Error::Internal(format!("application {id} vanished")))
}

/// A bank records its loans, all or none: each for an enterprise that consented to it, amounts
/// from 0 to [`MAX_AMOUNT`], a date `YYYY-MM-DD`, a reference. The rows refused are listed.
pub async fn record_loans(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    loans: &[Loan],
) -> Result<usize> {
    record_located(store, auditor, caller, loans, ("loan", 1)).await
}

/// [`record_loans`] naming the `k`-th loan `label (first + k)` in messages (a file's rows).
async fn record_located(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    loans: &[Loan],
    (label, first): (&str, usize),
) -> Result<usize> {
    let p = caller.principal;
    let bank = own_bank(p)?;
    if loans.is_empty() || loans.len() > 100_000 {
        return Err(Error::Invalid("send 1 to 100,000 loans".into()));
    }
    let consented: std::collections::HashSet<String> = store
        .consents(None, Some(bank))
        .await?
        .into_iter()
        .filter(|c| c.revoked_at.is_none())
        .map(|c| c.credit_code)
        .collect();
    let mut problems = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut clean = Vec::with_capacity(loans.len());
    for (k, l) in loans.iter().enumerate() {
        let row = format!("{label} {}", first + k);
        let code = l.credit_code.trim().to_ascii_uppercase();
        let reference = l.reference.trim();
        if reference.is_empty() || reference.chars().count() > 100 {
            problems.push(format!("{row}: a reference of 1 to 100 characters"));
        } else if !seen.insert(reference.to_string()) {
            problems.push(format!("{row}: reference '{reference}' twice"));
        }
        if !consented.contains(&code) {
            problems.push(format!("loan {row}: no live consent of '{code}' to {bank}"));
        }
        if NaiveDate::parse_from_str(l.granted_on.trim(), "%Y-%m-%d").is_err() {
            problems.push(format!(
                "loan {row}: granted_on '{}' is not YYYY-MM-DD",
                l.granted_on
            ));
        }
        for (what, v) in [
            ("granted", l.granted),
            ("disbursed", l.disbursed),
            ("repaid", l.repaid),
            ("overdue", l.overdue),
        ] {
            if let Err(e) = amount(what, v) {
                problems.push(format!("{row}: {e}"));
            }
        }
        clean.push(Loan {
            bank: bank.to_string(),
            reference: reference.to_string(),
            credit_code: code,
            granted_on: l.granted_on.trim().to_string(),
            application_id: None,
            ..l.clone()
        });
    }
    if !problems.is_empty() {
        let shown: Vec<String> = problems.iter().take(50).cloned().collect();
        return Err(Error::Invalid(format!(
            "{} problems, nothing recorded: {}",
            problems.len(),
            shown.join("; ")
        )));
    }
    let n = store.put_loans(&clean, &p.name).await?;
    auditor
        .record(
            &p.name,
            AuditAction::LoansRecord,
            &format!("{n} loans of {bank}"),
            caller.remote,
            "ok",
        )
        .await;
    Ok(n)
}

/// The loans the caller may see: a bank its own, an enterprise its own, analysts and
/// administrators all, a district officer those of enterprises in its districts and parks.
pub async fn loans(store: &Store, caller: &Caller<'_>) -> Result<Vec<Loan>> {
    let p = caller.principal;
    let all = match p.role {
        Role::Bank => return Ok(store.loans(Some(own_bank(p)?), None).await?),
        Role::Enterprise => {
            let own = p.scope.first().map_or("", String::as_str);
            return Ok(store.loans(None, Some(own)).await?);
        }
        Role::Admin | Role::Analyst => return Ok(store.loans(None, None).await?),
        Role::DistrictOfficer => store.loans(None, None).await?,
        Role::Public => {
            return Err(Error::Forbidden("loans are not public".into()));
        }
    };
    let places = places(store).await?;
    let scope = p.list_scope();
    Ok(all
        .into_iter()
        .filter(|l| {
            places
                .get(&l.credit_code)
                .is_some_and(|x| in_scope(&scope, x))
        })
        .collect())
}

/// Where an enterprise is and how it scores (its latest record and the latest build).
#[derive(Debug, Clone, Default)]
struct Place {
    region_code: String,
    park: Option<String>,
    score: Option<f64>,
    /// The certifications held (`hnte`, `tech_sme`, `specialised`).
    titles: Vec<&'static str>,
}

fn in_scope(scope: &ListScope, place: &Place) -> bool {
    match scope {
        ListScope::All => true,
        ListScope::Areas(regions, parks) => {
            regions.contains(&place.region_code)
                || place.park.as_ref().is_some_and(|x| parks.contains(x))
        }
        _ => false,
    }
}

async fn places(store: &Store) -> Result<HashMap<String, Place>> {
    // Each enterprise's latest record, reading one year at a time from the latest down (the
    // latest year may be a round still being filed, holding only some enterprises).
    let mut out: HashMap<String, Place> = HashMap::new();
    for year in store.years().await?.into_iter().rev() {
        for r in store.load_year(year).await? {
            let code = r.credit_code.to_string();
            if out.contains_key(&code) {
                continue;
            }
            let t = &r.titles;
            let held = |d| kechuang_domain::held_in(d, r.year);
            let titles = [
                ("hnte", held(t.hnte)),
                ("tech_sme", held(t.tech_sme)),
                (
                    "specialised",
                    held(t.specialised_sme) || held(t.little_giant),
                ),
            ]
            .into_iter()
            .filter_map(|(k, h)| h.then_some(k))
            .collect();
            out.insert(
                code,
                Place {
                    region_code: r.region_code.as_str().to_string(),
                    park: r.park.clone(),
                    score: None,
                    titles,
                },
            );
        }
    }
    // Each enterprise's latest score in the latest build.
    if let Some(build) = store.builds().await?.into_iter().next() {
        let mut years = build.years.clone();
        years.sort_unstable();
        for year in years {
            for (code, score) in store.scores(build.id, year).await? {
                if let (Some(place), Some(s)) = (out.get_mut(&code), score) {
                    place.score = Some(s);
                }
            }
        }
    }
    Ok(out)
}

/// One line of the totals (amounts in 万元).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FinanceLine {
    /// Enterprises with a loan.
    pub firms: usize,
    /// Loans.
    pub loans: usize,
    /// Granted.
    pub granted: f64,
    /// Disbursed.
    pub disbursed: f64,
    /// Overdue.
    pub overdue: f64,
    /// Enterprises with something overdue, over `firms`.
    pub overdue_rate: Option<f64>,
}

/// The bureau's totals.
#[derive(Debug, Clone, Serialize)]
pub struct FinanceTotals {
    /// Everything in scope.
    pub total: FinanceLine,
    /// By bank.
    pub by_bank: BTreeMap<String, FinanceLine>,
    /// By district (region code).
    pub by_district: BTreeMap<String, FinanceLine>,
    /// By index score band of the latest build (`0-20` … `80-100`, `none`).
    pub by_score_band: BTreeMap<String, FinanceLine>,
    /// By certification held (`hnte`, `tech_sme`, `specialised`, `none`; an enterprise may count
    /// under several).
    pub by_scheme: BTreeMap<String, FinanceLine>,
    /// Share of the amount granted that went to R&D-growth credit candidates (the `rd_credit`
    /// rule over the latest year).
    pub rd_credit_share: Option<f64>,
    /// Share of the amount granted that went to the top fifth of the index.
    pub top_fifth_share: Option<f64>,
    /// Applications answered, and the median days from applying to the answer.
    pub applications_answered: usize,
    /// Median days to an answer.
    pub median_days_to_answer: Option<f64>,
    /// Applications granted over those answered.
    pub approval_rate: Option<f64>,
}

fn band(score: Option<f64>) -> String {
    match score {
        None => "none".into(),
        Some(s) => {
            let low = ((s / 20.0).floor() * 20.0).clamp(0.0, 80.0) as i32;
            format!("{low}-{}", low + 20)
        }
    }
}

/// The enterprises the R&D-growth credit rule (`rd_credit`) picks in the last full survey year.
async fn rd_credit_candidates(store: &Store) -> Result<std::collections::HashSet<String>> {
    let Some(rules) = kechuang_policy::shipped("rd_credit") else {
        return Ok(Default::default());
    };
    let year = crate::views::last_full_year(&store.year_counts().await?);
    let Ok((year, records)) = crate::views::panel(store, year).await else {
        return Ok(Default::default());
    };
    Ok(kechuang_policy::Panel::new(&records)
        .evaluate_year_where(&rules, year, false, |e| {
            e.outcome == kechuang_policy::Outcome::Qualifies
        })
        .into_iter()
        .map(|e| e.credit_code)
        .collect())
}

/// Totals of the loans (granted in `year`, or all) and applications the caller may see in
/// aggregate: analysts and administrators all, a district officer its districts and parks.
pub async fn totals(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    year: Option<i32>,
) -> Result<FinanceTotals> {
    caller.require(Capability::Targets)?;
    let located = located(store).await?;
    totals_located(&located, store, auditor, caller, year).await
}

/// What the totals need of the survey and the index, besides the loans: where each enterprise
/// is, its certificates and score, and the R&D-growth credit candidates. It changes with an
/// import or a build, not with a loan, so a server reads it once per both.
pub struct Located {
    places: HashMap<String, Place>,
    candidates: std::collections::HashSet<String>,
}

async fn located(store: &Store) -> Result<Located> {
    Ok(Located {
        places: places(store).await?,
        candidates: rd_credit_candidates(store).await?,
    })
}

/// [`Located`] held by the application for the latest build and import.
async fn located_held(app: &crate::App) -> Result<Arc<Located>> {
    let build = app.store.builds().await?.into_iter().next().map(|b| b.id);
    let batch = app.store.latest_batch().await?;
    let store = app.store.clone();
    app.cached(
        format!("finance-located/{build:?}/{batch}"),
        || async move { located(&store).await },
    )
    .await
}

/// [`totals`] for a server: the survey's side read once per import and build (the loans every time).
pub async fn totals_held(
    app: &crate::App,
    caller: &Caller<'_>,
    year: Option<i32>,
) -> Result<FinanceTotals> {
    caller.require(Capability::Targets)?;
    let located = located_held(app).await?;
    totals_located(&located, &app.store, &app.auditor, caller, year).await
}

/// [`published`] for a server, as [`totals_held`].
pub async fn published_held(app: &crate::App, caller: &Caller<'_>) -> Result<PublishedTotals> {
    caller.require(Capability::ReadAggregates)?;
    let located = located_held(app).await?;
    published_located(&located.places, &app.store).await
}

async fn totals_located(
    located: &Located,
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    year: Option<i32>,
) -> Result<FinanceTotals> {
    let p = caller.require(Capability::Targets)?;
    let scope = p.list_scope();
    let (places, candidates) = (&located.places, &located.candidates);
    let unknown = Place::default();
    let mut all_scores: Vec<f64> = places.values().filter_map(|x| x.score).collect();
    all_scores.sort_by(f64::total_cmp);
    let top_fifth = (!all_scores.is_empty())
        .then(|| all_scores[(all_scores.len() * 4 / 5).min(all_scores.len() - 1)]);
    let loans: Vec<Loan> = store
        .loans(None, None)
        .await?
        .into_iter()
        .filter(|l| in_scope(&scope, places.get(&l.credit_code).unwrap_or(&unknown)))
        .filter(|l| year.is_none_or(|y| l.granted_on.starts_with(&format!("{y}-"))))
        .collect();
    // Firms counted once per line; overdue once per firm.
    let mut lines: HashMap<(u8, String), (FinanceLine, HashMap<String, bool>)> = HashMap::new();
    let (mut top_granted, mut all_granted, mut candidate_granted) = (0.0, 0.0, 0.0);
    for l in &loans {
        let place = places.get(&l.credit_code).unwrap_or(&unknown);
        all_granted += l.granted;
        if candidates.contains(&l.credit_code) {
            candidate_granted += l.granted;
        }
        if let (Some(s), Some(t)) = (place.score, top_fifth)
            && s >= t
        {
            top_granted += l.granted;
        }
        let mut keys = vec![
            (0u8, String::new()),
            (1, l.bank.clone()),
            (2, place.region_code.clone()),
            (3, band(place.score)),
        ];
        if place.titles.is_empty() {
            keys.push((4, "none".to_string()));
        }
        keys.extend(place.titles.iter().map(|t| (4, t.to_string())));
        for key in keys {
            let (line, firms) = lines.entry(key).or_default();
            line.loans += 1;
            line.granted += l.granted;
            line.disbursed += l.disbursed;
            line.overdue += l.overdue;
            *firms.entry(l.credit_code.clone()).or_default() |= l.overdue > 0.0;
        }
    }
    let mut total = FinanceLine::default();
    let (mut by_bank, mut by_district, mut by_score_band, mut by_scheme) = (
        BTreeMap::new(),
        BTreeMap::new(),
        BTreeMap::new(),
        BTreeMap::new(),
    );
    for ((kind, key), (mut line, firms)) in lines {
        line.firms = firms.len();
        let overdue = firms.values().filter(|o| **o).count();
        line.overdue_rate = (line.firms > 0).then(|| overdue as f64 / line.firms as f64);
        match kind {
            0 => total = line,
            1 => {
                by_bank.insert(key, line);
            }
            2 => {
                by_district.insert(key, line);
            }
            3 => {
                by_score_band.insert(key, line);
            }
            _ => {
                by_scheme.insert(key, line);
            }
        }
    }
    let answered: Vec<LoanApplication> = store
        .loan_applications(None, None)
        .await?
        .into_iter()
        .filter(|a| a.status != "pending")
        .filter(|a| in_scope(&scope, places.get(&a.credit_code).unwrap_or(&unknown)))
        .collect();
    let mut days: Vec<f64> = answered
        .iter()
        .filter_map(|a| {
            let from = chrono::DateTime::parse_from_rfc3339(&a.applied_at).ok()?;
            let to = chrono::DateTime::parse_from_rfc3339(a.answered_at.as_deref()?).ok()?;
            Some((to - from).num_seconds() as f64 / 86_400.0)
        })
        .collect();
    days.sort_by(f64::total_cmp);
    let median = (!days.is_empty()).then(|| {
        let m = days.len() / 2;
        if days.len() % 2 == 1 {
            days[m]
        } else {
            (days[m - 1] + days[m]) / 2.0
        }
    });
    let granted = answered.iter().filter(|a| a.status == "granted").count();
    auditor
        .record(
            &p.name,
            AuditAction::LoansRead,
            "finance totals",
            caller.remote,
            "ok",
        )
        .await;
    Ok(FinanceTotals {
        total,
        by_bank,
        by_district,
        by_score_band,
        by_scheme,
        rd_credit_share: (all_granted > 0.0).then(|| candidate_granted / all_granted),
        top_fifth_share: (all_granted > 0.0).then(|| top_granted / all_granted),
        applications_answered: answered.len(),
        median_days_to_answer: median,
        approval_rate: (!answered.is_empty()).then(|| granted as f64 / answered.len() as f64),
    })
}

/// The columns of a bank's loan file, by their Chinese or English header.
const LOAN_COLUMNS: [(&str, &str); 7] = [
    ("业务编号", "reference"),
    ("统一社会信用代码", "credit_code"),
    ("授信日期", "granted_on"),
    ("授信金额(万元)", "granted"),
    ("放款金额(万元)", "disbursed"),
    ("已还金额(万元)", "repaid"),
    ("逾期金额(万元)", "overdue"),
];

/// The header of a loan file, Chinese first (also the template's).
pub fn loan_file_header() -> Vec<&'static str> {
    LOAN_COLUMNS.iter().map(|(zh, _)| *zh).collect()
}

/// A bank's loan file (CSV or XLSX, the columns of [`loan_file_header`], Chinese or English
/// headers) recorded all or none, every problem located by row and column.
pub async fn import_loans(
    store: &Store,
    auditor: &Auditor,
    caller: &Caller<'_>,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<usize> {
    own_bank(caller.principal)?;
    let options = crate::intake::detected_options(bytes.len().max(1) * 2);
    let grid =
        kechuang_tabular::survey::read_grid_bytes(std::path::Path::new(file_name), bytes, &options)
            .map_err(|e| Error::Invalid(e.to_string()))?
            .1;
    let Some((header, rows)) = grid.split_first() else {
        return Err(Error::Invalid(format!("{file_name}: no header row")));
    };
    let normal = |h: &str| {
        h.trim()
            .trim_start_matches('\u{feff}')
            .replace(['（'], "(")
            .replace(['）'], ")")
            .replace(' ', "")
    };
    let mut at = [None::<usize>; 7];
    let mut problems = Vec::new();
    for (c, h) in header.iter().enumerate() {
        let h = normal(h);
        match LOAN_COLUMNS
            .iter()
            .position(|(zh, en)| h == *zh || h.eq_ignore_ascii_case(en))
        {
            Some(k) => at[k] = Some(c),
            None if h.is_empty() => {}
            None => problems.push(format!("{file_name}: column '{h}' is not a loan field")),
        }
    }
    for (k, (zh, _)) in LOAN_COLUMNS.iter().enumerate() {
        if at[k].is_none() {
            problems.push(format!("{file_name}: no column {zh}"));
        }
    }
    if !problems.is_empty() {
        return Err(Error::Invalid(problems.join("; ")));
    }
    let cell = |row: &[String], k: usize| -> String {
        at[k]
            .and_then(|c| row.get(c))
            .map(|v| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut loans = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter().enumerate() {
        if row.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let mut number = |k: usize| -> f64 {
            let v = cell(row, k);
            match v.replace(',', "").parse::<f64>() {
                Ok(x) if x.is_finite() => x,
                _ => {
                    problems.push(format!(
                        "row {}, {}: '{v}' is not a number of 万元",
                        r + 2,
                        LOAN_COLUMNS[k].0
                    ));
                    0.0
                }
            }
        };
        let (granted, disbursed, repaid, overdue) = (number(3), number(4), number(5), number(6));
        loans.push(Loan {
            bank: String::new(),
            reference: cell(row, 0),
            credit_code: cell(row, 1),
            granted_on: cell(row, 2),
            granted,
            disbursed,
            repaid,
            overdue,
            application_id: None,
        });
    }
    if !problems.is_empty() {
        let n = problems.len();
        problems.truncate(50);
        return Err(Error::Invalid(format!(
            "{n} problems, nothing recorded: {}",
            problems.join("; ")
        )));
    }
    record_located(store, auditor, caller, &loans, ("row", 2)).await
}

/// One published line: suppressed (no figures) when the disclosure rules say so.
#[derive(Debug, Clone, Serialize)]
pub struct PublishedLine {
    /// Enterprises with a loan (none when suppressed).
    pub firms: Option<usize>,
    /// Granted (万元).
    pub granted: Option<f64>,
    /// Disbursed (万元).
    pub disbursed: Option<f64>,
    /// Why it is suppressed, if it is.
    pub suppressed: Option<kechuang_region::disclosure::Reason>,
}

/// The published totals: every district's enterprises with loans and the amounts granted and
/// disbursed (no bank, no enterprise named), with the regional tables' disclosure control —
/// fewer than three enterprises, or one holding most of the amount, and the cells that would give
/// a suppressed one away through the total.
#[derive(Debug, Clone, Serialize)]
pub struct PublishedTotals {
    /// The whole region.
    pub total: PublishedLine,
    /// By district (region code).
    pub by_district: BTreeMap<String, PublishedLine>,
}

#[derive(Default)]
struct Cell {
    firms: HashMap<String, f64>,
    granted: f64,
    disbursed: f64,
}

impl Cell {
    fn stats(&self) -> kechuang_region::disclosure::CellStats {
        kechuang_region::disclosure::CellStats {
            count: self.firms.len(),
            total: self.granted,
            largest: self.firms.values().copied().fold(0.0, f64::max),
        }
    }

    fn line(&self, reason: Option<kechuang_region::disclosure::Reason>) -> PublishedLine {
        match reason {
            Some(r) => PublishedLine {
                firms: None,
                granted: None,
                disbursed: None,
                suppressed: Some(r),
            },
            None => PublishedLine {
                firms: Some(self.firms.len()),
                granted: Some(self.granted),
                disbursed: Some(self.disbursed),
                suppressed: None,
            },
        }
    }
}

/// The published totals (everyone signed in may read them).
pub async fn published(store: &Store, caller: &Caller<'_>) -> Result<PublishedTotals> {
    caller.require(Capability::ReadAggregates)?;
    published_located(&places(store).await?, store).await
}

async fn published_located(
    places: &HashMap<String, Place>,
    store: &Store,
) -> Result<PublishedTotals> {
    let rules = kechuang_region::disclosure::Rules::default();
    let mut districts: BTreeMap<String, Cell> = BTreeMap::new();
    let mut total = Cell::default();
    for l in store.loans(None, None).await? {
        let district = places
            .get(&l.credit_code)
            .map(|x| x.region_code.clone())
            .unwrap_or_default();
        for c in [districts.entry(district).or_default(), &mut total] {
            *c.firms.entry(l.credit_code.clone()).or_default() += l.granted;
            c.granted += l.granted;
            c.disbursed += l.disbursed;
        }
    }
    // As the regional tables' one-way tables: a row of one cell per district, the total beside.
    let rows: Vec<Vec<kechuang_region::disclosure::CellStats>> =
        districts.values().map(|c| vec![c.stats()]).collect();
    let decisions = kechuang_region::disclosure::suppress(&rows, &rules);
    let whole = kechuang_region::disclosure::suppress(&[vec![total.stats()]], &rules);
    Ok(PublishedTotals {
        total: total.line(whole[0][0]),
        by_district: districts
            .iter()
            .enumerate()
            .map(|(k, (code, c))| (code.clone(), c.line(decisions[k][0])))
            .collect(),
    })
}
