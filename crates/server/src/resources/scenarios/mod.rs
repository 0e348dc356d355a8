//! Policy what-if (政策模拟): a scenario of a scheme's rules evaluated beside the current rules
//! (API and page), through [`kechuang_app::whatif`].

use axum::Router;
use axum::routing::{get, post};

use crate::Shared;

pub mod api;
pub mod pages;

/// The routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/scenarios/evaluate", post(api::evaluate))
        .route(
            "/whatif",
            get(pages::whatif_form).post(pages::whatif_result),
        )
}
