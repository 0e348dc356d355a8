//! The survey round pages: the rounds (and opening one), a round's response by district with the
//! review queue and the late list, and an enterprise's form — filled in and submitted by the
//! enterprise, approved or returned by its reviewers. Server-side validation on every save: the
//! pages work without a script.

use std::collections::{BTreeMap, HashMap};

use kechuang_app::rounds::{self, Decision, FormStatus, OpenRound, RoundScope};
use kechuang_domain::Field;

use crate::pages::prelude::*;

/// The form to open a round.
#[derive(Debug, Deserialize)]
pub(super) struct OpenForm {
    year: i32,
    deadline: String,
    scope: String,
    #[serde(default)]
    codes: String,
    #[serde(default)]
    fields: String,
}

/// Close or reopen.
#[derive(Debug, Deserialize)]
pub(super) struct StateForm {
    open: bool,
}

/// A reviewer's decision, as a form posts it.
#[derive(Debug, Deserialize)]
pub(super) struct ReviewForm {
    decision: String,
    #[serde(default)]
    fields: String,
    #[serde(default)]
    comment: String,
}

/// `?saved=` after a save.
#[derive(Debug, Deserialize, Default)]
pub(super) struct FormQuery {
    saved: Option<String>,
}

fn status_text(s: FormStatus) -> Text {
    match s {
        FormStatus::NotStarted => Text::NotStarted,
        FormStatus::Draft => Text::FormDraft,
        FormStatus::Submitted => Text::FormSubmitted,
        FormStatus::Returned => Text::FormReturned,
        FormStatus::Approved => Text::FormApproved,
    }
}

fn scope_text(scope: &str) -> Text {
    match scope {
        "list" => Text::ScopeList,
        "everyone" => Text::ScopeEveryone,
        _ => Text::ScopeRegister,
    }
}

fn section_text(section: &str) -> Text {
    match section {
        "people" => Text::SectionPeople,
        "finance" => Text::SectionFinance,
        "output" => Text::SectionOutput,
        "capability" => Text::SectionCapability,
        _ => Text::SectionCollaboration,
    }
}

/// A source's name in the page's language.
fn source_name(key: &str, l: Lang) -> String {
    match (kechuang_app::sources::Source::parse(key), l) {
        (Some(s), Lang::Zh) => s.zh().to_string(),
        (Some(s), Lang::En) => s.key().to_string(),
        (None, _) => key.to_string(),
    }
}

/// A field's label in the page's language, with its unit.
fn field_label(f: Field, l: Lang) -> String {
    match (f, l) {
        (_, Lang::Zh) => f.header_zh(),
        (Field::Num(n), Lang::En) if !n.spec().unit.is_empty() => {
            format!("{} ({})", f.en(), n.spec().unit)
        }
        (_, Lang::En) => f.en().to_string(),
    }
}

/// The fields a round asks in the template's order, grouped by section.
fn sections(asked: &str) -> Vec<(Text, Vec<Field>)> {
    let mut out: Vec<(Text, Vec<Field>)> = vec![(Text::BasicInformation, Vec::new())];
    for f in rounds::asked_fields(asked) {
        let section = match f {
            Field::Text(_) => Text::BasicInformation,
            Field::Num(n) => section_text(n.spec().section),
        };
        match out.iter_mut().find(|(s, _)| *s == section) {
            Some((_, fields)) => fields.push(f),
            None => out.push((section, vec![f])),
        }
    }
    out
}

