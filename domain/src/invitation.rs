//! The invitation state machine (SPEC §5).
//!
//! An invitation is `pending` until it is accepted, declined or revoked, or until
//! its expiry passes, when it is `expired` — a real status, not a stale pending.
//! Every transition consumes the old state and takes `now`, so expiry is tested
//! without a clock.

use crate::error::{Denial, ErrorCode};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Where an invitation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    Pending,
    Accepted,
    Declined,
    Revoked,
    Expired,
}

impl InvitationStatus {
    pub const ALL: [InvitationStatus; 5] = [
        Self::Pending,
        Self::Accepted,
        Self::Declined,
        Self::Revoked,
        Self::Expired,
    ];

    pub const fn id(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Declined => "declined",
            Self::Revoked => "revoked",
            Self::Expired => "expired",
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending",
            Self::Accepted => "Accepted",
            Self::Declined => "Declined",
            Self::Revoked => "Revoked",
            Self::Expired => "Expired",
        }
    }
}

text_enum!(InvitationStatus);

/// An invitation's status and expiry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InvitationState {
    status: InvitationStatus,
    expires_at: Timestamp,
}

impl InvitationState {
    /// A new invitation, valid for `ttl_seconds` from `now`.
    pub fn new(now: Timestamp, ttl_seconds: i64) -> Self {
        Self {
            status: InvitationStatus::Pending,
            expires_at: now.plus_seconds(ttl_seconds),
        }
    }

    /// An invitation as stored.
    pub fn from_parts(status: InvitationStatus, expires_at: Timestamp) -> Self {
        Self { status, expires_at }
    }

    pub fn expires_at(self) -> Timestamp {
        self.expires_at
    }

    /// The status at `now`: a pending invitation past its expiry is expired.
    pub fn status_at(self, now: Timestamp) -> InvitationStatus {
        match self.status {
            InvitationStatus::Pending if now >= self.expires_at => InvitationStatus::Expired,
            status => status,
        }
    }

    /// Whether it holds a seat of the plan at `now` (only pending ones do).
    pub fn holds_seat(self, now: Timestamp) -> bool {
        self.status_at(now) == InvitationStatus::Pending
    }

    fn require_pending(self, now: Timestamp) -> Result<(), Denial> {
        match self.status_at(now) {
            InvitationStatus::Pending => Ok(()),
            InvitationStatus::Expired => Err(Denial::new(
                ErrorCode::InvitationExpired,
                "This invitation has expired. Ask an Owner of the organization to send it again.",
            )),
            InvitationStatus::Revoked => Err(Denial::new(
                ErrorCode::InvitationRevoked,
                "This invitation was revoked by the organization.",
            )),
            InvitationStatus::Declined => Err(Denial::new(
                ErrorCode::InvitationRevoked,
                "This invitation was declined. Ask an Owner of the organization for a new one.",
            )),
            InvitationStatus::Accepted => Err(Denial::new(
                ErrorCode::AlreadyMember,
                "This invitation was already accepted.",
            )),
        }
    }

    /// The invitee joins.
    pub fn accept(self, now: Timestamp) -> Result<Self, Denial> {
        self.require_pending(now)?;
        Ok(Self {
            status: InvitationStatus::Accepted,
            ..self
        })
    }

    /// The invitee says no.
    pub fn decline(self, now: Timestamp) -> Result<Self, Denial> {
        self.require_pending(now)?;
        Ok(Self {
            status: InvitationStatus::Declined,
            ..self
        })
    }

    /// An Owner withdraws it; an expired invitation may be revoked too.
    pub fn revoke(self, now: Timestamp) -> Result<Self, Denial> {
        match self.status_at(now) {
            InvitationStatus::Pending | InvitationStatus::Expired => Ok(Self {
                status: InvitationStatus::Revoked,
                ..self
            }),
            _ => self.require_pending(now).map(|()| self),
        }
    }

    /// An Owner sends it again: pending with a new expiry. Pending, expired,
    /// revoked and declined invitations can be resent; an accepted one cannot.
    pub fn resend(self, now: Timestamp, ttl_seconds: i64) -> Result<Self, Denial> {
        match self.status_at(now) {
            InvitationStatus::Accepted => Err(Denial::new(
                ErrorCode::AlreadyMember,
                "This invitation was accepted; the person is already a member.",
            )),
            InvitationStatus::Pending
            | InvitationStatus::Expired
            | InvitationStatus::Revoked
            | InvitationStatus::Declined => Ok(Self::new(now, ttl_seconds)),
        }
    }

