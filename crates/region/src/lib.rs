//! Regional evaluation (评价指标体系) for publication: statistical disclosure control of aggregate
//! tables. Pure.
//!
//! [`tables`] aggregates survey records (and index scores) by district, park, industry section,
//! technology field and stage, one way and two ways, with every magnitude protected.
//!
//! [`disclosure::suppress`] marks the cells of a two-way table that must not be published — fewer than
//! `min_count` enterprises, or one enterprise holding more than `dominance` of the cell's total
//! (primary) — and then further cells (secondary) until no suppressed value can be worked out from the
//! published cells and the row and column totals.
#![warn(missing_docs)]

pub mod composite;
pub mod disclosure;
pub mod tables;
