//! Points in time as milliseconds since the Unix epoch, written as RFC 3339 UTC.
//!
//! `domain` never reads a clock: callers pass `now` in. This small type keeps the
//! browser build free of a date library.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A UTC instant with millisecond precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = DateTime))]
pub struct Timestamp(i64);

/// Why a text is not an RFC 3339 time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidTimestamp;

impl fmt::Display for InvalidTimestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("must be an RFC 3339 time, like 2026-01-31T12:00:00Z")
    }
}

const MS_PER_DAY: i64 = 86_400_000;

impl Timestamp {
    /// The instant `millis` milliseconds after 1970-01-01T00:00:00Z.
    pub const fn from_millis(millis: i64) -> Self {
        Self(millis)
    }

    /// Milliseconds since the Unix epoch.
    pub const fn as_millis(self) -> i64 {
        self.0
    }

    /// This instant plus `millis` milliseconds.
    pub const fn plus_millis(self, millis: i64) -> Self {
        Self(self.0 + millis)
    }

    /// This instant plus `seconds` seconds.
    pub const fn plus_seconds(self, seconds: i64) -> Self {
        Self(self.0 + seconds * 1000)
    }
}

// Howard Hinnant's civil-from-days and days-from-civil algorithms.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0.div_euclid(MS_PER_DAY);
        let ms_of_day = self.0.rem_euclid(MS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        let (h, m, s, ms) = (
            ms_of_day / 3_600_000,
            ms_of_day / 60_000 % 60,
            ms_of_day / 1000 % 60,
            ms_of_day % 1000,
        );
        write!(f, "{year:04}-{month:02}-{day:02}T{h:02}:{m:02}:{s:02}")?;
        if ms != 0 {
            write!(f, ".{ms:03}")?;
        }
        f.write_str("Z")
    }
}

impl FromStr for Timestamp {
    type Err = InvalidTimestamp;

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let b = s.as_bytes();
        let num = |range: std::ops::Range<usize>| -> Result<i64, InvalidTimestamp> {
            let part = b.get(range).ok_or(InvalidTimestamp)?;
            if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
                return Err(InvalidTimestamp);
            }
            Ok(part.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0')))
        };
        let sep = |i: usize, allowed: &[u8]| match b.get(i) {
            Some(c) if allowed.contains(c) => Ok(()),
            _ => Err(InvalidTimestamp),
        };
        let year = num(0..4)?;
        sep(4, b"-")?;
        let month = num(5..7)? as u32;
        sep(7, b"-")?;
        let day = num(8..10)? as u32;
        sep(10, b"Tt ")?;
        let (h, m, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
        sep(13, b":")?;
        sep(16, b":")?;
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return Err(InvalidTimestamp);
        }
        if h > 23 || m > 59 || sec > 60 {
            return Err(InvalidTimestamp);
        }
        let mut i = 19;
        let mut millis = 0;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            i = start;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
            if i == start {
                return Err(InvalidTimestamp);
            }
            let digits = &b[start..i.min(start + 3)];
            millis = digits.iter().fold(0, |n, d| n * 10 + i64::from(d - b'0'))
                * 10_i64.pow(3 - digits.len() as u32);
        }
        let offset_minutes = match b.get(i) {
            Some(b'Z' | b'z') if b.len() == i + 1 => 0,
            Some(sign @ (b'+' | b'-')) if b.len() == i + 6 => {
                sep(i + 3, b":")?;
                let (oh, om) = (num(i + 1..i + 3)?, num(i + 4..i + 6)?);
                if oh > 23 || om > 59 {
                    return Err(InvalidTimestamp);
                }
                let minutes = oh * 60 + om;
                if *sign == b'+' {
                    minutes
                } else {
                    -minutes
                }
            }
            _ => return Err(InvalidTimestamp),
        };
        let days = days_from_civil(year, month, day);
        let seconds = days * 86_400 + h * 3600 + m * 60 + sec.min(59) - offset_minutes * 60;
        Ok(Self(seconds * 1000 + millis))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[track_caller]
    fn check(text: &str, millis: i64) {
        assert_eq!(
            text.parse::<Timestamp>(),
            Ok(Timestamp::from_millis(millis)),
            "{text}"
        );
    }

    #[test]
    fn known_instants_are_written_in_rfc_3339() {
        assert_eq!(
            Timestamp::from_millis(0).to_string(),
            "1970-01-01T00:00:00Z"
        );
        assert_eq!(
            Timestamp::from_millis(1_795_000_000_123).to_string(),
            "2026-11-18T11:06:40.123Z"
        );
        assert_eq!(
            Timestamp::from_millis(-1).to_string(),
            "1969-12-31T23:59:59.999Z"
        );
    }

    #[test]
    fn rfc_3339_variants_are_parsed() {
        check("1970-01-01T00:00:00Z", 0);
        check("2026-11-18T11:06:40.123Z", 1_795_000_000_123);
        check("2026-11-18T12:06:40.123+01:00", 1_795_000_000_123);
        check("2026-11-18T11:06:40.1234567Z", 1_795_000_000_123);
        check("2024-02-29T00:00:00Z", 1_709_164_800_000);
    }

    #[test]
    fn malformed_times_are_refused() {
        for text in [
            "",
            "2026-11-18",
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2026-11-18T24:00:00Z",
            "2026-11-18T08:26:40",
            "2026-11-18T08:26:40.Z",
            "2026-11-18T08:26:40Zjunk",
            "2026-11-18T08:26:40+0100",
            "２026-11-18T08:26:40Z",
        ] {
            assert_eq!(text.parse::<Timestamp>(), Err(InvalidTimestamp), "{text}");
        }
    }

    proptest! {
        #[test]
        fn written_times_parse_back_to_the_same_instant(millis in -62_135_596_800_000_i64..253_402_300_799_999) {
            let t = Timestamp::from_millis(millis);
            prop_assert_eq!(t.to_string().parse::<Timestamp>(), Ok(t));
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(text in "\\PC{0,40}") {
            let _ = text.parse::<Timestamp>();
        }
    }
}
