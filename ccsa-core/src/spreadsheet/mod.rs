//! Spreadsheets (导入模板): the member import template, and reading member
//! files. Bytes in, bytes out: the caller reads and writes files.
//!
//! ```
//! use ccsa_core::spreadsheet::{read_member_rows, template_xlsx};
//!
//! let template = template_xlsx(&["生产部", "一车间"])?;
//! let rows = read_member_rows(&template, "模板.xlsx")?;
//! assert!(rows.is_empty()); // the template itself has no data rows
//! # Ok::<(), ccsa_core::Error>(())
//! ```

mod export;
mod questions;

pub(crate) use export::put_text;
pub use export::{MEMBERS_SHEET, Reveal, formula_like, members_xlsx, monthly_report_xlsx};
pub use questions::{
    QUESTION_COLUMNS, QUESTION_SHEET, question_template_xlsx, questions_xlsx, read_question_rows,
};

use crate::directory::{
    Cell, ImportReport, ImportRow, RowOutcome, TEMPLATE_COLUMNS, TEMPLATE_SHEET,
};
use crate::identity::{Education, fold_width};
use crate::{Error, ErrorCode, Result};
use calamine::{Data, DataRef, Reader, Xlsx};
use rust_xlsxwriter::{DataValidation, Format, FormatAlign, FormatBorder, Formula, Workbook};
use std::io::Cursor;

/// Rows of the template sheet prepared with drop-downs and text format.
pub const TEMPLATE_ROWS: u32 = 10_000;

/// The four example rows of the notice (附件2), shown on the instructions sheet.
pub const NOTICE_EXAMPLES: [[&str; 9]; 4] = [
    [
        "1",
        "张三",
        "生产部",
        "主任",
        "男",
        "123456789123456789",
        "12345678901",
        "",
        "本科",
    ],
    [
        "2",
        "李四",
        "技术部",
        "主管",
        "女",
        "123456789123456780",
        "12345678902",
        "",
        "专科",
    ],
    [
        "3",
        "王五",
        "一车间",
        "操作工",
        "男",
        "123456789123456781",
        "12345678903",
        "",
        "高中",
    ],
    [
        "4",
        "赵六",
        "二车间",
        "技术员",
        "女",
        "123456789123456782",
        "12345678904",
        "",
        "初中",
    ],
];

/// The header cells' format in every workbook ccsa writes.
fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_align(FormatAlign::Center)
        .set_border(FormatBorder::Thin)
        .set_background_color("#DDEBF7")
}

fn xlsx_err(_: rust_xlsxwriter::XlsxError) -> Error {
    Error::storage("spreadsheet writer error")
}

