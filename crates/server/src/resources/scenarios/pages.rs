//! The what-if page for analysts and district officers: a scheme's rule file to edit (the shipped
//! one to start from), an amount per qualifying enterprise, and the result — counts and budget by
//! district, and who enters and leaves with the criterion that decided it.

use kechuang_app::whatif::{Scenario, WhatIfView, evaluate};

use crate::pages::prelude::*;

/// The form.
#[derive(Debug, Deserialize, Default)]
pub(super) struct WhatIfForm {
    scheme: Option<String>,
    rules: Option<String>,
    #[serde(default)]
    amount: String,
}

fn form(l: Lang, p: &Principal, scheme: &str, rules: &str, amount: &str, state: &Shared) -> Markup {
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
        form method="post" action=(action("/whatif", p)) #whatif-form {
            div.filters {
                (select("scheme", l.text(Text::Scheme), Some(scheme), &schemes))
                (text_input(l.text(Text::AmountPerFirm), "amount", Some(amount), Some(8)))
            }
            label { (l.text(Text::ScenarioRules)) textarea name="rules" #rules rows="18" cols="100" { (rules) } }
            p { button #whatif-submit { (l.text(Text::EvaluateScenario)) } }
        }
    }
}

fn shipped_text(scheme: &str) -> &'static str {
    kechuang_policy::SHIPPED
        .iter()
        .find(|(id, _)| *id == scheme)
        .map_or("", |(_, text)| text)
}

pub(super) async fn whatif_form(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Targets>,
    Query(q): Query<WhatIfForm>,
) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let scheme = q.scheme.unwrap_or_else(|| "tech_sme".into());
    let body = form(l, p, &scheme, shipped_text(&scheme), "", &state);
    Ok(page(&ctx, p, l.text(Text::PolicyWhatIf), body))
}

fn result(l: Lang, w: &WhatIfView) -> Markup {
    html! {
        p #whatif-summary {
            (w.scheme) " " (w.current_version) " → " (w.scenario_version) " · " (l.text(Text::Year)) " " (w.year) " · "
            (w.qualifying_before) " → " b { (w.qualifying_after) }
            " (" (l.text(Text::Entering)) " " (w.entering.len()) ", " (l.text(Text::Leaving)) " " (w.leaving.len()) ")"
            @if let (Some(b), Some(d)) = (w.budget, w.budget_change) {
                " · " (l.text(Text::Budget)) " " (format!("{b:.1}")) " (" (format!("{d:+.1}")) ")"
            }
        }
        table #whatif-districts {
            tr {
                th { (l.text(Text::District)) } th.num { (l.text(Text::Entering)) } th.num { (l.text(Text::Leaving)) }
                th.num { (l.text(Text::QualifyingAfter)) } th.num { (l.text(Text::Budget)) }
            }
            @for (code, line) in &w.by_district {
                tr {
                    td { (district_name(code)) }
                    td.num { (line.entering) } td.num { (line.leaving) } td.num { (line.qualifying_after) }
                    td.num { (line.budget.map_or_else(String::new, |b| format!("{b:.1}"))) }
                }
            }
        }
        @for (title, list, id) in [(Text::Entering, &w.entering, "entering"), (Text::Leaving, &w.leaving, "leaving")] {
            h2 { (l.text(title)) " (" (list.len()) ")" }
            table id=(id) {
                @for c in list.iter().take(500) {
                    tr {
                        td { a href={ "/enterprises/" (percent_encode(&c.credit_code)) } { (c.credit_code) } }
                        td { (c.label) }
                    }
                }
            }
        }
    }
}

pub(super) async fn whatif_result(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Targets>,
    Form(f): Form<WhatIfForm>,
) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let scheme = f.scheme.clone().unwrap_or_else(|| "tech_sme".into());
    let rules = f.rules.clone().unwrap_or_default();
    let amount = f.amount.trim();
    let parsed = if amount.is_empty() {
        Ok(None)
    } else {
        amount.parse::<f64>().map(Some).map_err(|_| {
            ApiError::BadRequest(format!("amount '{amount}': give a number (10k yuan)"))
        })
    };
    let outcome = match parsed {
        Ok(amount) => evaluate(
            &state.store,
            &state.auditor,
            &state.rules,
            &ctx.allowed().caller(),
            &Scenario {
                scheme: &scheme,
                rules: &rules,
                year: None,
                amount,
            },
        )
        .await
        .map_err(ApiError::from),
        Err(e) => Err(e),
    };
    let shown = match &outcome {
        Ok(w) => result(l, w),
        Err(ApiError::BadRequest(m)) | Err(ApiError::NotFound(m)) => {
            html! { p.error #whatif-error { (m) } }
        }
        Err(e) => return Err(PageError(ApiError::Internal(e.message()), l)),
    };
    let body = html! {
        (form(l, p, &scheme, &rules, amount, &state))
        (shown)
    };
    Ok(page(&ctx, p, l.text(Text::PolicyWhatIf), body))
}
