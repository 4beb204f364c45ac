//! Billing: seats in use, the plan, and payments.

use super::pool::{Store, WriteTx};
use super::sql::{count, Statement};
use super::tx::{query, query_scalar};
use crate::error::ApiResult;
use domain::roles::AccountStatus;
use domain::{AccountId, Plan, Timestamp, UserId};

impl Store {
    /// Members and unexpired pending invitations: the seats in use. Both come
    /// from the account's trigger-kept counters; the pending invitations that
    /// expired but were not yet marked so (the next write to the account does)
    /// are counted by the index of pending invitations and taken off.
    pub async fn seats(&self, account: AccountId, now: Timestamp) -> ApiResult<(u32, u32)> {
        let statement = Statement::of(
            "SELECT a.members_count AS members,
                    a.pending_invitations - (SELECT COUNT(*) FROM invitations
                        WHERE account_id = $1 AND status = 'pending' AND expires_at <= $2) AS pending
             FROM accounts a WHERE a.id = $1",
            [account.to_string().into(), now.as_millis().into()],
        );
        let (members, pending) = self
            .read_one(statement, |row| {
                Ok((row.get::<i64>("members")?, row.get::<i64>("pending")?))
            })
            .await?;
        Ok((
            u32::try_from(count(members)).unwrap_or(u32::MAX),
            u32::try_from(count(pending)).unwrap_or(u32::MAX),
        ))
    }
}

pub async fn set_plan(tx: &mut WriteTx, account: AccountId, plan: Plan) -> ApiResult<()> {
    query("UPDATE accounts SET plan = $2 WHERE id = $1")
        .bind(account.to_string())
        .bind(plan.id())
        .execute(tx)
        .await?;
    Ok(())
}

/// The amount of the account's payment made with `key`, if any.
pub async fn payment_amount(
    tx: &mut WriteTx,
    account: AccountId,
    key: &str,
) -> ApiResult<Option<i64>> {
    query_scalar("SELECT amount_cents FROM payments WHERE account_id = $1 AND idempotency_key = $2")
        .bind(account.to_string())
        .bind(key)
        .fetch_optional(tx)
        .await
}

/// A payment the provider took.
pub struct Payment<'a> {
    pub account: AccountId,
    pub amount_cents: i64,
    pub idempotency_key: Option<&'a str>,
    pub reference: &'a str,
    pub paid_by: UserId,
}

/// Records `payment` and sets the account's new credit and status.
pub async fn record_payment(
    tx: &mut WriteTx,
    payment: Payment<'_>,
    credit_cents: i64,
    status: AccountStatus,
    now: Timestamp,
) -> ApiResult<()> {
    query(
        "INSERT INTO payments (id, account_id, amount_cents, idempotency_key, provider_reference, paid_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(uuid::Uuid::now_v7().to_string())
    .bind(payment.account.to_string())
    .bind(payment.amount_cents)
    .bind(payment.idempotency_key)
    .bind(payment.reference)
    .bind(payment.paid_by.to_string())
    .bind(now.as_millis())
    .execute(tx)
    .await?;
    query("UPDATE accounts SET credit_cents = $2, status = $3 WHERE id = $1")
        .bind(payment.account.to_string())
        .bind(credit_cents)
        .bind(status.id())
        .execute(tx)
        .await?;
    Ok(())
}
