//! The unified talent pool (统一科技人才库): a register of people across Beijing–Tianjin–Hebei with
//! versioned entry criteria (规范入库条件). Each tier (A top talent … E young talent) is a list of
//! checkable criteria — titles, programmes, awards, project leadership, recent output, age and degree —
//! with the evidence required, who verifies it, how long a qualification stays valid and the review
//! cycle. [`evaluate`] places a person in the highest tier one of whose criteria is met, and says why;
//! [`find_duplicates`] finds the same person arriving from different sources, and [`merge`] joins two
//! records keeping an audit trail; [`statistics`] counts the pool by tier, region, field and
//! institution. Pure: no I/O.

mod criteria;
mod dedup;
mod person;
mod stats;

pub use criteria::{Criteria, Criterion, CriterionKind, Error, Tier, shipped};
pub use dedup::{Duplicate, Evidence, MergeRecord, find_duplicates, merge};
pub use person::{Affiliation, Award, Evaluation, Finding, OutputYear, Person, Project, evaluate};
pub use stats::{Breakdown, Search, Statistics, current_institutions, statistics};
