//! Full-text search over the catalogue: a tantivy index whose text fields are cut by jieba in search
//! mode (a compound is indexed whole and as its words, so 智能 finds 人工智能), lower-cased, with a
//! shipped domain dictionary that deployments can extend; filters by kind, field, province, TRL and
//! price; highlighted snippets.
//!
//! The tokenizer is our own few lines over jieba-rs rather than tantivy-jieba's: that one holds a
//! custom dictionary by value, and tantivy clones tokenizers for every snippet generator and indexing
//! thread — a copy of the whole dictionary each time (it made a search take 57 ms). Ours shares it.

use std::collections::HashSet;
use std::ops::Bound;
use std::sync::Arc;

use jieba_rs::{Jieba, TokenizeMode};

use tantivy::collector::TopDocs;
use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, Occur, Query, RangeQuery, TermQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{
    LowerCaser, RemoveLongFilter, TextAnalyzer, Token, TokenStream, Tokenizer,
};
use tantivy::{Index, IndexReader, TantivyDocument, Term};

use crate::catalogue::{Doc, Kind, Province};

/// The analyzer's name in the index.
const ANALYZER: &str = "zh_jieba";

/// The domain dictionary shipped with kechuang: one word per line, optionally with a frequency.
pub const DOMAIN_DICTIONARY: &str = include_str!("../dict/domain.txt");

/// Why the index could not be built or searched.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// tantivy failed.
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    /// A dictionary line is not `word [frequency]`.
    #[error("dictionary line {line}: '{text}': {message}")]
    Dictionary {
        /// 1-based line.
        line: usize,
        /// The line.
        text: String,
        /// What is wrong.
        message: String,
    },
}

/// Filters of a search.
#[derive(Debug, Clone, Default)]
pub struct Filters {
    /// Only these kinds (all when empty).
    pub kinds: Vec<Kind>,
    /// Only this high-tech field key.
    pub field: Option<String>,
    /// Only this province.
    pub region: Option<Province>,
    /// TRL at least.
    pub trl_min: Option<u8>,
    /// TRL at most.
    pub trl_max: Option<u8>,
    /// Price (or budget) at most, ¥10k.
    pub price_max: Option<f64>,
    /// The kind-specific type: transfer mode (achievements), class I/II (patents), category
    /// (services), cooperation mode (demands).
    pub kind_type: Option<String>,
    /// Only open demands, valid patents, available experts and instruments.
    pub available_only: bool,
}

/// One search hit.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Hit {
    /// Position of the document in the catalogue's [`Doc`] list.
    pub doc: usize,
    /// BM25 score.
    pub score: f32,
    /// The title with the words that matched.
    pub title: Highlighted,
    /// A fragment of the text with the words that matched.
    pub snippet: Highlighted,
}

/// Text with the byte ranges that matched a query: typed, so that each front end marks them its
/// own way (a page in `<b>` through its templates, the terminal in bold) and none parses HTML.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Highlighted {
    /// The text.
    pub text: String,
    /// Matched byte ranges: sorted, not overlapping, on character boundaries.
    pub marks: Vec<(usize, usize)>,
}

impl Highlighted {
    /// Text with nothing marked.
    pub fn plain(text: &str) -> Highlighted {
        Highlighted {
            text: text.to_string(),
            marks: Vec::new(),
        }
    }

