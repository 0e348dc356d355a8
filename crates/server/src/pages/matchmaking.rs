//! Matchmaking pages: search, demands, catalogue imports and entries, deals and the inbox.

use super::*;

pub(super) fn kind_name(l: Lang, k: kechuang_matching::Kind) -> &'static str {
    use kechuang_matching::Kind::*;
    match k {
        Demand => l.pick("技术需求", "Demand"),
        Achievement => l.pick("科技成果", "Achievement"),
        Patent => l.pick("专利", "Patent"),
        Expert => l.pick("专家", "Expert"),
        Equipment => l.pick("共享仪器", "Equipment"),
        Service => l.pick("服务机构", "Service"),
    }
}

pub(super) async fn match_search(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ListEnterprises>,
    Query(q): Query<crate::matchmaking::SearchParams>,
) -> PageResult {
    let p = ctx.require(Capability::ListEnterprises).or_page(&ctx)?;
    let l = ctx.lang;
    let kinds: Vec<(String, String)> = kechuang_matching::Kind::ALL
        .iter()
        .map(|k| (k.key().to_string(), kind_name(l, *k).to_string()))
        .collect();
    let regions = region_options();
    let fields = field_options();
    let mut body = format!(
        "<form class=\"filters\" method=\"get\" action=\"/match\" id=\"match-search\"><label>{}<input name=\"q\" id=\"q\" value=\"{}\" size=\"30\"></label>{}{}{}\
         <label>{}<input name=\"trl_min\" value=\"{}\" size=\"3\"></label><label><span><input type=\"checkbox\" name=\"available\" value=\"true\"{}> {}</span></label><button>{}</button></form>",
        l.pick("关键词", "Words"),
        esc(q.q.as_deref().unwrap_or("")),
        select("kind", l.pick("类型", "Kind"), q.kind.as_deref(), &kinds),
        select(
            "field",
            l.pick("技术领域", "Field"),
            q.field.as_deref(),
            &fields
        ),
        select(
            "region",
            l.pick("地区", "Region"),
            q.region.as_deref(),
            &regions
        ),
        l.pick("最低成熟度", "TRL at least"),
        q.trl_min.map(|t| t.to_string()).unwrap_or_default(),
        if q.available { " checked" } else { "" },
        l.pick("仅可用", "available only"),
        l.pick("搜索", "Search"),
    );
    if matches!(p.role, Role::Admin | Role::Analyst | Role::Enterprise) {
        let _ = write!(
            body,
            "<p><a href=\"/match/new-demand\" id=\"new-demand\">{}</a></p>",
            l.pick("＋ 发布一条技术需求", "+ Publish a technology demand")
        );
        body += &catalogue_form(l, p);
    }
    let hits = crate::matchmaking::run_search(&state, &ctx, &q)
        .await
        .or_page(&ctx)?;
    let _ = write!(
        body,
        "<p class=\"muted\" id=\"hits-count\">{} {}</p><ol id=\"hits\">",
        hits.len(),
        l.pick("条结果", "hits")
    );
    for h in &hits {
        let _ = write!(
            body,
            "<li><a href=\"/match/{}/{}\">{}</a> <span class=\"muted\">{} · {} · {}</span><br><span class=\"snippet\">{}</span></li>",
            h.kind.key(),
            percent_encode(&h.id),
            h.title_html,
            kind_name(l, h.kind),
            esc(&h.id),
            h.region.abbr(),
            h.snippet_html
        );
    }
    body.push_str("</ol>");
    Ok(page(&ctx, p, l.pick("产学研对接", "Matchmaking"), &body))
}

pub(super) fn catalogue_form(l: Lang, p: &Principal) -> String {
    let kinds: Vec<(String, String)> = kechuang_matching::Kind::ALL
        .iter()
        .filter(|k| p.role != Role::Enterprise || **k == kechuang_matching::Kind::Demand)
        .map(|k| (k.key().to_string(), kind_name(l, *k).to_string()))
        .collect();
    format!(
        "<details><summary>{}</summary><form class=\"filters\" method=\"post\" enctype=\"multipart/form-data\" action=\"{}\" id=\"catalogue-import\">{}\
         <label>{}<input type=\"file\" name=\"file\" accept=\".csv,.xlsx\" required></label><button>{}</button></form>\
         <p class=\"muted\">{}</p></details>",
        l.pick("发布资源（CSV 或 XLSX）", "Publish entries (CSV or XLSX)"),
        action("/match/import", p),
        select("kind", l.pick("类型", "Kind"), Some("demand"), &kinds),
        l.pick("文件", "File"),
        l.pick("上传", "Upload"),
        l.pick(
            "每一行都会校验；有任何问题时整个文件不导入。列名见 docs/matching.md。",
            "Every row is validated; a file with any problem is not imported at all. Columns: docs/matching.md."
        )
    )
}

