//! The GIFT and Aiken question parsers: any text parses into rows, each of
//! which becomes a question or says why not; never a panic.
#![no_main]

use ccsa_core::quiz::{BankOwner, parse_aiken, parse_gift};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    for row in parse_gift(text).iter().chain(parse_aiken(text).iter()) {
        let _ = row.to_question(BankOwner::National, "综合");
    }
});
