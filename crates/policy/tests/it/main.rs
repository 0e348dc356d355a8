//! The shipped rule sets against hand-computed cases from `shared/policy-rules.md`.

mod bands;
mod common;
mod expressions;
mod hnte;
mod ladder;
mod tech_sme;
