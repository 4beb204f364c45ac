//! A user's own lifecycle (SPEC §14): registration, sessions, verifying an
//! address, resetting a password, changing the address, deleting the user.
//! Handlers parse and answer; mails are built by `mail::templates` and sent by
//! the handlers once these have committed.

use super::account_tx::Change;
use super::organizations::create_organization;
use crate::error::{ApiError, ApiResult};
use crate::secrets::{random_token, token_hash};
use crate::store::accounts::{
    delete_account, delete_membership, insert_account, insert_membership, lock_account,
};
use crate::store::api_keys::count_keys_of;
use crate::store::auth::{
    delete_sessions_of, insert_session, insert_token, insert_user, locked_user, memberships_in,
    set_email, set_email_verified, set_password, take_token, EmailToken, NewSession, TokenPurpose,
    UserRow,
};
use crate::store::{Actor, NewAccount, Store, Target, WriteTx};
use domain::activity::Event;
use domain::api::{DeletionPlanView, NewOrganization, OrganizationRef};
use domain::identity::{fate_on_deletion, Fate};
use domain::roles::AccountStatus;
use domain::rules::Limits;
use domain::{AccountId, AccountKind, ErrorCode, FieldError, OrgRole, Plan, Timestamp, UserId};
use serde_json::json;

/// Where a sign-in comes from: the client address and its `User-Agent`.
#[derive(Clone, Debug, Default)]
pub struct Client {
    pub ip: String,
    pub user_agent: String,
}

/// A registration's result: the session's token, and the verification link's.
#[derive(Debug)]
pub struct Registered {
    pub session_token: String,
    pub verification_token: String,
}

/// How long things last, from the configuration.
#[derive(Clone, Copy, Debug)]
pub struct Lifetimes {
    pub session: i64,
    pub email_verification: i64,
}

/// Creates `user` with their personal account (and `organization`, owned by
/// them, if given), a first session, and a link verifying their address. An
/// organization at registration leaves the personal account suspended: the
/// organization is what they came for.
pub async fn register(
    store: &Store,
    limits: Limits,
    lifetimes: Lifetimes,
    user: &UserRow,
    organization: Option<&NewOrganization>,
    client: &Client,
    now: Timestamp,
) -> ApiResult<Registered> {
    let mut tx = store.begin_write().await?;
    let status = match organization {
        None => AccountStatus::Active,
        Some(_) => AccountStatus::Suspended,
    };
    let mut last = insert_user_with_personal_account(&mut tx, user, status, now).await?;
    let actor = Actor::user(user.id);
    if let Some(organization) = organization {
        let (id, change) =
            create_organization(&mut tx, limits, user.id, organization, None, now).await?;
        tx.record(last).await?;
        last = change.entry(id, actor, now);
    }
    let verification = EmailToken {
        user: user.id,
        purpose: TokenPurpose::VerifyEmail,
        email: user.email.clone(),
        expires_at: now.plus_seconds(lifetimes.email_verification),
    };
    let verification_token = random_token();
    insert_token(
        &mut tx,
        &token_hash(&verification_token),
        &verification,
        now,
    )
    .await?;
    let session_token = start_session(&mut tx, user.id, client, now, lifetimes.session).await?;
    tx.commit(last).await?;
    Ok(Registered {
        session_token,
        verification_token,
    })
}

/// Inserts `user` with their personal account (409 `email_taken` if the
/// address is registered); the account's `account.created` entry, to record.
pub async fn insert_user_with_personal_account(
    tx: &mut WriteTx,
    user: &UserRow,
    status: AccountStatus,
    now: Timestamp,
) -> ApiResult<crate::store::Entry> {
    if !insert_user(tx, user, now).await? {
        return Err(ApiError::denied(
            ErrorCode::EmailTaken,
            "An account with this email already exists. Sign in instead.",
        ));
    }
    let personal = AccountId::from_uuid(uuid::Uuid::now_v7());
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
        parent: None,
    };
    insert_account(tx, &account, now).await?;
    insert_membership(tx, personal, user.id, OrgRole::Owner, now).await?;
    let payload = json!({ "kind": "personal", "status": status.id() });
    let target = Target::Account(AccountKind::Personal, personal);
    Ok(Change::new(Event::AccountCreated, target, payload).entry(
        personal,
        Actor::user(user.id),
        now,
    ))
}

