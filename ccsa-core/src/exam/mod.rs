//! Online exams (在线考试): an org's exam with a blueprint, a time limit, a
//! pass mark, attempts and an open window; each attempt gets its own paper
//! (questions and options shuffled, reproducible from exam, member and
//! attempt number); answers are saved with their time and refused after the
//! deadline; grading follows the exam's rule for multiple-choice questions;
//! item analysis gives each question's facility and discrimination.
//!
//! | file | what |
//! |---|---|
//! | `mod.rs` | [`NewExam`], [`Blueprint`], [`Attempt`] and their checks |
//! | `paper.rs` | [`make_paper`]: the reproducible paper of one attempt |
//! | `marking.rs` | [`MultipleRule`], [`mark`]: credit per question, score, pass |
//! | `analysis.rs` | [`item_analysis`]: facility and discrimination indexes |

mod analysis;
mod marking;
mod paper;
mod results;

pub use analysis::{ExamineeCredits, ItemStats, item_analysis};
pub use marking::{Marked, MultipleRule, credit, mark};
pub use paper::{Paper, PaperItem, make_paper};
pub use results::ExamResult;

use crate::directory::{DeptId, MemberId};
use crate::quiz::{Choices, QuestionId};
use crate::registry::OrgId;
use crate::{Error, ErrorCode, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An exam's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ExamId(pub i64);

/// One line of a blueprint: how many questions of a category (and, if
/// given, of a difficulty) each paper has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlueprintRow {
    /// 分类
    pub category: String,
    /// 难度 1-5 (None: any).
    pub difficulty: Option<u8>,
    /// How many questions.
    pub count: u16,
}

/// What every paper of an exam contains (组卷规则), line by line.
pub type Blueprint = Vec<BlueprintRow>;

/// An exam to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewExam {
    /// The org holding the exam; questions come from the national bank and
    /// the org's own.
    pub org: OrgId,
    /// 标题
    pub title: String,
    /// 组卷规则
    pub blueprint: Blueprint,
    /// 考试时长 (minutes, 1–600)
    pub minutes: u16,
    /// 及格分 (percent of the full score, 0–100)
    pub pass_percent: u8,
    /// 允许考试次数 (1–20)
    pub attempts: u8,
    /// 开放时间
    pub opens_at: DateTime<Utc>,
    /// 截止时间 (no attempt starts at or after it)
    pub closes_at: DateTime<Utc>,
    /// 参考部门 (empty: every member of the org, with or without a department)
    pub departments: Vec<DeptId>,
    /// How multiple-choice questions are credited.
    pub multiple_rule: MultipleRule,
}

impl NewExam {
    /// Checks the fields: `EXAM_INVALID` naming the first wrong one (the
    /// service also checks that the bank can fill the blueprint).
    pub fn validate(&self) -> Result<()> {
        let bad = |what: &str| Err(Error::new(ErrorCode::ExamInvalid).with_note(what.to_string()));
        if self.title.trim().is_empty() || self.title.chars().count() > 100 {
            return bad("标题为空或超过100字");
        }
        if self.blueprint.is_empty()
            || self
                .blueprint
                .iter()
                .any(|r| r.count == 0 || r.category.trim().is_empty())
        {
            return bad("组卷规则至少一行，每行分类不为空、题数大于0");
        }
        if self
            .blueprint
            .iter()
            .any(|r| r.difficulty.is_some_and(|d| !(1..=5).contains(&d)))
        {
            return bad("难度应为1-5");
        }
        if self.paper_len() > 500 {
            return bad("每份试卷最多500题");
        }
        if !(1..=600).contains(&self.minutes) {
            return bad("考试时长应为1-600分钟");
        }
        if self.pass_percent > 100 {
            return bad("及格分应为0-100");
        }
        if !(1..=20).contains(&self.attempts) {
            return bad("允许考试次数应为1-20");
        }
        if self.closes_at <= self.opens_at {
            return bad("截止时间应晚于开放时间");
        }
        Ok(())
    }

    /// Whether a member of department `dept` (None: 无部门人员) may sit
    /// the exam: every member when no department is listed, else members
    /// of a listed department.
    pub fn admits(&self, dept: Option<DeptId>) -> bool {
        self.departments.is_empty() || dept.is_some_and(|d| self.departments.contains(&d))
    }

    /// Questions per paper.
    pub fn paper_len(&self) -> usize {
        self.blueprint.iter().map(|r| usize::from(r.count)).sum()
    }
}

/// A stored exam.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exam {
    /// Id.
    pub id: ExamId,
    /// The exam.
    pub exam: NewExam,
}

/// An attempt's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct AttemptId(pub i64);

/// An attempt to record when a member starts an exam.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAttempt {
    /// The exam.
    pub exam: ExamId,
    /// Who.
    pub member: MemberId,
    /// 1 for the first attempt, 2 for the second…
    pub number: u8,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// When answers stop being accepted (start + time limit, at most the
    /// exam's closing time).
    pub deadline: DateTime<Utc>,
    /// The paper.
    pub paper: Paper,
}

/// One saved answer: the options chosen **as the paper showed them**.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedAnswer {
    /// The question.
    pub question: QuestionId,
    /// Chosen options, letters as displayed on this paper.
    pub chosen: Choices,
    /// When it was saved.
    pub at: DateTime<Utc>,
}

/// The outcome of a finished attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptScore {
    /// Credit earned, in thousandths of a question.
    pub credit_milli: u32,
    /// Score in hundredths of a percent of the full score (8750 = 87.50%).
    pub percent_centi: u32,
    /// Whether it reached the pass mark.
    pub passed: bool,
    /// When it was finished.
    pub finished_at: DateTime<Utc>,
}

/// A stored attempt with its answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    /// Id.
    pub id: AttemptId,
    /// What was started.
    pub attempt: NewAttempt,
    /// The latest answer per question, in the order first saved.
    pub answers: Vec<SavedAnswer>,
    /// How many saves so far (the version a hand-in is marked against).
    pub saves: u32,
    /// Set once finished.
    pub score: Option<AttemptScore>,
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn exam() -> NewExam {
        NewExam {
            org: OrgId(1),
            title: "2020年度危化品安全知识考试".into(),
            blueprint: vec![BlueprintRow {
                category: "法律法规".into(),
                difficulty: None,
                count: 5,
            }],
            minutes: 30,
            pass_percent: 60,
            attempts: 2,
            opens_at: "2020-06-01T00:00:00Z".parse().unwrap(),
            closes_at: "2020-06-30T00:00:00Z".parse().unwrap(),
            departments: vec![],
            multiple_rule: MultipleRule::AllOrNothing,
        }
    }

    #[test]
    fn validation_names_the_field() {
        assert!(exam().validate().is_ok());
        for broken in [
            NewExam {
                title: "".into(),
                ..exam()
            },
            NewExam {
                blueprint: vec![],
                ..exam()
            },
            NewExam {
                minutes: 0,
                ..exam()
            },
            NewExam {
                pass_percent: 101,
                ..exam()
            },
            NewExam {
                attempts: 0,
                ..exam()
            },
            NewExam {
                closes_at: exam().opens_at,
                ..exam()
            },
        ] {
            assert_eq!(
                broken.validate().unwrap_err().code(),
                ErrorCode::ExamInvalid
            );
        }
    }
}
