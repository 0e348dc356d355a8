//! End-to-end tests of the `kechuang` binary on temporary directories.

mod common;
mod index;
mod matching;
mod policy;
mod survey;
mod talent;
mod tidy;
