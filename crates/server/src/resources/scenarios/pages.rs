//! The what-if pages for analysts and district officers: a scheme's parameters as a form (the
//! current value beside each, conditions that may be dropped, a whole rule file for the rest),
//! the result — changed parameters, counts and budget by district, park, industry, field and
//! stage, who enters and leaves with the criterion that decided it, near misses — and saved
//! scenarios listed, shown, compared side by side, exported and deleted.

use std::collections::BTreeMap;

use kechuang_app::whatif::saved::{self, Comparison};
use kechuang_app::whatif::{Line, Mover, Scenario, WhatIfView, evaluate};
use kechuang_policy::{Overrides, RuleSet};
use kechuang_store::SavedScenario;

use crate::pages::prelude::*;

/// The most rows a list shows (the workbook has them all).
const SHOWN: usize = 500;

fn rules_of<'s>(state: &'s Shared, scheme: &str) -> Option<&'s RuleSet> {
    state.rules.iter().find(|r| r.spec.id == scheme)
}

/// What the form was sent with: the scheme, the rule file, amount, year and name, and the
/// parameters (`p:KEY`) and drops (`drop:KEY`).
#[derive(Debug, Default)]
struct Sent {
    scheme: String,
    rules: String,
    amount: String,
    year: String,
    name: String,
    save: bool,
    params: BTreeMap<String, String>,
    dropped: Vec<String>,
}

impl Sent {
    fn read(fields: Vec<(String, String)>) -> Sent {
        let mut s = Sent::default();
        for (k, v) in fields {
            if let Some(key) = k.strip_prefix("p:") {
                s.params.insert(key.to_string(), v);
            } else if let Some(key) = k.strip_prefix("drop:") {
                s.dropped.push(key.to_string());
            } else {
                match k.as_str() {
                    "scheme" => s.scheme = v,
                    "rules" => s.rules = v,
                    "amount" => s.amount = v,
                    "year" => s.year = v,
                    "name" => s.name = v,
                    "save" => s.save = true,
                    _ => {}
                }
            }
        }
        s
    }

    /// The changes: every parameter whose value differs from the starting rules', and the drops.
    fn overrides(&self, base: &RuleSet) -> Result<Overrides, String> {
        let mut o = Overrides::default();
        for p in base.parameters() {
            let Some(v) = self.params.get(&p.key) else {
                continue;
            };
            let v = v.trim();
            if v.is_empty() {
                continue;
            }
            let n: f64 = v
                .parse()
                .ok()
                .filter(|n: &f64| n.is_finite())
                .ok_or_else(|| format!("{}: '{v}'", p.label))?;
            if n != p.value {
                o.values.insert(p.key, n);
            }
        }
        o.dropped.extend(self.dropped.iter().cloned());
        Ok(o)
    }
}

fn number(v: &str, what: &str) -> Result<Option<f64>, String> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse::<f64>()
        .map(Some)
        .map_err(|_| format!("{what}: '{v}'"))
}

fn scheme_picker(l: Lang, state: &Shared, scheme: &str) -> Markup {
    let schemes: Vec<(String, String)> = state
        .rules
        .iter()
        .map(|r| {
            (
                r.spec.id.clone(),
                l.pick(&r.spec.name, &r.spec.name_en).to_string(),
            )
        })
        .collect();
    html! {
        form.filters method="get" action="/whatif" #scheme-picker {
            (select("scheme", l.text(Text::Scheme), Some(scheme), &schemes))
            button { (l.text(Text::ChooseScheme)) }
        }
    }
}

/// The stored years with their numbers of records, and the year to preselect: the latest, unless
/// it holds fewer than half the records of the year before (a survey round still being filed),
/// then that year.
async fn years(state: &Shared) -> (Vec<(String, String)>, String) {
    let counts = state.store.year_counts().await.unwrap_or_default();
    let preselect = kechuang_app::views::last_full_year(&counts)
        .map(|y| y.to_string())
        .unwrap_or_default();
    let options = counts
        .iter()
        .rev()
        .map(|(y, n)| (y.to_string(), format!("{y} ({n})")))
        .collect();
    (options, preselect)
}

