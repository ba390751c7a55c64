//! The import template and member files, written by other writers and read back.

use calamine::Reader;
use ccsa_core::clock::ManualClock;
use ccsa_core::directory::{Cell, ImportMode, RowOutcome, TEMPLATE_COLUMNS, TEMPLATE_SHEET};
use ccsa_core::scoring::Campaign;
use ccsa_core::spreadsheet::{Reveal, error_report_xlsx, read_member_rows, template_xlsx};
use ccsa_core::store::{MemoryStore, Store};
use ccsa_core::{Ccsa, ErrorCode, sample};
use proptest::prelude::*;
use rust_xlsxwriter::{Format, Workbook};
use std::sync::Arc;

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    futures::executor::block_on(f)
}

/// A member file written by rust_xlsxwriter: optional title rows above the
/// header (merged), optional extra sheet first, IDs as text or as numbers.
fn member_file(
    rows: &[Vec<String>],
    title_rows: bool,
    extra_sheet: bool,
    ids_as_numbers: bool,
) -> Vec<u8> {
    let mut wb = Workbook::new();
    if extra_sheet {
        let ws = wb.add_worksheet().set_name("说明").unwrap();
        ws.write_string(0, 0, "这一页不是人员数据").unwrap();
    }
    let ws = wb.add_worksheet().set_name(TEMPLATE_SHEET).unwrap();
    let mut top = 0u32;
    if title_rows {
        ws.merge_range(0, 0, 0, 8, "某某化工有限公司人员名单", &Format::new())
            .unwrap();
        top = 2;
    }
    for (c, t) in TEMPLATE_COLUMNS.iter().enumerate() {
        ws.write_string(top, c as u16, format!(" {t} ")).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            let r = top + 1 + r as u32;
            if c == 5 && ids_as_numbers {
                ws.write_number(r, c as u16, v.parse::<f64>().unwrap_or(0.0))
                    .unwrap();
            } else if !v.is_empty() {
                ws.write_string(r, c as u16, v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn sample_rows(n: u64, dept: &str) -> Vec<Vec<String>> {
    (0..n)
        .map(|i| {
            let f = sample::member_form(5000 + i, dept);
            vec![
                (i + 1).to_string(),
                f.name,
                f.department,
                f.position,
                f.gender,
                f.id_number,
                f.phone,
                f.email,
                f.education,
            ]
        })
        .collect()
}

#[test]
fn template_has_the_notice_columns_instructions_and_examples() {
    let bytes = template_xlsx(&["生产部", "技术部"]).unwrap();
    let mut book =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    let names = book.sheet_names();
    assert_eq!(names[0], TEMPLATE_SHEET);
    assert!(names.contains(&"填写说明".to_string()));
    let sheet = book.worksheet_range(TEMPLATE_SHEET).unwrap();
    let header: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header, TEMPLATE_COLUMNS.map(String::from).to_vec());
    assert_eq!(sheet.height(), 1, "no example rows on the template sheet");
    let help = book.worksheet_range("填写说明").unwrap();
    let text: Vec<String> = help
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    for name in ["张三", "李四", "王五", "赵六"] {
        assert!(
            text.iter().any(|t| t == name),
            "{name} is on the instructions sheet"
        );
    }
    // Text format ("@", built-in number format 49) is the style of the ID and
    // phone columns (F and G), and drop-downs are attached to the sheet.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.clone())).unwrap();
    let read = |zip: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>, name: &str| {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut s).unwrap();
        s
    };
    let sheet_xml = read(&mut zip, "xl/worksheets/sheet1.xml");
    let styles = read(&mut zip, "xl/styles.xml");
    let style_of = |col: u32| -> usize {
        let tag = sheet_xml
            .split("<col ")
            .find(|c| c.contains(&format!("min=\"{col}\"")))
            .expect("column definition");
        tag.split("style=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let xfs: Vec<&str> = styles
        .split("<cellXfs")
        .nth(1)
        .unwrap()
        .split("<xf ")
        .skip(1)
        .collect();
    for col in [6, 7] {
        assert!(
            xfs[style_of(col)].contains("numFmtId=\"49\""),
            "column {col} is text-formatted"
        );
    }
    assert!(
        sheet_xml.contains("<dataValidations count=\"3\""),
        "drop-downs for 部门名称, 用户性别, 学历"
    );
    assert!(
        read_member_rows(&bytes, "template.xlsx")
            .unwrap()
            .is_empty()
    );
}

#[test]
fn rows_are_found_below_titles_after_other_sheets() {
    let rows = sample_rows(3, "");
    let bytes = member_file(&rows, true, true, false);
    let got = read_member_rows(&bytes, "名单.xlsx").unwrap();
    assert_eq!(got.len(), 3);
    assert_eq!(got[0].row, 4, "sheet row numbers as the admin sees them");
    assert_eq!(got[0].name, Cell::Text(rows[0][1].clone()));
    assert_eq!(got[2].id_number, Cell::Text(rows[2][5].clone()));
}

#[test]
fn ids_stored_as_numbers_get_their_own_code() {
    let rows = sample_rows(2, "");
    let bytes = member_file(&rows, false, false, true);
    let got = read_member_rows(&bytes, "x.xlsx").unwrap();
    assert!(matches!(got[0].id_number, Cell::Number(_)));
    let clock = Arc::new(ManualClock::at_rfc3339("2020-03-24T02:00:00Z"));
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let ccsa = Ccsa::new(store, clock, Campaign::notice_2020(1)).unwrap();
    let ctx = admin(&ccsa);
    let report =
        block(ccsa.import_rows(&ctx, got.clone(), ImportMode::DryRun, &mut |_, _| {})).unwrap();
    let errs: Vec<_> = report
        .errors()
        .map(|e| (e.code, e.column.clone()))
        .collect();
    assert!(
        report
            .errors()
            .all(|e| e.code == ErrorCode::IdNumberExcelMangled && e.column == "用户身份证号"),
        "{errs:?}"
    );
    assert_eq!(report.count(RowOutcome::Failed), 2);
}

fn admin(ccsa: &Ccsa) -> ccsa_core::admin::AdminContext {
    block(async {
        ccsa.list_notice_bureaus().await.unwrap();
        let form = ccsa_core::admin::AdminRegistration {
            org_name: "神木市应急管理局".into(),
            real_name: "王五".into(),
            phone: "13800138000".into(),
            username: "shenmu".into(),
            password: "shenmu2020".into(),
            ..Default::default()
        };
        ccsa.register_admin(&form).await.unwrap();
        let (_, ctx) = ccsa.login("shenmu", "shenmu2020").await.unwrap();
        ccsa.create_department(&ctx, "生产部").await.unwrap();
        ctx
    })
}

#[test]
fn csv_files_import_too() {
    let mut csv = String::from(
        "\u{FEFF}用户姓名,部门名称,职位,用户性别,用户身份证号,用户手机号,用户邮箱,学历\r\n",
    );
    for r in sample_rows(3, "生产部") {
        csv.push_str(&r[1..].join(","));
        csv.push_str("\r\n");
    }
    csv.push_str(",,,,,,,\r\n"); // blank row: skipped
    let rows = read_member_rows(csv.as_bytes(), "members.csv").unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].row, 2);
    let clock = Arc::new(ManualClock::at_rfc3339("2020-03-24T02:00:00Z"));
    let ccsa = Ccsa::new(
        Arc::new(MemoryStore::new()),
        clock,
        Campaign::notice_2020(1),
    )
    .unwrap();
    let ctx = admin(&ccsa);
    let report =
        block(ccsa.import_rows(&ctx, rows.clone(), ImportMode::AllOrNothing, &mut |_, _| {}))
            .unwrap();
    assert!(report.written);
    assert_eq!(report.count(RowOutcome::Created), 3);
}

#[test]
fn missing_columns_and_bad_files_are_clear_errors() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, t) in [
        "用户姓名",
        "部门名称",
        "职位",
        "用户性别",
        "用户身份证号",
        "用户邮箱",
        "学历",
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(0, c as u16, *t).unwrap();
    }
    let e = read_member_rows(&wb.save_to_buffer().unwrap(), "x.xlsx").unwrap_err();
    assert_eq!(e.code(), ErrorCode::ColumnMissing);
    assert!(e.to_string().contains("用户手机号"), "{e}");
    let e = read_member_rows(b"%PDF-1.4 this is not a spreadsheet", "renamed.xlsx").unwrap_err();
    assert_eq!(e.code(), ErrorCode::FileUnreadable);
}