pub(super) fn demand_form_html(
    l: Lang,
    p: &Principal,
    values: &std::collections::HashMap<String, String>,
) -> String {
    let v = |k: &str| esc(values.get(k).map_or("", String::as_str));
    let fields = field_options();
    let regions = region_options();
    let modes: Vec<(String, String)> = [
        ("joint", "合作开发"),
        ("commissioned", "委托开发"),
        ("transfer", "技术转让"),
        ("licence", "技术许可"),
        ("consulting", "技术咨询"),
    ]
    .iter()
    .map(|(k, z)| (k.to_string(), l.pick(z, k).to_string()))
    .collect();
    let enterprise = if p.role == Role::Enterprise {
        String::new()
    } else {
        format!(
            "<label>{}<input name=\"enterprise\" value=\"{}\" required></label>",
            l.pick("企业信用代码", "Enterprise credit code"),
            v("enterprise")
        )
    };
    format!(
        "<form method=\"post\" action=\"{}\" id=\"demand-form\">{enterprise}\
         <label>{}<input name=\"title\" value=\"{}\" size=\"60\" required></label>\
         <label>{}<textarea name=\"problem\" rows=\"3\" cols=\"60\" required>{}</textarea></label>\
         <label>{}<input name=\"indicators\" value=\"{}\" size=\"60\"></label>\
         <label>{}<input name=\"basis\" value=\"{}\" size=\"60\"></label>\
         <div class=\"filters\">{}{}{}<label>{}<input name=\"budget\" value=\"{}\" size=\"6\"></label>\
         <label>{}<input name=\"min_trl\" value=\"{}\" size=\"3\"></label><label>{}<input name=\"deadline\" value=\"{}\" placeholder=\"2027-06-30\" size=\"10\"></label></div>\
         <p><button id=\"demand-submit\">{}</button></p></form>",
        action("/match/new-demand", p),
        l.pick("需求名称", "Title"),
        v("title"),
        l.pick("需要解决的问题", "The problem"),
        v("problem"),
        l.pick("技术指标", "Technical indicators"),
        v("indicators"),
        l.pick("现有基础", "Existing basis"),
        v("basis"),
        select(
            "field",
            l.pick("技术领域", "Field"),
            values.get("field").map(String::as_str),
            &fields
        ),
        select(
            "region",
            l.pick("地区", "Region"),
            Some(values.get("region").map_or("津", String::as_str)),
            &regions
        ),
        select(
            "cooperation",
            l.pick("合作方式", "Cooperation"),
            values.get("cooperation").map(String::as_str),
            &modes
        ),
        l.pick("预算（万元）", "Budget (¥10k)"),
        v("budget"),
        l.pick("最低成熟度 TRL", "Least TRL"),
        v("min_trl"),
        l.pick("截止日期", "Deadline"),
        v("deadline"),
        l.pick("发布需求", "Publish the demand"),
    )
}

pub(super) async fn demand_form(ctx: PageAllowed<can::ListEnterprises>) -> PageResult {
    let p = ctx.require(Capability::ListEnterprises).or_page(&ctx)?;
    if !matches!(p.role, Role::Admin | Role::Analyst | Role::Enterprise) {
        return Err(PageError(
            ApiError::Forbidden("this role does not publish demands".into()),
            ctx.lang,
        ));
    }
    let l = ctx.lang;
    Ok(page(
        &ctx,
        p,
        l.pick("发布技术需求", "Publish a technology demand"),
        &demand_form_html(l, p, &Default::default()),
    ))
}

pub(super) async fn demand_submit(
    State(state): State<Shared>,
    ctx: PageSignedIn,
    Form(values): Form<std::collections::HashMap<String, String>>,
) -> PageResult {
    let p = ctx.user().or_page(&ctx)?;
    if !matches!(p.role, Role::Admin | Role::Analyst | Role::Enterprise) {
        return Err(PageError(
            ApiError::Forbidden("this role does not publish demands".into()),
            ctx.lang,
        ));
    }
    let l = ctx.lang;
    let mut values = values;
    if p.role == Role::Enterprise {
        values.insert(
            "enterprise".into(),
            p.scope.first().cloned().unwrap_or_default(),
        );
    }
    // One row of a demand file, through the same validation as an imported file.
    let id = format!("W{}", chrono::Utc::now().format("%Y%m%d%H%M%S%3f"));
    let mut header = vec!["id".to_string()];
    let mut row = vec![id.clone()];
    for k in kechuang_matching::import::columns(kechuang_matching::Kind::Demand) {
        if k != "id" {
            header.push(k.to_string());
            row.push(values.get(k).cloned().unwrap_or_default());
        }
    }
    match crate::matchmaking::import_rows(
        &state,
        &ctx,
        kechuang_matching::Kind::Demand,
        &[header, row],
    )
    .await
    .or_page(&ctx)?
    {
        Ok(_) => Ok(Redirect::to(&format!("/match/demand/{id}")).into_response()),
        Err(issues) => {
            let mut body = format!(
                "<p class=\"error\" id=\"verdict\">{}</p><ul id=\"report\">",
                l.pick("请更正以下问题：", "Please correct:")
            );
            for i in &issues {
                let _ = write!(
                    body,
                    "<li>{}: '{}' {}</li>",
                    esc(&i.column),
                    esc(&i.value),
                    esc(&i.message)
                );
            }
            body.push_str("</ul>");
            body += &demand_form_html(l, p, &values);
            Ok(page(
                &ctx,
                p,
                l.pick("发布技术需求", "Publish a technology demand"),
                &body,
            ))
        }
    }
}

