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
    let p = ctx.principal();
    let l = ctx.lang;
    let kinds: Vec<(String, String)> = kechuang_matching::Kind::ALL
        .iter()
        .map(|k| (k.key().to_string(), kind_name(l, *k).to_string()))
        .collect();
    let regions = region_options();
    let fields = field_options();
    let hits = crate::matchmaking::run_search(&state, &ctx, &q)
        .await
        .or_page(&ctx)?;
    let body = html! {
        form.filters method="get" action="/match" #match-search {
            label { (l.pick("关键词", "Words")) input name="q" #q value=(q.q.as_deref().unwrap_or("")) size="30"; }
            (select("kind", l.pick("类型", "Kind"), q.kind.as_deref(), &kinds))
            (select("field", l.pick("技术领域", "Field"), q.field.as_deref(), &fields))
            (select("region", l.pick("地区", "Region"), q.region.as_deref(), &regions))
            (text_input(l.pick("最低成熟度", "TRL at least"), "trl_min", q.trl_min.map(|t| t.to_string()).as_deref(), Some(3)))
            label { span { input type="checkbox" name="available" value="true" checked[q.available]; " " (l.pick("仅可用", "available only")) } }
            button { (l.pick("搜索", "Search")) }
        }
        @if matches!(p.role, Role::Admin | Role::Analyst | Role::Enterprise) {
            p { a href="/match/new-demand" #new-demand { (l.pick("＋ 发布一条技术需求", "+ Publish a technology demand")) } }
            (catalogue_form(l, p))
        }
        p.muted #hits-count { (hits.len()) " " (l.pick("条结果", "hits")) }
        ol #hits {
            @for h in &hits {
                li {
                    a href={ "/match/" (h.kind.key()) "/" (percent_encode(&h.id)) } { (marked(&h.title_marked)) }
                    " " span.muted { (kind_name(l, h.kind)) " · " (h.id) " · " (h.region.abbr()) }
                    br; span.snippet { (marked(&h.snippet_marked)) }
                }
            }
        }
    };
    Ok(page(&ctx, p, l.pick("产学研对接", "Matchmaking"), body))
}

/// Text with the words that matched a search in bold.
fn marked(h: &kechuang_matching::Highlighted) -> Markup {
    html! {
        @for (piece, matched) in h.segments() {
            @if matched { b { (piece) } } @else { (piece) }
        }
    }
}

pub(super) fn catalogue_form(l: Lang, p: &Principal) -> Markup {
    let kinds: Vec<(String, String)> = kechuang_matching::Kind::ALL
        .iter()
        .filter(|k| p.role != Role::Enterprise || **k == kechuang_matching::Kind::Demand)
        .map(|k| (k.key().to_string(), kind_name(l, *k).to_string()))
        .collect();
    html! {
        details {
            summary { (l.pick("发布资源（CSV 或 XLSX）", "Publish entries (CSV or XLSX)")) }
            form.filters method="post" enctype="multipart/form-data" action=(action("/match/import", p)) #catalogue-import {
                (select("kind", l.pick("类型", "Kind"), Some("demand"), &kinds))
                label { (l.pick("文件", "File")) input type="file" name="file" accept=".csv,.xlsx" required; }
                button { (l.pick("上传", "Upload")) }
            }
            p.muted { (l.pick(
                "每一行都会校验；有任何问题时整个文件不导入。列名见 docs/matching.md。",
                "Every row is validated; a file with any problem is not imported at all. Columns: docs/matching.md."
            )) }
        }
    }
}

pub(super) fn demand_form_html(
    l: Lang,
    p: &Principal,
    values: &std::collections::HashMap<String, String>,
) -> Markup {
    let v = |k: &str| values.get(k).map_or("", String::as_str);
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
    html! {
        form method="post" action=(action("/match/new-demand", p)) #demand-form {
            @if p.role != Role::Enterprise {
                label { (l.pick("企业信用代码", "Enterprise credit code")) input name="enterprise" value=(v("enterprise")) required; }
            }
            label { (l.pick("需求名称", "Title")) input name="title" value=(v("title")) size="60" required; }
            label { (l.pick("需要解决的问题", "The problem")) textarea name="problem" rows="3" cols="60" required { (v("problem")) } }
            (text_input(l.pick("技术指标", "Technical indicators"), "indicators", Some(v("indicators")), Some(60)))
            (text_input(l.pick("现有基础", "Existing basis"), "basis", Some(v("basis")), Some(60)))
            div.filters {
                (select("field", l.pick("技术领域", "Field"), values.get("field").map(String::as_str), &fields))
                (select("region", l.pick("地区", "Region"), Some(values.get("region").map_or("津", String::as_str)), &regions))
                (select("cooperation", l.pick("合作方式", "Cooperation"), values.get("cooperation").map(String::as_str), &modes))
                (text_input(l.pick("预算（万元）", "Budget (¥10k)"), "budget", Some(v("budget")), Some(6)))
                (text_input(l.pick("最低成熟度 TRL", "Least TRL"), "min_trl", Some(v("min_trl")), Some(3)))
                label { (l.pick("截止日期", "Deadline")) input name="deadline" value=(v("deadline")) placeholder="2027-06-30" size="10"; }
            }
            p { button #demand-submit { (l.pick("发布需求", "Publish the demand")) } }
        }
    }
}

