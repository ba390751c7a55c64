//! Marking an attempt (阅卷): credit per question, the score, the pass mark.

use super::{Paper, SavedAnswer};
use crate::quiz::{Choices, QuestionId, QuestionKind};
use serde::{Deserialize, Serialize};

/// How a multiple-choice question is credited (set per exam).
///
/// | chosen | `AllOrNothing` | `Partial` |
/// |---|---|---|
/// | exactly the right options | 1 | 1 |
/// | some right options, no wrong one | 0 | right chosen ÷ right options |
/// | any wrong option, or none | 0 | 0 |
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MultipleRule {
    /// Full credit only for exactly the right options (the default).
    #[default]
    AllOrNothing,
    /// Partial credit for a subset of the right options without a wrong one.
    Partial,
}

/// The credit of one answer, in thousandths of a question (rounded half
/// up). Single-choice and true/false questions are right or wrong.
///
/// ```
/// use ccsa_core::exam::{credit, MultipleRule};
/// use ccsa_core::quiz::{Choices, QuestionKind::Multiple};
/// let right = Choices::parse("ABC")?;
/// assert_eq!(credit(Multiple, right, Choices::parse("AB")?, MultipleRule::Partial), 667);
/// assert_eq!(credit(Multiple, right, Choices::parse("AB")?, MultipleRule::AllOrNothing), 0);
/// assert_eq!(credit(Multiple, right, Choices::parse("ABD")?, MultipleRule::Partial), 0);
/// # Ok::<(), ccsa_core::Error>(())
/// ```
pub fn credit(kind: QuestionKind, right: Choices, chosen: Choices, rule: MultipleRule) -> u32 {
    if chosen == right {
        return 1000;
    }
    let wrong = chosen.0 & !right.0 != 0;
    match (kind, rule) {
        (QuestionKind::Multiple, MultipleRule::Partial) if !wrong && !chosen.is_empty() => {
            (chosen.len() * 1000 * 2 / right.len()).div_ceil(2)
        }
        _ => 0,
    }
}

/// A marked attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marked {
    /// Credit per paper item, in paper order (unanswered: 0).
    pub credits: Vec<(QuestionId, u32)>,
    /// Sum of the credits (thousandths of a question).
    pub credit_milli: u32,
    /// Score in hundredths of a percent (rounded half up).
    pub percent_centi: u32,
    /// Whether the score reaches `pass_percent`.
    pub passed: bool,
}

/// Marks saved answers against a paper: `key` gives each question's kind
/// and right options; answers are mapped from the shown letters back to the
/// question's own; the latest saved answer per question counts.
pub fn mark(
    paper: &Paper,
    answers: &[SavedAnswer],
    key: impl Fn(QuestionId) -> Option<(QuestionKind, Choices)>,
    rule: MultipleRule,
    pass_percent: u8,
) -> Marked {
    let mut credits = Vec::with_capacity(paper.len());
    for item in paper {
        let chosen = answers
            .iter()
            .filter(|a| a.question == item.question)
            .max_by_key(|a| a.at)
            .map(|a| item.to_original(a.chosen));
        let c = match (chosen, key(item.question)) {
            (Some(chosen), Some((kind, right))) => credit(kind, right, chosen, rule),
            _ => 0,
        };
        credits.push((item.question, c));
    }
    let credit_milli: u32 = credits.iter().map(|(_, c)| c).sum();
    let full = (paper.len() as u64 * 1000).max(1);
    let percent_centi = ((u64::from(credit_milli) * 10_000 * 2 / full).div_ceil(2)) as u32;
    Marked {
        credits,
        credit_milli,
        percent_centi,
        passed: percent_centi >= u32::from(pass_percent) * 100,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exam::PaperItem;

    #[test]
    fn hand_computed_scores() {
        let t = |s: &str| -> chrono::DateTime<chrono::Utc> { s.parse().unwrap() };
        // Three questions; the paper shows q2's options reversed.
        let paper = vec![
            PaperItem {
                question: QuestionId(1),
                order: vec![0, 1, 2, 3],
            },
            PaperItem {
                question: QuestionId(2),
                order: vec![3, 2, 1, 0],
            },
            PaperItem {
                question: QuestionId(3),
                order: vec![0, 1],
            },
        ];
        let key = |q: QuestionId| match q.0 {
            1 => Some((QuestionKind::Single, Choices::parse("B").unwrap())),
            2 => Some((QuestionKind::Multiple, Choices::parse("ABC").unwrap())),
            3 => Some((QuestionKind::TrueFalse, Choices::parse("A").unwrap())),
            _ => None,
        };
        let answers = vec![
            SavedAnswer {
                question: QuestionId(1),
                chosen: Choices::parse("A").unwrap(),
                at: t("2020-06-01T01:00:00Z"),
            },
            // Changed later to the right one: the latest counts.
            SavedAnswer {
                question: QuestionId(1),
                chosen: Choices::parse("B").unwrap(),
                at: t("2020-06-01T01:05:00Z"),
            },
            // Shown C, D = original B, A: two of three right options.
            SavedAnswer {
                question: QuestionId(2),
                chosen: Choices::parse("CD").unwrap(),
                at: t("2020-06-01T01:06:00Z"),
            },
        ];
        let partial = mark(&paper, &answers, key, MultipleRule::Partial, 60);
        assert_eq!(
            partial.credits,
            vec![
                (QuestionId(1), 1000),
                (QuestionId(2), 667),
                (QuestionId(3), 0)
            ]
        );
        assert_eq!(partial.credit_milli, 1667);
        assert_eq!(partial.percent_centi, 5557); // 1.667 / 3 = 55.57%
        assert!(!partial.passed);
        let strict = mark(&paper, &answers, key, MultipleRule::AllOrNothing, 30);
        assert_eq!(strict.credit_milli, 1000);
        assert_eq!(strict.percent_centi, 3333);
        assert!(strict.passed);
    }
}
