//! The talent pool pages: search, duplicates and merges.

use super::*;

pub(super) async fn talent_page(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Talent>,
    Query(q): Query<crate::talent::TalentParams>,
) -> PageResult {
    let p = ctx.require(Capability::Talent).or_page(&ctx)?;
    let l = ctx.lang;
    let criteria = kechuang_talent::shipped();
    let tiers: Vec<(String, String)> = criteria
        .tiers
        .iter()
        .map(|t| (t.code.clone(), format!("{} {}", t.code, t.name)))
        .chain(std::iter::once((
            "-".to_string(),
            l.pick("未达入库条件", "below the criteria").to_string(),
        )))
        .collect();
    let regions = region_options();
    let mut body = format!(
        "<p class=\"muted\">{} {}</p><form class=\"filters\" method=\"get\" action=\"/talent\" id=\"talent-search\">{}{}<label>{}<input name=\"field\" value=\"{}\"></label><label>{}<input name=\"institution\" value=\"{}\"></label><label>{}<input name=\"q\" value=\"{}\"></label><button>{}</button></form>",
        l.pick("入库条件", "Entry criteria"),
        esc(&criteria.version),
        select("tier", l.pick("层级", "Tier"), q.tier.as_deref(), &tiers),
        select(
            "region",
            l.pick("地区", "Region"),
            q.region.as_deref(),
            &regions
        ),
        l.pick("领域", "Field"),
        esc(q.field.as_deref().unwrap_or("")),
        l.pick("单位", "Institution"),
        esc(q.institution.as_deref().unwrap_or("")),
        l.pick("姓名", "Name"),
        esc(q.q.as_deref().unwrap_or("")),
        l.pick("查询", "Search"),
    );
    // The register is read and evaluated once for the list, the statistics and the pairs.
    let pool = crate::talent::pool(&state, &ctx).await.or_page(&ctx)?;
    let (total, rows) = crate::talent::search_in(&pool, &q);
    let page_no = q.page.unwrap_or(1).max(1);
    crate::talent::audit(
        &state,
        &ctx,
        kechuang_store::AuditAction::TalentList,
        &format!("page {page_no}"),
    )
    .await
    .or_page(&ctx)?;
    let _ = write!(
        body,
        "<p id=\"talent-total\">{} {total}</p><table id=\"talent\"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        l.pick("共", "People:"),
        l.pick("编号", "Id"),
        l.pick("姓名", "Name"),
        l.pick("层级", "Tier"),
        l.pick("地区", "Region"),
        l.pick("领域", "Fields"),
        l.pick("现单位", "Institutions"),
    );
    for r in &rows {
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&r.id),
            esc(&r.name),
            esc(r.tier.as_deref().unwrap_or("—")),
            esc(&r.region),
            esc(&r.fields.join("、")),
            esc(&r.institutions.join("；"))
        );
    }
    body.push_str("</table>");
    let stats = crate::talent::statistics_in(&pool);
    let codes: Vec<&str> = criteria
        .tiers
        .iter()
        .map(|t| t.code.as_str())
        .chain(std::iter::once(""))
        .collect();
    for (title, breakdown, id) in [
        (
            l.pick("按地区", "By region"),
            &stats.by_region,
            "talent-by-region",
        ),
        (
            l.pick("按领域", "By field"),
            &stats.by_field,
            "talent-by-field",
        ),
    ] {
        let _ = write!(body, "<h2>{title}</h2><table id=\"{id}\"><tr><th></th>");
        for c in &codes {
            let _ = write!(
                body,
                "<th class=\"num\">{}</th>",
                if c.is_empty() { "—" } else { c }
            );
        }
        body.push_str("</tr>");
        for (key, counts) in &breakdown.counts {
            let _ = write!(body, "<tr><td>{}</td>", esc(key));
            for c in &codes {
                let _ = write!(
                    body,
                    "<td class=\"num\">{}</td>",
                    counts.get(*c).copied().unwrap_or(0)
                );
            }
            body.push_str("</tr>");
        }
        body.push_str("</table>");
    }
    let pairs = crate::talent::pairs_in(&pool);
    crate::talent::audit(
        &state,
        &ctx,
        kechuang_store::AuditAction::TalentDuplicates,
        "",
    )
    .await
    .or_page(&ctx)?;
    let _ = write!(
        body,
        "<h2>{} ({})</h2><table id=\"talent-duplicates\"><tr><th>{}</th><th>{}</th><th>{}</th><th></th></tr>",
        l.pick("疑似重复", "Likely the same person"),
        pairs.len(),
        l.pick("记录一", "Record"),
        l.pick("记录二", "Record"),
        l.pick("依据", "Evidence"),
    );
    for d in pairs.iter().take(100) {
        let s = |v: &Value| esc(v.as_str().unwrap_or(""));
        let _ = write!(
            body,
            "<tr><td>{} {} ({})</td><td>{} {} ({})</td><td>{}</td><td><form method=\"post\" action=\"{}\"><input type=\"hidden\" name=\"kept\" value=\"{}\"><input type=\"hidden\" name=\"merged\" value=\"{}\"><button class=\"merge\">{}</button></form></td></tr>",
            s(&d["a"]["id"]),
            s(&d["a"]["name"]),
            s(&d["a"]["source"]),
            s(&d["b"]["id"]),
            s(&d["b"]["name"]),
            s(&d["b"]["source"]),
            esc(&d["evidence"].to_string()),
            action("/talent/merge", p),
            s(&d["a"]["id"]),
            s(&d["b"]["id"]),
            l.pick("合并", "Merge")
        );
    }
    body.push_str("</table>");
    Ok(page(
        &ctx,
        p,
        l.pick("统一科技人才库", "Talent pool"),
        &body,
    ))
}

pub(super) async fn talent_merge(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Talent>,
    Form(b): Form<crate::talent::MergeBody>,
) -> PageResult {
    crate::talent::merge_records(&state, &ctx, &b)
        .await
        .or_page(&ctx)?;
    Ok(Redirect::to("/talent").into_response())
}