/// The import template for one org: sheet 企业用户导入模板 with exactly the
/// notice's columns; 用户身份证号 and 用户手机号 formatted as text so Excel
/// cannot turn 18 digits into a float; drop-down lists for 用户性别, 学历
/// and 部门名称 (the org's current departments, from a hidden sheet); and a
/// second sheet, 填写说明, with instructions in Chinese and the notice's
/// four example rows.
pub fn template_xlsx(departments: &[&str]) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let header = header_format();
    let text = Format::new().set_num_format_index(49); // built-in "@": text
    {
        let ws = wb
            .add_worksheet()
            .set_name(TEMPLATE_SHEET)
            .map_err(xlsx_err)?;
        let widths = [6.0, 12.0, 16.0, 12.0, 10.0, 22.0, 15.0, 22.0, 12.0];
        for (c, title) in TEMPLATE_COLUMNS.iter().enumerate() {
            put_text(ws, 0, c as u16, title, Some(&header))?;
            ws.set_column_width(c as u16, widths[c]).map_err(xlsx_err)?;
        }
        for c in [5u16, 6] {
            ws.set_column_format(c, &text).map_err(xlsx_err)?;
        }
        let gender = DataValidation::new()
            .allow_list_strings(&["男", "女"])
            .map_err(xlsx_err)?;
        ws.add_data_validation(1, 4, TEMPLATE_ROWS, 4, &gender)
            .map_err(xlsx_err)?;
        let levels: Vec<&str> = Education::ALL.iter().map(|e| e.as_zh()).collect();
        let education = DataValidation::new()
            .allow_list_strings(&levels)
            .map_err(xlsx_err)?;
        ws.add_data_validation(1, 8, TEMPLATE_ROWS, 8, &education)
            .map_err(xlsx_err)?;
        if !departments.is_empty() {
            let list = DataValidation::new()
                .allow_list_formula(Formula::new(format!("=部门!$A$1:$A${}", departments.len())));
            ws.add_data_validation(1, 2, TEMPLATE_ROWS, 2, &list)
                .map_err(xlsx_err)?;
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    }
    {
        let ws = wb.add_worksheet().set_name("填写说明").map_err(xlsx_err)?;
        let lines = [
            "企业用户导入模板填写说明",
            "1. 请先在“系统管理→部门管理”中建好全部部门；“部门名称”须与系统中的部门名称完全一致（可从下拉列表选择），不填表示无部门人员。",
            "2. “用户身份证号”“用户手机号”两列已设为文本格式，请勿改为数字格式，否则18位身份证号会被Excel改成科学计数法或末尾变为000。",
            "3. 用户性别填写“男”或“女”，须与身份证号一致；不填时按身份证号自动识别。",
            "4. 学历从下拉列表中选择：博士、硕士、本科、专科(大专)、高中、中专、初中、小学及以下、其他。",
            "5. 用户邮箱、学历、职位可不填；同一手机号、身份证号在文件中只能出现一次。",
            "6. 已在本单位的人员（身份证号相同）再次导入时，将按文件内容更新其信息。",
            "示例（请在“企业用户导入模板”工作表中填写，本页示例不会被导入）：",
        ];
        for (r, l) in lines.iter().enumerate() {
            put_text(ws, r as u32, 0, l, None)?;
        }
        let top = lines.len() as u32 + 1;
        for (c, title) in TEMPLATE_COLUMNS.iter().enumerate() {
            put_text(ws, top, c as u16, title, Some(&header))?;
        }
        for (r, row) in NOTICE_EXAMPLES.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                put_text(ws, top + 1 + r as u32, c as u16, v, None)?;
            }
        }
        ws.set_column_width(0, 12.0).map_err(xlsx_err)?;
    }
    if !departments.is_empty() {
        let ws = wb.add_worksheet().set_name("部门").map_err(xlsx_err)?;
        for (r, d) in departments.iter().enumerate() {
            put_text(ws, r as u32, 0, d, None)?;
        }
        ws.set_hidden(true);
    }
    wb.save_to_buffer().map_err(xlsx_err)
}

/// The import's report as a spreadsheet for the admin: every data row as
/// it was read, with 原行号 (its row in the uploaded file), 导入结果 and
/// 错误说明 columns, and each cell that has an error filled red. Cells are
/// written as text, never as formulas (see [`formula_like`]). Names, ID
/// numbers and phones are masked unless `reveal` is [`Reveal::Full`]; the
/// row number and the red cell say where to fix the uploaded file.
pub fn error_report_xlsx(
    rows: &[ImportRow],
    report: &ImportReport,
    reveal: Reveal,
) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#DDEBF7");
    let bad = Format::new()
        .set_background_color("#FFC7CE")
        .set_font_color("#9C0006");
    let ws = wb.add_worksheet().set_name("导入结果").map_err(xlsx_err)?;
    let mut titles = vec!["原行号"];
    titles.extend_from_slice(&TEMPLATE_COLUMNS[1..]);
    titles.extend_from_slice(&["导入结果", "错误说明"]);
    for (c, t) in titles.iter().enumerate() {
        put_text(ws, 0, c as u16, t, Some(&header))?;
    }
    ws.set_column_width(titles.len() as u16 - 1, 60.0)
        .map_err(xlsx_err)?;
    let rows: Vec<ImportRow> = match reveal {
        Reveal::Masked => rows.iter().map(ImportRow::masked).collect(),
        Reveal::Full => rows.to_vec(),
    };
    let by_row: std::collections::HashMap<u32, &ImportRow> =
        rows.iter().map(|r| (r.row, r)).collect();
    for (i, line) in report.rows.iter().enumerate() {
        let r = i as u32 + 1;
        let Some(row) = by_row.get(&line.row) else {
            continue;
        };
        ws.write_number(r, 0, f64::from(line.row))
            .map_err(xlsx_err)?;
        let cells = [
            &row.name,
            &row.department,
            &row.position,
            &row.gender,
            &row.id_number,
            &row.phone,
            &row.email,
            &row.education,
        ];
        for (k, cell) in cells.iter().enumerate() {
            let title = TEMPLATE_COLUMNS[k + 1];
            let text = cell.as_text();
            if line.errors.iter().any(|e| e.column == title) {
                put_text(ws, r, k as u16 + 1, &text, Some(&bad))?;
            } else {
                put_text(ws, r, k as u16 + 1, &text, None)?;
            }
        }
        let outcome = match line.outcome {
            RowOutcome::Created => "新增",
            RowOutcome::Updated => "更新",
            RowOutcome::Unchanged => "未变",
            RowOutcome::Failed => "失败",
        };
        put_text(ws, r, 9, outcome, None)?;
        let why: Vec<String> = line
            .errors
            .iter()
            .map(|e| format!("{}：{}", e.column, e.message))
            .collect();
        put_text(ws, r, 10, &why.join("；"), None)?;
    }
    ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    wb.save_to_buffer().map_err(xlsx_err)
}

