//! Chinese full-text search without a word segmenter (全文检索): queries are
//! split into terms on whitespace; a document matches when **every** term is
//! a substring of its code, title, summary or body (case- and
//! width-insensitive). One scoring rule, the same on every backend:
//!
//! | where the term is found first | weight |
//! |---|---|
//! | code (文号/标准号, spaces ignored) | [`WEIGHT_CODE`] = 8 |
//! | title | [`WEIGHT_TITLE`] = 4 |
//! | summary | [`WEIGHT_SUMMARY`] = 2 |
//! | body | [`WEIGHT_BODY`] = 1 |
//!
//! A document's score is the sum over terms; results are ordered by score
//! (high first), then effective date (newest first), then id. Indexes only
//! narrow the candidates (SQLite FTS5 `trigram`, PostgreSQL `pg_trgm`,
//! [`NgramIndex`] in memory); the score decides the order.
//!
//! ```
//! use ccsa_core::library::{code_key, SearchTerms};
//!
//! let q = SearchTerms::parse("  ＧＢ 30871　动火 ")?;
//! assert_eq!(q.terms(), ["gb", "30871", "动火"]);
//! let code = code_key("GB 30871-2022");
//! assert_eq!(code, "gb30871-2022");
//! assert_eq!(q.score(&code, "危险化学品企业特殊作业安全规范", "", "动火作业"), Some(8 + 8 + 1));
//! assert_eq!(q.score(&code_key("GB 18218-2018"), "危险化学品重大危险源辨识", "", ""), None);
//! # Ok::<(), ccsa_core::Error>(())
//! ```

use crate::identity::fold_width;
use crate::{Error, ErrorCode, Result};
use std::collections::HashMap;

/// Weight of a term found in the document's code.
pub const WEIGHT_CODE: u32 = 8;
/// Weight of a term found in the title (and not the code).
pub const WEIGHT_TITLE: u32 = 4;
/// Weight of a term found in the summary (and not the code or title).
pub const WEIGHT_SUMMARY: u32 = 2;
/// Weight of a term found only in the body.
pub const WEIGHT_BODY: u32 = 1;

/// Most terms in one query.
pub const MAX_TERMS: usize = 8;
/// Longest term, in characters.
pub const MAX_TERM_CHARS: usize = 50;

/// Text as it is searched: full-width ASCII folded, lowercase.
pub fn search_key(text: &str) -> String {
    fold_width(text).to_lowercase()
}

/// A document code as it is searched: [`search_key`] without whitespace
/// (`GB 30871-2022` → `gb30871-2022`).
pub fn code_key(code: &str) -> String {
    search_key(code)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Whether a term is looked up in a bigram index: exactly two characters,
/// both letters or digits (shorter terms, and pairs with punctuation, are
/// checked by scanning; longer terms use the trigram index).
pub fn is_bigram_term(term: &str) -> bool {
    let mut chars = term.chars();
    matches!(
        (chars.next(), chars.next(), chars.next()),
        (Some(a), Some(b), None) if a.is_alphanumeric() && b.is_alphanumeric()
    )
}

/// The distinct pairs of adjacent letters or digits in folded fields, in
/// order of first appearance: the tokens of the SQL backends' bigram index
/// (a space-separated list for SQLite FTS5, a `text[]` for PostgreSQL).
pub fn bigram_tokens(fields: &[&str]) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for f in fields {
        let chars: Vec<char> = f.chars().collect();
        for w in chars.windows(2) {
            if w[0].is_alphanumeric() && w[1].is_alphanumeric() && seen.insert((w[0], w[1])) {
                out.push(w.iter().collect());
            }
        }
    }
    out
}

/// A parsed query: its terms, folded, deduplicated, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchTerms(Vec<String>);

impl SearchTerms {
    /// Splits a query into terms. `SEARCH_QUERY_INVALID` when it has no
    /// term, more than [`MAX_TERMS`], or a term longer than [`MAX_TERM_CHARS`].
    pub fn parse(query: &str) -> Result<SearchTerms> {
        let mut terms: Vec<String> = Vec::new();
        for t in search_key(query).split_whitespace() {
            if t.chars().count() > MAX_TERM_CHARS {
                return Err(Error::new(ErrorCode::SearchQueryInvalid)
                    .with_note(format!("每个关键词不超过{MAX_TERM_CHARS}个字")));
            }
            if t.chars().any(char::is_control) {
                return Err(ErrorCode::SearchQueryInvalid.into());
            }
            if !terms.iter().any(|x| x == t) {
                terms.push(t.to_string());
            }
        }
        if terms.is_empty() || terms.len() > MAX_TERMS {
            return Err(Error::new(ErrorCode::SearchQueryInvalid)
                .with_note(format!("请输入1-{MAX_TERMS}个关键词")));
        }
        Ok(SearchTerms(terms))
    }

    /// The terms.
    pub fn terms(&self) -> &[String] {
        &self.0
    }