pub(super) async fn match_import(
    State(state): State<Shared>,
    ctx: PageSignedIn,
    mut form: Multipart,
) -> PageResult {
    let p = ctx.user().or_page(&ctx)?;
    let l = ctx.lang;
    let (fields, file) = read_form(&mut form).await.or_page(&ctx)?;
    let kind = fields
        .into_iter()
        .find(|(k, _)| k == "kind")
        .map(|(_, v)| v)
        .unwrap_or_default();
    let (name, bytes) = file
        .ok_or_else(|| ApiError::BadRequest("choose a file".into()))
        .or_page(&ctx)?;
    let mut body = String::new();
    match crate::matchmaking::run_import(&state, &ctx, &kind, &name, &bytes)
        .await
        .or_page(&ctx)?
    {
        Ok(n) => {
            let _ = write!(
                body,
                "<p class=\"ok\" id=\"verdict\">{} {n}</p>",
                l.pick("已导入：", "Imported:")
            );
        }
        Err(issues) => {
            let _ = write!(
                body,
                "<p class=\"error\" id=\"verdict\">{}</p><table id=\"report\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
                l.pick(
                    "文件有问题，未导入任何数据。",
                    "The file has problems; nothing was imported."
                ),
                l.pick("行", "Row"),
                l.pick("列", "Column"),
                l.pick("值", "Value"),
                l.pick("说明", "Message"),
            );
            for i in &issues {
                let _ = write!(
                    body,
                    "<tr><td class=\"num\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    i.row,
                    esc(&i.column),
                    esc(&i.value),
                    esc(&i.message)
                );
            }
            body.push_str("</table>");
        }
    }
    body += &catalogue_form(l, p);
    Ok(page(&ctx, p, l.pick("发布资源", "Publish entries"), &body))
}

