//! `MemoryStore`'s articles, featured topics and accident records.

use crate::library::{
    Accident, AccidentId, Article, ArticleId, NewAccident, NewArticle, NewTopic, Shelf, Topic,
    TopicId, TopicItem,
};
use crate::quiz::{BankOwner, Question, QuestionId};
use crate::registry::OrgId;
use crate::{ErrorCode, Result};
use chrono::Datelike;
use std::collections::BTreeMap;

/// Articles, topics and accident records.
#[derive(Debug, Default)]
pub(super) struct Content {
    articles: BTreeMap<ArticleId, Article>,
    topics: BTreeMap<TopicId, Topic>,
    accidents: BTreeMap<AccidentId, Accident>,
}

impl Content {
    pub(super) fn insert_articles(
        &mut self,
        articles: Vec<NewArticle>,
        org_exists: impl Fn(OrgId) -> bool,
        mut next_id: impl FnMut() -> i64,
    ) -> Result<Vec<Article>> {
        for a in &articles {
            a.validate()?;
            if a.shelf.org().is_some_and(|o| !org_exists(o)) {
                return Err(ErrorCode::OrgNotFound.into());
            }
        }
        Ok(articles
            .into_iter()
            .map(|article| {
                let a = Article {
                    id: ArticleId(next_id()),
                    article,
                };
                self.articles.insert(a.id, a.clone());
                a
            })
            .collect())
    }

    pub(super) fn article(&self, id: ArticleId) -> Option<Article> {
        self.articles.get(&id).cloned()
    }

    pub(super) fn visible(&self, org: Option<OrgId>, offset: usize, limit: usize) -> Vec<Article> {
        let mut v: Vec<&Article> = self
            .articles
            .values()
            .filter(|a| a.article.shelf.visible_to(org))
            .collect();
        v.sort_by(|a, b| {
            b.article
                .published_on
                .cmp(&a.article.published_on)
                .then(b.id.cmp(&a.id))
        });
        v.into_iter().skip(offset).take(limit).cloned().collect()
    }

    pub(super) fn delete_article(&mut self, org: OrgId, id: ArticleId) -> Result<()> {
        match self.articles.get(&id) {
            Some(a) if a.article.shelf == Shelf::KnowledgeBase(org) => {
                self.articles.remove(&id);
                Ok(())
            }
            _ => Err(ErrorCode::ArticleNotFound.into()),
        }
    }

    pub(super) fn insert_topic(
        &mut self,
        topic: NewTopic,
        law_exists: impl Fn(crate::library::LawId) -> bool,
        questions: &BTreeMap<QuestionId, Question>,
        id: i64,
    ) -> Result<Topic> {
        topic.validate()?;
        let ok = topic.items.iter().all(|item| match item {
            TopicItem::Article(a) => self
                .articles
                .get(a)
                .is_some_and(|a| a.article.shelf == Shelf::SafetyFiveMinutes),
            TopicItem::Law(l) => law_exists(*l),
            TopicItem::Questions(qs) => qs.iter().all(|q| {
                questions
                    .get(q)
                    .is_some_and(|q| q.body.owner == BankOwner::National)
            }),
        });
        if !ok {
            return Err(crate::Error::new(ErrorCode::TopicInvalid)
                .with_note("引用的文章、法规或题目不存在或不是公共内容"));
        }
        let t = Topic {
            id: TopicId(id),
            topic,
        };
        self.topics.insert(t.id, t.clone());
        Ok(t)
    }

    pub(super) fn topics(&self) -> Vec<Topic> {
        let mut v: Vec<Topic> = self.topics.values().cloned().collect();
        v.sort_by_key(|t| (t.topic.position, t.id));
        v
    }

    pub(super) fn insert_accidents(
        &mut self,
        records: Vec<NewAccident>,
        mut next_id: impl FnMut() -> i64,
    ) -> Result<Vec<Accident>> {
        for r in &records {
            r.validate()?;
        }
        Ok(records
            .into_iter()
            .map(|record| {
                let a = Accident {
                    id: AccidentId(next_id()),
                    record,
                };
                self.accidents.insert(a.id, a.clone());
                a
            })
            .collect())
    }

    pub(super) fn accidents_on(&self, keys: &[(u32, u32)]) -> Vec<Accident> {
        let mut v: Vec<Accident> = self
            .accidents
            .values()
            .filter(|a| keys.contains(&(a.record.date.month(), a.record.date.day())))
            .cloned()
            .collect();
        v.sort_by(|a, b| b.record.date.cmp(&a.record.date).then(a.id.cmp(&b.id)));
        v
    }
}
