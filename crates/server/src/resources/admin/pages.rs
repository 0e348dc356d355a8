//! The administration page: accounts, tokens, the audit log.

use crate::i18n::action_names;
use crate::pages::prelude::*;

#[derive(Debug, Deserialize)]
pub(super) struct AdminQuery {
    user: Option<String>,
    page: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub(super) struct TokenForm {
    label: String,
    scopes: String,
}

pub(super) async fn admin(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Administer>,
    Query(q): Query<AdminQuery>,
) -> PageResult {
    admin_page(&state, &ctx, &q, None).await
}

/// A notice above the administration page: a newly created token, shown this once.
pub(super) struct NewToken {
    id: i64,
    secret: String,
}

pub(super) async fn admin_page(
    state: &Shared,
    ctx: &PageAllowed<can::Administer>,
    q: &AdminQuery,
    notice: Option<NewToken>,
) -> PageResult {
    let (l, p) = (ctx.lang, ctx.principal());
    let users = state
        .store
        .users()
        .await
        .map_err(ApiError::from)
        .or_page(ctx)?;
    let roles: Vec<(String, String)> = Role::ALL
        .iter()
        .map(|r| (r.as_str().to_string(), l.pick(r.zh(), r.en()).to_string()))
        .collect();
    // Every account's tokens, newest first, with their owners' names.
    let tokens = state
        .store
        .tokens(None)
        .await
        .map_err(ApiError::from)
        .or_page(ctx)?;
    let owner = |id: i64| {
        users
            .iter()
            .find(|u| u.id == id)
            .map_or_else(|| id.to_string(), |u| u.name.clone())
    };
    let audit = api::read_log(
        &state.store,
        &state.auditor,
        &ctx.allowed().caller(),
        &api::AuditParams {
            user: q.user.clone(),
            page: q.page,
            per_page: Some(100),
        },
    )
    .await
    .or_page(ctx)?;
    let user_q = q
        .user
        .as_deref()
        .map_or_else(String::new, |u| format!("&user={}", percent_encode(u)));
    let body = html! {
        @if let Some(t) = &notice {
            p.ok #notice {
                (l.text(Text::NewToken)) " #" (t.id) ": " code #new-token { (t.secret) } " — "
                (l.text(Text::ShownThisOnceOnlyKeep))
            }
        }
        h2 { (l.text(Text::Users)) }
        form.filters method="post" action=(action("/admin", p)) #add-user {
            label { (l.text(Text::UserName)) input name="name" required; }
            label { (l.text(Text::ShownAs)) input name="display_name"; }
            label { (l.text(Text::Password)) input name="password" type="password" minlength="10" required; }
            (select("role", l.text(Text::Role), None, &roles))
            label { (l.text(Text::Scope)) input name="scope" placeholder="120116, 天津滨海高新技术产业开发区 / 9112…/ 银行"; }
            button { (l.text(Text::AddUser)) }
        }
        table #users {
            tr {
                th { (l.text(Text::UserName)) } th { (l.text(Text::ShownAs)) } th { (l.text(Text::Role)) }
                th { (l.text(Text::Scope)) } th { (l.text(Text::Status)) } th { (l.text(Text::ActionsColumn)) }
            }
            @for u in &users {
                @let to = action(&format!("/admin/users/{}", percent_encode(&u.name)), p);
                tr {
                    td { (u.name) }
                    td { (u.display_name) }
                    td { (Role::parse(&u.role).map_or(u.role.as_str(), |r| l.pick(r.zh(), r.en()))) }
                    td { (u.scope) }
                    td { (if u.disabled { l.text(Text::Disabled) } else { l.text(Text::Active) }) }
                    td {
                        // Nobody disables their own account from here (it would end this session).
                        @if u.name != p.name {
                            form.inline method="post" action=(to) {
                                input type="hidden" name="disabled" value=(if u.disabled { "false" } else { "true" });
                                button.toggle-user {
                                    (if u.disabled { l.text(Text::EnableAccount) } else { l.text(Text::DisableAccount) })
                                }
                            }
                        }
                        form.inline method="post" action=(to) {
                            label {
                                (l.text(Text::NewPassword))
                                input name="password" type="password" minlength="10" autocomplete="new-password" required;
                            }
                            button.set-password { (l.text(Text::SetPassword)) }
                        }
                    }
                }
            }
        }
        h2 { (l.text(Text::APITokens)) }
        form.filters method="post" action=(action("/tokens", p)) #add-token {
            label { (l.text(Text::Label)) input name="label" required; }
            label { (l.text(Text::ScopesReadWriteAdmin)) input name="scopes" value="read"; }
            button { (l.text(Text::CreateToken)) }
        }
        @if tokens.is_empty() {
            p.muted { (l.text(Text::NoTokens)) }
        } @else {
            table #tokens {
                tr {
                    th { (l.text(Text::Id)) } th { (l.text(Text::TokenOwner)) } th { (l.text(Text::Label)) }
                    th { (l.text(Text::TokenScopes)) } th { (l.text(Text::CreatedAt)) } th { (l.text(Text::Status)) } th {}
                }
                @for t in &tokens {
                    tr {
                        td { (t.id) } td { (owner(t.user_id)) } td { (t.label) } td { (t.scopes) }
                        td { (local_time(&t.created_at)) }
                        td {
                            @match &t.revoked_at {
                                Some(at) => { (l.text(Text::Revoked)) " " (local_time(at)) }
                                None => { (l.text(Text::Active)) }
                            }
                        }
                        td {
                            @if t.revoked_at.is_none() {
                                form.inline method="post" action=(action(&format!("/tokens/{}/revoke", t.id), p)) {
                                    button.revoke-token { (l.text(Text::Revoke)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        h2 { (l.text(Text::AuditLog)) }
        p.muted { (l.text(Text::Entries)) " " (audit.total) }
        table #audit {
            tr {
                th { (l.text(Text::When)) } th { (l.text(Text::Who)) } th { (l.text(Text::Action)) }
                th { (l.text(Text::Target)) } th { (l.text(Text::From)) } th { (l.text(Text::AuditOutcome)) }
            }
            @for e in &audit.items {
                tr {
                    td { (local_time(&e.at)) }
                    td { a href={ "/admin?user=" (percent_encode(&e.user)) } { (e.user) } }
                    td title=(e.action) {
                        (e.action.parse::<kechuang_store::AuditAction>().map_or(e.action.as_str(), |a| {
                            let (zh, en) = action_names(a);
                            l.pick(zh, en)
                        }))
                    }
                    td { (e.target) } td { (e.remote) } td { (e.outcome) }
                }
            }
        }
        p.pager {
            @if audit.page > 1 { a href={ "/admin?page=" (audit.page - 1) (user_q) } { "‹" } }
            @if audit.page * audit.per_page < audit.total { a href={ "/admin?page=" (audit.page + 1) (user_q) } { "›" } }
        }
    };
    Ok(page(ctx, p, l.text(Text::Administration), body))
}

pub(super) async fn admin_add_user(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Administer>,
    Form(u): Form<api::UserBody>,
) -> PageResult {
    let u = api::UserBody {
        display_name: u.display_name.filter(|d| !d.trim().is_empty()),
        ..u
    };
    kechuang_app::accounts::create(&state.store, &state.auditor, &ctx.allowed().caller(), &u)
        .await
        .or_page(&ctx)?;
    Ok(Redirect::to("/admin").into_response())
}

/// A change to an account from the administration page: enable or disable it, or set its
/// password (either; one form each).
#[derive(Debug, Deserialize)]
pub(super) struct ToggleForm {
    disabled: Option<bool>,
    password: Option<String>,
}

pub(super) async fn admin_toggle_user(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Administer>,
    Path(name): Path<String>,
    Form(f): Form<ToggleForm>,
) -> PageResult {
    let change = kechuang_app::accounts::AccountChange {
        disabled: f.disabled,
        password: f.password.filter(|p| !p.is_empty()),
        role: None,
        scope: None,
    };
    kechuang_app::accounts::change(
        &state.store,
        &state.auditor,
        &ctx.allowed().caller(),
        &name,
        &change,
    )
    .await
    .or_page(&ctx)?;
    Ok(Redirect::to("/admin").into_response())
}

pub(super) async fn token_create(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Administer>,
    Form(f): Form<TokenForm>,
) -> PageResult {
    let (id, secret) = api::new_token(
        &state,
        &ctx,
        &api::TokenBody {
            label: f.label,
            scopes: f.scopes,
        },
    )
    .await
    .or_page(&ctx)?;
    let notice = NewToken { id, secret };
    admin_page(
        &state,
        &ctx,
        &AdminQuery {
            user: None,
            page: None,
        },
        Some(notice),
    )
    .await
}

/// Revokes a token from the administration page (the API's `DELETE /api/v1/tokens/{id}`).
pub(super) async fn token_revoke(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Administer>,
    Path(id): Path<i64>,
) -> PageResult {
    super::tokens::revoke(&state, &ctx, id)
        .await
        .or_page(&ctx)?;
    Ok(Redirect::to("/admin").into_response())
}
