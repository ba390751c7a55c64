//! Encryption at rest (静态加密) of ID numbers and phones.
//!
//! The embedding service supplies a [`Keyring`] in
//! [`StoreOptions::keyring`](crate::StoreOptions::keyring): one 32-byte
//! master key marked current, and any number of retired ones. From each
//! master key two keys are derived (HMAC-SHA256 with fixed labels):
//!
//! - a **sealing key** for XChaCha20-Poly1305 (AEAD, 192-bit random nonces):
//!   every ID number and phone is stored sealed, its column's name bound in
//!   as associated data, so a value moved to another column does not open;
//! - an **index key** for the **blind index**: the first 16 bytes of
//!   HMAC-SHA256 over the value, hex encoded, stored where the raw value used
//!   to be. Equal values give equal indexes under one key, so lookup by
//!   phone, binding and the uniqueness rules (one active member per phone
//!   and per ID number) keep working on the index, without decrypting.
//!   Lock-out keys are keyed through the same HMAC.
//!
//! A sealed value is `1 | key id (u32, big-endian) | nonce (24) |
//! ciphertext + tag`. The `vault` table records which key the database is
//! under and a check value of that key, so opening with the wrong key is
//! `STORE_KEY_INVALID` rather than a store that silently finds nobody.
//!
//! Opening a store with a keyring (see [`crate::open_with`]):
//! - a **plaintext** database (no `vault` row; any size) is converted in
//!   place, in batches of [`BATCH`] rows per transaction; a run cut short
//!   resumes at the next open (rows still plaintext have no sealed value);
//! - a database under a **retired** key is re-sealed and re-indexed under
//!   the current key (rotation), the same way;
//! - lock-out counts restart at either step (their keys change).
//!
//! Opening without a keyring works only on a plaintext database (a
//! database that was sealed refuses with `STORE_KEY_INVALID`); values are
//! then stored as given, which is for tests and development only.

use ccsa_core::{Error, ErrorCode, Result};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use zeroize::Zeroizing;

type HmacSha256 = Hmac<Sha256>;

/// Rows converted per transaction when sealing or rotating in place.
pub const BATCH: usize = 2_000;

const VERSION: u8 = 1;
const HEADER: usize = 1 + 4 + 24;

/// The master keys of a store: one current (new values are sealed and
/// indexed with it) and any retired ones (kept only to open values sealed
/// before a rotation). The service supplies them, e.g. from its secret
/// manager; ccsa never writes a key anywhere.
///
/// `Debug` shows key ids, never key bytes; the bytes are wiped on drop.
///
/// ```
/// use ccsa_store::Keyring;
///
/// let keyring = Keyring::from_hex(2, &"2b".repeat(32))?
///     .with_retired(1, [7u8; 32]); // the key being rotated away from
/// assert_eq!(keyring.current_id(), 2);
/// assert_eq!(format!("{keyring:?}"), "Keyring { current: 2, retired: [1] }");
/// assert!(Keyring::from_hex(1, "abc").is_err());
/// # Ok::<(), ccsa_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Keyring {
    /// `(id, key)`, the current key first.
    keys: Vec<(u32, Arc<Zeroizing<[u8; 32]>>)>,
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keyring")
            .field("current", &self.current_id())
            .field(
                "retired",
                &self.keys[1..].iter().map(|(id, _)| *id).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Keyring {
    /// A keyring whose current key is `key`, with id `id` (any number the
    /// service uses to name its key versions).
    pub fn new(id: u32, key: [u8; 32]) -> Keyring {
        Keyring {
            keys: vec![(id, Arc::new(Zeroizing::new(key)))],
        }
    }

    /// [`Keyring::new`] from 64 hex digits; `STORE_KEY_INVALID` otherwise.
    pub fn from_hex(id: u32, hex: &str) -> Result<Keyring> {
        Ok(Keyring::new(id, parse_hex_key(hex)?))
    }

    /// [`Keyring::new`] from a byte slice (as the Python and app adapters
    /// receive keys); `STORE_KEY_INVALID` unless it is 32 bytes.
    pub fn from_slice(id: u32, key: &[u8]) -> Result<Keyring> {
        Ok(Keyring::new(id, key_bytes(key)?))
    }

    /// [`Keyring::with_retired`] from a byte slice; `STORE_KEY_INVALID`
    /// unless it is 32 bytes.
    pub fn with_retired_slice(self, id: u32, key: &[u8]) -> Result<Keyring> {
        Ok(self.with_retired(id, key_bytes(key)?))
    }

    /// Adds a retired key (to open values sealed under it; never used to
    /// seal). A retired key with the current key's id is ignored.
    pub fn with_retired(mut self, id: u32, key: [u8; 32]) -> Keyring {
        if self.keys.iter().all(|(k, _)| *k != id) {
            self.keys.push((id, Arc::new(Zeroizing::new(key))));
        }
        self
    }

    /// The id of the current key.
    pub fn current_id(&self) -> u32 {
        self.keys[0].0
    }
}

/// `STORE_KEY_INVALID` with a note saying why.
pub fn key_error(detail: &str) -> Error {
    Error::new(ErrorCode::StoreKeyInvalid).with_note(detail.to_string())
}

/// A 32-byte key from a slice.
fn key_bytes(key: &[u8]) -> Result<[u8; 32]> {
    key.try_into()
        .map_err(|_| key_error("数据库密钥应为32字节 (a key is 32 bytes)"))
}

/// 64 hex digits to 32 bytes.
fn parse_hex_key(hex: &str) -> Result<[u8; 32]> {
    let hex = hex.trim();
    if hex.len() != 64 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(key_error("a key is 64 hex digits (32 bytes)"));
    }
    let mut key = [0u8; 32];
    for (i, out) in key.iter_mut().enumerate() {
        *out = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).expect("checked hex");
    }
    Ok(key)
}

