//! The consents page: a bank's consents to read an enterprise, granted and revoked.

use crate::pages::prelude::*;

#[derive(Debug, Deserialize)]
pub(super) struct ConsentForm {
    bank: String,
    credit_code: Option<String>,
    revoke: Option<String>,
}

pub(super) async fn consents(State(state): State<Shared>, ctx: PageSignedIn) -> PageResult {
    let p = ctx.user().or_page(&ctx)?;
    let l = ctx.lang;
    let caller = ctx.caller().or_page(&ctx)?;
    let list = kechuang_app::consents::visible_consents(&state.store, &caller)
        .await
        .or_page(&ctx)?;
    let manages = p.may(Capability::ManageConsents);
    let banks: Vec<(String, String)> = kechuang_app::finance::banks(&state.store)
        .await
        .or_page(&ctx)?
        .into_iter()
        .map(|b| (b.clone(), b))
        .collect();
    let body = html! {
        @if manages {
            form.filters method="post" action=(action("/consents", p)) #grant {
                @if p.role != Role::Enterprise {
                    label { (l.text(Text::CreditCode)) input name="credit_code" required; }
                }
                (select("bank", l.text(Text::Bank), None, &banks))
                button { (l.text(Text::Grant)) }
            }
        }
        table #consents {
            tr {
                th { (l.text(Text::Enterprise)) } th { (l.text(Text::Bank)) }
                th { (l.text(Text::Granted)) } th { (l.text(Text::Revoked)) } th {}
            }
            @for c in &list {
                tr {
                    td { (c.credit_code) }
                    td { (c.bank) }
                    td { (local_time(&c.granted_at)) " " (c.granted_by) }
                    td { (c.revoked_at.as_deref().map(local_time).unwrap_or_default()) " " (c.revoked_by.as_deref().unwrap_or("")) }
                    td {
                        @if c.revoked_at.is_none() && manages {
                            form method="post" action=(action("/consents", p)) {
                                input type="hidden" name="bank" value=(c.bank);
                                input type="hidden" name="credit_code" value=(c.credit_code);
                                input type="hidden" name="revoke" value="1";
                                button { (l.text(Text::Revoke)) }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&ctx, p, l.text(Text::Consents), body))
}

pub(super) async fn consent_change(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ManageConsents>,
    Form(f): Form<ConsentForm>,
) -> PageResult {
    let body = kechuang_app::consents::ConsentBody {
        credit_code: f.credit_code.filter(|c| !c.trim().is_empty()),
        bank: f.bank,
    };
    match kechuang_app::consents::change_consent(
        &state.store,
        &state.auditor,
        &ctx.allowed().caller(),
        &body,
        f.revoke.is_none(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to("/consents").into_response()),
        Err(e) => Err(PageError(e.into(), ctx.lang)),
    }
}
