//! The shipped rule sets against hand-computed cases from the official texts.

mod bands;
mod common;
mod expressions;
mod hnte;
mod ladder;
mod tech_sme;
mod whatif;
