//! The regional tables as published (suppressed cells withheld).

use crate::api::prelude::*;

pub use kechuang_app::regions::RegionTables;

/// The regional tables of a year (see [`kechuang_app::regions::region_tables`]).
pub async fn region_tables(
    state: &Shared,
    ctx: &Allowed<can::ReadAggregates>,
    year: Option<i32>,
) -> ApiResult<Arc<RegionTables>> {
    Ok(kechuang_app::regions::region_tables(state, &ctx.caller(), year).await?)
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
