//! Reason codes and the wire error (RFC 9457 problem+json).
//!
//! Every refusal anywhere in Orgspace carries an [`ErrorCode`] the app can match on
//! and a sentence a person understands.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a request was refused. The wire form is snake_case (`last_owner`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// A member lacks the permission (403).
    Forbidden,
    /// The change would leave an organization without an Owner (409).
    LastOwner,
    /// The change would leave an organization without members (409).
    LastMember,
    /// The user is already in the maximum number of organizations (409).
    OrgLimitReached,
    /// The plan has no free seat (409).
    MemberLimitReached,
    /// The plan holds fewer members than the organization has (409).
    PlanTooSmall,
    /// The account is suspended and cannot create resources (409).
    AccountSuspended,
    /// The region of an organization cannot change (422).
    RegionImmutable,
    /// The person is already a member (409).
    AlreadyMember,
    /// The email already has a pending invitation (409).
    InvitationPending,
    /// The invitation expired (410).
    InvitationExpired,
    /// The invitation was revoked (410).
    InvitationRevoked,
    /// The invitation is for another email (403).
    InvitationEmailMismatch,
    /// The request is malformed (400) or a field is invalid (422).
    Validation,
    /// Nothing there, or not visible to the caller (404).
    NotFound,
    /// Sign-in is needed (401).
    Unauthenticated,
    /// Too many attempts; retry later (429).
    RateLimited,
    /// The email is already registered (409).
    EmailTaken,
    /// A team that still owns resources cannot be deleted (409).
    TeamNotEmpty,
    /// The endpoint exists but does not take this method (405).
    MethodNotAllowed,
    /// A mailed link's token is unknown, used or expired (410).
    TokenInvalid,
    /// The email is verified already (409).
    AlreadyVerified,
    /// The action needs a verified email (403).
    EmailUnverified,
    /// The password given to confirm an action is wrong (403).
    PasswordIncorrect,
    /// The second factor is needed: an organization requires it (403), or the
    /// change would break that rule (409: requiring it without one's own,
    /// turning one's own off while a member).
    TwoFactorRequired,
    /// The authenticator code, recovery code or passkey did not match (401 at
    /// sign-in; 422 when confirming a new authenticator app).
    TwoFactorCodeInvalid,
    /// The domain's TXT record was not found (409).
    DomainUnverified,
    /// Another organization verified the domain (409).
    DomainTaken,
    /// No organization signs this email's domain in with SSO (404).
    SsoNotConfigured,
    /// The organization requires single sign-on for this address (403).
    SsoRequired,
    /// The link would make a cycle, a hierarchy deeper than 3 levels, or
    /// involve a personal account (409).
    HierarchyInvalid,
    /// An organization with child organizations cannot be deleted (409).
    HasChildren,
    /// The organization is billed to its parent: funds go there (409).
    BilledByParent,
    /// The server failed; the cause is in its log (500).
    Internal,
}

impl ErrorCode {
    /// Every code, in declaration order.
    pub const ALL: [ErrorCode; 34] = [
        Self::Forbidden,
        Self::LastOwner,
        Self::LastMember,
        Self::OrgLimitReached,
        Self::MemberLimitReached,
        Self::PlanTooSmall,
        Self::AccountSuspended,
        Self::RegionImmutable,
        Self::AlreadyMember,
        Self::InvitationPending,
        Self::InvitationExpired,
        Self::InvitationRevoked,
        Self::InvitationEmailMismatch,
        Self::Validation,
        Self::NotFound,
        Self::Unauthenticated,
        Self::RateLimited,
        Self::EmailTaken,
        Self::TeamNotEmpty,
        Self::MethodNotAllowed,
        Self::TokenInvalid,
        Self::AlreadyVerified,
        Self::EmailUnverified,
        Self::PasswordIncorrect,
        Self::TwoFactorRequired,
        Self::TwoFactorCodeInvalid,
        Self::DomainUnverified,
        Self::DomainTaken,
        Self::SsoNotConfigured,
        Self::SsoRequired,
        Self::HierarchyInvalid,
        Self::HasChildren,
        Self::BilledByParent,
        Self::Internal,
    ];

