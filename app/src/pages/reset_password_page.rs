//! `/reset-password?token=…`: where a reset mail's link leads — choose a new
//! password. Every session ends; then sign in with it.

use crate::api;
use crate::components::auth_frame::AuthFrame;
use crate::components::field::TextField;
use crate::components::form_state::{FormFailure, FormState};
use domain::api::PasswordResetConfirmRequest;
use domain::ErrorCode;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

/// Where the reset stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Choosing,
    Done,
    LinkInvalid,
}

/// The page.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    crate::browser::set_title("Choose a new password");
    let token = use_query_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    let stage = RwSignal::new(Stage::Choosing);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = PasswordResetConfirmRequest {
            token: token.clone(),
            password: password.get_untracked(),
        };
        if !form.start(request.validate()) {
            return;
        }
        spawn_local(async move {
            match api::confirm_password_reset(&request).await {
                Ok(()) => stage.set(Stage::Done),
                Err(error) if error.code() == Some(ErrorCode::TokenInvalid) => {
                    stage.set(Stage::LinkInvalid)
                }
                Err(error) => form.fail(&error),
            }
            form.done();
        });
    };
    view! {
        <AuthFrame>
            {move || match stage.get() {
                Stage::Choosing => view! {
                    <h1>"Choose a new password"</h1>
                    <form class="form" on:submit=submit.clone() novalidate>
                        <p class="muted">"Choosing it signs you out on every device; then sign in with the new one."</p>
                        <FormFailure state=form />
                        <TextField label="New password".into() id="reset-password".into() field="password".into() value=password
                            errors=form.errors input_type="password" autocomplete="new-password" hint="12 to 128 characters.".into() />
                        <button type="submit" class="button primary wide" disabled=move || form.busy.get()>"Set the new password"</button>
                    </form>
                }.into_any(),
                Stage::Done => view! {
                    <h1>"Your password is changed"</h1>
                    <p class="alert info" role="status">"Every device was signed out. Sign in with your new password."</p>
                    <a class="button primary" href="/login">"Sign in"</a>
                }.into_any(),
                Stage::LinkInvalid => view! {
                    <h1>"This link does not work any more"</h1>
                    <p>"It was used already, it expired (links work for one hour), or a newer mail replaced it."</p>
                    <a class="button primary" href="/forgot-password">"Ask for a new link"</a>
                }.into_any(),
            }}
        </AuthFrame>
    }
}
