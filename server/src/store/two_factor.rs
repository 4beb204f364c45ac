//! Second factors (SPEC §15): authenticator secrets, recovery codes, passkeys,
//! sign-ins waiting for their second factor, and the organization policy.

use super::accounts::{accounts_of_with, AccountRow};
use super::auth::UserRow;
use super::pool::{Store, WriteTx};
use super::sql::Columns;
use super::sql::{count, millis, millis_opt, parse_column, Statement};
use super::tx::{query, query_scalar};
use crate::error::ApiResult;
use crate::two_factor::TotpSecret;
use domain::api::{PasskeyView, UserView};
use domain::two_factor::TwoFactor;
use domain::{Timestamp, UserId};
use sqlx::Row;
use std::sync::LazyLock;

/// A stored passkey: what the list shows and the WebAuthn record.
#[derive(Clone, Debug)]
pub struct PasskeyRow {
    pub id: String,
    pub name: String,
    pub created_at: Timestamp,
    pub last_used_at: Option<Timestamp>,
    /// `webauthn_rs::prelude::Passkey` as JSON.
    pub passkey: String,
}

impl PasskeyRow {
    fn from_row(row: &dyn Columns) -> ApiResult<Self> {
        Ok(Self {
            id: row.get("id")?,
            name: row.get("name")?,
            created_at: millis(row, "created_at")?,
            last_used_at: millis_opt(row, "last_used_at")?,
            passkey: row.get("passkey")?,
        })
    }

    pub fn view(&self) -> PasskeyView {
        PasskeyView {
            id: self.id.clone(),
            name: self.name.clone(),
            created_at: self.created_at,
            last_used_at: self.last_used_at,
        }
    }
}

/// A sign-in waiting for its second factor.
#[derive(Clone, Debug)]
pub struct PendingSignIn {
    pub user: UserId,
    /// The passkey challenge in progress, as JSON.
    pub passkey_state: Option<String>,
}

const PASSKEY_COLUMNS: &str = "id, name, created_at, last_used_at, passkey";

/// The user's second factors and the pending invitations to an address,
/// counted: the columns `passkeys`, `codes` and `invitations`, for the user
/// `{user}`, the address `{email}` (NULL: none) and the time `{now}`.
fn counts(user: &str, email: &str, now: &str) -> String {
    format!(
        "(SELECT COUNT(*) FROM passkeys p WHERE p.user_id = {user}) AS passkeys,
         (SELECT COUNT(*) FROM recovery_codes r WHERE r.user_id = {user} AND r.used_at IS NULL) AS codes,
         (SELECT COUNT(*) FROM invitations i
           WHERE i.email = {email} AND i.status = 'pending' AND i.expires_at > {now}) AS invitations"
    )
}

/// [`counts`] alone.
static COUNTED: LazyLock<String> = LazyLock::new(|| format!("SELECT {}", counts("$1", "$2", "$3")));

/// The user's accounts with [`counts`] ([`Store::who_am_i`]).
static WHO_AM_I: LazyLock<String> =
    LazyLock::new(|| accounts_of_with(&format!(", {}", counts("$1", "$3", "$4"))));

/// The second factors (with the authenticator's `totp`) and the invitations
/// of a row with [`counts`].
fn counted_from_row(row: &dyn Columns, totp: bool) -> ApiResult<(TwoFactor, u64)> {
    let small = |column: &str| -> ApiResult<u32> {
        Ok(u32::try_from(row.get::<i64>(column)?).unwrap_or(u32::MAX))
    };
    let two_factor = TwoFactor::new(totp, small("passkeys")?, small("codes")?);
    Ok((two_factor, count(row.get("invitations")?)))
}

impl Store {
    /// The user as `GET /api/me` shows them, second factors counted.
    pub async fn user_view(&self, user: &UserRow) -> ApiResult<UserView> {
        let two_factor = self.two_factor_of(user.id, user.two_factor_on()).await?;
        Ok(user.view(two_factor))
    }