/// The parameter form: each parameter with its current value and the scenario's.
fn form(l: Lang, p: &Principal, base: &RuleSet, sent: &Sent, years: &[(String, String)]) -> Markup {
    let dropped = |k: &str| sent.dropped.iter().any(|d| d == k);
    html! {
        form method="post" action=(action("/whatif", p)) #whatif-form {
            input type="hidden" name="scheme" value=(base.spec.id);
            p.muted { (l.text(Text::ScenarioParamsHint)) }
            table #parameters {
                tr {
                    th { (l.text(Text::ParameterLabel)) } th.num { (l.text(Text::CurrentValue)) }
                    th { (l.text(Text::ScenarioValue)) }
                }
                @for par in base.parameters() {
                    @let id = format!("p-{}", par.key.replace('.', "-"));
                    @let shown = sent.params.get(&par.key).cloned().unwrap_or_else(|| fmt_value(par.value));
                    tr {
                        td { label for=(id) { (l.pick(&par.label, &par.label_en)) " " span.muted { (l.pick(&par.unit, kechuang_domain::unit_en(&par.unit))) } } }
                        td.num { (fmt_value(par.value)) }
                        td { input id=(id) name={ "p:" (par.key) } value=(shown) size="8" inputmode="decimal"; }
                    }
                }
            }
            h2 { (l.text(Text::ConditionsToDrop)) }
            ul #droppable {
                @for (key, zh, en) in base.droppable() {
                    @let id = format!("drop-{}", key.replace('.', "-"));
                    li {
                        input type="checkbox" id=(id) name={ "drop:" (key) } value="1" checked[dropped(&key)];
                        " " label style="display:inline" for=(id) { (l.pick(&zh, &en)) }
                    }
                }
            }
            div.filters {
                (text_input(l.text(Text::AmountPerFirm), "amount", Some(&sent.amount), Some(8)))
                (select("year", l.text(Text::Year), Some(&sent.year), years))
                (text_input(l.text(Text::ScenarioName), "name", Some(&sent.name), Some(30)))
            }
            details #advanced open[!sent.rules.trim().is_empty()] {
                summary { (l.text(Text::RuleFileAdvanced)) }
                label { (l.text(Text::ScenarioRules)) textarea name="rules" #rules rows="14" cols="100" { (sent.rules) } }
            }
            p {
                button #whatif-submit { (l.text(Text::EvaluateScenario)) } " "
                button #whatif-save name="save" value="1" { (l.text(Text::SaveScenario)) }
            }
        }
    }
}

/// A number as the rule files write it (no trailing `.0`).
fn fmt_value(v: f64) -> String {
    format!("{v}")
}