    /// The HTTP status this code is answered with (`Validation` may also be 400 for
    /// a body that is not JSON at all).
    pub const fn status(self) -> u16 {
        match self {
            Self::Forbidden
            | Self::InvitationEmailMismatch
            | Self::EmailUnverified
            | Self::PasswordIncorrect
            | Self::TwoFactorRequired
            | Self::SsoRequired => 403,
            Self::LastOwner
            | Self::LastMember
            | Self::OrgLimitReached
            | Self::MemberLimitReached
            | Self::PlanTooSmall
            | Self::AccountSuspended
            | Self::AlreadyMember
            | Self::InvitationPending
            | Self::EmailTaken
            | Self::TeamNotEmpty
            | Self::AlreadyVerified
            | Self::DomainUnverified
            | Self::DomainTaken
            | Self::HierarchyInvalid
            | Self::HasChildren
            | Self::BilledByParent => 409,
            Self::InvitationExpired | Self::InvitationRevoked | Self::TokenInvalid => 410,
            Self::Validation | Self::RegionImmutable => 422,
            Self::NotFound | Self::SsoNotConfigured => 404,
            Self::Unauthenticated | Self::TwoFactorCodeInvalid => 401,
            Self::RateLimited => 429,
            Self::MethodNotAllowed => 405,
            Self::Internal => 500,
        }
    }

    /// The snake_case wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Forbidden => "forbidden",
            Self::LastOwner => "last_owner",
            Self::LastMember => "last_member",
            Self::OrgLimitReached => "org_limit_reached",
            Self::MemberLimitReached => "member_limit_reached",
            Self::PlanTooSmall => "plan_too_small",
            Self::AccountSuspended => "account_suspended",
            Self::RegionImmutable => "region_immutable",
            Self::AlreadyMember => "already_member",
            Self::InvitationPending => "invitation_pending",
            Self::InvitationExpired => "invitation_expired",
            Self::InvitationRevoked => "invitation_revoked",
            Self::InvitationEmailMismatch => "invitation_email_mismatch",
            Self::Validation => "validation",
            Self::NotFound => "not_found",
            Self::Unauthenticated => "unauthenticated",
            Self::RateLimited => "rate_limited",
            Self::EmailTaken => "email_taken",
            Self::TeamNotEmpty => "team_not_empty",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::TokenInvalid => "token_invalid",
            Self::AlreadyVerified => "already_verified",
            Self::EmailUnverified => "email_unverified",
            Self::PasswordIncorrect => "password_incorrect",
            Self::TwoFactorRequired => "two_factor_required",
            Self::TwoFactorCodeInvalid => "two_factor_code_invalid",
            Self::DomainUnverified => "domain_unverified",
            Self::DomainTaken => "domain_taken",
            Self::SsoNotConfigured => "sso_not_configured",
            Self::SsoRequired => "sso_required",
            Self::HierarchyInvalid => "hierarchy_invalid",
            Self::HasChildren => "has_children",
            Self::BilledByParent => "billed_by_parent",
            Self::Internal => "internal",
        }
    }

    /// A short title for the problem document (the same for every instance).
    pub const fn title(self) -> &'static str {
        match self {
            Self::Forbidden => "Not allowed",
            Self::LastOwner => "Last owner",
            Self::LastMember => "Last member",
            Self::OrgLimitReached => "Organization limit reached",
            Self::MemberLimitReached => "Member limit reached",
            Self::PlanTooSmall => "Plan too small",
            Self::AccountSuspended => "Account suspended",
            Self::RegionImmutable => "Region cannot change",
            Self::AlreadyMember => "Already a member",
            Self::InvitationPending => "Invitation pending",
            Self::InvitationExpired => "Invitation expired",
            Self::InvitationRevoked => "Invitation revoked",
            Self::InvitationEmailMismatch => "Invitation is for another email",
            Self::Validation => "Invalid request",
            Self::NotFound => "Not found",
            Self::Unauthenticated => "Sign-in required",
            Self::RateLimited => "Too many requests",
            Self::EmailTaken => "Email already registered",
            Self::TeamNotEmpty => "Team still owns resources",
            Self::MethodNotAllowed => "Method not allowed",
            Self::TokenInvalid => "Link no longer valid",
            Self::AlreadyVerified => "Email already verified",
            Self::EmailUnverified => "Email not verified",
            Self::PasswordIncorrect => "Wrong password",
            Self::TwoFactorRequired => "Two-factor authentication required",
            Self::TwoFactorCodeInvalid => "Code not accepted",
            Self::DomainUnverified => "Domain not verified",
            Self::DomainTaken => "Domain claimed by another organization",
            Self::SsoNotConfigured => "No single sign-on for this address",
            Self::SsoRequired => "Single sign-on required",
            Self::HierarchyInvalid => "Hierarchy not allowed",
            Self::HasChildren => "Organization has children",
            Self::BilledByParent => "Billed to the parent",
            Self::Internal => "Server error",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A refusal decided by a rule: the code and a sentence for a person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Denial {
    pub code: ErrorCode,
    pub message: String,
}

impl Denial {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl fmt::Display for Denial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// One invalid field of a request: its path (`organization.billing_address.country`)
/// and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The body of every error answer (RFC 9457 `application/problem+json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the kind of problem (`/problems/last_owner`).
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    /// What happened and what to do, for a person.
    pub detail: String,
    pub code: ErrorCode,
    /// The invalid fields, for `validation`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl Problem {
    /// A problem with the code's usual status.
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> Self {
        Self::with_status(code, code.status(), detail)
    }

    /// A problem with an explicit status (a 400 `validation` for unreadable JSON).
    pub fn with_status(code: ErrorCode, status: u16, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("/problems/{}", code.as_str()),
            title: code.title().to_owned(),
            status,
            detail: detail.into(),
            code,
            errors: Vec::new(),
        }
    }

    /// A 422 `validation` problem listing every invalid field.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        let detail = match errors.as_slice() {
            [one] => format!("{}: {}", one.field, one.message),
            _ => format!("{} fields are invalid", errors.len()),
        };
        Self {
            errors,
            ..Self::new(ErrorCode::Validation, detail)
        }
    }
}

