//! Matchmaking (产学研用对接): the catalogue of enterprises' technology demands and the supply of
//! universities, institutes and service providers across 京津冀; its import with validation;
//! full-text search (tantivy, jieba with a domain dictionary); ranked matches with explanations; and
//! the relevance measures its evaluation set is scored with. No I/O beyond reading what it is given.

pub mod catalogue;
pub mod eval;
pub mod import;
pub mod matching;
pub mod search;

pub use catalogue::{Catalogue, Doc, Kind, Province};
pub use search::{Filters, Highlighted, Hit, SearchIndex};