/// A column that holds sealed values: its name is the associated data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sealed {
    /// `members.phone_sealed`
    MemberPhone,
    /// `members.id_number_sealed`
    MemberIdNumber,
    /// `admins.phone_sealed`
    AdminPhone,
    /// `orgs.leader_phone_sealed`
    LeaderPhone,
    /// `orgs.liaison_phone_sealed`
    LiaisonPhone,
}

impl Sealed {
    fn aad(self) -> &'static [u8] {
        match self {
            Sealed::MemberPhone => b"ccsa:members.phone",
            Sealed::MemberIdNumber => b"ccsa:members.id_number",
            Sealed::AdminPhone => b"ccsa:admins.phone",
            Sealed::LeaderPhone => b"ccsa:orgs.leader_phone",
            Sealed::LiaisonPhone => b"ccsa:orgs.liaison_phone",
        }
    }
}

/// What a blind index is of: equal values of one kind give equal indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexed {
    /// Phones (members', admins', org contacts').
    Phone,
    /// ID numbers.
    IdNumber,
    /// Lock-out keys.
    LockKey,
}

impl Indexed {
    fn label(self) -> &'static [u8] {
        match self {
            Indexed::Phone => b"phone\0",
            Indexed::IdNumber => b"id_number\0",
            Indexed::LockKey => b"lock\0",
        }
    }
}

/// One master key's derived keys.
struct Derived {
    aead: XChaCha20Poly1305,
    index: HmacSha256,
    check: Vec<u8>,
}

impl Derived {
    fn new(master: &[u8; 32]) -> Derived {
        let derive = |label: &[u8]| {
            let mut m = <HmacSha256 as Mac>::new_from_slice(master).expect("any key length");
            m.update(label);
            Zeroizing::new(<[u8; 32]>::from(m.finalize().into_bytes()))
        };
        let aead_key = derive(b"ccsa vault v1: sealing key");
        let index_key = derive(b"ccsa vault v1: index key");
        let index =
            <HmacSha256 as Mac>::new_from_slice(index_key.as_slice()).expect("any key length");
        let mut c = index.clone();
        c.update(b"ccsa vault v1: key check");
        Derived {
            aead: XChaCha20Poly1305::new(aead_key.as_slice().into()),
            index,
            check: c.finalize().into_bytes()[..16].to_vec(),
        }
    }

    fn index(&self, kind: Indexed, value: &str) -> String {
        let mut m = self.index.clone();
        m.update(kind.label());
        m.update(value.as_bytes());
        crate::codec::hex_of(&m.finalize().into_bytes()[..16])
    }
}

/// The store's sealing and indexing, or the identity when it has no key.
#[derive(Clone, Default)]
pub struct Vault {
    keys: Option<Arc<Keys>>,
}

struct Keys {
    current: u32,
    by_id: HashMap<u32, Derived>,
}

impl fmt::Debug for Vault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.keys {
            None => f.write_str("Vault(plaintext)"),
            Some(k) => write!(f, "Vault(key {})", k.current),
        }
    }
}

impl Vault {
    /// The vault of a keyring (`None`: plaintext).
    pub fn new(keyring: Option<&Keyring>) -> Vault {
        Vault {
            keys: keyring.map(|k| {
                Arc::new(Keys {
                    current: k.current_id(),
                    by_id: k
                        .keys
                        .iter()
                        .map(|(id, key)| (*id, Derived::new(key)))
                        .collect(),
                })
            }),
        }
    }

