//! Taking payments. The server talks to a [`PaymentProvider`]; with no
//! configuration it is the built-in [`SimulatedProvider`], which accepts every
//! charge and returns a reference, so funds can be added without a real provider.

use async_trait::async_trait;
use domain::AccountId;

/// A charge the provider made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge {
    /// The provider's reference for the charge.
    pub reference: String,
}

/// A payment provider (a card processor in production).
#[async_trait]
pub trait PaymentProvider: Send + Sync + std::fmt::Debug {
    /// Charges `amount_cents` for `account`. `idempotency_key` is passed on so the
    /// provider, too, charges a retried request once.
    async fn charge(
        &self,
        account: AccountId,
        amount_cents: i64,
        idempotency_key: Option<&str>,
    ) -> Result<Charge, String>;
}

/// Accepts every charge; the reference is `sim_` and a random id.
#[derive(Debug, Default)]
pub struct SimulatedProvider;

#[async_trait]
impl PaymentProvider for SimulatedProvider {
    async fn charge(
        &self,
        _account: AccountId,
        amount_cents: i64,
        _idempotency_key: Option<&str>,
    ) -> Result<Charge, String> {
        if amount_cents <= 0 {
            return Err(format!("cannot charge {amount_cents} cents"));
        }
        Ok(Charge {
            reference: format!("sim_{}", uuid::Uuid::now_v7().simple()),
        })
    }
}