/// Starts a session for `user` lasting `ttl` seconds from `client`, and returns
/// its token (only its hash is stored).
pub async fn start_session(
    tx: &mut WriteTx,
    user: UserId,
    client: &Client,
    now: Timestamp,
    ttl: i64,
) -> ApiResult<String> {
    let token = random_token();
    let session = NewSession {
        token_hash: &token_hash(&token),
        user,
        expires_at: now.plus_seconds(ttl),
        ip: &client.ip,
        user_agent: &client.user_agent,
    };
    insert_session(tx, &session, now).await?;
    Ok(token)
}

/// A new link for `purpose` mailed to `email`, valid `ttl` seconds: stored in
/// `tx` (older ones of the purpose stop working); returns the token.
pub async fn issue_link(
    tx: &mut WriteTx,
    user: UserId,
    purpose: TokenPurpose,
    email: &str,
    ttl: i64,
    now: Timestamp,
) -> ApiResult<String> {
    let token = random_token();
    let facts = EmailToken {
        user,
        purpose,
        email: email.to_owned(),
        expires_at: now.plus_seconds(ttl),
    };
    insert_token(tx, &token_hash(&token), &facts, now).await?;
    Ok(token)
}

/// 410 `token_invalid`: the link is unknown, used or expired.
pub fn token_invalid() -> ApiError {
    ApiError::denied(
        ErrorCode::TokenInvalid,
        "This link does not work any more: it was used already, it expired, or a newer mail replaced it. Ask for a new one.",
    )
}

/// Follows a verification link: a registration's (the address is verified) or
/// an address change's (the new address replaces the old, verified). Returns
/// the user as they are now. No sign-in needed: the link is the proof.
pub async fn verify_email(store: &Store, token: &str, now: Timestamp) -> ApiResult<UserRow> {
    let mut tx = store.begin_write().await?;
    let purposes = [TokenPurpose::VerifyEmail, TokenPurpose::ChangeEmail];
    let link = take_token(&mut tx, &token_hash(token.trim()), &purposes, now)
        .await?
        .ok_or_else(token_invalid)?;
    let personal = crate::store::auth::personal_account(&mut tx, link.user).await?;
    let user = locked_user(&mut tx, link.user)
        .await?
        .ok_or_else(token_invalid)?;
    let change = match link.purpose {
        TokenPurpose::ChangeEmail => {
            if !set_email(&mut tx, user.id, &link.email, now).await? {
                return Err(ApiError::denied(
                    ErrorCode::EmailTaken,
                    format!("{} belongs to another account now.", link.email),
                ));
            }
            let payload = json!({ "from": user.email, "to": link.email });
            Change::new(Event::UserEmailChanged, Target::User(user.id), payload)
        }
        _ => {
            // A link to an address the user no longer has verifies nothing.
            if link.email != user.email {
                return Err(token_invalid());
            }
            set_email_verified(&mut tx, user.id, now).await?;
            let payload = json!({ "email": user.email });
            Change::new(Event::UserEmailVerified, Target::User(user.id), payload)
        }
    };
    let updated = locked_user(&mut tx, user.id)
        .await?
        .ok_or_else(token_invalid)?;
    tx.commit(change.entry(personal, Actor::user(user.id), now))
        .await?;
    Ok(updated)
}

/// Follows a password reset link: the password becomes `password_hash`, every
/// session ends, and the address counts as verified (the mail reached it).
/// Returns the user and how many sessions ended.
pub async fn reset_password(
    store: &Store,
    token: &str,
    password_hash: &str,
    now: Timestamp,
) -> ApiResult<(UserRow, u64)> {
    let mut tx = store.begin_write().await?;
    let purposes = [TokenPurpose::ResetPassword];
    let link = take_token(&mut tx, &token_hash(token.trim()), &purposes, now)
        .await?
        .ok_or_else(token_invalid)?;
    let personal = crate::store::auth::personal_account(&mut tx, link.user).await?;
    let user = locked_user(&mut tx, link.user)
        .await?
        .ok_or_else(token_invalid)?;
    set_password(&mut tx, user.id, password_hash).await?;
    let ended = delete_sessions_of(&mut tx, user.id).await?;
    if link.email == user.email {
        set_email_verified(&mut tx, user.id, now).await?;
    }
    let payload = json!({ "sessions_ended": ended });
    let change = Change::new(Event::UserPasswordReset, Target::User(user.id), payload);
    tx.commit(change.entry(personal, Actor::user(user.id), now))
        .await?;
    Ok((user, ended))
}

