//! The overview page: the year's figures, the district and industry tables, the index trend and the movers.

use kechuang_app::overview::Certificate;

use super::*;

/// A certificate's name.
fn certificate_text(c: Certificate) -> Text {
    match c {
        Certificate::HighTech => Text::HighTechEnterprises,
        Certificate::TechSme => Text::TechBasedSmes,
        Certificate::Specialised => Text::SpecialisedSmes,
    }
}

/// A one-way table of the regional figures; a suppressed row shows `x` in every cell.
pub(super) fn one_way_html(t: &OneWay, l: Lang, id: &str) -> Markup {
    let dimension = l.text(match t.dimension {
        Dimension::District => Text::District,
        Dimension::Park => Text::Park,
        Dimension::Industry => Text::IndustrySection,
        Dimension::Field => Text::HighTechField,
        Dimension::Stage => Text::Stage,
    });
    html! {
        table id=(id) {
            tr {
                th { (dimension) }
                th.num { (l.text(Text::EnterpriseCount)) }
                th.num { (l.text(Text::RAndDIntensityPercent)) }
                th.num { (l.text(Text::HNTESharePercent)) }
                th.num { (l.text(Text::MeanIndex)) }
            }
            @for (label, figures) in t.published() {
                tr {
                    td { (label) }
                    @match figures {
                        None => { td.num { "x" } td.num { "x" } td.num { "x" } td.num { "x" } }
                        Some(f) => {
                            td.num { (f.enterprises) }
                            td.num { (format!("{:.2}", f.rd_intensity)) }
                            td.num { (format!("{:.1}", f.hnte_share)) }
                            td.num { (fmt(f.index_mean, 1)) }
                        }
                    }
                }
            }
            tr {
                th { (l.text(Text::Total)) }
                th.num { (t.total.enterprises) }
                th.num { (format!("{:.2}", t.total.rd_intensity)) }
                th.num { (format!("{:.1}", t.total.hnte_share)) }
                th.num { (fmt(t.total.index_mean, 1)) }
            }
        }
    }
}

/// A line of mean index by year.
pub(super) fn trend_chart(points: &[(i32, f64, usize)], title: &str) -> Markup {
    if points.is_empty() {
        return html! {};
    }
    let (w, h, pad) = (420.0, 180.0, 36.0);
    let lo = points.iter().map(|p| p.1).fold(f64::MAX, f64::min) - 1.0;
    let hi = points.iter().map(|p| p.1).fold(f64::MIN, f64::max) + 1.0;
    let x = |i: usize| pad + (w - 2.0 * pad) * i as f64 / (points.len().max(2) - 1) as f64;
    let y = |v: f64| h - pad - (h - 2.0 * pad) * (v - lo) / (hi - lo);
    let f1 = |v: f64| format!("{v:.1}");
    let path: Vec<String> = points
        .iter()
        .enumerate()
        .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(p.1)))
        .collect();
    html! {
        svg.trend viewBox={ "0 0 " (w) " " (h) } width=(w) xmlns="http://www.w3.org/2000/svg" font-size="11" {
            text x="0" y="14" font-weight="bold" { (title) }
            polyline fill="none" stroke="#b71c1c" stroke-width="2" points=(path.join(" ")) {}
            @for (i, p) in points.iter().enumerate() {
                circle cx=(f1(x(i))) cy=(f1(y(p.1))) r="3" fill="#b71c1c" {}
                text x=(f1(x(i))) y=(f1(y(p.1) - 7.0)) text-anchor="middle" { (f1(p.1)) }
                text x=(f1(x(i))) y=(h - 12.0) text-anchor="middle" { (p.0) }
            }
        }
    }
}

pub(super) async fn overview(State(state): State<Shared>, ctx: PageSignedIn) -> PageResult {
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
    let o = kechuang_app::overview::overview(&state, &ctx.caller().or_page(&ctx)?)
        .await
        .or_page(&ctx)?;
    let body = html! {
        p.muted { (l.text(Text::Year)) " " (o.year) " · " (l.text(Text::IndexBuild)) " " (o.build_id) }
        div.cards #cards {
            div.card { b { (o.enterprises) } (l.text(Text::EnterprisesLower)) }
            div.card { b { (o.scored) } (l.text(Text::Scored)) }
            div.card { b { (fmt(o.mean, 1)) } (l.text(Text::MeanInnovationIndex)) }
            @for (n, certificate) in &o.certified { div.card { b { (n) } (l.text(certificate_text(*certificate))) } }
        }
        div.charts {
            (kechuang_tabular::bar_chart_markup(l.text(Text::DistributionOfTheIndex), &o.histogram, ""))
            (trend_chart(&o.trend, l.text(Text::MeanIndexByYear)))
        }
        h2 { (l.text(Text::ByDistrict)) }
        (one_way_html(&o.by_district, l, "by-district"))
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
    };
    Ok(page(&ctx, p, l.text(Text::Overview), body))
}

// --- ranking --------------------------------------------------------------------------------------
