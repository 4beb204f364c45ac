//! `/forgot-password`: ask for a password reset link. The answer is the same
//! whether or not an account has the address, and so is what the page says.

use crate::api;
use crate::components::auth_frame::AuthFrame;
use crate::components::field::TextField;
use crate::components::form_state::{FormFailure, FormState};
use domain::text::Email;
use domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The page.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    crate::browser::set_title("Forgot your password");
    let email = RwSignal::new(String::new());
    let form = FormState::new();
    let sent_to = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let checked = Email::parse(&email.get_untracked())
            .map_err(|e| vec![FieldError::new("email", e.to_string())]);
        let address = checked.as_ref().map(|e| e.as_str().to_owned()).ok();
        let (true, Some(address)) = (form.start(checked), address) else {
            return;
        };
        spawn_local(async move {
            match api::request_password_reset(&address).await {
                Ok(()) => sent_to.set(Some(address)),
                Err(error) => form.fail(&error),
            }
            form.done();
        });
    };
    view! {
        <AuthFrame>
            <h1>"Forgot your password?"</h1>
            {move || match sent_to.get() {
                Some(address) => view! {
                    <p class="alert info" role="status">{format!("If an Orgspace account has {address}, a link to choose a new password is on its way. It works once, for one hour.")}</p>
                    <p>"No mail after a few minutes? Check the spam folder, or the address you typed."</p>
                    <a class="button secondary" href="/login">"Back to sign in"</a>
                }.into_any(),
                None => view! {
                    <form class="form" on:submit=submit novalidate>
                        <p class="muted">"Type the email you sign in with. We mail you a link to choose a new password."</p>
                        <FormFailure state=form />
                        <TextField label="Email".into() id="forgot-email".into() field="email".into() value=email errors=form.errors input_type="email" autocomplete="email" />
                        <button type="submit" class="button primary wide" disabled=move || form.busy.get()>"Send the link"</button>
                        <p class="switch-form">"Remembered it? " <a href="/login">"Sign in"</a></p>
                    </form>
                }.into_any(),
            }}
        </AuthFrame>
    }
}
