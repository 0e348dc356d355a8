//! Integration tests of the tabular crate, including the COINr conformance set.

mod common;
mod conformance;
mod grid;
mod reading;
mod survey;
mod writing;
