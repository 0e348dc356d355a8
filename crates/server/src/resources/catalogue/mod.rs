//! Matchmaking (产学研对接): the catalogue's search, entries and matches, publishing, deals and the inbox (API and pages).

use axum::Router;
use axum::routing::{get, post};

use crate::Shared;

pub mod api;
pub mod pages;

pub use api::*;

/// The routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/catalogue/search", get(api::search))
        .route("/api/v1/catalogue/{kind}/{id}", get(api::entry))
        .route("/api/v1/catalogue/{kind}/{id}/matches", get(api::matches))
        .route("/api/v1/deals", get(api::deals).post(api::open_deal))
        .route("/api/v1/deals/{id}", post(api::move_deal))
        .route("/api/v1/inbox", get(api::inbox))
        .route(
            "/api/v1/enterprises/{code}/suggestions",
            get(api::suggestions),
        )
        .route("/match", get(pages::match_search))
        .route("/match/{kind}/{id}", get(pages::match_entry))
        .route(
            "/match/new-demand",
            get(pages::demand_form).post(pages::demand_submit),
        )
        .route("/match/deals", post(pages::deal_open))
        .route("/match/deals/{id}", post(pages::deal_move))
        .route("/inbox", get(pages::inbox_page))
}

/// The routes that take files (their body limit is the configured upload size).
pub fn upload_routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/catalogue/imports", post(api::import))
        .route("/match/import", post(pages::match_import))
}
