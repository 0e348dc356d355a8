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
                    td { (b.created_at) }
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
                    td.num { (b.rows_updated) } td { (b.user_name) } td { (b.imported_at) }
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
