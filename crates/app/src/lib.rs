//! The application layer (应用层): the use cases that the command line and the web service share,
//! each taking plain values and returning typed results. Below it are the pure crates (engine,
//! domain, policy, portrait) and the store; above it the CLI and the HTTP service. It knows no
//! HTTP: no request, response, status code or HTML is named here (a tidy test in the server
//! checks it).
//!
//! - [`App`]: what the use cases share on one instance.
//! - [`access`]: who may do and read what (roles, capabilities, scopes); pure.
//! - [`accounts`]: accounts checked and created, passwords hashed.
//! - [`audit`]: the audit log writer, batching entries off the callers' path.
//! - [`builds`]: index builds from the store (the rebuild and its framework).
//! - [`caller`]: who asks a use case and from where.
//! - [`catalogue`]: the matchmaking catalogue as stored rows.
//! - [`consents`]: banks' consents to read an enterprise.
//! - [`enterprises`]: reading enterprises: the access rule, ranking, records, portraits.
//! - [`error`]: what a use case answers instead of its result.
//! - [`imports`]: filing the survey by upload.
//! - [`intake`]: a survey file validated against the rules and the stored history (the import
//!   use case), parsing on a low-priority pool for the server or on every core for the CLI.
//! - [`memo`]: a bounded memo of values computed from a data version.
//! - [`overview`]: the bureau's overview dashboard.
//! - [`regions`]: the published regional tables.
//! - [`rounds`]: survey rounds: forms filed online, reviewed, followed up (调查轮次).
//! - [`schemes`]: a scheme's target list (政策靶向).
//! - [`settings`]: the web service's settings file.
//! - [`sources`]: what the government already knows, imported to pre-fill the forms.
//! - [`talent`]: the unified talent pool: search, statistics, duplicates, imports and merges.
//! - [`whatif`]: policy what-if: a scheme's changed rules beside the current ones.
//! - [`views`]: what the pages, the API and the CLI show of one enterprise (its portrait), of a
//!   scheme (its target list) and of a year (the policy panel).
#![warn(missing_docs)]

pub use application::App;
pub use caller::Caller;
pub use error::{Error, Result};

/// The highest page number any list accepts: far beyond any real list, and small enough that
/// `(page - 1) × per_page` cannot overflow.
pub const MAX_PAGE: i64 = 1_000_000;

pub mod access;
pub mod accounts;
mod application;
pub mod audit;
pub mod builds;
pub mod caller;
pub mod catalogue;
pub mod consents;
pub mod enterprises;
pub mod error;
pub mod finance;
pub mod imports;
pub mod index_audit;
pub mod intake;
pub mod memo;
pub mod overview;
pub mod regions;
pub mod rounds;
pub mod schemes;
pub mod settings;
pub mod sources;
pub mod talent;
pub mod validity;
pub mod views;
pub mod whatif;
