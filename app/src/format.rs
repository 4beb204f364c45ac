//! How times and money read on the pages. Plain functions, unit-tested.

use domain::billing::format_cents;
use domain::Timestamp;

/// `2026-11-23 14:05` (UTC), for tables.
pub fn short_time(at: Timestamp) -> String {
    let text = at.to_string();
    format!("{} {}", &text[..10], &text[11..16])
}

/// `2026-11-23` (UTC).
pub fn date(at: Timestamp) -> String {
    at.to_string()[..10].to_owned()
}

/// "in 7 days", "in 3 hours", "expired": rounded up, as people say it of
/// something that just started.
pub fn time_left(until: Timestamp, now: Timestamp) -> String {
    let seconds = (until.as_millis() - now.as_millis()) / 1000;
    let up = |unit: i64| (seconds + unit - 1) / unit;
    match seconds {
        s if s <= 0 => "expired".to_owned(),
        s if s < 3600 => format!("in {} minutes", up(60)),
        s if s < 86_400 => format!("in {} hours", up(3600)),
        _ => format!("in {} days", up(86_400)),
    }
}

/// "just now", "5 minutes ago", "3 hours ago", "2 days ago": how long before
/// `now` something happened, rounded down.
pub fn ago(at: Timestamp, now: Timestamp) -> String {
    let seconds = (now.as_millis() - at.as_millis()) / 1000;
    let (n, unit) = match seconds {
        s if s < 60 => return "just now".to_owned(),
        s if s < 3600 => (s / 60, "minute"),
        s if s < 86_400 => (s / 3600, "hour"),
        s => (s / 86_400, "day"),
    };
    format!("{n} {unit}{} ago", if n == 1 { "" } else { "s" })
}

/// Money as shown: `€25.00`.
pub fn money(cents: i64) -> String {
    format!("€{}", format_cents(cents))
}

/// The start of the UTC day `days_after` the date `2026-11-23` (a date
/// input's value), as RFC 3339; `None` for anything else.
pub fn day_start(date: &str, days_after: i64) -> Option<String> {
    let at: Timestamp = format!("{date}T00:00:00Z").parse().ok()?;
    Some(at.plus_seconds(days_after * 86_400).to_string())
}

/// "Name (email)", how people are named in pickers and logs.
pub fn person(name: &str, email: &str) -> String {
    format!("{name} ({email})")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().unwrap()
    }

    #[test]
    fn times_read_to_the_minute_and_the_day() {
        assert_eq!(
            short_time(at("2026-11-23T14:05:59.123Z")),
            "2026-11-23 14:05"
        );
        assert_eq!(date(at("2026-11-23T23:59:59Z")), "2026-11-23");
    }

    #[test]
    fn time_left_reads_like_a_person_says_it() {
        let at = |s: i64| Timestamp::from_millis(s * 1000);
        assert_eq!(time_left(at(0), at(5)), "expired");
        assert_eq!(time_left(at(120), at(0)), "in 2 minutes");
        assert_eq!(time_left(at(7200), at(0)), "in 2 hours");
        assert_eq!(time_left(at(7 * 86_400), at(0)), "in 7 days");
        assert_eq!(time_left(at(7 * 86_400), at(3)), "in 7 days");
        assert_eq!(time_left(at(86_400 + 1), at(0)), "in 2 days");
    }

    #[test]
    fn ago_reads_like_a_person_says_it() {
        let at = |s: i64| Timestamp::from_millis(s * 1000);
        assert_eq!(ago(at(0), at(59)), "just now");
        assert_eq!(ago(at(0), at(60)), "1 minute ago");
        assert_eq!(ago(at(0), at(150)), "2 minutes ago");
        assert_eq!(ago(at(0), at(3 * 3600 + 5)), "3 hours ago");
        assert_eq!(ago(at(0), at(86_400)), "1 day ago");
        assert_eq!(ago(at(10), at(0)), "just now");
    }

    #[test]
    fn money_is_euros_with_cents() {
        assert_eq!(money(5000), "€50.00");
        assert_eq!(money(1), "€0.01");
    }

    #[test]
    fn a_date_input_becomes_the_start_of_its_utc_day() {
        assert_eq!(
            day_start("2026-11-23", 0).as_deref(),
            Some("2026-11-23T00:00:00Z")
        );
        assert_eq!(
            day_start("2026-11-23", 1).as_deref(),
            Some("2026-11-24T00:00:00Z")
        );
        assert_eq!(day_start("", 0), None);
        assert_eq!(day_start("23.11.2026", 0), None);
    }

    #[test]
    fn people_are_named_with_their_email() {
        assert_eq!(
            person("Tess Tech", "tess@acme.test"),
            "Tess Tech (tess@acme.test)"
        );
    }
}
