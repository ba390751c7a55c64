//! Time is injected: rules ask a [`Clock`], never the system.
//!
//! The campaign runs on Beijing time (UTC+8, no daylight saving), so "today"
//! for a trainee is the calendar date in `Asia/Shanghai`, whatever the
//! server's zone. Tests use [`ManualClock`] to move time by hand.
//!
//! ```
//! use ccsa_core::clock::{Clock, ManualClock};
//! use chrono::NaiveDate;
//!
//! // 2020-03-01 17:30 UTC is already 2020-03-02 in Beijing.
//! let clock = ManualClock::at_rfc3339("2020-03-01T17:30:00Z");
//! assert_eq!(clock.today(), NaiveDate::from_ymd_opt(2020, 3, 2).unwrap());
//! ```

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use parking_lot::Mutex;

/// The campaign's time zone: China Standard Time, UTC+08:00.
pub fn china_offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// A source of the current instant.
pub trait Clock: Send + Sync {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;

    /// The offset that defines calendar days (default: UTC+8, Asia/Shanghai).
    fn offset(&self) -> FixedOffset {
        china_offset()
    }

    /// Today's date in [`Clock::offset`].
    fn today(&self) -> NaiveDate {
        self.now().with_timezone(&self.offset()).date_naive()
    }
}

/// The real clock, for production embedding.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock set and advanced by hand (tests, simulations).
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
    offset: FixedOffset,
}

impl ManualClock {
    /// A clock stopped at `now`, with days in UTC+8.
    pub fn new(now: DateTime<Utc>) -> Self {
        ManualClock {
            now: Mutex::new(now),
            offset: china_offset(),
        }
    }

    /// A clock stopped at an RFC 3339 instant. Panics on a malformed literal
    /// (it is meant for tests and examples with constant input).
    pub fn at_rfc3339(s: &str) -> Self {
        let t = DateTime::parse_from_rfc3339(s)
            .expect("ManualClock::at_rfc3339 needs an RFC 3339 literal")
            .with_timezone(&Utc);
        ManualClock::new(t)
    }

    /// A clock at 09:00 Beijing time on `date`.
    pub fn at_beijing_morning(date: NaiveDate) -> Self {
        ManualClock::new(beijing_time(date, 9, 0))
    }

    /// Uses another offset for calendar days.
    pub fn with_offset(mut self, offset: FixedOffset) -> Self {
        self.offset = offset;
        self
    }

    /// Sets the current instant.
    pub fn set(&self, now: DateTime<Utc>) {
        *self.now.lock() = now;
    }

    /// Moves the clock forward (or backward, with a negative duration).
    pub fn advance(&self, by: Duration) {
        let mut g = self.now.lock();
        *g += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock()
    }
    fn offset(&self) -> FixedOffset {
        self.offset
    }
}

/// The UTC instant of `hour:minute` Beijing time on `date`.
pub fn beijing_time(date: NaiveDate, hour: u32, minute: u32) -> DateTime<Utc> {
    date.and_hms_opt(hour, minute, 0)
        .expect("hour < 24 and minute < 60")
        .and_local_timezone(china_offset())
        .single()
        .expect("a fixed offset has exactly one mapping")
        .with_timezone(&Utc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_follow_beijing_time() {
        let c = ManualClock::at_rfc3339("2020-03-31T15:59:59Z");
        assert_eq!(c.today(), NaiveDate::from_ymd_opt(2020, 3, 31).unwrap());
        c.advance(Duration::seconds(1));
        assert_eq!(c.today(), NaiveDate::from_ymd_opt(2020, 4, 1).unwrap());
        let utc = ManualClock::at_rfc3339("2020-03-31T16:00:00Z")
            .with_offset(FixedOffset::east_opt(0).unwrap());
        assert_eq!(utc.today(), NaiveDate::from_ymd_opt(2020, 3, 31).unwrap());
    }

    #[test]
    fn beijing_morning_is_one_am_utc() {
        let d = NaiveDate::from_ymd_opt(2020, 5, 1).unwrap();
        assert_eq!(
            beijing_time(d, 9, 0).to_rfc3339(),
            "2020-05-01T01:00:00+00:00"
        );
    }
}
