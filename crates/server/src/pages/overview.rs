//! The overview page: the year's figures, the district and industry tables, the index trend and the movers.

use super::*;

/// The figures of the overview dashboard for one scope.
pub(super) struct Overview {
    year: i32,
    enterprises: usize,
    scored: usize,
    mean: Option<f64>,
    histogram: Vec<(String, f64)>,
    by_district: OneWay,
    by_industry: OneWay,
    trend: Vec<(i32, f64, usize)>,
    movers: Vec<(String, String, f64, f64)>,
    certified: [(usize, Text); 3],
}

pub(super) async fn compute_overview(state: &Shared, p: &Principal) -> ApiResult<Overview> {
    let (build, year) = api::build_and_year(&state.store, None).await?;
    let records = state.store.load_year(year).await?;
    let records: Vec<_> = records
        .into_iter()
        .filter(|r| {
            p.may_read(&EnterpriseFacts {
                credit_code: r.credit_code.as_str(),
                area: Some((r.region_code.as_str(), r.park.as_deref())),
                bank_consent: false,
            })
        })
        .collect();
    let codes: HashSet<&str> = records.iter().map(|r| r.credit_code.as_str()).collect();
    let mut by_year: BTreeMap<i32, HashMap<String, f64>> = BTreeMap::new();
    for &y in &build.years {
        let scores = state.store.scores(build.id, y).await?;
        by_year.insert(
            y,
            scores
                .into_iter()
                .filter_map(|(c, s)| s.map(|s| (c, s)))
                .filter(|(c, _)| codes.contains(c.as_str()))
                .collect(),
        );
    }
    let now = by_year.get(&year).cloned().unwrap_or_default();
    let values: Vec<f64> = now.values().copied().collect();
    let mean = (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64);
    let mut histogram = Vec::new();
    if !values.is_empty() {
        let (lo, hi) = values
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), v| (a.min(*v), b.max(*v)));
        let width = ((hi - lo) / 10.0).max(1e-9);
        let mut counts = [0usize; 10];
        for v in &values {
            counts[(((v - lo) / width) as usize).min(9)] += 1;
        }
        for (i, c) in counts.iter().enumerate() {
            let a = lo + width * i as f64;
            histogram.push((format!("{a:.0}–{:.0}", a + width), *c as f64));
        }
    }
    let entries: Vec<Entry<'_>> = records
        .iter()
        .map(|r| Entry {
            record: r,
            index: now.get(r.credit_code.as_str()).copied(),
        })
        .collect();
    // The dashboard is for roles that read the enterprise-level data behind it: nothing to
    // suppress. Published tables (/tables, /api/v1/regions) keep disclosure control.
    let rules = kechuang_region::disclosure::Rules {
        min_count: 1,
        dominance: 1.0,
    };
    let trend = by_year
        .iter()
        .filter(|(_, s)| !s.is_empty())
        .map(|(y, s)| (*y, s.values().sum::<f64>() / s.len() as f64, s.len()))
        .collect();
    let names: HashMap<&str, &str> = records
        .iter()
        .map(|r| (r.credit_code.as_str(), r.name.as_str()))
        .collect();
    let mut movers: Vec<(String, String, f64, f64)> = match by_year.get(&(year - 1)) {
        Some(before) => now
            .iter()
            .filter_map(|(c, s)| {
                before.get(c).map(|b| {
                    (
                        c.clone(),
                        names.get(c.as_str()).copied().unwrap_or("").to_string(),
                        *b,
                        *s,
                    )
                })
            })
            .collect(),
        None => Vec::new(),
    };
    movers.sort_by(|a, b| (b.3 - b.2).total_cmp(&(a.3 - a.2)).then(a.0.cmp(&b.0)));
    movers.truncate(10);
    let count =
        |f: fn(&kechuang_domain::SurveyRecord) -> bool| records.iter().filter(|r| f(r)).count();
    let certified = [
        (
            count(|r| held_in(r.titles.hnte, r.year)),
            Text::HighTechEnterprises,
        ),
        (
            count(|r| held_in(r.titles.tech_sme, r.year)),
            Text::TechBasedSmes,
        ),
        (
            count(|r| {
                held_in(r.titles.specialised_sme, r.year) || held_in(r.titles.little_giant, r.year)
            }),
            Text::SpecialisedSmes,
        ),
    ];
    Ok(Overview {
        year,
        enterprises: records.len(),
        scored: values.len(),
        mean,
        histogram,
        by_district: one_way(&entries, Dimension::District, &rules),
        by_industry: one_way(&entries, Dimension::Industry, &rules),
        trend,
        movers,
        certified,
    })
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
    let (build, _) = built.or_page(&ctx)?;
    let batch = state
        .store
        .latest_batch()
        .await
        .map_err(ApiError::from)
        .or_page(&ctx)?;
    let key = format!(
        "overview/{}/{batch}/{:?}/{}",
        build.id,
        p.role,
        p.scope.join(",")
    );
    let state2 = state.clone();
    let p2 = p.clone();
    let o: Arc<Overview> = state
        .cached(key, || async move { compute_overview(&state2, &p2).await })
        .await
        .or_page(&ctx)?;
    state
        .auditor
        .record(
            &p.name,
            kechuang_store::AuditAction::OverviewRead,
            &o.year.to_string(),
            &ctx.remote,
            "ok",
        )
        .await;
    let body = html! {
        p.muted { (l.text(Text::Year)) " " (o.year) " · " (l.text(Text::IndexBuild)) " " (build.id) }
        div.cards #cards {
            div.card { b { (o.enterprises) } (l.text(Text::EnterprisesLower)) }
            div.card { b { (o.scored) } (l.text(Text::Scored)) }
            div.card { b { (fmt(o.mean, 1)) } (l.text(Text::MeanInnovationIndex)) }
            @for (n, text) in &o.certified { div.card { b { (n) } (l.text(*text)) } }
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
