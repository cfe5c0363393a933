//! Time as the emulator sees it: the system clock, or a manual clock that moves only when a test
//! says so (TTL expiry then happens exactly when the test decides).

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The emulator's one source of time (see the module doc for why).
pub enum Clock {
    /// The machine's wall clock.
    System,
    /// Milliseconds since the epoch.
    Manual(AtomicI64),
}

impl Clock {
    /// A manual clock standing at `start`.
    pub fn manual(start: SystemTime) -> Clock {
        Clock::Manual(AtomicI64::new(millis(start)))
    }

    /// Now, in milliseconds since the Unix epoch.
    pub fn now_millis(&self) -> i64 {
        match self {
            Clock::System => millis(SystemTime::now()),
            Clock::Manual(ms) => ms.load(Ordering::SeqCst),
        }
    }

    /// Seconds with millisecond precision, the form DynamoDB uses for timestamps on the wire.
    pub fn now_seconds(&self) -> f64 {
        self.now_millis() as f64 / 1000.0
    }

    /// Moves a manual clock forward, at most to [`LATEST_MILLIS`]; returns `false`, not moving,
    /// for the system clock or a move past that.
    pub fn advance(&self, by: std::time::Duration) -> bool {
        match self {
            Clock::System => false,
            Clock::Manual(ms) => {
                let by = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
                let moved = |now: i64| now.checked_add(by).filter(|t| *t <= LATEST_MILLIS);
                ms.fetch_update(Ordering::SeqCst, Ordering::SeqCst, moved).is_ok()
            }
        }
    }
}

/// The last instant an HTTP `Date` header can show (9999-12-31T23:59:59.999Z): a manual clock
/// stops there, since every answer carries the time.
pub const LATEST_MILLIS: i64 = 253_402_300_799_999;

fn millis(t: SystemTime) -> i64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Day count since 1970-01-01 of a Gregorian date; the inverse of [`civil_from_days`].
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let (era, yoe) = (y.div_euclid(400), y.rem_euclid(400));
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

/// The UTC calendar fields of `ms`: year, month, day, hour, minute, second.
pub(crate) fn utc_fields(ms: i64) -> (i64, i64, i64, i64, i64, i64) {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    (y, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
}

/// `YYYYMMDDTHHMMSSZ`, ISO 8601's basic format, as SigV4 writes times.
pub(crate) fn basic_iso8601(ms: i64) -> String {
    let (y, m, d, h, min, s) = utc_fields(ms);
    format!("{y:04}{m:02}{d:02}T{h:02}{min:02}{s:02}Z")
}

/// `YYYY-MM-DDTHH:MM:SSZ`, ISO 8601's extended format, as IAM gives `aws:CurrentTime`.
pub(crate) fn extended_iso8601(ms: i64) -> String {
    let (y, m, d, h, min, s) = utc_fields(ms);
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{min:02}:{s:02}Z")
}

/// Milliseconds since the epoch of a time in one of the W3C profile's ISO 8601 forms (IAM's
/// date format): `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, or a full date with `Thh:mm`, `Thh:mm:ss` or
/// `Thh:mm:ss.s…` and a zone (`Z` or `±hh:mm`). Fractions finer than a millisecond are dropped.
pub(crate) fn parse_w3c_datetime(s: &str) -> Option<i64> {
    let num = |t: &str, len: usize| -> Option<i64> {
        (t.len() == len && t.bytes().all(|c| c.is_ascii_digit())).then(|| t.parse().ok())?
    };
    let (date, time) = match s.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (s, None),
    };
    let mut parts = date.split('-');
    let y = num(parts.next()?, 4)?;
    let m = parts.next().map_or(Some(1), |p| num(p, 2))?;
    let d = parts.next().map_or(Some(1), |p| num(p, 2))?;
    let days = days_from_civil(y, m, d);
    if parts.next().is_some() || !(1..=12).contains(&m) || civil_from_days(days) != (y, m, d) {
        return None;
    }
    let Some(time) = time else {
        return Some(days * 86_400_000);
    };
    if date.len() != 10 {
        return None;
    }
    let (clock, offset_minutes) = match time.strip_suffix('Z') {
        Some(clock) => (clock, 0),
        None => {
            let at = time.rfind(['+', '-'])?;
            let (h, min) = time[at + 1..].split_once(':')?;
            let (h, min) = (num(h, 2)?, num(min, 2)?);
            if h > 23 || min > 59 {
                return None;
            }
            let sign = if time.as_bytes()[at] == b'-' { -1 } else { 1 };
            (&time[..at], sign * (h * 60 + min))
        }
    };
    let (clock, fraction) = match clock.split_once('.') {
        Some((clock, fraction)) if !fraction.is_empty() && fraction.bytes().all(|c| c.is_ascii_digit()) => {
            (clock, format!("{fraction:0<3}")[..3].parse::<i64>().ok()?)
        }
        Some(_) => return None,
        None => (clock, 0),
    };
    let mut fields = clock.split(':');
    let h = num(fields.next()?, 2)?;
    let min = num(fields.next()?, 2)?;
    let sec = fields.next().map_or(Some(0), |p| num(p, 2))?;
    if fields.next().is_some() || h > 23 || min > 59 || sec > 59 || (fraction > 0 && clock.len() != 8) {
        return None;
    }
    Some(days * 86_400_000 + ((h * 60 + min - offset_minutes) * 60 + sec) * 1000 + fraction)
}

