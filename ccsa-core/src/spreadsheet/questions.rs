//! The question-bank template (题库导入模板): generate it, read uploaded
//! question files (xlsx, xls, ods, UTF-8 CSV), and export a bank back into
//! it.

use super::{header_format, parse_csv, put_text, range_rows, sheet_order, title_key, xlsx_err};
use crate::directory::Cell;
use crate::quiz::{NewQuestion, QuestionKind, QuestionRow};
use crate::{Error, ErrorCode, Result};
use calamine::Reader;
use rust_xlsxwriter::{DataValidation, Workbook};
use std::io::Cursor;

/// The question template's sheet name.
pub const QUESTION_SHEET: &str = "题库导入模板";

/// The question template's columns, in order.
pub const QUESTION_COLUMNS: [&str; 13] = [
    "题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "答案", "解析", "分类",
    "专业", "难度",
];

/// The question template: the columns above with drop-downs for 题型 and
/// 难度, and an instructions sheet with one example of each kind.
pub fn question_template_xlsx() -> Result<Vec<u8>> {
    questions_xlsx(&[])
}

/// A bank as the question template (the export): one row per question,
/// plus the instructions sheet. Reading it back gives the same questions.
pub fn questions_xlsx(questions: &[NewQuestion]) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    let header = header_format();
    {
        let ws = wb
            .add_worksheet()
            .set_name(QUESTION_SHEET)
            .map_err(xlsx_err)?;
        for (c, t) in QUESTION_COLUMNS.iter().enumerate() {
            put_text(ws, 0, c as u16, t, Some(&header))?;
            ws.set_column_width(c as u16, if c == 1 { 40.0 } else { 14.0 })
                .map_err(xlsx_err)?;
        }
        let rows = (questions.len() as u32).max(1_000);
        let kinds = DataValidation::new()
            .allow_list_strings(&["单选", "多选", "判断"])
            .map_err(xlsx_err)?;
        ws.add_data_validation(1, 0, rows, 0, &kinds)
            .map_err(xlsx_err)?;
        let levels = DataValidation::new()
            .allow_list_strings(&["1", "2", "3", "4", "5"])
            .map_err(xlsx_err)?;
        ws.add_data_validation(1, 12, rows, 12, &levels)
            .map_err(xlsx_err)?;
        for (i, q) in questions.iter().enumerate() {
            let r = i as u32 + 1;
            let mut cells: Vec<String> = vec![q.kind.as_zh().to_string(), q.stem.clone()];
            for k in 0..6 {
                cells.push(match q.kind {
                    QuestionKind::TrueFalse => String::new(),
                    _ => q.options.get(k).cloned().unwrap_or_default(),
                });
            }
            cells.push(match q.kind {
                QuestionKind::TrueFalse if q.answer.contains(0) => "正确".into(),
                QuestionKind::TrueFalse => "错误".into(),
                _ => q.answer.letters(),
            });
            cells.push(q.explanation.clone());
            cells.push(q.category.clone());
            cells.push(q.specialties.join("、"));
            cells.push(q.difficulty.to_string());
            for (c, v) in cells.iter().enumerate() {
                if !v.is_empty() {
                    // Text cells: never formulas, whatever the text starts with.
                    put_text(ws, r, c as u16, v, None)?;
                }
            }
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    }
    {
        let ws = wb.add_worksheet().set_name("填写说明").map_err(xlsx_err)?;
        let lines = [
            "题库导入模板填写说明",
            "1. 题型填写“单选”“多选”或“判断”；单选、多选题填写2-6个选项，判断题选项可不填。",
            "2. 答案填写选项字母，多选题填写全部正确选项（如 ABD）；判断题填写“正确”或“错误”。",
            "3. 分类不填时使用上传时指定的默认分类；专业可填多个，用顿号分隔；难度填1-5，不填为2。",
            "4. 同一题型题干相同的题目视为重复，重复题目不会导入。",
        ];
        for (r, l) in lines.iter().enumerate() {
            put_text(ws, r as u32, 0, l, None)?;
        }
    }
    wb.save_to_buffer().map_err(xlsx_err)
}

/// Every sheet's rows: (sheet name, sheet row number of the first row, rows).
type Sheets = Vec<(String, u32, Vec<Vec<Cell>>)>;

fn sheets(bytes: &[u8], file_name: &str) -> Result<Sheets> {
    if file_name.to_ascii_lowercase().ends_with(".csv") {
        return Ok(vec![("csv".into(), 1, parse_csv(bytes)?)]);
    }
    let unreadable = |_| Error::new(ErrorCode::FileUnreadable);
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(unreadable)?;
    let mut out = Vec::new();
    for name in sheet_order(book.sheet_names(), QUESTION_SHEET) {
        let range = book.worksheet_range(&name).map_err(unreadable)?;
        let first_row = range.start().map_or(1, |(r, _)| r + 1);
        let rows = range_rows(&range).map(|(_, cells)| cells).collect();
        out.push((name, first_row, rows));
    }
    Ok(out)
}

/// Reads an uploaded question file in the template's layout (xlsx, xls,
/// ods, or UTF-8 CSV when `file_name` ends in `.csv`): the header row is
/// found by its titles among the first 30 rows (题型, 题干 and 答案 are
/// required; `COLUMN_MISSING` names the missing ones); blank rows are
/// skipped; each row keeps its sheet row number.
pub fn read_question_rows(bytes: &[u8], file_name: &str) -> Result<Vec<QuestionRow>> {
    let required = ["题型", "题干", "答案"];
    let mut best_missing: Option<Vec<&str>> = None;
    for (_, first_row, rows) in sheets(bytes, file_name)? {
        for (hi, header) in rows.iter().take(30).enumerate() {
            let keys: Vec<String> = header.iter().map(|c| title_key(&c.as_text())).collect();
            let col = |t: &str| keys.iter().position(|k| k == t);
            let missing: Vec<&str> = required
                .iter()
                .copied()
                .filter(|t| col(t).is_none())
                .collect();
            if !missing.is_empty() {
                if missing.len() < required.len()
                    && best_missing
                        .as_ref()
                        .is_none_or(|b| missing.len() < b.len())
                {
                    best_missing = Some(missing);
                }
                continue;
            }
            let idx: Vec<Option<usize>> = QUESTION_COLUMNS.iter().map(|t| col(t)).collect();
            let get = |r: &[Cell], i: usize| {
                idx[i]
                    .and_then(|c| r.get(c))
                    .map(|c| c.as_text().trim().to_string())
                    .unwrap_or_default()
            };
            let mut out = Vec::new();
            for (k, r) in rows[hi + 1..].iter().enumerate() {
                let row = QuestionRow {
                    line: first_row + (hi + 1 + k) as u32,
                    kind: get(r, 0),
                    stem: get(r, 1),
                    options: (2..8).map(|i| get(r, i)).collect(),
                    answer: get(r, 8),
                    explanation: get(r, 9),
                    category: get(r, 10),
                    specialties: get(r, 11),
                    difficulty: get(r, 12),
                    read_error: None,
                };
                let blank = row.kind.is_empty()
                    && row.stem.is_empty()
                    && row.answer.is_empty()
                    && row.options.iter().all(String::is_empty);
                if !blank {
                    out.push(row);
                }
            }
            return Ok(out);
        }
    }
    Err(match best_missing {
        Some(m) => {
            Error::new(ErrorCode::ColumnMissing).with_note(format!("缺少：{}", m.join("、")))
        }
        None => Error::new(ErrorCode::ColumnMissing)
            .with_note(format!("未找到表头：{}", required.join("、"))),
    })
}
