//! `/register`: sign up with a personal account, or with an organization too.

use crate::api;
use crate::components::field::TextField;
use crate::components::form_state::{FormFailure, FormState};
use crate::components::organization_fields::{OrganizationFields, OrganizationValues};
use crate::session::{leave_when_signed_in, use_session};
use domain::api::RegisterRequest;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The sign-up form.
#[component]
pub fn RegisterPage() -> impl IntoView {
    crate::browser::set_title("Create account");
    let session = use_session();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let account_type = RwSignal::new("personal".to_owned());
    let organization = OrganizationValues::new();
    let form = FormState::new();
    let errors = form.errors;
    leave_when_signed_in();
    let is_organization = move || account_type.get() == "organization";
    // From an invitation link: the invited email, fixed.
    let fixed_email = leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("email");
    let email_is_fixed = fixed_email.is_some();
    if let Some(invited) = fixed_email {
        email.set(invited);
    }
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = RegisterRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
            name: name.get_untracked(),
            account_type: account_type.get_untracked(),
            organization: (account_type.get_untracked() == "organization")
                .then(|| organization.request()),
        };
        // The same checks as the server's, so mistakes show before sending.
        if !form.start(request.validate()) {
            return;
        }
        spawn_local(async move {
            match api::register(&request).await {
                Ok(_) => session.reload().await,
                Err(error) => form.fail(&error),
            }
            form.done();
        });
    };
    view! {
        <main class="auth">
            <form class="panel auth-form wide-form" on:submit=submit novalidate>
                <div class="brand-line"><span aria-hidden="true">"◆"</span>" Orgspace"</div>
                <h1>"Create your account"</h1>
                <FormFailure state=form />
                <TextField label="Name".into() id="register-name".into() field="name".into() value=name errors autocomplete="name" />
                <TextField label="Email".into() id="register-email".into() field="email".into() value=email errors input_type="email" autocomplete="email"
                    readonly=email_is_fixed
                    hint=if email_is_fixed { "The invitation was sent to this email.".to_owned() } else { "We never share it.".to_owned() } />
                <TextField
                    label="Password".into()
                    id="register-password".into()
                    field="password".into()
                    value=password
                    errors
                    input_type="password"
                    autocomplete="new-password"
                    hint="12 to 128 characters.".into()
                />
                <fieldset class="choice">
                    <legend>"Account type"</legend>
                    <div class="radio-card">
                        <input type="radio" id="type-personal" name="account_type" value="personal" aria-describedby="type-personal-hint"
                            prop:checked=move || !is_organization()
                            on:change=move |_| account_type.set("personal".into()) />
                        <label for="type-personal">"Personal"</label>
                        <small id="type-personal-hint">"Just you. Active right away."</small>
                    </div>
                    <div class="radio-card">
                        <input type="radio" id="type-organization" name="account_type" value="organization" aria-describedby="type-organization-hint"
                            prop:checked=is_organization
                            on:change=move |_| account_type.set("organization".into()) />
                        <label for="type-organization">"Organization"</label>
                        <small id="type-organization-hint">"A workspace for your team, with billing."</small>
                    </div>
                </fieldset>
                <Show when=is_organization>
                    <div class="org-section">
                        <p class="hint">"Your organization starts suspended until you add funds; your personal account is created too."</p>
                        <OrganizationFields prefix="organization".into() values=organization errors />
                    </div>
                </Show>
                <button type="submit" class="button primary wide" disabled=move || form.busy.get()>
                    {move || if form.busy.get() { "Creating account…" } else { "Create account" }}
                </button>
                <p class="switch-form">"Already have an account? " <a href="/login">"Sign in"</a></p>
            </form>
        </main>
    }
}