impl From<Denial> for Problem {
    fn from(denial: Denial) -> Self {
        Self::new(denial.code, denial.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_the_status_the_spec_names() {
        let expected: &[(ErrorCode, u16)] = &[
            (ErrorCode::Forbidden, 403),
            (ErrorCode::LastOwner, 409),
            (ErrorCode::LastMember, 409),
            (ErrorCode::OrgLimitReached, 409),
            (ErrorCode::MemberLimitReached, 409),
            (ErrorCode::PlanTooSmall, 409),
            (ErrorCode::AccountSuspended, 409),
            (ErrorCode::RegionImmutable, 422),
            (ErrorCode::AlreadyMember, 409),
            (ErrorCode::InvitationPending, 409),
            (ErrorCode::InvitationExpired, 410),
            (ErrorCode::InvitationRevoked, 410),
            (ErrorCode::InvitationEmailMismatch, 403),
            (ErrorCode::Validation, 422),
            (ErrorCode::NotFound, 404),
            (ErrorCode::Unauthenticated, 401),
            (ErrorCode::RateLimited, 429),
            (ErrorCode::EmailTaken, 409),
            (ErrorCode::TeamNotEmpty, 409),
            (ErrorCode::MethodNotAllowed, 405),
            (ErrorCode::TokenInvalid, 410),
            (ErrorCode::AlreadyVerified, 409),
            (ErrorCode::EmailUnverified, 403),
            (ErrorCode::PasswordIncorrect, 403),
            // Also 409 (a change that would break the policy), through `Problem::with_status`.
            (ErrorCode::TwoFactorRequired, 403),
            // Also 422 (confirming a new authenticator app).
            (ErrorCode::TwoFactorCodeInvalid, 401),
            (ErrorCode::DomainUnverified, 409),
            (ErrorCode::DomainTaken, 409),
            (ErrorCode::SsoNotConfigured, 404),
            (ErrorCode::SsoRequired, 403),
            (ErrorCode::HierarchyInvalid, 409),
            (ErrorCode::HasChildren, 409),
            (ErrorCode::BilledByParent, 409),
            (ErrorCode::Internal, 500),
        ];
        assert_eq!(expected.len(), ErrorCode::ALL.len());
        for (code, status) in expected {
            assert_eq!(code.status(), *status, "{code}");
        }
    }

    #[test]
    fn wire_names_match_serde() {
        for code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn problems_serialize_with_type_and_omit_empty_errors() {
        let problem = Problem::new(ErrorCode::LastOwner, "Promote someone first.");
        let json = serde_json::to_value(&problem).unwrap();
        assert_eq!(json["type"], "/problems/last_owner");
        assert_eq!(json["status"], 409);
        assert_eq!(json["code"], "last_owner");
        assert!(json.get("errors").is_none());
    }

    #[test]
    fn validation_problems_list_every_field() {
        let problem = Problem::validation(vec![
            FieldError::new("email", "must not be empty"),
            FieldError::new("name", "must not be empty"),
        ]);
        assert_eq!(problem.status, 422);
        assert_eq!(problem.errors.len(), 2);
        assert_eq!(problem.detail, "2 fields are invalid");
    }
}