    /// The current key's id and check value.
    pub fn current(&self) -> Option<(u32, Vec<u8>)> {
        self.keys
            .as_ref()
            .map(|k| (k.current, k.by_id[&k.current].check.clone()))
    }

    /// Whether the keyring holds key `id` and `check` is its check value.
    pub fn holds(&self, id: u32, check: &[u8]) -> bool {
        self.keys
            .as_ref()
            .and_then(|k| k.by_id.get(&id))
            .is_some_and(|d| d.check == check)
    }

    /// The text stored in a value's column: its blind index under the
    /// current key, or the value itself without a key.
    pub fn index(&self, kind: Indexed, value: &str) -> String {
        match &self.keys {
            None => value.to_string(),
            Some(k) => k.by_id[&k.current].index(kind, value),
        }
    }

    /// The sealed form of a value (`None` without a key).
    pub fn seal(&self, column: Sealed, value: &str) -> Option<Vec<u8>> {
        let k = self.keys.as_ref()?;
        // 192 random bits from the thread's CSPRNG (seeded and reseeded
        // from the OS): collisions are out of reach, and no system call
        // per value.
        let nonce = XNonce::from(rand::random::<[u8; 24]>());
        let ct = k.by_id[&k.current]
            .aead
            .encrypt(
                &nonce,
                Payload {
                    msg: value.as_bytes(),
                    aad: column.aad(),
                },
            )
            .expect("XChaCha20-Poly1305 seals any short message");
        let mut out = Vec::with_capacity(HEADER + ct.len());
        out.push(VERSION);
        out.extend_from_slice(&k.current.to_be_bytes());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Some(out)
    }

    /// The key id a sealed value is under.
    pub fn key_of(sealed: &[u8]) -> Option<u32> {
        (sealed.len() > HEADER && sealed[0] == VERSION)
            .then(|| u32::from_be_bytes(sealed[1..5].try_into().expect("4 bytes")))
    }

    /// A value read back: opened from `sealed` when present, else the
    /// column's own text (a row not sealed yet, or a store without a key).
    pub fn reveal(&self, column: Sealed, sealed: Option<&[u8]>, text: String) -> Result<String> {
        let Some(sealed) = sealed else {
            return Ok(text);
        };
        let keys = self
            .keys
            .as_ref()
            .ok_or_else(|| key_error("sealed values need the store's keyring"))?;
        let id = Vault::key_of(sealed).ok_or_else(|| Error::storage("corrupt sealed value"))?;
        let d = keys.by_id.get(&id).ok_or_else(|| {
            key_error(&format!(
                "a value is sealed under key {id}, which the keyring lacks"
            ))
        })?;
        let plain = d
            .aead
            .decrypt(
                XNonce::from_slice(&sealed[5..HEADER]),
                Payload {
                    msg: &sealed[HEADER..],
                    aad: column.aad(),
                },
            )
            .map_err(|_| {
                Error::storage(
                    "a sealed value does not open (altered, or moved from another column)",
                )
            })?;
        String::from_utf8(plain).map_err(|_| Error::storage("corrupt sealed value"))
    }

    /// [`Vault::reveal`] for a nullable column pair.
    pub fn reveal_opt(
        &self,
        column: Sealed,
        sealed: Option<&[u8]>,
        text: Option<String>,
    ) -> Result<Option<String>> {
        match (sealed, text) {
            (None, None) => Ok(None),
            (s, t) => self.reveal(column, s, t.unwrap_or_default()).map(Some),
        }
    }
}

/// A table's sealed columns: `(text column, sealed column, what, index)`.
pub struct SealedTable {
    /// The table.
    pub table: &'static str,
    /// Its pairs of columns.
    pub columns: &'static [(&'static str, &'static str, Sealed, Indexed)],
}

