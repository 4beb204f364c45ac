//! `/`: sends a signed-in user to their personal account, others to sign-in.

use crate::session::{home_path, use_session, SessionState};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;

/// The root path, which only redirects.
#[component]
pub fn RootPage() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    Effect::new(move |_| {
        let replace = NavigateOptions {
            replace: true,
            ..Default::default()
        };
        match session.state.get() {
            SessionState::SignedIn(me) => navigate(&home_path(&me), replace),
            SessionState::SignedOut => navigate("/login", replace),
            SessionState::Loading | SessionState::Failed(_) => {}
        }
    });
    view! {
        <main class="centered">
            {move || match session.state.get() {
                SessionState::Failed(error) => view! {
                    <div class="panel error-state">
                        <h1>"Orgspace is unreachable"</h1>
                        <p>{error.message()}</p>
                        <button class="button primary" on:click=move |_| session.refresh()>"Try again"</button>
                    </div>
                }.into_any(),
                _ => view! { <p class="loading" aria-busy="true">"Loading…"</p> }.into_any(),
            }}
        </main>
    }
}
