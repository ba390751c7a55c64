//! What analysts read in bulk (导出): the ledger and the answer log, page by
//! page in a stable order, so an export of any size needs one page of memory
//! on the store side and resumes where it stopped.

use crate::directory::MemberId;
use crate::registry::OrgId;
use crate::scoring::{LedgerEntry, QuizResult};
use chrono::NaiveDate;
use serde::Serialize;

/// Which rows an export reads: one org or every org, campaign days
/// `from..=to` (Beijing days).
///
/// ```
/// use ccsa_core::store::ExportRange;
/// use chrono::NaiveDate;
/// let d = |m, d| NaiveDate::from_ymd_opt(2020, m, d).unwrap();
/// let april = ExportRange::days(d(4, 1), d(4, 30));
/// assert!(april.contains(ccsa_core::registry::OrgId(7), d(4, 30)));
/// assert!(!april.for_org(ccsa_core::registry::OrgId(3)).contains(ccsa_core::registry::OrgId(7), d(4, 2)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ExportRange {
    /// Only this org's rows (`None`: every org).
    pub org: Option<OrgId>,
    /// First day, inclusive.
    pub from: NaiveDate,
    /// Last day, inclusive.
    pub to: NaiveDate,
}

impl ExportRange {
    /// Every org's rows of days `from..=to`.
    pub fn days(from: NaiveDate, to: NaiveDate) -> ExportRange {
        ExportRange {
            org: None,
            from,
            to,
        }
    }

    /// Every org's rows of every day (0001-01-01 to 9999-12-31, the days
    /// both SQL backends store).
    pub fn everything() -> ExportRange {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("a valid date");
        ExportRange::days(day(1, 1, 1), day(9999, 12, 31))
    }

    /// The same days, one org only.
    pub fn for_org(self, org: OrgId) -> ExportRange {
        ExportRange {
            org: Some(org),
            ..self
        }
    }

    /// Whether a row of `org` on `day` is in the range.
    pub fn contains(&self, org: OrgId, day: NaiveDate) -> bool {
        self.org.is_none_or(|o| o == org) && self.from <= day && day <= self.to
    }
}

/// A ledger entry (积分明细) with its id: ids increase in recording order,
/// and pages of [`crate::store::Store::ledger_page`] follow them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerRow {
    /// Position in the ledger.
    pub id: i64,
    /// The entry.
    pub entry: LedgerEntry,
}

/// A scored daily submission (the answer log) with the org it counted for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SubmissionRow {
    /// The member's org on that day.
    pub org: OrgId,
    /// The scored result, answers included.
    pub result: QuizResult,
}

impl SubmissionRow {
    /// The page key: rows come in `(member, day)` order.
    pub fn key(&self) -> (MemberId, NaiveDate) {
        (self.result.member, self.result.day)
    }
}
