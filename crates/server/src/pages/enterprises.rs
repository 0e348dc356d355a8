//! The enterprise pages: the ranking with its filters, an enterprise's portrait, and a scheme's target list.

use super::*;

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

pub(super) fn select(
    name: &str,
    label: &str,
    current: Option<&str>,
    options: &[(String, String)],
) -> String {
    let mut s = format!(
        "<label>{}<select name=\"{name}\" id=\"f-{name}\"><option value=\"\">—</option>",
        esc(label)
    );
    for (v, text) in options {
        let _ = write!(
            s,
            "<option value=\"{}\"{}>{}</option>",
            esc(v),
            if current == Some(v.as_str()) {
                " selected"
            } else {
                ""
            },
            esc(text)
        );
    }
    s.push_str("</select></label>");
    s
}

pub(super) fn district_options(p: &Principal) -> Vec<(String, String)> {
    TIANJIN_DISTRICTS
        .iter()
        .filter(|d| {
            p.role != Role::DistrictOfficer
                || p.scope.iter().any(|s| s == d.0)
                || p.scope.iter().any(|s| s.len() != 6)
        })
        .map(|d| (d.0.to_string(), d.1.to_string()))
        .collect()
}

pub(super) async fn ranking(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ListEnterprises>,
    Query(params): Query<ListParams>,
) -> PageResult {
    let p = ctx.require(Capability::ListEnterprises).or_page(&ctx)?;
    let l = ctx.lang;
    let list = match api::ranking(&state, &ctx, &params).await {
        Ok(list) => list,
        Err(ApiError::NotFound(m)) => {
            return Ok(page(
                &ctx,
                p,
                l.pick("企业排名", "Ranking"),
                &format!("<p>{}</p>", esc(&m)),
            ));
        }
        Err(e) => return Err(PageError(e, l)),
    };
    let fields = field_options();
    let stages: Vec<(String, String)> =
        ["makerspace", "incubator", "accelerator", "industrial_park"]
            .iter()
            .zip(["众创空间", "孵化器", "加速器", "产业园区"])
            .map(|(k, z)| (k.to_string(), z.to_string()))
            .collect();
    let mut body = format!(
        "<form class=\"filters\" method=\"get\" action=\"/ranking\" id=\"filters\">{}<label>{}<input name=\"industry\" value=\"{}\" size=\"6\"></label>{}{}<label>{}<input name=\"q\" id=\"f-q\" value=\"{}\"></label><button>{}</button>\
         <a href=\"/api/v1/enterprises/export?{}\" id=\"export\">{}</a></form>",
        select(
            "district",
            l.pick("区", "District"),
            params.district.as_deref(),
            &district_options(p)
        ),
        l.pick("行业代码", "Industry code"),
        esc(params.industry.as_deref().unwrap_or("")),
        select(
            "field",
            l.pick("技术领域", "Field"),
            params.field.as_deref(),
            &fields
        ),
        select(
            "stage",
            l.pick("发展阶段", "Stage"),
            params.stage.as_deref(),
            &stages
        ),
        l.pick("名称或代码", "Name or code"),
        esc(params.q.as_deref().unwrap_or("")),
        l.pick("筛选", "Filter"),
        query_string(&params, None, None),
        l.pick("导出 CSV", "Export CSV")
    );
    let _ = write!(
        body,
        "<p class=\"muted\" id=\"total\">{} {} · {} {} · {} {}</p>",
        l.pick("年度", "Year"),
        list.year,
        l.pick("共", "matching:"),
        list.total,
        l.pick("第", "page"),
        list.page
    );
    let order_for = |col: &str| {
        if params.sort.as_deref().unwrap_or("rank") == col
            && params.order.as_deref() != Some("desc")
        {
            "desc"
        } else {
            "asc"
        }
    };
    let _ = write!(
        body,
        "<table id=\"ranking\"><tr><th><a href=\"/ranking?{}\">{}</a></th><th><a href=\"/ranking?{}\">{}</a></th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=\"num\"><a href=\"/ranking?{}\">{}</a></th></tr>",
        query_string(&params, None, Some(("rank", order_for("rank")))),
        l.pick("排名", "Rank"),
        query_string(&params, None, Some(("name", order_for("name")))),
        l.pick("企业", "Enterprise"),
        l.pick("信用代码", "Credit code"),
        l.pick("区", "District"),
        l.pick("行业", "Industry"),
        l.pick("技术领域", "Field"),
        query_string(&params, None, Some(("score", order_for("score")))),
        l.pick("创新指数", "Index"),
    );
    for r in &list.items {
        let field = r
            .tech_field
            .as_deref()
            .and_then(|k| TechField::parse(k).ok())
            .map_or("—", |f| f.zh());
        let _ = write!(
            body,
            "<tr><td class=\"num\">{}</td><td><a href=\"/enterprises/{c}\">{}</a></td><td>{c}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>",
            r.rank.map_or("—".into(), |v| v.to_string()),
            esc(&r.name),
            esc(&district_name(&r.region_code)),
            esc(&r.industry_code),
            esc(field),
            fmt(r.score, 1),
            c = esc(&r.credit_code)
        );
    }
    body.push_str("</table><p class=\"pager\">");
    let pages = (list.total + list.per_page - 1) / list.per_page;
    if list.page > 1 {
        let _ = write!(
            body,
            "<a href=\"/ranking?{}\" id=\"prev\">‹ {}</a>",
            query_string(&params, Some(list.page - 1), None),
            l.pick("上一页", "previous")
        );
    }
    let _ = write!(body, " {} / {} ", list.page, pages.max(1));
    if list.page < pages {
        let _ = write!(
            body,
            "<a href=\"/ranking?{}\" id=\"next\">{} ›</a>",
            query_string(&params, Some(list.page + 1), None),
            l.pick("下一页", "next")
        );
    }
    body.push_str("</p>");
    Ok(page(&ctx, p, l.pick("企业排名", "Ranking"), &body))
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
    let html = kechuang_portrait::html::render(&portrait, ctx.lang);
    // The portrait is a standalone report: the site's header goes in front of it.
    let header = format!(
        "<style>{}</style><header class=\"site\"><a href=\"/\"><b>科创 kechuang</b></a>{}</header>",
        STYLE
            .split('}')
            .filter(|r| r.trim_start().starts_with("header"))
            .map(|r| format!("{r}}}"))
            .collect::<String>()
            .replace("header{", "header.site{margin:-24px -24px 16px;")
            .replace("header ", "header.site "),
        nav(&ctx, p)
    );
    // The years of the build, to move through the portrait's history; similar enterprises link on.
    let mut years = format!(
        "<p class=\"years\" id=\"years\">{} ",
        ctx.lang.pick("年度：", "Year:")
    );
    for (y, score) in &portrait.trend {
        if score.is_none() {
            continue;
        }
        if *y == portrait.year {
            let _ = write!(years, "<b>{y}</b> ");
        } else {
            let _ = write!(
                years,
                "<a href=\"/enterprises/{}?year={y}\">{y}</a> ",
                percent_encode(&code)
            );
        }
    }
    years.push_str("</p>");
    let header = format!("{header}{years}");
    // Matchmaking suggestions for the weakest pillars, when there is a catalogue to draw on.
    let mut advice = String::new();
    if p.may(Capability::ListEnterprises)
        && let Ok(found) = crate::matchmaking::suggestions_from(&state, &portrait).await
        && found.iter().any(|(_, m)| !m.is_empty())
    {
        let _ = write!(
            advice,
            "<h2>{}</h2><table id=\"suggestions\"><tr><th>{}</th><th>{}</th><th>{}</th></tr>",
            ctx.lang.pick(
                "对接建议（针对薄弱维度）",
                "Matchmaking suggestions for the weakest pillars"
            ),
            ctx.lang.pick("维度", "Pillar"),
            ctx.lang.pick("资源", "Supply"),
            ctx.lang.pick("理由", "Why"),
        );
        for (pillar, matches) in &found {
            for m in matches {
                let _ = write!(
                    advice,
                    "<tr><td>{}</td><td><a href=\"/match/{}/{}\">{}</a></td><td>{}</td></tr>",
                    esc(pillar),
                    m.kind.key(),
                    percent_encode(&m.id),
                    esc(&m.title),
                    esc(&m.explanation.summary_zh)
                );
            }
        }
        advice.push_str("</table>");
    }
    let html = match html.find("<body>") {
        Some(i) => format!("{}{header}{}", &html[..i + 6], &html[i + 6..]),
        None => html,
    };
    let html = match html.rfind("</body>") {
        Some(i) => format!("{}{advice}{}", &html[..i], &html[i..]),
        None => html,
    };
    Ok(Html(html).into_response())
}

