//! The banner a signed-in user sees until their address is verified.

use crate::api;
use crate::session::use_session;
use crate::toast::use_toasts;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// "Verify your email", with a button that mails a new link.
#[component]
pub fn VerifyBanner() -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let unverified = Memo::new(move |_| {
        session
            .me()
            .filter(|me| !me.user.email_verified)
            .map(|me| me.user.email)
    });
    let sending = RwSignal::new(false);
    let resend = move |_| {
        sending.set(true);
        spawn_local(async move {
            match api::resend_verification().await {
                Ok(()) => toasts.show(format!(
                    "We sent a new link to {}. The older ones no longer work.",
                    unverified.get_untracked().unwrap_or_default()
                )),
                Err(error) => toasts.show(error.message()),
            }
            sending.set(false);
        });
    };
    move || {
        unverified.get().map(|email| view! {
            <div class="alert info banner" role="region" aria-label="Email verification">
                <p>
                    <strong>{format!("Verify {email}.")}</strong>
                    " Open the link we mailed you: until then, invitations to this address stay hidden."
                </p>
                <button type="button" class="button secondary small" disabled=move || sending.get() on:click=resend>"Resend the link"</button>
            </div>
        })
    }
}
