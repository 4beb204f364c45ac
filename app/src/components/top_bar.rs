//! The top bar: the account switcher at the left, the user and sign-out at the right.

use super::account_switcher::AccountSwitcher;
use crate::api;
use crate::session::{use_session, SessionState};
use domain::api::AccountView;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

/// The bar at the top of every signed-in page.
#[component]
pub fn TopBar(
    /// The account the page acts in.
    #[prop(into)]
    current: Signal<Option<AccountView>>,
) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let sign_out = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            // Signed out locally even if the server is unreachable; the cookie is HttpOnly.
            let _ = api::logout().await;
            session.state.set(SessionState::SignedOut);
            navigate("/login", Default::default());
        });
    };
    view! {
        <header class="topbar">
            <a class="brand" href="/" aria-label="Orgspace home">
                <span aria-hidden="true">"◆"</span>
            </a>
            <AccountSwitcher current />
            <div class="spacer"></div>
            {move || session.me().map(|me| {
                let n = me.pending_invitations;
                let href = me.accounts.first().map(|p| format!("/a/{}/invitations", p.id)).unwrap_or_default();
                let label = match n {
                    0 => "My invitations".to_owned(),
                    1 => "My invitations, 1 pending".to_owned(),
                    n => format!("My invitations, {n} pending"),
                };
                view! {
                    <a class="invitations-link" href=href aria-label=label>
                        <span aria-hidden="true">"Invitations"</span>
                        {(n > 0).then(|| view! { <span class="count" aria-hidden="true">{n}</span> })}
                    </a>
                }
            })}
            <span class="user-name">{move || session.me().map(|me| me.user.name).unwrap_or_default()}</span>
            <button type="button" class="button secondary small" on:click=sign_out>
                "Sign out"
            </button>
        </header>
    }
}
