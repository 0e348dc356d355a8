//! The index builds page: the stored builds and import batches, and a rebuild.

use crate::pages::prelude::*;

pub(super) async fn builds(
    State(state): State<Shared>,
    ctx: PageAllowed<can::BuildIndex>,
) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let builds = state
        .store
        .builds()
        .await
        .map_err(ApiError::from)
        .or_page(&ctx)?;
    let batches = state
        .store
        .batches()
        .await
        .map_err(ApiError::from)
        .or_page(&ctx)?;
    let body = html! {
        form method="post" action=(action("/builds", p)) { button #rebuild { (l.text(Text::RebuildTheIndex)) } }
        p {
            a #validity-link href="/validity" { (l.text(Text::PredictiveValidity)) } " · "
            a #audit-link href="/audit" { (l.text(Text::StatisticalAudit)) }
        }
        h2 { (l.text(Text::IndexBuilds)) }
        table #builds {
            tr {
                th { "#" } th { (l.text(Text::Framework)) } th { (l.text(Text::Years)) }
                th.num { (l.text(Text::Units)) } th { (l.text(Text::When)) } th { (l.text(Text::By)) }
            }
            @for b in &builds {
                tr {
                    td { (b.id) }
                    td { (b.framework_id) " " (b.framework_version) }
                    td { (b.years.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")) }
                    td.num { (b.units) }
                    td { (local_time(&b.created_at)) }
                    td { (b.user_name) }
                }
            }
        }
        h2 { (l.text(Text::Imports)) }
        table #imports {
            tr {
                th { "#" } th { (l.text(Text::File)) } th.num { (l.text(Text::Rows)) }
                th.num { (l.text(Text::Inserted)) } th.num { (l.text(Text::Updated)) }
                th { (l.text(Text::By)) } th { (l.text(Text::When)) }
            }
            @for b in &batches {
                tr {
                    td { (b.id) } td { (b.file_name) } td.num { (b.rows_total) } td.num { (b.rows_inserted) }
                    td.num { (b.rows_updated) } td { (b.user_name) } td { (local_time(&b.imported_at)) }
                }
            }
        }
    };
    Ok(page(&ctx, p, l.text(Text::IndexBuilds), body))
}

pub(super) async fn rebuild(
    State(state): State<Shared>,
    ctx: PageAllowed<can::BuildIndex>,
) -> PageResult {
    match api::start_rebuild(&state, ctx.allowed()).await {
        Ok(()) | Err(ApiError::Conflict(_)) => Ok(Redirect::to("/builds").into_response()),
        Err(e) => Err(PageError(e, ctx.lang)),
    }
}

/// The index's predictive validity for analysts: one table for the index (all enterprises and by
/// stage), one for the pillars.
pub(super) async fn validity(
    State(state): State<Shared>,
    ctx: PageAllowed<can::BuildIndex>,
    Query(q): Query<super::api::ValidityQuery>,
) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let r = kechuang_app::validity::report(&state, &ctx.allowed().caller(), q.replications, q.seed)
        .await
        .or_page(&ctx)?;
    let subset = |s: &str| -> String {
        match kechuang_domain::Stage::from_key(s) {
            Some(stage) => l.pick(stage.zh(), stage.en()).to_string(),
            None if s == "all" => l.text(Text::AllEnterprises).to_string(),
            None => s.to_string(),
        }
    };
    let table = |id: &str, rows: Vec<&kechuang_app::validity::ValidityRow>| {
        html! {
            table id=(id) {
                tr {
                    th { (l.text(Text::MeasureLabel)) } th { (l.text(Text::SubsetLabel)) }
                    th { (l.text(Text::OutcomeLabel)) } th.num { (l.text(Text::YearsAhead)) }
                    th { (l.text(Text::StatisticLabel)) } th.num { (l.text(Text::ValueLabel)) }
                    th.num { (l.text(Text::Interval95)) } th.num { (l.text(Text::UnitYears)) }
                }
                @for row in rows {
                    tr {
                        td { @if row.measure == "index" { (l.text(Text::IndexMeasure)) } @else { (row.measure) } }
                        td { (subset(&row.subset)) }
                        td { (l.pick(row.outcome.zh(), row.outcome.en())) }
                        td.num { (row.horizon) }
                        td { @if row.statistic == "auc" { "AUC" } @else { "ρ" } }
                        @match row.estimate {
                            Some(e) => {
                                td.num { (format!("{:.3}", e.value)) }
                                td.num { (format!("[{:.3}, {:.3}]", e.low, e.high)) }
                            }
                            None => { td.num { "—" } td.num {} }
                        }
                        td.num {
                            (row.n)
                            @if let Some(k) = row.events { " (" (k) ")" }
                        }
                    }
                }
            }
        }
    };
    let (index, pillars): (Vec<_>, Vec<_>) = r.rows.iter().partition(|row| row.measure == "index");
    let body = html! {
        p.muted { (l.text(Text::ValidityIntro)) }
        p #validity-basis {
            (l.text(Text::ValidityBaseYears)) ": #" (r.build_id) " " (r.framework) " · "
            (r.base_years.iter().map(i32::to_string).collect::<Vec<_>>().join(", ")) " · "
            (r.replications) " (" (r.seed) ")"
        }
        h2 { (l.text(Text::IndexMeasure)) }
        (table("validity-index", index))
        h2 { (l.text(Text::ByPillar)) }
        (table("validity-pillars", pillars))
    };
    Ok(page(&ctx, p, l.text(Text::PredictiveValidity), body))
}
