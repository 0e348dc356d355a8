//! The regional tables as published (suppressed cells withheld).

use super::*;

/// Published regional tables (disclosure control applied).
#[derive(Debug, Serialize)]
pub struct RegionTables {
    /// Year.
    pub year: i32,
    /// By district.
    pub by_district: kechuang_region::tables::OneWay,
    /// By industry section.
    pub by_industry: kechuang_region::tables::OneWay,
    /// By high-tech field.
    pub by_field: kechuang_region::tables::OneWay,
}

/// The regional tables of a year (cached per build, year and import).
pub async fn region_tables(
    state: &Shared,
    _allowed: &Allowed<can::ReadAggregates>,
    year: Option<i32>,
) -> ApiResult<Arc<RegionTables>> {
    let years = state.store.years().await?;
    let year = year
        .or(years.last().copied())
        .ok_or_else(|| ApiError::NotFound("no survey data".into()))?;
    if !years.contains(&year) {
        return Err(ApiError::NotFound(format!("no survey data for {year}")));
    }
    let build = state
        .store
        .builds()
        .await?
        .into_iter()
        .find(|b| b.years.contains(&year));
    let batch = state.store.latest_batch().await?;
    let key = format!("regions/{year}/{batch}/{:?}", build.as_ref().map(|b| b.id));
    let store = state.store.clone();
    state
        .cached(key, || async move {
            let records = store.load_year(year).await?;
            let scores: HashMap<String, f64> = match &build {
                Some(b) => store
                    .scores(b.id, year)
                    .await?
                    .into_iter()
                    .filter_map(|(c, s)| s.map(|s| (c, s)))
                    .collect(),
                None => HashMap::new(),
            };
            use kechuang_region::tables::{Dimension, Entry, one_way};
            let entries: Vec<Entry<'_>> = records
                .iter()
                .map(|r| Entry {
                    record: r,
                    index: scores.get(r.credit_code.as_str()).copied(),
                })
                .collect();
            let rules = kechuang_region::disclosure::Rules::default();
            Ok(RegionTables {
                year,
                by_district: one_way(&entries, Dimension::District, &rules),
                by_industry: one_way(&entries, Dimension::Industry, &rules),
                by_field: one_way(&entries, Dimension::Field, &rules),
            })
        })
        .await
}

pub(super) async fn regions(
    State(state): State<Shared>,
    ctx: Allowed<can::ReadAggregates>,
    Query(params): Query<YearParam>,
) -> ApiResult<Json<Value>> {
    let t = region_tables(&state, &ctx, params.year).await?;
    Ok(Json(published(&t)))
}

/// The tables as published: suppressed cells' magnitudes are removed, not just flagged.
pub fn published(t: &RegionTables) -> Value {
    let table = |w: &kechuang_region::tables::OneWay| {
        let rows: Vec<Value> = w
            .published()
            .map(|(label, f)| match f {
                None => json!({"label": label, "suppressed": true}),
                Some(f) => json!({"label": label, "figures": f}),
            })
            .collect();
        json!({"dimension": w.dimension, "rows": rows, "total": w.total})
    };
    json!({
        "year": t.year,
        "by_district": table(&t.by_district),
        "by_industry": table(&t.by_industry),
        "by_field": table(&t.by_field),
    })
}
