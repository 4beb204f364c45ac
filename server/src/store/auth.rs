//! Users, their sessions, and the single-use links mailed to their addresses.

use super::accounts::{account_joins, AccountRow, ACCOUNT_COLUMNS};
use super::pool::{Store, WriteTx};
use super::sql::{millis, millis_opt, parse_column, parse_opt, parsed, Columns, Statement};
use super::tx::{query, query_scalar};
use crate::error::ApiResult;
use crate::two_factor::TotpSecret;
use domain::api::UserView;
use domain::rules::Headcount;
use domain::two_factor::TwoFactor;
use domain::{AccountId, OrgRole, Timestamp, UserId};
use sqlx::Row;
use std::sync::LazyLock;

/// The columns [`UserRow::from_row`] reads, from `users u`.
pub const USER_COLUMNS: &str =
    "u.id, u.email, u.name, u.password_hash, u.email_verified_at, u.totp_secret, u.totp_pending_secret";

static USER_BY_EMAIL: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1"));
static USER_BY_ID: LazyLock<String> =
    LazyLock::new(|| format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"));

/// A session's user and the session, by the token's hash `$1` at `$2`.
static USER_BY_SESSION: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {USER_COLUMNS}, s.id AS session_id, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id
         WHERE s.token_hash = $1 AND s.expires_at > $2"
    )
});

/// A session's user and the account `$3` as that user sees it: the user's
/// `id` and `name` renamed, as the account has its own.
static SESSION_WITH_ACCOUNT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT u.id AS user_id, u.email, u.name AS user_name, u.password_hash, u.email_verified_at,
            u.totp_secret, u.totp_pending_secret, s.id AS session_id, s.last_seen_at, {ACCOUNT_COLUMNS}
         FROM sessions s JOIN users u ON u.id = s.user_id
         LEFT JOIN accounts a ON a.id = $3
         {}
         WHERE s.token_hash = $1 AND s.expires_at > $2",
        account_joins("s.user_id")
    )
});

/// A user as stored.
#[derive(Clone, Debug)]
pub struct UserRow {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    /// When the mailbox answered, if it has.
    pub email_verified_at: Option<Timestamp>,
    /// The authenticator app's secret, once confirmed: two-factor is on.
    pub totp_secret: Option<TotpSecret>,
    /// An authenticator app being set up, not yet confirmed.
    pub totp_pending_secret: Option<TotpSecret>,
}

impl UserRow {
    pub(crate) fn from_row(row: &dyn Columns) -> ApiResult<Self> {
        Self::from_row_named(row, "id", "name")
    }

    /// A user from a row whose `id` and `name` columns are named otherwise
    /// (beside an account's in [`Store::session_with_account`]).
    fn from_row_named(row: &dyn Columns, id: &str, name: &str) -> ApiResult<Self> {
        Ok(Self {
            id: parsed(row, id)?,
            email: row.get("email")?,
            name: row.get(name)?,
            password_hash: row.get("password_hash")?,
            email_verified_at: millis_opt(row, "email_verified_at")?,
            totp_secret: row
                .get::<Option<String>>("totp_secret")?
                .map(TotpSecret::from_stored),
            totp_pending_secret: row
                .get::<Option<String>>("totp_pending_secret")?
                .map(TotpSecret::from_stored),
        })
    }

    pub fn email_verified(&self) -> bool {
        self.email_verified_at.is_some()
    }

    /// Whether sign-in asks this user for a second factor.
    pub fn two_factor_on(&self) -> bool {
        self.totp_secret.is_some()
    }

    /// The wire form, with the second factors counted by the caller
    /// ([`Store::two_factor_of`]).
    pub fn view(&self, two_factor: TwoFactor) -> UserView {
        UserView {
            id: self.id,
            email: self.email.clone(),
            name: self.name.clone(),
            email_verified: self.email_verified(),
            two_factor,
        }
    }
}

/// A signed-in session as the request that carries it sees it.
#[derive(Clone, Debug)]
pub struct SessionRow {
    pub id: String,
    pub last_seen_at: Timestamp,
}

impl SessionRow {
    /// From the `session_id` and `last_seen_at` columns.
    fn from_row(row: &dyn Columns) -> ApiResult<Self> {
        Ok(Self {
            id: row.get("session_id")?,
            last_seen_at: millis(row, "last_seen_at")?,
        })
    }
}

