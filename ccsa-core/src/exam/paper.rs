//! The paper of one attempt (试卷): questions picked by the blueprint and
//! shuffled, options shuffled, all reproducible from (exam, member, attempt).

use super::{Blueprint, ExamId};
use crate::directory::MemberId;
use crate::quiz::{Choices, Question, QuestionId, QuestionKind, SplitMix64};
use crate::{Error, ErrorCode, Result};
use serde::{Deserialize, Serialize};

/// One question of a paper and the order its options are shown in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaperItem {
    /// The question.
    pub question: QuestionId,
    /// `order[shown] = original`: the option shown as letter `shown` is the
    /// question's option `original` (判断题 keep 正确/错误 in place).
    pub order: Vec<u8>,
}

impl PaperItem {
    /// Options chosen as shown → the question's own option letters.
    pub fn to_original(&self, shown: Choices) -> Choices {
        let mut bits = 0u8;
        for (s, o) in self.order.iter().enumerate() {
            if shown.contains(s as u8) {
                bits |= 1 << o;
            }
        }
        // A letter past the shown options stays a wrong answer.
        if u32::from(shown.0) >> self.order.len() != 0 {
            bits |= 0x80;
        }
        Choices(bits)
    }
}

/// A paper: its items, in the order shown.
pub type Paper = Vec<PaperItem>;

fn mix(x: u64) -> u64 {
    SplitMix64::new(x).next_u64()
}

/// Builds the paper of attempt `number` of `member` for exam `exam`.
///
/// For each blueprint row in order, the eligible questions (`bank`: the
/// exam's bank; category equal, difficulty equal when given, not already
/// picked by an earlier row) are sorted by id and the row's count taken by a
/// Fisher–Yates shuffle with a SplitMix64 stream seeded from (exam, member,
/// number, row); the picked questions are then shuffled together, and each
/// question's options (except 判断) shuffled with its own stream.
/// `BANK_TOO_SMALL` names the row that cannot be filled.
pub fn make_paper(
    exam: ExamId,
    member: MemberId,
    number: u8,
    blueprint: &Blueprint,
    bank: &[&Question],
) -> Result<Paper> {
    let seed = mix(mix(mix(exam.0 as u64) ^ member.0 as u64) ^ u64::from(number));
    let mut picked: Vec<QuestionId> = Vec::new();
    for (r, row) in blueprint.iter().enumerate() {
        let mut pool: Vec<QuestionId> = bank
            .iter()
            .filter(|q| {
                q.body.category == row.category
                    && row.difficulty.is_none_or(|d| q.body.difficulty == d)
                    && !picked.contains(&q.id)
            })
            .map(|q| q.id)
            .collect();
        pool.sort_unstable();
        let n = usize::from(row.count);
        if pool.len() < n {
            return Err(Error::new(ErrorCode::BankTooSmall).with_note(format!(
                "第{}行（{}{}）需要{}题，题库中只有{}题",
                r + 1,
                row.category,
                row.difficulty
                    .map(|d| format!("，难度{d}"))
                    .unwrap_or_default(),
                n,
                pool.len()
            )));
        }
        let mut rng = SplitMix64::new(mix(seed ^ (r as u64 + 1)));
        for i in 0..n {
            let j = i + rng.below(pool.len() - i);
            pool.swap(i, j);
        }
        picked.extend_from_slice(&pool[..n]);
    }
    let mut rng = SplitMix64::new(mix(seed ^ 0x0070_6170_6572));
    for i in (1..picked.len()).rev() {
        let j = rng.below(i + 1);
        picked.swap(i, j);
    }
    let index: std::collections::HashMap<QuestionId, &Question> =
        bank.iter().map(|q| (q.id, *q)).collect();
    let by_id = |id: QuestionId| index[&id];
    Ok(picked
        .into_iter()
        .map(|id| {
            let q = by_id(id);
            let n = q.body.options.len() as u8;
            let mut order: Vec<u8> = (0..n).collect();
            if q.body.kind != QuestionKind::TrueFalse {
                let mut rng = SplitMix64::new(mix(seed ^ id.0 as u64));
                for i in (1..order.len()).rev() {
                    let j = rng.below(i + 1);
                    order.swap(i, j);
                }
            }
            PaperItem {
                question: id,
                order,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exam::BlueprintRow;
    use crate::quiz::{BankOwner, NewQuestion};

    fn bank() -> Vec<Question> {
        crate::sample::national_bank()
            .into_iter()
            .enumerate()
            .map(|(i, body)| Question {
                id: QuestionId(i as i64 + 1),
                body: NewQuestion {
                    owner: BankOwner::National,
                    ..body
                },
            })
            .collect()
    }

    #[test]
    fn papers_follow_the_blueprint_and_are_reproducible() {
        let bank = bank();
        let refs: Vec<&Question> = bank.iter().collect();
        let bp = vec![
            BlueprintRow {
                category: "法律法规".into(),
                difficulty: None,
                count: 4,
            },
            BlueprintRow {
                category: "特殊作业".into(),
                difficulty: Some(2),
                count: 2,
            },
        ];
        let p = make_paper(ExamId(1), MemberId(7), 1, &bp, &refs).unwrap();
        assert_eq!(p.len(), 6);
        let q = |id| bank.iter().find(|q| q.id == id).unwrap();
        assert_eq!(
            p.iter()
                .filter(|i| q(i.question).body.category == "法律法规")
                .count(),
            4
        );
        assert!(
            p.iter()
                .filter(|i| q(i.question).body.category == "特殊作业")
                .all(|i| q(i.question).body.difficulty == 2)
        );
        assert_eq!(
            make_paper(ExamId(1), MemberId(7), 1, &bp, &refs).unwrap(),
            p
        );
        assert_ne!(
            make_paper(ExamId(1), MemberId(7), 2, &bp, &refs).unwrap(),
            p
        );
        assert_ne!(
            make_paper(ExamId(1), MemberId(8), 1, &bp, &refs).unwrap(),
            p
        );
        for item in &p {
            let mut o = item.order.clone();
            o.sort_unstable();
            assert_eq!(
                o,
                (0..q(item.question).body.options.len() as u8).collect::<Vec<_>>()
            );
        }
        let too_many = vec![BlueprintRow {
            category: "法律法规".into(),
            difficulty: Some(5),
            count: 50,
        }];
        let e = make_paper(ExamId(1), MemberId(7), 1, &too_many, &refs).unwrap_err();
        assert_eq!(e.code(), ErrorCode::BankTooSmall);
        assert!(e.to_string().contains("第1行"), "{e}");
    }

    #[test]
    fn shown_letters_map_back() {
        let item = PaperItem {
            question: QuestionId(1),
            order: vec![2, 0, 3, 1],
        };
        // Shown A is original C, shown D is original B.
        assert_eq!(
            item.to_original(Choices::parse("AD").unwrap()).letters(),
            "BC"
        );
        assert!(item.to_original(Choices::parse("E").unwrap()).0 & 0x80 != 0);
    }
}