pub(super) async fn rounds_page(State(state): State<Shared>, ctx: PageSignedIn) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let caller = ctx.caller().or_page(&ctx)?;
    let list = rounds::list(&state.store, &caller).await.or_page(&ctx)?;
    let manages = p.may(Capability::ManageRounds);
    let follows = manages || p.may(Capability::ReviewFilings);
    let own = (p.role == Role::Enterprise)
        .then(|| p.scope.first().cloned())
        .flatten();
    let scopes: Vec<(String, String)> = ["register", "list", "everyone"]
        .iter()
        .map(|k| (k.to_string(), l.text(scope_text(k)).to_string()))
        .collect();
    let body = html! {
        @if manages {
            h2 { (l.text(Text::OpenARound)) }
            form.filters method="post" action=(action("/rounds", p)) #open-round {
                (text_input(l.text(Text::SurveyYear), "year", None, Some(6)))
                label { (l.text(Text::Deadline)) input name="deadline" #deadline placeholder="2026-03-31" size="10" required; }
                (select("scope", l.text(Text::Scope), Some("register"), &scopes))
                label { (l.text(Text::CodesOnePerLine)) textarea name="codes" rows="2" cols="24" {} }
                (text_input(l.text(Text::FieldsAsked), "fields", None, Some(30)))
                button #open-submit { (l.text(Text::OpenRound)) }
            }
        }
        @if list.is_empty() {
            p { (l.text(Text::NoRounds)) }
        } @else {
            table #rounds {
                tr {
                    th { "#" } th { (l.text(Text::SurveyYear)) } th { (l.text(Text::Deadline)) }
                    th { (l.text(Text::Scope)) } th { (l.text(Text::Status)) } th {}
                }
                @for r in &list {
                    tr {
                        td { (r.id) }
                        td { (r.year) }
                        td { (r.deadline) }
                        td { (l.text(scope_text(&r.scope))) }
                        td.status { (l.text(if r.status == "open" { Text::RoundOpen } else { Text::RoundClosed })) }
                        td {
                            @if follows {
                                a href={ "/rounds/" (r.id) } { (l.text(Text::RoundResponse)) } " "
                            }
                            @if let Some(code) = &own {
                                a.our-form href={ "/rounds/" (r.id) "/forms/" (percent_encode(code)) } { (l.text(Text::OurForm)) } " "
                            }
                            @if manages {
                                form method="post" action=(action(&format!("/rounds/{}/state", r.id), p)) {
                                    input type="hidden" name="open" value=(r.status != "open");
                                    button.round-state {
                                        (l.text(if r.status == "open" { Text::CloseRound } else { Text::ReopenRound }))
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&ctx, p, l.text(Text::SurveyRounds), body))
}

pub(super) async fn open_round(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ManageRounds>,
    Form(f): Form<OpenForm>,
) -> PageResult {
    let scope = match f.scope.as_str() {
        "list" => RoundScope::List(
            f.codes
                .lines()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(String::from)
                .collect(),
        ),
        "everyone" => RoundScope::Everyone,
        _ => RoundScope::Register,
    };
    let req = OpenRound {
        year: f.year,
        deadline: f.deadline.trim().to_string(),
        scope,
        fields: f
            .fields
            .split([',', '，', ' ', '\n'])
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .map(String::from)
            .collect(),
    };
    let id = rounds::open(&state.store, &state.auditor, &ctx.allowed().caller(), &req)
        .await
        .or_page(&ctx)?;
    Ok(Redirect::to(&format!("/rounds/{id}")).into_response())
}

pub(super) async fn round_state(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ManageRounds>,
    Path(id): Path<i64>,
    Form(f): Form<StateForm>,
) -> PageResult {
    rounds::set_open(
        &state.store,
        &state.auditor,
        &ctx.allowed().caller(),
        id,
        f.open,
    )
    .await
    .or_page(&ctx)?;
    Ok(Redirect::to("/rounds").into_response())
}

pub(super) async fn response_page(
    State(state): State<Shared>,
    ctx: PageSignedIn,
    Path(id): Path<i64>,
) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let caller = ctx.caller().or_page(&ctx)?;
    let t = rounds::tracking(
        &state.store,
        &state.auditor,
        &caller,
        id,
        super::api::today(),
    )
    .await
    .or_page(&ctx)?;
    let row = |label: String, r: &rounds::Response| {
        html! {
            tr {
                td { (label) }
                td.num { (r.in_scope) } td.num { (r.not_started) } td.num { (r.draft) }
                td.num { (r.submitted) } td.num { (r.returned) } td.num { (r.approved) } td.num { (r.late) }
            }
        }
    };
    let head = |first: Text| {
        html! {
            tr {
                th { (l.text(first)) }
                th.num { (l.text(Text::InScope)) } th.num { (l.text(Text::NotStarted)) } th.num { (l.text(Text::FormDraft)) }
                th.num { (l.text(Text::FormSubmitted)) } th.num { (l.text(Text::FormReturned)) } th.num { (l.text(Text::FormApproved)) }
                th.num { (l.text(Text::Late)) }
            }
        }
    };
    let form_link = |code: &str| format!("/rounds/{id}/forms/{}", percent_encode(code));
    let body = html! {
        p.muted {
            (l.text(Text::SurveyYear)) " " (t.round.year) " · " (l.text(Text::Deadline)) " " (t.round.deadline)
            " · " (l.text(scope_text(&t.round.scope)))
            " · " (l.text(if t.round.status == "open" { Text::RoundOpen } else { Text::RoundClosed }))
        }
        table #by-district {
            (head(Text::District))
            @for (code, r) in &t.by_district {
                (row(if code.is_empty() { "—".to_string() } else { district_name(code, l) }, r))
            }
            (row(l.text(Text::Total).to_string(), &t.total))
        }
        @if !t.by_park.is_empty() {
            table #by-park {
                (head(Text::Park))
                @for (park, r) in &t.by_park { (row(park.clone(), r)) }
            }
        }
        h2 { (l.text(Text::AwaitingReview)) " (" (t.submitted.len()) ")" }
        ul #review-queue {
            @for m in &t.submitted { li { a href=(form_link(&m.credit_code)) { (m.credit_code) } " " (district_name(&m.region_code, l)) } }
        }
        h2 { (l.text(Text::LateEnterprises)) " (" (t.late.len()) ")" }
        @if !t.late.is_empty() {
            p {
                a #reminder-list href={ "/api/v1/rounds/" (id) "/reminders" } { (l.text(Text::ReminderList)) } " "
                form method="post" action=(action(&format!("/rounds/{id}/reminders"), p)) {
                    button #remind { (l.text(Text::RemindLate)) }
                }
            }
        }
        ul #late {
            @for m in t.late.iter().take(500) { li { a href=(form_link(&m.credit_code)) { (m.credit_code) } " " (district_name(&m.region_code, l)) } }
        }
    };
    Ok(page(&ctx, p, l.text(Text::RoundResponse), body))
}

