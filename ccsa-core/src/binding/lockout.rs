//! Lock-outs after repeated failures (binding, admin login).

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};

/// What failures are counted against. Phones and login names reach the
/// store only as a digest ([`LockKey::storage_key`]), never raw; a store
/// that holds a key (ccsa-store with a `Keyring`) keys that digest again
/// with HMAC before writing it, so the 10^11 possible phones cannot be
/// tried against it offline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockKey {
    /// Binding attempts by one app user.
    AppUser(String),
    /// Binding attempts naming one phone (any app user).
    Phone(String),
    /// Admin login attempts for one login name.
    Login(String),
}

impl LockKey {
    /// The key under which the store counts failures: a kind prefix and the
    /// first 16 bytes of SHA-256 of the value, hex encoded.
    pub fn storage_key(&self) -> String {
        let (kind, v) = match self {
            LockKey::AppUser(v) => ("app", v),
            LockKey::Phone(v) => ("phone", v),
            LockKey::Login(v) => ("login", v),
        };
        let d = Sha256::digest(format!("ccsa-lock:{kind}:{v}").as_bytes());
        let mut s = String::with_capacity(40);
        s.push_str(kind);
        s.push(':');
        for b in &d[..16] {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }
}

/// Lock-out policy: at most `max_failures` failures per key in a sliding
/// `window`; the next attempt is refused with `LOCKED_UNTIL` until enough of
/// them have aged out. Default: 5 per hour (binding and login).
///
/// ```
/// use ccsa_core::binding::Lockout;
/// use chrono::{DateTime, Duration, Utc};
///
/// let policy = Lockout::default();
/// let t0 = DateTime::<Utc>::UNIX_EPOCH;
/// let fails: Vec<_> = (0..5).map(|i| t0 + Duration::minutes(i)).collect();
/// // Locked until the oldest failure is an hour old:
/// assert_eq!(policy.locked_until(&fails, t0 + Duration::minutes(10)), Some(t0 + Duration::hours(1)));
/// assert_eq!(policy.locked_until(&fails[1..], t0 + Duration::minutes(10)), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lockout {
    /// Failures allowed in the window.
    pub max_failures: u32,
    /// The sliding window.
    pub window: Duration,
}

impl Default for Lockout {
    fn default() -> Self {
        Lockout {
            max_failures: 5,
            window: Duration::hours(1),
        }
    }
}

impl Lockout {
    /// Start of the window that matters at `now`.
    pub fn window_start(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.window
    }

    /// Given failure times (any order) for one key, when the key unlocks, or
    /// `None` if an attempt is allowed now.
    pub fn locked_until(
        &self,
        failures: &[DateTime<Utc>],
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        let start = self.window_start(now);
        let mut recent: Vec<_> = failures
            .iter()
            .copied()
            .filter(|t| *t > start && *t <= now)
            .collect();
        let max = self.max_failures.max(1) as usize;
        if recent.len() < max {
            return None;
        }
        recent.sort_unstable();
        // Unlocks when the count in the window drops below max: when the
        // (len - max + 1)-th oldest failure ages out.
        Some(recent[recent.len() - max] + self.window)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_hide_values() {
        let k = LockKey::Phone("13800138000".into()).storage_key();
        assert!(k.starts_with("phone:") && !k.contains("13800138000") && k.len() == 6 + 32);
        assert_ne!(k, LockKey::AppUser("13800138000".into()).storage_key());
    }

    #[test]
    fn sliding_window() {
        let p = Lockout::default();
        let t0 = DateTime::<Utc>::UNIX_EPOCH + Duration::days(1);
        let f: Vec<_> = (0..7).map(|i| t0 + Duration::minutes(i * 5)).collect();
        let now = t0 + Duration::minutes(31);
        // 7 failures: unlocks when only 4 remain, i.e. when the 3rd oldest ages out.
        assert_eq!(p.locked_until(&f, now), Some(f[2] + Duration::hours(1)));
        assert_eq!(p.locked_until(&f, t0 + Duration::hours(3)), None);
        assert_eq!(p.locked_until(&f[..4], now), None);
        let zero = Lockout {
            max_failures: 0,
            ..p
        };
        assert_eq!(
            zero.locked_until(&[], now),
            None,
            "no panic on a zero policy"
        );
        assert!(zero.locked_until(&f[..1], now).is_some());
    }
}
