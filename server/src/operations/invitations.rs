//! Answering an invitation: accepting (by id or by the mailed token) and
//! declining. The invitee is not a member yet, so these lock the organization
//! themselves and record as the invitee.

use super::account_tx::Change;
use crate::error::{ApiError, ApiResult};
use crate::store::accounts::{account_in, count_organizations, insert_membership, lock_account};
use crate::store::auth::{lock_user, set_email_verified};
use crate::store::invitations::{invitation_facts, save_state, InvitationKey};
use crate::store::members::member_role;
use crate::store::teams::add_team_member;
use crate::store::{AccountRow, Actor, Store, Target, UserRow};
use domain::activity::Event;
use domain::api::InvitationView;
use domain::ids::InvitationId;
use domain::invitation::check_invitee;
use domain::rules::{check_join, Limits};
use domain::two_factor::may_join;
use domain::{ErrorCode, Timestamp};
use serde_json::json;

/// The invitation `id`, or 404.
pub async fn invitation(
    store: &Store,
    key: InvitationKey<'_>,
    now: Timestamp,
) -> ApiResult<InvitationView> {
    store
        .invitation(key, now)
        .await?
        .ok_or(ApiError::NotFound("invitation"))
}

/// How the invitee shows that the invited mailbox is theirs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Proof {
    /// Their address is verified already (accepting by id).
    VerifiedEmail,
    /// They hold the token mailed with the invitation: accepting verifies
    /// their address too, in the same transaction.
    MailedToken,
}

/// Accepts `invitation_id` as `user`: the email must match, the invitation be
/// pending and unexpired, the user under the organization limit and, if the
/// organization requires it, with two-factor on. Race-free:
/// the organization's and the user's row locks order concurrent accepts, and the
/// membership's primary key admits one row. Returns the organization as the
/// new member sees it.
pub async fn accept_invitation(
    store: &Store,
    limits: Limits,
    user: &UserRow,
    invitation_id: InvitationId,
    proof: Proof,
    now: Timestamp,
) -> ApiResult<AccountRow> {
    let view = invitation(store, InvitationKey::Id(invitation_id), now).await?;
    check_invitee(&view.email, &user.email)?;
    let mut tx = store.begin_write().await?;
    lock_account(&mut tx, view.account_id).await?;
    lock_user(&mut tx, user.id).await?;
    let facts = invitation_facts(&mut tx, invitation_id)
        .await?
        .ok_or(ApiError::NotFound("invitation"))?;
    let accepted = facts.state.accept(now)?;
    if member_role(&mut tx, facts.account, user.id)
        .await?
        .is_some()
    {
        return Err(ApiError::denied(
            ErrorCode::AlreadyMember,
            format!("You are already a member of {}.", view.account_name),
        ));
    }
    check_join(count_organizations(&mut tx, user.id).await?, limits)?;
    insert_membership(&mut tx, facts.account, user.id, facts.role, now).await?;
    for (team, role) in &facts.teams {
        add_team_member(&mut tx, facts.account, *team, user.id, *role).await?;
    }
    save_state(&mut tx, invitation_id, accepted, None).await?;
    if proof == Proof::MailedToken {
        set_email_verified(&mut tx, user.id, now).await?;
    }
    // Read under the organization's lock (taken above); refusing rolls the
    // membership back.
    let account = account_in(&mut tx, facts.account, user.id)
        .await?
        .ok_or(ApiError::NotFound("account"))?;
    may_join(
        &account.name,
        account.requires_two_factor(),
        user.two_factor_on(),
    )?;
    let change = Change::new(
        Event::MemberJoined,
        Target::User(user.id),
        json!({ "invitation_id": invitation_id.to_string(), "role": facts.role.id() }),
    );
    tx.commit(change.entry(facts.account, Actor::user(user.id), now))
        .await?;
    Ok(account)
}

/// Declines `invitation_id` as `actor` (whose email is `email`).
pub async fn decline_invitation(
    store: &Store,
    actor: Actor,
    email: &str,
    invitation_id: InvitationId,
    now: Timestamp,
) -> ApiResult<()> {
    let view = invitation(store, InvitationKey::Id(invitation_id), now).await?;
    check_invitee(&view.email, email)?;
    let mut tx = store.begin_write().await?;
    lock_account(&mut tx, view.account_id).await?;
    let facts = invitation_facts(&mut tx, invitation_id)
        .await?
        .ok_or(ApiError::NotFound("invitation"))?;
    let declined = facts.state.decline(now)?;
    save_state(&mut tx, invitation_id, declined, None).await?;
    let change = Change::new(
        Event::MemberInvitationDeclined,
        Target::Invitation(invitation_id),
        json!({ "email": facts.email }),
    );
    tx.commit(change.entry(facts.account, actor, now)).await
}
