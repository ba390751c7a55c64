//! `ccsa.Store`: read access to a campaign store (SQLite file or
//! PostgreSQL) as tables. Every call releases the GIL.

use crate::errors::to_py;
use crate::table::{Column, Table};
use ccsa_core::clock::SystemClock;
use ccsa_core::directory::{DeptId, RowOutcome};
use ccsa_core::exam::{ExamId, ExamResult};
use ccsa_core::ranking::{LeaderboardEntry, OrgLine, Participation, Period, Scope, rank_standings};
use ccsa_core::registry::{County, CountyId, OrgId};
use ccsa_core::scoring::Campaign;
use ccsa_core::store::{ExportRange, LedgerRow, SubmissionRow};
use ccsa_core::{Ccsa, ErrorCode};
use chrono::NaiveDate;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::sync::{Arc, OnceLock};

/// Rows per store page when a table is read in pages.
const PAGE: usize = 50_000;

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a tokio runtime")
    })
}

/// Runs a store future on the shared runtime with the GIL released.
fn run<T: Send>(
    py: Python<'_>,
    fut: impl std::future::Future<Output = ccsa_core::Result<T>> + Send,
) -> PyResult<T> {
    py.detach(|| runtime().block_on(fut)).map_err(to_py)
}

/// A campaign store. Open with `Store.open(url)`:
/// `sqlite://campaign.db`, `sqlite::memory:` or `postgres://user@host/db`.
///
/// Tables mask ID numbers, phones and names unless asked with `raw=True`
/// (personal information under PIPL: expose it only where you must).
#[pyclass(module = "ccsa", frozen)]
pub struct Store {
    inner: Arc<dyn ccsa_core::store::Store>,
    /// The facade over the same store, for the rules that live there
    /// (reports, awards, import checks); the 2020 notice's campaign.
    ccsa: Arc<Ccsa>,
}

