//! Consents, and the administration page: accounts, tokens, the audit log.

use super::*;

#[derive(Debug, Deserialize)]
pub(super) struct ConsentForm {
    bank: String,
    credit_code: Option<String>,
    revoke: Option<String>,
}

pub(super) async fn consents(State(state): State<Shared>, ctx: PageSignedIn) -> PageResult {
    let p = ctx.user().or_page(&ctx)?;
    let l = ctx.lang;
    let list = api::visible_consents(&state, &ctx).await.or_page(&ctx)?;
    let mut body = String::new();
    if p.may(Capability::ManageConsents) {
        let code_field = if p.role == Role::Enterprise {
            String::new()
        } else {
            format!(
                "<label>{}<input name=\"credit_code\" required></label>",
                l.pick("信用代码", "Credit code")
            )
        };
        let _ = write!(
            body,
            "<form class=\"filters\" method=\"post\" action=\"{}\" id=\"grant\">{code_field}<label>{}<input name=\"bank\" id=\"bank\" required></label><button>{}</button></form>",
            action("/consents", p),
            l.pick("银行", "Bank"),
            l.pick("授权", "Grant")
        );
    }
    let _ = write!(
        body,
        "<table id=\"consents\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr>",
        l.pick("企业", "Enterprise"),
        l.pick("银行", "Bank"),
        l.pick("授权", "Granted"),
        l.pick("撤销", "Revoked"),
    );
    for c in &list {
        let revoke = if c.revoked_at.is_none() && p.may(Capability::ManageConsents) {
            format!(
                "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"bank\" value=\"{}\"><input type=\"hidden\" name=\"credit_code\" value=\"{}\"><input type=\"hidden\" name=\"revoke\" value=\"1\"><button>{}</button></form>",
                action("/consents", p),
                esc(&c.bank),
                esc(&c.credit_code),
                l.pick("撤销", "Revoke")
            )
        } else {
            String::new()
        };
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{} {}</td><td>{} {}</td><td>{revoke}</td></tr>",
            esc(&c.credit_code),
            esc(&c.bank),
            esc(&c.granted_at),
            esc(&c.granted_by),
            esc(c.revoked_at.as_deref().unwrap_or("")),
            esc(c.revoked_by.as_deref().unwrap_or(""))
        );
    }
    body.push_str("</table>");
    Ok(page(&ctx, p, l.pick("征信授权", "Consents"), &body))
}

pub(super) async fn consent_change(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ManageConsents>,
    Form(f): Form<ConsentForm>,
) -> PageResult {
    let body = api::ConsentBody {
        credit_code: f.credit_code.filter(|c| !c.trim().is_empty()),
        bank: f.bank,
    };
    match api::change_consent(&state, &ctx, &body, f.revoke.is_none()).await {
        Ok(_) => Ok(Redirect::to("/consents").into_response()),
        Err(e) => Err(PageError(e, ctx.lang)),
    }
}

// --- administration -------------------------------------------------------------------------------

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
    let p = ctx.require(Capability::Administer).or_page(&ctx)?;
    admin_page(&state, &ctx, p, &q, None).await
}

