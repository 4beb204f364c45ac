//! `/login`: sign in with email and password.

use crate::api;
use crate::components::field::TextField;
use crate::components::form_state::{FormFailure, FormState};
use crate::session::{leave_when_signed_in, use_session};
use domain::api::LoginRequest;
use domain::FieldError;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The sign-in form.
#[component]
pub fn LoginPage() -> impl IntoView {
    crate::browser::set_title("Sign in");
    let session = use_session();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    leave_when_signed_in();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = LoginRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        let mut missing = Vec::new();
        if request.email.trim().is_empty() {
            missing.push(FieldError::new("email", "enter your email"));
        }
        if request.password.is_empty() {
            missing.push(FieldError::new("password", "enter your password"));
        }
        if !form.start(if missing.is_empty() {
            Ok(())
        } else {
            Err(missing)
        }) {
            return;
        }
        spawn_local(async move {
            match api::login(&request).await {
                // Signing in always lands in the personal account: the effect above navigates.
                Ok(_) => session.reload().await,
                Err(error) => form.fail(&error),
            }
            form.done();
        });
    };
    view! {
        <main class="auth">
            <form class="panel auth-form" on:submit=submit novalidate>
                <div class="brand-line"><span aria-hidden="true">"◆"</span>" Orgspace"</div>
                <h1>"Sign in"</h1>
                <FormFailure state=form />
                <TextField label="Email".into() id="login-email".into() field="email".into() value=email errors=form.errors input_type="email" autocomplete="email" />
                <TextField label="Password".into() id="login-password".into() field="password".into() value=password errors=form.errors input_type="password" autocomplete="current-password" />
                <button type="submit" class="button primary wide" disabled=move || form.busy.get()>
                    {move || if form.busy.get() { "Signing in…" } else { "Sign in" }}
                </button>
                <p class="switch-form"><a href="/forgot-password">"Forgot password?"</a></p>
                <p class="switch-form">"New to Orgspace? " <a href="/register">"Create an account"</a></p>
            </form>
        </main>
    }
}
