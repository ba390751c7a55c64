//! Hostile input: the parsers and decoders that take what people and files
//! send — ID numbers, phones, names, e-mails, member and question files,
//! GIFT and Aiken text, invitation tokens — get arbitrary input and
//! mutations of valid input. None may panic; each answers with a value or
//! a typed error; what they accept is what they claim (an accepted phone is
//! 11 digits, a parsed value parses to itself); and memory stays bounded
//! (the process's peak is checked at the end of the file-mutation runs).
//!
//! Case counts: `PROPTEST_CASES` (default here 2,000 for text and 300 for
//! files); the test command runs the defaults.

use ccsa_core::ErrorCode;
use ccsa_core::directory::{InvitationKey, InvitationToken, TEMPLATE_COLUMNS, TEMPLATE_SHEET};
use ccsa_core::identity::{Email, IdNumber, PersonName, Phone};
use ccsa_core::quiz::{BankOwner, parse_aiken, parse_gift, to_aiken, to_gift};
use ccsa_core::sample;
use ccsa_core::spreadsheet::{read_member_rows, read_question_rows, template_xlsx};
use chrono::NaiveDate;
use proptest::prelude::*;

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2020, 3, 24).unwrap()
}

/// Text that looks like what people type: digits, full-width digits,
/// separators, letters, Chinese, controls, and anything else.
fn messy() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9０-９xX +\\-()·.\u{3000}]{0,24}",
        "\\PC{0,40}",
        any::<String>(),
        "[1][3-9][0-9]{9}",
        "[1-6][0-9]{16}[0-9Xx]",
    ]
}

