//! The overview page: the year's figures, the district and industry tables, the index trend and the movers.

use kechuang_app::overview::Certificate;

use crate::pages::prelude::*;

/// A certificate's name.
fn certificate_text(c: Certificate) -> Text {
    match c {
        Certificate::HighTech => Text::HighTechEnterprises,
        Certificate::TechSme => Text::TechBasedSmes,
        Certificate::Specialised => Text::SpecialisedSmes,
    }
}

pub(super) async fn overview(
    State(state): State<Shared>,
    ctx: PageSignedIn,
    Query(y): Query<api::YearParam>,
) -> PageResult {
    let p = ctx.user().or_page(&ctx)?;
    // Roles without the dashboard land on what they may see.
    if !p.may(Capability::Targets) {
        let to = match (p.role, p.scope.first()) {
            (Role::Enterprise, Some(code)) => format!("/enterprises/{code}"),
            (Role::Bank, _) => "/ranking".into(),
            _ => "/tables".into(),
        };
        return Ok(Redirect::to(&to).into_response());
    }
    let l = ctx.lang;
    let built = api::build_and_year(&state.store, None).await;
    if let Err(kechuang_app::Error::NotFound(_)) = built {
        let body = html! {
            p { (l.text(Text::NoIndexHasBeenBuilt)) }
        };
        return Ok(page(&ctx, p, l.text(Text::Overview), body));
    }
    built.or_page(&ctx)?;
    let o = kechuang_app::overview::overview(&state, &ctx.caller().or_page(&ctx)?, y.year)
        .await
        .or_page(&ctx)?;
    // The latest survey round's response by district, for those who follow rounds.
    let response = kechuang_app::rounds::latest_response_by_district(
        &state.store,
        &ctx.caller().or_page(&ctx)?,
        crate::resources::rounds::api::today(),
    )
    .await
    .or_page(&ctx)?
    .map(|(round, rates)| {
        (
            format!(
                "{} · #{} {}",
                l.text(Text::ResponseRateOfRound),
                round.id,
                round.year
            ),
            rates,
        )
    });
    let body = html! {
        form.filters method="get" action="/" #year-picker {
            label {
                (l.text(Text::Year))
                select name="year" #f-year {
                    @for year in o.years.iter().rev() {
                        option value=(year) selected[*year == o.year] { (year) }
                    }
                }
            }
            button { (l.text(Text::ShowYear)) }
        }
        p.muted { (l.text(Text::Year)) " " (o.year) " · " (l.text(Text::IndexBuild)) " " (o.build_id) }
        div.cards #cards {
            div.card { b { (o.enterprises) } (l.text(Text::EnterprisesLower)) }
            div.card { b { (o.scored) } (l.text(Text::Scored)) }
            div.card { b { (fmt(o.mean, 1)) } (l.text(Text::MeanInnovationIndex)) }
            @for (n, certificate) in &o.certified { div.card { b { (n) } (l.text(certificate_text(*certificate))) } }
        }
        div.charts {
            (chart(&histogram_chart(&o.histogram, l),
                kechuang_tabular::bar_chart_markup(l.text(Text::DistributionOfTheIndex), &o.histogram, "")))
            @if !o.trend.is_empty() {
                (chart(&trend_line(&o.trend, l), trend_chart(&o.trend, l.text(Text::MeanIndexByYear))))
            }
        }
        h2 { (l.text(Text::ByDistrict)) }
        (chart(&district_map(&o.by_district, l, true, response.as_ref().map(|(name, rates)| (name.clone(), rates))), html! { p.muted { (l.text(Text::ClickADistrictForItsRanking)) } }))
        (one_way_html(&o.by_district, l, "by-district"))
        @if o.district_years.len() > 1 {
            h2 { (l.text(Text::DistrictIndexByYear)) }
            (chart(&district_lines(&o, l), html! {}))
            (district_trend_table(&o, l))
        }
        h2 { (l.text(Text::ByIndustry)) }
        (one_way_html(&o.by_industry, l, "by-industry"))
        @if !o.movers.is_empty() {
            h2 { (l.text(Text::TopMovers)) }
            table #movers {
                tr {
                    th { (l.text(Text::Enterprise)) } th { (l.text(Text::CreditCode)) }
                    th.num { (o.year - 1) } th.num { (o.year) } th.num { "Δ" }
                }
                @for (code, name, before, now) in &o.movers {
                    tr {
                        td { a href={ "/enterprises/" (percent_encode(code)) } { (name) } }
                        td { (code) }
                        td.num { (format!("{before:.1}")) }
                        td.num { (format!("{now:.1}")) }
                        td.num { (format!("{:+.1}", now - before)) }
                    }
                }
            }
        }
        (chart_scripts())
    };
    Ok(page(&ctx, p, l.text(Text::Overview), body))
}

/// The index's distribution as columns.
fn histogram_chart(bins: &[(String, f64)], l: Lang) -> Chart {
    Chart {
        kind: ChartKind::Columns,
        title: l.text(Text::DistributionOfTheIndex).into(),
        labels: bins.iter().map(|b| b.0.clone()).collect(),
        keys: Vec::new(),
        series: vec![Series {
            name: l.text(Text::EnterpriseCount).into(),
            unit: l.text(Text::FirmsUnit).into(),
            values: bins.iter().map(|b| Some(b.1)).collect(),
            decimals: 0,
        }],
        links: Vec::new(),
        choose: String::new(),
    }
}

/// The mean index by year, from zero.
fn trend_line(points: &[(i32, f64, usize)], l: Lang) -> Chart {
    Chart {
        kind: ChartKind::Line,
        title: l.text(Text::MeanIndexByYear).into(),
        labels: points.iter().map(|p| p.0.to_string()).collect(),
        keys: Vec::new(),
        series: vec![Series {
            name: l.text(Text::MeanIndex).into(),
            unit: l.text(Text::PointsUnit).into(),
            values: points.iter().map(|p| Some(p.1)).collect(),
            decimals: 1,
        }],
        links: Vec::new(),
        choose: String::new(),
    }
}

// --- ranking --------------------------------------------------------------------------------------

/// Each district's mean index by year and its change on the year before the one shown.
fn district_trend_table(o: &kechuang_app::overview::Overview, l: Lang) -> Markup {
    let one = |v: Option<f64>| v.map_or_else(|| "–".to_string(), |v| format!("{v:.1}"));
    html! {
        table #district-trend {
            tr {
                th { (l.text(Text::District)) }
                @for y in &o.district_years { th.num { (y) } }
                th.num { (l.text(Text::ChangeOnLastYear)) }
            }
            @for (code, means) in &o.district_trend {
                @let change = match means.as_slice() {
                    [.., Some(before), Some(now)] => Some(now - before),
                    _ => None,
                };
                tr {
                    td { (district_name(code, l)) }
                    @for m in means { td.num { (one(*m)) } }
                    td.num { (change.map_or_else(|| "–".to_string(), |c| format!("{c:+.1}"))) }
                }
            }
        }
    }
}

/// The districts' mean index by year, one line each (the legend picks which).
fn district_lines(o: &kechuang_app::overview::Overview, l: Lang) -> Chart {
    Chart {
        kind: ChartKind::Line,
        title: l.text(Text::DistrictIndexByYear).into(),
        labels: o.district_years.iter().map(ToString::to_string).collect(),
        keys: Vec::new(),
        series: o
            .district_trend
            .iter()
            .map(|(code, means)| Series {
                name: district_name(code, l),
                unit: l.text(Text::PointsUnit).into(),
                values: means.clone(),
                decimals: 1,
            })
            .collect(),
        links: Vec::new(),
        choose: String::new(),
    }
}
