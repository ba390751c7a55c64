//! The facade's online exams (在线考试): admins create exams and read
//! results and item analysis; bound trainees start attempts, save answers
//! against the clock and hand in.

use super::Ccsa;
use crate::admin::AdminContext;
use crate::directory::MemberId;
use crate::exam::{
    Attempt, AttemptId, AttemptScore, Exam, ExamId, ExamResult, ItemStats, NewAttempt, NewExam,
    SavedAnswer, item_analysis, make_paper, mark,
};
use crate::quiz::{BankOwner, Choices, Question, QuestionId, QuestionKind};
use crate::registry::OrgId;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One question of an attempt as the trainee sees it: options in the
/// paper's order, no answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SheetQuestion {
    /// Id to answer against.
    pub question: QuestionId,
    /// 题型
    pub kind: QuestionKind,
    /// 题干
    pub stem: String,
    /// 选项, in the order shown (A, B, …)
    pub options: Vec<String>,
}

/// An attempt in progress (答题卡): the paper, the deadline, what is saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExamSheet {
    /// The attempt.
    pub attempt: AttemptId,
    /// Which attempt (1, 2, …).
    pub number: u8,
    /// Answers are refused from this moment.
    pub deadline: DateTime<Utc>,
    /// The questions, in order.
    pub questions: Vec<SheetQuestion>,
    /// Answers saved so far (letters as shown).
    pub saved: Vec<SavedAnswer>,
}

impl Ccsa {
    /// The questions an org's exam draws from: the national bank and the
    /// org's own, sorted by id (looked up by binary search).
    async fn exam_bank(&self, org: OrgId) -> Result<Vec<Question>> {
        let (_, bank) = self.bank().await?;
        let mut v: Vec<Question> = bank
            .values()
            .filter(|q| q.body.owner == BankOwner::National || q.body.owner == BankOwner::Org(org))
            .cloned()
            .collect();
        v.sort_by_key(|q| q.id);
        Ok(v)
    }

    /// Creates an exam for the admin's org (创建考试): `EXAM_INVALID`,
    /// `DEPARTMENT_NOT_FOUND` for a department of another org, and
    /// `BANK_TOO_SMALL` naming the blueprint row the bank cannot fill.
    pub async fn create_exam(&self, ctx: &AdminContext, exam: NewExam) -> Result<Exam> {
        let exam = NewExam {
            org: ctx.org,
            ..exam
        };
        exam.validate()?;
        let departments = self.store.departments(ctx.org).await?;
        if exam
            .departments
            .iter()
            .any(|d| !departments.iter().any(|x| x.id == *d))
        {
            return Err(ErrorCode::DepartmentNotFound.into());
        }
        let bank = self.exam_bank(ctx.org).await?;
        let refs: Vec<&Question> = bank.iter().collect();
        make_paper(ExamId(0), MemberId(0), 1, &exam.blueprint, &refs)?;
        let exam = self.store.insert_exam(exam).await?;
        self.audit_ctx(
            ctx,
            crate::audit::AuditAction::CreateExam,
            Some(exam.id.0),
            String::new(),
        )
        .await?;
        Ok(exam)
    }

    /// The admin's org's exams.
    pub async fn org_exams(&self, ctx: &AdminContext) -> Result<Vec<Exam>> {
        self.store.exams(ctx.org).await
    }

    /// The exams a bound trainee may sit (their org's, their department).
    pub async fn my_exams(&self, app_user: &str) -> Result<Vec<Exam>> {
        let b = self.bound(app_user).await?;
        let dept = self
            .store
            .member(b.org, b.member)
            .await?
            .and_then(|m| m.details.department);
        Ok(self
            .store
            .exams(b.org)
            .await?
            .into_iter()
            .filter(|e| e.exam.admits(dept))
            .collect())
    }

    /// An exam of the caller's org (`EXAM_NOT_FOUND` otherwise).
    async fn org_exam(&self, org: OrgId, id: ExamId) -> Result<Exam> {
        match self.store.exam(id).await? {
            Some(e) if e.exam.org == org => Ok(e),
            _ => Err(ErrorCode::ExamNotFound.into()),
        }
    }

