//! Changes to accounts, shared by the HTTP handlers: the account transaction
//! every change goes through, and the operations more than one handler needs
//! (creating an organization, taking a member out, answering an invitation).
//! Handlers call these; they never call each other.

pub mod account_tx;
pub mod invitations;
pub mod memberships;
pub mod organizations;
pub mod sso;
pub mod users;

pub use account_tx::{AccountTx, Change};