pub(super) async fn admin_page(
    state: &Shared,
    ctx: &Ctx,
    p: &Principal,
    q: &AdminQuery,
    notice: Option<String>,
) -> PageResult {
    let l = ctx.lang;
    let users = state
        .store
        .users()
        .await
        .map_err(ApiError::from)
        .or_page(ctx)?;
    let mut body = notice.map_or_else(String::new, |n| {
        format!("<p class=\"ok\" id=\"notice\">{n}</p>")
    });
    let roles: Vec<(String, String)> = Role::ALL
        .iter()
        .map(|r| {
            (
                r.as_str().to_string(),
                l.pick(r.zh(), r.as_str()).to_string(),
            )
        })
        .collect();
    let _ = write!(
        body,
        "<h2>{}</h2><form class=\"filters\" method=\"post\" action=\"{}\" id=\"add-user\"><label>{}<input name=\"name\" required></label><label>{}<input name=\"display_name\"></label>\
         <label>{}<input name=\"password\" type=\"password\" minlength=\"10\" required></label>{}<label>{}<input name=\"scope\" placeholder=\"120116, 天津滨海高新技术产业开发区 / 9112…/ 银行\"></label><button>{}</button></form>\
         <table id=\"users\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr>",
        l.pick("用户", "Users"),
        action("/admin", p),
        l.pick("用户名", "Name"),
        l.pick("显示名", "Shown as"),
        l.pick("密码", "Password"),
        select("role", l.pick("角色", "Role"), None, &roles),
        l.pick("范围", "Scope"),
        l.pick("新增用户", "Add user"),
        l.pick("用户名", "Name"),
        l.pick("显示名", "Shown as"),
        l.pick("角色", "Role"),
        l.pick("范围", "Scope"),
        l.pick("状态", "Status"),
    );
    for u in &users {
        let role = Role::parse(&u.role).map_or(u.role.as_str(), |r| l.pick(r.zh(), r.as_str()));
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&u.name),
            esc(&u.display_name),
            esc(role),
            esc(&u.scope),
            if u.disabled {
                l.pick("已停用", "disabled")
            } else {
                l.pick("正常", "active")
            }
        );
    }
    body.push_str("</table>");
    let _ = write!(
        body,
        "<h2>{}</h2><form class=\"filters\" method=\"post\" action=\"{}\" id=\"add-token\"><label>{}<input name=\"label\" required></label><label>{}<input name=\"scopes\" value=\"read\"></label><button>{}</button></form>",
        l.pick("API 令牌", "API tokens"),
        action("/tokens", p),
        l.pick("用途", "Label"),
        l.pick("权限 (read,write,admin)", "Scopes (read,write,admin)"),
        l.pick("创建令牌", "Create token")
    );
    let audit = api::audit_page(
        state,
        ctx,
        &api::AuditParams {
            user: q.user.clone(),
            page: q.page,
            per_page: Some(100),
        },
    )
    .await
    .or_page(ctx)?;
    let _ = write!(
        body,
        "<h2>{}</h2><p class=\"muted\">{} {}</p><table id=\"audit\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        l.pick("审计日志", "Audit log"),
        l.pick("共", "entries:"),
        audit["total"],
        l.pick("时间", "When"),
        l.pick("用户", "Who"),
        l.pick("操作", "Action"),
        l.pick("对象", "Target"),
        l.pick("来源", "From"),
        l.pick("结果", "Outcome"),
    );
    for e in audit["items"].as_array().into_iter().flatten() {
        let s = |k: &str| esc(e[k].as_str().unwrap_or(""));
        let _ = write!(
            body,
            "<tr><td>{}</td><td><a href=\"/admin?user={}\">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            s("at"),
            percent_encode(e["user"].as_str().unwrap_or("")),
            s("user"),
            s("action"),
            s("target"),
            s("remote"),
            s("outcome")
        );
    }
    body.push_str("</table>");
    let page_no = audit["page"].as_i64().unwrap_or(1);
    let total = audit["total"].as_i64().unwrap_or(0);
    let user_q = q
        .user
        .as_deref()
        .map_or_else(String::new, |u| format!("&user={}", percent_encode(u)));
    body.push_str("<p class=\"pager\">");
    if page_no > 1 {
        let _ = write!(
            body,
            "<a href=\"/admin?page={}{user_q}\">‹</a>",
            page_no - 1
        );
    }
    if page_no * 100 < total {
        let _ = write!(
            body,
            "<a href=\"/admin?page={}{user_q}\">›</a>",
            page_no + 1
        );
    }
    body.push_str("</p>");
    Ok(page(ctx, p, l.pick("系统管理", "Administration"), &body))
}

pub(super) async fn admin_add_user(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Administer>,
    Form(u): Form<api::UserBody>,
) -> PageResult {
    let p = ctx.require(Capability::Administer).or_page(&ctx)?;
    let u = api::UserBody {
        display_name: u.display_name.filter(|d| !d.trim().is_empty()),
        ..u
    };
    api::add_user(&state.store, &u).await.or_page(&ctx)?;
    state
        .auditor
        .record(
            &p.name,
            kechuang_store::AuditAction::UserCreate,
            &format!("{} ({})", u.name, u.role),
            &ctx.remote,
            "ok",
        )
        .await;
    Ok(Redirect::to("/admin").into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct ToggleForm {
    disabled: bool,
}

pub(super) async fn admin_toggle_user(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Administer>,
    Path(name): Path<String>,
    Form(f): Form<ToggleForm>,
) -> PageResult {
    let p = ctx.require(Capability::Administer).or_page(&ctx)?;
    if name == p.name {
        return Err(PageError(
            ApiError::BadRequest("you cannot disable your own account".into()),
            ctx.lang,
        ));
    }
    if !state
        .store
        .set_disabled(&name, f.disabled)
        .await
        .map_err(ApiError::from)
        .or_page(&ctx)?
    {
        return Err(PageError(
            ApiError::NotFound(format!("no user '{name}'")),
            ctx.lang,
        ));
    }
    state
        .auditor
        .record(
            &p.name,
            if f.disabled {
                kechuang_store::AuditAction::UserDisable
            } else {
                kechuang_store::AuditAction::UserEnable
            },
            &name,
            &ctx.remote,
            "ok",
        )
        .await;
    Ok(Redirect::to("/admin").into_response())
}

pub(super) async fn token_create(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Administer>,
    Form(f): Form<TokenForm>,
) -> PageResult {
    let p = ctx.require(Capability::Administer).or_page(&ctx)?;
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
    let notice = format!(
        "{} #{id}: <code id=\"new-token\">{}</code> — {}",
        ctx.lang.pick("新令牌", "New token"),
        esc(&secret),
        ctx.lang.pick(
            "只显示这一次，请妥善保存。",
            "shown this once only; keep it safe."
        )
    );
    admin_page(
        &state,
        &ctx,
        p,
        &AdminQuery {
            user: None,
            page: None,
        },
        Some(notice),
    )
    .await
}

// --- matchmaking ----------------------------------------------------------------------------------