#[test]
fn ten_thousand_rows() {
    let rows = sample_rows(10_000, "生产部");
    let bytes = member_file(&rows, false, false, false);
    let got = read_member_rows(&bytes, "big.xlsx").unwrap();
    assert_eq!(got.len(), 10_000);
    let clock = Arc::new(ManualClock::at_rfc3339("2020-03-24T02:00:00Z"));
    let ccsa = Ccsa::new(
        Arc::new(MemoryStore::new()),
        clock,
        Campaign::notice_2020(1),
    )
    .unwrap();
    let ctx = admin(&ccsa);
    let mut progress = Vec::new();
    let report = block(
        ccsa.import_rows(&ctx, got.clone(), ImportMode::ValidRows, &mut |r, w| {
            progress.push((r, w))
        }),
    )
    .unwrap();
    assert_eq!(report.count(RowOutcome::Created), 10_000);
    assert_eq!(progress.last(), Some(&(10_000, 10_000)));
    assert_eq!(block(ccsa.members(&ctx)).unwrap().len(), 10_000);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = read_member_rows(&bytes, "x.xlsx");
        let _ = read_member_rows(&bytes, "x.xls");
        let _ = read_member_rows(&bytes, "x.csv");
    }

    #[test]
    fn valid_members_round_trip_through_a_file(start in 0u64..1_000_000, n in 1usize..20) {
        let rows: Vec<Vec<String>> = (0..n as u64).map(|i| {
            let f = sample::member_form(start + i, "生产部");
            vec![(i + 1).to_string(), f.name, f.department, f.position, f.gender, f.id_number, f.phone, f.email, f.education]
        }).collect();
        let got = read_member_rows(&member_file(&rows, false, false, false), "x.xlsx").unwrap();
        prop_assert_eq!(got.len(), n);
        for (g, r) in got.iter().zip(&rows) {
            let form = g.to_form();
            prop_assert_eq!(&form.name, &r[1]);
            prop_assert_eq!(&form.id_number, &r[5]);
            prop_assert_eq!(&form.phone, &r[6]);
            prop_assert_eq!(&form.education, &r[8]);
        }
    }
}

