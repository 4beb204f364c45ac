//! The only module that knows SQL. The same portable queries run on SQLite and
//! PostgreSQL through sqlx's `Any` driver; business rules never fork by backend.
//!
//! One file per resource, named as `http`'s handlers and `domain::api`'s wire
//! types are (`members`, `teams`, `invitations`, …), beside `pool` (the
//! connection pool and write transactions) and `sql` (the helpers every file
//! uses). This file only declares and re-exports.

pub mod accounts;
pub mod activity;
pub mod api_keys;
pub mod auth;
pub mod billing;
pub mod domains;
pub mod hierarchy;
pub mod instances;
pub mod invitations;
pub mod members;
pub mod pool;
pub mod probes;
mod rate;
pub mod readers;
mod rows;
pub mod sql;
pub mod sso;
pub mod teams;
pub mod two_factor;
pub mod tx;
mod writer;

pub use accounts::{AccountRow, NewAccount};
pub use activity::{Actor, Entry, Target};
pub use auth::UserRow;
pub use invitations::InvitationScope;
pub use pool::{Backend, Store, WriteTx, LARGE_ACCOUNT};
pub use rate::RateLimit;