pub(super) async fn form_page(
    State(state): State<Shared>,
    ctx: PageSignedIn,
    Path((id, code)): Path<(i64, String)>,
    Query(q): Query<FormQuery>,
) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let code = code.trim().to_ascii_uppercase();
    let caller = ctx.caller().or_page(&ctx)?;
    let form = rounds::form(&state.store, &state.auditor, &caller, id, &code)
        .await
        .or_page(&ctx)?;
    let files = p.role == Role::Enterprise;
    let editable = files
        && form.round.status == "open"
        && !matches!(form.status, FormStatus::Submitted | FormStatus::Approved);
    let reviews = p.may(Capability::ReviewFilings) && form.status == FormStatus::Submitted;
    let mut issues: HashMap<&str, Vec<&rounds::FormIssue>> = HashMap::new();
    for i in &form.issues {
        issues.entry(i.field.as_str()).or_default().push(i);
    }
    let notice = match q.saved.as_deref() {
        Some("submitted") => Some(("ok", Text::FormSubmittedNotice)),
        Some("errors") => Some(("error", Text::FormHasErrors)),
        Some(_) => Some(("ok", Text::FormSavedNotice)),
        None => None,
    };
    let values: &BTreeMap<String, String> = &form.values;
    // The form's enterprise and year are its own: shown, not edited.
    let fixed = [
        Field::Text(kechuang_domain::Text::CreditCode),
        Field::Text(kechuang_domain::Text::Year),
    ];
    let body = html! {
        p.muted #form-status {
            (code) " · " (l.text(Text::SurveyYear)) " " (form.round.year) " · " (l.text(Text::Deadline)) " "
            (form.round.deadline) " · " (l.text(Text::FormStatusLabel)) ": " b { (l.text(status_text(form.status))) }
        }
        @if let Some((class, text)) = notice { p class=(class) #notice { (l.text(text)) } }
        @if files && form.round.status != "open" { p.error { (l.text(Text::RoundClosedNotice)) } }
        @if files && matches!(form.status, FormStatus::Submitted) { p.muted { (l.text(Text::FormLocked)) } }
        form method="post" action=(action(&format!("/rounds/{id}/forms/{}", percent_encode(&code)), p)) #survey-form
            data-check=[editable.then(|| format!("/api/v1/rounds/{id}/forms/{}/check", percent_encode(&code)))] {
            @for (section, fields) in sections(&form.round.fields) {
                h2 { (l.text(section)) }
                table.form-section {
                    tr {
                        th { (l.text(Text::FieldLabel)) } th { (l.text(Text::FieldValue)) }
                        th { (l.text(Text::FieldSource)) } th { (l.text(Text::FieldIssue)) }
                    }
                    @for f in fields {
                        @let key = f.key();
                        @let found = issues.get(key);
                        tr.has-error[found.is_some_and(|v| v.iter().any(|i| i.severity == "error"))] {
                            td { label for={ "field-" (key) } { (field_label(f, l)) } }
                            td {
                                input id={ "field-" (key) } name=(key) value=(values.get(key).map_or("", String::as_str))
                                    readonly[!editable || fixed.contains(&f)] size="28";
                            }
                            td.source {
                                @if let Some(src) = form.provenance.get(key) {
                                    span.muted { (source_name(&src.source, l)) ": " (src.value) }
                                    @if editable || form.reasons.contains_key(key) {
                                        br;
                                        input name={ "reason-" (key) } size="24"
                                            placeholder=(l.text(Text::CorrectionReason))
                                            value=(form.reasons.get(key).map_or("", String::as_str))
                                            readonly[!editable];
                                    }
                                }
                            }
                            td.issues id={ "issues-" (key) } {
                                @if let Some(list) = found {
                                    @for i in list { span class=(i.severity) { (i.message) } " " }
                                }
                            }
                        }
                    }
                }
            }
            @if editable {
                p {
                    button name="action" value="save" #save-draft { (l.text(Text::SaveDraft)) } " "
                    button name="action" value="submit" #submit-form { (l.text(Text::SubmitForm)) }
                }
            }
        }
        @if reviews {
            h2 { (l.text(Text::AwaitingReview)) }
            form method="post" action=(action(&format!("/rounds/{id}/forms/{}/review", percent_encode(&code)), p)) #review {
                input type="hidden" name="decision" value="approve";
                button #approve { (l.text(Text::ApproveForm)) }
            }
            form.filters method="post" action=(action(&format!("/rounds/{id}/forms/{}/review", percent_encode(&code)), p)) #return {
                input type="hidden" name="decision" value="return";
                (text_input(l.text(Text::FieldsToCorrect), "fields", None, Some(24)))
                (text_input(l.text(Text::ReturnComment), "comment", None, Some(40)))
                button #return-submit { (l.text(Text::ReturnForm)) }
            }
        }
        @if editable { script src="/static/form.js" defer {} }
        h2 { (l.text(Text::FormHistory)) }
        table #history {
            tr { th { (l.text(Text::When)) } th { (l.text(Text::Who)) } th { (l.text(Text::Action)) } th { (l.text(Text::FieldLabel)) } th { (l.text(Text::ReturnComment)) } }
            @for e in &form.history {
                tr { td { (local_time(&e.at)) } td { (e.by_user) } td { (e.action) } td { (e.fields) } td { (e.comment) } }
            }
        }
    };
    Ok(page(&ctx, p, l.text(Text::SurveyRounds), body))
}

