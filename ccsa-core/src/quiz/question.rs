//! Questions (题目) of the national bank or an org's own bank.

use crate::identity::fold_width;
use crate::registry::OrgId;
use crate::{ErrorCode, Result};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A question's id, assigned by the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct QuestionId(pub i64);

impl fmt::Display for QuestionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// 题型: the kind of question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// 单选题: exactly one correct option.
    Single,
    /// 多选题: two or more correct options, all required.
    Multiple,
    /// 判断题: options 正确 / 错误.
    TrueFalse,
}

impl QuestionKind {
    /// 单选 / 多选 / 判断.
    pub const fn as_zh(self) -> &'static str {
        match self {
            QuestionKind::Single => "单选",
            QuestionKind::Multiple => "多选",
            QuestionKind::TrueFalse => "判断",
        }
    }

    /// Parses 单选/单选题/多选/多选题/判断/判断题 (and English names).
    pub fn parse(s: &str) -> Result<QuestionKind> {
        match fold_width(s).trim().to_ascii_lowercase().as_str() {
            "单选" | "单选题" | "single" => Ok(QuestionKind::Single),
            "多选" | "多选题" | "multiple" => Ok(QuestionKind::Multiple),
            "判断" | "判断题" | "true_false" | "truefalse" => Ok(QuestionKind::TrueFalse),
            _ => Err(ErrorCode::QuestionInvalid.into()),
        }
    }
}

/// A set of options A-F as a bit set (bit 0 = A).
///
/// ```
/// use ccsa_core::quiz::Choices;
/// let c = Choices::parse("c a")?;
/// assert_eq!(c.letters(), "AC");
/// assert_eq!(c.len(), 2);
/// assert!(c.contains(0) && !c.contains(1));
/// # Ok::<(), ccsa_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Choices(pub u8);

/// Maximum number of options (A-F).
pub const MAX_OPTIONS: usize = 6;

impl Choices {
    /// Parses letters A-F in any order, case, width, with separators
    /// (`"AC"`, `"a,c"`, `"Ａ、Ｃ"`). `ANSWER_MISSING` when empty,
    /// `ANSWER_NOT_AN_OPTION` for other letters.
    pub fn parse(s: &str) -> Result<Choices> {
        let mut bits = 0u8;
        for c in fold_width(s).chars() {
            match c.to_ascii_uppercase() {
                l @ 'A'..='F' => bits |= 1 << (l as u8 - b'A'),
                ' ' | ',' | '、' | ';' | '，' | '/' => {}
                _ => return Err(ErrorCode::AnswerNotAnOption.into()),
            }
        }
        if bits == 0 {
            Err(ErrorCode::AnswerMissing.into())
        } else {
            Ok(Choices(bits))
        }
    }
    /// One option by index (0 = A); an index past H gives the empty set.
    pub const fn single(i: u8) -> Choices {
        if i < 8 { Choices(1 << i) } else { Choices(0) }
    }
    /// Whether option `i` (0 = A) is in the set (never for an index past H).
    pub const fn contains(self, i: u8) -> bool {
        i < 8 && self.0 & (1 << i) != 0
    }
    /// Number of options in the set.
    pub const fn len(self) -> u32 {
        self.0.count_ones()
    }
    /// Whether no option is chosen.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// The letters, in order (`"AC"`).
    pub fn letters(self) -> String {
        (0..8u8)
            .filter(|i| self.contains(*i))
            .map(|i| (b'A' + i) as char)
            .collect()
    }
}

/// Whose bank a question belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BankOwner {
    /// The coordination office's national bank (全国题库).
    National,
    /// One org's own bank (企业自主题库).
    Org(OrgId),
}

/// A question to add to a bank (validated by [`NewQuestion::validate`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewQuestion {
    /// Whose bank.
    pub owner: BankOwner,
    /// 题型.
    pub kind: QuestionKind,
    /// 题干.
    pub stem: String,
    /// 选项 A-F in order (判断题: 正确, 错误).
    pub options: Vec<String>,
    /// 答案.
    pub answer: Choices,
    /// 解析.
    pub explanation: String,
    /// 分类 (e.g. 法律法规, 危险化学品基础知识); the draw spreads across these.
    pub category: String,
    /// 专业 tags (e.g. 氯碱, 合成氨) so banks can grow by profession.
    pub specialties: Vec<String>,
    /// 难度 1-5.
    pub difficulty: u8,
    /// Where the question comes from (a law article, a standard clause).
    pub source: Option<String>,
}

impl NewQuestion {
    /// A true/false question with the standard options 正确 / 错误.
    pub fn true_false(
        owner: BankOwner,
        stem: &str,
        answer_true: bool,
        category: &str,
    ) -> NewQuestion {
        NewQuestion {
            owner,
            kind: QuestionKind::TrueFalse,
            stem: stem.to_string(),
            options: vec!["正确".into(), "错误".into()],
            answer: Choices::single(if answer_true { 0 } else { 1 }),
            explanation: String::new(),
            category: category.to_string(),
            specialties: Vec::new(),
            difficulty: 2,
            source: None,
        }
    }