/// Rows per batch when a member file is streamed ([`stream_member_rows`]).
pub const BATCH_ROWS: usize = 2_000;

fn cell_of(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) => Cell::Text(s.clone()),
        Data::Float(f) => Cell::Number(*f),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Bool(b) => bool_cell(*b),
        Data::DateTime(dt) => date_cell(dt),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

fn cell_of_ref(d: &DataRef<'_>) -> Cell {
    match d {
        DataRef::Empty => Cell::Empty,
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Bool(b) => bool_cell(*b),
        DataRef::DateTime(dt) => date_cell(dt),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(e) => Cell::Text(format!("#{e:?}")),
    }
}

fn bool_cell(b: bool) -> Cell {
    Cell::Text(if b { "TRUE" } else { "FALSE" }.to_string())
}

/// A date cell the way a person reads it (`2020-03-24`).
fn date_cell(dt: &calamine::ExcelDateTime) -> Cell {
    Cell::Text(
        dt.as_datetime()
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_else(|| dt.as_f64().to_string()),
    )
}

fn title_key(s: &str) -> String {
    fold_width(s)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// Turns a sheet's rows, in order, into batches of [`ImportRow`]s: finds
/// the header row among the sheet's first 30 rows, then maps each data row
/// by column title.
struct Assembler<'s> {
    first_row: Option<u32>,
    columns: Option<[usize; 8]>,
    best_missing: Option<Vec<&'static str>>,
    batch: Vec<ImportRow>,
    batch_rows: usize,
    sink: &'s mut dyn FnMut(Vec<ImportRow>) -> bool,
    /// The sink wants no more rows.
    stopped: bool,
    /// No header in this sheet's first 30 rows.
    sheet_done: bool,
}

impl<'s> Assembler<'s> {
    fn new(batch_rows: usize, sink: &'s mut dyn FnMut(Vec<ImportRow>) -> bool) -> Self {
        Assembler {
            first_row: None,
            columns: None,
            best_missing: None,
            batch: Vec::with_capacity(batch_rows),
            batch_rows: batch_rows.max(1),
            sink,
            stopped: false,
            sheet_done: false,
        }
    }

    /// Starts looking for the header in another sheet.
    fn next_sheet(&mut self) {
        self.first_row = None;
        self.sheet_done = false;
    }

    /// Whether the header has been found (then only this sheet is read).
    fn found(&self) -> bool {
        self.columns.is_some()
    }

    /// Whether to keep reading this sheet.
    fn wants_more(&self) -> bool {
        !self.stopped && !self.sheet_done
    }

    /// One row of the sheet (`row` 0-based, cells by column).
    fn row(&mut self, row: u32, mut cells: Vec<Cell>) {
        let Some(idx) = self.columns else {
            let first = *self.first_row.get_or_insert(row);
            if row < first + 30 {
                self.header(&cells);
            } else {
                self.sheet_done = true;
            }
            return;
        };
        let mut take = |i: usize| {
            cells
                .get_mut(idx[i])
                .map(std::mem::take)
                .unwrap_or_default()
        };
        let r = ImportRow {
            row: row + 1,
            name: take(0),
            department: take(1),
            position: take(2),
            gender: take(3),
            id_number: take(4),
            phone: take(5),
            email: take(6),
            education: take(7),
        };
        if r.is_blank() {
            return;
        }
        self.batch.push(r);
        if self.batch.len() >= self.batch_rows {
            self.flush();
        }
    }