    /// The status to store.
    pub fn status(self) -> InvitationStatus {
        self.status
    }
}

/// Whether the signed-in `email` may answer an invitation sent to `invited`.
pub fn check_invitee(invited: &str, email: &str) -> Result<(), Denial> {
    if invited.eq_ignore_ascii_case(email) {
        Ok(())
    } else {
        Err(Denial::new(
            ErrorCode::InvitationEmailMismatch,
            format!("This invitation is for {invited}, but you are signed in as {email}. Sign in with {invited} to answer it."),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400;

    fn at(seconds: i64) -> Timestamp {
        Timestamp::from_millis(seconds * 1000)
    }

    fn code<T>(result: Result<T, Denial>) -> ErrorCode {
        result.err().map(|d| d.code).expect("a denial")
    }

    #[test]
    fn an_invitation_expires_seven_days_after_it_was_sent() {
        let invitation = InvitationState::new(at(0), 7 * DAY);
        assert_eq!(
            invitation.status_at(at(7 * DAY - 1)),
            InvitationStatus::Pending
        );
        assert_eq!(invitation.status_at(at(7 * DAY)), InvitationStatus::Expired);
        assert!(invitation.holds_seat(at(1)));
        assert!(!invitation.holds_seat(at(7 * DAY)));
    }

    #[test]
    fn a_pending_invitation_can_be_accepted_declined_or_revoked_once() {
        let invitation = InvitationState::new(at(0), DAY);
        let accepted = invitation.accept(at(10)).unwrap();
        assert_eq!(accepted.status(), InvitationStatus::Accepted);
        assert_eq!(code(accepted.accept(at(11))), ErrorCode::AlreadyMember);
        assert_eq!(code(accepted.decline(at(11))), ErrorCode::AlreadyMember);
        let declined = invitation.decline(at(10)).unwrap();
        assert_eq!(code(declined.accept(at(11))), ErrorCode::InvitationRevoked);
        let revoked = invitation.revoke(at(10)).unwrap();
        assert_eq!(code(revoked.accept(at(11))), ErrorCode::InvitationRevoked);
        assert_eq!(code(revoked.decline(at(11))), ErrorCode::InvitationRevoked);
    }

    #[test]
    fn an_expired_invitation_cannot_be_answered_but_can_be_resent_or_revoked() {
        let invitation = InvitationState::new(at(0), DAY);
        assert_eq!(
            code(invitation.accept(at(DAY))),
            ErrorCode::InvitationExpired
        );
        assert_eq!(
            code(invitation.decline(at(DAY + 5))),
            ErrorCode::InvitationExpired
        );
        let resent = invitation.resend(at(2 * DAY), DAY).unwrap();
        assert_eq!(resent.status_at(at(2 * DAY)), InvitationStatus::Pending);
        assert_eq!(resent.expires_at(), at(3 * DAY));
        assert!(resent.accept(at(2 * DAY + 1)).is_ok());
        assert_eq!(
            invitation.revoke(at(DAY)).unwrap().status(),
            InvitationStatus::Revoked
        );
    }

    #[test]
    fn resending_renews_pending_revoked_and_declined_but_not_accepted() {
        let invitation = InvitationState::new(at(0), DAY);
        assert_eq!(
            invitation.resend(at(100), DAY).unwrap().expires_at(),
            at(100 + DAY)
        );
        let revoked = invitation.revoke(at(5)).unwrap();
        assert_eq!(
            revoked.resend(at(6), DAY).unwrap().status(),
            InvitationStatus::Pending
        );
        let declined = invitation.decline(at(5)).unwrap();
        assert_eq!(
            declined.resend(at(6), DAY).unwrap().status(),
            InvitationStatus::Pending
        );
        let accepted = invitation.accept(at(5)).unwrap();
        assert_eq!(code(accepted.resend(at(6), DAY)), ErrorCode::AlreadyMember);
        assert_eq!(code(accepted.revoke(at(6))), ErrorCode::AlreadyMember);
    }

    #[test]
    fn only_the_invited_email_answers() {
        assert_eq!(check_invitee("ana@acme.test", "ana@acme.test"), Ok(()));
        let denial = check_invitee("ana@acme.test", "bob@acme.test").unwrap_err();
        assert_eq!(denial.code, ErrorCode::InvitationEmailMismatch);
        assert!(denial.message.contains("ana@acme.test"));
    }

    #[test]
    fn statuses_round_trip() {
        for status in InvitationStatus::ALL {
            assert_eq!(status.id().parse::<InvitationStatus>(), Ok(status));
        }
    }
}
