//! Matchmaking pages: search, demands, catalogue imports and entries, deals and the inbox.

use crate::pages::prelude::*;

pub(super) fn kind_name(l: Lang, k: kechuang_matching::Kind) -> &'static str {
    use kechuang_matching::Kind::*;
    match k {
        Demand => l.text(Text::Demand),
        Achievement => l.text(Text::Achievement),
        Patent => l.text(Text::Patent),
        Expert => l.text(Text::Expert),
        Equipment => l.text(Text::Equipment),
        Service => l.text(Text::Service),
    }
}

pub(super) async fn match_search(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ListEnterprises>,
    Query(q): Query<kechuang_app::catalogue::SearchParams>,
) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let kinds: Vec<(String, String)> = kechuang_matching::Kind::ALL
        .iter()
        .map(|k| (k.key().to_string(), kind_name(l, *k).to_string()))
        .collect();
    let regions = region_options();
    let fields = field_options(l);
    let found = state
        .matchmaking()
        .search(&ctx.allowed().caller(), &q)
        .await
        .or_page(&ctx)?;
    let hits = &found.hits;
    let body = html! {
        form.filters method="get" action="/match" #match-search {
            label { (l.text(Text::Words)) input name="q" #q value=(q.q.as_deref().unwrap_or("")) size="30"; }
            (select("kind", l.text(Text::Kind), q.kind.as_deref(), &kinds))
            (select("field", l.text(Text::TechField), q.field.as_deref(), &fields))
            (select("region", l.text(Text::Region), q.region.as_deref(), &regions))
            (text_input(l.text(Text::TRLAtLeast), "trl_min", q.trl_min.map(|t| t.to_string()).as_deref(), Some(3)))
            label { span { input type="checkbox" name="available" value="true" checked[q.available]; " " (l.text(Text::AvailableOnly)) } }
            button { (l.text(Text::Search)) }
        }
        @if matches!(p.role, Role::Admin | Role::Analyst | Role::Enterprise) {
            p { a href="/match/new-demand" #new-demand { (l.text(Text::PlusPublishATechnologyDemand)) } }
            (catalogue_form(l, p))
        }
        p.muted #hits-count {
            (found.total) " " (l.text(Text::Hits))
            @if found.total > hits.len() { " · " (l.text(Text::ShowingTheBest)) " " (hits.len()) }
        }
        ol #hits {
            @for h in hits {
                li {
                    a href={ "/match/" (h.kind.key()) "/" (percent_encode(&h.id)) } { (marked(&h.title_marked)) }
                    " " span.muted { (kind_name(l, h.kind)) " · " (h.id) " · " (h.region.abbr()) }
                    br; span.snippet { (marked(&h.snippet_marked)) }
                }
            }
        }
    };
    Ok(page(&ctx, p, l.text(Text::Matchmaking), body))
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
            summary { (l.text(Text::PublishEntriesCSVOrXLSX)) }
            form.filters method="post" enctype="multipart/form-data" action=(action("/match/import", p)) #catalogue-import {
                (select("kind", l.text(Text::Kind), Some("demand"), &kinds))
                label { (l.text(Text::File)) input type="file" name="file" accept=".csv,.xlsx" required; }
                button { (l.text(Text::Upload)) }
            }
            p.muted { (l.text(Text::EveryRowIsValidatedAFile)) }
        }
    }
}

