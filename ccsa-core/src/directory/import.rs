//! Bulk import of members (使用导入模板新增用户): the rules, independent of
//! file formats.
//!
//! A file becomes [`ImportRow`]s (see `ccsa_core::spreadsheet` for xlsx, xls,
//! ods and CSV), then [`plan_import`] checks every row with the same
//! [`MemberForm::validate`] the add form uses, plus what only a batch can
//! get wrong: duplicates within the file (naming both rows) and phones or ID
//! numbers already used by someone else. A row whose ID number matches an
//! existing member of the same org updates that member instead of
//! duplicating it. The plan says, per row, created / updated / unchanged /
//! failed, and lists the writes; the store applies them in one transaction.
//!
//! | mode | writes |
//! |---|---|
//! | [`ImportMode::DryRun`] | nothing; the report says what would happen |
//! | [`ImportMode::AllOrNothing`] | everything, or nothing if any row failed |
//! | [`ImportMode::ValidRows`] | the valid rows; failed rows are reported |

use super::{Department, Member, MemberForm, MemberId, NewMember};
use crate::ErrorCode;
use crate::error::Field;
use crate::identity::{IdNumber, Phone};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The template's sheet name.
pub const TEMPLATE_SHEET: &str = "企业用户导入模板";

/// The template's columns, in order (序号 is optional when importing).
pub const TEMPLATE_COLUMNS: [&str; 9] = [
    "序号",
    "用户姓名",
    "部门名称",
    "职位",
    "用户性别",
    "用户身份证号",
    "用户手机号",
    "用户邮箱",
    "学历",
];

/// What one spreadsheet cell held, as a person sees it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub enum Cell {
    /// Nothing.
    #[default]
    Empty,
    /// Text (including numbers typed into a text-formatted column).
    Text(String),
    /// A number cell (Excel converts long digit strings into these).
    Number(f64),
}

impl Cell {
    /// The cell as text, the way a spreadsheet shows it: integral numbers
    /// without a decimal point (`13800138000`), others in shortest form.
    pub fn as_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(n) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
            Cell::Number(n) => format!("{n}"),
        }
    }

    /// The cell as text, consuming it (no copy for text cells).
    pub fn into_text(self) -> String {
        match self {
            Cell::Text(s) => s,
            other => other.as_text(),
        }
    }

    fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            Cell::Number(_) => false,
        }
    }
}

/// One data row of the template, with its row number as the admin sees it
/// in the spreadsheet (1-based, counting the header and anything above it).
/// `Debug` and `Serialize` mask the name, ID number and phone cells.
#[derive(Clone, PartialEq, Default, Deserialize)]
pub struct ImportRow {
    /// Sheet row number.
    pub row: u32,
    /// 用户姓名
    pub name: Cell,
    /// 部门名称
    pub department: Cell,
    /// 职位
    pub position: Cell,
    /// 用户性别
    pub gender: Cell,
    /// 用户身份证号
    pub id_number: Cell,
    /// 用户手机号
    pub phone: Cell,
    /// 用户邮箱
    pub email: Cell,
    /// 学历
    pub education: Cell,
}

impl ImportRow {
    /// The row with its name, ID number and phone cells masked (text cells
    /// masked as text; a number cell becomes the text of its masked digits).
    pub fn masked(&self) -> ImportRow {
        use crate::identity::{mask_raw, mask_raw_name};
        let text = |c: &Cell, f: fn(&str) -> String| match c {
            Cell::Empty => Cell::Empty,
            other => Cell::Text(f(&other.as_text())),
        };
        ImportRow {
            name: text(&self.name, mask_raw_name),
            id_number: text(&self.id_number, mask_raw),
            phone: text(&self.phone, mask_raw),
            ..self.clone()
        }
    }
}

impl std::fmt::Debug for ImportRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let m = self.masked();
        f.debug_struct("ImportRow")
            .field("row", &m.row)
            .field("name", &m.name)
            .field("department", &m.department)
            .field("position", &m.position)
            .field("gender", &m.gender)
            .field("id_number", &m.id_number)
            .field("phone", &m.phone)
            .field("email", &m.email)
            .field("education", &m.education)
            .finish()
    }
}