    /// Starts (or resumes) an attempt (开始考试): the exam must be open
    /// (`EXAM_NOT_OPEN`, `EXAM_CLOSED`), the trainee's department allowed
    /// (`EXAM_NOT_ALLOWED`) and an attempt left (`EXAM_NO_ATTEMPTS_LEFT`).
    /// An unfinished attempt still in time is resumed; one whose time is up
    /// is handed in with what was saved. The deadline is the time limit
    /// from now, but not past the exam's closing time.
    pub async fn start_exam(&self, app_user: &str, exam: ExamId) -> Result<ExamSheet> {
        let b = self.bound(app_user).await?;
        let exam = self.org_exam(b.org, exam).await?;
        let now = self.clock.now();
        if now < exam.exam.opens_at {
            return Err(ErrorCode::ExamNotOpen.into());
        }
        if now >= exam.exam.closes_at {
            return Err(ErrorCode::ExamClosed.into());
        }
        if !exam.exam.departments.is_empty() {
            let dept = self
                .store
                .member(b.org, b.member)
                .await?
                .and_then(|m| m.details.department);
            if !exam.exam.admits(dept) {
                return Err(ErrorCode::ExamNotAllowed.into());
            }
        }
        let bank = self.exam_bank(b.org).await?;
        let mut attempts = self.store.attempts(exam.id, Some(b.member)).await?;
        for a in attempts.iter_mut().filter(|a| a.score.is_none()) {
            if now < a.attempt.deadline {
                return Ok(sheet(a, &bank));
            }
            *a = self.hand_in(&exam, a, &bank, a.attempt.deadline).await?;
        }
        if attempts.len() >= usize::from(exam.exam.attempts) {
            return Err(ErrorCode::ExamNoAttemptsLeft.into());
        }
        let number = attempts.len() as u8 + 1;
        let refs: Vec<&Question> = bank.iter().collect();
        let paper = make_paper(exam.id, b.member, number, &exam.exam.blueprint, &refs)?;
        let deadline =
            (now + Duration::minutes(i64::from(exam.exam.minutes))).min(exam.exam.closes_at);
        let started = self
            .store
            .insert_attempt(NewAttempt {
                exam: exam.id,
                member: b.member,
                number,
                started_at: now,
                deadline,
                paper,
            })
            .await;
        let attempt = match started {
            Ok(a) => a,
            // A concurrent start of the same attempt won: resume that one.
            Err(e) if e.code() == ErrorCode::ExamAttemptTaken => self
                .store
                .attempts(exam.id, Some(b.member))
                .await?
                .into_iter()
                .find(|a| a.attempt.number == number)
                .ok_or(e)?,
            Err(e) => return Err(e),
        };
        Ok(sheet(&attempt, &bank))
    }

    /// The trainee's own attempt (`EXAM_NOT_FOUND` for anyone else's).
    async fn my_attempt(&self, app_user: &str, id: AttemptId) -> Result<(Exam, Attempt)> {
        let b = self.bound(app_user).await?;
        let attempt = match self.store.attempt(id).await? {
            Some(a) if a.attempt.member == b.member => a,
            _ => return Err(ErrorCode::ExamNotFound.into()),
        };
        let exam = self.org_exam(b.org, attempt.attempt.exam).await?;
        Ok((exam, attempt))
    }

    /// Saves one answer, letters as shown on the paper (保存答案): refused
    /// after the deadline (`EXAM_TIME_UP`), after hand-in
    /// (`EXAM_FINISHED`), or for a question or letter not on the paper
    /// (`EXAM_ANSWER_INVALID`). A later answer to the same question replaces
    /// the earlier one.
    pub async fn save_exam_answer(
        &self,
        app_user: &str,
        attempt: AttemptId,
        question: QuestionId,
        letters: &str,
    ) -> Result<()> {
        let (_, a) = self.my_attempt(app_user, attempt).await?;
        if a.score.is_some() {
            return Err(ErrorCode::ExamFinished.into());
        }
        let now = self.clock.now();
        if now >= a.attempt.deadline {
            return Err(ErrorCode::ExamTimeUp.into());
        }
        let item = a
            .attempt
            .paper
            .iter()
            .find(|i| i.question == question)
            .ok_or(ErrorCode::ExamAnswerInvalid)?;
        let chosen = Choices::parse(letters)
            .map_err(|e| Error::new(ErrorCode::ExamAnswerInvalid).with_note(e.code().as_str()))?;
        if u32::from(chosen.0) >> item.order.len() != 0 {
            return Err(ErrorCode::ExamAnswerInvalid.into());
        }
        self.store
            .save_answer(
                attempt,
                SavedAnswer {
                    question,
                    chosen,
                    at: now,
                },
            )
            .await
    }

