//! One module per page.

pub mod accept_invitation_page;
pub mod account_layout;
pub mod activity_page;
pub mod api_keys_page;
pub mod billing_page;
pub mod domains_page;
pub mod forgot_password_page;
pub mod hierarchy_page;
pub mod instances_page;
pub mod invitations_page;
pub mod login_page;
pub mod members_page;
pub mod not_found_page;
pub mod organizations_page;
pub mod register_page;
pub mod reset_password_page;
pub mod role_preview_page;
pub mod root_page;
pub mod security_page;
pub mod settings_page;
pub mod sso_error_page;

pub mod teams_page;
pub mod two_factor_page;
pub mod verify_email_page;
