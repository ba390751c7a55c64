//! Learning content (学习资料) beyond the daily quiz:
//!
//! | file | 中文 | what |
//! |---|---|---|
//! | `law` | 法规标准库 | laws, regulations, standards; status on a day; superseding editions |
//! | `search` | 全文检索 | substring search without a word segmenter, one scoring rule |
//! | `article` | 安全五分钟、企业知识库、精选专题 | articles (national, or one org's only), featured topics |
//! | `accident` | 历史上的今天 | accident records by month and day, with sources |
//! | `samples` | 样例内容 | 27 laws and standards, 10 articles, 16 accident records |
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

mod accident;
mod article;
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

pub use accident::{Accident, AccidentId, NewAccident, calendar_keys};
pub use article::{
    Article, ArticleId, MAX_TAGS, NewArticle, NewTopic, Shelf, Topic, TopicId, TopicItem,
};

mod samples;
pub use samples::{sample_accidents, sample_articles, sample_laws, sample_topic};