pub(super) async fn save_form(
    State(state): State<Shared>,
    ctx: PageAllowed<can::FileSurvey>,
    Path((id, code)): Path<(i64, String)>,
    Form(mut fields): Form<BTreeMap<String, String>>,
) -> PageResult {
    let code = code.trim().to_ascii_uppercase();
    let submit = fields.remove("action").as_deref() == Some("submit");
    fields.remove(crate::auth::CSRF_FIELD);
    // `reason-KEY`: why a source's value of KEY is corrected.
    let reasons: BTreeMap<String, String> = fields
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("reason-")
                .map(|f| (f.to_string(), v.clone()))
        })
        .collect();
    fields.retain(|k, v| !k.starts_with("reason-") && !v.trim().is_empty());
    let saved = rounds::save(
        &state.store,
        &state.auditor,
        &ctx.allowed().caller(),
        id,
        &code,
        &rounds::Filed {
            values: &fields,
            reasons: &reasons,
            submit,
        },
    )
    .await
    .or_page(&ctx)?;
    let outcome = match (submit, saved.status) {
        (true, FormStatus::Submitted) => "submitted",
        (true, _) => "errors",
        _ => "draft",
    };
    Ok(Redirect::to(&format!(
        "/rounds/{id}/forms/{}?saved={outcome}",
        percent_encode(&code)
    ))
    .into_response())
}

pub(super) async fn review_form(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ReviewFilings>,
    Path((id, code)): Path<(i64, String)>,
    Form(f): Form<ReviewForm>,
) -> PageResult {
    let code = code.trim().to_ascii_uppercase();
    let decision = match f.decision.as_str() {
        "approve" => Decision::Approve,
        _ => Decision::Return {
            fields: f
                .fields
                .split([',', '，', ' '])
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(String::from)
                .collect(),
            comment: f.comment,
        },
    };
    rounds::review(
        &state.store,
        &state.auditor,
        &ctx.allowed().caller(),
        id,
        &code,
        &decision,
    )
    .await
    .or_page(&ctx)?;
    Ok(Redirect::to(&format!("/rounds/{id}")).into_response())
}

pub(super) async fn remind(
    State(state): State<Shared>,
    ctx: PageSignedIn,
    Path(id): Path<i64>,
) -> PageResult {
    let caller = ctx.caller().or_page(&ctx)?;
    rounds::remind(
        &state.store,
        &state.auditor,
        &caller,
        id,
        super::api::today(),
    )
    .await
    .or_page(&ctx)?;
    Ok(Redirect::to(&format!("/rounds/{id}")).into_response())
}
