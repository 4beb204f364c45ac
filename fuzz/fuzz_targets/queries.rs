//! Query-string parsing: the activity log's filters and the activity query as the
//! server reads it from `?event=&actor=&since=&until=`, and the CSV writer that
//! exports it: never a panic, and a CSV record always parses back to its fields.
#![no_main]

use libfuzzer_sys::fuzz_target;
use orgspace_domain as domain;

use domain::activity::{csv_record, ActivityQuery};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = text.splitn(4, '\u{0}').map(|s| Some(s.to_owned()));
    let query = ActivityQuery {
        event: parts.next().flatten(),
        actor: parts.next().flatten(),
        since: parts.next().flatten(),
        until: parts.next().flatten(),
    };
    let _ = query.parse();

    let fields: Vec<&str> = text.split('\u{1}').collect();
    let record = csv_record(fields.iter().copied());
    let guarded: Vec<String> = fields
        .iter()
        .map(|f| {
            if f.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{f}")
            } else {
                (*f).to_owned()
            }
        })
        .collect();
    assert_eq!(read_record(&record), guarded, "{record:?}");
});

/// Reads one RFC 4180 record (as a spreadsheet would).
fn read_record(line: &str) -> Vec<String> {
    let body = line.strip_suffix("\r\n").expect("a record ends with CRLF");
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut at_start = true;
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if at_start && c == '"' {
            quoted = true;
            at_start = false;
            continue;
        }
        at_start = false;
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
        } else if c == ',' {
            fields.push(std::mem::take(&mut field));
            at_start = true;
        } else {
            field.push(c);
        }
    }
    fields.push(field);
    fields
}
