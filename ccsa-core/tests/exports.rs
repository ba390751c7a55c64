//! Every spreadsheet ccsa writes: hostile text stays text (formula
//! injection), and personal data is masked unless asked for in full.

use ccsa_core::admin::AdminContext;
use ccsa_core::clock::ManualClock;
use ccsa_core::directory::{ImportMode, MemberForm, RowOutcome};
use ccsa_core::quiz::{BankOwner, parse_aiken};
use ccsa_core::scoring::Campaign;
use ccsa_core::spreadsheet::{
    Reveal, error_report_xlsx, formula_like, questions_xlsx, read_member_rows, template_xlsx,
};
use ccsa_core::store::MemoryStore;
use ccsa_core::{Ccsa, sample};
use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

fn block<T>(f: impl std::future::Future<Output = T>) -> T {
    futures::executor::block_on(f)
}

/// The values an attacker would type into a name, position or department
/// to have a spreadsheet program run them.
const HOSTILE: [&str; 6] = [
    "=HYPERLINK(\"http://evil.example\",\"点击\")",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,2)",
    "=1+1",
    "＝1+1",
];

const DEPT: &str = "=cmd|' /C calc'!A0";

fn setup() -> (Ccsa, AdminContext) {
    let clock = Arc::new(ManualClock::at_rfc3339("2020-03-24T02:00:00Z"));
    let ccsa = Ccsa::new(
        Arc::new(MemoryStore::new()),
        clock,
        Campaign::notice_2020(1),
    )
    .unwrap();
    let ctx = block(async {
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
        ccsa.create_department(&ctx, DEPT).await.unwrap();
        ctx
    });
    (ccsa, ctx)
}

/// A workbook's sheets as (cell reference → (text, quote prefix)), with
/// whether any sheet holds a formula.
struct Book {
    cells: Vec<HashMap<String, (String, bool)>>,
    formulas: bool,
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

fn entry(zip: &mut zip::ZipArchive<std::io::Cursor<Vec<u8>>>, name: &str) -> Option<String> {
    let mut s = String::new();
    zip.by_name(name).ok()?.read_to_string(&mut s).ok()?;
    Some(s)
}

fn open(bytes: &[u8]) -> Book {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    // shared strings, in order
    let shared: Vec<String> = entry(&mut zip, "xl/sharedStrings.xml")
        .map(|x| {
            x.split("<si>")
                .skip(1)
                .map(|si| {
                    si.split("<t")
                        .skip(1)
                        .map(|t| {
                            let body = &t[t.find('>').unwrap() + 1..];
                            unescape(&body[..body.find("</t>").unwrap()])
                        })
                        .collect::<String>()
                })
                .collect()
        })
        .unwrap_or_default();
    // cell formats: index → quotePrefix
    let styles = entry(&mut zip, "xl/styles.xml").unwrap();
    let xfs = styles.split("<cellXfs").nth(1).unwrap();
    let xfs = &xfs[..xfs.find("</cellXfs>").unwrap()];
    let quote: Vec<bool> = xfs
        .split("<xf ")
        .skip(1)
        .map(|xf| xf.contains("quotePrefix=\"1\""))
        .collect();
    let mut cells = Vec::new();
    let mut formulas = false;
    for k in 1.. {
        let Some(xml) = entry(&mut zip, &format!("xl/worksheets/sheet{k}.xml")) else {
            break;
        };
        formulas |= xml.contains("<f>") || xml.contains("<f ");
        let mut sheet = HashMap::new();
        for c in xml.split("<c r=\"").skip(1) {
            let reference = c[..c.find('"').unwrap()].to_string();
            let open_tag = &c[..c.find('>').unwrap()];
            let style = open_tag
                .split(" s=\"")
                .nth(1)
                .map(|s| s[..s.find('"').unwrap()].parse::<usize>().unwrap());
            let Some(v) = c.split("<v>").nth(1) else {
                continue;
            };
            let v = &v[..v.find("</v>").unwrap()];
            let text = if open_tag.contains("t=\"s\"") {
                shared[v.parse::<usize>().unwrap()].clone()
            } else {
                v.to_string()
            };
            sheet.insert(reference, (text, style.is_some_and(|s| quote[s])));
        }
        cells.push(sheet);
    }
    Book { cells, formulas }
}

impl Book {
    /// Every formula-like text is a string cell with the quote prefix, and
    /// no sheet holds a formula; returns how many hostile cells were seen.
    fn assert_safe(&self, what: &str) -> usize {
        assert!(!self.formulas, "{what}: a formula was written");
        let mut hostile = 0;
        for sheet in &self.cells {
            for (r, (text, quoted)) in sheet {
                if formula_like(text) {
                    hostile += 1;
                    assert!(quoted, "{what}: {r} = {text:?} has no quote prefix");
                }
            }
        }
        hostile
    }

