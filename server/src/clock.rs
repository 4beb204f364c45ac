//! The clock. `domain` reads none; the server reads it here, once per request,
//! and passes the time in.

use domain::Timestamp;
use std::time::{SystemTime, UNIX_EPOCH};

/// The current time, to the millisecond.
pub fn now() -> Timestamp {
    let millis = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    Timestamp::from_millis(millis)
}