    /// Text with marks, which are sorted, merged where they overlap and dropped where they do
    /// not fall on character boundaries of the text.
    pub fn new(
        text: &str,
        ranges: impl IntoIterator<Item = std::ops::Range<usize>>,
    ) -> Highlighted {
        let mut ranges: Vec<(usize, usize)> = ranges
            .into_iter()
            .filter(|r| {
                r.start < r.end && text.is_char_boundary(r.start) && text.is_char_boundary(r.end)
            })
            .map(|r| (r.start, r.end))
            .collect();
        ranges.sort_unstable();
        let mut marks: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
        for (a, b) in ranges {
            match marks.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => marks.push((a, b)),
            }
        }
        Highlighted {
            text: text.to_string(),
            marks,
        }
    }

    /// The text in pieces, each with whether it matched.
    pub fn segments(&self) -> Vec<(&str, bool)> {
        let mut out = Vec::with_capacity(self.marks.len() * 2 + 1);
        let mut at = 0;
        for &(a, b) in &self.marks {
            if a > at {
                out.push((&self.text[at..a], false));
            }
            out.push((&self.text[a..b], true));
            at = b;
        }
        if at < self.text.len() {
            out.push((&self.text[at..], false));
        }
        out
    }

    /// HTML with the matched pieces in bold and everything escaped (for the API's clients).
    pub fn to_html(&self) -> String {
        maud::html! {
            @for (piece, matched) in self.segments() {
                @if matched { b { (piece) } } @else { (piece) }
            }
        }
        .into_string()
    }
}

struct Fields {
    ord: Field,
    kind: Field,
    title: Field,
    body: Field,
    field: Field,
    region: Field,
    trl: Field,
    price: Field,
    available: Field,
    kind_type: Field,
}

/// A searchable catalogue.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    analyzer: TextAnalyzer,
    docs: Vec<Doc>,
}

/// jieba in search mode as a tantivy tokenizer, sharing one dictionary between its clones.
#[derive(Clone)]
pub struct JiebaTokenizer {
    jieba: Arc<Jieba>,
}

/// The tokens of one text.
pub struct JiebaStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for JiebaStream {
    fn advance(&mut self) -> bool {
        if self.next < self.tokens.len() {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next.saturating_sub(1)]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next.saturating_sub(1)]
    }
}

impl Tokenizer for JiebaTokenizer {
    type TokenStream<'a> = JiebaStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> JiebaStream {
        let base = text.as_ptr() as usize;
        let mut tokens: Vec<Token> = self
            .jieba
            .tokenize(text, TokenizeMode::Search, true)
            .into_iter()
            .map(|t| {
                let from = t.word.as_ptr() as usize - base;
                Token {
                    offset_from: from,
                    offset_to: from + t.word.len(),
                    position: t.start,
                    text: t.word.to_string(),
                    position_length: t.end - t.start,
                }
            })
            .collect();
        if tokens.is_empty() {
            // A stream must have a current token to point at even before the first advance.
            tokens.push(Token::default());
            return JiebaStream { tokens, next: 1 };
        }
        JiebaStream { tokens, next: 0 }
    }
}

/// A jieba instance with the domain dictionary and any extra words (`word [freq]` per line).
pub fn jieba(extra: Option<&str>) -> Result<Jieba, SearchError> {
    let mut jieba = Jieba::new();
    for text in std::iter::once(DOMAIN_DICTIONARY).chain(extra) {
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.split_whitespace();
            let word = parts.next().unwrap_or_default();
            let freq = match parts.next() {
                Some(f) => Some(f.parse::<usize>().map_err(|_| SearchError::Dictionary {
                    line: i + 1,
                    text: line.into(),
                    message: "the frequency is not a whole number".into(),
                })?),
                None => None,
            };
            jieba.add_word(word, freq, None);
        }
    }
    Ok(jieba)
}

/// The analyzer: jieba in search mode, lower-cased, over-long tokens dropped.
pub fn analyzer(extra: Option<&str>) -> Result<TextAnalyzer, SearchError> {
    Ok(TextAnalyzer::builder(JiebaTokenizer {
        jieba: Arc::new(jieba(extra)?),
    })
    .filter(RemoveLongFilter::limit(40))
    .filter(LowerCaser)
    .build())
}

/// The distinct words of a text as the index sees them, without punctuation and white space.
pub fn words(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        let t = stream.token().text.trim();
        if t.is_empty() || !t.chars().any(char::is_alphanumeric) {
            continue;
        }
        if seen.insert(t.to_string()) {
            out.push(t.to_string());
        }
    }
    out
}

