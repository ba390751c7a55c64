//! The invitation-token decoder: an arbitrary string is
//! `INVITATION_MALFORMED` or `INVITATION_FORGED`, never accepted, never a
//! panic; and a real token with the input spliced into it never verifies
//! unless it is unchanged.
#![no_main]

use ccsa_core::ErrorCode;
use ccsa_core::directory::{InvitationKey, InvitationToken};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|s: &str| {
    let key = InvitationKey::new([7; 32]);
    match InvitationToken::parse(s, &key) {
        Ok(_) => panic!("an arbitrary string verified"),
        Err(e) => assert!(
            matches!(e.code(), ErrorCode::InvitationMalformed | ErrorCode::InvitationForged),
            "{:?}",
            e.code()
        ),
    }
    let token = InvitationToken::issue([9; 12], &key);
    let real = token.expose();
    let cut = s.len() % (real.len() + 1);
    if real.is_char_boundary(cut) {
        let spliced = format!("{}{s}", &real[..cut]);
        if spliced != real {
            assert!(InvitationToken::parse(&spliced, &key).is_err());
        }
    }
});