#[test]
fn the_facade_serves_the_template_and_imports_files() {
    let clock = Arc::new(ManualClock::at_rfc3339("2020-03-24T02:00:00Z"));
    let ccsa = Ccsa::new(
        Arc::new(MemoryStore::new()),
        clock,
        Campaign::notice_2020(1),
    )
    .unwrap();
    let ctx = admin(&ccsa);
    let template = block(ccsa.import_template(&ctx)).unwrap();
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(template)).unwrap();
    let depts = book.worksheet_range("部门").unwrap();
    assert_eq!(depts.get((0, 0)).unwrap().to_string(), "生产部");
    let mut rows = sample_rows(2, "生产部");
    rows[1][2] = "生产不".into();
    let file = member_file(&rows, false, false, false);
    let report = block(ccsa.import_file(
        &ctx,
        &file,
        "名单.xlsx",
        ImportMode::ValidRows,
        &mut |_, _| {},
    ))
    .unwrap();
    assert_eq!(report.count(RowOutcome::Created), 1);
    let e = report.errors().next().unwrap();
    assert_eq!(
        (e.row, e.column.as_str(), e.code),
        (3, "部门名称", ErrorCode::DepartmentNotFound)
    );
    assert!(e.message.contains("生产部"), "did-you-mean: {}", e.message);
}