impl SearchIndex {
    /// Indexes the documents in memory (`extra_words`: more dictionary lines).
    pub fn build(docs: Vec<Doc>, extra_words: Option<&str>) -> Result<SearchIndex, SearchError> {
        let mut schema = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let fields = Fields {
            ord: schema.add_u64_field("ord", STORED | FAST),
            kind: schema.add_text_field("kind", STRING),
            title: schema.add_text_field("title", text.clone()),
            body: schema.add_text_field("body", text),
            field: schema.add_text_field("field", STRING),
            region: schema.add_text_field("region", STRING),
            trl: schema.add_u64_field("trl", INDEXED | FAST),
            price: schema.add_f64_field("price", INDEXED | FAST),
            available: schema.add_u64_field("available", INDEXED),
            kind_type: schema.add_text_field("kind_type", STRING),
        };
        let index = Index::create_in_ram(schema.build());
        let analyzer = analyzer(extra_words)?;
        index.tokenizers().register(ANALYZER, analyzer.clone());
        let mut writer = index.writer_with_num_threads::<TantivyDocument>(2, 256 << 20)?;
        for (i, d) in docs.iter().enumerate() {
            let mut doc = TantivyDocument::new();
            doc.add_u64(fields.ord, i as u64);
            doc.add_text(fields.kind, d.kind.key());
            doc.add_text(fields.title, &d.title);
            doc.add_text(fields.body, &d.body);
            for f in &d.fields {
                doc.add_text(fields.field, f);
            }
            doc.add_text(fields.region, d.region.key());
            if let Some(t) = d.trl {
                doc.add_u64(fields.trl, u64::from(t));
            }
            if let Some(p) = d.price {
                doc.add_f64(fields.price, p);
            }
            doc.add_u64(fields.available, u64::from(d.available));
            doc.add_text(fields.kind_type, &d.kind_type);
            writer.add_document(doc)?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        Ok(SearchIndex {
            index,
            reader,
            fields,
            analyzer,
            docs,
        })
    }

    /// The indexed documents, by position.
    pub fn docs(&self) -> &[Doc] {
        &self.docs
    }

    /// The words of a text as the index sees them.
    pub fn words(&self, text: &str) -> Vec<String> {
        words(&mut self.analyzer.clone(), text)
    }

    fn filter_queries(&self, f: &Filters) -> Vec<(Occur, Box<dyn Query>)> {
        let term = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !f.kinds.is_empty() {
            let any: Vec<(Occur, Box<dyn Query>)> = f
                .kinds
                .iter()
                .map(|k| (Occur::Should, term(self.fields.kind, k.key())))
                .collect();
            out.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if let Some(field) = &f.field {
            out.push((Occur::Must, term(self.fields.field, field)));
        }
        if let Some(t) = &f.kind_type {
            out.push((Occur::Must, term(self.fields.kind_type, t)));
        }
        if let Some(r) = f.region {
            out.push((Occur::Must, term(self.fields.region, r.key())));
        }
        if f.trl_min.is_some() || f.trl_max.is_some() {
            let lo = f.trl_min.map_or(Bound::Unbounded, |v| {
                Bound::Included(Term::from_field_u64(self.fields.trl, u64::from(v)))
            });
            let hi = f.trl_max.map_or(Bound::Unbounded, |v| {
                Bound::Included(Term::from_field_u64(self.fields.trl, u64::from(v)))
            });
            out.push((Occur::Must, Box::new(RangeQuery::new(lo, hi))));
        }
        if let Some(p) = f.price_max {
            out.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Unbounded,
                    Bound::Included(Term::from_field_f64(self.fields.price, p)),
                )),
            ));
        }
        if f.available_only {
            out.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_u64(self.fields.available, 1),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        out
    }

    /// The text query: each word in the title (counting double) or the text, BM25-scored.
    fn text_query(&self, words: &[String]) -> Option<Box<dyn Query>> {
        if words.is_empty() {
            return None;
        }
        let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for w in words {
            any.push((
                Occur::Should,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(self.fields.title, w),
                        IndexRecordOption::WithFreqs,
                    )),
                    2.0,
                )),
            ));
            any.push((
                Occur::Should,
                Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.body, w),
                    IndexRecordOption::WithFreqs,
                )),
            ));
        }
        Some(Box::new(BooleanQuery::new(any)))
    }

    /// Searches: the best `limit` documents for the words of `text` under the filters (all
    /// documents under the filters, in index order, when the text has no words).
    pub fn search(
        &self,
        text: &str,
        filters: &Filters,
        limit: usize,
    ) -> Result<Vec<Hit>, SearchError> {
        let words = self.words(text);
        self.search_words(&words, filters, limit, true)
    }

    /// The query for `words` under `filters` (every document under them when there are no words).
    fn query(&self, words: &[String], filters: &Filters) -> Box<dyn Query> {
        let text = self.text_query(words);
        let mut clauses = self.filter_queries(filters);
        match (text, clauses.is_empty()) {
            (Some(t), true) => t,
            (Some(t), false) => {
                clauses.push((Occur::Must, t));
                Box::new(BooleanQuery::new(clauses))
            }
            (None, true) => Box::new(AllQuery),
            (None, false) => {
                clauses.push((Occur::Must, Box::new(AllQuery)));
                Box::new(BooleanQuery::new(clauses))
            }
        }
    }

    /// How many documents [`SearchIndex::search`] would find for `text` under `filters`, whatever the
    /// limit.
    pub fn count(&self, text: &str, filters: &Filters) -> Result<usize, SearchError> {
        let query = self.query(&self.words(text), filters);
        Ok(self
            .reader
            .searcher()
            .search(&query, &tantivy::collector::Count)?)
    }

    /// Searches by words already cut; `highlight` adds the snippets.
    pub fn search_words(
        &self,
        words: &[String],
        filters: &Filters,
        limit: usize,
        highlight: bool,
    ) -> Result<Vec<Hit>, SearchError> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let query = self.query(words, filters);
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit).order_by_score())?;
        let generators = if highlight {
            let mut t = SnippetGenerator::create(&searcher, &*query, self.fields.title)?;
            t.set_max_num_chars(200);
            let mut b = SnippetGenerator::create(&searcher, &*query, self.fields.body)?;
            b.set_max_num_chars(160);
            Some((t, b))
        } else {
            None
        };
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let column = searcher
                .segment_reader(address.segment_ord)
                .fast_fields()
                .u64("ord")?;
            let ord = column.first(address.doc_id).unwrap_or(0) as usize;
            let Some(d) = self.docs.get(ord) else {
                continue;
            };
            let (title, snippet) = match &generators {
                Some((t, b)) => {
                    let title = t.snippet(&d.title);
                    let title = if title.is_empty() {
                        Highlighted::plain(&d.title)
                    } else {
                        Highlighted::new(title.fragment(), title.highlighted().iter().cloned())
                    };
                    let body = b.snippet(&d.body);
                    (
                        title,
                        Highlighted::new(body.fragment(), body.highlighted().iter().cloned()),
                    )
                }
                None => (Highlighted::default(), Highlighted::default()),
            };
            hits.push(Hit {
                doc: ord,
                score,
                title,
                snippet,
            });
        }
        Ok(hits)
    }

    /// Number of indexed documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The index itself (for its statistics).
    pub fn index(&self) -> &Index {
        &self.index
    }
}

#[cfg(test)]
mod highlight_tests {
    use super::Highlighted;

    #[test]
    fn marks_are_merged_escaped_and_kept_on_character_boundaries() {
        let h = Highlighted::new("智能<传感>器 & 视觉", [3..6, 0..6, 10..13, 1..2]);
        // 0..6 and 3..6 merge; 1..2 is inside a character and is dropped.
        assert_eq!(h.marks, vec![(0, 6), (10, 13)]);
        assert_eq!(
            h.segments(),
            vec![
                ("智能", true),
                ("<传", false),
                ("感", true),
                (">器 & 视觉", false)
            ]
        );
        assert_eq!(h.to_html(), "<b>智能</b>&lt;传<b>感</b>&gt;器 &amp; 视觉");
        assert_eq!(Highlighted::plain("a<b").to_html(), "a&lt;b");
    }
}
