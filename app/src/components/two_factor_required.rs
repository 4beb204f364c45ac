//! What a member without two-factor sees inside an organization that
//! requires it (SPEC §15): why, the way to turn it on, and leaving.

use crate::api;
use crate::session::{home_path, use_session};
use crate::toast::use_toasts;
use domain::api::AccountView;
use domain::two_factor::{policy_gate, AccountRequest};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

/// Why `account`'s pages are closed to this user, if they are: `domain`'s
/// policy, the same the server applies.
pub fn blocked_by_policy(account: &AccountView, has_two_factor: bool) -> Option<String> {
    policy_gate(
        &account.name,
        account.require_two_factor,
        has_two_factor,
        AccountRequest::Other,
    )
    .err()
    .map(|denial| denial.message)
}

/// The notice in place of the organization's pages.
#[component]
pub fn TwoFactorRequired(
    /// The organization.
    account: AccountView,
    /// Why, from [`blocked_by_policy`].
    reason: String,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let setup = move || {
        session
            .me()
            .map(|me| format!("/a/{}/two-factor", home_path_id(&me)))
            .unwrap_or_else(|| "/".into())
    };
    let leaving = RwSignal::new(false);
    let name = account.name.clone();
    let leave = move |_| {
        leaving.set(true);
        let (id, name) = (account.id, name.clone());
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::leave_account(id).await {
                Ok(()) => {
                    session.reload().await;
                    toasts.show(format!("You left {name}."));
                    if let Some(me) = session.me() {
                        navigate(&home_path(&me), Default::default());
                    }
                }
                Err(error) => toasts.show(error.message()),
            }
            leaving.set(false);
        });
    };
    view! {
        <section class="panel notice" aria-labelledby="two-factor-required-title">
            <h1 id="two-factor-required-title">"Two-factor authentication required"</h1>
            <p>{reason}</p>
            <p class="muted">"Your membership and role stay as they are; the pages open as soon as two-factor is on."</p>
            <div class="actions">
                <button type="button" class="button secondary" on:click=leave disabled=move || leaving.get()>"Leave the organization"</button>
                <a class="button primary" href=setup>"Set up two-factor"</a>
            </div>
        </section>
    }
}

/// The id of the user's personal account (listed first).
fn home_path_id(me: &domain::api::MeResponse) -> String {
    me.accounts
        .first()
        .map(|a| a.id.to_string())
        .unwrap_or_default()
}
