//! The overview's year choice and its districts' index year by year, checked against the stored
//! scores; the ranking's sort indicators.

use std::collections::HashMap;

use crate::Fixture;

/// The cells of the `#district-trend` row of a district (by its Chinese name).
fn district_row(page: &str, district: &str) -> Option<String> {
    let table = page.split("id=\"district-trend\"").nth(1)?;
    let table = &table[..table.find("</table>")?];
    table
        .split("<tr>")
        .find(|row| row.contains(&format!(">{district}<")))
        .map(str::to_string)
}

pub async fn the_overview_shows_any_year_and_each_districts_index_by_year(f: &Fixture) {
    let analyst = f.session("analyst").await;
    let build = f.store.builds().await.expect("builds")[0].clone();
    // The mean index of 滨海新区's enterprises filing in 2025, in 2024 and 2025, by hand.
    let binhai: Vec<&str> = f
        .records
        .iter()
        .filter(|r| r.year == 2025 && r.region_code.as_str() == "120116")
        .map(|r| r.credit_code.as_str())
        .collect();
    let mean = |scores: Vec<(String, Option<f64>)>| {
        let scores: HashMap<String, Option<f64>> = scores.into_iter().collect();
        let known: Vec<f64> = binhai
            .iter()
            .filter_map(|c| scores.get(*c).copied().flatten())
            .collect();
        known.iter().sum::<f64>() / known.len() as f64
    };
    let before = mean(f.store.scores(build.id, 2024).await.expect("2024"));
    let now = mean(f.store.scores(build.id, 2025).await.expect("2025"));
    let page = analyst.get("/").await;
    assert_eq!(page.status, 200);
    assert!(
        page.text.contains("<option value=\"2025\" selected>"),
        "the latest year by default"
    );
    let row = district_row(&page.text, "滨海新区").expect("滨海新区's row");
    for cell in [
        format!("{before:.1}"),
        format!("{now:.1}"),
        format!("{:+.1}", now - before),
    ] {
        assert!(row.contains(&format!(">{cell}<")), "{cell} in {row}");
    }
    // Another year of the build, and one it does not have.
    let earlier = analyst.get("/?year=2024").await;
    assert_eq!(earlier.status, 200);
    assert!(earlier.text.contains("<option value=\"2024\" selected>"));
    assert!(
        !earlier.text.contains("id=\"district-trend\""),
        "one year has no change to show"
    );
    assert_eq!(analyst.get("/?year=1999").await.status, 404);
    // The district officer's overview has its own district's line only.
    let officer = f.session("officer").await.get("/").await;
    assert!(district_row(&officer.text, "滨海新区").is_some());
    assert!(district_row(&officer.text, "南开区").is_none());
    assert!(district_row(&page.text, "南开区").is_some());
    // The target list has a year choice too, and keeps the year in its page and export links.
    let targets = analyst.get("/targets?scheme=tech_sme&year=2024").await;
    assert_eq!(targets.status, 200, "{}", targets.text);
    assert!(targets.text.contains("<option value=\"2024\" selected>"));
    assert!(
        targets.text.contains("export?year=2024"),
        "the export asks for the year shown"
    );
    let latest = analyst.get("/targets?scheme=tech_sme").await.text;
    assert!(latest.contains("<option value=\"2025\" selected>"));
    // The ranking tells which column it is sorted by, and which way.
    let ranking = analyst.get("/ranking?sort=score&order=desc").await.text;
    assert!(ranking.contains("aria-sort=\"descending\"") && ranking.contains(" ▼"));
    assert_eq!(ranking.matches("aria-sort=").count(), 1);
    let by_rank = analyst.get("/ranking").await.text;
    assert!(by_rank.contains("aria-sort=\"ascending\"") && by_rank.contains(" ▲"));
}