/// A session as the user's list shows it.
#[derive(Clone, Debug)]
pub struct SessionListing {
    pub id: String,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub ip: String,
    pub user_agent: String,
}

/// How stale `last_seen_at` may get before a request writes it again: at most
/// one write per session per minute, however many requests it makes.
pub const LAST_SEEN_PRECISION_MS: i64 = 60_000;

/// What a mailed link is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenPurpose {
    /// Verifies the user's current address.
    VerifyEmail,
    /// Verifies a new address, which then replaces the current one.
    ChangeEmail,
    /// Sets a new password.
    ResetPassword,
}

impl TokenPurpose {
    pub const fn id(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::ChangeEmail => "change_email",
            Self::ResetPassword => "reset_password",
        }
    }
}

impl std::str::FromStr for TokenPurpose {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        [Self::VerifyEmail, Self::ChangeEmail, Self::ResetPassword]
            .into_iter()
            .find(|p| p.id() == s)
            .ok_or(())
    }
}

/// A mailed link's facts, read when it is used.
#[derive(Clone, Debug)]
pub struct EmailToken {
    pub user: UserId,
    pub purpose: TokenPurpose,
    /// The address it was mailed to.
    pub email: String,
    pub expires_at: Timestamp,
}

/// A new session's facts.
#[derive(Clone, Debug)]
pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user: UserId,
    pub expires_at: Timestamp,
    pub ip: &'a str,
    pub user_agent: &'a str,
}

/// One of a user's memberships, with the counts deleting the user needs.
#[derive(Clone, Debug)]
pub struct MembershipFacts {
    pub account: AccountId,
    pub name: String,
    pub role: OrgRole,
    pub headcount: Headcount,
}

impl Store {
    pub async fn user_by_email(&self, email: &str) -> ApiResult<Option<UserRow>> {
        let statement = Statement::of(USER_BY_EMAIL.as_str(), [email.into()]);
        self.read_optional(statement, UserRow::from_row).await
    }

    pub async fn user_by_id(&self, user: UserId) -> ApiResult<Option<UserRow>> {
        let statement = Statement::of(USER_BY_ID.as_str(), [user.to_string().into()]);
        self.read_optional(statement, UserRow::from_row).await
    }

    /// The user signed in with the session whose token hashes to `token_hash`,
    /// and the session.
    pub async fn user_by_session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> ApiResult<Option<(UserRow, SessionRow)>> {
        let statement = Statement::of(
            USER_BY_SESSION.as_str(),
            [token_hash.into(), now.as_millis().into()],
        );
        self.read_optional(statement, |row| {
            Ok((UserRow::from_row(row)?, SessionRow::from_row(row)?))
        })
        .await
    }

    /// [`Store::user_by_session`] and the account `account` as that user sees
    /// it (`None`: no access; [`Store::account_for`]), in one statement: a
    /// request to an account's endpoint is authenticated and its access read
    /// in one round trip.
    pub async fn session_with_account(
        &self,
        token_hash: &str,
        now: Timestamp,
        account: AccountId,
    ) -> ApiResult<Option<(UserRow, SessionRow, Option<AccountRow>)>> {
        let statement = Statement::of(
            SESSION_WITH_ACCOUNT.as_str(),
            [
                token_hash.into(),
                now.as_millis().into(),
                account.to_string().into(),
            ],
        );
        self.read_optional(statement, |row| {
            let user = UserRow::from_row_named(row, "user_id", "user_name")?;
            let session = SessionRow::from_row(row)?;
            Ok((user, session, AccountRow::from_row(row)?))
        })
        .await
    }

    /// Notes that session `id` was used at `now`, unless it was noted less than
    /// a minute ago (so a busy session costs one write a minute).
    pub async fn touch_session(&self, id: &str, now: Timestamp) -> ApiResult<()> {
        let mut tx = self.begin_write().await?;
        query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at <= $3")
            .bind(now.as_millis())
            .bind(id)
            .bind(now.as_millis() - LAST_SEEN_PRECISION_MS)
            .execute(&mut tx)
            .await?;
        tx.commit_without_activity().await
    }

