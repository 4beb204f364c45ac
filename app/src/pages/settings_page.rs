//! `/a/{id}/settings`: the account's name, billing address and region;
//! requiring two-factor of an organization's members; deleting an
//! organization. (The user's own password and email are on Security.)

use crate::api;
use crate::components::billing_fields::{BillingFields, BillingValues};
use crate::components::field::TextField;
use crate::components::form_state::{FormFailure, FormState};
use crate::components::page_head::PageHead;
use crate::current_account::{use_current_account, use_denial};
use crate::session::{home_path, use_session};
use crate::toast::use_toasts;
use domain::api::{AccountView, UpdateAccountRequest};
use domain::two_factor::may_set_policy;
use domain::{AccountKind, Permission};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

/// The settings page of any account.
#[component]
pub fn SettingsPage() -> impl IntoView {
    let account = use_current_account();
    let intro = Signal::derive(move || account.get().map(|a| a.name).unwrap_or_default());
    view! {
        <PageHead title="Settings" intro />
        {move || account.get().map(|account| {
            let organization = account.kind == AccountKind::Organization;
            view! {
                <DetailsForm account=account.clone() />
                {organization.then(|| view! {
                    <RequireTwoFactorPanel account=account.clone() />
                    <DeleteOrganizationForm account />
                })}
            }
        })}
    }
}

