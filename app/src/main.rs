//! Orgspace's browser app: mounts [`app::App`].

mod api;
mod app;
mod browser;
mod components;
mod current_account;
mod format;
mod network;
mod opening;
mod pages;
mod passkeys;
mod session;
mod toast;

fn main() {
    console_error_panic_hook::set_once();
    opening::start();
    leptos::mount::mount_to_body(app::App);
}
