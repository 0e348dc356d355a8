//! The talent pool pages: search, duplicates and merges.

use super::*;

pub(super) async fn talent_page(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Talent>,
    Query(q): Query<crate::talent::TalentParams>,
) -> PageResult {
    let p = ctx.principal();
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
    // The register is read and evaluated once for the list, the statistics and the pairs.
    let pool = crate::talent::pool(&state, ctx.allowed())
        .await
        .or_page(&ctx)?;
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
    let stats = crate::talent::statistics_in(&pool);
    let codes: Vec<&str> = criteria
        .tiers
        .iter()
        .map(|t| t.code.as_str())
        .chain(std::iter::once(""))
        .collect();
    let pairs = crate::talent::pairs_in(&pool);
    crate::talent::audit(
        &state,
        &ctx,
        kechuang_store::AuditAction::TalentDuplicates,
        "",
    )
    .await
    .or_page(&ctx)?;
    let body = html! {
        p.muted { (l.pick("入库条件", "Entry criteria")) " " (criteria.version) }
        form.filters method="get" action="/talent" #talent-search {
            (select("tier", l.pick("层级", "Tier"), q.tier.as_deref(), &tiers))
            (select("region", l.pick("地区", "Region"), q.region.as_deref(), &regions))
            (text_input(l.pick("领域", "Field"), "field", q.field.as_deref(), None))
            (text_input(l.pick("单位", "Institution"), "institution", q.institution.as_deref(), None))
            (text_input(l.pick("姓名", "Name"), "q", q.q.as_deref(), None))
            button { (l.pick("查询", "Search")) }
        }
        p #talent-total { (l.pick("共", "People:")) " " (total) }
        table #talent {
            tr {
                th { (l.pick("编号", "Id")) } th { (l.pick("姓名", "Name")) } th { (l.pick("层级", "Tier")) }
                th { (l.pick("地区", "Region")) } th { (l.pick("领域", "Fields")) } th { (l.pick("现单位", "Institutions")) }
            }
            @for r in &rows {
                tr {
                    td { (r.id) } td { (r.name) } td { (r.tier.as_deref().unwrap_or("—")) }
                    td { (r.region) } td { (r.fields.join("、")) } td { (r.institutions.join("；")) }
                }
            }
        }
        @for (title, breakdown, id) in [
            (l.pick("按地区", "By region"), &stats.by_region, "talent-by-region"),
            (l.pick("按领域", "By field"), &stats.by_field, "talent-by-field"),
        ] {
            h2 { (title) }
            table id=(id) {
                tr { th {} @for c in &codes { th.num { (if c.is_empty() { "—" } else { c })} } }
                @for (key, counts) in &breakdown.counts {
                    tr {
                        td { (key) }
                        @for c in &codes { td.num { (counts.get(*c).copied().unwrap_or(0)) } }
                    }
                }
            }
        }
        h2 { (l.pick("疑似重复", "Likely the same person")) " (" (pairs.len()) ")" }
        table #talent-duplicates {
            tr { th { (l.pick("记录一", "Record")) } th { (l.pick("记录二", "Record")) } th { (l.pick("依据", "Evidence")) } th {} }
            @for d in pairs.iter().take(100) {
                tr {
                    td { (d.a.id) " " (d.a.name) " (" (d.a.source) ")" }
                    td { (d.b.id) " " (d.b.name) " (" (d.b.source) ")" }
                    td { (serde_json::to_string(&d.evidence).unwrap_or_default()) }
                    td {
                        form method="post" action=(action("/talent/merge", p)) {
                            input type="hidden" name="kept" value=(d.a.id);
                            input type="hidden" name="merged" value=(d.b.id);
                            button.merge { (l.pick("合并", "Merge")) }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&ctx, p, l.pick("统一科技人才库", "Talent pool"), body))
}

pub(super) async fn talent_merge(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Talent>,
    Form(b): Form<crate::talent::MergeBody>,
) -> PageResult {
    crate::talent::merge_records(&state, ctx.allowed(), &b)
        .await
        .or_page(&ctx)?;
    Ok(Redirect::to("/talent").into_response())
}