    fn header(&mut self, cells: &[Cell]) {
        let keys: Vec<String> = cells.iter().map(|c| title_key(&c.as_text())).collect();
        let required = &TEMPLATE_COLUMNS[1..];
        let found: Vec<Option<usize>> = required
            .iter()
            .map(|t| keys.iter().position(|k| k == t))
            .collect();
        let hits = found.iter().filter(|f| f.is_some()).count();
        if hits == required.len() {
            let mut idx = [0; 8];
            for (slot, f) in idx.iter_mut().zip(&found) {
                *slot = f.expect("all found");
            }
            self.columns = Some(idx);
        } else if hits >= 3 {
            let missing: Vec<&'static str> = required
                .iter()
                .zip(&found)
                .filter(|(_, f)| f.is_none())
                .map(|(t, _)| *t)
                .collect();
            if self
                .best_missing
                .as_ref()
                .is_none_or(|b| missing.len() < b.len())
            {
                self.best_missing = Some(missing);
            }
        }
    }

    fn flush(&mut self) {
        if !self.batch.is_empty() && !self.stopped {
            let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(self.batch_rows));
            if !(self.sink)(batch) {
                self.stopped = true;
            }
        }
    }

    /// Ends the stream: the last batch, or the `COLUMN_MISSING` error.
    fn finish(mut self) -> Result<()> {
        if self.found() {
            self.flush();
            return Ok(());
        }
        let required = &TEMPLATE_COLUMNS[1..];
        Err(match self.best_missing {
            Some(m) => {
                Error::new(ErrorCode::ColumnMissing).with_note(format!("缺少：{}", m.join("、")))
            }
            None => Error::new(ErrorCode::ColumnMissing)
                .with_note(format!("未找到表头：{}", required.join("、"))),
        })
    }
}

/// Parses UTF-8 CSV (RFC 4180 quoting; a BOM is skipped).
fn parse_csv(bytes: &[u8]) -> Result<Vec<Vec<Cell>>> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| Error::new(ErrorCode::FileUnreadable).with_note("CSV 文件不是 UTF-8 编码"))?;
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row: Vec<Cell> = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let push_field = |row: &mut Vec<Cell>, field: &mut String| {
        let f = std::mem::take(field);
        row.push(if f.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(f)
        });
    };
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => push_field(&mut row, &mut field),
            (false, '\r') => {}
            (false, '\n') => {
                push_field(&mut row, &mut field);
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err(Error::new(ErrorCode::FileUnreadable).with_note("CSV 引号未闭合"));
    }
    if !field.is_empty() || !row.is_empty() {
        push_field(&mut row, &mut field);
        rows.push(row);
    }
    Ok(rows)
}

/// The template sheet first, then the others in order.
fn sheet_order(mut names: Vec<String>, first: &str) -> Vec<String> {
    names.sort_by_key(|n| n.trim() != first);
    names
}

/// A sheet's rows with their 0-based sheet row numbers, cells placed at
/// their sheet columns.
fn range_rows(range: &calamine::Range<Data>) -> impl Iterator<Item = (u32, Vec<Cell>)> + '_ {
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    range.rows().enumerate().map(move |(k, r)| {
        let mut v = vec![Cell::Empty; first_col as usize];
        v.extend(r.iter().map(cell_of));
        (first_row + k as u32, v)
    })
}