pub(super) async fn match_entry(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ListEnterprises>,
    Path((kind, id)): Path<(String, String)>,
) -> PageResult {
    let p = ctx.require(Capability::ListEnterprises).or_page(&ctx)?;
    let l = ctx.lang;
    let (doc, found) =
        crate::matchmaking::run_matches(&state, &ctx, &kind, &id, &Default::default())
            .await
            .or_page(&ctx)?;
    let is_demand = doc.kind == kechuang_matching::Kind::Demand;
    let follow = if is_demand {
        crate::matchmaking::visible_deals(&state, &ctx, Some(&doc.id))
            .await
            .ok()
    } else {
        None
    };
    let mut body = format!(
        "<p class=\"muted\">{} · {} · {} · {}{}</p><p>{}</p><h2>{}</h2><table id=\"matches\"><tr><th>#</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th>{}</th><th></th></tr>",
        kind_name(l, doc.kind),
        esc(&doc.id),
        doc.region.abbr(),
        esc(&doc
            .fields
            .iter()
            .filter_map(|f| TechField::parse(f).ok())
            .map(|f| f.zh())
            .collect::<Vec<_>>()
            .join("、")),
        doc.trl.map(|t| format!(" · TRL {t}")).unwrap_or_default(),
        esc(&doc.body),
        if is_demand {
            l.pick(
                "可对接的成果、专家、专利、仪器与服务",
                "Supply that could meet it",
            )
        } else {
            l.pick("可服务的技术需求", "Demands it could serve")
        },
        l.pick("类型", "Kind"),
        l.pick("名称", "Title"),
        l.pick("匹配度", "Score"),
        l.pick("匹配理由", "Why"),
    );
    for (i, m) in found.iter().enumerate() {
        let button = if is_demand && follow.is_some() {
            format!(
                "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"demand_id\" value=\"{}\"><input type=\"hidden\" name=\"supply_kind\" value=\"{}\"><input type=\"hidden\" name=\"supply_id\" value=\"{}\"><button class=\"open-deal\">{}</button></form>",
                action("/match/deals", p),
                esc(&doc.id),
                m.kind.key(),
                esc(&m.id),
                l.pick("发起对接", "Open a deal")
            )
        } else {
            String::new()
        };
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td><a href=\"/match/{}/{}\">{}</a></td><td class=\"num\">{:.3}</td><td>{}</td><td>{button}</td></tr>",
            i + 1,
            kind_name(l, m.kind),
            m.kind.key(),
            percent_encode(&m.id),
            esc(&m.title),
            m.score,
            esc(&m.explanation.summary_zh)
        );
    }
    body.push_str("</table>");
    if let Some(deals) = follow {
        let _ = write!(
            body,
            "<h2>{}</h2><table id=\"deals\"><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr>",
            l.pick("对接跟踪", "Deals"),
            l.pick("对象", "With"),
            l.pick("状态", "Status"),
            l.pick("备注", "Note"),
            l.pick("更新", "Updated"),
        );
        for d in &deals {
            let next = crate::matchmaking::DEAL_STATUSES
                .iter()
                .position(|s| *s == d.status)
                .and_then(|i| crate::matchmaking::DEAL_STATUSES.get(i + 1));
            let mut buttons = String::new();
            for to in next
                .into_iter()
                .chain((d.status != "closed" && next != Some(&"closed")).then_some(&"closed"))
            {
                let _ = write!(
                    buttons,
                    "<form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"status\" value=\"{to}\"><input name=\"note\" placeholder=\"{}\" size=\"12\"><button class=\"move-deal\">→ {}</button></form>",
                    action(&format!("/match/deals/{}", d.id), p),
                    l.pick("备注", "note"),
                    deal_status(l, to)
                );
            }
            let _ = write!(
                body,
                "<tr><td>{}</td><td><a href=\"/match/{}/{}\">{} {}</a></td><td class=\"status\">{}</td><td>{}</td><td>{} {}</td><td>{buttons}</td></tr>",
                d.id,
                esc(&d.supply_kind),
                percent_encode(&d.supply_id),
                esc(&d.supply_kind),
                esc(&d.supply_id),
                deal_status(l, &d.status),
                esc(&d.note),
                esc(&d.updated_at),
                esc(&d.updated_by)
            );
        }
        body.push_str("</table>");
    }
    Ok(page(&ctx, p, &doc.title, &body))
}

pub(super) fn deal_status(l: Lang, s: &str) -> &'static str {
    match s {
        "open" => l.pick("待对接", "open"),
        "matched" => l.pick("已匹配", "matched"),
        "in_contact" => l.pick("洽谈中", "in contact"),
        "contract" => l.pick("已签约", "contract"),
        "closed" => l.pick("已结束", "closed"),
        _ => "?",
    }
}

pub(super) async fn deal_open(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ListEnterprises>,
    Form(b): Form<crate::matchmaking::DealBody>,
) -> PageResult {
    crate::matchmaking::start_deal(&state, &ctx, &b)
        .await
        .or_page(&ctx)?;
    Ok(Redirect::to(&format!("/match/demand/{}", percent_encode(&b.demand_id))).into_response())
}

pub(super) async fn deal_move(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ListEnterprises>,
    Path(id): Path<i64>,
    Form(b): Form<crate::matchmaking::MoveBody>,
) -> PageResult {
    let d = crate::matchmaking::step_deal(&state, &ctx, id, &b)
        .await
        .or_page(&ctx)?;
    Ok(Redirect::to(&format!("/match/demand/{}", percent_encode(&d.demand_id))).into_response())
}

pub(super) async fn inbox_page(State(state): State<Shared>, ctx: PageSignedIn) -> PageResult {
    let p = ctx.user().or_page(&ctx)?;
    let l = ctx.lang;
    let messages = state
        .store
        .inbox(&p.name)
        .await
        .map_err(ApiError::from)
        .or_page(&ctx)?;
    let mut body = String::from("<table id=\"inbox\">");
    for m in &messages {
        let _ = write!(
            body,
            "<tr{}><td>{}</td><td><a href=\"{}\">{}</a></td></tr>",
            if m.read_at.is_none() {
                " class=\"unread\" style=\"font-weight:bold\""
            } else {
                ""
            },
            esc(&m.at),
            esc(&m.link),
            esc(&m.message)
        );
    }
    body.push_str("</table>");
    if messages.is_empty() {
        body = format!("<p>{}</p>", l.pick("没有消息。", "No messages."));
    }
    Ok(page(&ctx, p, l.pick("消息", "Inbox"), &body))
}

// --- talent pool ----------------------------------------------------------------------------------
