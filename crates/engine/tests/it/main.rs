//! Integration tests of the engine: whole builds through the public API.

mod builds;
mod common;
mod errors;
mod properties;
mod published;
mod uncertainty;