    /// The user whose session's token hashes to `token_hash`, expired or not.
    pub async fn session_user(&self, token_hash: &str) -> ApiResult<Option<UserId>> {
        let user: Option<String> =
            sqlx::query_scalar("SELECT user_id FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .fetch_optional(self.pool())
                .await?;
        parse_opt("user_id", user)
    }

    /// Stores a mailed link's token on its own (a link that changes nothing
    /// until it is used: a new verification mail, a password reset).
    pub async fn issue_token(
        &self,
        token_hash: &str,
        token: &EmailToken,
        now: Timestamp,
    ) -> ApiResult<()> {
        let mut tx = self.begin_write().await?;
        insert_token(&mut tx, token_hash, token, now).await?;
        tx.commit_without_activity().await
    }

    /// The user's unexpired sessions, newest first.
    pub async fn sessions_of(
        &self,
        user: UserId,
        now: Timestamp,
    ) -> ApiResult<Vec<SessionListing>> {
        let rows = sqlx::query(
            "SELECT id, created_at, last_seen_at, ip, user_agent FROM sessions
             WHERE user_id = $1 AND expires_at > $2 ORDER BY created_at DESC, id DESC",
        )
        .bind(user.to_string())
        .bind(now.as_millis())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(SessionListing {
                    id: row.try_get("id")?,
                    created_at: millis(row, "created_at")?,
                    last_seen_at: millis(row, "last_seen_at")?,
                    ip: row.try_get("ip")?,
                    user_agent: row.try_get("user_agent")?,
                })
            })
            .collect()
    }

    /// The user's personal account.
    pub async fn personal_account_of(&self, user: UserId) -> ApiResult<AccountId> {
        let id: String = sqlx::query_scalar("SELECT id FROM accounts WHERE personal_user_id = $1")
            .bind(user.to_string())
            .fetch_one(self.pool())
            .await?;
        parse_column("id", &id)
    }

    /// The user's organizations with their role and each one's counts.
    pub async fn memberships_of(&self, user: UserId) -> ApiResult<Vec<MembershipFacts>> {
        let statement = Statement::of(MEMBERSHIPS, [user.to_string().into()]);
        self.read_all(statement, membership_from_row).await
    }

    /// Removes sessions, mailed links and rate-limit events that no longer matter.
    pub async fn purge_expired(&self, now: Timestamp, rate_horizon: Timestamp) -> ApiResult<()> {
        for (sql, at) in [
            ("DELETE FROM sessions WHERE expires_at <= $1", now),
            ("DELETE FROM email_tokens WHERE expires_at <= $1", now),
            ("DELETE FROM pending_sign_ins WHERE expires_at <= $1", now),
            (
                "DELETE FROM passkey_registrations WHERE expires_at <= $1",
                now,
            ),
            ("DELETE FROM sso_logins WHERE expires_at <= $1", now),
            ("DELETE FROM saml_assertions WHERE expires_at <= $1", now),
            ("DELETE FROM rate_events WHERE at < $1", rate_horizon),
        ] {
            self.execute(query(sql).bind(at.as_millis())).await?;
        }
        Ok(())
    }
}

/// The user's organizations with their role and each one's counts.
const MEMBERSHIPS: &str = "SELECT a.id, a.name, m.role, a.members_count,
        (SELECT COUNT(*) FROM memberships o WHERE o.account_id = a.id AND o.role = 'owner') AS owners
    FROM memberships m JOIN accounts a ON a.id = m.account_id
    WHERE m.user_id = $1 AND a.kind = 'organization' ORDER BY m.joined_at, a.id";

fn membership_from_row(row: &dyn Columns) -> ApiResult<MembershipFacts> {
    let count = |column: &str| -> ApiResult<u32> {
        Ok(u32::try_from(row.get::<i64>(column)?).unwrap_or(u32::MAX))
    };
    Ok(MembershipFacts {
        account: parsed(row, "id")?,
        name: row.get("name")?,
        role: parsed(row, "role")?,
        headcount: Headcount {
            n_members: count("members_count")?,
            n_owners: count("owners")?,
        },
    })
}

/// The user's organizations with their counts, read inside the transaction.
pub async fn memberships_in(tx: &mut WriteTx, user: UserId) -> ApiResult<Vec<MembershipFacts>> {
    query(MEMBERSHIPS)
        .bind(user.to_string())
        .fetch_all(tx)
        .await?
        .iter()
        .map(|row| membership_from_row(row))
        .collect()
}