    /// Hands in an attempt (交卷) and returns it marked; after the deadline
    /// it is marked with the answers saved in time. `EXAM_FINISHED` if it
    /// was already handed in.
    pub async fn finish_exam(&self, app_user: &str, attempt: AttemptId) -> Result<Attempt> {
        let (exam, a) = self.my_attempt(app_user, attempt).await?;
        if a.score.is_some() {
            return Err(ErrorCode::ExamFinished.into());
        }
        let bank = self.exam_bank(exam.exam.org).await?;
        let at = self.clock.now().min(a.attempt.deadline);
        self.hand_in(&exam, &a, &bank, at).await
    }

    /// Marks and finishes an attempt; if an answer is saved between reading
    /// and finishing, reads and marks again (the store's compare-and-set).
    async fn hand_in(
        &self,
        exam: &Exam,
        a: &Attempt,
        bank: &[Question],
        at: DateTime<Utc>,
    ) -> Result<Attempt> {
        let mut a = a.clone();
        loop {
            let m = mark_attempt(exam, &a, bank);
            let score = AttemptScore {
                credit_milli: m.credit_milli,
                percent_centi: m.percent_centi,
                passed: m.passed,
                finished_at: at,
            };
            match self.store.finish_attempt(a.id, a.saves, score).await {
                Err(e) if e.code() == ErrorCode::ExamAttemptTaken => {
                    a = self
                        .store
                        .attempt(a.id)
                        .await?
                        .ok_or(ErrorCode::ExamNotFound)?;
                }
                done => return done,
            }
        }
    }

    /// Every member's results of one of the admin's exams (考试成绩).
    pub async fn exam_results(&self, ctx: &AdminContext, exam: ExamId) -> Result<Vec<ExamResult>> {
        let exam = self.org_exam(ctx.org, exam).await?;
        Ok(ExamResult::collect(
            &self.store.attempts(exam.id, None).await?,
        ))
    }

    /// Item analysis of one of the admin's exams (试题分析) over each
    /// member's first finished attempt: facility and discrimination per
    /// question (see [`item_analysis`]).
    pub async fn exam_item_analysis(
        &self,
        ctx: &AdminContext,
        exam: ExamId,
    ) -> Result<Vec<ItemStats>> {
        let exam = self.org_exam(ctx.org, exam).await?;
        let bank = self.exam_bank(ctx.org).await?;
        let mut first: HashMap<MemberId, Attempt> = HashMap::new();
        for a in self.store.attempts(exam.id, None).await? {
            if a.score.is_some() {
                first.entry(a.attempt.member).or_insert(a);
            }
        }
        let rows: Vec<_> = first
            .values()
            .map(|a| {
                let m = mark_attempt(&exam, a, &bank);
                (a.attempt.member, m.credit_milli, m.credits)
            })
            .collect();
        Ok(item_analysis(&rows))
    }
}

fn mark_attempt(exam: &Exam, a: &Attempt, bank: &[Question]) -> crate::exam::Marked {
    // `bank` is sorted by id (see `exam_bank`).
    let key = |id: QuestionId| {
        bank.binary_search_by_key(&id, |q| q.id)
            .ok()
            .map(|i| (bank[i].body.kind, bank[i].body.answer))
    };
    mark(
        &a.attempt.paper,
        &a.answers,
        key,
        exam.exam.multiple_rule,
        exam.exam.pass_percent,
    )
}

fn sheet(a: &Attempt, bank: &[Question]) -> ExamSheet {
    let questions = a
        .attempt
        .paper
        .iter()
        .filter_map(|item| {
            let q = &bank[bank.binary_search_by_key(&item.question, |q| q.id).ok()?];
            Some(SheetQuestion {
                question: q.id,
                kind: q.body.kind,
                stem: q.body.stem.clone(),
                options: item
                    .order
                    .iter()
                    .map(|o| q.body.options[usize::from(*o)].clone())
                    .collect(),
            })
        })
        .collect();
    ExamSheet {
        attempt: a.id,
        number: a.attempt.number,
        deadline: a.attempt.deadline,
        questions,
        saved: a.answers.clone(),
    }
}