pub(super) async fn demand_form(ctx: PageAllowed<can::ListEnterprises>) -> PageResult {
    let p = ctx.principal();
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
        demand_form_html(l, p, &Default::default()),
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
            let body = html! {
                p.error #verdict { (l.pick("请更正以下问题：", "Please correct:")) }
                ul #report { @for i in &issues { li { (i.column) ": '" (i.value) "' " (i.message) } } }
                (demand_form_html(l, p, &values))
            };
            Ok(page(
                &ctx,
                p,
                l.pick("发布技术需求", "Publish a technology demand"),
                body,
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
    let outcome = crate::matchmaking::run_import(&state, &ctx, &kind, &name, &bytes)
        .await
        .or_page(&ctx)?;
    let body = html! {
        @match &outcome {
            Ok(n) => { p.ok #verdict { (l.pick("已导入：", "Imported:")) " " (n) } }
            Err(issues) => {
                p.error #verdict { (l.pick("文件有问题，未导入任何数据。", "The file has problems; nothing was imported.")) }
                table #report {
                    tr { th { (l.pick("行", "Row")) } th { (l.pick("列", "Column")) } th { (l.pick("值", "Value")) } th { (l.pick("说明", "Message")) } }
                    @for i in issues {
                        tr { td.num { (i.row) } td { (i.column) } td { (i.value) } td { (i.message) } }
                    }
                }
            }
        }
        (catalogue_form(l, p))
    };
    Ok(page(&ctx, p, l.pick("发布资源", "Publish entries"), body))
}

pub(super) async fn match_entry(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ListEnterprises>,
    Path((kind, id)): Path<(String, String)>,
) -> PageResult {
    let p = ctx.principal();
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
    let fields = doc
        .fields
        .iter()
        .filter_map(|f| TechField::parse(f).ok())
        .map(|f| f.zh())
        .collect::<Vec<_>>()
        .join("、");
    let body = html! {
        p.muted {
            (kind_name(l, doc.kind)) " · " (doc.id) " · " (doc.region.abbr()) " · " (fields)
            @if let Some(t) = doc.trl { " · TRL " (t) }
        }
        p { (doc.body) }
        h2 { (if is_demand {
            l.pick("可对接的成果、专家、专利、仪器与服务", "Supply that could meet it")
        } else {
            l.pick("可服务的技术需求", "Demands it could serve")
        }) }
        table #matches {
            tr {
                th { "#" } th { (l.pick("类型", "Kind")) } th { (l.pick("名称", "Title")) }
                th.num { (l.pick("匹配度", "Score")) } th { (l.pick("匹配理由", "Why")) } th {}
            }
            @for (i, m) in found.iter().enumerate() {
                tr {
                    td { (i + 1) }
                    td { (kind_name(l, m.kind)) }
                    td { a href={ "/match/" (m.kind.key()) "/" (percent_encode(&m.id)) } { (m.title) } }
                    td.num { (format!("{:.3}", m.score)) }
                    td { (m.explanation.summary_zh) }
                    td {
                        @if is_demand && follow.is_some() {
                            form method="post" action=(action("/match/deals", p)) {
                                input type="hidden" name="demand_id" value=(doc.id);
                                input type="hidden" name="supply_kind" value=(m.kind.key());
                                input type="hidden" name="supply_id" value=(m.id);
                                button.open-deal { (l.pick("发起对接", "Open a deal")) }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(deals) = &follow {
            h2 { (l.pick("对接跟踪", "Deals")) }
            table #deals {
                tr {
                    th { "#" } th { (l.pick("对象", "With")) } th { (l.pick("状态", "Status")) }
                    th { (l.pick("备注", "Note")) } th { (l.pick("更新", "Updated")) } th {}
                }
                @for d in deals {
                    @let next = crate::matchmaking::DEAL_STATUSES
                        .iter()
                        .position(|s| *s == d.status)
                        .and_then(|i| crate::matchmaking::DEAL_STATUSES.get(i + 1));
                    tr {
                        td { (d.id) }
                        td { a href={ "/match/" (d.supply_kind) "/" (percent_encode(&d.supply_id)) } { (d.supply_kind) " " (d.supply_id) } }
                        td.status { (deal_status(l, &d.status)) }
                        td { (d.note) }
                        td { (d.updated_at) " " (d.updated_by) }
                        td {
                            @for to in next.into_iter().chain((d.status != "closed" && next != Some(&"closed")).then_some(&"closed")) {
                                form method="post" action=(action(&format!("/match/deals/{}", d.id), p)) {
                                    input type="hidden" name="status" value=(to);
                                    input name="note" placeholder=(l.pick("备注", "note")) size="12";
                                    button.move-deal { "→ " (deal_status(l, to)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&ctx, p, &doc.title, body))
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
    let body = html! {
        @if messages.is_empty() {
            p { (l.pick("没有消息。", "No messages.")) }
        } @else {
            table #inbox {
                @for m in &messages {
                    tr.unread[m.read_at.is_none()] {
                        td { (m.at) }
                        td { a href=(m.link) { (m.message) } }
                    }
                }
            }
        }
    };
    Ok(page(&ctx, p, l.pick("消息", "Inbox"), body))
}

// --- talent pool ----------------------------------------------------------------------------------