// --- targets --------------------------------------------------------------------------------------

#[derive(Debug, Deserialize, Default)]
pub(super) struct TargetQuery {
    scheme: Option<String>,
    #[serde(flatten)]
    params: TargetParams,
}

pub(super) async fn targets(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Targets>,
    Query(q): Query<TargetQuery>,
) -> PageResult {
    let p = ctx.require(Capability::Targets).or_page(&ctx)?;
    let l = ctx.lang;
    let scheme = q
        .scheme
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| {
            state
                .rules
                .first()
                .map_or_else(String::new, |r| r.spec.id.clone())
        });
    let options: Vec<(String, String)> = state
        .rules
        .iter()
        .map(|r| {
            (
                r.spec.id.clone(),
                l.pick(&r.spec.name, &r.spec.name_en).to_string(),
            )
        })
        .collect();
    let outcomes = vec![
        (
            "qualifies".to_string(),
            l.pick("符合", "qualifies").to_string(),
        ),
        (
            "needs_expert".to_string(),
            l.pick("待专家评审", "awaits expert review").to_string(),
        ),
        (
            "near_miss".to_string(),
            l.pick("接近符合", "near miss").to_string(),
        ),
    ];
    let mut body = format!(
        "<form class=\"filters\" method=\"get\" action=\"/targets\" id=\"filters\">{}{}{}<label>{}<input name=\"industry\" value=\"{}\" size=\"6\"></label><button>{}</button></form>",
        select("scheme", l.pick("政策", "Scheme"), Some(&scheme), &options),
        select(
            "outcome",
            l.pick("结论", "Outcome"),
            q.params.outcome.as_deref(),
            &outcomes
        ),
        select(
            "district",
            l.pick("区", "District"),
            q.params.district.as_deref(),
            &district_options(p)
        ),
        l.pick("行业代码", "Industry code"),
        esc(q.params.industry.as_deref().unwrap_or("")),
        l.pick("筛选", "Filter")
    );
    let t = match api::target_page(&state, &ctx, &scheme, &q.params).await {
        Ok(t) => t,
        Err(ApiError::NotFound(m)) => {
            body += &format!("<p>{}</p>", esc(&m));
            return Ok(page(&ctx, p, l.pick("政策靶向", "Scheme targeting"), &body));
        }
        Err(e) => return Err(PageError(e, l)),
    };
    let _ = write!(
        body,
        "<p id=\"summary\">{} {} · {} {} · {} <b>{}</b> · {} <b>{}</b> · {} <b>{}</b></p>\
         <table id=\"targets\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th class=\"num\">{}</th><th>{}</th></tr>",
        esc(&t.name),
        esc(&t.version),
        l.pick("年度", "year"),
        t.year,
        l.pick("符合", "qualify"),
        t.qualifies,
        l.pick("待专家评审", "awaiting expert review"),
        t.needs_expert,
        l.pick("接近符合", "near misses"),
        t.near_miss,
        l.pick("结论", "Outcome"),
        l.pick("企业", "Enterprise"),
        l.pick("区", "District"),
        l.pick("行业", "Industry"),
        l.pick("得分", "Score"),
        l.pick("差距与未满足条件", "Gaps and unmet criteria"),
    );
    for r in &t.items {
        let mut why: Vec<String> = r.gaps.clone();
        why.extend(r.failed.iter().map(|f| format!("✗ {f}")));
        let _ = write!(
            body,
            "<tr><td>{}</td><td><a href=\"/enterprises/{c}\">{}</a><br><span class=\"muted\">{c}</span></td><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
            match r.outcome {
                "qualifies" => l.pick("符合", "qualifies"),
                "needs_expert" => l.pick("待专家评审", "awaits expert review"),
                _ => l.pick("接近", "near miss"),
            },
            esc(&r.name),
            esc(&r.district),
            esc(&r.industry_code),
            fmt(r.score, 1),
            esc(&why.join("；")),
            c = esc(&r.credit_code)
        );
    }
    body.push_str("</table>");
    let pages = (t.total as i64 + 49) / 50;
    let mut filters = String::new();
    for (k, v) in [
        ("outcome", &q.params.outcome),
        ("district", &q.params.district),
        ("industry", &q.params.industry),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            let _ = write!(filters, "&{k}={}", percent_encode(v));
        }
    }
    let qs = format!("scheme={}{filters}", percent_encode(&scheme));
    let _ = write!(
        body,
        "<p><a id=\"export\" href=\"/api/v1/schemes/{}/targets/export?{}\">{}</a></p>",
        percent_encode(&scheme),
        filters.trim_start_matches('&'),
        l.pick("导出 CSV", "Export CSV")
    );
    body.push_str("<p class=\"pager\">");
    if t.page > 1 {
        let _ = write!(body, "<a href=\"/targets?{qs}&page={}\">‹</a>", t.page - 1);
    }
    let _ = write!(body, " {} / {} ", t.page, pages.max(1));
    if t.page < pages {
        let _ = write!(body, "<a href=\"/targets?{qs}&page={}\">›</a>", t.page + 1);
    }
    body.push_str("</p>");
    Ok(page(&ctx, p, l.pick("政策靶向", "Scheme targeting"), &body))
}
