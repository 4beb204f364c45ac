//! The page for paths the app does not know.

use leptos::prelude::*;

/// "Not found", with a way back.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    crate::browser::set_title("Not found");
    view! {
        <main class="centered">
            <div class="panel">
                <h1>"Page not found"</h1>
                <p>"This address does not lead anywhere in Orgspace."</p>
                <a class="button primary" href="/">"Go to your account"</a>
            </div>
        </main>
    }
}