    /// `GET /api/me` in one statement: the user's accounts ([`Store::accounts_of`])
    /// with, on every row, their second factors and the pending invitations
    /// addressed to them (none until their address is verified) counted.
    /// The counts depend on the parameters only, so each is computed once per
    /// statement (an InitPlan on PostgreSQL; SQLite keeps an uncorrelated
    /// subquery's result), not per account. Apart, they were a statement more,
    /// a round trip to PostgreSQL.
    pub async fn who_am_i(
        &self,
        user: &UserRow,
        now: Timestamp,
    ) -> ApiResult<(UserView, Vec<AccountRow>, u64)> {
        let invited = user.email_verified().then_some(user.email.as_str());
        let statement = Statement::of(
            WHO_AM_I.as_str(),
            [
                user.id.to_string().into(),
                user.id.to_string().into(),
                invited.into(),
                now.as_millis().into(),
            ],
        );
        let mut counted = None;
        let accounts = self
            .read_all(statement, |row| {
                if counted.is_none() {
                    counted = Some(counted_from_row(row, user.two_factor_on())?);
                }
                AccountRow::from_row(row)
            })
            .await?;
        // Everyone has their personal account; without it, the counts apart.
        let (two_factor, pending) = match counted {
            Some(counted) => counted,
            None => {
                self.second_factors_and_invitations(user.id, user.two_factor_on(), invited, now)
                    .await?
            }
        };
        let accounts = accounts.into_iter().flatten().collect();
        Ok((user.view(two_factor), accounts, pending))
    }

    /// The user's second factors, counted.
    pub async fn two_factor_of(&self, user: UserId, totp: bool) -> ApiResult<TwoFactor> {
        let none = self
            .second_factors_and_invitations(user, totp, None, Timestamp::from_millis(0))
            .await?;
        Ok(none.0)
    }

    /// The user's second factors counted, and the pending invitations to
    /// `invited` unexpired at `now` (0 without an address).
    async fn second_factors_and_invitations(
        &self,
        user: UserId,
        totp: bool,
        invited: Option<&str>,
        now: Timestamp,
    ) -> ApiResult<(TwoFactor, u64)> {
        let statement = Statement::of(
            COUNTED.as_str(),
            [
                user.to_string().into(),
                invited.into(),
                now.as_millis().into(),
            ],
        );
        self.read_one(statement, |row| counted_from_row(row, totp))
            .await
    }

