//! The activity log (SPEC §8): event types, the list's filters, and the export
//! formats. Entries are written by the server in the transaction of the change
//! they record; nothing edits or deletes them.

use crate::error::FieldError;
use crate::ids::UserId;
use crate::time::Timestamp;
use std::borrow::Cow;

/// Every event type the server writes, with a label for people.
pub const EVENTS: &[(&str, &str)] = &[
    ("account.created", "Account created"),
    ("org.created", "Organization created"),
    ("org.updated", "Details changed"),
    ("org.deleted", "Organization deleted"),
    ("org.ownership_transferred", "Ownership transferred"),
    ("plan.changed", "Plan changed"),
    ("funds.added", "Funds added"),
    ("member.invited", "Member invited"),
    ("member.invitation_resent", "Invitation resent"),
    ("member.invitation_revoked", "Invitation revoked"),
    ("member.invitation_declined", "Invitation declined"),
    ("member.joined", "Member joined"),
    ("member.role_changed", "Role changed"),
    ("member.removed", "Member removed"),
    ("member.left", "Member left"),
    ("team.created", "Team created"),
    ("team.renamed", "Team renamed"),
    ("team.deleted", "Team deleted"),
    ("team.member_set", "Team member set"),
    ("team.member_removed", "Team member removed"),
    ("instance.created", "Instance created"),
    ("instance.deleted", "Instance deleted"),
    ("api_key.created", "API key created"),
    ("api_key.revoked", "API key revoked"),
    ("user.signed_in", "Signed in"),
    ("user.signed_out", "Signed out"),
    ("user.password_changed", "Password changed"),
];

/// The label of an event type (the id itself if unknown).
pub fn event_label(event: &str) -> &str {
    EVENTS
        .iter()
        .find(|(id, _)| *id == event)
        .map_or(event, |(_, label)| label)
}

/// The categories: the part of event types before the dot (`member`, `team`, …).
pub fn categories() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for (id, _) in EVENTS {
        let category = id.split('.').next().unwrap_or(id);
        if !out.contains(&category) {
            out.push(category);
        }
    }
    out
}

/// Which events a filter keeps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventFilter {
    /// One event type, like `member.invited`.
    Exact(&'static str),
    /// A category, written `member.*`: every `member.…` event.
    Category(&'static str),
}

impl EventFilter {
    /// Reads `member.invited` or `member.*`; only known types and categories.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        if let Some(category) = raw.strip_suffix(".*") {
            if let Some(known) = categories().into_iter().find(|c| *c == category) {
                return Ok(Self::Category(known));
            }
        } else if let Some((id, _)) = EVENTS.iter().find(|(id, _)| *id == raw) {
            return Ok(Self::Exact(id));
        }
        Err(FieldError::new(
            "event",
            format!(
                "is not an event type: use one like member.invited, or a category like member.* (categories: {})",
                categories().join(", ")
            ),
        ))
    }

    /// Whether `event` passes.
    pub fn matches(&self, event: &str) -> bool {
        match self {
            Self::Exact(id) => event == *id,
            Self::Category(category) => event
                .strip_prefix(category)
                .is_some_and(|rest| rest.starts_with('.')),
        }
    }
}

/// The list's and the export's query parameters, as sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct ActivityQuery {
    pub event: Option<String>,
    pub actor: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
}

/// Checked filters: `since` is inclusive, `until` exclusive.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActivityFilter {
    pub event: Option<EventFilter>,
    pub actor: Option<UserId>,
    pub since: Option<Timestamp>,
    pub until: Option<Timestamp>,
}

fn time_param(field: &str, raw: Option<&str>) -> Result<Option<Timestamp>, FieldError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| {
            FieldError::new(field, "must be an RFC 3339 time, like 2026-11-23T00:00:00Z")
        }),
    }
}