fn saved_link(l: Lang) -> Markup {
    html! { p { a #saved-link href="/whatif/scenarios" { (l.text(Text::SavedScenarios)) } } }
}

pub(super) async fn whatif_form(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Targets>,
    Query(q): Query<Vec<(String, String)>>,
) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let sent = Sent::read(q);
    let scheme = if sent.scheme.is_empty() {
        "tech_sme"
    } else {
        &sent.scheme
    };
    let base = rules_of(&state, scheme)
        .ok_or_else(|| PageError(ApiError::NotFound(format!("no scheme '{scheme}'")), l))?;
    let (years, year) = years(&state).await;
    let blank = Sent {
        scheme: scheme.to_string(),
        year,
        ..Sent::default()
    };
    let body = html! {
        (saved_link(l))
        (scheme_picker(l, &state, scheme))
        (form(l, p, base, &blank, &years))
    };
    Ok(page(&ctx, p, l.text(Text::PolicyWhatIf), body))
}

fn lines_table(
    l: Lang,
    id: &str,
    head: &str,
    lines: &BTreeMap<String, Line>,
    name: impl Fn(&str) -> String,
) -> Markup {
    // Most entrants first: what a reader looks for.
    let mut rows: Vec<(&String, &Line)> = lines.iter().collect();
    rows.sort_by(|a, b| {
        b.1.entering
            .cmp(&a.1.entering)
            .then(b.1.qualifying_after.cmp(&a.1.qualifying_after))
            .then(a.0.cmp(b.0))
    });
    html! {
        table id=(id) {
            tr {
                th { (head) } th.num { (l.text(Text::QualifyingNow)) } th.num { (l.text(Text::QualifyingAfter)) }
                th.num { (l.text(Text::Entering)) } th.num { (l.text(Text::Leaving)) }
                th.num { (l.text(Text::ScenarioNearMisses)) } th.num { (l.text(Text::Budget)) }
            }
            @for (k, line) in rows {
                tr {
                    td { @if k.is_empty() { (l.text(Text::NoneMark)) } @else { (name(k)) } }
                    td.num { (line.qualifying_before) } td.num { (line.qualifying_after) }
                    td.num { (line.entering) } td.num { (line.leaving) } td.num { (line.near_misses) }
                    td.num { (line.budget.map_or_else(String::new, |b| format!("{b:.1}"))) }
                }
            }
        }
    }
}

fn movers(l: Lang, id: &str, list: &[Mover]) -> Markup {
    html! {
        table id=(id) {
            tr {
                th { (l.text(Text::CreditCode)) } th { (l.text(Text::Enterprise)) }
                th { (l.text(Text::District)) } th { (l.text(Text::DecidingCriterion)) }
            }
            @for c in list.iter().take(SHOWN) {
                tr {
                    td { a href={ "/enterprises/" (percent_encode(&c.credit_code)) } { (c.credit_code) } }
                    td { (c.name) } td { (district_name(&c.region_code, l)) } td { (c.label) }
                }
            }
        }
        @if list.len() > SHOWN { p.muted { (l.text(Text::ShowingFirst)) } }
    }
}

fn changes(l: Lang, w: &WhatIfView) -> Markup {
    let show = |v: Option<f64>| v.map_or_else(|| l.text(Text::DroppedMark).to_string(), fmt_value);
    html! {
        h2 { (l.text(Text::ChangedParameters)) }
        @if w.changes.is_empty() {
            p #no-changes { (l.text(Text::SameAsCurrentRules)) }
        } @else {
            table #changes {
                tr { th { (l.text(Text::ParameterLabel)) } th.num { (l.text(Text::CurrentValue)) } th.num { (l.text(Text::ScenarioValue)) } }
                @for c in &w.changes {
                    tr { td { (l.pick(&c.label, &c.label_en)) } td.num { (show(c.from)) } td.num { (show(c.to)) } }
                }
            }
        }
    }
}