impl Serialize for ImportRow {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let m = self.masked();
        let mut st = s.serialize_struct("ImportRow", 9)?;
        st.serialize_field("row", &m.row)?;
        st.serialize_field("name", &m.name)?;
        st.serialize_field("department", &m.department)?;
        st.serialize_field("position", &m.position)?;
        st.serialize_field("gender", &m.gender)?;
        st.serialize_field("id_number", &m.id_number)?;
        st.serialize_field("phone", &m.phone)?;
        st.serialize_field("email", &m.email)?;
        st.serialize_field("education", &m.education)?;
        st.end()
    }
}

impl ImportRow {
    /// Whether every cell is blank (such rows are skipped).
    pub fn is_blank(&self) -> bool {
        [
            &self.name,
            &self.department,
            &self.position,
            &self.gender,
            &self.id_number,
            &self.phone,
            &self.email,
            &self.education,
        ]
        .iter()
        .all(|c| c.is_blank())
    }

    /// A row holding a form's fields as text (blank fields as empty cells):
    /// the inverse of [`ImportRow::to_form`].
    pub fn from_form(row: u32, form: &MemberForm) -> ImportRow {
        let cell = |s: &str| {
            if s.trim().is_empty() {
                Cell::Empty
            } else {
                Cell::Text(s.to_string())
            }
        };
        ImportRow {
            row,
            name: cell(&form.name),
            department: cell(&form.department),
            position: cell(&form.position),
            gender: cell(&form.gender),
            id_number: cell(&form.id_number),
            phone: cell(&form.phone),
            email: cell(&form.email),
            education: cell(&form.education),
        }
    }

    /// The row as the add form's fields, consuming it.
    pub fn into_form(self) -> MemberForm {
        MemberForm {
            name: self.name.into_text(),
            department: self.department.into_text(),
            position: self.position.into_text(),
            gender: self.gender.into_text(),
            id_number: self.id_number.into_text(),
            phone: self.phone.into_text(),
            email: self.email.into_text(),
            education: self.education.into_text(),
        }
    }

    /// The row as the add form's fields.
    pub fn to_form(&self) -> MemberForm {
        self.clone().into_form()
    }
}

/// How an import writes (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ImportMode {
    /// Validate only.
    DryRun,
    /// Write all rows, or none if any row fails.
    AllOrNothing,
    /// Write the valid rows.
    ValidRows,
}

/// One problem with one cell of one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowError {
    /// Sheet row number.
    pub row: u32,
    /// Column title (用户手机号 ...).
    pub column: String,
    /// Stable code.
    pub code: ErrorCode,
    /// Chinese message for the admin.
    pub message: String,
    /// The other row, for duplicates within the file.
    pub other_row: Option<u32>,
}

/// What happened (or, in a dry run, would happen) to a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RowOutcome {
    /// A new member.
    Created,
    /// An existing member of the org (same ID number) with changed details.
    Updated,
    /// An existing member whose details are the same.
    Unchanged,
    /// Not imported; see the errors.
    Failed,
}

/// The report line of one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowReport {
    /// Sheet row number.
    pub row: u32,
    /// Outcome.
    pub outcome: RowOutcome,
    /// The member created or updated (after writing; `None` in a dry run for new rows).
    pub member: Option<MemberId>,
    /// Every problem found (empty unless failed).
    pub errors: Vec<RowError>,
}

/// The whole report of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportReport {
    /// The mode it ran in.
    pub mode: ImportMode,
    /// Whether anything was written.
    pub written: bool,
    /// One line per data row, in file order.
    pub rows: Vec<RowReport>,
}

impl ImportReport {
    /// Rows with this outcome.
    pub fn count(&self, outcome: RowOutcome) -> usize {
        self.rows.iter().filter(|r| r.outcome == outcome).count()
    }

    /// Every row error, in row order.
    pub fn errors(&self) -> impl Iterator<Item = &RowError> {
        self.rows.iter().flat_map(|r| r.errors.iter())
    }
}

/// A write the store applies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportOp {
    /// Add a member.
    Create(NewMember),
    /// Replace an existing member's details.
    Update(MemberId, NewMember),
}

