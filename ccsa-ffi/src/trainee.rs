//! Trainee flows (学员): bind, today's quiz, submit, points and ranks,
//! leaderboards, and the learning content.

use crate::engine::Engine;
use crate::error::FfiResult;
use crate::records::{
    AccidentRecord, AnswerRecord, ArticleRecord, BindingRecord, LawResultsRecord, Period,
    QuizRecord, Scope, StandingRecord, SubmissionRecord, TopicRecord,
};
use ccsa_core::library::LawFilter;
use ccsa_core::quiz::{Answer, Choices, QuestionId};

#[uniffi::export(async_runtime = "tokio")]
impl Engine {
    /// Binds the app user to the member an admin entered, by real name and
    /// phone (绑定): `NO_MATCHING_MEMBER` (not imported or another name),
    /// `MEMBER_ALREADY_BOUND`,
    /// `APP_USER_ALREADY_BOUND`, `LOCKED_UNTIL` after repeated failures.
    pub async fn bind(
        &self,
        app_user: String,
        name: String,
        phone: String,
    ) -> FfiResult<BindingRecord> {
        Ok(self.ccsa.bind(&app_user, &name, &phone).await?.into())
    }

    /// Today's quiz (每日答题): the same questions every time it is opened
    /// on the same day, and the result once submitted.
    pub async fn todays_quiz(&self, app_user: String) -> FfiResult<QuizRecord> {
        Ok(self.ccsa.todays_quiz(&app_user).await?.into())
    }

    /// Submits today's answers: one scored submission a day; a repeat gets
    /// the first result back with `first = false`.
    pub async fn submit(
        &self,
        app_user: String,
        answers: Vec<AnswerRecord>,
    ) -> FfiResult<SubmissionRecord> {
        let answers = answers
            .iter()
            .map(|a| {
                Ok(Answer {
                    question: QuestionId(a.question),
                    chosen: Choices::parse(&a.letters)?,
                })
            })
            .collect::<FfiResult<Vec<_>>>()?;
        Ok(self.ccsa.submit(&app_user, &answers).await?.into())
    }

    /// The app user's campaign points (积分).
    pub async fn my_points(&self, app_user: String) -> FfiResult<i64> {
        Ok(self.ccsa.my_points(&app_user).await?)
    }

    /// The app user's line on a leaderboard (None before the first answer).
    pub async fn my_standing(
        &self,
        app_user: String,
        scope: Scope,
        period: Period,
    ) -> FfiResult<Option<StandingRecord>> {
        let s = self
            .ccsa
            .my_standing(&app_user, scope.into(), period.try_into()?)
            .await?;
        Ok(s.map(Into::into))
    }

    /// One page of a leaderboard (排行榜), best first.
    pub async fn leaderboard(
        &self,
        scope: Scope,
        period: Period,
        offset: u32,
        limit: u32,
    ) -> FfiResult<Vec<StandingRecord>> {
        let page = self
            .ccsa
            .leaderboard(
                scope.into(),
                period.try_into()?,
                offset as usize,
                limit as usize,
            )
            .await?;
        Ok(page.into_iter().map(Into::into).collect())
    }

    /// 历史上的今天: accidents that happened on today's month and day.
    pub async fn history_today(&self) -> FfiResult<Vec<AccidentRecord>> {
        Ok(self
            .ccsa
            .history_today()
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// 安全五分钟 and the app user's org's knowledge base, newest first.
    pub async fn reading_list(
        &self,
        app_user: String,
        page: u32,
        per_page: u32,
    ) -> FfiResult<Vec<ArticleRecord>> {
        let list = self
            .ccsa
            .reading_list(&app_user, page as usize, per_page as usize)
            .await?;
        Ok(list.into_iter().map(Into::into).collect())
    }

    /// 精选专题.
    pub async fn topics(&self) -> FfiResult<Vec<TopicRecord>> {
        Ok(self
            .ccsa
            .topics()
            .await?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Searches the law and standard database (法规标准库): codes, titles,
    /// summaries and bodies; best first.
    pub async fn search_laws(
        &self,
        query: String,
        page: u32,
        per_page: u32,
    ) -> FfiResult<LawResultsRecord> {
        let r = self
            .ccsa
            .search_laws(
                &query,
                &LawFilter::default(),
                page as usize,
                per_page as usize,
            )
            .await?;
        Ok(r.into())
    }
}
