//! Validated values. Each type can only be made by `parse`, so holding one means
//! the value is valid (parse, don't validate). Errors are short lower-case
//! sentences shown next to the field, in the browser and in the API's answer.

use crate::catalog::country_name;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a text field is invalid.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextError {
    Empty,
    TooShort { min: usize },
    TooLong { max: usize },
    ControlCharacter,
    InvalidEmail,
    UnknownCountry,
    InvalidSlug,
}

impl fmt::Display for TextError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("must not be empty"),
            Self::TooShort { min } => write!(f, "must be at least {min} characters"),
            Self::TooLong { max } => write!(f, "must be at most {max} characters"),
            Self::ControlCharacter => f.write_str("must not contain control characters"),
            Self::InvalidEmail => f.write_str("must be an email address, like ana@example.com"),
            Self::UnknownCountry => {
                f.write_str("must be a two-letter ISO 3166 country code, like CH")
            }
            Self::InvalidSlug => f.write_str("must be lower-case letters, digits and dashes"),
        }
    }
}

/// Trims, then checks length (in characters) and control characters.
fn clean_line(raw: &str, max: usize) -> Result<String, TextError> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(TextError::Empty);
    }
    if text.chars().count() > max {
        return Err(TextError::TooLong { max });
    }
    if text.chars().any(char::is_control) {
        return Err(TextError::ControlCharacter);
    }
    Ok(text.to_owned())
}

