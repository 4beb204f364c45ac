//! Taking a member out of an organization: leaving, or removal by an Owner.

use super::account_tx::{AccountTx, Change};
use crate::error::{ApiError, ApiResult};
use crate::store::accounts::{delete_membership, member_standing};
use crate::store::api_keys::count_keys_of;
use crate::store::Target;
use domain::activity::Event;
use domain::rules::{check_leave, check_remove};
use domain::UserId;
use serde_json::json;

/// Takes `member` out of the account of `tx`: leaving when the actor is the
/// member, removal otherwise (the caller decided the permission); 404 when
/// they are not a member. Their team places go with the membership; their
/// keys here stop working. Returns the change to commit.
pub async fn remove_member(tx: &mut AccountTx, member: UserId) -> ApiResult<Change> {
    let account = tx.account().id;
    let kind = tx.account().kind;
    let (role, count) = member_standing(tx.tx(), account, member)
        .await?
        .ok_or(ApiError::NotFound("member"))?;
    let event = if member == tx.actor().user {
        check_leave(kind, role, count)?;
        Event::MemberLeft
    } else {
        check_remove(role, count)?;
        Event::MemberRemoved
    };
    delete_membership(tx.tx(), account, member).await?;
    // Their keys here stop working with the membership (and work again if they rejoin).
    let keys = count_keys_of(tx.tx(), account, member).await?;
    Ok(Change::new(
        event,
        Target::User(member),
        json!({ "role": role.id(), "api_keys_deactivated": keys }),
    ))
}
