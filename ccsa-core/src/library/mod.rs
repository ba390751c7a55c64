//! Learning content (学习资料) beyond the daily quiz: the law and standard
//! database (法规标准库) with Chinese full-text search.
//!
//! ```
//! use ccsa_core::library::{sample_laws, DocStatus, SearchTerms};
//!
//! let laws = sample_laws();
//! let terms = SearchTerms::parse("特殊作业")?;
//! let today = "2024-01-01".parse().unwrap();
//! let mut hits: Vec<_> = laws.iter().filter_map(|d| Some((d.score(&terms)?, d))).collect();
//! hits.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.effective_on.cmp(&a.1.effective_on)));
//! assert_eq!(hits[0].1.code, "GB 30871-2022");
//! assert_eq!(hits[0].1.status_on(today), DocStatus::InForce);
//! assert_eq!(hits[1].1.status_on(today), DocStatus::Repealed); // GB 30871-2014
//! # Ok::<(), ccsa_core::Error>(())
//! ```

mod law;
mod search;

pub use law::{
    DocKind, DocStatus, LawDoc, LawFilter, LawHit, LawId, LawPage, LawResults, NewLawDoc,
    SNIPPET_CHARS,
};
pub use search::{
    MAX_TERM_CHARS, MAX_TERMS, NgramIndex, SearchTerms, WEIGHT_BODY, WEIGHT_CODE, WEIGHT_SUMMARY,
    WEIGHT_TITLE, bigram_tokens, code_key, is_bigram_term, search_key,
};

mod samples;
pub use samples::sample_laws;
