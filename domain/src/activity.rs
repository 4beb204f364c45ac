//! The activity log (SPEC §8): event types, the list's filters, and the export
//! formats. Entries are written by the server in the transaction of the change
//! they record; nothing edits or deletes them.

use crate::error::FieldError;
use crate::ids::UserId;
use crate::time::Timestamp;
use std::borrow::Cow;

/// The area an event belongs to: the part of its id before the dot. A filter
/// `member.*` keeps a whole category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Account,
    Org,
    Plan,
    Funds,
    Member,
    Team,
    Instance,
    ApiKey,
    User,
    Domain,
    Sso,
}

impl Category {
    /// Every category, in the order the app lists them.
    pub const ALL: [Category; 11] = [
        Self::Account,
        Self::Org,
        Self::Plan,
        Self::Funds,
        Self::Member,
        Self::Team,
        Self::Instance,
        Self::ApiKey,
        Self::User,
        Self::Domain,
        Self::Sso,
    ];

    /// The id: `member` in `member.invited` and in the filter `member.*`.
    pub const fn id(self) -> &'static str {
        match self {
            Self::Account => "account",
            Self::Org => "org",
            Self::Plan => "plan",
            Self::Funds => "funds",
            Self::Member => "member",
            Self::Team => "team",
            Self::Instance => "instance",
            Self::ApiKey => "api_key",
            Self::User => "user",
            Self::Domain => "domain",
            Self::Sso => "sso",
        }
    }

    /// A label for people.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Account => "Accounts",
            Self::Org => "Organization",
            Self::Plan => "Plan",
            Self::Funds => "Funds",
            Self::Member => "Members",
            Self::Team => "Teams",
            Self::Instance => "Instances",
            Self::ApiKey => "API keys",
            Self::User => "Sign-in and profile",
            Self::Domain => "Domains",
            Self::Sso => "Single sign-on",
        }
    }

    /// The category with this id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.id() == id)
    }
}

/// Every event type the server writes. The id, label and category come from
/// exhaustive matches, so a new event does not compile until it has all three,
/// and a misspelt one does not compile at all. The wire form is the id
/// (`member.invited`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Event {
    #[serde(rename = "account.created")]
    AccountCreated,
    #[serde(rename = "org.created")]
    OrgCreated,
    #[serde(rename = "org.updated")]
    OrgUpdated,
    #[serde(rename = "org.deleted")]
    OrgDeleted,
    #[serde(rename = "org.ownership_transferred")]
    OrgOwnershipTransferred,
    #[serde(rename = "plan.changed")]
    PlanChanged,
    #[serde(rename = "funds.added")]
    FundsAdded,
    #[serde(rename = "member.invited")]
    MemberInvited,
    #[serde(rename = "member.invitation_resent")]
    MemberInvitationResent,
    #[serde(rename = "member.invitation_revoked")]
    MemberInvitationRevoked,
    #[serde(rename = "member.invitation_declined")]
    MemberInvitationDeclined,
    #[serde(rename = "member.joined")]
    MemberJoined,
    #[serde(rename = "member.role_changed")]
    MemberRoleChanged,
    #[serde(rename = "member.removed")]
    MemberRemoved,
    #[serde(rename = "member.left")]
    MemberLeft,
    #[serde(rename = "team.created")]
    TeamCreated,
    #[serde(rename = "team.renamed")]
    TeamRenamed,
    #[serde(rename = "team.deleted")]
    TeamDeleted,
    #[serde(rename = "team.member_set")]
    TeamMemberSet,
    #[serde(rename = "team.member_removed")]
    TeamMemberRemoved,
    #[serde(rename = "instance.created")]
    InstanceCreated,
    #[serde(rename = "instance.deleted")]
    InstanceDeleted,
    #[serde(rename = "api_key.created")]
    ApiKeyCreated,
    #[serde(rename = "api_key.revoked")]
    ApiKeyRevoked,
    #[serde(rename = "user.signed_in")]
    UserSignedIn,
    #[serde(rename = "user.signed_out")]
    UserSignedOut,
    #[serde(rename = "user.password_changed")]
    UserPasswordChanged,
    #[serde(rename = "user.sign_in_failed")]
    UserSignInFailed,
    #[serde(rename = "user.password_reset")]
    UserPasswordReset,
    #[serde(rename = "user.email_verified")]
    UserEmailVerified,
    #[serde(rename = "user.email_change_requested")]
    UserEmailChangeRequested,
    #[serde(rename = "user.email_changed")]
    UserEmailChanged,
    #[serde(rename = "user.profile_updated")]
    UserProfileUpdated,
    #[serde(rename = "user.session_revoked")]
    UserSessionRevoked,
    #[serde(rename = "user.deleted")]
    UserDeleted,
    #[serde(rename = "org.two_factor_policy_changed")]
    OrgTwoFactorPolicyChanged,
    #[serde(rename = "user.two_factor_enabled")]
    UserTwoFactorEnabled,
    #[serde(rename = "user.two_factor_disabled")]
    UserTwoFactorDisabled,
    #[serde(rename = "user.recovery_codes_regenerated")]
    UserRecoveryCodesRegenerated,
    #[serde(rename = "user.passkey_added")]
    UserPasskeyAdded,
    #[serde(rename = "user.passkey_renamed")]
    UserPasskeyRenamed,
    #[serde(rename = "user.passkey_removed")]
    UserPasskeyRemoved,
    #[serde(rename = "domain.added")]
    DomainAdded,
    #[serde(rename = "domain.verified")]
    DomainVerified,
    #[serde(rename = "domain.unverified")]
    DomainUnverified,
    #[serde(rename = "domain.removed")]
    DomainRemoved,
    #[serde(rename = "sso.configured")]
    SsoConfigured,
    #[serde(rename = "sso.removed")]
    SsoRemoved,
    #[serde(rename = "sso.signed_in")]
    SsoSignedIn,
    #[serde(rename = "sso.failed")]
    SsoFailed,
    #[serde(rename = "org.child_created")]
    OrgChildCreated,
    #[serde(rename = "org.linked")]
    OrgLinked,
    #[serde(rename = "org.unlinked")]
    OrgUnlinked,
    #[serde(rename = "org.link_requested")]
    OrgLinkRequested,
    #[serde(rename = "org.link_declined")]
    OrgLinkDeclined,
    #[serde(rename = "org.billing_mode_changed")]
    OrgBillingModeChanged,
}

