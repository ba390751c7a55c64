//! Question-bank files: the Excel template round trip, every per-row error
//! code from a spreadsheet, CSV, and a missing column.

use ccsa_core::ErrorCode;
use ccsa_core::directory::ImportMode;
use ccsa_core::quiz::{BankOwner, NewQuestion, plan_questions};
use ccsa_core::sample::national_bank;
use ccsa_core::spreadsheet::{
    QUESTION_COLUMNS, QUESTION_SHEET, question_template_xlsx, questions_xlsx, read_question_rows,
};

fn without_source(q: &NewQuestion) -> NewQuestion {
    NewQuestion {
        source: None,
        ..q.clone()
    }
}

#[test]
fn the_template_round_trips_the_sample_bank() {
    let bank = national_bank();
    let bytes = questions_xlsx(&bank).unwrap();
    let rows = read_question_rows(&bytes, "题库.xlsx").unwrap();
    assert_eq!(rows.len(), bank.len());
    assert_eq!(rows[0].line, 2);
    for (q, r) in bank.iter().zip(&rows) {
        assert_eq!(
            r.to_question(BankOwner::National, "x").unwrap(),
            without_source(q)
        );
    }
    // The empty template reads as no rows.
    let empty = question_template_xlsx().unwrap();
    assert!(read_question_rows(&empty, "模板.xlsx").unwrap().is_empty());
}

#[test]
fn every_row_error_has_its_code() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name(QUESTION_SHEET).unwrap();
    ws.write_string(0, 0, "单位题库（说明行）").unwrap();
    for (c, t) in QUESTION_COLUMNS.iter().enumerate() {
        ws.write_string(1, c as u16, format!(" {t} ")).unwrap();
    }
    let rows: [&[&str]; 9] = [
        &[
            "单选",
            "静电接地的作用是？",
            "导走静电",
            "美观",
            "",
            "",
            "",
            "",
            "A",
            "",
            "",
            "",
            "2",
        ],
        &[
            "单选",
            "没有答案的题",
            "甲",
            "乙",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
            "",
        ],
        &[
            "单选",
            "答案不在选项中",
            "甲",
            "乙",
            "",
            "",
            "",
            "",
            "C",
            "",
            "",
            "",
            "",
        ],
        &[
            "单选",
            "静电接地的作用是？",
            "导走静电",
            "美观",
            "",
            "",
            "",
            "",
            "A",
            "",
            "",
            "",
            "",
        ],
        &[
            "单选",
            "难度错误",
            "甲",
            "乙",
            "",
            "",
            "",
            "",
            "A",
            "",
            "",
            "",
            "9",
        ],
        &[
            "填空",
            "题型错误",
            "甲",
            "乙",
            "",
            "",
            "",
            "",
            "A",
            "",
            "",
            "",
            "",
        ],
        &[
            "判断",
            "氢气比空气轻。",
            "",
            "",
            "",
            "",
            "",
            "",
            "正确",
            "",
            "危险化学品基础",
            "通用、氢能",
            "",
        ],
        &[
            "多选",
            "只有一个答案的多选题",
            "甲",
            "乙",
            "丙",
            "",
            "",
            "",
            "A",
            "",
            "",
            "",
            "",
        ],
        &[
            "单选",
            "只有一个选项",
            "甲",
            "",
            "",
            "",
            "",
            "",
            "A",
            "",
            "",
            "",
            "",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32 + 2, c as u16, *v).unwrap();
            }
        }
    }
    let bytes = wb.save_to_buffer().unwrap();
    let read = read_question_rows(&bytes, "q.xlsx").unwrap();
    assert_eq!(read.len(), 9);
    assert_eq!(
        read[0].line, 3,
        "sheet row numbers count the rows above the header"
    );
    let (report, writes) = plan_questions(
        &read,
        BankOwner::National,
        "通用",
        &[],
        ImportMode::ValidRows,
    );
    let codes: Vec<Option<ErrorCode>> = report
        .lines
        .iter()
        .map(|l| l.error.as_ref().map(|e| e.code))
        .collect();
    assert_eq!(
        codes,
        [
            None,
            Some(ErrorCode::AnswerMissing),
            Some(ErrorCode::AnswerNotAnOption),
            Some(ErrorCode::QuestionDuplicate),
            Some(ErrorCode::DifficultyInvalid),
            Some(ErrorCode::QuestionInvalid),
            None,
            Some(ErrorCode::AnswerNotAnOption),
            Some(ErrorCode::OptionsInvalid),
        ]
    );
    assert_eq!(report.lines[3].error.as_ref().unwrap().other_line, Some(3));
    assert!(
        report.lines[3]
            .error
            .as_ref()
            .unwrap()
            .message
            .contains("第3行")
    );
    assert_eq!(writes.len(), 2);
    let tf = &writes[1].1;
    assert_eq!(tf.options, ["正确", "错误"]);
    assert_eq!(tf.specialties, ["氢能", "通用"]);
    assert_eq!(tf.category, "危险化学品基础");
    assert_eq!(
        writes[0].1.category, "通用",
        "the default category fills blanks"
    );
}

#[test]
fn csv_and_missing_columns() {
    let csv = "题型,题干,选项A,选项B,答案\n单选,下列属于易燃气体的是,氢气,氮气,A\n";
    let rows = read_question_rows(csv.as_bytes(), "q.csv").unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].options[..2],
        ["氢气".to_string(), "氮气".to_string()]
    );
    let err = read_question_rows("题型,题干,选项A\n单选,x,y\n".as_bytes(), "q.csv").unwrap_err();
    assert_eq!(err.code(), ErrorCode::ColumnMissing);
    assert!(err.to_string().contains("答案"), "{err}");
    let not_a_sheet = read_question_rows(b"PK\x03\x04 not really", "q.xlsx").unwrap_err();
    assert_eq!(not_a_sheet.code(), ErrorCode::FileUnreadable);
}