pub(super) fn demand_form_html(
    l: Lang,
    p: &Principal,
    values: &std::collections::HashMap<String, String>,
) -> Markup {
    let v = |k: &str| values.get(k).map_or("", String::as_str);
    let fields = field_options(l);
    let regions = region_options();
    let modes: Vec<(String, String)> = [
        ("joint", Text::JointDevelopment),
        ("commissioned", Text::CommissionedDevelopment),
        ("transfer", Text::TechnologyTransfer),
        ("licence", Text::TechnologyLicence),
        ("consulting", Text::TechnicalConsulting),
    ]
    .iter()
    .map(|(k, t)| (k.to_string(), l.text(*t).to_string()))
    .collect();
    html! {
        form method="post" action=(action("/match/new-demand", p)) #demand-form {
            @if p.role != Role::Enterprise {
                label { (l.text(Text::EnterpriseCreditCode)) input name="enterprise" value=(v("enterprise")) required; }
            }
            label { (l.text(Text::DemandTitle)) input name="title" value=(v("title")) size="60" required; }
            label { (l.text(Text::TheProblem)) textarea name="problem" rows="3" cols="60" required { (v("problem")) } }
            (text_input(l.text(Text::TechnicalIndicators), "indicators", Some(v("indicators")), Some(60)))
            (text_input(l.text(Text::ExistingBasis), "basis", Some(v("basis")), Some(60)))
            div.filters {
                (select("field", l.text(Text::TechField), values.get("field").map(String::as_str), &fields))
                (select("region", l.text(Text::Region), Some(values.get("region").map_or("津", String::as_str)), &regions))
                (select("cooperation", l.text(Text::Cooperation), values.get("cooperation").map(String::as_str), &modes))
                (text_input(l.text(Text::Budget10kYuan), "budget", Some(v("budget")), Some(6)))
                (text_input(l.text(Text::LeastTRL), "min_trl", Some(v("min_trl")), Some(3)))
                label { (l.text(Text::Deadline)) input name="deadline" value=(v("deadline")) placeholder="2027-06-30" size="10"; }
            }
            p { button #demand-submit { (l.text(Text::PublishTheDemand)) } }
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
        l.text(Text::PublishATechnologyDemand),
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
    let caller = ctx.caller().or_page(&ctx)?;
    match state
        .matchmaking()
        .import_rows(&caller, kechuang_matching::Kind::Demand, &[header, row])
        .await
        .or_page(&ctx)?
    {
        Ok(_) => Ok(Redirect::to(&format!("/match/demand/{id}")).into_response()),
        Err(issues) => {
            let body = html! {
                p.error #verdict { (l.text(Text::PleaseCorrect)) }
                ul #report { @for i in &issues { li { (i.column) ": '" (i.value) "' " (i.message) } } }
                (demand_form_html(l, p, &values))
            };
            Ok(page(&ctx, p, l.text(Text::PublishATechnologyDemand), body))
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
    let outcome = api::run_import(&state, &ctx, &kind, &name, &bytes)
        .await
        .or_page(&ctx)?;
    let body = html! {
        @match &outcome {
            Ok(n) => { p.ok #verdict { (l.text(Text::Imported)) " " (n) } }
            Err(issues) => {
                p.error #verdict { (l.text(Text::TheFileHasProblemsNothing)) }
                table #report {
                    tr { th { (l.text(Text::Row)) } th { (l.text(Text::Column)) } th { (l.text(Text::Value)) } th { (l.text(Text::Message)) } }
                    @for i in issues {
                        tr { td.num { (i.row) } td { (i.column) } td { (i.value) } td { (i.message) } }
                    }
                }
            }
        }
        (catalogue_form(l, p))
    };
    Ok(page(&ctx, p, l.text(Text::PublishEntries), body))
}

pub(super) async fn match_entry(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ListEnterprises>,
    Path((kind, id)): Path<(String, String)>,
) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let (doc, found) = state
        .matchmaking()
        .matches(&ctx.allowed().caller(), &kind, &id, &Default::default())
        .await
        .or_page(&ctx)?;
    let is_demand = doc.kind == kechuang_matching::Kind::Demand;
    let follow = if is_demand {
        state
            .matchmaking()
            .visible_deals(&ctx.allowed().caller(), Some(&doc.id))
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
            l.text(Text::SupplyThatCouldMeetIt)
        } else {
            l.text(Text::DemandsItCouldServe)
        }) }
        table #matches {
            tr {
                th { "#" } th { (l.text(Text::Kind)) } th { (l.text(Text::Title)) }
                th.num { (l.text(Text::MatchScore)) } th { (l.text(Text::MatchWhy)) } th {}
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
                                button.open-deal { (l.text(Text::OpenADeal)) }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(deals) = &follow {
            h2 { (l.text(Text::Deals)) }
            table #deals {
                tr {
                    th { "#" } th { (l.text(Text::With)) } th { (l.text(Text::Status)) }
                    th { (l.text(Text::Note)) } th { (l.text(Text::Updated)) } th {}
                }
                @for d in deals {
                    @let next = kechuang_app::catalogue::DEAL_STATUSES
                        .iter()
                        .position(|s| *s == d.status)
                        .and_then(|i| kechuang_app::catalogue::DEAL_STATUSES.get(i + 1));
                    tr {
                        td { (d.id) }
                        td { a href={ "/match/" (d.supply_kind) "/" (percent_encode(&d.supply_id)) } { (d.supply_kind) " " (d.supply_id) } }
                        td.status { (deal_status(l, &d.status)) }
                        td { (d.note) }
                        td { (local_time(&d.updated_at)) " " (d.updated_by) }
                        td {
                            @for to in next.into_iter().chain((d.status != "closed" && next != Some(&"closed")).then_some(&"closed")) {
                                form method="post" action=(action(&format!("/match/deals/{}", d.id), p)) {
                                    input type="hidden" name="status" value=(to);
                                    input name="note" placeholder=(l.text(Text::NoteLower)) size="12";
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
        "open" => l.text(Text::Open),
        "matched" => l.text(Text::Matched),
        "in_contact" => l.text(Text::InContact),
        "contract" => l.text(Text::Contract),
        "closed" => l.text(Text::Closed),
        _ => "?",
    }
}

pub(super) async fn deal_open(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ListEnterprises>,
    Form(b): Form<kechuang_app::catalogue::DealBody>,
) -> PageResult {
    state
        .matchmaking()
        .start_deal(&ctx.allowed().caller(), &b)
        .await
        .or_page(&ctx)?;
    Ok(Redirect::to(&format!("/match/demand/{}", percent_encode(&b.demand_id))).into_response())
}

pub(super) async fn deal_move(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ListEnterprises>,
    Path(id): Path<i64>,
    Form(b): Form<kechuang_app::catalogue::MoveBody>,
) -> PageResult {
    let d = state
        .matchmaking()
        .step_deal(&ctx.allowed().caller(), id, &b)
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
            p { (l.text(Text::NoMessages)) }
        } @else {
            table #inbox {
                @for m in &messages {
                    tr.unread[m.read_at.is_none()] {
                        td { (local_time(&m.at)) }
                        td { a href=(m.link) { (m.message) } }
                    }
                }
            }
        }
    };
    Ok(page(&ctx, p, l.text(Text::Inbox), body))
}

// --- talent pool ----------------------------------------------------------------------------------