impl Event {
    /// Every event, in the order the app lists them.
    pub const ALL: [Event; 56] = [
        Self::AccountCreated,
        Self::OrgCreated,
        Self::OrgUpdated,
        Self::OrgDeleted,
        Self::OrgOwnershipTransferred,
        Self::PlanChanged,
        Self::FundsAdded,
        Self::MemberInvited,
        Self::MemberInvitationResent,
        Self::MemberInvitationRevoked,
        Self::MemberInvitationDeclined,
        Self::MemberJoined,
        Self::MemberRoleChanged,
        Self::MemberRemoved,
        Self::MemberLeft,
        Self::TeamCreated,
        Self::TeamRenamed,
        Self::TeamDeleted,
        Self::TeamMemberSet,
        Self::TeamMemberRemoved,
        Self::InstanceCreated,
        Self::InstanceDeleted,
        Self::ApiKeyCreated,
        Self::ApiKeyRevoked,
        Self::UserSignedIn,
        Self::UserSignedOut,
        Self::UserPasswordChanged,
        Self::UserSignInFailed,
        Self::UserPasswordReset,
        Self::UserEmailVerified,
        Self::UserEmailChangeRequested,
        Self::UserEmailChanged,
        Self::UserProfileUpdated,
        Self::UserSessionRevoked,
        Self::UserDeleted,
        Self::OrgTwoFactorPolicyChanged,
        Self::UserTwoFactorEnabled,
        Self::UserTwoFactorDisabled,
        Self::UserRecoveryCodesRegenerated,
        Self::UserPasskeyAdded,
        Self::UserPasskeyRenamed,
        Self::UserPasskeyRemoved,
        Self::DomainAdded,
        Self::DomainVerified,
        Self::DomainUnverified,
        Self::DomainRemoved,
        Self::SsoConfigured,
        Self::SsoRemoved,
        Self::SsoSignedIn,
        Self::SsoFailed,
        Self::OrgChildCreated,
        Self::OrgLinked,
        Self::OrgUnlinked,
        Self::OrgLinkRequested,
        Self::OrgLinkDeclined,
        Self::OrgBillingModeChanged,
    ];

