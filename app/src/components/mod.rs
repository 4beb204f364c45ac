//! Reusable parts of pages. No page imports another page: what two pages
//! share lives here (or in `format`, `current_account`).

pub mod account_switcher;
pub mod auth_frame;
pub mod badges;
pub mod billing_fields;
pub mod confirm_panel;
pub mod field;
pub mod form_state;
pub mod invite_dialog;
pub mod loaded;
pub mod modal;
pub mod offline_state;
pub mod organization_fields;
pub mod page_head;
pub mod paged;
pub mod top_bar;
pub mod transfer_dialog;
pub mod two_factor_required;
pub mod verify_banner;
