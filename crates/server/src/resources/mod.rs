//! The web service by resource: each module holds a resource's API handlers, its page handlers
//! (typed templates) and its routes. The use cases they call live in the application layer
//! ([`kechuang_app`]); what the handlers share is in [`crate::api`] and [`crate::pages`].

use axum::Router;

use crate::Shared;

pub mod admin;
pub mod builds;
pub mod catalogue;
pub mod consents;
pub mod enterprises;
pub mod finance;
pub mod imports;
pub mod overview;
pub mod regions;
pub mod rounds;
pub mod scenarios;
pub mod schemes;
pub mod sessions;
pub mod talent;

/// Every resource's routes.
pub fn routes() -> Router<Shared> {
    Router::new()
        .merge(sessions::routes())
        .merge(enterprises::routes())
        .merge(schemes::routes())
        .merge(regions::routes())
        .merge(builds::routes())
        .merge(imports::routes())
        .merge(consents::routes())
        .merge(admin::routes())
        .merge(overview::routes())
        .merge(catalogue::routes())
        .merge(talent::routes())
        .merge(rounds::routes())
        .merge(scenarios::routes())
        .merge(finance::routes())
}

/// The routes that take files.
pub fn upload_routes() -> Router<Shared> {
    Router::new()
        .merge(imports::upload_routes())
        .merge(catalogue::upload_routes())
        .merge(talent::upload_routes())
        .merge(rounds::upload_routes())
        .merge(finance::upload_routes())
}
