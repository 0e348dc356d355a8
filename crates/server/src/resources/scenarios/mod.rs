//! Policy what-if (政策模拟): a scenario of a scheme's rules evaluated beside the current rules;
//! scenarios saved, compared and exported (API and pages), through [`kechuang_app::whatif`].

use axum::Router;
use axum::routing::{get, post};

use crate::Shared;

pub mod api;
pub mod pages;

/// The routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/scenarios", get(api::list).post(api::save))
        .route("/api/v1/scenarios/evaluate", post(api::evaluate))
        .route("/api/v1/scenarios/compare", get(api::compare))
        .route("/api/v1/scenarios/{id}", get(api::one).delete(api::delete))
        .route("/api/v1/scenarios/{id}/export", get(api::export))
        .route("/api/v1/schemes/{id}/parameters", get(api::parameters))
        .route(
            "/whatif",
            get(pages::whatif_form).post(pages::whatif_result),
        )
        .route("/whatif/scenarios", get(pages::saved_list))
        .route("/whatif/scenarios/{id}", get(pages::saved_page))
        .route("/whatif/scenarios/{id}/delete", post(pages::delete_saved))
        .route("/whatif/compare", get(pages::compare_page))
}
