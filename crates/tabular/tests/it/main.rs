//! Integration tests of the tabular crate, including the COINr conformance set.

mod common;
mod conformance;
mod reading;
mod survey;