impl ActivityQuery {
    /// Checks every parameter, reporting each bad one.
    pub fn parse(&self) -> Result<ActivityFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let event = match self
            .event
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(raw) => EventFilter::parse(raw).map_err(|e| errors.push(e)).ok(),
        };
        let actor = match self
            .actor
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            None => None,
            Some(raw) => raw
                .parse()
                .map_err(|_| errors.push(FieldError::new("actor", "must be a user id")))
                .ok(),
        };
        let since = time_param("since", self.since.as_deref())
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        let until = time_param("until", self.until.as_deref())
            .map_err(|e| errors.push(e))
            .ok()
            .flatten();
        if let (Some(since), Some(until)) = (since, until) {
            if until <= since {
                errors.push(FieldError::new("until", "must be after since"));
            }
        }
        if errors.is_empty() {
            Ok(ActivityFilter {
                event,
                actor,
                since,
                until,
            })
        } else {
            Err(errors)
        }
    }
}

/// The export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Json,
}

impl ExportFormat {
    /// Reads `csv` or `json`; the parameter is required.
    pub fn parse(raw: Option<&str>) -> Result<Self, FieldError> {
        match raw.map(str::trim) {
            Some("csv") => Ok(Self::Csv),
            Some("json") => Ok(Self::Json),
            _ => Err(FieldError::new("format", "must be csv or json")),
        }
    }

    pub const fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Json => "json",
        }
    }

    pub const fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Json => "application/json",
        }
    }
}

/// The CSV export's columns.
pub const CSV_COLUMNS: [&str; 9] = [
    "id",
    "at",
    "actor_user_id",
    "actor_email",
    "actor_api_key_id",
    "event",
    "target_type",
    "target_id",
    "payload",
];

/// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break.
/// A field a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
/// tab or carriage return) gets a leading `'`, so an organization named
/// `=HYPERLINK(…)` stays text when the export is opened.
pub fn csv_field(text: &str) -> Cow<'_, str> {
    let guarded: Cow<'_, str> = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    };
    if guarded.contains([',', '"', '\n', '\r']) {
        Cow::Owned(format!("\"{}\"", guarded.replace('"', "\"\"")))
    } else {
        guarded
    }
}

/// One CSV record with its CRLF.
pub fn csv_record<'a>(fields: impl IntoIterator<Item = &'a str>) -> String {
    let mut line = fields
        .into_iter()
        .map(csv_field)
        .collect::<Vec<_>>()
        .join(",");
    line.push_str("\r\n");
    line
}

const MS_PER_DAY: i64 = 86_400_000;

/// The UTC day (days since 1970-01-01) of an instant.
pub const fn day_of(at: Timestamp) -> i64 {
    at.as_millis().div_euclid(MS_PER_DAY)
}

/// The first instant of a UTC day.
pub const fn start_of_day(day: i64) -> Timestamp {
    Timestamp::from_millis(day * MS_PER_DAY)
}

/// `2026-11-23` for a day number.
pub fn day_label(day: i64) -> String {
    start_of_day(day).to_string()[..10].to_owned()
}

