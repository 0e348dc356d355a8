//! The finance page (科技金融), by role: an enterprise applies to a bank and follows its
//! applications and loans; a bank answers its queue, sees its loans and records more from a file;
//! the bureau and district officers see the totals; everyone the published totals.

use std::collections::BTreeMap;

use kechuang_app::finance::{self, Answer, Application, FinanceLine, PublishedTotals};
use kechuang_store::{Loan, LoanApplication};

use crate::pages::prelude::*;

fn money(v: f64) -> String {
    format!("{v:.1}")
}

fn share(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |x| format!("{:.1}%", x * 100.0))
}

fn status(l: Lang, s: &str) -> String {
    match s {
        "pending" => l.text(Text::Pending).to_string(),
        "granted" => l.text(Text::LoanGranted).to_string(),
        "declined" => l.text(Text::Declined).to_string(),
        other => other.to_string(),
    }
}

fn applications_table(l: Lang, list: &[LoanApplication]) -> Markup {
    html! {
        @if list.is_empty() {
            p.muted { (l.text(Text::NoApplications)) }
        } @else {
            table #applications {
                tr {
                    th { "#" } th { (l.text(Text::CreditCode)) } th { (l.text(Text::Bank)) }
                    th.num { (l.text(Text::AmountAsked)) } th { (l.text(Text::Purpose)) }
                    th { (l.text(Text::ApplicationStatus)) } th.num { (l.text(Text::GrantedAmount)) }
                    th { (l.text(Text::DeclineReason)) } th { (l.text(Text::AppliedAt)) }
                }
                @for a in list {
                    tr {
                        td { (a.id) } td { (a.credit_code) } td { (a.bank) }
                        td.num { (money(a.amount)) } td { (a.purpose) } td { (status(l, &a.status)) }
                        td.num { (a.granted.map_or_else(String::new, money)) } td { (a.reason) }
                        td { (local_time(&a.applied_at)) }
                    }
                }
            }
        }
    }
}

fn loans_table(l: Lang, list: &[Loan]) -> Markup {
    html! {
        @if list.is_empty() {
            p.muted { (l.text(Text::NoLoans)) }
        } @else {
            table #loans {
                tr {
                    th { (l.text(Text::Bank)) } th { (l.text(Text::LoanReference)) } th { (l.text(Text::CreditCode)) }
                    th { (l.text(Text::GrantedOn)) } th.num { (l.text(Text::GrantedAmount)) }
                    th.num { (l.text(Text::Disbursed)) } th.num { (l.text(Text::Repaid)) } th.num { (l.text(Text::Overdue)) }
                }
                @for x in list {
                    tr {
                        td { (x.bank) } td { (x.reference) } td { (x.credit_code) } td { (x.granted_on) }
                        td.num { (money(x.granted)) } td.num { (money(x.disbursed)) }
                        td.num { (money(x.repaid)) } td.num { (money(x.overdue)) }
                    }
                }
            }
        }
    }
}

fn lines_table(
    l: Lang,
    id: &str,
    head: &str,
    lines: &BTreeMap<String, FinanceLine>,
    name: impl Fn(&str) -> String,
) -> Markup {
    html! {
        table id=(id) {
            tr {
                th { (head) } th.num { (l.text(Text::FirmsWithLoans)) } th.num { (l.text(Text::LoanCount)) }
                th.num { (l.text(Text::GrantedAmount)) } th.num { (l.text(Text::Disbursed)) }
                th.num { (l.text(Text::Overdue)) } th.num { (l.text(Text::OverdueRate)) }
            }
            @for (k, x) in lines {
                tr {
                    td { (name(k)) } td.num { (x.firms) } td.num { (x.loans) } td.num { (money(x.granted)) }
                    td.num { (money(x.disbursed)) } td.num { (money(x.overdue)) } td.num { (share(x.overdue_rate)) }
                }
            }
        }
    }
}

fn published_table(l: Lang, t: &PublishedTotals) -> Markup {
    let row = |name: String, x: &finance::PublishedLine| {
        html! {
            tr {
                td { (name) }
                @if x.suppressed.is_some() {
                    td.num.muted colspan="3" { (l.text(Text::SuppressedMark)) }
                } @else {
                    td.num { (x.firms.unwrap_or(0)) }
                    td.num { (x.granted.map_or_else(String::new, money)) }
                    td.num { (x.disbursed.map_or_else(String::new, money)) }
                }
            }
        }
    };
    html! {
        h2 { (l.text(Text::PublishedFinance)) }
        table #published-finance {
            tr {
                th { (l.text(Text::District)) } th.num { (l.text(Text::FirmsWithLoans)) }
                th.num { (l.text(Text::GrantedAmount)) } th.num { (l.text(Text::Disbursed)) }
            }
            @for (code, x) in &t.by_district { (row(district_name(code, l), x)) }
            (row(l.text(Text::FinanceTotals).to_string(), &t.total))
        }
    }
}