/// Whether members need two-factor here (SPEC §15): Owners with two-factor
/// on turn it on; the reason a control is disabled is `domain`'s.
#[component]
fn RequireTwoFactorPanel(
    /// The organization.
    account: AccountView,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let busy = RwSignal::new(false);
    let required = account.require_two_factor;
    let (id, kind, role) = (account.id, account.kind, account.role);
    let mine = Memo::new(move |_| session.me().is_some_and(|me| me.user.two_factor.enabled));
    let denial = Memo::new(move |_| {
        may_set_policy(kind, role, mine.get(), !required)
            .err()
            .map(|denial| denial.message)
    });
    let toggle = move |_| {
        busy.set(true);
        let request = UpdateAccountRequest {
            require_two_factor: Some(!required),
            ..Default::default()
        };
        spawn_local(async move {
            match api::update_account(id, &request).await {
                Ok(updated) => {
                    session.reload().await;
                    toasts.show(match updated.require_two_factor {
                        true => format!("{} now requires two-factor authentication.", updated.name),
                        false => format!(
                            "{} no longer requires two-factor authentication.",
                            updated.name
                        ),
                    });
                }
                Err(error) => toasts.show(error.message()),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="panel" aria-labelledby="require-two-factor-title">
            <div class="section-head">
                <h2 id="require-two-factor-title">"Two-factor authentication"</h2>
                {if required {
                    view! { <span class="badge ok">"Required"</span> }.into_any()
                } else {
                    view! { <span class="badge">"Not required"</span> }.into_any()
                }}
            </div>
            <p>{if required {
                "Members without two-factor see only that they need it, and can leave; their API keys stop working here until they turn it on. Nobody is removed."
            } else {
                "Members decide for themselves. Requiring it blocks members without two-factor (sessions and API keys) until they turn it on; nobody is removed."
            }}</p>
            {move || denial.get().map(|reason| view! { <p class="muted" id="require-two-factor-reason">{reason}</p> })}
            <button type="button" class="button secondary" on:click=toggle
                disabled=move || busy.get() || denial.with(Option::is_some)
                aria-describedby=move || denial.with(Option::is_some).then_some("require-two-factor-reason")>
                {if required { "Stop requiring two-factor" } else { "Require two-factor authentication" }}
            </button>
        </section>
    }
}

/// The account's name, billing address and (fixed) region.
#[component]
fn DetailsForm(
    /// The account.
    account: AccountView,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let edit_denial = use_denial(Permission::EditOrganization);
    let name = RwSignal::new(account.name.clone());
    let billing = BillingValues::new();
    if let Some(address) = &account.billing_address {
        billing.fill(address);
    }
    let form = FormState::new();
    let errors = form.errors;
    let readonly = Signal::derive(move || edit_denial.get().is_some());
    let organization = account.kind == AccountKind::Organization;
    let (id, had_address) = (account.id, account.billing_address.is_some());
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        // An address is sent when there was one, or when one was typed.
        let address = billing.input();
        let request = UpdateAccountRequest {
            name: Some(name.get_untracked()),
            billing_address: (had_address || address != Default::default()).then_some(address),
            region: None,
            require_two_factor: None,
        };
        if !form.start(request.validate()) {
            return;
        }
        spawn_local(async move {
            match api::update_account(id, &request).await {
                Ok(updated) => {
                    session.reload().await;
                    toasts.show(format!("Saved the settings of {}.", updated.name));
                }
                Err(error) => form.fail(&error),
            }
            form.done();
        });
    };
    let label = if organization {
        "Organization name"
    } else {
        "Account name"
    };
    view! {
        <form class="panel form" on:submit=save novalidate>
            <h2>"Details"</h2>
            {move || edit_denial.get().map(|reason| view! { <p class="alert info">{reason}</p> })}
            <FormFailure state=form />
            <TextField label=label.to_owned() id="settings-name".into() field="name".into() value=name errors readonly />
            {organization.then(|| view! { <RegionField region=account.region.map(|r| r.label()).unwrap_or_default() /> })}
            <Show when=move || edit_denial.get().is_none()>
                <BillingFields prefix="billing_address".into() values=billing errors readonly />
            </Show>
            <div class="actions">
                <button type="submit" class="button primary"
                    disabled=move || form.busy.get() || edit_denial.get().is_some()
                    title=move || edit_denial.get()>
                    "Save changes"
                </button>
            </div>
        </form>
    }
}

/// The organization's region, shown locked: it is chosen once.
#[component]
fn RegionField(
    /// The region's label.
    region: &'static str,
) -> impl IntoView {
    view! {
        <div class="field">
            <span class="label" id="region-label">"Region"</span>
            <p class="locked" aria-labelledby="region-label">
                <svg class="icon" viewBox="0 0 16 16" aria-hidden="true" focusable="false">
                    <path d="M5 7V5a3 3 0 0 1 6 0v2h.5A1.5 1.5 0 0 1 13 8.5v5a1.5 1.5 0 0 1-1.5 1.5h-7A1.5 1.5 0 0 1 3 13.5v-5A1.5 1.5 0 0 1 4.5 7H5zm1.5 0h3V5a1.5 1.5 0 0 0-3 0v2z" fill="currentColor"/>
                </svg>
                {region}
            </p>
            <p class="hint">"The region is chosen once, when the organization is created: its data stays in that data center. It cannot be changed."</p>
        </div>
    }
}

/// Deleting an organization (Owners), after typing its name.
#[component]
fn DeleteOrganizationForm(
    /// The organization.
    account: AccountView,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let denial = use_denial(Permission::TransferOrDelete);
    let typed = RwSignal::new(String::new());
    let stored = StoredValue::new(account.clone());
    let delete = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (current, navigate) = (stored.get_value(), navigate.clone());
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
    let name = account.name.clone();
    view! {
        <form class="panel danger-zone" on:submit=delete novalidate>
            <h2>"Delete organization"</h2>
            <p>"Deleting removes its members, invitations, teams, API keys and resources. This cannot be undone."</p>
            {move || denial.get().map(|reason| view! { <p class="alert info">{reason}</p> })}
            <div class="field">
                <label for="confirm-delete">{format!("Type {} to confirm", account.name)}</label>
                <input id="confirm-delete" autocomplete="off"
                    prop:value=move || typed.get()
                    on:input=move |ev| typed.set(event_target_value(&ev))
                    disabled=move || denial.get().is_some() />
            </div>
            <button type="submit" class="button danger"
                disabled=move || denial.get().is_some() || typed.get().trim() != name
                title=move || denial.get()>
                "Delete organization"
            </button>
        </form>
    }
}
