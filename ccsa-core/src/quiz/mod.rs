//! The question bank and the daily quiz (题库与每日答题).
//!
//! Questions live in the national bank or an org's own bank. Each day a
//! member gets a [`DailyDraw`] of N questions (default 5), reproducible from
//! its [`DrawKey`]; mistakes come back on a spaced schedule ([`ReviewCard`]);
//! answers are graded with [`grade`].

mod draw;
mod grading;
mod mix;
mod question;
mod review;
mod upload;

pub use draw::{
    DailyDraw, DrawConfig, DrawHistory, DrawKey, DrawPool, DrawScratch, SplitMix64, draw,
};
pub use grading::{Answer, Graded, GradedAnswer, grade};
pub use mix::{BankMix, draw_shared};
pub use question::{
    BankOwner, Choices, MAX_OPTIONS, NewQuestion, Question, QuestionId, QuestionKind, QuizQuestion,
};
pub use review::{GRADUATE_AFTER, ReviewCard, ReviewChange};
pub use upload::{
    QuestionError, QuestionLine, QuestionRow, QuestionUploadReport, duplicate_key, parse_aiken,
    parse_gift, plan_questions, to_aiken, to_gift,
};