    fn texts(&self) -> Vec<&str> {
        self.cells
            .iter()
            .flat_map(|s| s.values().map(|(t, _)| t.as_str()))
            .collect()
    }
}

fn form(i: u64, position: &str) -> MemberForm {
    MemberForm {
        position: position.into(),
        ..sample::member_form(7000 + i, DEPT)
    }
}

#[test]
fn formula_like_covers_the_dangerous_starts() {
    for s in HOSTILE {
        assert!(formula_like(s), "{s}");
    }
    for s in ["\t=1", "\r=1", "-", "@"] {
        assert!(formula_like(s), "{s:?}");
    }
    for s in ["", "张三", "1+1", "a=b", " =1"] {
        assert!(!formula_like(s), "{s:?}");
    }
}

#[test]
fn hostile_text_stays_text_in_every_export() {
    let (ccsa, ctx) = setup();
    for (i, p) in HOSTILE.iter().enumerate() {
        block(ccsa.add_member(&ctx, &form(i as u64, p))).unwrap();
    }
    // member list, masked and in full
    for reveal in [Reveal::Masked, Reveal::Full] {
        let book = open(&block(ccsa.export_members_xlsx(&ctx, reveal)).unwrap());
        let n = book.assert_safe("member list");
        // six positions and six department cells
        assert_eq!(n, 2 * HOSTILE.len(), "{reveal:?}");
    }
    // the import template lists the departments
    let book = open(&block(ccsa.import_template(&ctx)).unwrap());
    assert_eq!(book.assert_safe("template"), 1);
    assert!(book.texts().contains(&DEPT));
    // the error report of a file whose cells are hostile
    let mut rows = Vec::new();
    for (i, p) in HOSTILE.iter().enumerate() {
        let mut f = form(100 + i as u64, p);
        f.name = (*p).into(); // an invalid name: refused, shown back as typed
        rows.push(f);
    }
    let file = member_csv(&rows);
    let read = read_member_rows(file.as_bytes(), "x.csv").unwrap();
    let report =
        block(ccsa.import_rows(&ctx, read.clone(), ImportMode::DryRun, &mut |_, _| {})).unwrap();
    assert_eq!(report.count(RowOutcome::Failed), HOSTILE.len());
    for reveal in [Reveal::Masked, Reveal::Full] {
        let book = open(&error_report_xlsx(&read, &report, reveal).unwrap());
        let n = book.assert_safe("error report");
        assert!(n >= 2 * HOSTILE.len(), "{reveal:?}: {n}");
    }
    // the monthly report (org names come from the roster) and question files
    let book = open(&block(ccsa.monthly_report_xlsx(2020, 4)).unwrap());
    book.assert_safe("monthly report");
    let questions: Vec<_> = parse_aiken(
        "=1+1 等于几？\nA. -1\nB. 2\nANSWER: B\n\n@动火作业前应当？\nA. 办理作业票\nB. 直接作业\nANSWER: A\n",
    )
    .iter()
    .map(|r| r.to_question(BankOwner::National, "综合").unwrap())
    .collect();
    let book = open(&questions_xlsx(&questions).unwrap());
    assert!(book.assert_safe("question bank") >= 3);
    open(&template_xlsx(&[DEPT, "+生产部"]).unwrap()).assert_safe("template");
}

fn member_csv(rows: &[MemberForm]) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut csv =
        String::from("用户姓名,部门名称,职位,用户性别,用户身份证号,用户手机号,用户邮箱,学历\r\n");
    for f in rows {
        let cells = [
            &f.name,
            &f.department,
            &f.position,
            &f.gender,
            &f.id_number,
            &f.phone,
            &f.email,
            &f.education,
        ];
        let line: Vec<String> = cells.iter().map(|c| q(c)).collect();
        csv.push_str(&line.join(","));
        csv.push_str("\r\n");
    }
    csv
}

#[test]
fn exports_mask_personal_data_unless_asked_in_full() {
    let (ccsa, ctx) = setup();
    let forms: Vec<MemberForm> = (0..5).map(|i| form(i, "操作工")).collect();
    let members: Vec<_> = forms
        .iter()
        .map(|f| block(ccsa.add_member(&ctx, f)).unwrap())
        .collect();
    let masked = open(&block(ccsa.export_members_xlsx(&ctx, Reveal::Masked)).unwrap());
    let texts = masked.texts().join("\n");
    for m in &members {
        let d = &m.details;
        for raw in [d.name.expose(), d.id_number.expose(), d.phone.expose()] {
            assert!(!texts.contains(raw), "the masked list shows {raw}");
        }
        for shown in [d.name.masked(), d.id_number.masked(), d.phone.masked()] {
            assert!(texts.contains(&shown), "{shown} missing");
        }
    }
    // in full, the list is an import file: a dry run finds every row unchanged
    let full = block(ccsa.export_members_xlsx(&ctx, Reveal::Full)).unwrap();
    let texts = open(&full).texts().join("\n");
    for m in &members {
        assert!(texts.contains(m.details.phone.expose()));
    }
    let report = block(ccsa.import_file(
        &ctx,
        &full,
        "人员名单.xlsx",
        ImportMode::DryRun,
        &mut |_, _| {},
    ))
    .unwrap();
    assert_eq!(
        report.count(RowOutcome::Unchanged),
        members.len(),
        "{report:?}"
    );
    // the error report masks by default, shows in full on request
    let mut bad = forms.clone();
    for f in &mut bad {
        f.department = "没有这个部门".into();
    }
    let read = read_member_rows(member_csv(&bad).as_bytes(), "x.csv").unwrap();
    let report =
        block(ccsa.import_rows(&ctx, read.clone(), ImportMode::DryRun, &mut |_, _| {})).unwrap();
    let masked = open(&error_report_xlsx(&read, &report, Reveal::default()).unwrap())
        .texts()
        .join("\n");
    let full = open(&error_report_xlsx(&read, &report, Reveal::Full).unwrap())
        .texts()
        .join("\n");
    for f in &forms {
        for raw in [&f.name, &f.id_number, &f.phone] {
            assert!(!masked.contains(raw.as_str()), "error report shows {raw}");
            assert!(full.contains(raw.as_str()), "full error report lacks {raw}");
        }
    }
    // Debug of the forms and rows masks too
    let debug = format!(
        "{forms:?}{read:?}{:?}",
        serde_json::to_string(&read).unwrap()
    );
    for f in &forms {
        for raw in [&f.name, &f.id_number, &f.phone] {
            assert!(!debug.contains(raw.as_str()), "Debug shows {raw}");
        }
    }
}