/// Counts per day for the `days` days ending with `last_day`, oldest first, with
/// the days that had nothing as zeros. `counts` are (day, count) in any order;
/// days outside the window are ignored.
pub fn daily_series(counts: &[(i64, u64)], last_day: i64, days: u32) -> Vec<(i64, u64)> {
    let first = last_day - i64::from(days) + 1;
    (first..=last_day)
        .map(|day| {
            let n = counts
                .iter()
                .filter(|(d, _)| *d == day)
                .map(|(_, n)| n)
                .sum();
            (day, n)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn event_ids_are_unique_and_well_formed() {
        for (i, (id, label)) in EVENTS.iter().enumerate() {
            assert!(!label.is_empty());
            let (category, name) = id.split_once('.').expect(id);
            assert!(!category.is_empty() && !name.is_empty(), "{id}");
            assert!(id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_'));
            assert!(
                !EVENTS[..i].iter().any(|(other, _)| other == id),
                "{id} twice"
            );
        }
        assert_eq!(event_label("member.invited"), "Member invited");
        assert_eq!(event_label("unknown.thing"), "unknown.thing");
        assert!(categories().contains(&"member") && categories().contains(&"api_key"));
    }

    #[test]
    fn event_filters_take_types_and_categories() {
        assert_eq!(
            EventFilter::parse("member.invited"),
            Ok(EventFilter::Exact("member.invited"))
        );
        let members = EventFilter::parse("member.*").unwrap();
        assert_eq!(members, EventFilter::Category("member"));
        assert!(members.matches("member.left"));
        assert!(!members.matches("members.left"));
        assert!(!members.matches("team.created"));
        for bad in ["member", "member.", "nope.*", "MEMBER.invited", "*"] {
            let error = EventFilter::parse(bad).unwrap_err();
            assert_eq!(error.field, "event", "{bad}");
            assert!(error.message.contains("member.invited"));
        }
    }

    #[test]
    fn query_parameters_report_each_bad_one() {
        let good = ActivityQuery {
            event: Some("funds.added".into()),
            actor: Some("01938f3e-7c1a-7000-8000-000000000001".into()),
            since: Some("2026-11-01T00:00:00Z".into()),
            until: Some("2026-11-02T00:00:00Z".into()),
        }
        .parse()
        .unwrap();
        assert_eq!(good.event, Some(EventFilter::Exact("funds.added")));
        assert!(good.actor.is_some());
        assert_eq!(good.since.unwrap().to_string(), "2026-11-01T00:00:00Z");
        assert_eq!(
            ActivityQuery::default().parse(),
            Ok(ActivityFilter::default())
        );
        let blank = ActivityQuery {
            event: Some(" ".into()),
            actor: Some(String::new()),
            ..ActivityQuery::default()
        };
        assert_eq!(blank.parse(), Ok(ActivityFilter::default()));
        let bad = ActivityQuery {
            event: Some("x".into()),
            actor: Some("bob".into()),
            since: Some("yesterday".into()),
            until: Some("2026-11-02".into()),
        }
        .parse()
        .unwrap_err();
        let fields: Vec<_> = bad.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["event", "actor", "since", "until"]);
        let backwards = ActivityQuery {
            since: Some("2026-11-02T00:00:00Z".into()),
            until: Some("2026-11-01T00:00:00Z".into()),
            ..ActivityQuery::default()
        }
        .parse()
        .unwrap_err();
        assert_eq!(backwards[0].message, "must be after since");
    }

    #[test]
    fn export_formats() {
        assert_eq!(ExportFormat::parse(Some("csv")), Ok(ExportFormat::Csv));
        assert_eq!(ExportFormat::parse(Some("json")), Ok(ExportFormat::Json));
        assert_eq!(ExportFormat::parse(None).unwrap_err().field, "format");
        assert!(ExportFormat::parse(Some("xml")).is_err());
        assert!(ExportFormat::Csv.content_type().starts_with("text/csv"));
    }

    #[test]
    fn csv_fields_are_quoted_and_guarded() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("=1+1"), "'=1+1");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("=A1,B1"), "\"'=A1,B1\"");
        assert_eq!(csv_record(["a", "b,c", ""]), "a,\"b,c\",\r\n");
    }

    /// Reads one RFC 4180 record back (the test's own minimal reader).
    fn read_record(line: &str) -> Vec<String> {
        let body = line.strip_suffix("\r\n").unwrap();
        let mut fields = vec![String::new()];
        let mut quoted = false;
        let mut chars = body.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', false) => quoted = true,
                ('"', true) if chars.peek() == Some(&'"') => {
                    chars.next();
                    fields.last_mut().unwrap().push('"');
                }
                ('"', true) => quoted = false,
                (',', false) => fields.push(String::new()),
                (c, _) => fields.last_mut().unwrap().push(c),
            }
        }
        fields
    }

    proptest! {
        #[test]
        fn a_record_reads_back_to_its_fields(fields in proptest::collection::vec("[^=+@\\-\t\r][^\r]{0,20}|", 1..6)) {
            let line = csv_record(fields.iter().map(String::as_str));
            prop_assert_eq!(read_record(&line), fields);
        }
    }

    #[test]
    fn days_are_utc_and_the_series_fills_gaps() {
        let at: Timestamp = "2026-11-23T23:59:59Z".parse().unwrap();
        let day = day_of(at);
        assert_eq!(day_label(day), "2026-11-23");
        assert_eq!(day_of("2026-11-24T00:00:00Z".parse().unwrap()), day + 1);
        assert_eq!(start_of_day(day).to_string(), "2026-11-23T00:00:00Z");
        let series = daily_series(&[(day, 3), (day - 2, 1), (day - 40, 9)], day, 4);
        assert_eq!(series, [(day - 3, 0), (day - 2, 1), (day - 1, 0), (day, 3)]);
    }
}
