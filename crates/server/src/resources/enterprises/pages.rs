//! The enterprise pages: the ranking with its filters, an enterprise's portrait, and a scheme's target list.

use crate::pages::prelude::*;

pub(super) fn query_string(
    params: &ListParams,
    page: Option<i64>,
    sort: Option<(&str, &str)>,
) -> String {
    let mut parts = Vec::new();
    let mut add = |k: &str, v: &Option<String>| {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            parts.push(format!("{k}={}", percent_encode(v)));
        }
    };
    add("district", &params.district);
    add("industry", &params.industry);
    add("field", &params.field);
    add("stage", &params.stage);
    add("q", &params.q);
    match sort {
        Some((s, o)) => parts.push(format!("sort={s}&order={o}")),
        None => {
            add("sort", &params.sort);
            add("order", &params.order);
        }
    }
    if let Some(y) = params.year {
        parts.push(format!("year={y}"));
    }
    if let Some(p) = page {
        parts.push(format!("page={p}"));
    }
    parts.join("&")
}

pub(super) async fn ranking(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ListEnterprises>,
    Query(params): Query<ListParams>,
) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let list = match api::ranking(&state, &ctx, &params).await {
        Ok(list) => list,
        Err(ApiError::NotFound(m)) => {
            return Ok(page(&ctx, p, l.text(Text::Ranking), html! { p { (m) } }));
        }
        Err(e) => return Err(PageError(e, l)),
    };
    let fields = field_options(l);
    let stages: Vec<(String, String)> = [
        ("makerspace", Text::Makerspace),
        ("incubator", Text::Incubator),
        ("accelerator", Text::Accelerator),
        ("industrial_park", Text::IndustrialPark),
    ]
    .iter()
    .map(|(k, t)| (k.to_string(), l.text(*t).to_string()))
    .collect();
    let order_for = |col: &str| {
        if params.sort.as_deref().unwrap_or("rank") == col
            && params.order.as_deref() != Some("desc")
        {
            "desc"
        } else {
            "asc"
        }
    };
    let sorted = |col: &str| {
        format!(
            "/ranking?{}",
            query_string(&params, None, Some((col, order_for(col))))
        )
    };
    // The column the list is sorted by, and which way: shown by an arrow and told to screen
    // readers (aria-sort).
    let current = params.sort.as_deref().unwrap_or("rank");
    let descending = params.order.as_deref() == Some("desc");
    let aria = |col: &str| {
        (col == current).then_some(if descending {
            "descending"
        } else {
            "ascending"
        })
    };
    let arrow = |col: &str| match (col == current, descending) {
        (false, _) => "",
        (true, false) => " ▲",
        (true, true) => " ▼",
    };
    let pages = (list.total + list.per_page - 1) / list.per_page;
    let body = html! {
        form.filters method="get" action="/ranking" #filters {
            (select("district", l.text(Text::District), params.district.as_deref(), &district_options(p, l)))
            (text_input(l.text(Text::IndustryCode), "industry", params.industry.as_deref(), Some(6)))
            (select("field", l.text(Text::TechField), params.field.as_deref(), &fields))
            (select("stage", l.text(Text::Stage), params.stage.as_deref(), &stages))
            label { (l.text(Text::NameOrCode)) input name="q" #f-q value=(params.q.as_deref().unwrap_or("")); }
            button { (l.text(Text::Filter)) }
            a href={ "/api/v1/enterprises/export?" (query_string(&params, None, None)) } #export { (l.text(Text::ExportCSV)) }
        }
        p.muted #total {
            (l.text(Text::Year)) " " (list.year) " · " (l.text(Text::Matching)) " " (list.total)
            " · " (l.text(Text::Page)) " " (list.page)
        }
        table #ranking {
            tr {
                th aria-sort=[aria("rank")] { a href=(sorted("rank")) { (l.text(Text::Rank)) (arrow("rank")) } }
                th aria-sort=[aria("name")] { a href=(sorted("name")) { (l.text(Text::Enterprise)) (arrow("name")) } }
                th { (l.text(Text::CreditCode)) }
                th { (l.text(Text::District)) }
                th { (l.text(Text::Industry)) }
                th { (l.text(Text::TechField)) }
                th.num aria-sort=[aria("score")] { a href=(sorted("score")) { (l.text(Text::Index)) (arrow("score")) } }
            }
            @for r in &list.items {
                tr {
                    td.num { (r.rank.map_or("—".into(), |v| v.to_string())) }
                    td { a href={ "/enterprises/" (percent_encode(&r.credit_code)) } { (r.name) } }
                    td { (r.credit_code) }
                    td { (district_name(&r.region_code, l)) }
                    td { (industry_text(r.industry_code.as_ref(), l)) }
                    td { (r.tech_field.as_deref().and_then(|k| TechField::parse(k).ok()).map_or("—", |f| l.pick(f.zh(), f.en()))) }
                    td.num { (fmt(r.score, 1)) }
                }
            }
        }
        p.pager {
            @if list.page > 1 {
                a href={ "/ranking?" (query_string(&params, Some(list.page - 1), None)) } #prev { "‹ " (l.text(Text::Previous)) }
            }
            " " (list.page) " / " (pages.max(1)) " "
            @if list.page < pages {
                a href={ "/ranking?" (query_string(&params, Some(list.page + 1), None)) } #next { (l.text(Text::Next)) " ›" }
            }
        }
    };
    Ok(page(&ctx, p, l.text(Text::Ranking), body))
}

// --- portrait -------------------------------------------------------------------------------------

pub(super) async fn portrait(
    State(state): State<Shared>,
    ctx: PageSignedIn,
    Path(code): Path<String>,
    Query(y): Query<api::YearParam>,
) -> PageResult {
    let p = ctx.user().or_page(&ctx)?;
    let code = code.trim().to_ascii_uppercase();
    let portrait = api::portrait_of(&state, &ctx, &code, y.year)
        .await
        .or_page(&ctx)?;
    let l = ctx.lang;
    // The years of the build, to move through the portrait's history.
    let years = html! {
        p.years #years {
            (l.text(Text::YearLabel)) " "
            @for (y, _) in portrait.trend.iter().filter(|(_, score)| score.is_some()) {
                @if *y == portrait.year { b { (y) } } @else {
                    a href={ "/enterprises/" (percent_encode(&code)) "?year=" (y) } { (y) }
                }
                " "
            }
        }
    };
    // Matchmaking suggestions for the weakest pillars, when there is a catalogue to draw on.
    let found = if p.may(Capability::ListEnterprises) {
        state
            .matchmaking()
            .suggestions(&portrait)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let advice = html! {
        @if found.iter().any(|(_, m)| !m.is_empty()) {
            h2 { (l.text(Text::MatchmakingSuggestionsForTheWeakest)) }
            table #suggestions {
                tr { th { (l.text(Text::Pillar)) } th { (l.text(Text::Supply)) } th { (l.text(Text::Why)) } }
                @for (pillar, matches) in &found {
                    @for m in matches {
                        tr {
                            td { (pillar) }
                            td { a href={ "/match/" (m.kind.key()) "/" (percent_encode(&m.id)) } { (m.title) } }
                            td { (m.explanation.summary_zh) }
                        }
                    }
                }
            }
        }
    };
    let title = kechuang_portrait::html::title(&portrait, l);
    Ok(frame(
        l,
        &title,
        Some(nav(&ctx, p)),
        Some(kechuang_portrait::html::STYLE),
        kechuang_portrait::html::content(&portrait, l, years, advice),
    )
    .into_response())
}

// --- targets --------------------------------------------------------------------------------------
