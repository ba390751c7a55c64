//! Item analysis (试题分析): how hard each question was and how well it
//! separated strong from weak examinees.

use crate::directory::MemberId;
use crate::quiz::QuestionId;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One question's statistics over the examinees whose paper held it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemStats {
    /// The question.
    pub question: QuestionId,
    /// Examinees whose paper held it.
    pub examinees: usize,
    /// Facility index (难度系数 P): the mean credit, 0 (nobody) to 1 (everybody).
    pub facility: f64,
    /// Discrimination index (区分度 D, upper–lower 27%): mean credit of the
    /// upper group minus that of the lower group; None with fewer than two
    /// examinees.
    pub discrimination: Option<f64>,
}

/// One examinee's marked attempt: who, total credit (thousandths of a
/// question), credit per question.
pub type ExamineeCredits = (MemberId, u32, Vec<(QuestionId, u32)>);

/// Item analysis over finished attempts, one per examinee (the caller
/// passes each member's first finished attempt): `(member, total credit,
/// credit per question)`.
///
/// For each question, its examinees are ranked by total credit (high first,
/// ties by member id); `k` = 27% of them rounded half up, at least 1; the
/// upper group is the first `k`, the lower the last `k`.
///
/// ```
/// use ccsa_core::exam::item_analysis;
/// use ccsa_core::directory::MemberId;
/// use ccsa_core::quiz::QuestionId;
/// let q = QuestionId(1);
/// let stats = item_analysis(&[
///     (MemberId(1), 3000, vec![(q, 1000)]),
///     (MemberId(2), 1000, vec![(q, 0)]),
/// ]);
/// assert_eq!(stats[0].facility, 0.5);
/// assert_eq!(stats[0].discrimination, Some(1.0));
/// ```
pub fn item_analysis(results: &[ExamineeCredits]) -> Vec<ItemStats> {
    let mut per_item: BTreeMap<QuestionId, Vec<(u32, MemberId, u32)>> = BTreeMap::new();
    for (member, total, credits) in results {
        for (q, c) in credits {
            per_item.entry(*q).or_default().push((*total, *member, *c));
        }
    }
    per_item
        .into_iter()
        .map(|(question, mut rows)| {
            rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
            let n = rows.len();
            let mean = |rs: &[(u32, MemberId, u32)]| {
                rs.iter().map(|r| f64::from(r.2)).sum::<f64>() / (rs.len() as f64 * 1000.0)
            };
            let facility = mean(&rows);
            let discrimination = (n >= 2).then(|| {
                let k = ((n * 27 + 50) / 100).max(1);
                mean(&rows[..k]) - mean(&rows[n - k..])
            });
            ItemStats {
                question,
                examinees: n,
                facility,
                discrimination,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_indexes() {
        // Ten examinees; q1 answered right by the top 4, q2 by everyone but
        // the best, q3 by nobody.
        let (q1, q2, q3) = (QuestionId(1), QuestionId(2), QuestionId(3));
        let results: Vec<_> = (0..10u32)
            .map(|i| {
                let total = (10 - i) * 1000; // member 1 best … member 10 worst
                let c1 = if i < 4 { 1000 } else { 0 };
                let c2 = if i == 0 { 0 } else { 1000 };
                (
                    MemberId(i as i64 + 1),
                    total,
                    vec![(q1, c1), (q2, c2), (q3, 0)],
                )
            })
            .collect();
        let s = item_analysis(&results);
        // k = round(2.7) = 3: upper = members 1-3, lower = 8-10.
        assert_eq!(s[0].facility, 0.4);
        assert_eq!(s[0].discrimination, Some(1.0));
        assert_eq!(s[1].facility, 0.9);
        assert!((s[1].discrimination.unwrap() - (2.0 / 3.0 - 1.0)).abs() < 1e-12);
        assert_eq!((s[2].facility, s[2].discrimination), (0.0, Some(0.0)));
        assert_eq!(item_analysis(&results[..1])[0].discrimination, None);
    }
}