fn result(l: Lang, w: &WhatIfView) -> Markup {
    let same = |k: &str| k.to_string();
    html! {
        (changes(l, w))
        div.cards #whatif-summary {
            div.card { (l.text(Text::QualifyingNow)) b { (w.qualifying_before) } }
            div.card { (l.text(Text::QualifyingAfter)) b #qualifying-after { (w.qualifying_after) } }
            div.card { (l.text(Text::Entering)) b #entering-count { (w.entering.len()) } }
            div.card { (l.text(Text::Leaving)) b #leaving-count { (w.leaving.len()) } }
            div.card { (l.text(Text::ScenarioNearMisses)) b { (w.near_misses.len()) } }
            @if let (Some(b), Some(d)) = (w.budget, w.budget_change) {
                div.card { (l.text(Text::Budget)) b { (format!("{b:.1}")) } span.muted { (format!("{d:+.1}")) } }
            }
        }
        p.muted { (w.scheme) " " (w.current_version) " → " (w.scenario_version) " · " (l.text(Text::Year)) " " (w.year) }
        h2 { (l.text(Text::ByDistrict)) }
        (lines_table(l, "whatif-districts", l.text(Text::District), &w.by_district, |c| district_name(c, l)))
        @for (title, id, head, lines) in [
            (Text::ByPark, "by-park", Text::Park, &w.by_park),
            (Text::ByIndustry, "by-industry", Text::Industry, &w.by_industry),
            (Text::ByHighTechField, "by-field", Text::HighTechField, &w.by_field),
            (Text::ByStage, "by-stage", Text::Stage, &w.by_stage),
        ] {
            details {
                summary { (l.text(title)) }
                (lines_table(l, id, l.text(head), lines, same))
            }
        }
        h2 { (l.text(Text::Entering)) " (" (w.entering.len()) ")" }
        (movers(l, "entering", &w.entering))
        h2 { (l.text(Text::Leaving)) " (" (w.leaving.len()) ")" }
        (movers(l, "leaving", &w.leaving))
        h2 { (l.text(Text::ScenarioNearMisses)) " (" (w.near_misses.len()) ")" }
        table #near-misses {
            tr {
                th { (l.text(Text::CreditCode)) } th { (l.text(Text::Enterprise)) } th { (l.text(Text::District)) }
                th.num { (l.text(Text::Score)) } th { (l.text(Text::WhatItLacks)) }
            }
            @for n in w.near_misses.iter().take(SHOWN) {
                tr {
                    td { a href={ "/enterprises/" (percent_encode(&n.credit_code)) } { (n.credit_code) } }
                    td { (n.name) } td { (district_name(&n.region_code, l)) }
                    td.num { (n.score.map_or_else(String::new, |s| format!("{s:.1}"))) }
                    td { (n.gaps.join("; ")) }
                }
            }
        }
        @if w.near_misses.len() > SHOWN { p.muted { (l.text(Text::ShowingFirst)) } }
    }
}

pub(super) async fn whatif_result(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Targets>,
    Form(fields): Form<Vec<(String, String)>>,
) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let sent = Sent::read(fields);
    let scheme = if sent.scheme.is_empty() {
        "tech_sme".to_string()
    } else {
        sent.scheme.clone()
    };
    let current = rules_of(&state, &scheme)
        .ok_or_else(|| PageError(ApiError::NotFound(format!("no scheme '{scheme}'")), l))?;
    // The parameters are read against the rules the scenario starts from.
    let own = if sent.rules.trim().is_empty() {
        None
    } else {
        RuleSet::from_toml(&sent.rules).ok()
    };
    let base = own.as_ref().unwrap_or(current);
    let parsed = (|| {
        let changes = sent.overrides(base)?;
        let amount = number(&sent.amount, l.text(Text::AmountPerFirm))?;
        let year = match number(&sent.year, l.text(Text::Year))? {
            None => None,
            Some(y) if y.fract() == 0.0 && (1900.0..=2200.0).contains(&y) => Some(y as i32),
            Some(_) => return Err(format!("{}: '{}'", l.text(Text::Year), sent.year.trim())),
        };
        Ok::<_, String>((changes, amount, year))
    })();
    let caller = ctx.allowed().caller();
    let outcome = match parsed {
        Err(m) => Err(ApiError::BadRequest(m)),
        Ok((changes, amount, year)) => {
            let scenario = Scenario {
                scheme: &scheme,
                rules: (!sent.rules.trim().is_empty()).then_some(sent.rules.as_str()),
                changes,
                year,
                amount,
            };
            if sent.save {
                match saved::save(
                    &state.store,
                    &state.auditor,
                    &state.rules,
                    &caller,
                    &sent.name,
                    &scenario,
                )
                .await
                {
                    Ok(s) => {
                        return Ok(
                            Redirect::to(&format!("/whatif/scenarios/{}", s.id)).into_response()
                        );
                    }
                    Err(e) => Err(ApiError::from(e)),
                }
            } else {
                evaluate(
                    &state.store,
                    &state.auditor,
                    &state.rules,
                    &caller,
                    &scenario,
                )
                .await
                .map_err(ApiError::from)
            }
        }
    };
    let shown = match &outcome {
        Ok(w) => result(l, w),
        Err(ApiError::BadRequest(m)) | Err(ApiError::NotFound(m)) => {
            html! { p.error #whatif-error { (m) } }
        }
        Err(e) => return Err(PageError(ApiError::Internal(e.message()), l)),
    };
    let (years, _) = years(&state).await;
    // The result first: the form is long, and is there below to change and run again.
    let body = html! {
        (saved_link(l))
        (shown)
        h2 { (l.text(Text::NewScenario)) }
        (scheme_picker(l, &state, &scheme))
        (form(l, p, current, &Sent { scheme: scheme.clone(), ..sent }, &years))
    };
    Ok(page(&ctx, p, l.text(Text::PolicyWhatIf), body))
}

fn may_delete(p: &Principal, s: &SavedScenario) -> bool {
    s.created_by == p.name || p.role == Role::Admin
}

pub(super) async fn saved_list(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Targets>,
) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let list = saved::list(&state.store, &ctx.allowed().caller())
        .await
        .or_page(&ctx)?;
    let body = html! {
        p { a href="/whatif" { (l.text(Text::NewScenario)) } }
        @if list.is_empty() {
            p #no-scenarios { (l.text(Text::NoSavedScenarios)) }
        } @else {
            p.muted { (l.text(Text::CompareHint)) }
            form method="get" action="/whatif/compare" #compare-form {
                table #scenarios {
                    tr {
                        th {} th { (l.text(Text::ScenarioWord)) } th { (l.text(Text::Scheme)) }
                        th { (l.text(Text::BasedOnVersion)) } th { (l.text(Text::SavedBy)) } th { (l.text(Text::SavedAt)) }
                    }
                    @for s in &list {
                        tr {
                            td { input type="checkbox" name="ids" value=(s.id) aria-label=(s.name); }
                            td { a href={ "/whatif/scenarios/" (s.id) } { (s.name) } }
                            td { (s.scheme) } td { (s.base_version) } td { (s.created_by) } td { (local_time(&s.created_at)) }
                        }
                    }
                }
                p { button #compare-submit { (l.text(Text::CompareSelected)) } }
            }
        }
    };
    Ok(page(&ctx, p, l.text(Text::SavedScenarios), body))
}

