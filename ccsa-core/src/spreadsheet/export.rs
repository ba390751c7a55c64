//! Spreadsheets the admin console downloads (导出): the member list
//! (人员名单) and the monthly county report (月度通报), and the one cell
//! rule every spreadsheet ccsa writes follows.
//!
//! # Text stays text
//!
//! Every text cell is written as a string cell, never as a formula. A value
//! that a spreadsheet program would read as a formula when someone edits or
//! re-saves the cell — one starting with `=`, `+`, `-`, `@`, a tab or a
//! carriage return (CSV/formula injection) — also gets Excel's quote prefix,
//! so it stays text even then. The value itself is kept unchanged.
//!
//! # Personal data
//!
//! Names, ID numbers and phones are masked unless the caller asks for
//! [`Reveal::Full`] (for example an admin exporting their own roster to
//! re-import it).
//!
//! ```
//! use ccsa_core::spreadsheet::formula_like;
//! assert!(formula_like("=HYPERLINK(\"http://x\")"));
//! assert!(formula_like("-1+2"));
//! assert!(!formula_like("张三"));
//! ```

use super::xlsx_err;
use crate::Result;
use crate::directory::{Department, Member, TEMPLATE_COLUMNS};
use crate::ranking::MonthlyReport;
use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet};

/// Whether personal data in an export is masked (the default) or shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Reveal {
    /// Names `李**`, ID numbers `110***********002X`, phones `138****8000`.
    #[default]
    Masked,
    /// The values as stored (the admin's own roster, to edit and re-import).
    Full,
}

/// Whether a spreadsheet program could take `text` for a formula: it starts
/// with `=`, `+`, `-`, `@`, a tab or a carriage return.
pub fn formula_like(text: &str) -> bool {
    matches!(
        text.chars().next(),
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠')
    )
}

/// Writes `text` as a string cell, with the quote prefix when it is
/// [`formula_like`]; every text cell ccsa writes goes through here.
pub(crate) fn put_text(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: Option<&Format>,
) -> Result<()> {
    if formula_like(text) {
        let f = format.cloned().unwrap_or_default().set_quote_prefix();
        ws.write_string_with_format(row, col, text, &f)
            .map_err(xlsx_err)?;
    } else if let Some(f) = format {
        ws.write_string_with_format(row, col, text, f)
            .map_err(xlsx_err)?;
    } else {
        ws.write_string(row, col, text).map_err(xlsx_err)?;
    }
    Ok(())
}

/// The sheet name of the member list.
pub const MEMBERS_SHEET: &str = "人员名单";

/// The org's member list (人员名单): the import template's columns in the
/// same order, then 加入日期. With [`Reveal::Full`] the file can be edited
/// and imported again; masked by default. Members without a department show
/// an empty 部门名称 (无部门人员).
///
/// ```
/// use ccsa_core::spreadsheet::{members_xlsx, Reveal};
/// let bytes = members_xlsx(&[], &[], Reveal::Masked)?;
/// assert!(bytes.starts_with(b"PK"));
/// # Ok::<(), ccsa_core::Error>(())
/// ```
pub fn members_xlsx(
    members: &[Member],
    departments: &[Department],
    reveal: Reveal,
) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let header = super::header_format();
    let ws = wb
        .add_worksheet()
        .set_name(MEMBERS_SHEET)
        .map_err(xlsx_err)?;
    let mut titles: Vec<&str> = TEMPLATE_COLUMNS.to_vec();
    titles.push("加入日期");
    let widths = [6.0, 12.0, 16.0, 12.0, 10.0, 22.0, 15.0, 22.0, 12.0, 12.0];
    for (c, t) in titles.iter().enumerate() {
        put_text(ws, 0, c as u16, t, Some(&header))?;
        ws.set_column_width(c as u16, widths[c]).map_err(xlsx_err)?;
    }
    let dept_name = |m: &Member| {
        m.details
            .department
            .and_then(|d| departments.iter().find(|x| x.id == d))
            .map(|d| d.name.as_str().to_string())
            .unwrap_or_default()
    };
    for (i, m) in members.iter().enumerate() {
        let r = i as u32 + 1;
        let d = &m.details;
        let (name, id, phone) = match reveal {
            Reveal::Masked => (d.name.masked(), d.id_number.masked(), d.phone.masked()),
            Reveal::Full => (
                d.name.expose().to_string(),
                d.id_number.expose().to_string(),
                d.phone.expose().to_string(),
            ),
        };
        ws.write_number(r, 0, f64::from(r)).map_err(xlsx_err)?;
        let cells = [
            name,
            dept_name(m),
            d.position.clone(),
            d.gender.as_zh().to_string(),
            id,
            phone,
            d.email
                .as_ref()
                .map(|e| e.as_str().to_string())
                .unwrap_or_default(),
            d.education
                .map(|e| e.as_zh().to_string())
                .unwrap_or_default(),
            m.created_at
                .with_timezone(&crate::clock::china_offset())
                .date_naive()
                .to_string(),
        ];
        for (k, v) in cells.iter().enumerate() {
            if !v.is_empty() {
                put_text(ws, r, k as u16 + 1, v, None)?;
            }
        }
    }
    ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    wb.save_to_buffer().map_err(xlsx_err)
}

