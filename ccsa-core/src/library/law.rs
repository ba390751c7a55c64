//! The law and standard database (法规标准库): laws, regulations, rules,
//! normative documents and standards, with their codes, dates and status.

use super::search::{SearchTerms, code_key, search_key};
use crate::{Error, ErrorCode, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A document's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct LawId(pub i64);

macro_rules! zh_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident = $zh:literal),* $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name { $($(#[$vm])* $v),* }

        impl $name {
            /// Every value, in order.
            pub const ALL: &'static [$name] = &[$($name::$v),*];

            /// The Chinese name.
            pub const fn as_zh(self) -> &'static str {
                match self { $($name::$v => $zh),* }
            }

            /// Parses the Chinese name (surrounding spaces ignored).
            pub fn parse(s: &str) -> Option<$name> {
                match s.trim() { $($zh => Some($name::$v),)* _ => None }
            }
        }
    };
}

zh_enum! {
    /// What kind of document (文件类型).
    DocKind {
        /// 法律
        Law = "法律",
        /// 行政法规
        AdministrativeRegulation = "行政法规",
        /// 部门规章
        DepartmentalRule = "部门规章",
        /// 规范性文件
        NormativeDocument = "规范性文件",
        /// 国家标准
        NationalStandard = "国家标准",
        /// 行业标准
        IndustryStandard = "行业标准",
        /// 地方标准
        LocalStandard = "地方标准",
    }
}

zh_enum! {
    /// Whether a document applies on a given day (时效性).
    DocStatus {
        /// 现行: in force.
        InForce = "现行",
        /// 废止: repealed or superseded.
        Repealed = "废止",
        /// 即将实施: published, not yet in force.
        Upcoming = "即将实施",
    }
}

/// A document to add to the database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewLawDoc {
    /// 文号或标准号: `GB 30871-2022`, `国务院令第591号`, `主席令第88号`.
    pub code: String,
    /// 标题
    pub title: String,
    /// 类型
    pub kind: DocKind,
    /// 发布机关
    pub issuer: String,
    /// 发布日期
    pub issued_on: NaiveDate,
    /// 实施日期
    pub effective_on: NaiveDate,
    /// 废止日期 (None: not repealed)
    pub repealed_on: Option<NaiveDate>,
    /// 代替文件: the code of the document that replaces this one.
    pub superseded_by: Option<String>,
    /// 摘要
    pub summary: String,
    /// 正文 (or the key clauses)
    pub body: String,
}

impl NewLawDoc {
    /// Checks the fields: `LAW_INVALID` naming the first wrong one.
    pub fn validate(&self) -> Result<()> {
        let bad = |what: &str| Err(Error::new(ErrorCode::LawInvalid).with_note(what.to_string()));
        let chars = |s: &str| s.chars().count();
        if self.code.trim().is_empty() || chars(&self.code) > 60 {
            return bad("文号/标准号为空或过长");
        }
        if self.title.trim().is_empty() || chars(&self.title) > 200 {
            return bad("标题为空或过长");
        }
        if self.issuer.trim().is_empty() || chars(&self.issuer) > 100 {
            return bad("发布机关为空或过长");
        }
        if self.effective_on < self.issued_on {
            return bad("实施日期早于发布日期");
        }
        if self.repealed_on.is_some_and(|r| r < self.effective_on) {
            return bad("废止日期早于实施日期");
        }
        if self
            .superseded_by
            .as_deref()
            .is_some_and(|s| s.trim().is_empty())
        {
            return bad("代替文件编号为空");
        }
        if self.superseded_by.is_some() && self.repealed_on.is_none() {
            return bad("被代替的文件须有废止日期");
        }
        if chars(&self.summary) > 2_000 || chars(&self.body) > 200_000 {
            return bad("摘要或正文过长");
        }
        Ok(())
    }

    /// The status on `day`: 废止 from the repeal date, 即将实施 before the
    /// effective date, 现行 in between.
    pub fn status_on(&self, day: NaiveDate) -> DocStatus {
        match self.repealed_on {
            Some(r) if r <= day => DocStatus::Repealed,
            _ if self.effective_on > day => DocStatus::Upcoming,
            _ => DocStatus::InForce,
        }
    }

    /// The code as it is searched ([`code_key`]).
    pub fn code_key(&self) -> String {
        code_key(&self.code)
    }

    /// This document's score for a query, if it matches (see [`SearchTerms`]).
    pub fn score(&self, terms: &SearchTerms) -> Option<u32> {
        terms.score(&self.code_key(), &self.title, &self.summary, &self.body)
    }

    /// Up to `width` characters of the body around the first term found in
    /// it (or the summary's start), for result lists.
    pub fn snippet(&self, terms: &SearchTerms, width: usize) -> String {
        let body: Vec<char> = self.body.chars().collect();
        let folded: Vec<char> = search_key(&self.body).chars().collect();
        let hit = terms.terms().iter().find_map(|t| {
            let t: Vec<char> = t.chars().collect();
            folded
                .windows(t.len().max(1))
                .position(|w| w == t.as_slice())
        });
        match hit {
            Some(at) if folded.len() == body.len() => {
                let start = at.saturating_sub(width / 3);
                let end = (start + width).min(body.len());
                let mut s: String = body[start..end].iter().collect();
                if start > 0 {
                    s.insert(0, '…');
                }
                if end < body.len() {
                    s.push('…');
                }
                s
            }
            _ => self.summary.chars().take(width).collect(),
        }
    }
}

