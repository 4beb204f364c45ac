//! Every text parser in `domain`: none panics on any input, and what one
//! accepts it accepts again in the form it gives back (parsing is idempotent).
#![no_main]

use libfuzzer_sys::fuzz_target;
use orgspace_domain as domain;

use domain::api_keys::{parse_bearer, ApiKeyId};
use domain::text::{
    ApiKeyName, BillingName, City, CountryCode, DisplayName, Email, OrgName, Password, PostalCode,
    Street, TeamName,
};
use domain::{AccountId, OrgRole, Plan, Region, TeamId, TeamRole, Timestamp, UserId};

macro_rules! round_trip {
    ($text:expr, $($ty:ty),+) => {$(
        if let Ok(value) = <$ty>::parse($text) {
            assert_eq!(<$ty>::parse(value.as_str()).as_ref(), Ok(&value), stringify!($ty));
        }
    )+};
}

macro_rules! from_str_round_trip {
    ($text:expr, $($ty:ty),+) => {$(
        if let Ok(value) = $text.parse::<$ty>() {
            assert_eq!(value.to_string().parse::<$ty>().ok(), Some(value), stringify!($ty));
        }
    )+};
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    round_trip!(
        text, Email, DisplayName, OrgName, TeamName, ApiKeyName, BillingName, Street, City,
        PostalCode, CountryCode, ApiKeyId
    );
    if let Ok(password) = Password::parse(text) {
        assert_eq!(password.expose(), text);
    }
    from_str_round_trip!(text, AccountId, UserId, TeamId, OrgRole, TeamRole, Plan, Region);
    if let Ok(time) = text.parse::<Timestamp>() {
        assert_eq!(time.to_string().parse::<Timestamp>().ok(), Some(time));
    }
    if let Ok(cents) = domain::billing::parse_amount(text) {
        assert!(cents > 0);
        let plain = format!("{}.{:02}", cents / 100, cents % 100);
        assert_eq!(domain::billing::parse_amount(&plain).ok(), Some(cents), "{plain}");
        let _ = domain::billing::format_cents(cents);
    }
    if let Ok((id, secret)) = parse_bearer(text) {
        assert!(text.contains(id.as_str()) && text.contains(secret));
    }
    if let Ok(filter) = domain::activity::EventFilter::parse(text) {
        // An accepted filter reads back from its wire form and keeps some event.
        assert_eq!(domain::activity::EventFilter::parse(&filter.to_query()), Ok(filter));
        assert!(filter.events().next().is_some());
    }
    if let Ok(event) = text.parse::<domain::activity::Event>() {
        assert_eq!(event.id(), text);
    }
    let _ = domain::activity::csv_field(text);
    let _ = domain::activity::ExportFormat::parse(Some(text));
});
