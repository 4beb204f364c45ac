//! What a data page shows when the server cannot be reached.

use leptos::prelude::*;

/// The offline notice of a data page; it loads again by itself when the
/// connection returns (its resource reads the network state).
#[component]
pub fn OfflineState() -> impl IntoView {
    view! {
        <div class="panel error-state offline-state" role="status">
            <h2>"You are offline"</h2>
            <p>"This page needs the server. It loads again by itself when the connection returns."</p>
            <a class="button secondary" href="/roles">"Open the role preview"</a>
        </div>
    }
}
