//! Funds and account status (SPEC §1): adding funds raises credit; an account
//! with credit above zero is active. Nothing moves funds between accounts.

use crate::error::FieldError;
use crate::roles::AccountStatus;

/// The smallest and largest single payment, in cents.
pub const MIN_FUNDS_CENTS: i64 = 1;
pub const MAX_FUNDS_CENTS: i64 = 10_000_000;

/// Checks one payment's amount.
pub fn check_amount(amount_cents: i64) -> Result<i64, Vec<FieldError>> {
    if (MIN_FUNDS_CENTS..=MAX_FUNDS_CENTS).contains(&amount_cents) {
        Ok(amount_cents)
    } else {
        Err(vec![FieldError::new(
            "amount_cents",
            format!("must be a whole number of cents from {MIN_FUNDS_CENTS} to {MAX_FUNDS_CENTS} (100,000.00)"),
        )])
    }
}

/// The credit and status after adding `amount_cents` to `credit_cents`.
pub fn after_funds(
    credit_cents: i64,
    amount_cents: i64,
) -> Result<(i64, AccountStatus), Vec<FieldError>> {
    let amount = check_amount(amount_cents)?;
    let credit = credit_cents.checked_add(amount).ok_or_else(|| {
        vec![FieldError::new(
            "amount_cents",
            "would make the credit larger than an account can hold",
        )]
    })?;
    Ok((credit, status_for(credit)))
}

/// An account is active exactly when its credit is above zero.
pub const fn status_for(credit_cents: i64) -> AccountStatus {
    if credit_cents > 0 {
        AccountStatus::Active
    } else {
        AccountStatus::Suspended
    }
}

/// Reads an amount typed by a person, in whole units with up to two decimals
/// ("25", "25.5", "1,000.00"), as cents within the payment bounds.
pub fn parse_amount(text: &str) -> Result<i64, FieldError> {
    let invalid = || FieldError::new("amount_cents", "must be an amount like 25 or 25.50");
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != ' ')
        .collect();
    let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if whole.is_empty()
        || whole.len() > 9
        || fraction.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(invalid());
    }
    let whole: i64 = whole.parse().map_err(|_| invalid())?;
    let cents: i64 = format!("{fraction:0<2}").parse().map_err(|_| invalid())?;
    let amount = whole * 100 + cents;
    check_amount(amount).map_err(|mut errors| errors.remove(0))
}

/// Money for people: 12345 → "123.45".
pub fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}", abs % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_bounded() {
        assert!(check_amount(0).is_err());
        assert!(check_amount(-5).is_err());
        assert_eq!(check_amount(1), Ok(1));
        assert_eq!(check_amount(10_000_000), Ok(10_000_000));
        assert_eq!(
            check_amount(10_000_001).unwrap_err()[0].field,
            "amount_cents"
        );
    }

    #[test]
    fn funds_activate_and_never_overflow() {
        assert_eq!(after_funds(0, 500), Ok((500, AccountStatus::Active)));
        assert!(after_funds(i64::MAX - 1, 10).is_err());
        assert_eq!(status_for(0), AccountStatus::Suspended);
    }

    #[test]
    fn cents_are_formatted_with_groups() {
        assert_eq!(format_cents(0), "0.00");
        assert_eq!(format_cents(5), "0.05");
        assert_eq!(format_cents(123_456_789), "1,234,567.89");
        assert_eq!(format_cents(-100), "-1.00");
    }
}

#[cfg(test)]
mod amount_tests {
    use super::*;

    #[test]
    fn typed_amounts_become_cents_within_bounds() {
        for (text, cents) in [
            ("25", 2500),
            ("25.5", 2550),
            ("25.50", 2550),
            (" 1,000.05 ", 100_005),
            ("0.01", 1),
            ("100000", 10_000_000),
        ] {
            assert_eq!(parse_amount(text), Ok(cents), "{text}");
        }
        for text in [
            "",
            "abc",
            "1.234",
            "-5",
            "0",
            "0.00",
            "100000.01",
            ".5",
            "1e3",
            "12345678901",
        ] {
            assert_eq!(
                parse_amount(text).unwrap_err().field,
                "amount_cents",
                "{text}"
            );
        }
    }
}
