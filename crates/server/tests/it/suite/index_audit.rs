//! The statistical audit page: for analysts and administrators only, its figures the engine's
//! on the stored year.

use crate::Fixture;

pub async fn the_statistical_audit_page_shows_the_engines_figures_to_analysts_only(f: &Fixture) {
    let analyst = f.session("analyst").await;
    let page = analyst.get("/audit?replications=20&seed=3").await;
    assert_eq!(page.status, 200, "{}", page.text);
    for id in [
        "audit-aggregates",
        "audit-quality",
        "audit-uncertainty",
        "audit-ranks",
        "audit-sensitivity",
    ] {
        assert!(page.text.contains(&format!("id=\"{id}\"")), "{id}");
    }
    // The same analysis run here on the stored year gives the figures shown.
    let build = f.store.builds().await.expect("builds")[0].clone();
    let year = *build.years.iter().max().expect("a year");
    let records = f.store.load_years(&[year - 1, year]).await.expect("years");
    let data = kechuang_enterprise::dataset_of_year(&records, year);
    let framework =
        kechuang_enterprise::shipped_framework_by_id(&build.framework_id).expect("framework");
    let u = kechuang_engine::uncertainty::run(
        framework,
        &data,
        &kechuang_app::index_audit::assumptions(),
        20,
        3,
        &|_| {},
    )
    .expect("uncertainty");
    assert!(
        page.text
            .contains(&format!("<b>{:.2}</b>", u.mean_abs_shift)),
        "mean shift {:.2} not on the page",
        u.mean_abs_shift
    );
    let built = kechuang_engine::Build::run(
        framework,
        data,
        kechuang_engine::BuildOptions {
            keep_stages: true,
            ..Default::default()
        },
    )
    .expect("build");
    let checks = kechuang_engine::audit::audit(&built, Default::default());
    let alpha = checks
        .aggregates
        .iter()
        .find_map(|a| a.cronbach_alpha)
        .expect("an aggregate with α");
    assert!(page.text.contains(&format!(">{alpha:.3}<")), "α {alpha:.3}");
    // Out of range, and other roles.
    assert_eq!(analyst.get("/audit?replications=5").await.status, 400);
    assert_eq!(analyst.get("/audit?replications=100000").await.status, 400);
    for role in ["officer", "firm", "bank", "citizen"] {
        assert_eq!(
            f.session(role).await.get("/audit").await.status,
            403,
            "{role}"
        );
    }
    assert_eq!(
        f.session("admin")
            .await
            .get("/audit?replications=20&seed=3")
            .await
            .status,
        200
    );
}