/// The checked import: the report and the writes (indices into `report.rows`).
#[derive(Debug, Clone)]
pub struct ImportPlan {
    /// The report (outcomes as planned).
    pub report: ImportReport,
    /// The writes to apply, with the report line each belongs to.
    pub ops: Vec<(usize, ImportOp)>,
}

fn field_title(f: Field) -> &'static str {
    f.title_zh()
}

/// Character edit distance (for "did you mean" department suggestions).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The org's department closest to `typed`, if close enough to be a typo.
pub fn suggest_department<'a>(typed: &str, departments: &'a [Department]) -> Option<&'a str> {
    let typed = typed.trim();
    departments
        .iter()
        .map(|d| (distance(typed, d.name.as_str()), d.name.as_str()))
        .filter(|(dist, name)| {
            *dist <= 2.max(name.chars().count() / 3) || name.contains(typed) || typed.contains(name)
        })
        .min()
        .map(|(_, n)| n)
}

/// Rows checked by [`ImportPlanner::check`] that passed every check a row
/// can pass on its own, waiting for [`ImportPlanner::decide`].
#[derive(Debug, Default)]
pub struct CheckedRows {
    /// (report line, the validated member).
    candidates: Vec<(usize, NewMember)>,
}

impl CheckedRows {
    /// The candidates' phones (to look up who already uses them).
    pub fn phones(&self) -> Vec<Phone> {
        self.candidates
            .iter()
            .map(|(_, m)| m.phone.clone())
            .collect()
    }

    /// The candidates' ID numbers (to look up who already uses them).
    pub fn id_numbers(&self) -> Vec<IdNumber> {
        self.candidates
            .iter()
            .map(|(_, m)| m.id_number.clone())
            .collect()
    }

    /// How many rows are waiting for a decision.
    pub fn len(&self) -> usize {
        self.candidates.len()
    }

    /// Whether no row is waiting.
    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }
}

/// Plans an import batch by batch, so a large file can be read, checked and
/// written as a stream (one store transaction around all of it).
///
/// For each batch of rows, in file order:
/// 1. [`check`](Self::check) validates every row with
///    [`MemberForm::validate`] and finds duplicates within the file (the
///    later row fails, naming the earlier one, across batches too);
/// 2. the caller looks up the store's active members using the candidates'
///    [`phones`](CheckedRows::phones) and [`id_numbers`](CheckedRows::id_numbers);
/// 3. [`decide`](Self::decide) turns each candidate into created / updated /
///    unchanged or failed (phone or ID number used by someone else) and
///    returns the writes, report line first.
///
/// [`finish`](Self::finish) returns the report. [`plan_import`] is the
/// one-batch form.
///
/// ```
/// use ccsa_core::directory::{ImportMode, ImportPlanner, ImportRow, RowOutcome};
/// use ccsa_core::registry::OrgId;
/// use ccsa_core::sample;
///
/// let today = "2020-03-24".parse().unwrap();
/// let mut planner = ImportPlanner::new(ImportMode::ValidRows, today, OrgId(1), &[]);
/// let rows = vec![
///     ImportRow::from_form(2, &sample::member_form(1, "")),
///     ImportRow::from_form(3, &sample::member_form(1, "")), // the same person again
/// ];
/// let checked = planner.check(rows);
/// let ops = planner.decide(checked, &[]); // nobody in the store uses these
/// assert_eq!(ops.len(), 1);
/// let report = planner.finish(false); // nothing was written in this example
/// assert_eq!(report.count(RowOutcome::Created), 1);
/// assert_eq!(report.rows[1].errors[0].other_row, Some(2));
/// ```
#[derive(Debug)]
pub struct ImportPlanner<'a> {
    mode: ImportMode,
    today: NaiveDate,
    org: crate::registry::OrgId,
    departments: &'a [Department],
    /// Phone (as a number) → the first row using it.
    seen_phone: HashMap<u64, u32>,
    /// ID number (its first 17 digits, which fix the 18th) → the first row.
    seen_id: HashMap<u64, u32>,
    lines: Vec<RowReport>,
    writes: usize,
}

