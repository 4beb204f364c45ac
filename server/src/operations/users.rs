//! A user's own lifecycle: registration and sessions.

use super::account_tx::Change;
use super::organizations::create_organization;
use crate::error::{ApiError, ApiResult};
use crate::secrets::{random_token, token_hash};
use crate::store::accounts::{insert_account, insert_membership};
use crate::store::auth::{insert_session, insert_user};
use crate::store::{Actor, NewAccount, Store, Target, UserRow, WriteTx};
use domain::activity::Event;
use domain::api::NewOrganization;
use domain::roles::AccountStatus;
use domain::rules::Limits;
use domain::{AccountId, AccountKind, ErrorCode, OrgRole, Plan, Timestamp, UserId};
use serde_json::json;

/// Creates `user` with their personal account (and `organization`, owned by
/// them, if given) and a first session lasting `session_ttl` seconds; returns
/// the session's token. An organization at registration leaves the personal
/// account suspended: the organization is what they came for.
pub async fn register(
    store: &Store,
    limits: Limits,
    user: &UserRow,
    organization: Option<&NewOrganization>,
    session_ttl: i64,
    now: Timestamp,
) -> ApiResult<String> {
    let mut tx = store.begin_write().await?;
    if !insert_user(&mut tx, user, now).await? {
        return Err(ApiError::denied(
            ErrorCode::EmailTaken,
            "An account with this email already exists. Sign in instead.",
        ));
    }
    let personal = AccountId::from_uuid(uuid::Uuid::now_v7());
    let status = match organization {
        None => AccountStatus::Active,
        Some(_) => AccountStatus::Suspended,
    };
    let account = NewAccount {
        id: personal,
        kind: AccountKind::Personal,
        name: &user.name,
        slug: None,
        personal_user_id: Some(user.id),
        status,
        plan: Plan::PERSONAL,
        region: None,
        billing_address: None,
    };
    insert_account(&mut tx, &account, now).await?;
    insert_membership(&mut tx, personal, user.id, OrgRole::Owner, now).await?;
    let actor = Actor::user(user.id);
    let payload = json!({ "kind": "personal", "status": status.id() });
    let target = Target::Account(AccountKind::Personal, personal);
    let mut last =
        Change::new(Event::AccountCreated, target, payload).entry(personal, actor.clone(), now);
    if let Some(organization) = organization {
        let (id, change) = create_organization(&mut tx, limits, user.id, organization, now).await?;
        tx.record(last).await?;
        last = change.entry(id, actor, now);
    }
    let token = start_session(&mut tx, user.id, now, session_ttl).await?;
    tx.commit(last).await?;
    Ok(token)
}

/// Starts a session for `user` lasting `ttl` seconds and returns its token
/// (only its hash is stored).
pub async fn start_session(
    tx: &mut WriteTx,
    user: UserId,
    now: Timestamp,
    ttl: i64,
) -> ApiResult<String> {
    let token = random_token();
    insert_session(tx, &token_hash(&token), user, now, now.plus_seconds(ttl)).await?;
    Ok(token)
}