    /// The user's passkeys, oldest first.
    pub async fn passkeys_of(&self, user: UserId) -> ApiResult<Vec<PasskeyRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {PASSKEY_COLUMNS} FROM passkeys WHERE user_id = $1 ORDER BY created_at, id"
        ))
        .bind(user.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|row| PasskeyRow::from_row(row)).collect()
    }

    /// Keeps a passkey registration's challenge for `user` (replacing any
    /// earlier one) until `expires_at`.
    pub async fn put_passkey_registration(
        &self,
        user: UserId,
        state: &str,
        expires_at: Timestamp,
    ) -> ApiResult<()> {
        let mut tx = self.begin_write().await?;
        query("DELETE FROM passkey_registrations WHERE user_id = $1")
            .bind(user.to_string())
            .execute(&mut tx)
            .await?;
        query("INSERT INTO passkey_registrations (user_id, state, expires_at) VALUES ($1, $2, $3)")
            .bind(user.to_string())
            .bind(state)
            .bind(expires_at.as_millis())
            .execute(&mut tx)
            .await?;
        tx.commit_without_activity().await
    }

    /// Starts a sign-in that waits for its second factor.
    pub async fn insert_pending_sign_in(
        &self,
        token_hash: &str,
        user: UserId,
        now: Timestamp,
        expires_at: Timestamp,
    ) -> ApiResult<()> {
        let mut tx = self.begin_write().await?;
        query(
            "INSERT INTO pending_sign_ins (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash)
        .bind(user.to_string())
        .bind(now.as_millis())
        .bind(expires_at.as_millis())
        .execute(&mut tx)
        .await?;
        tx.commit_without_activity().await
    }

    /// The unexpired sign-in waiting under `token_hash`.
    pub async fn pending_sign_in(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> ApiResult<Option<PendingSignIn>> {
        let row = sqlx::query(
            "SELECT user_id, passkey_state FROM pending_sign_ins WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now.as_millis())
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            let user: String = row.try_get("user_id")?;
            Ok(PendingSignIn {
                user: parse_column("user_id", &user)?,
                passkey_state: row.try_get("passkey_state")?,
            })
        })
        .transpose()
    }

    /// Keeps the passkey challenge of a pending sign-in.
    pub async fn set_pending_passkey_state(&self, token_hash: &str, state: &str) -> ApiResult<()> {
        let mut tx = self.begin_write().await?;
        query("UPDATE pending_sign_ins SET passkey_state = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(state)
            .execute(&mut tx)
            .await?;
        tx.commit_without_activity().await
    }

    /// Sets up (not yet confirms) an authenticator app's secret: nothing is
    /// on until a code confirms it, so this changes no account.
    pub async fn set_pending_totp(&self, user: UserId, secret: &TotpSecret) -> ApiResult<()> {
        let mut tx = self.begin_write().await?;
        query("UPDATE users SET totp_pending_secret = $2 WHERE id = $1")
            .bind(user.to_string())
            .bind(secret.as_str())
            .execute(&mut tx)
            .await?;
        tx.commit_without_activity().await
    }
}

/// The names of the organizations `user` belongs to that require two-factor.
pub async fn organizations_requiring_two_factor(
    tx: &mut WriteTx,
    user: UserId,
) -> ApiResult<Vec<String>> {
    let names: Vec<String> = query_scalar(
        "SELECT a.name FROM memberships m JOIN accounts a ON a.id = m.account_id
         WHERE m.user_id = $1 AND a.two_factor_required_at IS NOT NULL ORDER BY a.name",
    )
    .bind(user.to_string())
    .fetch_all(tx)
    .await?;
    Ok(names)
}

/// Makes the secret being set up the user's authenticator, its code of `step`
/// used.
pub async fn confirm_totp(
    tx: &mut WriteTx,
    user: UserId,
    secret: &TotpSecret,
    step: u64,
) -> ApiResult<()> {
    query(
        "UPDATE users SET totp_secret = $2, totp_pending_secret = NULL, totp_last_step = $3 WHERE id = $1",
    )
    .bind(user.to_string())
    .bind(secret.as_str())
    .bind(i64::try_from(step).unwrap_or(i64::MAX))
    .execute(tx)
    .await?;
    Ok(())
}

/// Uses the code of `step`: `false` if a code of this step or a later one was
/// used already (a replayed code). One statement, so two requests with the
/// same code cannot both pass.
pub async fn use_totp_step(tx: &mut WriteTx, user: UserId, step: u64) -> ApiResult<bool> {
    let done = query(
        "UPDATE users SET totp_last_step = $2
         WHERE id = $1 AND totp_secret IS NOT NULL AND (totp_last_step IS NULL OR totp_last_step < $2)",
    )
    .bind(user.to_string())
    .bind(i64::try_from(step).unwrap_or(i64::MAX))
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces the user's recovery codes with these hashes.
pub async fn replace_recovery_codes(
    tx: &mut WriteTx,
    user: UserId,
    hashes: &[String],
) -> ApiResult<()> {
    query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user.to_string())
        .execute(tx)
        .await?;
    for hash in hashes {
        query("INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)")
            .bind(user.to_string())
            .bind(hash)
            .execute(tx)
            .await?;
    }
    Ok(())
}

/// Uses an unused recovery code; `false` if it is not one.
pub async fn use_recovery_code(
    tx: &mut WriteTx,
    user: UserId,
    hash: &str,
    now: Timestamp,
) -> ApiResult<bool> {
    let done = query(
        "UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
    )
    .bind(user.to_string())
    .bind(hash)
    .bind(now.as_millis())
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Turns every second factor of the user off.
pub async fn clear_two_factor(tx: &mut WriteTx, user: UserId) -> ApiResult<()> {
    let id = user.to_string();
    for sql in [
        "UPDATE users SET totp_secret = NULL, totp_pending_secret = NULL, totp_last_step = NULL WHERE id = $1",
        "DELETE FROM recovery_codes WHERE user_id = $1",
        "DELETE FROM passkeys WHERE user_id = $1",
        "DELETE FROM passkey_registrations WHERE user_id = $1",
    ] {
        query(sql).bind(&id).execute(tx).await?;
    }
    Ok(())
}

/// Takes the user's unexpired passkey registration challenge (once).
pub async fn take_passkey_registration(
    tx: &mut WriteTx,
    user: UserId,
    now: Timestamp,
) -> ApiResult<Option<String>> {
    let state: Option<String> = query_scalar(
        "SELECT state FROM passkey_registrations WHERE user_id = $1 AND expires_at > $2",
    )
    .bind(user.to_string())
    .bind(now.as_millis())
    .fetch_optional(tx)
    .await?;
    query("DELETE FROM passkey_registrations WHERE user_id = $1")
        .bind(user.to_string())
        .execute(tx)
        .await?;
    Ok(state)
}

/// Stores a new passkey; `false` if its credential is registered already.
pub async fn insert_passkey(
    tx: &mut WriteTx,
    user: UserId,
    row: &PasskeyRow,
    credential_id: &str,
) -> ApiResult<bool> {
    let done = query(
        "INSERT INTO passkeys (id, user_id, name, credential_id, passkey, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
    )
    .bind(&row.id)
    .bind(user.to_string())
    .bind(&row.name)
    .bind(credential_id)
    .bind(&row.passkey)
    .bind(row.created_at.as_millis())
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Renames the user's passkey `id`; the passkey after, if it exists.
pub async fn rename_passkey(
    tx: &mut WriteTx,
    user: UserId,
    id: &str,
    name: &str,
) -> ApiResult<Option<PasskeyRow>> {
    query("UPDATE passkeys SET name = $3 WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user.to_string())
        .bind(name)
        .execute(tx)
        .await?;
    let row = query(format!(
        "SELECT {PASSKEY_COLUMNS} FROM passkeys WHERE id = $1 AND user_id = $2"
    ))
    .bind(id)
    .bind(user.to_string())
    .fetch_optional(tx)
    .await?;
    row.as_ref()
        .map(|row| PasskeyRow::from_row(row))
        .transpose()
}

/// Deletes the user's passkey `id`; its name if it existed.
pub async fn delete_passkey(tx: &mut WriteTx, user: UserId, id: &str) -> ApiResult<Option<String>> {
    let name: Option<String> =
        query_scalar("SELECT name FROM passkeys WHERE id = $1 AND user_id = $2")
            .bind(id)
            .bind(user.to_string())
            .fetch_optional(tx)
            .await?;
    query("DELETE FROM passkeys WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user.to_string())
        .execute(tx)
        .await?;
    Ok(name)
}

/// Notes a passkey's use: its updated record (signature counter) and when.
pub async fn passkey_used(
    tx: &mut WriteTx,
    id: &str,
    passkey: &str,
    now: Timestamp,
) -> ApiResult<()> {
    query("UPDATE passkeys SET passkey = $2, last_used_at = $3 WHERE id = $1")
        .bind(id)
        .bind(passkey)
        .bind(now.as_millis())
        .execute(tx)
        .await?;
    Ok(())
}

/// Ends a pending sign-in (it succeeded, or is given up).
pub async fn delete_pending_sign_in(tx: &mut WriteTx, token_hash: &str) -> ApiResult<bool> {
    let done = query("DELETE FROM pending_sign_ins WHERE token_hash = $1")
        .bind(token_hash)
        .execute(tx)
        .await?;
    Ok(done.rows_affected() == 1)
}
