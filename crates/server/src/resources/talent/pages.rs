//! The talent pool pages: search, duplicates and merges.

use kechuang_app::talent;

use crate::pages::prelude::*;

pub(super) async fn talent_page(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Talent>,
    Query(q): Query<talent::TalentParams>,
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
            l.text(Text::BelowTheCriteria).to_string(),
        )))
        .collect();
    let regions = region_options();
    // The register is read and evaluated once for the list, the statistics and the pairs.
    let caller = ctx.allowed().caller();
    let pool = talent::pool(&state.store, &caller).await.or_page(&ctx)?;
    let (total, rows) = talent::search_in(&pool, &q);
    let page_no = q.page.unwrap_or(1).max(1);
    talent::audit_read(
        &state.auditor,
        &caller,
        kechuang_store::AuditAction::TalentList,
        &format!("page {page_no}"),
    )
    .await;
    let stats = talent::statistics_in(&pool);
    let codes: Vec<&str> = criteria
        .tiers
        .iter()
        .map(|t| t.code.as_str())
        .chain(std::iter::once(""))
        .collect();
    let pairs = talent::pairs_in(&pool);
    talent::audit_read(
        &state.auditor,
        &caller,
        kechuang_store::AuditAction::TalentDuplicates,
        "",
    )
    .await;
    let body = html! {
        p.muted { (l.text(Text::EntryCriteria)) " " (criteria.version) }
        form.filters method="get" action="/talent" #talent-search {
            (select("tier", l.text(Text::Tier), q.tier.as_deref(), &tiers))
            (select("region", l.text(Text::Region), q.region.as_deref(), &regions))
            (text_input(l.text(Text::TalentField), "field", q.field.as_deref(), None))
            (text_input(l.text(Text::Institution), "institution", q.institution.as_deref(), None))
            (text_input(l.text(Text::PersonName), "q", q.q.as_deref(), None))
            button { (l.text(Text::Query)) }
        }
        p #talent-total { (l.text(Text::People)) " " (total) }
        table #talent {
            tr {
                th { (l.text(Text::Id)) } th { (l.text(Text::PersonName)) } th { (l.text(Text::Tier)) }
                th { (l.text(Text::Region)) } th { (l.text(Text::Fields)) } th { (l.text(Text::Institutions)) }
            }
            @for r in &rows {
                tr {
                    td { (r.id) } td { (r.name) } td { (r.tier.as_deref().unwrap_or("—")) }
                    td { (r.region) } td { (r.fields.join("、")) } td { (r.institutions.join("；")) }
                }
            }
        }
        @for (title, breakdown, id) in [
            (l.text(Text::ByRegion), &stats.by_region, "talent-by-region"),
            (l.text(Text::ByField), &stats.by_field, "talent-by-field"),
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
        h2 { (l.text(Text::LikelyTheSamePerson)) " (" (pairs.len()) ")" }
        table #talent-duplicates {
            tr { th { (l.text(Text::FirstRecord)) } th { (l.text(Text::SecondRecord)) } th { (l.text(Text::Evidence)) } th {} }
            @for d in pairs.iter().take(100) {
                tr {
                    td { (d.a.id) " " (d.a.name) " (" (d.a.source) ")" }
                    td { (d.b.id) " " (d.b.name) " (" (d.b.source) ")" }
                    td { (serde_json::to_string(&d.evidence).unwrap_or_default()) }
                    td {
                        form method="post" action=(action("/talent/merge", p)) {
                            input type="hidden" name="kept" value=(d.a.id);
                            input type="hidden" name="merged" value=(d.b.id);
                            button.merge { (l.text(Text::Merge)) }
                        }
                    }
                }
            }
        }
    };
    Ok(page(&ctx, p, l.text(Text::TalentPool), body))
}

pub(super) async fn talent_merge(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Talent>,
    Form(b): Form<talent::MergeBody>,
) -> PageResult {
    talent::merge_records(&state.store, &state.auditor, &ctx.allowed().caller(), &b)
        .await
        .or_page(&ctx)?;
    Ok(Redirect::to("/talent").into_response())
}