macro_rules! line_type {
    ($(#[$doc:meta])* $name:ident, max = $max:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String))]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// The most characters it may have.
            pub const MAX_CHARS: usize = $max;

            /// Trims and checks the text.
            pub fn parse(raw: &str) -> Result<Self, TextError> {
                clean_line(raw, $max).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = TextError;
            fn try_from(raw: String) -> Result<Self, Self::Error> {
                Self::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> String {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

line_type!(
    /// A person's display name: 1–100 characters, trimmed, no control characters.
    DisplayName,
    max = 100
);
line_type!(
    /// An organization's name: 1–64 characters, trimmed, no control characters.
    OrgName,
    max = 64
);
line_type!(
    /// A team's name: 1–64 characters, trimmed, no control characters.
    TeamName,
    max = 64
);
line_type!(
    /// An API key's name: 1–100 characters, trimmed, no control characters.
    ApiKeyName,
    max = 100
);
line_type!(
    /// The name on a billing address.
    BillingName,
    max = 100
);
line_type!(
    /// A street line of a billing address.
    Street,
    max = 200
);
line_type!(
    /// A city of a billing address.
    City,
    max = 100
);
line_type!(
    /// A postal code of a billing address.
    PostalCode,
    max = 20
);

/// An email address: trimmed, lower-cased, at most 254 characters, with a local
/// part and a domain of dot-separated labels.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = Email))]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub const MAX_CHARS: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, TextError> {
        let text = raw.trim().to_lowercase();
        if text.is_empty() {
            return Err(TextError::Empty);
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(TextError::TooLong {
                max: Self::MAX_CHARS,
            });
        }
        let (local, domain) = text.rsplit_once('@').ok_or(TextError::InvalidEmail)?;
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.starts_with('.')
            && !local.ends_with('.')
            && !local.contains("..")
            && local
                .chars()
                .all(|c| c.is_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c));
        let labels: Vec<&str> = domain.split('.').collect();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
            && labels
                .last()
                .is_some_and(|tld| tld.chars().all(char::is_alphabetic) && tld.len() >= 2);
        if local_ok && domain_ok {
            Ok(Self(text))
        } else {
            Err(TextError::InvalidEmail)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = TextError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Email> for String {
    fn from(value: Email) -> String {
        value.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password: 12–128 characters, kept as typed (not trimmed). It is never
/// serialized and its `Debug` hides it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, TextError> {
        let n = raw.chars().count();
        if n == 0 {
            Err(TextError::Empty)
        } else if n < Self::MIN_CHARS {
            Err(TextError::TooShort {
                min: Self::MIN_CHARS,
            })
        } else if n > Self::MAX_CHARS {
            Err(TextError::TooLong {
                max: Self::MAX_CHARS,
            })
        } else {
            Ok(Self(raw.to_owned()))
        }
    }

    /// The password, for hashing.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// An ISO 3166-1 alpha-2 country code, upper-case (`CH`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, example = "CH"))]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// Accepts any case and surrounding spaces (`" ch "`).
    pub fn parse(raw: &str) -> Result<Self, TextError> {
        let code = raw.trim().to_ascii_uppercase();
        if code.is_empty() {
            return Err(TextError::Empty);
        }
        match (country_name(&code), code.as_bytes()) {
            (Some(_), &[a, b]) => Ok(Self([a, b])),
            _ => Err(TextError::UnknownCountry),
        }
    }

    pub fn as_str(&self) -> &str {
        // Invariant: both bytes are ASCII upper-case letters.
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// The country's English name.
    pub fn name(&self) -> &'static str {
        country_name(self.as_str()).unwrap_or("")
    }
}

impl TryFrom<String> for CountryCode {
    type Error = TextError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<CountryCode> for String {
    fn from(value: CountryCode) -> String {
        value.as_str().to_owned()
    }
}

/// A billing address as typed in a form or sent in a request: every field is
/// plain text, checked by [`BillingAddressInput::parse`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct BillingAddressInput {
    pub name: String,
    pub street: String,
    pub city: String,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 (`CH`).
    pub country: String,
}

/// A valid billing address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillingAddress {
    pub name: BillingName,
    pub street: Street,
    pub city: City,
    pub postal_code: PostalCode,
    pub country: CountryCode,
}

impl BillingAddressInput {
    /// Checks every field; the errors name each bad field under `prefix`
    /// (`billing_address.city`).
    pub fn parse(&self, prefix: &str) -> Result<BillingAddress, Vec<crate::FieldError>> {
        let mut errors = Errors::default();
        let name = errors.field(prefix, "name", BillingName::parse(&self.name));
        let street = errors.field(prefix, "street", Street::parse(&self.street));
        let city = errors.field(prefix, "city", City::parse(&self.city));
        let postal_code = errors.field(prefix, "postal_code", PostalCode::parse(&self.postal_code));
        let country = errors.field(prefix, "country", CountryCode::parse(&self.country));
        match (name, street, city, postal_code, country) {
            (Some(name), Some(street), Some(city), Some(postal_code), Some(country)) => {
                Ok(BillingAddress {
                    name,
                    street,
                    city,
                    postal_code,
                    country,
                })
            }
            _ => Err(errors.into_vec()),
        }
    }
}

impl From<&BillingAddress> for BillingAddressInput {
    fn from(address: &BillingAddress) -> Self {
        Self {
            name: address.name.to_string(),
            street: address.street.to_string(),
            city: address.city.to_string(),
            postal_code: address.postal_code.to_string(),
            country: address.country.as_str().to_owned(),
        }
    }
}

/// Collects field errors while parsing a request, so that every bad field is
/// reported at once.
#[derive(Debug, Default)]
pub struct Errors(Vec<crate::FieldError>);

impl Errors {
    /// Keeps the value, or records the error under `prefix.name`.
    pub fn field<T, E: fmt::Display>(
        &mut self,
        prefix: &str,
        name: &str,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.push(join(prefix, name), error.to_string());
                None
            }
        }
    }

    pub fn push(&mut self, field: String, message: impl Into<String>) {
        self.0.push(crate::FieldError::new(field, message));
    }

    pub fn extend(&mut self, errors: Vec<crate::FieldError>) {
        self.0.extend(errors);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<crate::FieldError> {
        self.0
    }
}

/// `prefix.name`, or `name` when there is no prefix.
pub fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// The URL-safe base of an organization's slug: lower-case ASCII letters and
/// digits joined by single dashes, at most 48 characters (`Acme Corp!` → `acme-corp`).
/// The server appends `-2`, `-3`, … when the base is taken.
pub fn slug_base(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        let c = match c {
            'a'..='z' | '0'..='9' => c,
            'ä' | 'à' | 'á' | 'â' | 'ã' | 'å' => 'a',
            'ö' | 'ò' | 'ó' | 'ô' | 'õ' | 'ø' => 'o',
            'ü' | 'ù' | 'ú' | 'û' => 'u',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'í' | 'ì' | 'î' | 'ï' => 'i',
            'ç' => 'c',
            'ñ' => 'n',
            _ => '-',
        };
        if c != '-' || !slug.ends_with('-') {
            slug.push(c);
        }
    }
    let mut slug: String = slug.trim_matches('-').chars().take(48).collect();
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        "org".to_owned()
    } else {
        slug
    }
}

/// The slug for the `n`-th organization with the same base (`n` ≥ 2 adds `-n`).
pub fn slug_with_suffix(base: &str, n: u32) -> String {
    if n <= 1 {
        base.to_owned()
    } else {
        format!("{base}-{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[track_caller]
    fn email_ok(raw: &str, stored: &str) {
        assert_eq!(
            Email::parse(raw).map(|e| e.0),
            Ok(stored.to_owned()),
            "{raw}"
        );
    }

    #[track_caller]
    fn email_err(raw: &str, error: TextError) {
        assert_eq!(Email::parse(raw), Err(error), "{raw}");
    }

    #[test]
    fn emails_are_trimmed_and_lower_cased() {
        email_ok("ana@acme.test", "ana@acme.test");
        email_ok("  Ana.Lopez@ACME.test ", "ana.lopez@acme.test");
        email_ok(
            "bob+orgspace@mail.example.co.uk",
            "bob+orgspace@mail.example.co.uk",
        );
        email_ok("zoë@exämple.ch", "zoë@exämple.ch");
    }

    #[test]
    fn malformed_emails_are_refused() {
        email_err("", TextError::Empty);
        email_err("   ", TextError::Empty);
        for raw in [
            "ana",
            "ana@",
            "@acme.test",
            "ana@acme",
            "ana@@acme.test",
            "ana@acme..test",
            "ana@-acme.test",
            "ana@acme.t",
            "ana@acme.123",
            ".ana@acme.test",
            "an..a@acme.test",
            "a na@acme.test",
            "ana@ac me.test",
            "ana\n@acme.test",
        ] {
            email_err(raw, TextError::InvalidEmail);
        }
        let long = format!("{}@{}.test", "a".repeat(64), "b".repeat(186));
        assert_eq!(long.len(), 256);
        email_err(&long, TextError::TooLong { max: 254 });
        email_err(
            &format!("{}@acme.test", "a".repeat(65)),
            TextError::InvalidEmail,
        );
    }

    #[test]
    fn names_are_trimmed_bounded_and_free_of_control_characters() {
        assert_eq!(DisplayName::parse("  Ana  ").unwrap().as_str(), "Ana");
        assert_eq!(DisplayName::parse(" "), Err(TextError::Empty));
        assert!(DisplayName::parse(&"é".repeat(100)).is_ok());
        assert_eq!(
            DisplayName::parse(&"é".repeat(101)),
            Err(TextError::TooLong { max: 100 })
        );
        assert_eq!(
            DisplayName::parse("Ana\u{7}"),
            Err(TextError::ControlCharacter)
        );
        assert_eq!(OrgName::parse("Acme Corp").unwrap().as_str(), "Acme Corp");
        assert!(OrgName::parse(&"x".repeat(64)).is_ok());
        assert_eq!(
            OrgName::parse(&"x".repeat(65)),
            Err(TextError::TooLong { max: 64 })
        );
        assert_eq!(
            OrgName::parse("Acme\tCorp"),
            Err(TextError::ControlCharacter)
        );
        assert_eq!(OrgName::parse(""), Err(TextError::Empty));
    }

    #[test]
    fn passwords_are_12_to_128_characters_and_kept_as_typed() {
        assert_eq!(Password::parse(""), Err(TextError::Empty));
        assert_eq!(
            Password::parse("short"),
            Err(TextError::TooShort { min: 12 })
        );
        assert_eq!(
            Password::parse(" twelve chars").unwrap().expose(),
            " twelve chars"
        );
        assert!(Password::parse(&"p".repeat(128)).is_ok());
        assert_eq!(
            Password::parse(&"p".repeat(129)),
            Err(TextError::TooLong { max: 128 })
        );
        assert_eq!(
            format!("{:?}", Password::parse("correct horse battery").unwrap()),
            "Password(***)"
        );
    }

    #[test]
    fn billing_addresses_report_every_bad_field() {
        let input = BillingAddressInput {
            name: " ".into(),
            street: "Main 1".into(),
            city: "".into(),
            postal_code: "8000".into(),
            country: "Switzerland".into(),
        };
        let errors = input.parse("billing_address").unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "billing_address.name",
                "billing_address.city",
                "billing_address.country"
            ]
        );
        let good = BillingAddressInput {
            country: " ch ".into(),
            name: "Acme".into(),
            city: "Zürich".into(),
            ..input
        };
        let address = good.parse("").unwrap();
        assert_eq!(address.country.as_str(), "CH");
        assert_eq!(address.country.name(), "Switzerland");
        assert_eq!(BillingAddressInput::from(&address).country, "CH");
    }

    #[test]
    fn slugs_are_url_safe_and_suffixed() {
        let cases = [
            ("Acme Corp", "acme-corp"),
            ("  Acme   Corp!! ", "acme-corp"),
            ("Zürich Café", "zurich-cafe"),
            ("日本", "org"),
            ("---", "org"),
            ("A/B", "a-b"),
        ];
        for (name, slug) in cases {
            assert_eq!(slug_base(name), slug, "{name}");
        }
        assert_eq!(slug_base(&"ab ".repeat(40)).len(), 47);
        assert_eq!(slug_with_suffix("acme", 1), "acme");
        assert_eq!(slug_with_suffix("acme", 2), "acme-2");
    }

    #[test]
    fn serde_refuses_what_parse_refuses() {
        assert!(serde_json::from_str::<Email>("\"not an email\"").is_err());
        assert_eq!(
            serde_json::from_str::<Email>("\"Ana@Acme.test\"")
                .unwrap()
                .as_str(),
            "ana@acme.test"
        );
        assert!(serde_json::from_str::<CountryCode>("\"ZZ\"").is_err());
    }

    proptest! {
        #[test]
        fn parsed_emails_are_normalized_and_reparse_to_themselves(raw in "\\PC{0,80}") {
            if let Ok(email) = Email::parse(&raw) {
                prop_assert_eq!(email.as_str(), email.as_str().trim().to_lowercase());
                prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
            }
        }

        #[test]
        fn slugs_only_hold_safe_characters(name in "\\PC{0,100}") {
            let slug = slug_base(&name);
            prop_assert!(!slug.is_empty() && slug.len() <= 48);
            prop_assert!(slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
            prop_assert!(!slug.starts_with('-') && !slug.ends_with('-') && !slug.contains("--"));
        }

        #[test]
        fn org_names_hold_their_rules(raw in "\\PC{0,80}") {
            if let Ok(name) = OrgName::parse(&raw) {
                let n = name.as_str().chars().count();
                prop_assert!((1..=64).contains(&n));
                prop_assert_eq!(name.as_str().trim(), name.as_str());
            }
        }
    }
}
