//! The target list page (政策靶向): a scheme's qualifying, near-miss and expert-review enterprises.

use crate::pages::prelude::*;

/// The page's query. Its fields are spelt out rather than flattened from [`TargetParams`]: a
/// flattened query reads every value as text, and `year=2024` then fails as "not a number".
#[derive(Debug, Deserialize, Default)]
pub(super) struct TargetQuery {
    scheme: Option<String>,
    year: Option<i32>,
    outcome: Option<String>,
    district: Option<String>,
    industry: Option<String>,
    page: Option<i64>,
}

/// The query as the page reads it.
struct TargetView {
    scheme: Option<String>,
    params: TargetParams,
}

pub(super) async fn targets(
    State(state): State<Shared>,
    ctx: PageAllowed<can::Targets>,
    Query(q): Query<TargetQuery>,
) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let q = TargetView {
        params: TargetParams {
            year: q.year,
            outcome: q.outcome,
            district: q.district,
            industry: q.industry,
            page: q.page,
            per_page: None,
        },
        scheme: q.scheme,
    };
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
        ("qualifies".to_string(), l.text(Text::Qualifies).to_string()),
        (
            "needs_expert".to_string(),
            l.text(Text::AwaitsExpertReview).to_string(),
        ),
        (
            "near_miss".to_string(),
            l.text(Text::NearMissLower).to_string(),
        ),
    ];
    // Every stored year with its count of records; no empty choice (`?year=` must be a year).
    let years: Vec<(i32, i64)> = state
        .store
        .year_counts()
        .await
        .map_err(ApiError::from)
        .or_page(&ctx)?;
    let filters = |shown: Option<i32>| {
        html! {
            form.filters method="get" action="/targets" #filters {
                (select("scheme", l.text(Text::Scheme), Some(&scheme), &options))
                label {
                    (l.text(Text::Year))
                    select name="year" #f-year {
                        @for (y, n) in years.iter().rev() {
                            option value=(y) selected[Some(*y) == shown] { (y) " (" (n) ")" }
                        }
                    }
                }
                (select("outcome", l.text(Text::Outcome), q.params.outcome.as_deref(), &outcomes))
                (select("district", l.text(Text::District), q.params.district.as_deref(), &district_options(p, l)))
                (text_input(l.text(Text::IndustryCode), "industry", q.params.industry.as_deref(), Some(6)))
                button { (l.text(Text::Filter)) }
            }
        }
    };
    let title = l.text(Text::SchemeTargeting);
    let t = match api::target_page(&state, ctx.allowed(), &scheme, &q.params).await {
        Ok(t) => t,
        Err(ApiError::NotFound(m)) => {
            return Ok(page(
                &ctx,
                p,
                title,
                html! { (filters(q.params.year)) p { (m) } },
            ));
        }
        Err(e) => return Err(PageError(e, l)),
    };
    let pages = (t.total as i64 + 49) / 50;
    let mut filter_query = format!("&year={}", t.year);
    for (k, v) in [
        ("outcome", &q.params.outcome),
        ("district", &q.params.district),
        ("industry", &q.params.industry),
    ] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            filter_query.push_str(&format!("&{k}={}", percent_encode(v)));
        }
    }
    let qs = format!("scheme={}{filter_query}", percent_encode(&scheme));
    let body = html! {
        (filters(Some(t.year)))
        p #summary {
            (options.iter().find(|(id, _)| *id == scheme).map_or(t.name.as_str(), |(_, name)| name.as_str()))
            " " (t.version) " · " (l.text(Text::YearInSentence)) " " (t.year)
            " · " (l.text(Text::Qualify)) " " b { (t.qualifies) }
            " · " (l.text(Text::AwaitingExpertReview)) " " b { (t.needs_expert) }
            " · " (l.text(Text::NearMisses)) " " b { (t.near_miss) }
        }
        table #targets {
            tr {
                th { (l.text(Text::Outcome)) } th { (l.text(Text::Enterprise)) }
                th { (l.text(Text::District)) } th { (l.text(Text::Industry)) }
                th.num { (l.text(Text::Score)) } th { (l.text(Text::GapsAndUnmetCriteria)) }
            }
            @for r in &t.items {
                @let (gaps, failed) = match l {
                    Lang::Zh => (&r.gaps, &r.failed),
                    Lang::En => (&r.gaps_en, &r.failed_en),
                };
                @let why: Vec<String> = gaps.iter().cloned().chain(failed.iter().map(|f| format!("✗ {f}"))).collect();
                tr {
                    td { (match r.outcome {
                        "qualifies" => l.text(Text::Qualifies),
                        "needs_expert" => l.text(Text::AwaitsExpertReview),
                        _ => l.text(Text::NearMissShort),
                    }) }
                    td {
                        a href={ "/enterprises/" (percent_encode(&r.credit_code)) } { (r.name) }
                        br; span.muted { (r.credit_code) }
                    }
                    td { (district_label(&r.district, l)) }
                    td { (industry_text(r.industry_code.as_ref(), l)) }
                    td.num { (fmt(r.score, 1)) }
                    td { (why.join("；")) }
                }
            }
        }
        p {
            a #export href={ "/api/v1/schemes/" (percent_encode(&scheme)) "/targets/export?" (filter_query.trim_start_matches('&')) } {
                (l.text(Text::ExportCSV))
            }
        }
        p.pager {
            @if t.page > 1 { a href={ "/targets?" (qs) "&page=" (t.page - 1) } { "‹" } }
            " " (t.page) " / " (pages.max(1)) " "
            @if t.page < pages { a href={ "/targets?" (qs) "&page=" (t.page + 1) } { "›" } }
        }
    };
    Ok(page(&ctx, p, title, body))
}