impl<'a> ImportPlanner<'a> {
    /// A planner for one import into `org`, whose departments are `departments`.
    pub fn new(
        mode: ImportMode,
        today: NaiveDate,
        org: crate::registry::OrgId,
        departments: &'a [Department],
    ) -> Self {
        ImportPlanner {
            mode,
            today,
            org,
            departments,
            seen_phone: HashMap::new(),
            seen_id: HashMap::new(),
            lines: Vec::new(),
            writes: 0,
        }
    }

    /// Whether any row so far failed.
    pub fn any_failed(&self) -> bool {
        self.lines.iter().any(|l| l.outcome == RowOutcome::Failed)
    }

    /// Whether the writes returned so far may be committed: not in a dry
    /// run, and in all-or-nothing mode only if no row failed. Ask after the
    /// last batch; when `false`, roll the transaction back.
    pub fn should_commit(&self) -> bool {
        match self.mode {
            ImportMode::DryRun => false,
            ImportMode::AllOrNothing => !self.any_failed(),
            ImportMode::ValidRows => self.writes > 0,
        }
    }

    /// Rows checked so far.
    pub fn rows_checked(&self) -> usize {
        self.lines.len()
    }

    /// Validates a batch of rows (blank rows are skipped) and records a
    /// report line for each; returns the rows still in the running.
    pub fn check(&mut self, rows: impl IntoIterator<Item = ImportRow>) -> CheckedRows {
        let mut out = CheckedRows::default();
        for r in rows.into_iter().filter(|r| !r.is_blank()) {
            let mut errors = Vec::new();
            let id_as_number = matches!(r.id_number, Cell::Number(_));
            let row = r.row;
            let mut form = r.into_form();
            if id_as_number {
                // A float has lost the last digits: judge nothing by them (not
                // even the gender they encode); the row fails on this column.
                form.id_number.clear();
            }
            let member = match form.validate(self.today, self.departments) {
                Ok(m) if !id_as_number => Some(m),
                Ok(_) => {
                    errors.push(row_error(
                        row,
                        Field::IdNumber.title_zh(),
                        ErrorCode::IdNumberExcelMangled,
                        None,
                        None,
                    ));
                    None
                }
                Err(fields) => {
                    for f in fields {
                        let code = if f.field == Field::IdNumber && id_as_number {
                            ErrorCode::IdNumberExcelMangled
                        } else {
                            f.code
                        };
                        let extra = (f.code == ErrorCode::DepartmentNotFound)
                            .then(|| {
                                suggest_department(&form.department, self.departments)
                                    .map(|s| format!("（您是否要填写“{s}”？）"))
                            })
                            .flatten();
                        errors.push(row_error(row, field_title(f.field), code, None, extra));
                    }
                    None
                }
            };
            // Duplicates within the file, even when other fields failed; a
            // validated row's phone and ID number are not parsed again.
            let phone_key = match &member {
                Some(m) => Some(phone_key(&m.phone)),
                None => Phone::parse(&form.phone).ok().map(|p| phone_key(&p)),
            };
            let id_key = match &member {
                Some(m) => Some(id_key(&m.id_number)),
                None => IdNumber::parse(&form.id_number, self.today)
                    .ok()
                    .map(|i| id_key(&i)),
            };
            for (key, seen, field, code) in [
                (
                    phone_key,
                    &mut self.seen_phone,
                    Field::Phone,
                    ErrorCode::PhoneDuplicateInFile,
                ),
                (
                    id_key,
                    &mut self.seen_id,
                    Field::IdNumber,
                    ErrorCode::IdNumberDuplicateInFile,
                ),
            ] {
                if let Some(key) = key {
                    match seen.get(&key) {
                        Some(&first) => {
                            errors.push(row_error(row, field.title_zh(), code, Some(first), None))
                        }
                        None => {
                            seen.insert(key, row);
                        }
                    }
                }
            }
            let line = self.lines.len();
            if let Some(m) = member.filter(|_| errors.is_empty()) {
                out.candidates.push((line, m));
            }
            self.lines.push(RowReport {
                row,
                outcome: RowOutcome::Failed,
                member: None,
                errors,
            });
        }
        out
    }

