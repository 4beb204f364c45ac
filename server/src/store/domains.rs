//! Verified domains of organizations (SPEC §16).

use super::pool::{Store, WriteTx};
use super::sql::Columns;
use super::sql::{millis, millis_opt, parsed};
use super::tx::{query, query_scalar};
use crate::error::{ApiError, ApiResult};
use domain::api::DomainView;
use domain::sso::{txt_name, txt_value, DomainStatus};
use domain::{AccountId, ErrorCode, Timestamp};

/// A domain as stored.
#[derive(Clone, Debug)]
pub struct DomainRow {
    pub id: String,
    pub account: AccountId,
    pub domain: String,
    /// What the TXT record must hold (not a secret: it is published in DNS).
    pub token: String,
    pub created_at: Timestamp,
    pub verified_at: Option<Timestamp>,
}

const COLUMNS: &str = "id, account_id, domain, token, created_at, verified_at";

impl DomainRow {
    fn from_row(row: &dyn Columns) -> ApiResult<Self> {
        Ok(Self {
            id: row.get("id")?,
            account: parsed(row, "account_id")?,
            domain: row.get("domain")?,
            token: row.get("token")?,
            created_at: millis(row, "created_at")?,
            verified_at: millis_opt(row, "verified_at")?,
        })
    }

    pub fn status(&self) -> DomainStatus {
        match self.verified_at {
            Some(_) => DomainStatus::Verified,
            None => DomainStatus::Pending,
        }
    }

    pub fn view(&self) -> DomainView {
        DomainView {
            id: self.id.clone(),
            domain: self.domain.clone(),
            status: self.status(),
            txt_name: txt_name(&self.domain),
            txt_value: txt_value(&self.token),
            created_at: self.created_at,
            verified_at: self.verified_at,
        }
    }
}

impl Store {
    /// The organization's domains, in the order added.
    pub async fn domains_of(&self, account: AccountId) -> ApiResult<Vec<DomainRow>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM domains WHERE account_id = $1 ORDER BY created_at, id"
        ))
        .bind(account.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|row| DomainRow::from_row(row)).collect()
    }

    /// One of the organization's domains.
    pub async fn domain_of(&self, account: AccountId, id: &str) -> ApiResult<Option<DomainRow>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM domains WHERE account_id = $1 AND id = $2"
        ))
        .bind(account.to_string())
        .bind(id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(|row| DomainRow::from_row(row)).transpose()
    }

    /// The organization that verified `domain`, if one did.
    pub async fn verified_domain(&self, domain: &str) -> ApiResult<Option<DomainRow>> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM domains WHERE domain = $1 AND verified_at IS NOT NULL"
        ))
        .bind(domain)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(|row| DomainRow::from_row(row)).transpose()
    }
}

/// 409 `domain_taken`.
pub fn domain_taken(domain: &str) -> ApiError {
    ApiError::denied(
        ErrorCode::DomainTaken,
        format!(
            "Another organization has verified {domain}. A domain belongs to one organization."
        ),
    )
}

/// Adds a domain; `false` if the organization has it already.
pub async fn insert_domain(tx: &mut WriteTx, row: &DomainRow) -> ApiResult<bool> {
    let done = query(
        "INSERT INTO domains (id, account_id, domain, token, created_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT DO NOTHING",
    )
    .bind(&row.id)
    .bind(row.account.to_string())
    .bind(&row.domain)
    .bind(&row.token)
    .bind(row.created_at.as_millis())
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether an organization other than `account` verified `domain`.
pub async fn verified_elsewhere(
    tx: &mut WriteTx,
    domain: &str,
    account: AccountId,
) -> ApiResult<bool> {
    let n: i64 = query_scalar(
        "SELECT COUNT(*) FROM domains WHERE domain = $1 AND verified_at IS NOT NULL AND account_id <> $2",
    )
    .bind(domain)
    .bind(account.to_string())
    .fetch_one(tx)
    .await?;
    Ok(n > 0)
}

/// Marks the domain verified at `at` (or pending again with `None`).
pub async fn set_verified(tx: &mut WriteTx, id: &str, at: Option<Timestamp>) -> ApiResult<()> {
    query("UPDATE domains SET verified_at = $2 WHERE id = $1")
        .bind(id)
        .bind(at.map(Timestamp::as_millis))
        .execute(tx)
        .await?;
    Ok(())
}

/// Removes one of the organization's domains; `false` if it has none by that id.
pub async fn delete_domain(tx: &mut WriteTx, account: AccountId, id: &str) -> ApiResult<bool> {
    let done = query("DELETE FROM domains WHERE account_id = $1 AND id = $2")
        .bind(account.to_string())
        .bind(id)
        .execute(tx)
        .await?;
    Ok(done.rows_affected() == 1)
}