    /// Checks the question's shape; returns it with text trimmed.
    pub fn validate(mut self) -> Result<NewQuestion> {
        self.stem = self.stem.trim().to_string();
        self.category = self.category.trim().to_string();
        self.explanation = self.explanation.trim().to_string();
        for o in &mut self.options {
            *o = o.trim().to_string();
        }
        if self.stem.is_empty()
            || self.stem.chars().count() > 2000
            || self.category.is_empty()
            || self.category.chars().count() > 50
        {
            return Err(ErrorCode::QuestionInvalid.into());
        }
        let n = self.options.len();
        let options_ok = match self.kind {
            QuestionKind::TrueFalse => n == 2,
            _ => (2..=MAX_OPTIONS).contains(&n),
        } && self
            .options
            .iter()
            .all(|o| !o.is_empty() && o.chars().count() <= 500);
        if !options_ok {
            return Err(ErrorCode::OptionsInvalid.into());
        }
        if self.answer.is_empty() {
            return Err(ErrorCode::AnswerMissing.into());
        }
        let within = u32::from(self.answer.0) >> n == 0;
        let count_ok = match self.kind {
            QuestionKind::Single | QuestionKind::TrueFalse => self.answer.len() == 1,
            QuestionKind::Multiple => self.answer.len() >= 2,
        };
        if !within || !count_ok {
            return Err(ErrorCode::AnswerNotAnOption.into());
        }
        if !(1..=5).contains(&self.difficulty) {
            return Err(ErrorCode::DifficultyInvalid.into());
        }
        self.specialties = self
            .specialties
            .iter()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        self.specialties.sort();
        self.specialties.dedup();
        Ok(self)
    }
}

/// A question in a bank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// Store-assigned id.
    pub id: QuestionId,
    /// The content.
    #[serde(flatten)]
    pub body: NewQuestion,
}

impl Question {
    /// The question as a trainee sees it: no answer, no explanation.
    pub fn to_quiz(&self) -> QuizQuestion {
        QuizQuestion {
            id: self.id,
            kind: self.body.kind,
            stem: self.body.stem.clone(),
            options: self.body.options.clone(),
            category: self.body.category.clone(),
        }
    }
}

/// A question as shown during the quiz (answer withheld).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuizQuestion {
    /// Id to answer against.
    pub id: QuestionId,
    /// 题型.
    pub kind: QuestionKind,
    /// 题干.
    pub stem: String,
    /// 选项.
    pub options: Vec<String>,
    /// 分类.
    pub category: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn single() -> NewQuestion {
        NewQuestion {
            owner: BankOwner::National,
            kind: QuestionKind::Single,
            stem: " 危险化学品安全管理条例由哪个机关公布？ ".into(),
            options: vec!["国务院".into(), "应急管理部".into(), "公安部".into()],
            answer: Choices::parse("A").unwrap(),
            explanation: "".into(),
            category: "法律法规".into(),
            specialties: vec![" 通用 ".into(), "".into(), "通用".into()],
            difficulty: 2,
            source: None,
        }
    }

    #[test]
    fn validates_shape() {
        let q = single().validate().unwrap();
        assert_eq!(q.stem, "危险化学品安全管理条例由哪个机关公布？");
        assert_eq!(q.specialties, vec!["通用".to_string()]);
        let code = |q: NewQuestion| q.validate().unwrap_err().code();
        assert_eq!(
            code(NewQuestion {
                stem: " ".into(),
                ..single()
            }),
            ErrorCode::QuestionInvalid
        );
        assert_eq!(
            code(NewQuestion {
                options: vec!["x".into()],
                ..single()
            }),
            ErrorCode::OptionsInvalid
        );
        assert_eq!(
            code(NewQuestion {
                options: vec!["x".into(), " ".into()],
                ..single()
            }),
            ErrorCode::OptionsInvalid
        );
        assert_eq!(
            code(NewQuestion {
                answer: Choices(0),
                ..single()
            }),
            ErrorCode::AnswerMissing
        );
        assert_eq!(
            code(NewQuestion {
                answer: Choices::parse("D").unwrap(),
                ..single()
            }),
            ErrorCode::AnswerNotAnOption
        );
        assert_eq!(
            code(NewQuestion {
                answer: Choices::parse("AB").unwrap(),
                ..single()
            }),
            ErrorCode::AnswerNotAnOption
        );
        assert_eq!(
            code(NewQuestion {
                kind: QuestionKind::Multiple,
                ..single()
            }),
            ErrorCode::AnswerNotAnOption
        );
        assert_eq!(
            code(NewQuestion {
                difficulty: 6,
                ..single()
            }),
            ErrorCode::DifficultyInvalid
        );
        let tf = NewQuestion::true_false(
            BankOwner::National,
            "动火作业前应进行气体分析。",
            true,
            "特殊作业",
        );
        assert!(tf.validate().is_ok());
    }

    #[test]
    fn choices_parse() {
        assert_eq!(Choices::parse("Ａ、ｃ").unwrap().letters(), "AC");
        assert_eq!(
            Choices::parse("").unwrap_err().code(),
            ErrorCode::AnswerMissing
        );
        assert_eq!(
            Choices::parse("G").unwrap_err().code(),
            ErrorCode::AnswerNotAnOption
        );
        assert_eq!(
            QuestionKind::parse("多选题").unwrap(),
            QuestionKind::Multiple
        );
    }
}
