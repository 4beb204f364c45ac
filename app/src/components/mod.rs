//! Reusable parts of pages.

pub mod account_switcher;
pub mod badges;
pub mod billing_fields;
pub mod field;
pub mod invite_dialog;
pub mod modal;
pub mod organization_fields;
pub mod paged;
pub mod top_bar;
pub mod transfer_dialog;