#[test]
fn error_report_marks_the_bad_cells() {
    let mut rows = sample_rows(3, "生产部");
    rows[1][6] = "12345".into(); // bad phone on sheet row 3
    rows[2][1] = "=HYPERLINK(\"http://x\")".into(); // a formula-looking name stays text
    let file = member_file(&rows, false, false, false);
    let read = read_member_rows(&file, "x.xlsx").unwrap();
    let clock = Arc::new(ManualClock::at_rfc3339("2020-03-24T02:00:00Z"));
    let ccsa = Ccsa::new(
        Arc::new(MemoryStore::new()),
        clock,
        Campaign::notice_2020(1),
    )
    .unwrap();
    let ctx = admin(&ccsa);
    let report =
        block(ccsa.import_rows(&ctx, read.clone(), ImportMode::DryRun, &mut |_, _| {})).unwrap();
    let bytes = error_report_xlsx(&read, &report, Reveal::Full).unwrap();
    let mut book =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    let sheet = book.worksheet_range("导入结果").unwrap();
    let cell = |r: usize, c: usize| sheet.get((r, c)).map(|d| d.to_string()).unwrap_or_default();
    assert_eq!(cell(0, 9), "导入结果");
    assert_eq!(
        (cell(1, 0), cell(1, 9)),
        ("2".to_string(), "新增".to_string())
    );
    assert_eq!(
        (cell(2, 0), cell(2, 9)),
        ("3".to_string(), "失败".to_string())
    );
    assert!(cell(2, 10).contains("用户手机号"), "{}", cell(2, 10));
    assert_eq!(
        cell(3, 1),
        "=HYPERLINK(\"http://x\")",
        "written as text, not as a formula"
    );
    // the bad phone cell (row 3, column G) carries the highlight style
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut xml,
    )
    .unwrap();
    let g3 = xml.split("<c r=\"G3\"").nth(1).unwrap();
    assert!(
        g3.split('>').next().unwrap().contains(" s=\""),
        "G3 is styled"
    );
    let f3 = xml.split("<c r=\"F3\"").nth(1).unwrap();
    assert!(
        !f3.split('>').next().unwrap().contains(" s=\""),
        "F3 is not"
    );
    assert!(!xml.contains("<f>"), "no formulas");
}

/// A minimal OpenDocument spreadsheet, written by hand (the format is a zip
/// of XML), with the template's sheet name and columns.
fn ods_file(rows: &[Vec<String>]) -> Vec<u8> {
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    let esc = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let row_xml = |cells: &[String]| {
        let mut x = String::from("<table:table-row>");
        for c in cells {
            x.push_str(&format!("<table:table-cell office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>", esc(c)));
        }
        x.push_str("</table:table-row>");
        x
    };
    let mut body = row_xml(&TEMPLATE_COLUMNS.map(String::from));
    for r in rows {
        body.push_str(&row_xml(r));
    }
    let content = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.2\">\
         <office:body><office:spreadsheet><table:table table:name=\"{TEMPLATE_SHEET}\">{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    );
    let manifest = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" manifest:version=\"1.2\">\
        <manifest:file-entry manifest:full-path=\"/\" manifest:media-type=\"application/vnd.oasis.opendocument.spreadsheet\"/>\
        <manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>";
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    zip.start_file("mimetype", stored).unwrap();
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    zip.start_file("META-INF/manifest.xml", stored).unwrap();
    zip.write_all(manifest.as_bytes()).unwrap();
    zip.start_file("content.xml", stored).unwrap();
    zip.write_all(content.as_bytes()).unwrap();
    zip.finish().unwrap().into_inner()
}