/// Streams an `.xlsx` sheet by sheet, cell by cell (no whole-sheet table in
/// memory). `None` when the bytes are not an `.xlsx` workbook.
fn stream_xlsx(bytes: &[u8], asm: &mut Assembler<'_>) -> Option<Result<()>> {
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).ok()?;
    let unreadable = |_| Error::new(ErrorCode::FileUnreadable);
    Some((|| {
        for name in sheet_order(book.sheet_names(), TEMPLATE_SHEET) {
            asm.next_sheet();
            let mut cells = book.worksheet_cells_reader(&name).map_err(unreadable)?;
            let mut current: Option<(u32, Vec<Cell>)> = None;
            while asm.wants_more() {
                let Some(c) = cells.next_cell().map_err(unreadable)? else {
                    break;
                };
                let (r, col) = c.get_position();
                if current.as_ref().is_some_and(|(cr, _)| *cr != r)
                    && let Some((cr, row)) = current.take()
                {
                    asm.row(cr, row);
                }
                let (_, row) = current.get_or_insert_with(|| (r, Vec::with_capacity(9)));
                let col = col as usize;
                if row.len() <= col {
                    row.resize(col + 1, Cell::Empty);
                }
                row[col] = cell_of_ref(c.get_value());
            }
            if let Some((cr, row)) = current.take()
                && asm.wants_more()
            {
                asm.row(cr, row);
            }
            if asm.found() {
                break;
            }
        }
        Ok(())
    })())
}

/// Reads `.xls`, `.ods` (and anything else calamine recognises) through
/// whole-sheet tables.
fn read_tables(bytes: &[u8], asm: &mut Assembler<'_>) -> Result<()> {
    let unreadable = |_| Error::new(ErrorCode::FileUnreadable);
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    for name in sheet_order(book.sheet_names(), TEMPLATE_SHEET) {
        asm.next_sheet();
        let range = book.worksheet_range(&name).map_err(unreadable)?;
        for (row, cells) in range_rows(&range) {
            if !asm.wants_more() {
                break;
            }
            asm.row(row, cells);
        }
        if asm.found() {
            break;
        }
    }
    Ok(())
}

/// Streams the data rows of a member file (xlsx, xls, ods, or UTF-8 CSV
/// when `file_name` ends in `.csv`) to `sink` in batches of `batch_rows`,
/// in file order; `sink` returns `false` to stop reading. `.xlsx` files are
/// read cell by cell, so memory stays flat however long the file is.
///
/// The header row is found by its titles in the first 30 rows of the
/// template sheet (or, failing that, of any sheet): surrounding spaces and
/// full-width characters are tolerated and 序号 may be missing; a missing
/// required column is one `COLUMN_MISSING` error naming it. Blank rows are
/// skipped; each row keeps its sheet row number. A file that is not a
/// spreadsheet is `FILE_UNREADABLE`.
pub fn stream_member_rows(
    bytes: &[u8],
    file_name: &str,
    batch_rows: usize,
    sink: &mut dyn FnMut(Vec<ImportRow>) -> bool,
) -> Result<()> {
    let mut asm = Assembler::new(batch_rows, sink);
    if file_name.to_ascii_lowercase().ends_with(".csv") {
        for (k, row) in parse_csv(bytes)?.into_iter().enumerate() {
            if !asm.wants_more() {
                break;
            }
            asm.row(k as u32, row);
        }
    } else if bytes.starts_with(b"PK") {
        match stream_xlsx(bytes, &mut asm) {
            Some(done) => done?,
            None => read_tables(bytes, &mut asm)?, // an .ods (also a zip)
        }
    } else {
        read_tables(bytes, &mut asm)?;
    }
    asm.finish()
}

/// Reads all the data rows of a member file: [`stream_member_rows`]
/// collected into one list.
pub fn read_member_rows(bytes: &[u8], file_name: &str) -> Result<Vec<ImportRow>> {
    let mut rows = Vec::new();
    stream_member_rows(bytes, file_name, BATCH_ROWS, &mut |batch| {
        rows.extend(batch);
        true
    })?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_bom() {
        let rows = parse_csv("\u{FEFF}a,\"b,\"\"c\"\"\",\r\n1,,3\n\"x\ny\"".as_bytes()).unwrap();
        assert_eq!(
            rows[0],
            vec![
                Cell::Text("a".into()),
                Cell::Text("b,\"c\"".into()),
                Cell::Empty
            ]
        );
        assert_eq!(
            rows[1],
            vec![Cell::Text("1".into()), Cell::Empty, Cell::Text("3".into())]
        );
        assert_eq!(rows[2], vec![Cell::Text("x\ny".into())]);
        assert_eq!(
            parse_csv(b"\"open").unwrap_err().code(),
            ErrorCode::FileUnreadable
        );
        assert_eq!(
            parse_csv(&[0xff, 0xfe, 0x00]).unwrap_err().code(),
            ErrorCode::FileUnreadable
        );
    }
}
