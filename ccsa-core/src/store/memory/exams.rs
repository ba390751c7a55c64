//! `MemoryStore`'s exams and attempts.

use crate::directory::MemberId;
use crate::exam::{
    Attempt, AttemptId, AttemptScore, Exam, ExamId, NewAttempt, NewExam, SavedAnswer,
};
use crate::{ErrorCode, Result};
use std::collections::{BTreeMap, HashMap};

/// Exams and attempts.
#[derive(Debug, Default)]
pub(super) struct ExamBook {
    exams: BTreeMap<ExamId, Exam>,
    attempts: BTreeMap<AttemptId, Attempt>,
    numbers: HashMap<(ExamId, MemberId, u8), AttemptId>,
}

impl ExamBook {
    pub(super) fn insert_exam(&mut self, exam: NewExam, id: i64) -> Result<Exam> {
        exam.validate()?;
        let e = Exam {
            id: ExamId(id),
            exam,
        };
        self.exams.insert(e.id, e.clone());
        Ok(e)
    }

    pub(super) fn exam(&self, id: ExamId) -> Option<Exam> {
        self.exams.get(&id).cloned()
    }

    pub(super) fn exams(&self, org: crate::registry::OrgId) -> Vec<Exam> {
        let mut v: Vec<Exam> = self
            .exams
            .values()
            .filter(|e| e.exam.org == org)
            .cloned()
            .collect();
        v.sort_by_key(|e| (e.exam.opens_at, e.id));
        v
    }

    pub(super) fn insert_attempt(&mut self, a: NewAttempt, id: i64) -> Result<Attempt> {
        if !self.exams.contains_key(&a.exam) {
            return Err(ErrorCode::ExamNotFound.into());
        }
        let key = (a.exam, a.member, a.number);
        if self.numbers.contains_key(&key) {
            return Err(ErrorCode::ExamAttemptTaken.into());
        }
        let attempt = Attempt {
            id: AttemptId(id),
            attempt: a,
            answers: Vec::new(),
            saves: 0,
            score: None,
        };
        self.numbers.insert(key, attempt.id);
        self.attempts.insert(attempt.id, attempt.clone());
        Ok(attempt)
    }

    pub(super) fn attempt(&self, id: AttemptId) -> Option<Attempt> {
        self.attempts.get(&id).cloned()
    }

    pub(super) fn attempts(&self, exam: ExamId, member: Option<MemberId>) -> Vec<Attempt> {
        let mut v: Vec<Attempt> = self
            .attempts
            .values()
            .filter(|a| a.attempt.exam == exam && member.is_none_or(|m| a.attempt.member == m))
            .cloned()
            .collect();
        v.sort_by_key(|a| (a.attempt.member, a.attempt.number));
        v
    }

    pub(super) fn save_answer(&mut self, id: AttemptId, answer: SavedAnswer) -> Result<()> {
        let a = self.attempts.get_mut(&id).ok_or(ErrorCode::ExamNotFound)?;
        if a.score.is_some() {
            return Err(ErrorCode::ExamFinished.into());
        }
        match a.answers.iter_mut().find(|x| x.question == answer.question) {
            Some(x) => *x = answer,
            None => a.answers.push(answer),
        }
        a.saves += 1;
        Ok(())
    }

    pub(super) fn finish(
        &mut self,
        id: AttemptId,
        saves: u32,
        score: AttemptScore,
    ) -> Result<Attempt> {
        let a = self.attempts.get_mut(&id).ok_or(ErrorCode::ExamNotFound)?;
        if a.score.is_some() {
            return Err(ErrorCode::ExamFinished.into());
        }
        if a.saves != saves {
            return Err(ErrorCode::ExamAttemptTaken.into());
        }
        a.score = Some(score);
        Ok(a.clone())
    }
}