/// A valid member file (the template's sheet, 20 sample rows).
fn member_file() -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name(TEMPLATE_SHEET).unwrap();
    for (c, t) in TEMPLATE_COLUMNS.iter().enumerate() {
        ws.write_string(0, c as u16, *t).unwrap();
    }
    for i in 0..20u32 {
        let f = sample::member_form(u64::from(i), "");
        let cells = [
            (i + 1).to_string(),
            f.name,
            f.department,
            f.position,
            f.gender,
            f.id_number,
            f.phone,
            f.email,
            f.education,
        ];
        for (c, v) in cells.iter().enumerate() {
            ws.write_string(i + 1, c as u16, v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

/// `bytes` with some bytes overwritten, a range deleted, or cut short.
fn mutate(bytes: &[u8], edits: &[(usize, u8)], cut: Option<(usize, usize)>) -> Vec<u8> {
    let mut b = bytes.to_vec();
    for &(at, v) in edits {
        let i = at % b.len().max(1);
        if i < b.len() {
            b[i] = v;
        }
    }
    if let Some((from, len)) = cut {
        let from = from % b.len().max(1);
        let to = (from + len).min(b.len());
        b.drain(from..to);
    }
    b
}

fn peak_rss_mb() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = s
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(kb / 1024.0)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(2000), ..ProptestConfig::default() })]

    #[test]
    fn identity_parsers_answer_every_text(s in messy()) {
        match IdNumber::parse(&s, today()) {
            Ok(id) => {
                prop_assert_eq!(id.expose().len(), 18);
                prop_assert_eq!(IdNumber::parse(id.expose(), today()).unwrap(), id.clone());
                prop_assert!(!id.masked().contains(&id.expose()[3..14]));
            }
            Err(e) => prop_assert!(e.code().as_str().starts_with("ID_NUMBER"), "{:?}", e.code()),
        }
        match Phone::parse(&s) {
            Ok(p) => {
                prop_assert!(p.expose().len() == 11 && p.expose().bytes().all(|b| b.is_ascii_digit()));
                prop_assert_eq!(Phone::parse(p.expose()).unwrap(), p);
            }
            Err(e) => prop_assert!(e.code().as_str().starts_with("PHONE"), "{:?}", e.code()),
        }
        if let Ok(n) = PersonName::parse(&s) {
            prop_assert_eq!(PersonName::parse(n.expose()).unwrap(), n);
        }
        let _ = Email::parse(&s);
    }

    #[test]
    fn gift_and_aiken_answer_every_text(s in "\\PC{0,400}", glue in prop::sample::select(vec!["::", "{", "}", "=", "~", "#", "//", "\n", "ANSWER: A", "A. ", "%50%", "\\", "$CATEGORY:"])) {
        let text = format!("{glue}{s}{glue}");
        for row in parse_gift(&text).iter().chain(parse_aiken(&text).iter()) {
            // every row either becomes a question or says why not
            let _ = row.to_question(BankOwner::National, "综合");
        }
    }

    #[test]
    fn invitation_tokens_are_malformed_or_forged(s in any::<String>()) {
        let key = InvitationKey::new([7; 32]);
        match InvitationToken::parse(&s, &key) {
            Ok(_) => prop_assert!(false, "an arbitrary string verified: {:?}", s),
            Err(e) => prop_assert!(
                matches!(e.code(), ErrorCode::InvitationMalformed | ErrorCode::InvitationForged),
                "{:?}", e.code()
            ),
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(2000), ..ProptestConfig::default() })]

    /// A token with one character changed never verifies.
    #[test]
    fn tampered_tokens_never_verify(at in any::<usize>(), c in any::<char>()) {
        let key = InvitationKey::new([7; 32]);
        let token = InvitationToken::issue([9; 12], &key);
        let text: Vec<char> = token.expose().chars().collect();
        let i = at % text.len();
        prop_assume!(text[i] != c);
        let mut t = text.clone();
        t[i] = c;
        let t: String = t.into_iter().collect();
        prop_assert!(InvitationToken::parse(&t, &key).is_err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(300), ..ProptestConfig::default() })]

    #[test]
    fn member_files_damaged_anywhere_are_read_or_refused(
        edits in prop::collection::vec((any::<usize>(), any::<u8>()), 0..8),
        cut in prop::option::of((any::<usize>(), 1usize..400)),
        which in 0usize..3,
    ) {
        let (bytes, name) = match which {
            0 => (member_file(), "名单.xlsx"),
            1 => (template_xlsx(&["生产部"]).unwrap(), "模板.xlsx"),
            _ => {
                let mut csv = TEMPLATE_COLUMNS[1..].join(",");
                csv.push('\n');
                for i in 0..20 {
                    let f = sample::member_form(i, "");
                    csv.push_str(&[f.name, f.department, f.position, f.gender, f.id_number, f.phone, f.email, f.education].join(","));
                    csv.push('\n');
                }
                (csv.into_bytes(), "名单.csv")
            }
        };
        let damaged = mutate(&bytes, &edits, cut);
        match read_member_rows(&damaged, name) {
            Ok(rows) => prop_assert!(rows.len() <= 40, "{} rows from a 20-row file", rows.len()),
            Err(e) => prop_assert!(
                matches!(e.code(), ErrorCode::FileUnreadable | ErrorCode::ColumnMissing | ErrorCode::SheetEmpty),
                "{:?}", e.code()
            ),
        }
        // the same bytes under the other names, and as a question file
        let _ = read_member_rows(&damaged, "x.xls");
        let _ = read_member_rows(&damaged, "x.ods");
        let _ = read_question_rows(&damaged, "题库.xlsx");
    }

    #[test]
    fn arbitrary_bytes_are_refused(bytes in prop::collection::vec(any::<u8>(), 0..4096), zip in any::<bool>()) {
        let mut b = bytes;
        if zip {
            b.splice(0..0, *b"PK\x03\x04");
        }
        for name in ["x.xlsx", "x.xls", "x.ods", "x.csv"] {
            let _ = read_member_rows(&b, name);
            let _ = read_question_rows(&b, name);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(300), ..ProptestConfig::default() })]

    /// GIFT and Aiken exports of the sample bank, damaged, still parse
    /// without panicking; undamaged, they give every question back.
    #[test]
    fn question_text_damaged_anywhere_parses(edits in prop::collection::vec((any::<usize>(), any::<u8>()), 0..12), cut in prop::option::of((any::<usize>(), 1usize..200))) {
        let bank = sample::national_bank();
        for text in [to_gift(&bank), to_aiken(&bank)] {
            let damaged = mutate(text.as_bytes(), &edits, cut);
            let damaged = String::from_utf8_lossy(&damaged);
            for row in parse_gift(&damaged).iter().chain(parse_aiken(&damaged).iter()) {
                let _ = row.to_question(BankOwner::National, "综合");
            }
        }
    }
}

#[test]
fn undamaged_exports_round_trip_and_memory_stays_bounded() {
    let bank = sample::national_bank();
    assert_eq!(parse_gift(&to_gift(&bank)).len(), bank.len());
    assert_eq!(
        read_member_rows(&member_file(), "名单.xlsx").unwrap().len(),
        20
    );
    // a cell claiming a huge dimension, rows far down the sheet: read
    // without allocating the empty space in between
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name(TEMPLATE_SHEET).unwrap();
    for (c, t) in TEMPLATE_COLUMNS.iter().enumerate() {
        ws.write_string(0, c as u16, *t).unwrap();
    }
    let f = sample::member_form(1, "");
    ws.write_string(1_000_000, 1, &f.name).unwrap();
    ws.write_string(1_000_000, 6, &f.phone).unwrap();
    ws.write_string(1_000_000, 5, &f.id_number).unwrap();
    ws.write_string(1, 16_000, "远处的单元格").unwrap();
    let rows = read_member_rows(&wb.save_to_buffer().unwrap(), "x.xlsx").unwrap();
    assert_eq!(rows.len(), 1);
    if let Some(mb) = peak_rss_mb() {
        assert!(mb < 1024.0, "peak memory {mb:.0} MB");
    }
}
