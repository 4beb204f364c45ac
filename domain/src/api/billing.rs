//! Billing: status, credit, seats, funds and plans.

use crate::catalog::Plan;
use crate::error::FieldError;
use crate::roles::AccountStatus;
use crate::text::BillingAddress;
use serde::{Deserialize, Serialize};

/// `PUT /api/accounts/{id}/plan`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct ChangePlanRequest {
    pub plan: String,
}

/// Parses a plan field.
pub fn parse_plan(raw: &str) -> Result<Plan, Vec<FieldError>> {
    raw.parse().map_err(|_| {
        vec![FieldError::new(
            "plan",
            "must be hobby, starter, startup, business or enterprise",
        )]
    })
}

/// `GET /api/accounts/{id}/billing`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BillingView {
    pub status: AccountStatus,
    pub credit_cents: i64,
    pub plan: Plan,
    /// `null` is unlimited.
    pub max_members: Option<u32>,
    pub members: u32,
    pub pending_invitations: u32,
    pub billing_address: Option<BillingAddress>,
}

/// `POST /api/accounts/{id}/funds`. Send an `Idempotency-Key` header so a retried
/// payment is charged once.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct FundsRequest {
    /// 1 to 10,000,000 cents.
    pub amount_cents: i64,
}