/// Inserts a user; `false` when the email is already registered.
pub async fn insert_user(tx: &mut WriteTx, user: &UserRow, now: Timestamp) -> ApiResult<bool> {
    let done = query(
        "INSERT INTO users (id, email, name, password_hash, created_at, email_verified_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT DO NOTHING",
    )
    .bind(user.id.to_string())
    .bind(&user.email)
    .bind(&user.name)
    .bind(&user.password_hash)
    .bind(now.as_millis())
    .bind(user.email_verified_at.map(Timestamp::as_millis))
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The user, read inside the transaction after its lock.
pub async fn locked_user(tx: &mut WriteTx, user: UserId) -> ApiResult<Option<UserRow>> {
    lock_user(tx, user).await?;
    let row = query(format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1"
    ))
    .bind(user.to_string())
    .fetch_optional(tx)
    .await?;
    row.as_ref().map(|row| UserRow::from_row(row)).transpose()
}

/// Takes the user's row lock for the rest of the transaction (implied where
/// the transaction runs alone, `WriteTx::runs_alone`: not taken), as
/// `store::accounts::lock_account` takes an account's.
pub async fn lock_user(tx: &mut WriteTx, user: UserId) -> ApiResult<()> {
    if tx.runs_alone() {
        return Ok(());
    }
    query("SELECT 1 FROM users WHERE id = $1 FOR NO KEY UPDATE")
        .bind(user.to_string())
        .execute(tx)
        .await?;
    Ok(())
}

/// Starts a session; returns its public id.
pub async fn insert_session(
    tx: &mut WriteTx,
    session: &NewSession<'_>,
    now: Timestamp,
) -> ApiResult<String> {
    let id = uuid::Uuid::now_v7().to_string();
    query(
        "INSERT INTO sessions (id, token_hash, user_id, created_at, expires_at, last_seen_at, ip, user_agent)
         VALUES ($1, $2, $3, $4, $5, $4, $6, $7)",
    )
    .bind(&id)
    .bind(session.token_hash)
    .bind(session.user.to_string())
    .bind(now.as_millis())
    .bind(session.expires_at.as_millis())
    .bind(session.ip)
    .bind(session.user_agent)
    .execute(tx)
    .await?;
    Ok(id)
}