    /// The id, as stored and sent: `member.invited`.
    pub const fn id(self) -> &'static str {
        match self {
            Self::AccountCreated => "account.created",
            Self::OrgCreated => "org.created",
            Self::OrgUpdated => "org.updated",
            Self::OrgDeleted => "org.deleted",
            Self::OrgOwnershipTransferred => "org.ownership_transferred",
            Self::PlanChanged => "plan.changed",
            Self::FundsAdded => "funds.added",
            Self::MemberInvited => "member.invited",
            Self::MemberInvitationResent => "member.invitation_resent",
            Self::MemberInvitationRevoked => "member.invitation_revoked",
            Self::MemberInvitationDeclined => "member.invitation_declined",
            Self::MemberJoined => "member.joined",
            Self::MemberRoleChanged => "member.role_changed",
            Self::MemberRemoved => "member.removed",
            Self::MemberLeft => "member.left",
            Self::TeamCreated => "team.created",
            Self::TeamRenamed => "team.renamed",
            Self::TeamDeleted => "team.deleted",
            Self::TeamMemberSet => "team.member_set",
            Self::TeamMemberRemoved => "team.member_removed",
            Self::InstanceCreated => "instance.created",
            Self::InstanceDeleted => "instance.deleted",
            Self::ApiKeyCreated => "api_key.created",
            Self::ApiKeyRevoked => "api_key.revoked",
            Self::UserSignedIn => "user.signed_in",
            Self::UserSignedOut => "user.signed_out",
            Self::UserPasswordChanged => "user.password_changed",
            Self::UserSignInFailed => "user.sign_in_failed",
            Self::UserPasswordReset => "user.password_reset",
            Self::UserEmailVerified => "user.email_verified",
            Self::UserEmailChangeRequested => "user.email_change_requested",
            Self::UserEmailChanged => "user.email_changed",
            Self::UserProfileUpdated => "user.profile_updated",
            Self::UserSessionRevoked => "user.session_revoked",
            Self::UserDeleted => "user.deleted",
            Self::OrgTwoFactorPolicyChanged => "org.two_factor_policy_changed",
            Self::UserTwoFactorEnabled => "user.two_factor_enabled",
            Self::UserTwoFactorDisabled => "user.two_factor_disabled",
            Self::UserRecoveryCodesRegenerated => "user.recovery_codes_regenerated",
            Self::UserPasskeyAdded => "user.passkey_added",
            Self::UserPasskeyRenamed => "user.passkey_renamed",
            Self::UserPasskeyRemoved => "user.passkey_removed",
            Self::DomainAdded => "domain.added",
            Self::DomainVerified => "domain.verified",
            Self::DomainUnverified => "domain.unverified",
            Self::DomainRemoved => "domain.removed",
            Self::SsoConfigured => "sso.configured",
            Self::SsoRemoved => "sso.removed",
            Self::SsoSignedIn => "sso.signed_in",
            Self::SsoFailed => "sso.failed",
            Self::OrgChildCreated => "org.child_created",
            Self::OrgLinked => "org.linked",
            Self::OrgUnlinked => "org.unlinked",
            Self::OrgLinkRequested => "org.link_requested",
            Self::OrgLinkDeclined => "org.link_declined",
            Self::OrgBillingModeChanged => "org.billing_mode_changed",
        }
    }

    /// A label for people.
    pub const fn label(self) -> &'static str {
        match self {
            Self::AccountCreated => "Account created",
            Self::OrgCreated => "Organization created",
            Self::OrgUpdated => "Details changed",
            Self::OrgDeleted => "Organization deleted",
            Self::OrgOwnershipTransferred => "Ownership transferred",
            Self::PlanChanged => "Plan changed",
            Self::FundsAdded => "Funds added",
            Self::MemberInvited => "Member invited",
            Self::MemberInvitationResent => "Invitation resent",
            Self::MemberInvitationRevoked => "Invitation revoked",
            Self::MemberInvitationDeclined => "Invitation declined",
            Self::MemberJoined => "Member joined",
            Self::MemberRoleChanged => "Role changed",
            Self::MemberRemoved => "Member removed",
            Self::MemberLeft => "Member left",
            Self::TeamCreated => "Team created",
            Self::TeamRenamed => "Team renamed",
            Self::TeamDeleted => "Team deleted",
            Self::TeamMemberSet => "Team member set",
            Self::TeamMemberRemoved => "Team member removed",
            Self::InstanceCreated => "Instance created",
            Self::InstanceDeleted => "Instance deleted",
            Self::ApiKeyCreated => "API key created",
            Self::ApiKeyRevoked => "API key revoked",
            Self::UserSignedIn => "Signed in",
            Self::UserSignedOut => "Signed out",
            Self::UserPasswordChanged => "Password changed",
            Self::UserSignInFailed => "Sign-in failed",
            Self::UserPasswordReset => "Password reset",
            Self::UserEmailVerified => "Email verified",
            Self::UserEmailChangeRequested => "Email change requested",
            Self::UserEmailChanged => "Email changed",
            Self::UserProfileUpdated => "Profile updated",
            Self::UserSessionRevoked => "Session signed out",
            Self::UserDeleted => "User deleted",
            Self::OrgTwoFactorPolicyChanged => "Two-factor requirement changed",
            Self::UserTwoFactorEnabled => "Two-factor turned on",
            Self::UserTwoFactorDisabled => "Two-factor turned off",
            Self::UserRecoveryCodesRegenerated => "Recovery codes replaced",
            Self::UserPasskeyAdded => "Passkey added",
            Self::UserPasskeyRenamed => "Passkey renamed",
            Self::UserPasskeyRemoved => "Passkey removed",
            Self::DomainAdded => "Domain added",
            Self::DomainVerified => "Domain verified",
            Self::DomainUnverified => "Domain no longer verified",
            Self::DomainRemoved => "Domain removed",
            Self::SsoConfigured => "Single sign-on configured",
            Self::SsoRemoved => "Single sign-on removed",
            Self::SsoSignedIn => "Signed in with SSO",
            Self::SsoFailed => "SSO sign-in failed",
            Self::OrgChildCreated => "Child organization created",
            Self::OrgLinked => "Organization linked",
            Self::OrgUnlinked => "Organization unlinked",
            Self::OrgLinkRequested => "Link requested",
            Self::OrgLinkDeclined => "Link request declined",
            Self::OrgBillingModeChanged => "Billing mode changed",
        }
    }

    /// The area the event belongs to.
    pub const fn category(self) -> Category {
        match self {
            Self::AccountCreated => Category::Account,
            Self::OrgCreated
            | Self::OrgUpdated
            | Self::OrgDeleted
            | Self::OrgOwnershipTransferred
            | Self::OrgTwoFactorPolicyChanged
            | Self::OrgChildCreated
            | Self::OrgLinked
            | Self::OrgUnlinked
            | Self::OrgLinkRequested
            | Self::OrgLinkDeclined
            | Self::OrgBillingModeChanged => Category::Org,
            Self::PlanChanged => Category::Plan,
            Self::FundsAdded => Category::Funds,
            Self::MemberInvited
            | Self::MemberInvitationResent
            | Self::MemberInvitationRevoked
            | Self::MemberInvitationDeclined
            | Self::MemberJoined
            | Self::MemberRoleChanged
            | Self::MemberRemoved
            | Self::MemberLeft => Category::Member,
            Self::TeamCreated
            | Self::TeamRenamed
            | Self::TeamDeleted
            | Self::TeamMemberSet
            | Self::TeamMemberRemoved => Category::Team,
            Self::InstanceCreated | Self::InstanceDeleted => Category::Instance,
            Self::ApiKeyCreated | Self::ApiKeyRevoked => Category::ApiKey,
            Self::UserSignedIn
            | Self::UserSignedOut
            | Self::UserPasswordChanged
            | Self::UserSignInFailed
            | Self::UserPasswordReset
            | Self::UserEmailVerified
            | Self::UserEmailChangeRequested
            | Self::UserEmailChanged
            | Self::UserProfileUpdated
            | Self::UserSessionRevoked
            | Self::UserDeleted
            | Self::UserTwoFactorEnabled
            | Self::UserTwoFactorDisabled
            | Self::UserRecoveryCodesRegenerated
            | Self::UserPasskeyAdded
            | Self::UserPasskeyRenamed
            | Self::UserPasskeyRemoved => Category::User,
            Self::DomainAdded
            | Self::DomainVerified
            | Self::DomainUnverified
            | Self::DomainRemoved => Category::Domain,
            Self::SsoConfigured | Self::SsoRemoved | Self::SsoSignedIn | Self::SsoFailed => {
                Category::Sso
            }
        }
    }

    /// The event with this id.
    pub fn from_id(id: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.id() == id)
    }
}