/// A stored document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LawDoc {
    /// Id.
    pub id: LawId,
    /// The document.
    pub doc: NewLawDoc,
}

/// Which documents a search considers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LawFilter {
    /// Only these kinds (empty: all).
    pub kinds: Vec<DocKind>,
    /// Only this status on the search day (None: any).
    pub status: Option<DocStatus>,
}

impl LawFilter {
    /// Whether a document passes on `day`. Documents issued after `day` are
    /// never shown (they did not exist yet).
    pub fn accepts(&self, doc: &NewLawDoc, day: NaiveDate) -> bool {
        doc.issued_on <= day
            && (self.kinds.is_empty() || self.kinds.contains(&doc.kind))
            && self.status.is_none_or(|s| doc.status_on(day) == s)
    }
}

/// One page of search results, best first, and how many matched in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LawPage {
    /// Documents matching the query and filter.
    pub total: usize,
    /// This page: (document, score).
    pub matches: Vec<(LawDoc, u32)>,
}

/// Search results as shown to a trainee: how many matched, and one page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LawResults {
    /// Documents matching the query and filter.
    pub total: usize,
    /// This page, best first.
    pub hits: Vec<LawHit>,
}

/// One search result as shown to a trainee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LawHit {
    /// Id.
    pub id: LawId,
    /// 文号/标准号
    pub code: String,
    /// 标题
    pub title: String,
    /// 类型
    pub kind: DocKind,
    /// 发布机关
    pub issuer: String,
    /// 实施日期
    pub effective_on: NaiveDate,
    /// 时效性 on the search day
    pub status: DocStatus,
    /// 代替文件
    pub superseded_by: Option<String>,
    /// The score (see [`SearchTerms`]).
    pub score: u32,
    /// Text around the first match.
    pub snippet: String,
}

impl LawHit {
    /// The hit for a stored document found with `score`, its status taken on `day`.
    pub fn new(doc: LawDoc, score: u32, terms: &SearchTerms, day: NaiveDate) -> LawHit {
        let snippet = doc.doc.snippet(terms, SNIPPET_CHARS);
        let status = doc.doc.status_on(day);
        let d = doc.doc;
        LawHit {
            id: doc.id,
            code: d.code,
            title: d.title,
            kind: d.kind,
            issuer: d.issuer,
            effective_on: d.effective_on,
            status,
            superseded_by: d.superseded_by,
            score,
            snippet,
        }
    }
}

/// Characters of body text in a hit's snippet.
pub const SNIPPET_CHARS: usize = 80;

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> NewLawDoc {
        NewLawDoc {
            code: "GB 30871-2014".into(),
            title: "化学品生产单位特殊作业安全规范".into(),
            kind: DocKind::NationalStandard,
            issuer: "国家质量监督检验检疫总局、国家标准化管理委员会".into(),
            issued_on: "2014-07-24".parse().unwrap(),
            effective_on: "2015-06-01".parse().unwrap(),
            repealed_on: Some("2022-10-01".parse().unwrap()),
            superseded_by: Some("GB 30871-2022".into()),
            summary: "规定了化学品生产单位动火、受限空间等特殊作业的安全要求。".into(),
            body: "动火作业是指直接或间接产生明火的工艺设备以外的非常规作业。".into(),
        }
    }

    #[test]
    fn status_follows_the_dates() {
        let d = doc();
        assert_eq!(
            d.status_on("2015-05-31".parse().unwrap()),
            DocStatus::Upcoming
        );
        assert_eq!(
            d.status_on("2015-06-01".parse().unwrap()),
            DocStatus::InForce
        );
        assert_eq!(
            d.status_on("2022-10-01".parse().unwrap()),
            DocStatus::Repealed
        );
        assert!(d.validate().is_ok());
    }

    #[test]
    fn validation_names_the_field() {
        let mut d = doc();
        d.repealed_on = None;
        assert_eq!(d.validate().unwrap_err().code(), ErrorCode::LawInvalid);
        let mut d = doc();
        d.effective_on = "2014-01-01".parse().unwrap();
        assert!(format!("{}", d.validate().unwrap_err()).contains("实施日期"));
        assert_eq!(
            DocKind::parse(" 国家标准 "),
            Some(DocKind::NationalStandard)
        );
        assert_eq!(DocStatus::parse("作废"), None);
    }

    #[test]
    fn snippet_centres_on_the_match() {
        let d = doc();
        let t = SearchTerms::parse("明火").unwrap();
        let s = d.snippet(&t, 10);
        assert!(s.contains("明火"), "{s}");
        let none = SearchTerms::parse("30871").unwrap();
        assert!(d.snippet(&none, 6).starts_with("规定了化学品"));
    }
}
