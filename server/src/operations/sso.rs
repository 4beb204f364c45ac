//! Signing in with an organization's identity provider (SPEC §16): the person
//! the provider vouches for becomes (or is matched to) a user with that
//! verified address, joins the organization with the connection's default
//! role and team if not a member yet, and gets a session — one transaction.

use super::account_tx::Change;
use super::users::{insert_user_with_personal_account, start_session, Client};
use crate::error::ApiResult;
use crate::secrets::{hash_password, random_token};
use crate::store::accounts::{
    count_organizations, headcount, insert_membership, lock_account, name_and_plan,
};
use crate::store::auth::{lock_user, set_email_verified, user_with_email, UserRow};
use crate::store::invitations::count_pending;
use crate::store::members::member_role;
use crate::store::sso::ConnectionRow;
use crate::store::teams::add_team_member;
use crate::store::{Actor, Store, Target};
use domain::activity::Event;
use domain::roles::AccountStatus;
use domain::rules::{check_join, check_seat, Limits};
use domain::text::{DisplayName, Email};
use domain::{TeamRole, Timestamp, UserId};
use serde_json::json;

/// A signed-in SSO user: who, their session's token, whether they just joined.
#[derive(Debug)]
pub struct SsoSession {
    pub user: UserRow,
    pub token: String,
    pub joined: bool,
}

/// Whom the organization's provider vouched for, and where they sign in from.
#[derive(Debug)]
pub struct Vouched<'a> {
    pub connection: &'a ConnectionRow,
    pub email: &'a Email,
    pub name: Option<&'a str>,
    pub client: &'a Client,
}

/// Signs the person the provider vouched for in.
pub async fn sign_in(
    store: &Store,
    limits: Limits,
    session_ttl: i64,
    vouched: Vouched<'_>,
    now: Timestamp,
) -> ApiResult<SsoSession> {
    let Vouched {
        connection,
        email,
        name,
        client,
    } = vouched;
    let account = connection.account;
    // A new user's password is random and never told: they sign in with SSO,
    // or set one through "Forgot password?".
    let unusable_password = hash_password(random_token()).await?;
    let mut tx = store.begin_write().await?;
    lock_account(&mut tx, account).await?;
    let actor_for = |user: UserId| Actor::user(user);
    let user = match user_with_email(&mut tx, email.as_str()).await? {
        Some(user) => {
            lock_user(&mut tx, user.id).await?;
            // The provider of the domain's owner vouched for the address.
            set_email_verified(&mut tx, user.id, now).await?;
            user
        }
        None => {
            let display = name
                .and_then(|n| DisplayName::parse(n).ok())
                .map(|n| n.as_str().to_owned())
                .unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("").to_owned());
            let user = UserRow {
                id: UserId::from_uuid(uuid::Uuid::now_v7()),
                email: email.as_str().to_owned(),
                name: display,
                password_hash: unusable_password,
                email_verified_at: Some(now),
                totp_secret: None,
                totp_pending_secret: None,
            };
            let created =
                insert_user_with_personal_account(&mut tx, &user, AccountStatus::Active, now)
                    .await?;
            tx.record(created).await?;
            user
        }
    };
    let joined = member_role(&mut tx, account, user.id).await?.is_none();
    if joined {
        check_join(count_organizations(&mut tx, user.id).await?, limits)?;
        let (_, plan) = name_and_plan(&mut tx, account).await?;
        let members = headcount(&mut tx, account).await?.n_members;
        check_seat(plan, members, count_pending(&mut tx, account).await?)?;
        insert_membership(&mut tx, account, user.id, connection.default_role, now).await?;
        if let Some(team) = connection.default_team {
            add_team_member(&mut tx, account, team, user.id, TeamRole::TeamMember).await?;
        }
        let payload = json!({ "role": connection.default_role.id(), "via": "sso" });
        let entry = Change::new(Event::MemberJoined, Target::User(user.id), payload);
        tx.record(entry.entry(account, actor_for(user.id), now))
            .await?;
    }
    let token = start_session(&mut tx, user.id, client, now, session_ttl).await?;
    let payload =
        json!({ "client": client.ip, "user_agent": client.user_agent, "email": user.email });
    let entry = Change::new(Event::SsoSignedIn, Target::User(user.id), payload);
    tx.commit(entry.entry(account, actor_for(user.id), now))
        .await?;
    Ok(SsoSession {
        user,
        token,
        joined,
    })
}
