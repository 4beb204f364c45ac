//! Orgspace's rules, shared by the browser app and the server.
//!
//! Everything here is pure: no I/O, no async, no clock (times are passed in). The
//! same functions decide in the browser (to disable and explain) and on the server
//! (to enforce), so a rule is written once.
//!
//! - [`text`]: validated values (email, names, passwords, billing addresses).
//! - [`catalog`]: regions, plans and countries.
//! - [`roles`]: organization and team roles and the permission matrix.
//! - [`resources`]: instances and who reaches them.
//! - [`preview`]: the role preview matrix (what a role may do, and why not).
//! - [`api_keys`]: API key ids, bearer tokens and key status.
//! - [`activity`]: event types, activity filters and export formats.
//! - [`rules`]: membership rules (owners, members, limits).
//! - [`identity`]: a user's own lifecycle (deleting one's user, sessions' devices).
//! - [`two_factor`]: second factors and the organization policy that requires them.
//! - [`sso`]: verified domains and single sign-on.
//! - [`hierarchy`]: child and linked organizations, inherited access, shared billing.
//! - [`error`]: reason codes and the problem+json wire error.
//! - [`api`]: request and response types of the HTTP API.

#[macro_use]
mod macros;

pub mod activity;
pub mod api;
pub mod api_keys;
pub mod billing;
pub mod catalog;
pub mod error;
pub mod hierarchy;
pub mod identity;
pub mod ids;
pub mod invitation;
pub mod preview;
pub mod resources;
pub mod roles;
pub mod rules;
pub mod sso;
pub mod text;
pub mod time;
pub mod two_factor;

pub use catalog::{Plan, Region};
pub use error::{Denial, ErrorCode, FieldError, Problem};
pub use ids::{AccountId, InstanceId, TeamId, UserId};
pub use roles::{AccountKind, OrgRole, Permission, TeamPermission, TeamRole};
pub use time::Timestamp;
