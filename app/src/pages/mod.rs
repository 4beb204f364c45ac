//! One module per page.

pub mod account_layout;
pub mod login_page;
pub mod not_found_page;
pub mod organizations_page;
pub mod register_page;
pub mod root_page;
pub mod settings_page;
