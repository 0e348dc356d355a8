//! The pipeline's steps as column operations; `build.rs` applies them in the framework's order.

pub mod aggregate;
pub mod impute;
pub mod normalise;
pub mod treat;
pub mod weight;
