//! The published regional tables page (disclosure control applied).

use crate::pages::prelude::*;

pub(super) async fn tables(
    State(state): State<Shared>,
    ctx: PageAllowed<can::ReadAggregates>,
    Query(y): Query<api::YearParam>,
) -> PageResult {
    let p = ctx.user().or_page(&ctx)?;
    let l = ctx.lang;
    let title = l.text(Text::RegionalTables);
    let t = match api::region_tables(&state, ctx.allowed(), y.year).await {
        Ok(t) => t,
        Err(ApiError::NotFound(m)) => return Ok(page(&ctx, p, title, html! { p { (m) } })),
        Err(e) => return Err(PageError(e, l)),
    };
    let bars: Vec<(String, f64)> = t
        .by_district
        .published()
        .filter_map(|(label, f)| f.map(|f| (label.to_string(), f.enterprises as f64)))
        .collect();
    let years: Vec<(String, String)> = state
        .store
        .year_counts()
        .await
        .map_err(ApiError::from)
        .or_page(&ctx)?
        .into_iter()
        .rev()
        .map(|(y, n)| (y.to_string(), format!("{y} ({n})")))
        .collect();
    let body = html! {
        form.filters method="get" action="/tables" #year-picker {
            // No empty choice: `?year=` must be a year.
            label {
                (l.text(Text::Year))
                select name="year" #f-year {
                    @for (v, text) in &years {
                        option value=(v) selected[*v == t.year.to_string()] { (text) }
                    }
                }
            }
            button { (l.text(Text::ChooseScheme)) }
        }
        p.muted {
            (l.text(Text::Year)) " " (t.year) " · "
            (l.text(Text::StatisticalDisclosureControlAppliedCells))
        }
        div.charts {
            (chart(&district_bars(&t.by_district, l),
                kechuang_tabular::bar_chart_markup(l.text(Text::EnterprisesByDistrict), &bars, "")))
            (chart(&district_map(&t.by_district, l, p.may(Capability::ListEnterprises), None), html! {}))
        }
        h2 { (l.text(Text::ByDistrict)) }
        (one_way_html(&t.by_district, l, "by-district"))
        h2 { (l.text(Text::ByIndustry)) }
        (one_way_html(&t.by_industry, l, "by-industry"))
        h2 { (l.text(Text::ByHighTechField)) }
        (one_way_html(&t.by_field, l, "by-field"))
        (chart_scripts())
    };
    Ok(page(&ctx, p, title, body))
}