pub(super) async fn saved_page(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Targets>,
    Path(id): Path<i64>,
) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let (s, w) = saved::evaluate(
        &state.store,
        &state.auditor,
        &state.rules,
        &ctx.allowed().caller(),
        id,
    )
    .await
    .or_page(&ctx)?;
    let body = html! {
        p { a href="/whatif/scenarios" { (l.text(Text::SavedScenarios)) } }
        table #scenario-meta {
            tr { th { (l.text(Text::Scheme)) } td { (s.scheme) } }
            tr { th { (l.text(Text::BasedOnVersion)) } td { (s.base_version) } }
            tr { th { (l.text(Text::SavedBy)) } td { (s.created_by) } }
            tr { th { (l.text(Text::SavedAt)) } td { (local_time(&s.created_at)) } }
            tr { th { (l.text(Text::AmountPerFirm)) } td { (s.amount.map_or_else(String::new, fmt_value)) } }
        }
        @if s.base_version != w.current_version { p.warning #older-rules { (l.text(Text::OlderRulesWarning)) } }
        p {
            a #export href={ "/api/v1/scenarios/" (s.id) "/export" } { (l.text(Text::ExportXlsx)) }
        }
        @if may_delete(p, &s) {
            form method="post" action=(action(&format!("/whatif/scenarios/{}/delete", s.id), p)) {
                button #delete-scenario { (l.text(Text::DeleteScenario)) }
            }
        }
        (result(l, &w))
    };
    Ok(page(&ctx, p, &s.name, body))
}

