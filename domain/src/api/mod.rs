//! Request and response bodies of the HTTP API (SPEC §10, §12), shared by the
//! server and the app so both sides agree on every field.
//!
//! Requests arrive as plain text fields (`…Request`) and are checked by a
//! `validate` method that reports every bad field at once, in the browser's form
//! and in the server's 422 alike.
//!
//! One module per resource, named as the server's `http` and `store` modules
//! are; everything is re-exported here, so `domain::api::MemberView` names it.

mod accounts;
mod activity;
mod api_keys;
mod auth;
mod billing;
mod catalog;
mod domains;
mod hierarchy;
mod instances;
mod invitations;
mod me;
mod members;
mod page;
pub mod reads;
mod sso;
mod teams;
#[cfg(test)]
mod testing;
mod two_factor;

pub use accounts::*;
pub use activity::*;
pub use api_keys::*;
pub use auth::*;
pub use billing::*;
pub use catalog::*;
pub use domains::*;
pub use hierarchy::*;
pub use instances::*;
pub use invitations::*;
pub use me::*;
pub use members::*;
pub use page::*;
pub use sso::*;
pub use teams::*;
pub use two_factor::*;
