//! HTTP integration tests: a real server on a loopback port, a fresh database per
//! test (SQLite, or PostgreSQL when `DATABASE_URL` is set).

mod accounts;
mod activity;
mod api_keys;
mod auth;
mod billing;
mod helpers;
mod identity;
mod instances;
mod invitations;
mod matrix;
mod members;
mod operations;
mod races;
mod teams;
mod two_factor;
