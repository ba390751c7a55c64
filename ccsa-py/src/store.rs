//! `ccsa.Store`: read access to a campaign store (SQLite file or
//! PostgreSQL) as tables. Every call releases the GIL.

use crate::errors::to_py;
use crate::table::{Column, Table};
use ccsa_core::directory::DeptId;
use ccsa_core::ranking::{Period, Scope, rank_standings};
use ccsa_core::registry::{CountyId, OrgId};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use std::sync::{Arc, OnceLock};

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
}

#[pymethods]
impl Store {
    /// Opens a store and runs its migrations.
    #[staticmethod]
    fn open(py: Python<'_>, url: &str) -> PyResult<Store> {
        let url = url.to_string();
        let inner = run(py, async move { ccsa_store::open(&url).await })?;
        Ok(Store { inner })
    }

    /// "sqlite" or "postgres" (or "memory").
    #[getter]
    fn backend(&self) -> String {
        self.inner.backend().to_string()
    }

    /// The orgs: id, county, kind, name, listed_on, retired_on.
    fn orgs(&self, py: Python<'_>) -> PyResult<Table> {
        let store = self.inner.clone();
        let orgs = run(py, async move { store.orgs().await })?;
        Ok(Table::new(vec![
            (
                "id".into(),
                Column::Int(orgs.iter().map(|o| Some(o.id.0)).collect()),
            ),
            (
                "county".into(),
                Column::Int(orgs.iter().map(|o| Some(i64::from(o.county.0))).collect()),
            ),
            (
                "kind".into(),
                Column::Str(
                    orgs.iter()
                        .map(|o| Some(format!("{:?}", o.kind).to_lowercase()))
                        .collect(),
                ),
            ),
            (
                "name".into(),
                Column::Str(orgs.iter().map(|o| Some(o.name.clone())).collect()),
            ),
            (
                "listed_on".into(),
                Column::Str(orgs.iter().map(|o| Some(o.listed_on.to_string())).collect()),
            ),
            (
                "retired_on".into(),
                Column::Str(
                    orgs.iter()
                        .map(|o| o.retired_on.map(|d| d.to_string()))
                        .collect(),
                ),
            ),
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
        day: Option<&str>,
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
            "day" => Period::Day(
                day.ok_or_else(|| need("day"))?
                    .parse()
                    .map_err(|_| PyValueError::new_err("day must be YYYY-MM-DD"))?,
            ),
            p => return Err(PyValueError::new_err(format!("unknown period {p:?}"))),
        };
        let store = self.inner.clone();
        let board = run(py, async move {
            store.standings(scope, period).await.map(rank_standings)
        })?;
        Ok(Table::new(vec![
            (
                "rank".into(),
                Column::Int(board.iter().map(|e| Some(i64::from(e.rank))).collect()),
            ),
            (
                "member".into(),
                Column::Int(board.iter().map(|e| Some(e.standing.member.0)).collect()),
            ),
            (
                "name".into(),
                Column::Str(
                    board
                        .iter()
                        .map(|e| {
                            Some(if raw {
                                e.standing.name.expose().to_string()
                            } else {
                                e.standing.name.to_string()
                            })
                        })
                        .collect(),
                ),
            ),
            (
                "org".into(),
                Column::Int(board.iter().map(|e| Some(e.standing.org.0)).collect()),
            ),
            (
                "department".into(),
                Column::Int(
                    board
                        .iter()
                        .map(|e| e.standing.department.map(|d| d.0))
                        .collect(),
                ),
            ),
            (
                "county".into(),
                Column::Int(
                    board
                        .iter()
                        .map(|e| Some(i64::from(e.standing.county.0)))
                        .collect(),
                ),
            ),
            (
                "points".into(),
                Column::Int(board.iter().map(|e| Some(e.standing.points)).collect()),
            ),
        ]))
    }

    fn __repr__(&self) -> String {
        format!("Store(backend={:?})", self.inner.backend())
    }
}