/// Ends the session with this token hash; the user it belonged to, if it existed.
pub async fn delete_session(tx: &mut WriteTx, token_hash: &str) -> ApiResult<Option<UserId>> {
    let user: Option<String> = query_scalar("SELECT user_id FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(tx)
        .await?;
    query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(tx)
        .await?;
    parse_opt("user_id", user)
}

/// Ends the user's session `id`; `false` if they have none by that id.
pub async fn delete_session_by_id(tx: &mut WriteTx, user: UserId, id: &str) -> ApiResult<bool> {
    let done = query("DELETE FROM sessions WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user.to_string())
        .execute(tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends every session of the user but `keep`; how many ended.
pub async fn delete_other_sessions(tx: &mut WriteTx, user: UserId, keep: &str) -> ApiResult<u64> {
    let done = query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
        .bind(user.to_string())
        .bind(keep)
        .execute(tx)
        .await?;
    Ok(done.rows_affected())
}

/// Replaces the user's password hash; mailed reset links stop working.
pub async fn set_password(tx: &mut WriteTx, user: UserId, password_hash: &str) -> ApiResult<()> {
    query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(password_hash)
        .bind(user.to_string())
        .execute(tx)
        .await?;
    delete_tokens(tx, user, TokenPurpose::ResetPassword).await
}

/// Ends every session of the user; how many there were.
pub async fn delete_sessions_of(tx: &mut WriteTx, user: UserId) -> ApiResult<u64> {
    let done = query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user.to_string())
        .execute(tx)
        .await?;
    Ok(done.rows_affected())
}

/// Marks the user's current address verified (if it is not already).
pub async fn set_email_verified(tx: &mut WriteTx, user: UserId, now: Timestamp) -> ApiResult<bool> {
    let done = query(
        "UPDATE users SET email_verified_at = $1 WHERE id = $2 AND email_verified_at IS NULL",
    )
    .bind(now.as_millis())
    .bind(user.to_string())
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives the user a new, verified address; `false` if another user has it.
pub async fn set_email(
    tx: &mut WriteTx,
    user: UserId,
    email: &str,
    now: Timestamp,
) -> ApiResult<bool> {
    let result = query("UPDATE users SET email = $1, email_verified_at = $2 WHERE id = $3")
        .bind(email)
        .bind(now.as_millis())
        .bind(user.to_string())
        .execute_unless_taken(tx)
        .await;
    Ok(result?.is_some())
}

/// Renames the user, and their personal account with them.
pub async fn set_name(tx: &mut WriteTx, user: UserId, name: &str) -> ApiResult<()> {
    query("UPDATE users SET name = $1 WHERE id = $2")
        .bind(name)
        .bind(user.to_string())
        .execute(tx)
        .await?;
    query("UPDATE accounts SET name = $1 WHERE personal_user_id = $2")
        .bind(name)
        .bind(user.to_string())
        .execute(tx)
        .await?;
    Ok(())
}

/// Whether any user has `email`.
pub async fn email_taken(tx: &mut WriteTx, email: &str) -> ApiResult<bool> {
    let n: i64 = query_scalar("SELECT COUNT(*) FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(tx)
        .await?;
    Ok(n > 0)
}

/// Stores a mailed link's token for `user`; older links of the same purpose
/// stop working (the newest mail's link is the one that works).
pub async fn insert_token(
    tx: &mut WriteTx,
    token_hash: &str,
    token: &EmailToken,
    now: Timestamp,
) -> ApiResult<()> {
    delete_tokens(tx, token.user, token.purpose).await?;
    query(
        "INSERT INTO email_tokens (token_hash, user_id, purpose, email, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(token_hash)
    .bind(token.user.to_string())
    .bind(token.purpose.id())
    .bind(&token.email)
    .bind(now.as_millis())
    .bind(token.expires_at.as_millis())
    .execute(tx)
    .await?;
    Ok(())
}

/// Uses the link whose token hashes to `token_hash` if it is for one of
/// `purposes`: reads it and deletes it, so it works once. `None` when there is
/// none (or it is for another purpose, which stays usable), or it expired.
pub async fn take_token(
    tx: &mut WriteTx,
    token_hash: &str,
    purposes: &[TokenPurpose],
    now: Timestamp,
) -> ApiResult<Option<EmailToken>> {
    let row =
        query("SELECT user_id, purpose, email, expires_at FROM email_tokens WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(tx)
            .await?;
    let Some(row) = row else { return Ok(None) };
    let purpose: String = row.try_get("purpose")?;
    let token = EmailToken {
        user: parsed(&row, "user_id")?,
        purpose: parse_column("purpose", &purpose)?,
        email: row.try_get("email")?,
        expires_at: millis(&row, "expires_at")?,
    };
    if !purposes.contains(&token.purpose) {
        return Ok(None);
    }
    query("DELETE FROM email_tokens WHERE token_hash = $1")
        .bind(token_hash)
        .execute(tx)
        .await?;
    Ok((token.expires_at > now).then_some(token))
}

/// Voids the user's mailed links of `purpose`.
pub async fn delete_tokens(tx: &mut WriteTx, user: UserId, purpose: TokenPurpose) -> ApiResult<()> {
    query("DELETE FROM email_tokens WHERE user_id = $1 AND purpose = $2")
        .bind(user.to_string())
        .bind(purpose.id())
        .execute(tx)
        .await?;
    Ok(())
}

/// Deletes the user with what is theirs alone: their personal account (with
/// its keys and resources), memberships (team places go with them), sessions,
/// API keys, mailed links, and the pending invitations to their address.
/// Invitations they sent, payments and instances keep their rows without them.
pub async fn delete_user(tx: &mut WriteTx, user: UserId, email: &str) -> ApiResult<()> {
    let id = user.to_string();
    query("DELETE FROM invitations WHERE email = $1 AND status = 'pending'")
        .bind(email)
        .execute(tx)
        .await?;
    for sql in [
        "DELETE FROM memberships WHERE user_id = $1",
        "DELETE FROM accounts WHERE personal_user_id = $1",
        "DELETE FROM users WHERE id = $1",
    ] {
        query(sql).bind(&id).execute(tx).await?;
    }
    Ok(())
}

/// The user's personal account.
pub async fn personal_account(tx: &mut WriteTx, user: UserId) -> ApiResult<AccountId> {
    let id: String = query_scalar("SELECT id FROM accounts WHERE personal_user_id = $1")
        .bind(user.to_string())
        .fetch_one(tx)
        .await?;
    parse_column("id", &id)
}

/// The user with this address, read inside the transaction.
pub async fn user_with_email(tx: &mut WriteTx, email: &str) -> ApiResult<Option<UserRow>> {
    let row = query(format!(
        "SELECT {USER_COLUMNS} FROM users u WHERE u.email = $1"
    ))
    .bind(email)
    .fetch_optional(tx)
    .await?;
    row.as_ref().map(|row| UserRow::from_row(row)).transpose()
}