pub(super) async fn finance_page(State(state): State<Shared>, ctx: PageSignedIn) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let caller = ctx.caller().or_page(&ctx)?;
    let published = finance::published_held(&state, &caller)
        .await
        .or_page(&ctx)?;
    let own = match p.role {
        Role::Enterprise => {
            let banks: Vec<(String, String)> = finance::banks(&state.store)
                .await
                .or_page(&ctx)?
                .into_iter()
                .map(|b| (b.clone(), b))
                .collect();
            let apps = finance::applications(&state.store, &caller)
                .await
                .or_page(&ctx)?;
            let loans = finance::loans(&state.store, &caller).await.or_page(&ctx)?;
            html! {
                h2 { (l.text(Text::ApplyForLoan)) }
                p.muted { (l.text(Text::ApplyHint)) }
                form.filters method="post" action=(action("/finance/applications", p)) #apply-form {
                    (select("bank", l.text(Text::Bank), None, &banks))
                    (text_input(l.text(Text::AmountAsked), "amount", None, Some(8)))
                    (text_input(l.text(Text::Purpose), "purpose", None, Some(30)))
                    button #apply-submit { (l.text(Text::SubmitApplication)) }
                }
                h2 { (l.text(Text::LoanApplications)) }
                (applications_table(l, &apps))
                h2 { (l.text(Text::Loans)) }
                (loans_table(l, &loans))
            }
        }
        Role::Bank => {
            let apps = finance::applications(&state.store, &caller)
                .await
                .or_page(&ctx)?;
            let loans = finance::loans(&state.store, &caller).await.or_page(&ctx)?;
            let pending: Vec<&LoanApplication> =
                apps.iter().filter(|a| a.status == "pending").collect();
            html! {
                h2 { (l.text(Text::LoanApplications)) " · " (l.text(Text::Pending)) " (" (pending.len()) ")" }
                table #queue {
                    tr {
                        th { "#" } th { (l.text(Text::CreditCode)) } th.num { (l.text(Text::AmountAsked)) }
                        th { (l.text(Text::Purpose)) } th { (l.text(Text::AppliedAt)) } th {}
                    }
                    @for a in &pending {
                        tr {
                            td { (a.id) }
                            td { a href={ "/enterprises/" (percent_encode(&a.credit_code)) } { (a.credit_code) } }
                            td.num { (money(a.amount)) } td { (a.purpose) } td { (local_time(&a.applied_at)) }
                            td {
                                form.filters method="post" action=(action(&format!("/finance/applications/{}/answer", a.id), p)) {
                                    (text_input(l.text(Text::GrantedAmount), "granted", Some(&money(a.amount)), Some(8)))
                                    (text_input(l.text(Text::DeclineReason), "reason", None, Some(16)))
                                    button name="decision" value="grant" { (l.text(Text::GrantIt)) }
                                    button name="decision" value="decline" { (l.text(Text::DeclineIt)) }
                                }
                            }
                        }
                    }
                }
                h2 { (l.text(Text::LoanApplications)) }
                (applications_table(l, &apps))
                h2 { (l.text(Text::Loans)) }
                (loans_table(l, &loans))
                h2 { (l.text(Text::UploadLoans)) }
                p.muted { (l.text(Text::LoanFileColumns)) ": " (finance::loan_file_header().join(", ")) }
                form method="post" enctype="multipart/form-data" action=(action("/finance/loans/import", p)) #loan-upload {
                    label { (l.text(Text::UploadLoans)) input type="file" name="file" #loan-file; }
                    button #loan-upload-submit { (l.text(Text::RecordLoans)) }
                }
            }
        }
        Role::Admin | Role::Analyst | Role::DistrictOfficer => {
            let t = finance::totals_held(&state, &caller, None)
                .await
                .or_page(&ctx)?;
            let same = |k: &str| k.to_string();
            html! {
                h2 { (l.text(Text::FinanceTotals)) }
                div.cards #finance-cards {
                    div.card { (l.text(Text::FirmsWithLoans)) b { (t.total.firms) } }
                    div.card { (l.text(Text::GrantedAmount)) b { (money(t.total.granted)) } }
                    div.card { (l.text(Text::Disbursed)) b { (money(t.total.disbursed)) } }
                    div.card { (l.text(Text::OverdueRate)) b { (share(t.total.overdue_rate)) } }
                    div.card { (l.text(Text::TopFifthShare)) b { (share(t.top_fifth_share)) } }
                    div.card { (l.text(Text::RdCreditShare)) b { (share(t.rd_credit_share)) } }
                    div.card { (l.text(Text::ApprovalRate)) b { (share(t.approval_rate)) } }
                    div.card { (l.text(Text::MedianDaysToAnswer)) b { (t.median_days_to_answer.map_or_else(|| "—".into(), |d| format!("{d:.1}"))) } }
                }
                h2 { (l.text(Text::ByBank)) }
                (lines_table(l, "finance-banks", l.text(Text::Bank), &t.by_bank, same))
                h2 { (l.text(Text::ByDistrict)) }
                (lines_table(l, "finance-districts", l.text(Text::District), &t.by_district, |c| district_name(c, l)))
                h2 { (l.text(Text::ByScoreBand)) }
                (lines_table(l, "finance-bands", l.text(Text::IndexMeasure), &t.by_score_band, same))
                h2 { (l.text(Text::ByCertification)) }
                (lines_table(l, "finance-schemes", l.text(Text::Scheme), &t.by_scheme, same))
            }
        }
        Role::Public => html! {},
    };
    let body = html! {
        (own)
        (published_table(l, &published))
    };
    Ok(page(&ctx, p, l.text(Text::Finance), body))
}

