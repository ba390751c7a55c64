//! Admin passwords: argon2id with OWASP parameters, stored as PHC strings.

use crate::{ErrorCode, Result};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

/// OWASP-recommended argon2id cost: 19 MiB of memory, 2 passes, 1 lane.
pub const OWASP_PARAMS: (u32, u32, u32) = (19_456, 2, 1);

fn hasher() -> Argon2<'static> {
    let (m, t, p) = OWASP_PARAMS;
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(m, t, p, None).expect("static params are valid"),
    )
}

/// Checks the password rules: 8-128 characters, at least one letter and one digit.
pub fn check_strength(password: &str) -> Result<()> {
    let n = password.chars().count();
    let ok = (8..=128).contains(&n)
        && password.chars().any(|c| c.is_ascii_alphabetic())
        && password.chars().any(|c| c.is_ascii_digit())
        && !password.chars().any(char::is_control);
    if ok {
        Ok(())
    } else {
        Err(ErrorCode::PasswordWeak.into())
    }
}

/// Hashes a password with argon2id and the given 16-byte salt, returning the
/// PHC string (`$argon2id$v=19$m=19456,t=2,p=1$...`). The salt must come from
/// a cryptographic RNG; the facade draws it from its injected entropy source.
///
/// ```
/// use ccsa_core::admin::{hash_password, verify_password};
/// let phc = hash_password("s3cret-pass", [7; 16]);
/// assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
/// assert!(verify_password(&phc, "s3cret-pass"));
/// assert!(!verify_password(&phc, "wrong-pass1"));
/// ```
pub fn hash_password(password: &str, salt: [u8; 16]) -> String {
    let salt = SaltString::encode_b64(&salt).expect("16 bytes is a valid salt length");
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with valid params does not fail")
        .to_string()
}

/// Verifies a password against a PHC string in constant time (the argon2
/// crate compares digests with `subtle`). A malformed PHC string verifies false.
pub fn verify_password(phc: &str, password: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => hasher().verify_password(password.as_bytes(), &h).is_ok(),
        Err(_) => false,
    }
}

/// A fixed PHC string of the same cost, verified against when the login name
/// is unknown so that both answers take the same time.
pub(crate) fn decoy_hash() -> &'static str {
    static DECOY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| hash_password("decoy-password-0", [0x5a; 16]));
    &DECOY
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strength_rules() {
        assert!(check_strength("abcdefg1").is_ok());
        for weak in ["abc1", "abcdefgh", "12345678", &"a1".repeat(65)] {
            assert_eq!(
                check_strength(weak).unwrap_err().code(),
                ErrorCode::PasswordWeak,
                "{weak}"
            );
        }
    }

    #[test]
    fn hash_and_verify() {
        let phc = hash_password("Passw0rd!", [1; 16]);
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password(&phc, "Passw0rd!"));
        assert!(!verify_password(&phc, "Passw0rd?"));
        assert!(!verify_password("not a phc", "Passw0rd!"));
        assert_ne!(
            phc,
            hash_password("Passw0rd!", [2; 16]),
            "salt changes the hash"
        );
    }
}