    /// Decides each checked row against `existing` (the active members, in
    /// any org, using the candidates' phones or ID numbers) and returns the
    /// writes to apply, each with its report line. In a dry run, and in
    /// all-or-nothing mode once any row has failed, no writes are returned
    /// (the report still says what each row would be).
    pub fn decide(&mut self, checked: CheckedRows, existing: &[Member]) -> Vec<(usize, ImportOp)> {
        let by_id: HashMap<&str, &Member> = existing
            .iter()
            .map(|m| (m.details.id_number.expose(), m))
            .collect();
        let by_phone: HashMap<&str, &Member> = existing
            .iter()
            .map(|m| (m.details.phone.expose(), m))
            .collect();
        let mut ops = Vec::new();
        for (line, m) in checked.candidates {
            let report = &mut self.lines[line];
            let same_id = by_id.get(m.id_number.expose()).copied();
            if same_id.is_some_and(|owner| owner.org != self.org) {
                report.errors.push(row_error(
                    report.row,
                    Field::IdNumber.title_zh(),
                    ErrorCode::IdNumberTaken,
                    None,
                    None,
                ));
            }
            if let Some(p) = by_phone.get(m.phone.expose())
                && same_id.is_none_or(|s| s.id != p.id)
            {
                report.errors.push(row_error(
                    report.row,
                    Field::Phone.title_zh(),
                    ErrorCode::PhoneTaken,
                    None,
                    None,
                ));
            }
            if !report.errors.is_empty() {
                continue;
            }
            match same_id {
                Some(owner) if owner.details == m => {
                    report.outcome = RowOutcome::Unchanged;
                    report.member = Some(owner.id);
                }
                Some(owner) => {
                    report.outcome = RowOutcome::Updated;
                    report.member = Some(owner.id);
                    ops.push((line, ImportOp::Update(owner.id, m)));
                }
                None => {
                    report.outcome = RowOutcome::Created;
                    ops.push((line, ImportOp::Create(m)));
                }
            }
        }
        let write = match self.mode {
            ImportMode::DryRun => false,
            ImportMode::AllOrNothing => !self.any_failed(),
            ImportMode::ValidRows => true,
        };
        if !write {
            ops.clear();
        }
        self.writes += ops.len();
        ops
    }

    /// Records the member id a write produced for a report line.
    pub fn written(&mut self, line: usize, member: MemberId) {
        self.lines[line].member = Some(member);
    }

    /// The report. `written` says whether the caller's writes were kept
    /// (committed); when not, created rows lose their member ids.
    pub fn finish(mut self, written: bool) -> ImportReport {
        if !written {
            for l in &mut self.lines {
                if l.outcome == RowOutcome::Created {
                    l.member = None;
                }
            }
        }
        ImportReport {
            mode: self.mode,
            written: written && self.writes > 0,
            rows: self.lines,
        }
    }
}

/// A phone as a number (11 digits), for duplicate checks.
fn phone_key(p: &Phone) -> u64 {
    digits_key(p.expose())
}

/// An ID number's first 17 digits as a number: they decide the check
/// character, so two ID numbers with the same key are the same.
fn id_key(i: &IdNumber) -> u64 {
    digits_key(&i.expose()[..17])
}

fn digits_key(s: &str) -> u64 {
    s.bytes()
        .fold(0u64, |k, b| k * 10 + u64::from(b.wrapping_sub(b'0') % 10))
}

fn row_error(
    row: u32,
    column: &str,
    code: ErrorCode,
    other: Option<u32>,
    extra: Option<String>,
) -> RowError {
    RowError {
        row,
        column: column.to_string(),
        code,
        message: match (&extra, other) {
            (Some(x), _) => format!("{}{}", code.message_zh(), x),
            (None, Some(o)) => format!("{}（与第{}行重复）", code.message_zh(), o),
            (None, None) => code.message_zh().to_string(),
        },
        other_row: other,
    }
}