/// The application form's fields.
#[derive(Debug, Deserialize)]
pub(super) struct ApplyForm {
    bank: String,
    amount: String,
    #[serde(default)]
    purpose: String,
}

pub(super) async fn apply(
    State(state): State<Shared>,
    ctx: PageSignedIn,
    Form(f): Form<ApplyForm>,
) -> PageResult {
    let amount = f
        .amount
        .trim()
        .parse::<f64>()
        .map_err(|_| {
            ApiError::BadRequest(format!(
                "{}: '{}'",
                ctx.lang.text(Text::AmountAsked),
                f.amount.trim()
            ))
        })
        .or_page(&ctx)?;
    let caller = ctx.caller().or_page(&ctx)?;
    finance::apply(
        &state.store,
        &state.auditor,
        &caller,
        &Application {
            bank: f.bank,
            amount,
            purpose: f.purpose,
        },
    )
    .await
    .or_page(&ctx)?;
    Ok(Redirect::to("/finance").into_response())
}

/// A bank's answer on the page.
#[derive(Debug, Deserialize)]
pub(super) struct AnswerForm {
    decision: String,
    #[serde(default)]
    granted: String,
    #[serde(default)]
    reason: String,
}

pub(super) async fn answer(
    State(state): State<Shared>,
    ctx: PageSignedIn,
    Path(id): Path<i64>,
    Form(f): Form<AnswerForm>,
) -> PageResult {
    let granted = if f.decision == "grant" {
        Some(
            f.granted
                .trim()
                .parse::<f64>()
                .map_err(|_| {
                    ApiError::BadRequest(format!(
                        "{}: '{}'",
                        ctx.lang.text(Text::GrantedAmount),
                        f.granted.trim()
                    ))
                })
                .or_page(&ctx)?,
        )
    } else {
        None
    };
    let caller = ctx.caller().or_page(&ctx)?;
    finance::answer(
        &state.store,
        &state.auditor,
        &caller,
        id,
        &Answer {
            granted,
            reason: f.reason,
        },
        chrono::Local::now().date_naive(),
    )
    .await
    .or_page(&ctx)?;
    Ok(Redirect::to("/finance").into_response())
}

pub(super) async fn import(
    State(state): State<Shared>,
    ctx: PageSignedIn,
    mut form: Multipart,
) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let (_, file) = read_form(&mut form).await.or_page(&ctx)?;
    let (name, bytes) = file
        .ok_or_else(|| ApiError::BadRequest(l.text(Text::UploadLoans).to_string()))
        .or_page(&ctx)?;
    let caller = ctx.caller().or_page(&ctx)?;
    let outcome = finance::import_loans(&state.store, &state.auditor, &caller, &name, bytes).await;
    let shown = match outcome {
        Ok(n) => html! { p.ok #loan-import-result { (l.text(Text::LoansRecorded)) ": " (n) } },
        Err(kechuang_app::Error::Invalid(m)) => html! { p.error #loan-import-result { (m) } },
        Err(e) => return Err(PageError(e.into(), l)),
    };
    let body = html! {
        (shown)
        p { a href="/finance" { (l.text(Text::Finance)) } }
    };
    Ok(page(&ctx, p, l.text(Text::Finance), body))
}