/// A day argument: a `datetime.date` or an ISO `"YYYY-MM-DD"` string.
fn day_arg(name: &str, v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<NaiveDate>> {
    let Some(v) = v.filter(|v| !v.is_none()) else {
        return Ok(None);
    };
    if let Ok(d) = v.extract::<NaiveDate>() {
        return Ok(Some(d));
    }
    let s: String = v.extract().map_err(|_| {
        PyValueError::new_err(format!("{name} must be a date or a YYYY-MM-DD string"))
    })?;
    s.parse()
        .map(Some)
        .map_err(|_| PyValueError::new_err(format!("{name} must be YYYY-MM-DD, not {s:?}")))
}

/// The export range of `org`, `since`, `until` (both inclusive, open ends allowed).
fn range_arg(
    org: Option<i64>,
    since: Option<&Bound<'_, PyAny>>,
    until: Option<&Bound<'_, PyAny>>,
) -> PyResult<ExportRange> {
    let all = ExportRange::everything();
    let mut r = ExportRange::days(
        day_arg("since", since)?.unwrap_or(all.from),
        day_arg("until", until)?.unwrap_or(all.to),
    );
    if let Some(o) = org {
        r = r.for_org(OrgId(o));
    }
    Ok(r)
}

/// The participation columns shared by report and award tables.
fn participation_columns<T>(rows: &[T], f: impl Fn(&T) -> &Participation) -> Vec<(String, Column)> {
    vec![
        (
            "registered".into(),
            Column::ints(rows, |r| Some(i64::from(f(r).registered))),
        ),
        (
            "participants".into(),
            Column::ints(rows, |r| Some(i64::from(f(r).participants))),
        ),
        (
            "participation_rate".into(),
            Column::floats(rows, |r| Some(f(r).rate())),
        ),
        ("points".into(), Column::ints(rows, |r| Some(f(r).points))),
        (
            "average_score".into(),
            Column::floats(rows, |r| Some(f(r).average())),
        ),
    ]
}

fn org_lines(lines: &[OrgLine]) -> Table {
    let mut cols = vec![
        (
            "rank".into(),
            Column::ints(lines, |l| Some(i64::from(l.rank))),
        ),
        ("org".into(), Column::ints(lines, |l| Some(l.org.0))),
        ("name".into(), Column::strs(lines, |l| Some(l.name.clone()))),
        (
            "kind".into(),
            Column::strs(lines, |l| Some(kind_name(l.kind))),
        ),
        (
            "county".into(),
            Column::ints(lines, |l| Some(i64::from(l.county.0))),
        ),
        (
            "county_name".into(),
            Column::strs(lines, |l| County::get(l.county).map(|c| c.name.to_string())),
        ),
    ];
    cols.extend(participation_columns(lines, |l| &l.figures));
    Table::new(cols)
}

fn kind_name(k: ccsa_core::registry::OrgKind) -> String {
    format!("{k:?}").to_lowercase()
}

fn entries_table(board: &[LeaderboardEntry], raw: bool) -> Table {
    Table::new(vec![
        (
            "rank".into(),
            Column::ints(board, |e| Some(i64::from(e.rank))),
        ),
        (
            "member".into(),
            Column::ints(board, |e| Some(e.standing.member.0)),
        ),
        (
            "name".into(),
            Column::strs(board, |e| {
                Some(if raw {
                    e.standing.name.expose().to_string()
                } else {
                    e.standing.name.to_string()
                })
            }),
        ),
        (
            "org".into(),
            Column::ints(board, |e| Some(e.standing.org.0)),
        ),
        (
            "department".into(),
            Column::ints(board, |e| e.standing.department.map(|d| d.0)),
        ),
        (
            "county".into(),
            Column::ints(board, |e| Some(i64::from(e.standing.county.0))),
        ),
        (
            "points".into(),
            Column::ints(board, |e| Some(e.standing.points)),
        ),
        (
            "reached_at".into(),
            Column::times(board, |e| Some(e.standing.reached_at)),
        ),
    ])
}

#[pymethods]
impl Store {
    /// Opens a store and runs its migrations. `key` (32 bytes) seals ID
    /// numbers and phones at rest under key id `key_id`; a plaintext store
    /// is converted in place on its first open with a key, and
    /// `retired=(id, key)` rotates away from an earlier key.
    #[staticmethod]
    #[pyo3(signature = (url, key=None, key_id=1, retired=None))]
    fn open(
        py: Python<'_>,
        url: &str,
        key: Option<Vec<u8>>,
        key_id: u32,
        retired: Option<(u32, Vec<u8>)>,
    ) -> PyResult<Store> {
        let url = url.to_string();
        let keyring = match key {
            None => None,
            Some(k) => {
                let mut ring = ccsa_store::Keyring::from_slice(key_id, &k).map_err(to_py)?;
                if let Some((id, k)) = retired {
                    ring = ring.with_retired_slice(id, &k).map_err(to_py)?;
                }
                Some(ring)
            }
        };
        let options = ccsa_store::StoreOptions {
            keyring,
            ..Default::default()
        };
        let inner = run(
            py,
            async move { ccsa_store::open_with(&url, &options).await },
        )?;
        let ccsa = Ccsa::new(
            inner.clone(),
            Arc::new(SystemClock),
            Campaign::notice_2020(0),
        )
        .map_err(to_py)?;
        Ok(Store {
            inner,
            ccsa: Arc::new(ccsa),
        })
    }

    /// "sqlite" or "postgres" (or "memory").
    #[getter]
    fn backend(&self) -> String {
        self.inner.backend().to_string()
    }

    /// The orgs: id, county, kind ("bureau" or "enterprise"), name,
    /// listed_on, retired_on (dates; None while listed).
    fn orgs(&self, py: Python<'_>) -> PyResult<Table> {
        let store = self.inner.clone();
        let orgs = run(py, async move { store.orgs().await })?;
        Ok(Table::new(vec![
            ("id".into(), Column::ints(&orgs, |o| Some(o.id.0))),
            (
                "county".into(),
                Column::ints(&orgs, |o| Some(i64::from(o.county.0))),
            ),
            (
                "kind".into(),
                Column::strs(&orgs, |o| Some(kind_name(o.kind))),
            ),
            ("name".into(), Column::strs(&orgs, |o| Some(o.name.clone()))),
            (
                "listed_on".into(),
                Column::dates(&orgs, |o| Some(o.listed_on)),
            ),
            ("retired_on".into(), Column::dates(&orgs, |o| o.retired_on)),
        ]))
    }

    /// An org's active members: id, department, name, gender, id_number,
    /// phone, education — name, ID number and phone masked unless `raw`.
    #[pyo3(signature = (org, raw=false))]
    fn members(&self, py: Python<'_>, org: i64, raw: bool) -> PyResult<Table> {
        let store = self.inner.clone();
        let members = run(py, async move { store.members(OrgId(org)).await })?;
        let shown = |masked: String, exposed: &str| if raw { exposed.to_string() } else { masked };
        Ok(Table::new(vec![
            (
                "id".into(),
                Column::Int(members.iter().map(|m| Some(m.id.0)).collect()),
            ),
            (
                "department".into(),
                Column::Int(
                    members
                        .iter()
                        .map(|m| m.details.department.map(|d| d.0))
                        .collect(),
                ),
            ),
            (
                "name".into(),
                Column::Str(
                    members
                        .iter()
                        .map(|m| Some(shown(m.details.name.to_string(), m.details.name.expose())))
                        .collect(),
                ),
            ),
            (
                "gender".into(),
                Column::Str(
                    members
                        .iter()
                        .map(|m| Some(m.details.gender.as_zh().to_string()))
                        .collect(),
                ),
            ),
            (
                "id_number".into(),
                Column::Str(
                    members
                        .iter()
                        .map(|m| {
                            Some(shown(
                                m.details.id_number.to_string(),
                                m.details.id_number.expose(),
                            ))
                        })
                        .collect(),
                ),
            ),
            (
                "phone".into(),
                Column::Str(
                    members
                        .iter()
                        .map(|m| Some(shown(m.details.phone.to_string(), m.details.phone.expose())))
                        .collect(),
                ),
            ),
            (
                "education".into(),
                Column::Str(
                    members
                        .iter()
                        .map(|m| m.details.education.map(|e| e.as_zh().to_string()))
                        .collect(),
                ),
            ),
        ]))
    }

    /// A leaderboard (排行榜) as a table: rank (competition, "1224"),
    /// member, name (masked unless `raw`), org, department, county, points.
    ///
    /// `scope`: "all", "county" (with `county`), "org" (with `org`) or
    /// "department" (with `org`, and `department`; None is 无部门人员).
    /// `period`: "campaign", "month" (with `year`, `month`) or "day" (with
    /// `day`, YYYY-MM-DD).
    #[pyo3(signature = (scope="all", period="campaign", county=None, org=None, department=None, year=None, month=None, day=None, raw=false))]
    #[allow(clippy::too_many_arguments)]
    fn leaderboard(
        &self,
        py: Python<'_>,
        scope: &str,
        period: &str,
        county: Option<u16>,
        org: Option<i64>,
        department: Option<i64>,
        year: Option<i32>,
        month: Option<u32>,
        day: Option<&Bound<'_, PyAny>>,
        raw: bool,
    ) -> PyResult<Table> {
        let need = |what: &str| {
            PyValueError::new_err(format!("{what} is required for this scope or period"))
        };
        let scope = match scope {
            "all" => Scope::All,
            "county" => Scope::County(CountyId(county.ok_or_else(|| need("county"))?)),
            "org" => Scope::Org(OrgId(org.ok_or_else(|| need("org"))?)),
            "department" => Scope::Department(
                OrgId(org.ok_or_else(|| need("org"))?),
                department.map(DeptId),
            ),
            s => return Err(PyValueError::new_err(format!("unknown scope {s:?}"))),
        };
        let period = match period {
            "campaign" => Period::Campaign,
            "month" => Period::Month {
                year: year.ok_or_else(|| need("year"))?,
                month: month
                    .filter(|m| (1..=12).contains(m))
                    .ok_or_else(|| need("month (1-12)"))?,
            },
            "day" => Period::Day(day_arg("day", day)?.ok_or_else(|| need("day"))?),
            p => return Err(PyValueError::new_err(format!("unknown period {p:?}"))),
        };
        let store = self.inner.clone();
        let board = run(py, async move {
            store.standings(scope, period).await.map(rank_standings)
        })?;
        Ok(entries_table(&board, raw))
    }

    /// The ledger (积分明细): every point change, in recording order: id,
    /// member, org, day, kind ("daily_quiz", "full_marks_bonus", ...),
    /// points, at. Optionally one org's, and days `since..=until`
    /// (dates or "YYYY-MM-DD", inclusive). Read from the store in pages.
    #[pyo3(signature = (org=None, since=None, until=None))]
    fn ledger(
        &self,
        py: Python<'_>,
        org: Option<i64>,
        since: Option<&Bound<'_, PyAny>>,
        until: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Table> {
        let range = range_arg(org, since, until)?;
        let store = self.inner.clone();
        let rows: Vec<LedgerRow> = run(py, async move { store.ledger_rows(&range, PAGE).await })?;
        Ok(Table::new(vec![
            ("id".into(), Column::ints(&rows, |r| Some(r.id))),
            (
                "member".into(),
                Column::ints(&rows, |r| Some(r.entry.member.0)),
            ),
            ("org".into(), Column::ints(&rows, |r| Some(r.entry.org.0))),
            ("day".into(), Column::dates(&rows, |r| Some(r.entry.day))),
            (
                "kind".into(),
                Column::strs(&rows, |r| Some(r.entry.kind.as_str().to_string())),
            ),
            (
                "points".into(),
                Column::ints(&rows, |r| Some(r.entry.points)),
            ),
            ("at".into(), Column::times(&rows, |r| Some(r.entry.at))),
        ]))
    }

    /// The daily submissions (每日答题 answer log): one row per member and
    /// day answered, in (member, day) order: member, org, day,
    /// submitted_at, questions, correct, points. Filters as in `ledger`.
    #[pyo3(signature = (org=None, since=None, until=None))]
    fn submissions(
        &self,
        py: Python<'_>,
        org: Option<i64>,
        since: Option<&Bound<'_, PyAny>>,
        until: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Table> {
        let range = range_arg(org, since, until)?;
        let store = self.inner.clone();
        let rows: Vec<SubmissionRow> =
            run(py, async move { store.submission_rows(&range, PAGE).await })?;
        Ok(Table::new(vec![
            (
                "member".into(),
                Column::ints(&rows, |r| Some(r.result.member.0)),
            ),
            ("org".into(), Column::ints(&rows, |r| Some(r.org.0))),
            ("day".into(), Column::dates(&rows, |r| Some(r.result.day))),
            (
                "submitted_at".into(),
                Column::times(&rows, |r| Some(r.result.submitted_at)),
            ),
            (
                "questions".into(),
                Column::ints(&rows, |r| Some(i64::from(r.result.total))),
            ),
            (
                "correct".into(),
                Column::ints(&rows, |r| Some(i64::from(r.result.correct))),
            ),
            (
                "points".into(),
                Column::ints(&rows, |r| Some(r.result.points)),
            ),
        ]))
    }

    /// The monthly report (月度通报) of a month, as the coordination office
    /// publishes it. `level="county"`: one row per county in publication
    /// order (rank, county, name, group, registered, participants,
    /// participation_rate, points, average_score); `level="org"`: one row
    /// per org under its county (county_rank, then the org's rank, org,
    /// name, kind, county, county_name and the same figures).
    #[pyo3(signature = (year, month, level="county"))]
    fn monthly_report(
        &self,
        py: Python<'_>,
        year: i32,
        month: u32,
        level: &str,
    ) -> PyResult<Table> {
        if !matches!(level, "county" | "org") {
            return Err(PyValueError::new_err(format!(
                "level must be \"county\" or \"org\", not {level:?}"
            )));
        }
        let ccsa = self.ccsa.clone();
        let report = run(py, async move { ccsa.monthly_report(year, month).await })?;
        let counties = &report.counties;
        if level == "county" {
            let mut cols = vec![
                (
                    "rank".into(),
                    Column::ints(counties, |c| Some(i64::from(c.rank))),
                ),
                (
                    "county".into(),
                    Column::ints(counties, |c| Some(i64::from(c.county.0))),
                ),
                (
                    "name".into(),
                    Column::strs(counties, |c| Some(c.name.to_string())),
                ),
                (
                    "group".into(),
                    Column::ints(counties, |c| Some(i64::from(c.group.0))),
                ),
            ];
            cols.extend(participation_columns(counties, |c| &c.figures));
            return Ok(Table::new(cols));
        }
        let lines: Vec<(u32, OrgLine)> = counties
            .iter()
            .flat_map(|c| c.orgs.iter().map(|o| (c.rank, o.clone())))
            .collect();
        let orgs: Vec<OrgLine> = lines.iter().map(|l| l.1.clone()).collect();
        let mut cols = vec![(
            "county_rank".to_string(),
            Column::ints(&lines, |l| Some(i64::from(l.0))),
        )];
        cols.extend(org_lines(&orgs).into_columns());
        Ok(Table::new(cols))
    }

    /// The year-end awards (年底表彰) as a dict of three tables:
    /// "individuals" (rank ≤ `top_n`, ties at the cut included),
    /// "bureaus" and "enterprises" (award order: participation rate, then
    /// average score), org participation counted over `since..=until`
    /// (default: the 2020 campaign, 2020-03-01 to 2020-12-31).
    #[pyo3(signature = (top_n=10, since=None, until=None, raw=false))]
    fn awards<'py>(
        &self,
        py: Python<'py>,
        top_n: u32,
        since: Option<&Bound<'py, PyAny>>,
        until: Option<&Bound<'py, PyAny>>,
        raw: bool,
    ) -> PyResult<Bound<'py, PyDict>> {
        let c = self.ccsa.campaign();
        let from = day_arg("since", since)?.unwrap_or(c.start);
        let to = day_arg("until", until)?.unwrap_or(c.end);
        let ccsa = self.ccsa.clone();
        let awards = run(
            py,
            async move { ccsa.awards_between(top_n, from, to).await },
        )?;
        let d = PyDict::new(py);
        d.set_item("individuals", entries_table(&awards.individuals, raw))?;
        d.set_item("bureaus", org_lines(&awards.bureaus))?;
        d.set_item("enterprises", org_lines(&awards.enterprises))?;
        Ok(d)
    }

    /// An org's audit log (操作日志), oldest first: id, admin, action (stable
    /// name, e.g. "add_member"), label (中文), target (the object's id),
    /// detail, at. Days `since..=until` (Beijing time) optionally. No
    /// personal data is ever in it.
    #[pyo3(signature = (org, since=None, until=None))]
    fn audit(
        &self,
        py: Python<'_>,
        org: i64,
        since: Option<&Bound<'_, PyAny>>,
        until: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Table> {
        let range = range_arg(Some(org), since, until)?;
        let offset = ccsa_core::clock::china_offset();
        let instant = |d: chrono::NaiveDate| {
            d.and_hms_opt(0, 0, 0)
                .expect("midnight")
                .and_local_timezone(offset)
                .single()
                .expect("a fixed offset")
                .with_timezone(&chrono::Utc)
        };
        let (from, to) = (
            instant(range.from),
            instant(range.to) + chrono::Duration::days(1),
        );
        let store = self.inner.clone();
        let entries = run(
            py,
            async move { store.audit_log(OrgId(org), from, to).await },
        )?;
        Ok(Table::new(vec![
            ("id".into(), Column::ints(&entries, |e| Some(e.id))),
            (
                "admin".into(),
                Column::ints(&entries, |e| e.entry.admin.map(|a| a.0)),
            ),
            (
                "action".into(),
                Column::strs(&entries, |e| Some(e.entry.action.as_str().to_string())),
            ),
            (
                "label".into(),
                Column::strs(&entries, |e| Some(e.entry.action.label().to_string())),
            ),
            ("target".into(), Column::ints(&entries, |e| e.entry.target)),
            (
                "detail".into(),
                Column::strs(&entries, |e| Some(e.entry.detail.clone())),
            ),
            ("at".into(), Column::times(&entries, |e| Some(e.entry.at))),
        ]))
    }

    /// An org's exams (在线考试): id, title, questions, minutes,
    /// pass_percent, attempts, opens_at, closes_at.
    fn exams(&self, py: Python<'_>, org: i64) -> PyResult<Table> {
        let store = self.inner.clone();
        let exams = run(py, async move { store.exams(OrgId(org)).await })?;
        Ok(Table::new(vec![
            ("id".into(), Column::ints(&exams, |e| Some(e.id.0))),
            (
                "title".into(),
                Column::strs(&exams, |e| Some(e.exam.title.clone())),
            ),
            (
                "questions".into(),
                Column::ints(&exams, |e| {
                    Some(e.exam.blueprint.iter().map(|r| i64::from(r.count)).sum())
                }),
            ),
            (
                "minutes".into(),
                Column::ints(&exams, |e| Some(i64::from(e.exam.minutes))),
            ),
            (
                "pass_percent".into(),
                Column::ints(&exams, |e| Some(i64::from(e.exam.pass_percent))),
            ),
            (
                "attempts".into(),
                Column::ints(&exams, |e| Some(i64::from(e.exam.attempts))),
            ),
            (
                "opens_at".into(),
                Column::times(&exams, |e| Some(e.exam.opens_at)),
            ),
            (
                "closes_at".into(),
                Column::times(&exams, |e| Some(e.exam.closes_at)),
            ),
        ]))
    }

    /// An exam's results (考试成绩): one row per member with a finished
    /// attempt: member, attempts, best_percent (0–100), passed.
    /// Unknown exams raise `ExamError` with code `EXAM_NOT_FOUND`.
    fn exam_results(&self, py: Python<'_>, exam: i64) -> PyResult<Table> {
        let store = self.inner.clone();
        let results = run(py, async move {
            let exam = store
                .exam(ExamId(exam))
                .await?
                .ok_or(ErrorCode::ExamNotFound)?;
            Ok(ExamResult::collect(&store.attempts(exam.id, None).await?))
        })?;
        Ok(Table::new(vec![
            (
                "member".into(),
                Column::ints(&results, |r| Some(r.member.0)),
            ),
            (
                "attempts".into(),
                Column::ints(&results, |r| Some(r.attempts.len() as i64)),
            ),
            (
                "best_percent".into(),
                Column::floats(&results, |r| Some(f64::from(r.best_percent_centi) / 100.0)),
            ),
            ("passed".into(), Column::bools(&results, |r| Some(r.passed))),
        ]))
    }

    /// A dry run of the member import (人员导入) of a file for `org`: nothing
    /// is written. `data` is the file's bytes (.xlsx, .xls, .ods or UTF-8
    /// .csv, told by `file_name`). One row per problem, and one per row
    /// without problems: row (sheet row number), outcome ("created",
    /// "updated", "unchanged", "failed"), column, code, message, other_row
    /// (the earlier row of an in-file duplicate). A file that cannot be
    /// read at all raises `MemberImportError`.
    #[pyo3(signature = (org, data, file_name="import.xlsx"))]
    fn check_import(
        &self,
        py: Python<'_>,
        org: i64,
        data: Vec<u8>,
        file_name: &str,
    ) -> PyResult<Table> {
        let ccsa = self.ccsa.clone();
        let name = file_name.to_string();
        let report = run(py, async move {
            ccsa.check_import_file(OrgId(org), &data, &name).await
        })?;
        struct Line {
            row: u32,
            outcome: RowOutcome,
            error: Option<ccsa_core::directory::RowError>,
        }
        let mut lines = Vec::new();
        for r in report.rows {
            if r.errors.is_empty() {
                lines.push(Line {
                    row: r.row,
                    outcome: r.outcome,
                    error: None,
                });
            }
            for e in r.errors {
                lines.push(Line {
                    row: r.row,
                    outcome: r.outcome,
                    error: Some(e),
                });
            }
        }
        let outcome = |o: RowOutcome| match o {
            RowOutcome::Created => "created",
            RowOutcome::Updated => "updated",
            RowOutcome::Unchanged => "unchanged",
            RowOutcome::Failed => "failed",
        };
        Ok(Table::new(vec![
            (
                "row".into(),
                Column::ints(&lines, |l| Some(i64::from(l.row))),
            ),
            (
                "outcome".into(),
                Column::strs(&lines, |l| Some(outcome(l.outcome).to_string())),
            ),
            (
                "column".into(),
                Column::strs(&lines, |l| l.error.as_ref().map(|e| e.column.clone())),
            ),
            (
                "code".into(),
                Column::strs(&lines, |l| {
                    l.error.as_ref().map(|e| e.code.as_str().to_string())
                }),
            ),
            (
                "message".into(),
                Column::strs(&lines, |l| l.error.as_ref().map(|e| e.message.clone())),
            ),
            (
                "other_row".into(),
                Column::ints(&lines, |l| {
                    l.error.as_ref().and_then(|e| e.other_row).map(i64::from)
                }),
            ),
        ]))
    }

    fn __repr__(&self) -> String {
        format!("Store(backend={:?})", self.inner.backend())
    }
}