/// Checks every row and plans the writes: [`ImportPlanner`] with the whole
/// file as one batch.
///
/// `existing` are the active members, in any org, whose phone or ID number
/// appears in the file (the caller fetches them in one store query).
pub fn plan_import(
    rows: &[ImportRow],
    mode: ImportMode,
    today: NaiveDate,
    org: crate::registry::OrgId,
    departments: &[Department],
    existing: &[Member],
) -> ImportPlan {
    let mut planner = ImportPlanner::new(mode, today, org, departments);
    let checked = planner.check(rows.iter().cloned());
    let ops = planner.decide(checked, existing);
    // The plan's report says what will be written once the ops are applied.
    let mut report = planner.finish(true);
    report.written = !ops.is_empty();
    ImportPlan { report, ops }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::directory::{DepartmentName, DeptId};
    use crate::registry::OrgId;
    use crate::sample;

    fn today() -> NaiveDate {
        "2020-03-24".parse().unwrap()
    }
    fn depts() -> Vec<Department> {
        ["生产部", "技术部", "一车间"]
            .iter()
            .enumerate()
            .map(|(i, n)| Department {
                id: DeptId(i as i64 + 1),
                org: OrgId(1),
                name: DepartmentName::parse(n).unwrap(),
            })
            .collect()
    }
    fn row(n: u32, i: u64, dept: &str) -> ImportRow {
        ImportRow::from_form(n, &sample::member_form(i, dept))
    }
    fn codes(p: &ImportPlan, row: u32) -> Vec<ErrorCode> {
        p.report
            .rows
            .iter()
            .find(|r| r.row == row)
            .unwrap()
            .errors
            .iter()
            .map(|e| e.code)
            .collect()
    }

    #[test]
    fn every_row_error_has_its_code() {
        let mut rows = vec![row(2, 1, "生产部"), row(3, 2, "生产部")];
        rows.push(ImportRow {
            department: Cell::Text("生产不".into()),
            ..row(4, 3, "")
        });
        rows.push(ImportRow {
            id_number: Cell::Number(1.10105194912310e17),
            ..row(5, 4, "")
        });
        let mut bad_check = sample::person(5).id_number;
        bad_check.replace_range(17.., if bad_check.ends_with('0') { "1" } else { "0" });
        rows.push(ImportRow {
            id_number: Cell::Text(bad_check),
            ..row(6, 5, "")
        });
        let p6 = sample::person(6);
        let other_gender = if p6.gender.as_zh() == "男" {
            "女"
        } else {
            "男"
        };
        rows.push(ImportRow {
            gender: Cell::Text(other_gender.into()),
            ..row(7, 6, "")
        });
        rows.push(ImportRow {
            phone: Cell::Text("1234".into()),
            ..row(8, 7, "")
        });
        rows.push(ImportRow {
            phone: rows[0].phone.clone(),
            ..row(9, 8, "")
        });
        rows.push(ImportRow {
            id_number: rows[1].id_number.clone(),
            gender: rows[1].gender.clone(),
            ..row(10, 9, "")
        });
        rows.push(ImportRow {
            name: Cell::Text("张3".into()),
            ..row(11, 10, "")
        });
        rows.push(ImportRow {
            education: Cell::Text("研究生".into()),
            ..row(12, 11, "")
        });
        rows.push(row(13, 12, "")); // phone used by a member of another org
        rows.push(row(14, 13, "")); // ID used by a member of another org
        let other = |i: u64| {
            let m = sample::member_form(i, "").validate(today(), &[]).unwrap();
            Member {
                id: MemberId(100 + i as i64),
                org: OrgId(2),
                details: m,
                created_at: chrono::DateTime::UNIX_EPOCH,
            }
        };
        let mut taken_phone = other(12);
        taken_phone.details.id_number =
            IdNumber::parse(&sample::person(99_999).id_number, today()).unwrap();
        let mut taken_id = other(13);
        taken_id.details.phone = Phone::parse("19999999999").unwrap();
        let p = plan_import(
            &rows,
            ImportMode::ValidRows,
            today(),
            OrgId(1),
            &depts(),
            &[taken_phone, taken_id],
        );
        assert_eq!(codes(&p, 2), vec![]);
        assert_eq!(codes(&p, 4), vec![ErrorCode::DepartmentNotFound]);
        let e4 = &p.report.rows[2].errors[0];
        assert!(
            e4.message.contains("您是否要填写“生产部”"),
            "{}",
            e4.message
        );
        assert_eq!(e4.column, "部门名称");
        assert_eq!(codes(&p, 5), vec![ErrorCode::IdNumberExcelMangled]);
        assert_eq!(codes(&p, 6), vec![ErrorCode::IdNumberChecksum]);
        assert_eq!(codes(&p, 7), vec![ErrorCode::GenderMismatch]);
        assert_eq!(codes(&p, 8), vec![ErrorCode::PhoneInvalid]);
        assert_eq!(codes(&p, 9), vec![ErrorCode::PhoneDuplicateInFile]);
        assert_eq!(p.report.rows[7].errors[0].other_row, Some(2));
        assert!(p.report.rows[7].errors[0].message.contains("第2行"));
        assert_eq!(codes(&p, 10), vec![ErrorCode::IdNumberDuplicateInFile]);
        assert_eq!(codes(&p, 11), vec![ErrorCode::NameHasDigits]);
        assert_eq!(codes(&p, 12), vec![ErrorCode::EducationUnknown]);
        assert_eq!(codes(&p, 13), vec![ErrorCode::PhoneTaken]);
        assert_eq!(codes(&p, 14), vec![ErrorCode::IdNumberTaken]);
        assert_eq!(p.report.count(RowOutcome::Created), 2);
        assert_eq!(p.ops.len(), 2);
        assert!(p.report.written);
    }

    #[test]
    fn modes_and_updates() {
        let existing_details = sample::member_form(1, "生产部")
            .validate(today(), &depts())
            .unwrap();
        let existing = Member {
            id: MemberId(7),
            org: OrgId(1),
            details: existing_details,
            created_at: chrono::DateTime::UNIX_EPOCH,
        };
        let same = row(2, 1, "生产部");
        let moved = ImportRow {
            row: 3,
            department: Cell::Text("技术部".into()),
            ..row(3, 2, "生产部")
        };
        let mut moved_existing = existing.clone();
        moved_existing.id = MemberId(8);
        moved_existing.details = sample::member_form(2, "生产部")
            .validate(today(), &depts())
            .unwrap();
        let bad = ImportRow {
            phone: Cell::Text("1".into()),
            ..row(4, 3, "")
        };
        let rows = vec![same, moved, bad, row(5, 4, "")];
        let all = [existing.clone(), moved_existing.clone()];
        let dry = plan_import(&rows, ImportMode::DryRun, today(), OrgId(1), &depts(), &all);
        assert!(!dry.report.written && dry.ops.is_empty());
        let outcomes: Vec<RowOutcome> = dry.report.rows.iter().map(|r| r.outcome).collect();
        assert_eq!(
            outcomes,
            vec![
                RowOutcome::Unchanged,
                RowOutcome::Updated,
                RowOutcome::Failed,
                RowOutcome::Created
            ]
        );
        let aon = plan_import(
            &rows,
            ImportMode::AllOrNothing,
            today(),
            OrgId(1),
            &depts(),
            &all,
        );
        assert!(!aon.report.written && aon.ops.is_empty());
        let valid = plan_import(
            &rows,
            ImportMode::ValidRows,
            today(),
            OrgId(1),
            &depts(),
            &all,
        );
        assert_eq!(valid.ops.len(), 2);
        assert!(matches!(valid.ops[0].1, ImportOp::Update(MemberId(8), _)));
        let clean = plan_import(
            &rows[..2],
            ImportMode::AllOrNothing,
            today(),
            OrgId(1),
            &depts(),
            &all,
        );
        assert!(clean.report.written && clean.ops.len() == 1);
    }

    #[test]
    fn cells_read_as_people_see_them() {
        assert_eq!(Cell::Number(13800138000.0).as_text(), "13800138000");
        assert_eq!(Cell::Number(1.5).as_text(), "1.5");
        assert!(
            ImportRow {
                row: 9,
                position: Cell::Text("  ".into()),
                ..Default::default()
            }
            .is_blank()
        );
        assert_eq!(suggest_department("二车间", &depts()), Some("一车间"));
        assert_eq!(suggest_department("销售部门财务科", &depts()), None);
    }
}
