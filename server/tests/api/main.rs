//! HTTP integration tests: a real server on a loopback port, a fresh database per
//! test (SQLite, or PostgreSQL when `DATABASE_URL` is set).

mod accounts;
mod activity;
mod api_keys;
mod auth;
mod billing;
#[path = "../support/dns.rs"]
mod dns;
mod domains;
mod helpers;
mod hierarchy;
mod identity;
mod instances;
mod invitations;
mod matrix;
mod members;
#[path = "../support/oidc.rs"]
mod oidc;
mod operations;
mod races;
mod saml;
#[path = "../support/saml.rs"]
mod saml_idp;
mod sso;
mod teams;
#[path = "../support/tool.rs"]
mod tool;
mod two_factor;