#[test]
fn ods_files_import_too() {
    let rows = sample_rows(4, "生产部");
    let got = read_member_rows(&ods_file(&rows), "名单.ods").unwrap();
    assert_eq!(got.len(), 4);
    assert_eq!(got[3].row, 5);
    assert_eq!(got[3].to_form().id_number, rows[3][5]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    /// Generated valid members go file → import → store and come back unchanged.
    #[test]
    fn members_round_trip_into_the_store(start in 0u64..1_000_000, n in 1u64..8) {
        let rows: Vec<Vec<String>> = (0..n).map(|i| {
            let f = sample::member_form(start + i, if i % 2 == 0 { "生产部" } else { "" });
            vec![(i + 1).to_string(), f.name, f.department, f.position, f.gender, f.id_number, f.phone, f.email, f.education]
        }).collect();
        let read = read_member_rows(&member_file(&rows, false, false, false), "x.xlsx").unwrap();
        let clock = Arc::new(ManualClock::at_rfc3339("2020-03-24T02:00:00Z"));
        let ccsa = Ccsa::new(Arc::new(MemoryStore::new()), clock, Campaign::notice_2020(1)).unwrap();
        let ctx = admin(&ccsa);
        let report = block(ccsa.import_rows(&ctx, read.clone(), ImportMode::AllOrNothing, &mut |_, _| {})).unwrap();
        prop_assert!(report.written);
        let depts = block(ccsa.departments(&ctx)).unwrap();
        let stored = block(ccsa.members(&ctx)).unwrap();
        for (i, r) in rows.iter().enumerate() {
            let expected = sample::member_form(start + i as u64, &r[2]).validate("2020-03-24".parse().unwrap(), &depts).unwrap();
            let id = report.rows[i].member.unwrap();
            let m = stored.iter().find(|m| m.id == id).unwrap();
            prop_assert_eq!(&m.details, &expected);
        }
    }
}

#[test]
fn merged_header_cells_still_name_their_columns() {
    // 用户身份证号 merged across F:G (as some admins format it); data sits in F.
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name(TEMPLATE_SHEET).unwrap();
    let titles = ["序号", "用户姓名", "部门名称", "职位", "用户性别"];
    for (c, t) in titles.iter().enumerate() {
        ws.write_string(0, c as u16, *t).unwrap();
    }
    ws.merge_range(0, 5, 0, 6, "用户身份证号", &Format::new())
        .unwrap();
    for (c, t) in ["用户手机号", "用户邮箱", "学历"].iter().enumerate() {
        ws.write_string(0, 7 + c as u16, *t).unwrap();
    }
    let f = sample::member_form(77, "");
    for (c, v) in [
        "1",
        &f.name,
        "",
        &f.position,
        &f.gender,
        &f.id_number,
        "",
        &f.phone,
        "",
        &f.education,
    ]
    .iter()
    .enumerate()
    {
        ws.write_string(1, c as u16, *v).unwrap();
    }
    let rows = read_member_rows(&wb.save_to_buffer().unwrap(), "merged.xlsx").unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].to_form().id_number, f.id_number);
    assert_eq!(rows[0].to_form().phone, f.phone);
}

#[test]
fn dry_runs_without_a_session_check_and_write_nothing() {
    let clock = Arc::new(ManualClock::at_rfc3339("2020-03-24T02:00:00Z"));
    let store = Arc::new(MemoryStore::new());
    let ccsa = Ccsa::new(store.clone(), clock, Campaign::notice_2020(1)).unwrap();
    let ctx = admin(&ccsa);
    let mut rows = sample_rows(3, "生产部");
    rows[2][6] = "1380013800".into(); // ten digits
    let file = member_file(&rows, false, false, false);
    // The future is Send: servers can spawn it on a multi-threaded runtime.
    fn send<T: Send>(t: T) -> T {
        t
    }
    let report = block(send(ccsa.check_import_file(ctx.org(), &file, "名单.xlsx"))).unwrap();
    assert!(!report.written);
    assert_eq!(report.mode, ImportMode::DryRun);
    assert_eq!(report.count(RowOutcome::Created), 2);
    let e = report.errors().next().unwrap();
    assert_eq!((e.row, e.column.as_str()), (4, "用户手机号"));
    assert!(block(store.members(ctx.org())).unwrap().is_empty());
    // Unknown and retired orgs are refused by code.
    let err = block(ccsa.check_import_file(ccsa_core::registry::OrgId(9_999), &file, "名单.xlsx"));
    assert_eq!(err.unwrap_err().code(), ErrorCode::OrgNotFound);
    let day = chrono::NaiveDate::from_ymd_opt(2020, 3, 24).unwrap();
    block(ccsa.retire_org(ctx.org(), day)).unwrap();
    let err = block(ccsa.check_import_file(ctx.org(), &file, "名单.xlsx"));
    assert_eq!(err.unwrap_err().code(), ErrorCode::OrgRetired);
}
