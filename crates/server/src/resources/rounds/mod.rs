//! Survey rounds (调查轮次): opened by the bureau, filed online by the enterprises, reviewed by
//! their districts and parks, followed up by area (API and pages).

use axum::Router;
use axum::routing::{get, post};

use crate::Shared;

pub mod api;
pub mod pages;

pub use api::*;

/// The routes that take files (source extracts).
pub fn upload_routes() -> Router<Shared> {
    Router::new().route("/api/v1/sources/{source}", post(api::import_source))
}

/// The routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/api/v1/rounds", get(api::list).post(api::open))
        .route("/api/v1/rounds/{id}/close", post(api::close))
        .route("/api/v1/rounds/{id}/reopen", post(api::reopen))
        .route("/api/v1/rounds/{id}/status", get(api::status))
        .route(
            "/api/v1/rounds/{id}/reminders",
            get(api::reminders_xlsx).post(api::remind),
        )
        .route(
            "/api/v1/rounds/{id}/forms/{code}",
            get(api::form).post(api::save),
        )
        .route("/api/v1/rounds/{id}/forms/{code}/review", post(api::review))
        .route("/api/v1/rounds/{id}/forms/{code}/check", post(api::check))
        .route(
            "/api/v1/rounds/{id}/contradictions",
            get(api::contradictions),
        )
        .route("/rounds", get(pages::rounds_page).post(pages::open_round))
        .route("/rounds/{id}", get(pages::response_page))
        .route("/rounds/{id}/state", post(pages::round_state))
        .route("/rounds/{id}/reminders", post(pages::remind))
        .route(
            "/rounds/{id}/forms/{code}",
            get(pages::form_page).post(pages::save_form),
        )
        .route("/rounds/{id}/forms/{code}/review", post(pages::review_form))
}