/// Every column pair that holds an ID number or a phone.
pub const SEALED_TABLES: [SealedTable; 3] = [
    SealedTable {
        table: "members",
        columns: &[
            (
                "id_number",
                "id_number_sealed",
                Sealed::MemberIdNumber,
                Indexed::IdNumber,
            ),
            ("phone", "phone_sealed", Sealed::MemberPhone, Indexed::Phone),
        ],
    },
    SealedTable {
        table: "admins",
        columns: &[("phone", "phone_sealed", Sealed::AdminPhone, Indexed::Phone)],
    },
    SealedTable {
        table: "orgs",
        columns: &[
            (
                "leader_phone",
                "leader_phone_sealed",
                Sealed::LeaderPhone,
                Indexed::Phone,
            ),
            (
                "liaison_phone",
                "liaison_phone_sealed",
                Sealed::LiaisonPhone,
                Indexed::Phone,
            ),
        ],
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    fn vault(id: u32, b: u8) -> Vault {
        Vault::new(Some(&Keyring::new(id, [b; 32])))
    }

    #[test]
    fn seals_opens_and_binds_the_column() {
        let v = vault(1, 1);
        let s = v.seal(Sealed::MemberPhone, "13800138000").unwrap();
        assert_eq!(Vault::key_of(&s), Some(1));
        assert!(!String::from_utf8_lossy(&s).contains("13800138000"));
        assert_eq!(
            v.reveal(Sealed::MemberPhone, Some(&s), String::new())
                .unwrap(),
            "13800138000"
        );
        // Random nonces: sealing twice gives different bytes.
        assert_ne!(s, v.seal(Sealed::MemberPhone, "13800138000").unwrap());
        // Another column's associated data: does not open.
        assert!(
            v.reveal(Sealed::AdminPhone, Some(&s), String::new())
                .is_err()
        );
        // One flipped bit anywhere: does not open.
        for i in 0..s.len() {
            let mut t = s.clone();
            t[i] ^= 1;
            assert!(
                v.reveal(Sealed::MemberPhone, Some(&t), String::new())
                    .is_err(),
                "byte {i}"
            );
        }
        // Another key: does not open; a plaintext vault cannot open at all.
        let e = vault(1, 2)
            .reveal(Sealed::MemberPhone, Some(&s), String::new())
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::Storage);
        let e = Vault::default()
            .reveal(Sealed::MemberPhone, Some(&s), String::new())
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::StoreKeyInvalid);
        // Unsealed rows read their column.
        assert_eq!(
            v.reveal(Sealed::MemberPhone, None, "x".into()).unwrap(),
            "x"
        );
    }

    #[test]
    fn blind_indexes_are_keyed_deterministic_and_typed() {
        let (a, b) = (vault(1, 1), vault(1, 2));
        let i = a.index(Indexed::Phone, "13800138000");
        assert_eq!(i, a.index(Indexed::Phone, "13800138000"));
        assert_eq!(i.len(), 32);
        assert!(i.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(i, a.index(Indexed::Phone, "13800138001"));
        assert_ne!(i, a.index(Indexed::IdNumber, "13800138000"));
        assert_ne!(i, b.index(Indexed::Phone, "13800138000"));
        assert_eq!(Vault::default().index(Indexed::Phone, "138"), "138");
    }

    #[test]
    fn rotation_opens_old_values_and_seals_under_the_new_key() {
        let old = vault(1, 1);
        let s = old
            .seal(Sealed::MemberIdNumber, "110105199003071239")
            .unwrap();
        let both = Vault::new(Some(&Keyring::new(2, [2; 32]).with_retired(1, [1; 32])));
        assert_eq!(
            both.reveal(Sealed::MemberIdNumber, Some(&s), String::new())
                .unwrap(),
            "110105199003071239"
        );
        let n = both
            .seal(Sealed::MemberIdNumber, "110105199003071239")
            .unwrap();
        assert_eq!(Vault::key_of(&n), Some(2));
        let (id, check) = both.current().unwrap();
        assert_eq!(id, 2);
        assert!(both.holds(2, &check) && !both.holds(1, &check));
        assert!(both.holds(1, &old.current().unwrap().1));
        assert_eq!(
            both.index(Indexed::Phone, "1"),
            vault(2, 2).index(Indexed::Phone, "1")
        );
    }

    #[test]
    fn keys_parse_from_hex_only() {
        assert!(Keyring::from_hex(1, &"0f".repeat(32)).is_ok());
        assert!(Keyring::from_slice(1, &[0; 32]).is_ok());
        for bad in [&[0u8; 5][..], &[0; 33]] {
            assert_eq!(
                Keyring::from_slice(1, bad).unwrap_err().code(),
                ErrorCode::StoreKeyInvalid
            );
            let ring = Keyring::new(1, [0; 32]);
            assert_eq!(
                ring.with_retired_slice(2, bad).unwrap_err().code(),
                ErrorCode::StoreKeyInvalid
            );
        }
        for bad in ["", "0f", &"0g".repeat(32), &"0f".repeat(33)] {
            assert_eq!(
                Keyring::from_hex(1, bad).unwrap_err().code(),
                ErrorCode::StoreKeyInvalid
            );
        }
    }
}
