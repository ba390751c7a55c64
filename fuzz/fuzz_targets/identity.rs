//! The ID number, phone, name and e-mail parsers: any text gets a value or
//! the parser's own typed codes, never a panic; what is accepted parses to
//! itself, and a masked ID number hides its middle.
#![no_main]

use ccsa_core::identity::{Email, IdNumber, PersonName, Phone};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let today = chrono::NaiveDate::from_ymd_opt(2020, 3, 24).expect("date");
    match IdNumber::parse(s, today) {
        Ok(id) => {
            assert_eq!(id.expose().len(), 18);
            assert_eq!(IdNumber::parse(id.expose(), today).expect("reparses"), id);
            assert!(!id.masked().contains(&id.expose()[3..14]));
        }
        Err(e) => assert!(e.code().as_str().starts_with("ID_NUMBER"), "{:?}", e.code()),
    }
    match Phone::parse(s) {
        Ok(p) => {
            assert!(p.expose().len() == 11 && p.expose().bytes().all(|b| b.is_ascii_digit()));
            assert_eq!(Phone::parse(p.expose()).expect("reparses"), p);
        }
        Err(e) => assert!(e.code().as_str().starts_with("PHONE"), "{:?}", e.code()),
    }
    if let Ok(n) = PersonName::parse(s) {
        assert_eq!(PersonName::parse(n.expose()).expect("reparses"), n);
    }
    let _ = Email::parse(s);
});