    /// The score of a document (see the module docs), `None` when a term is
    /// missing. `code_key` is [`code_key`] of the code; the other fields as
    /// stored (they are folded here).
    pub fn score(&self, code_key: &str, title: &str, summary: &str, body: &str) -> Option<u32> {
        let (title, summary, body) = (search_key(title), search_key(summary), search_key(body));
        self.score_keys(code_key, &title, &summary, &body)
    }

    /// [`SearchTerms::score`] over fields already folded with [`search_key`].
    pub fn score_keys(&self, code: &str, title: &str, summary: &str, body: &str) -> Option<u32> {
        self.0.iter().try_fold(0, |sum, t| {
            let w = if code.contains(t.as_str()) {
                WEIGHT_CODE
            } else if title.contains(t.as_str()) {
                WEIGHT_TITLE
            } else if summary.contains(t.as_str()) {
                WEIGHT_SUMMARY
            } else if body.contains(t.as_str()) {
                WEIGHT_BODY
            } else {
                return None;
            };
            Some(sum + w)
        })
    }
}

/// An in-memory character-bigram index (for `MemoryStore`): every pair of
/// adjacent characters of a document's folded text points to the document,
/// so a term of two or more characters narrows to the documents holding all
/// of its bigrams; one-character terms match everything (the score check
/// decides).
#[derive(Debug, Default, Clone)]
pub struct NgramIndex {
    postings: HashMap<(char, char), Vec<i64>>,
}

impl NgramIndex {
    /// Adds a document's folded fields (ids must be added in increasing order).
    pub fn add(&mut self, id: i64, fields: &[&str]) {
        for f in fields {
            let chars: Vec<char> = f.chars().collect();
            for w in chars.windows(2) {
                let list = self.postings.entry((w[0], w[1])).or_default();
                if list.last() != Some(&id) {
                    list.push(id);
                }
            }
        }
    }

    /// The documents that may contain every term; `None` when no term has
    /// two characters (every document may).
    pub fn candidates(&self, terms: &SearchTerms) -> Option<Vec<i64>> {
        let mut out: Option<Vec<i64>> = None;
        for t in terms.terms() {
            let chars: Vec<char> = t.chars().filter(|c| !c.is_whitespace()).collect();
            for w in chars.windows(2) {
                let list = self
                    .postings
                    .get(&(w[0], w[1]))
                    .map(Vec::as_slice)
                    .unwrap_or(&[]);
                out = Some(match out {
                    None => list.to_vec(),
                    Some(prev) => intersect(&prev, list),
                });
                if out.as_ref().is_some_and(Vec::is_empty) {
                    return out;
                }
            }
        }
        out
    }
}

fn intersect(a: &[i64], b: &[i64]) -> Vec<i64> {
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bigram_tokens_skip_punctuation() {
        assert_eq!(
            bigram_tokens(&["动火、动火作业", "gb30871"]),
            ["动火", "火作", "作业", "gb", "b3", "30", "08", "87", "71"]
        );
        assert!(is_bigram_term("动火") && is_bigram_term("a1"));
        assert!(!is_bigram_term("、再") && !is_bigram_term("火") && !is_bigram_term("动火作"));
    }

    #[test]
    fn terms_and_errors() {
        assert_eq!(
            SearchTerms::parse("动火 动火  受限空间").unwrap().terms(),
            ["动火", "受限空间"]
        );
        for bad in ["", "   ", &"长".repeat(51), "a b c d e f g h i"] {
            assert_eq!(
                SearchTerms::parse(bad).unwrap_err().code(),
                ErrorCode::SearchQueryInvalid,
                "{bad}"
            );
        }
    }

    #[test]
    fn index_narrows_without_losing_matches() {
        let docs = [
            (
                1,
                "gb30871-2022",
                "危险化学品企业特殊作业安全规范",
                "动火作业、受限空间作业",
            ),
            (2, "gb18218-2018", "危险化学品重大危险源辨识", "临界量"),
            (
                3,
                "aq3013-2008",
                "危险化学品从业单位安全标准化通用规范",
                "动火",
            ),
        ];
        let mut idx = NgramIndex::default();
        for (id, c, t, b) in docs {
            idx.add(id, &[c, t, b]);
        }
        for q in [
            "动火",
            "危险化学品",
            "30871",
            "临界量",
            "火",
            "不存在的词",
            "gb 动火",
        ] {
            let terms = SearchTerms::parse(q).unwrap();
            let expected: Vec<i64> = docs
                .iter()
                .filter(|(_, c, t, b)| terms.score_keys(c, t, "", b).is_some())
                .map(|d| d.0)
                .collect();
            let found: Vec<i64> = match idx.candidates(&terms) {
                None => docs.iter().map(|d| d.0).collect(),
                Some(c) => c,
            }
            .into_iter()
            .filter(|id| {
                let (_, c, t, b) = docs.iter().find(|d| d.0 == *id).unwrap();
                terms.score_keys(c, t, "", b).is_some()
            })
            .collect();
            assert_eq!(found, expected, "{q}");
        }
    }
}