/// The monthly county report (月度通报) as a spreadsheet: one line per county
/// in publication order (rank, name, secretary group, 登记人数, 参加人数,
/// 参加率, 平均成绩, points), each followed by its orgs, and a total line.
///
/// ```
/// use ccsa_core::ranking::MonthlyReport;
/// use ccsa_core::registry::Roster;
/// use ccsa_core::spreadsheet::monthly_report_xlsx;
/// use chrono::NaiveDate;
///
/// let day = |d| NaiveDate::from_ymd_opt(2020, 4, d).unwrap();
/// let report = MonthlyReport::build(day(1), day(30), &Roster::new([]), &[]);
/// assert!(monthly_report_xlsx(&report)?.starts_with(b"PK"));
/// # Ok::<(), ccsa_core::Error>(())
/// ```
pub fn monthly_report_xlsx(report: &MonthlyReport) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let header = super::header_format();
    let county_row = Format::new()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    let percent = Format::new().set_num_format("0.00%");
    let county_percent = percent
        .clone()
        .set_bold()
        .set_border_bottom(FormatBorder::Thin);
    let ws = wb.add_worksheet().set_name("月度通报").map_err(xlsx_err)?;
    let title = format!("{} 至 {} 答题情况通报", report.from, report.to);
    put_text(ws, 0, 0, &title, Some(&Format::new().set_bold()))?;
    let titles = [
        "排名",
        "县（市、区）/单位",
        "工作组",
        "登记人数",
        "参加人数",
        "参加率",
        "平均成绩",
        "积分",
    ];
    for (c, t) in titles.iter().enumerate() {
        put_text(ws, 2, c as u16, t, Some(&header))?;
    }
    ws.set_column_width(1, 34.0).map_err(xlsx_err)?;
    let mut r = 3u32;
    let line = |ws: &mut Worksheet,
                r: u32,
                rank: Option<u32>,
                name: &str,
                group: &str,
                p: &crate::ranking::Participation,
                bold: bool|
     -> Result<()> {
        let (f, pf) = if bold {
            (Some(&county_row), &county_percent)
        } else {
            (None, &percent)
        };
        let num = |ws: &mut Worksheet, c: u16, v: f64| -> Result<()> {
            match f {
                Some(f) => ws.write_number_with_format(r, c, v, f),
                None => ws.write_number(r, c, v),
            }
            .map(|_| ())
            .map_err(xlsx_err)
        };
        if let Some(rank) = rank {
            num(ws, 0, f64::from(rank))?;
        }
        put_text(ws, r, 1, name, f)?;
        put_text(ws, r, 2, group, f)?;
        num(ws, 3, f64::from(p.registered))?;
        num(ws, 4, f64::from(p.participants))?;
        ws.write_number_with_format(r, 5, p.rate(), pf)
            .map_err(xlsx_err)?;
        num(ws, 6, (p.average() * 100.0).round() / 100.0)?;
        num(ws, 7, p.points as f64)?;
        Ok(())
    };
    for c in &report.counties {
        let group = format!("第{}工作组", c.group.0);
        line(ws, r, Some(c.rank), c.name, &group, &c.figures, true)?;
        r += 1;
        for o in &c.orgs {
            line(
                ws,
                r,
                Some(o.rank),
                &format!("　{}", o.name),
                "",
                &o.figures,
                false,
            )?;
            r += 1;
        }
    }
    line(ws, r, None, "合计", "", &report.total, true)?;
    ws.set_freeze_panes(3, 0).map_err(xlsx_err)?;
    wb.save_to_buffer().map_err(xlsx_err)
}
