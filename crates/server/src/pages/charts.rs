//! Interactive charts. A chart is a figure the server draws readable without JavaScript (an SVG,
//! or nothing where a table beside it holds the figures), in an element whose `data-chart`
//! attribute holds the chart's data as JSON (escaped by the template like any attribute);
//! `/static/charts.js` draws it with Apache ECharts, vendored in `crates/server/assets` and served
//! from the binary, as is the map of Tianjin's districts. Nothing is fetched from elsewhere.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use kechuang_domain::codes::TIANJIN_DISTRICTS;
use kechuang_region::tables::{Figures, OneWay};
use maud::{Markup, html};
use serde::Serialize;

use super::district_label;
use crate::i18n::{Lang, Pick, Text};

/// How a chart draws its categories.
#[derive(Debug, Clone, Copy, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ChartKind {
    /// Horizontal bars, one row per category (districts, industries), largest first.
    Bars,
    /// Vertical columns in the categories' own order (a distribution's bins).
    Columns,
    /// A line over years, its value axis from zero so that a small dip looks small.
    Line,
    /// Tianjin's districts coloured by a measure, one measure at a time.
    Map,
}

/// A chart's data.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Chart {
    pub kind: ChartKind,
    pub title: String,
    /// Category labels as shown (in the reader's language).
    pub labels: Vec<String>,
    /// For a map: each category's feature name in the map file (the district's Chinese name).
    pub keys: Vec<String>,
    /// One or more measures; a map shows one at a time, with a choice among them.
    pub series: Vec<Series>,
    /// Where clicking a category goes, if anywhere.
    pub links: Vec<Option<String>>,
    /// The label of the measure choice (a map's).
    pub choose: String,
}

/// One measure over the categories.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Series {
    pub name: String,
    /// The unit shown on the value axis and in tooltips.
    pub unit: String,
    /// `None` where there is no figure (a suppressed cell, a year without scores).
    pub values: Vec<Option<f64>>,
    /// Decimals shown.
    pub decimals: u8,
}

/// A chart drawn over its fallback (shown as it is without JavaScript).
pub(crate) fn chart(c: &Chart, fallback: Markup) -> Markup {
    // Nothing to draw (every figure withheld or missing): the fallback alone.
    if c.series
        .iter()
        .all(|s| s.values.iter().all(Option::is_none))
    {
        return html! { figure.chart aria-label=(c.title) { figcaption { (c.title) } (fallback) } };
    }
    let data = serde_json::to_string(c).unwrap_or_default();
    html! {
        figure.chart data-chart=(data) aria-label=(c.title) {
            figcaption { (c.title) }
            div.fallback { (fallback) }
        }
    }
}

/// The districts on the map, by any of the published measures; a suppressed district has none.
/// With `link`, clicking a district opens its ranking.
/// `response`: the latest survey round's response rate by district code, shown as one more
/// measure (its name saying which round).
pub(crate) fn district_map(
    t: &OneWay,
    l: Lang,
    link: bool,
    response: Option<(String, &std::collections::BTreeMap<String, f64>)>,
) -> Chart {
    let rows: Vec<(&str, Option<&Figures>)> = t.published().collect();
    let measure =
        |name: Text, unit: Text, decimals: u8, f: &dyn Fn(&Figures) -> Option<f64>| Series {
            name: l.text(name).into(),
            unit: l.text(unit).into(),
            values: rows
                .iter()
                .map(|(_, figures)| figures.and_then(f))
                .collect(),
            decimals,
        };
    let percent = Text::PercentUnit;
    Chart {
        kind: ChartKind::Map,
        title: l.text(Text::DistrictMap).into(),
        labels: rows
            .iter()
            .map(|(name, _)| district_label(name, l))
            .collect(),
        keys: rows.iter().map(|(name, _)| name.to_string()).collect(),
        series: [
            measure(Text::MeanIndex, Text::PointsUnit, 1, &|f| f.index_mean),
            measure(Text::EnterpriseCount, Text::FirmsUnit, 0, &|f| {
                Some(f.enterprises as f64)
            }),
            measure(Text::RAndDIntensityPercent, percent, 2, &|f| {
                Some(f.rd_intensity)
            }),
            measure(Text::HNTESharePercent, percent, 1, &|f| Some(f.hnte_share)),
            measure(Text::TechSmeSharePercent, percent, 1, &|f| {
                Some(f.tech_sme_share)
            }),
            measure(Text::SpecialisedSharePercent, percent, 1, &|f| {
                Some(f.specialised_share)
            }),
        ]
        .into_iter()
        .chain(response.map(|(name, rates)| {
            Series {
                name,
                unit: l.text(percent).into(),
                values: rows
                    .iter()
                    .map(|(district, _)| {
                        let code = TIANJIN_DISTRICTS.iter().find(|d| d.1 == *district)?.0;
                        rates.get(code).copied()
                    })
                    .collect(),
                decimals: 1,
            }
        }))
        .collect(),
        links: rows
            .iter()
            .map(|(name, _)| {
                TIANJIN_DISTRICTS
                    .iter()
                    .find(|d| link && d.1 == *name)
                    .map(|d| format!("/ranking?district={}", d.0))
            })
            .collect(),
        choose: l.text(Text::MeasureLabel).into(),
    }
}

/// Enterprises by district as bars, largest first.
pub(crate) fn district_bars(t: &OneWay, l: Lang) -> Chart {
    let rows: Vec<(&str, Option<&Figures>)> = t.published().collect();
    Chart {
        kind: ChartKind::Bars,
        title: l.text(Text::EnterprisesByDistrict).into(),
        labels: rows
            .iter()
            .map(|(name, _)| district_label(name, l))
            .collect(),
        keys: Vec::new(),
        series: vec![Series {
            name: l.text(Text::EnterpriseCount).into(),
            unit: l.text(Text::FirmsUnit).into(),
            values: rows
                .iter()
                .map(|(_, f)| f.map(|f| f.enterprises as f64))
                .collect(),
            decimals: 0,
        }],
        links: Vec::new(),
        choose: String::new(),
    }
}

/// The scripts that draw a page's charts, once per page, after them.
pub(crate) fn chart_scripts() -> Markup {
    html! {
        script src="/static/echarts.min.js" defer {}
        script src="/static/charts.js" defer {}
    }
}

fn asset(content_type: &'static str, body: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "max-age=86400"),
        ],
        body,
    )
        .into_response()
}

/// Apache ECharts 5.6.0 (`dist/echarts.min.js` of the npm package; Apache-2.0, see
/// `assets/README.md`).
pub(super) async fn echarts() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/echarts.min.js"),
    )
}

/// Tianjin's 16 districts as GeoJSON (from the ECharts 4.9.0 npm package, decoded).
pub(super) async fn districts_map() -> Response {
    asset(
        "application/geo+json",
        include_bytes!("../../assets/tianjin-districts.geojson"),
    )
}

/// The page's chart drawing.
pub(super) async fn charts_script() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_bytes!("charts.js"),
    )
}
