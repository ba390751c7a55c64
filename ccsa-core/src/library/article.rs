//! Articles: 安全五分钟 (safety five minutes, national) and each enterprise's
//! own knowledge base (企业自主知识库, visible only to that org's members);
//! featured topics (精选专题) that collect articles, laws and questions.

use super::LawId;
use crate::quiz::QuestionId;
use crate::registry::OrgId;
use crate::{Error, ErrorCode, Result};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// An article's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ArticleId(pub i64);

/// Where an article is published, which decides who may read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Shelf {
    /// 安全五分钟: the coordination office's articles, for everyone.
    SafetyFiveMinutes,
    /// 企业知识库: one org's own articles, for its members and admin only.
    KnowledgeBase(OrgId),
}

impl Shelf {
    /// Whether a reader of `org` (None: not bound to any org) may read it.
    pub fn visible_to(self, org: Option<OrgId>) -> bool {
        match self {
            Shelf::SafetyFiveMinutes => true,
            Shelf::KnowledgeBase(owner) => org == Some(owner),
        }
    }

    /// The owning org of a knowledge-base article.
    pub fn org(self) -> Option<OrgId> {
        match self {
            Shelf::SafetyFiveMinutes => None,
            Shelf::KnowledgeBase(o) => Some(o),
        }
    }
}

/// Most tags on one article.
pub const MAX_TAGS: usize = 10;

/// An article to publish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewArticle {
    /// Where it is published.
    pub shelf: Shelf,
    /// 标题
    pub title: String,
    /// 正文
    pub body: String,
    /// 阅读时长 (minutes, 1–60)
    pub minutes: u8,
    /// 标签
    pub tags: Vec<String>,
    /// 发布日期
    pub published_on: NaiveDate,
}

impl NewArticle {
    /// Checks the fields: `ARTICLE_INVALID` naming the first wrong one.
    pub fn validate(&self) -> Result<()> {
        let bad =
            |what: &str| Err(Error::new(ErrorCode::ArticleInvalid).with_note(what.to_string()));
        let chars = |s: &str| s.chars().count();
        if self.title.trim().is_empty() || chars(&self.title) > 100 {
            return bad("标题为空或超过100字");
        }
        if self.body.trim().is_empty() || chars(&self.body) > 50_000 {
            return bad("正文为空或超过5万字");
        }
        if !(1..=60).contains(&self.minutes) {
            return bad("阅读时长应为1-60分钟");
        }
        if self.tags.len() > MAX_TAGS
            || self
                .tags
                .iter()
                .any(|t| t.trim().is_empty() || chars(t) > 20)
        {
            return bad("标签最多10个，每个1-20字");
        }
        Ok(())
    }
}

/// A published article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// Id.
    pub id: ArticleId,
    /// The article.
    pub article: NewArticle,
}

/// A featured topic's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TopicId(pub i64);

/// One entry of a featured topic, in the order readers see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TopicItem {
    /// A safety-five-minutes article.
    Article(ArticleId),
    /// A law or standard.
    Law(LawId),
    /// A question set to practise (not scored).
    Questions(Vec<QuestionId>),
}

/// A featured topic (精选专题) to publish.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTopic {
    /// 标题
    pub title: String,
    /// 导语 (cover text)
    pub cover: String,
    /// Entries, in order.
    pub items: Vec<TopicItem>,
    /// Position among topics (lower first).
    pub position: i32,
}

impl NewTopic {
    /// Checks the fields: `TOPIC_INVALID` naming the first wrong one (the
    /// store checks that the items exist and are national content).
    pub fn validate(&self) -> Result<()> {
        let bad = |what: &str| Err(Error::new(ErrorCode::TopicInvalid).with_note(what.to_string()));
        if self.title.trim().is_empty() || self.title.chars().count() > 100 {
            return bad("标题为空或超过100字");
        }
        if self.cover.chars().count() > 2_000 {
            return bad("导语超过2000字");
        }
        if self.items.is_empty() || self.items.len() > 100 {
            return bad("专题应有1-100项内容");
        }
        if self
            .items
            .iter()
            .any(|i| matches!(i, TopicItem::Questions(q) if q.is_empty() || q.len() > 100))
        {
            return bad("每组练习题应有1-100题");
        }
        Ok(())
    }
}

/// A published featured topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Topic {
    /// Id.
    pub id: TopicId,
    /// The topic.
    pub topic: NewTopic,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article() -> NewArticle {
        NewArticle {
            shelf: Shelf::SafetyFiveMinutes,
            title: "动火作业前的五个确认".into(),
            body: "动火前先确认作业许可。".into(),
            minutes: 5,
            tags: vec!["动火".into()],
            published_on: "2020-04-01".parse().unwrap(),
        }
    }

    #[test]
    fn visibility_follows_the_shelf() {
        let kb = Shelf::KnowledgeBase(OrgId(7));
        assert!(kb.visible_to(Some(OrgId(7))));
        assert!(!kb.visible_to(Some(OrgId(8))) && !kb.visible_to(None));
        assert!(Shelf::SafetyFiveMinutes.visible_to(None));
    }

    #[test]
    fn validation() {
        assert!(article().validate().is_ok());
        for broken in [
            NewArticle {
                title: " ".into(),
                ..article()
            },
            NewArticle {
                minutes: 0,
                ..article()
            },
            NewArticle {
                tags: vec!["".into()],
                ..article()
            },
            NewArticle {
                tags: vec!["t".into(); 11],
                ..article()
            },
        ] {
            assert_eq!(
                broken.validate().unwrap_err().code(),
                ErrorCode::ArticleInvalid
            );
        }
        let topic = NewTopic {
            title: "受限空间作业".into(),
            cover: String::new(),
            items: vec![TopicItem::Questions(vec![])],
            position: 0,
        };
        assert_eq!(
            topic.validate().unwrap_err().code(),
            ErrorCode::TopicInvalid
        );
    }
}