/// Milliseconds since the epoch of a [`basic_iso8601`] time; `None` unless it is exactly that form
/// and a real date and time.
pub(crate) fn parse_basic_iso8601(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| -> Option<i64> {
        let part = s.get(r)?;
        part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse().ok())?
    };
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let (y, m, d) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let (h, min, sec) = (digits(9..11)?, digits(11..13)?, digits(13..15)?);
    let days = days_from_civil(y, m, d);
    let valid = (1..=12).contains(&m) && civil_from_days(days) == (y, m, d) && h < 24 && min < 60 && sec < 60;
    valid.then_some(((days * 86_400) + h * 3600 + min * 60 + sec) * 1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_latest_instant_is_the_last_millisecond_of_9999() {
        assert_eq!(days_from_civil(10_000, 1, 1) * 86_400_000 - 1, LATEST_MILLIS);
        let clock = Clock::manual(UNIX_EPOCH + std::time::Duration::from_millis(LATEST_MILLIS as u64 - 1));
        assert!(clock.advance(std::time::Duration::from_millis(1)));
        assert!(!clock.advance(std::time::Duration::from_millis(1)));
        assert!(!clock.advance(std::time::Duration::MAX));
        assert_eq!(clock.now_millis(), LATEST_MILLIS);
    }

    #[test]
    fn dates_from_day_counts_and_back() {
        for (days, date) in [(0, (1970, 1, 1)), (19_723, (2024, 1, 1)), (11_016, (2000, 2, 29))] {
            assert_eq!(civil_from_days(days), date);
            assert_eq!(days_from_civil(date.0, date.1, date.2), days);
        }
    }

    #[test]
    fn w3c_datetimes_in_every_documented_form() {
        let day = 1_774_828_800_000; // 2026-03-30
        assert_eq!(extended_iso8601(day + 245_000), "2026-03-30T00:04:05Z");
        for (text, ms) in [
            ("2026", 1_767_225_600_000),
            ("2026-03", 1_772_323_200_000),
            ("2026-03-30", day),
            ("2026-03-30T00:04Z", day + 240_000),
            ("2026-03-30T00:04:05Z", day + 245_000),
            ("2026-03-30T00:04:05.25Z", day + 245_250),
            ("2026-03-30T02:04:05+02:00", day + 245_000),
            ("2026-03-29T23:04:05-01:00", day + 245_000),
        ] {
            assert_eq!(parse_w3c_datetime(text), Some(ms), "{text}");
        }
        for bad in [
            "",
            "26-03-30",
            "2026-02-30",
            "2026-13",
            "2026-03-30T00:04:05",
            "2026-03-30T24:00Z",
            "2026-03T00:00Z",
            "2026-03-30T00:04:05.Z",
            "2026-03-30T00:04:05+2:00",
            "20260330T000405Z",
        ] {
            assert_eq!(parse_w3c_datetime(bad), None, "{bad}");
        }
    }

    #[test]
    fn basic_iso8601_round_trips_and_refuses_other_forms() {
        let ms = 1_774_829_045_000;
        assert_eq!(basic_iso8601(ms), "20260330T000405Z");
        assert_eq!(parse_basic_iso8601("20260330T000405Z"), Some(ms));
        for bad in [
            "20260330T000405",
            "2026-03-30T00:04:05Z",
            "20260230T000405Z",
            "20261330T000405Z",
            "20260330T240000Z",
            "2026033OT000405Z",
            "+0260330T000405Z",
        ] {
            assert_eq!(parse_basic_iso8601(bad), None, "{bad}");
        }
    }
}