pub(super) async fn delete_saved(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Targets>,
    Path(id): Path<i64>,
) -> PageResult {
    saved::delete(&state.store, &state.auditor, &ctx.allowed().caller(), id)
        .await
        .or_page(&ctx)?;
    Ok(Redirect::to("/whatif/scenarios").into_response())
}

fn comparison(l: Lang, c: &Comparison) -> Markup {
    let budget = |v: Option<f64>| v.map_or_else(String::new, |b| format!("{b:.1}"));
    html! {
        p.muted { (l.text(Text::Year)) " " (c.year) }
        table #comparison {
            tr {
                th {}
                @for s in &c.scenarios { th { a href={ "/whatif/scenarios/" (s.scenario.id) } { (s.scenario.name) } } }
            }
            tr { th { (l.text(Text::Scheme)) } @for s in &c.scenarios { td { (s.result.scheme) " " (s.result.scenario_version) } } }
            tr { th { (l.text(Text::QualifyingNow)) } @for s in &c.scenarios { td.num { (s.result.qualifying_before) } } }
            tr { th { (l.text(Text::QualifyingAfter)) } @for s in &c.scenarios { td.num { (s.result.qualifying_after) } } }
            tr { th { (l.text(Text::Entering)) } @for s in &c.scenarios { td.num { (s.result.entering.len()) } } }
            tr { th { (l.text(Text::Leaving)) } @for s in &c.scenarios { td.num { (s.result.leaving.len()) } } }
            tr { th { (l.text(Text::UnchangedCount)) } @for s in &c.scenarios { td.num { (s.result.unchanged) } } }
            tr { th { (l.text(Text::ScenarioNearMisses)) } @for s in &c.scenarios { td.num { (s.result.near_misses.len()) } } }
            tr { th { (l.text(Text::Budget)) } @for s in &c.scenarios { td.num { (budget(s.result.budget)) } } }
            tr { th { (l.text(Text::BudgetChange)) } @for s in &c.scenarios { td.num { (s.result.budget_change.map_or_else(String::new, |d| format!("{d:+.1}"))) } } }
            tr {
                th { (l.text(Text::ChangedParameters)) }
                @for s in &c.scenarios {
                    td { @for ch in &s.result.changes {
                        (l.pick(&ch.label, &ch.label_en)) ": "
                        (ch.from.map_or_else(String::new, fmt_value)) " → "
                        (ch.to.map_or_else(|| l.text(Text::DroppedMark).to_string(), fmt_value)) br;
                    } }
                }
            }
        }
        h2 { (l.text(Text::ByDistrict)) }
        table #comparison-districts {
            tr {
                th { (l.text(Text::District)) }
                @for s in &c.scenarios { th.num { (s.scenario.name) " · " (l.text(Text::QualifyingAfter)) " (" (l.text(Text::Entering)) ")" } }
            }
            @for (d, lines) in &c.by_district {
                tr {
                    td { (district_name(d, l)) }
                    @for line in lines { td.num { (line.qualifying_after) " (+" (line.entering) ")" } }
                }
            }
        }
    }
}

pub(super) async fn compare_page(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Targets>,
    Query(q): Query<Vec<(String, String)>>,
) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let ids: Vec<String> = q
        .into_iter()
        .filter(|(k, _)| k == "ids")
        .map(|(_, v)| v)
        .collect();
    let ids = crate::resources::scenarios::api::parse_ids(&ids.join(",")).or_page(&ctx)?;
    let c = saved::compare(
        &state.store,
        &state.auditor,
        &state.rules,
        &ctx.allowed().caller(),
        &ids,
    )
    .await
    .or_page(&ctx)?;
    let body = html! {
        p { a href="/whatif/scenarios" { (l.text(Text::SavedScenarios)) } }
        (comparison(l, &c))
    };
    Ok(page(&ctx, p, l.text(Text::ScenarioComparison), body))
}
