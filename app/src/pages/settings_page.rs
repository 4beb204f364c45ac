//! `/a/{id}/settings`: the account's name, billing address and region; deleting
//! an organization.

use super::account_layout::use_current_account;
use crate::api;
use crate::components::billing_fields::{BillingFields, BillingValues};
use crate::components::field::TextField;
use crate::session::{home_path, use_session};
use crate::toast::use_toasts;
use domain::api::{ChangePasswordRequest, UpdateAccountRequest};
use domain::roles::decide;
use domain::{AccountKind, FieldError, Permission};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

/// The settings page of any account.
#[component]
pub fn SettingsPage() -> impl IntoView {
    crate::browser::set_title("Settings");
    let account = use_current_account();
    let session = use_session();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let billing = BillingValues::new();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let confirm_name = RwSignal::new(String::new());

    // Fill the form when the account (or its id) changes.
    Effect::new(move |_| {
        if let Some(account) = account.get() {
            name.set(account.name.clone());
            if let Some(address) = &account.billing_address {
                billing.fill(address);
            }
        }
    });
    let edit_denial = Memo::new(move |_| {
        account
            .get()
            .and_then(|a| decide(a.kind, a.role, Permission::EditOrganization).err())
            .map(|d| d.message)
    });
    let delete_denial = Memo::new(move |_| {
        account
            .get()
            .and_then(|a| decide(a.kind, a.role, Permission::TransferOrDelete).err())
            .map(|d| d.message)
    });
    let readonly = Signal::derive(move || edit_denial.get().is_some());
    let is_organization = move || {
        account
            .get()
            .is_some_and(|a| a.kind == AccountKind::Organization)
    };

    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(current) = account.get_untracked() else {
            return;
        };
        let request = UpdateAccountRequest {
            name: Some(name.get_untracked()),
            billing_address: current
                .billing_address
                .is_some()
                .then(|| billing.input())
                .or_else(|| {
                    let input = billing.input();
                    (input != Default::default()).then_some(input)
                }),
            region: None,
        };
        if let Err(field_errors) = request.validate() {
            errors.set(field_errors);
            return;
        }
        errors.set(Vec::new());
        failure.set(None);
        busy.set(true);
        spawn_local(async move {
            match api::update_account(current.id, &request).await {
                Ok(updated) => {
                    session.reload().await;
                    toasts.show(format!("Saved the settings of {}.", updated.name));
                }
                Err(error) => {
                    errors.set(error.field_errors());
                    failure.set(Some(error.message()));
                }
            }
            busy.set(false);
        });
    };

    let delete = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(current) = account.get_untracked() else {
            return;
        };
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::delete_account(current.id).await {
                Ok(()) => {
                    session.reload().await;
                    toasts.show(format!("{} was deleted.", current.name));
                    if let Some(me) = session.me() {
                        navigate(&home_path(&me), Default::default());
                    }
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };

    view! {
        <div class="page-head">
            <div>
                <h1>"Settings"</h1>
                <p class="muted">{move || account.get().map(|a| a.name)}</p>
            </div>
        </div>
        <form class="panel form" on:submit=save novalidate>
            <h2>"Details"</h2>
            {move || edit_denial.get().map(|reason| view! { <p class="alert info">{reason}</p> })}
            {move || failure.get().map(|message| view! { <p class="alert error" role="alert">{message}</p> })}
            <TextField
                label=if is_organization() { "Organization name".to_owned() } else { "Account name".to_owned() }
                id="settings-name".into()
                field="name".into()
                value=name
                errors
                readonly
            />
            <Show when=is_organization>
                <div class="field">
                    <span class="label" id="region-label">"Region"</span>
                    <p class="locked" aria-labelledby="region-label">
                        <svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
                            <path d="M5 7V5a3 3 0 0 1 6 0v2h.5A1.5 1.5 0 0 1 13 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-7A1.5 1.5 0 0 1 3 13.5v-5A1.5 1.5 0 0 1 4.5 7H5zm1.5 0h3V5a1.5 1.5 0 0 0-3 0v2z" fill="currentColor"/>
                        </svg>
                        {move || account.get().and_then(|a| a.region).map(|r| r.label())}
                    </p>
                    <p class="hint">"The region is chosen once, when the organization is created: its data stays in that data center. It cannot be changed."</p>
                </div>
            </Show>
            <Show when=move || edit_denial.get().is_none()>
                <BillingFields prefix="billing_address".into() values=billing errors readonly />
            </Show>
            <div class="actions">
                <button
                    type="submit"
                    class="button primary"
                    disabled=move || busy.get() || edit_denial.get().is_some()
                    title=move || edit_denial.get()
                >
                    "Save changes"
                </button>
            </div>
        </form>
        <Show when=move || !is_organization()>
            <PasswordForm />
        </Show>
        <Show when=is_organization>
            <form class="panel danger-zone" on:submit=delete.clone() novalidate>
                <h2>"Delete organization"</h2>
                <p>"Deleting removes its members, invitations, teams, API keys and resources. This cannot be undone."</p>
                {move || delete_denial.get().map(|reason| view! { <p class="alert info">{reason}</p> })}
                <div class="field">
                    <label for="confirm-delete">
                        {move || format!("Type {} to confirm", account.get().map(|a| a.name).unwrap_or_default())}
                    </label>
                    <input
                        id="confirm-delete"
                        autocomplete="off"
                        prop:value=move || confirm_name.get()
                        on:input=move |ev| confirm_name.set(event_target_value(&ev))
                        disabled=move || delete_denial.get().is_some()
                    />
                </div>
                <button
                    type="submit"
                    class="button danger"
                    disabled=move || {
                        delete_denial.get().is_some()
                            || account.get().map(|a| a.name) != Some(confirm_name.get().trim().to_owned())
                    }
                    title=move || delete_denial.get()
                >
                    "Delete organization"
                </button>
            </form>
        </Show>
    }
}

/// Changes the signed-in user's password (on their personal account's settings).
#[component]
fn PasswordForm() -> impl IntoView {
    let toasts = use_toasts();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = ChangePasswordRequest {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        };
        if let Err(field_errors) = request.validate() {
            errors.set(field_errors);
            return;
        }
        errors.set(Vec::new());
        failure.set(None);
        busy.set(true);
        spawn_local(async move {
            match api::change_password(&request).await {
                Ok(()) => {
                    current.set(String::new());
                    new.set(String::new());
                    toasts.show("Password changed. Every other device was signed out.".to_owned());
                }
                Err(error) => {
                    errors.set(error.field_errors());
                    if error.field_errors().is_empty() {
                        failure.set(Some(error.message()));
                    }
                }
            }
            busy.set(false);
        });
    };
    view! {
        <form class="panel form" on:submit=submit novalidate aria-labelledby="password-title">
            <h2 id="password-title">"Password"</h2>
            <p class="muted">"Changing it signs you out on every other device."</p>
            {move || failure.get().map(|message| view! { <p class="alert error" role="alert">{message}</p> })}
            <TextField
                label="Current password".into()
                id="current-password".into()
                field="current_password".into()
                value=current
                errors
                input_type="password"
                autocomplete="current-password"
            />
            <TextField
                label="New password".into()
                id="new-password".into()
                field="new_password".into()
                value=new
                errors
                input_type="password"
                autocomplete="new-password"
                hint="12 to 128 characters.".into()
            />
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || busy.get()>
                    "Change password"
                </button>
            </div>
        </form>
    }
}