impl std::fmt::Display for Event {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// A text that names no event type (read from a database, say).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownEvent(pub String);

impl std::fmt::Display for UnknownEvent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} is not an event type", self.0)
    }
}

impl std::str::FromStr for Event {
    type Err = UnknownEvent;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::from_id(text).ok_or_else(|| UnknownEvent(text.to_owned()))
    }
}

/// Which events a filter keeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventFilter {
    /// One event type, like `member.invited`.
    Exact(Event),
    /// A category, written `member.*`: every `member.…` event.
    Category(Category),
}

impl EventFilter {
    /// Reads `member.invited` or `member.*`; only known types and categories.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let raw = raw.trim();
        let known = match raw.strip_suffix(".*") {
            Some(category) => Category::from_id(category).map(Self::Category),
            None => Event::from_id(raw).map(Self::Exact),
        };
        known.ok_or_else(|| {
            let categories: Vec<&str> = Category::ALL.iter().map(|c| c.id()).collect();
            FieldError::new(
                "event",
                format!(
                    "is not an event type: use one like member.invited, or a category like member.* (categories: {})",
                    categories.join(", ")
                ),
            )
        })
    }

    /// Whether `event` passes.
    pub fn matches(self, event: Event) -> bool {
        match self {
            Self::Exact(kept) => event == kept,
            Self::Category(category) => event.category() == category,
        }
    }

    /// The events it keeps.
    pub fn events(self) -> impl Iterator<Item = Event> {
        Event::ALL.into_iter().filter(move |e| self.matches(*e))
    }

    /// The wire form: `member.invited` or `member.*`.
    pub fn to_query(self) -> String {
        match self {
            Self::Exact(event) => event.id().to_owned(),
            Self::Category(category) => format!("{}.*", category.id()),
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
    fn event_ids_are_unique_well_formed_and_in_their_category() {
        for (i, event) in Event::ALL.iter().enumerate() {
            let id = event.id();
            assert!(!event.label().is_empty());
            let (category, name) = id.split_once('.').expect(id);
            assert_eq!(category, event.category().id(), "{id}");
            assert!(!name.is_empty(), "{id}");
            assert!(id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_'));
            assert!(!Event::ALL[..i].contains(event), "{id} twice");
            assert_eq!(id.parse::<Event>(), Ok(*event));
            assert_eq!(event.to_string(), id);
        }
        assert_eq!(Event::MemberInvited.label(), "Member invited");
        assert_eq!(
            "unknown.thing".parse::<Event>(),
            Err(UnknownEvent("unknown.thing".into()))
        );
        for category in Category::ALL {
            assert!(
                Event::ALL.iter().any(|e| e.category() == category),
                "{category:?} has no event"
            );
            assert_eq!(Category::from_id(category.id()), Some(category));
        }
    }

    #[test]
    fn the_wire_form_of_an_event_is_its_id() {
        for event in Event::ALL {
            let json = serde_json::to_string(&event).unwrap();
            assert_eq!(json, format!("\"{}\"", event.id()));
            assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), event);
        }
        assert!(serde_json::from_str::<Event>("\"member.nope\"").is_err());
    }

    #[test]
    fn event_filters_take_types_and_categories() {
        assert_eq!(
            EventFilter::parse("member.invited"),
            Ok(EventFilter::Exact(Event::MemberInvited))
        );
        let members = EventFilter::parse("member.*").unwrap();
        assert_eq!(members, EventFilter::Category(Category::Member));
        assert!(members.matches(Event::MemberLeft));
        assert!(!members.matches(Event::TeamCreated));
        assert_eq!(members.to_query(), "member.*");
        assert_eq!(
            EventFilter::Exact(Event::FundsAdded).to_query(),
            "funds.added"
        );
        let kept: Vec<Event> = EventFilter::Category(Category::ApiKey).events().collect();
        assert_eq!(kept, [Event::ApiKeyCreated, Event::ApiKeyRevoked]);
        for bad in [
            "member",
            "member.",
            "nope.*",
            "MEMBER.invited",
            "*",
            "members.*",
        ] {
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
        assert_eq!(good.event, Some(EventFilter::Exact(Event::FundsAdded)));
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
