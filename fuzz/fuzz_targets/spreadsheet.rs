//! The member and question importers: any bytes under any of the accepted
//! file names are read or refused with `FILE_UNREADABLE`, `COLUMN_MISSING`
//! or `SHEET_EMPTY`, never a panic (libFuzzer's -rss_limit_mb bounds memory).
#![no_main]

use ccsa_core::ErrorCode;
use ccsa_core::spreadsheet::{read_member_rows, read_question_rows};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    for name in ["名单.xlsx", "名单.xls", "名单.ods", "名单.csv"] {
        if let Err(e) = read_member_rows(bytes, name) {
            assert!(
                matches!(
                    e.code(),
                    ErrorCode::FileUnreadable | ErrorCode::ColumnMissing | ErrorCode::SheetEmpty
                ),
                "{:?}",
                e.code()
            );
        }
        let _ = read_question_rows(bytes, name);
    }
});
