//! The statistical audit page (analysts and administrators): the latest build's checks, the
//! uncertainty of its ranks and which assumption moves them.

use kechuang_engine::audit::FlagKind;

use crate::pages::prelude::*;

#[derive(Debug, Deserialize)]
pub(super) struct AuditQuery {
    replications: Option<usize>,
    seed: Option<u64>,
}

fn flag_text(k: FlagKind) -> Text {
    match k {
        FlagKind::Collinear => Text::FlagCollinear,
        FlagKind::NegativeWithinAggregate => Text::FlagNegative,
        FlagKind::WeakWithParent => Text::FlagWeak,
    }
}

/// An assumption of the analyses by name, in the reader's language.
fn factor_name(factor: &str, l: Lang) -> String {
    let text = match factor {
        "weights" => Text::FactorWeights,
        "normalisation" => Text::FactorNormalisation,
        "aggregation" => Text::FactorAggregation,
        "treatment" => Text::FactorTreatment,
        "imputation" => Text::FactorImputation,
        "indicator_removal" => Text::FactorIndicatorRemoval,
        other => return other.to_string(),
    };
    l.text(text).to_string()
}

/// A number to `d` decimals, "—" when it is not one.
fn num(v: f64, d: usize) -> String {
    if v.is_finite() {
        format!("{v:.d$}")
    } else {
        "—".into()
    }
}

pub(super) async fn index_audit(
    State(state): State<Shared>,
    ctx: PageAllowed<can::BuildIndex>,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    let p = ctx.principal();
    let l = ctx.lang;
    let a = kechuang_app::index_audit::index_audit(
        &state,
        &ctx.allowed().caller(),
        q.replications,
        q.seed,
    )
    .await
    .or_page(&ctx)?;
    let u = &a.uncertainty;
    let ranked: Vec<_> = {
        let mut units: Vec<_> = u.units.iter().filter(|x| x.nominal.is_some()).collect();
        units.sort_by_key(|x| x.nominal);
        units
    };
    let factors = &a.sensitivity.factors;
    let sensitivity_chart = Chart {
        kind: ChartKind::Bars,
        title: l.text(Text::SensitivityHeading).into(),
        labels: factors.iter().map(|f| factor_name(f.factor, l)).collect(),
        keys: Vec::new(),
        series: vec![Series {
            name: l.text(Text::TotalOrder).into(),
            unit: String::new(),
            values: factors.iter().map(|f| Some(f.total)).collect(),
            decimals: 3,
        }],
        links: Vec::new(),
        choose: String::new(),
    };
    let body = html! {
        p.muted { (l.text(Text::AuditIntro)) }
        p #audit-basis {
            "#" (a.build_id) " " (a.framework) " · " (l.text(Text::Year)) " " (a.year) " · "
            (a.units) " " (l.text(Text::EnterprisesLower)) " · " (l.text(Text::Varied)) ": " (a.what_varies)
        }
        form.filters method="get" action="/audit" #audit-settings {
            label {
                (l.text(Text::Replications))
                input name="replications" type="number" min="10" max=(kechuang_app::index_audit::MAX_REPLICATIONS)
                    value=(u.replications);
            }
            input type="hidden" name="seed" value=(a.seed);
            button { (l.text(Text::Recompute)) }
        }
        h2 { (l.text(Text::FlaggedPairs)) }
        @if a.audit.flags.is_empty() {
            p #no-flags { (l.text(Text::NoFlags)) }
        } @else {
            table #audit-flags {
                tr {
                    th { (l.text(Text::Aggregate)) } th { (l.text(Text::IndicatorLabel)) } th { (l.text(Text::IndicatorLabel)) }
                    th { (l.text(Text::FlagKindLabel)) } th.num { (l.text(Text::Correlation)) }
                }
                @for f in &a.audit.flags {
                    tr {
                        td { (f.aggregate) } td { (f.a) } td { (f.b) }
                        td { (l.text(flag_text(f.kind))) } td.num { (num(f.value, 2)) }
                    }
                }
            }
        }
        h2 { (l.text(Text::Consistency)) }
        table #audit-aggregates {
            tr {
                th { (l.text(Text::Aggregate)) } th.num { (l.text(Text::Parts)) }
                th.num { (l.text(Text::CronbachAlpha)) } th.num { (l.text(Text::FirstComponent)) }
            }
            @for ag in &a.audit.aggregates {
                tr {
                    td { (ag.code) } td.num { (ag.children.len()) }
                    td.num { (ag.cronbach_alpha.map_or("—".into(), |x| num(x, 3))) }
                    td.num { (ag.pca.as_ref().map_or("—".into(), |p| format!("{:.0}%", p.explained[0] * 100.0))) }
                }
            }
        }
        h2 { (l.text(Text::DataQuality)) }
        table #audit-quality {
            tr {
                th { (l.text(Text::IndicatorLabel)) } th.num { (l.text(Text::MissingLabel)) } th.num { "%" }
                th.num { (l.text(Text::ImputedLabel)) } th.num { (l.text(Text::WinsorisedLabel)) } th { (l.text(Text::TransformLabel)) }
            }
            @for q in &a.audit.quality {
                tr {
                    td { (q.indicator) } td.num { (q.missing) } td.num { (num(q.missing_share * 100.0, 1)) }
                    td.num { (q.imputed) } td.num { (q.winsorised) } td { (q.transformed.unwrap_or("")) }
                }
            }
        }
        h2 { (l.text(Text::UncertaintyHeading)) }
        p #audit-uncertainty {
            (u.replications) " " (l.text(Text::Replications)) " · " (l.text(Text::MeanRankShift)) " "
            b { (num(u.mean_abs_shift, 2)) }
        }
        (kechuang_tabular::rank_interval_chart(&u.units, 30))
        table #audit-ranks {
            tr {
                th { (l.text(Text::CreditCode)) } th.num { (l.text(Text::NominalRank)) }
                th.num { (l.text(Text::MedianRank)) } th.num { (l.text(Text::RankInterval)) }
            }
            @for x in ranked.iter().take(30) {
                tr {
                    td { a href={ "/enterprises/" (percent_encode(&x.code)) } { (x.code) } }
                    td.num { @if let Some(n) = x.nominal { (n) } }
                    td.num { (num(x.median, 0)) }
                    td.num { (num(x.p5, 0)) "–" (num(x.p95, 0)) }
                }
            }
        }
        h2 { (l.text(Text::SensitivityHeading)) }
        (chart(&sensitivity_chart, html! {}))
        table #audit-sensitivity {
            tr {
                th { (l.text(Text::FactorLabel)) }
                th.num { (l.text(Text::FirstOrder)) } th.num { (l.text(Text::RankInterval)) }
                th.num { (l.text(Text::TotalOrder)) } th.num { (l.text(Text::RankInterval)) }
            }
            @for f in factors {
                tr {
                    td { (factor_name(f.factor, l)) }
                    td.num { (num(f.first, 3)) } td.num { "[" (num(f.first_ci.0, 3)) ", " (num(f.first_ci.1, 3)) "]" }
                    td.num { (num(f.total, 3)) } td.num { "[" (num(f.total_ci.0, 3)) ", " (num(f.total_ci.1, 3)) "]" }
                }
            }
        }
        (chart_scripts())
    };
    Ok(page(&ctx, p, l.text(Text::StatisticalAudit), body))
}
