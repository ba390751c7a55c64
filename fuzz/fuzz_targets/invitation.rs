//! The invitation-token decoder: an arbitrary string is
//! `INVITATION_MALFORMED` or `INVITATION_FORGED`, never a panic, and never
//! accepted unless it is the one token issued here (whitespace around it
//! allowed); and a real token with the input spliced into it never verifies
//! unless it is unchanged. (The tag check is constant-time:
//! `Mac::verify_truncated_left`.)
#![no_main]

use ccsa_core::ErrorCode;
use ccsa_core::directory::{InvitationKey, InvitationToken};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let key = InvitationKey::new([7; 32]);
    let token = InvitationToken::issue([9; 12], &key);
    let real = token.expose();
    match InvitationToken::parse(s, &key) {
        // The one token this target issues is public to the fuzzer (it
        // learns it from the comparisons below); anything else is a forgery.
        Ok(_) => assert_eq!(s.trim(), real, "an arbitrary string verified"),
        Err(e) => assert!(
            matches!(e.code(), ErrorCode::InvitationMalformed | ErrorCode::InvitationForged),
            "{:?}",
            e.code()
        ),
    }
    let cut = s.len() % (real.len() + 1);
    if real.is_char_boundary(cut) {
        let spliced = format!("{}{s}", &real[..cut]);
        if spliced.trim() != real {
            assert!(InvitationToken::parse(&spliced, &key).is_err());
        }
    }
});