/// What deleting `user` does to each of their organizations.
pub fn deletion_plan(memberships: &[crate::store::auth::MembershipFacts]) -> DeletionPlanView {
    let mut plan = DeletionPlanView::default();
    for membership in memberships {
        let organization = OrganizationRef {
            id: membership.account,
            name: membership.name.clone(),
        };
        match fate_on_deletion(membership.role, membership.headcount) {
            Fate::DeletedWithUser => plan.deleted_with_user.push(organization),
            Fate::Left => plan.left.push(organization),
            Fate::Blocks => plan.blocked.push(organization),
        }
    }
    plan
}

/// 409 `last_owner`, naming each organization that waits for another Owner
/// (`errors`: the organization's id as `field`, a sentence with its name).
fn blocked_by(organizations: &[OrganizationRef]) -> ApiError {
    let names: Vec<&str> = organizations.iter().map(|o| o.name.as_str()).collect();
    let mut problem = domain::Problem::new(
        ErrorCode::LastOwner,
        format!(
            "You are the last Owner of {}, which other members still use. Transfer ownership or make another member an Owner first.",
            names.join(", ")
        ),
    );
    problem.errors = organizations
        .iter()
        .map(|o| {
            FieldError::new(
                o.id.to_string(),
                format!(
                    "{}: transfer ownership or make another member an Owner first",
                    o.name
                ),
            )
        })
        .collect();
    ApiError::Problem(problem)
}

/// Deletes `user` (SPEC §14): refused with `last_owner` while they are the last
/// Owner of an organization others use; organizations where they are the only
/// member go with them; they leave the rest. Locks the organizations first and
/// the user last, the order every other change uses.
pub async fn delete_user(
    store: &Store,
    user: &UserRow,
    now: Timestamp,
) -> ApiResult<DeletionPlanView> {
    for _ in 0..3 {
        let seen: Vec<AccountId> = store
            .memberships_of(user.id)
            .await?
            .iter()
            .map(|m| m.account)
            .collect();
        let mut tx = store.begin_write().await?;
        let mut locked = seen.clone();
        locked.sort_by_key(|a| a.to_string());
        for account in &locked {
            lock_account(&mut tx, *account).await?;
        }
        locked_user(&mut tx, user.id)
            .await?
            .ok_or(ApiError::NotFound("user"))?;
        let facts = memberships_in(&mut tx, user.id).await?;
        if facts.iter().map(|m| m.account).collect::<Vec<_>>() != seen {
            continue; // joined or left meanwhile: look again
        }
        let plan = deletion_plan(&facts);
        if !plan.blocked.is_empty() {
            return Err(blocked_by(&plan.blocked));
        }
        let actor = Actor::user(user.id);
        for organization in &plan.deleted_with_user {
            delete_account(&mut tx, organization.id).await?;
            let payload = json!({ "name": organization.name, "reason": "its only member deleted their user" });
            let target = Target::Account(AccountKind::Organization, organization.id);
            tx.record(Change::new(Event::OrgDeleted, target, payload).entry(
                organization.id,
                actor.clone(),
                now,
            ))
            .await?;
        }
        for membership in facts
            .iter()
            .filter(|m| plan.left.iter().any(|o| o.id == m.account))
        {
            delete_membership(&mut tx, membership.account, user.id).await?;
            let keys = count_keys_of(&mut tx, membership.account, user.id).await?;
            let payload = json!({ "role": membership.role.id(), "api_keys_deactivated": keys, "reason": "deleted their user" });
            tx.record(
                Change::new(Event::MemberLeft, Target::User(user.id), payload).entry(
                    membership.account,
                    actor.clone(),
                    now,
                ),
            )
            .await?;
        }
        let personal = crate::store::auth::personal_account(&mut tx, user.id).await?;
        crate::store::auth::delete_user(&mut tx, user.id, &user.email).await?;
        let payload = json!({ "organizations_deleted": plan.deleted_with_user.len(), "organizations_left": plan.left.len() });
        let change = Change::new(Event::UserDeleted, Target::User(user.id), payload);
        tx.commit(change.entry(personal, actor, now)).await?;
        return Ok(plan);
    }
    Err(ApiError::Internal(
        "the user's organizations kept changing while deleting them".into(),
    ))
}
