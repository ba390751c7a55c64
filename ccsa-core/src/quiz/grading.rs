//! Grading (判分) of a day's answers.

use super::{Choices, QuestionId};
use crate::{ErrorCode, Result};
use serde::{Deserialize, Serialize};

/// One answer as submitted: the options chosen for a question (empty:
/// left unanswered, graded wrong).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    /// The question answered.
    pub question: QuestionId,
    /// Options chosen.
    pub chosen: Choices,
}

/// One graded answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradedAnswer {
    /// The question.
    pub question: QuestionId,
    /// Options chosen.
    pub chosen: Choices,
    /// Whether the choice equals the key (multiple choice: all and only the right options).
    pub correct: bool,
}

/// The grading of one submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Graded {
    /// In the order of the draw.
    pub answers: Vec<GradedAnswer>,
    /// How many were right.
    pub correct: u32,
}

impl Graded {
    /// Number of questions.
    pub fn total(&self) -> u32 {
        self.answers.len() as u32
    }
    /// Whether every answer was right.
    pub fn full_marks(&self) -> bool {
        self.correct == self.total()
    }
}

/// Grades `answers` against the drawn questions, whose correct options
/// `key` looks up. The answers must cover exactly the drawn questions, each
/// once (any order), and `key` must know every drawn question; otherwise
/// `ANSWERS_DONT_MATCH_DRAW`.
///
/// ```
/// use ccsa_core::quiz::{grade, Answer, BankOwner, Choices, NewQuestion, Question, QuestionId};
/// let q = Question { id: QuestionId(1), body: NewQuestion::true_false(BankOwner::National, "受限空间作业前应先通风、再检测。", true, "特殊作业") };
/// let key = |id| (id == q.id).then_some(q.body.answer);
/// let g = grade(&[QuestionId(1)], key, &[Answer { question: QuestionId(1), chosen: Choices::single(0) }])?;
/// assert!(g.full_marks());
/// # Ok::<(), ccsa_core::Error>(())
/// ```
pub fn grade(
    drawn: &[QuestionId],
    key: impl Fn(QuestionId) -> Option<Choices>,
    answers: &[Answer],
) -> Result<Graded> {
    if answers.len() != drawn.len() {
        return Err(ErrorCode::AnswersDontMatchDraw.into());
    }
    let mut out = Vec::with_capacity(drawn.len());
    let mut correct = 0;
    for &qid in drawn {
        let mut it = answers.iter().filter(|a| a.question == qid);
        let (Some(a), None) = (it.next(), it.next()) else {
            return Err(ErrorCode::AnswersDontMatchDraw.into());
        };
        let right = key(qid).ok_or(ErrorCode::AnswersDontMatchDraw)?;
        let ok = a.chosen == right;
        correct += u32::from(ok);
        out.push(GradedAnswer {
            question: qid,
            chosen: a.chosen,
            correct: ok,
        });
    }
    Ok(Graded {
        answers: out,
        correct,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::{BankOwner, NewQuestion, Question, QuestionKind};

    fn multi(id: i64) -> Question {
        Question {
            id: QuestionId(id),
            body: NewQuestion {
                owner: BankOwner::National,
                kind: QuestionKind::Multiple,
                stem: "以下哪些属于特殊作业？".into(),
                options: vec![
                    "动火作业".into(),
                    "受限空间作业".into(),
                    "办公室打印".into(),
                ],
                answer: Choices::parse("AB").unwrap(),
                explanation: String::new(),
                category: "特殊作业".into(),
                specialties: vec![],
                difficulty: 3,
                source: None,
            },
        }
    }

    #[test]
    fn multiple_choice_is_all_or_nothing() {
        let qs = [multi(1), multi(2), multi(3)];
        let drawn = [QuestionId(1), QuestionId(2), QuestionId(3)];
        let a = |q, s: &str| Answer {
            question: QuestionId(q),
            chosen: if s.is_empty() {
                Choices(0)
            } else {
                Choices::parse(s).unwrap()
            },
        };
        let key = |id: QuestionId| qs.iter().find(|q| q.id == id).map(|q| q.body.answer);
        let g = grade(&drawn, key, &[a(3, "A"), a(1, "BA"), a(2, "")]).unwrap();
        assert_eq!(g.correct, 1);
        assert_eq!(
            g.answers.iter().map(|x| x.correct).collect::<Vec<_>>(),
            vec![true, false, false]
        );
        assert!(!g.full_marks());
    }

    #[test]
    fn answers_must_match_the_draw() {
        let qs = [multi(1), multi(2)];
        let drawn = [QuestionId(1), QuestionId(2)];
        let a = |q| Answer {
            question: QuestionId(q),
            chosen: Choices(1),
        };
        for bad in [
            vec![a(1)],
            vec![a(1), a(1)],
            vec![a(1), a(3)],
            vec![a(1), a(2), a(2)],
        ] {
            let key = |id: QuestionId| qs.iter().find(|q| q.id == id).map(|q| q.body.answer);
            assert_eq!(
                grade(&drawn, key, &bad).unwrap_err().code(),
                ErrorCode::AnswersDontMatchDraw
            );
        }
        // a drawn question the key does not know
        let key = |id: QuestionId| (id == QuestionId(1)).then_some(Choices(1));
        assert_eq!(
            grade(&drawn, key, &[a(1), a(2)]).unwrap_err().code(),
            ErrorCode::AnswersDontMatchDraw
        );
    }
}
