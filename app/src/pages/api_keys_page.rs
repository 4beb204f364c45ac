//! `/a/{id}/api-keys`: the member's API keys in this account (an Owner sees
//! everyone's), creating one (its token shown once, with a copy button) and
//! revoking. Who may revoke which key is `domain::api_keys::check_revoke`.

use crate::api;
use crate::browser::{copy, now};
use crate::components::confirm_panel::ConfirmPanel;
use crate::components::field::{error_for, SelectField};
use crate::components::page_head::{DeniedNotice, PageHead};
use crate::components::paged::{PagedList, PagedView};
use crate::current_account::{use_current_account, use_denial};
use crate::format::short_time;
use crate::session::use_session;
use crate::toast::use_toasts;
use domain::api::{AccountView, ApiKeyView, CreateApiKeyRequest, CreatedApiKey};
use domain::api_keys::{check_revoke, sees_all_keys, KeyStatus};
use domain::{FieldError, Permission};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

/// The expiry choices: (label, days; 0 = never).
const EXPIRIES: [(&str, i64); 5] = [
    ("Never", 0),
    ("In 7 days", 7),
    ("In 30 days", 30),
    ("In 90 days", 90),
    ("In 1 year", 365),
];

/// The API keys page.
#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let account = use_current_account();
    let denial = use_denial(Permission::ManageOwnApiKeys);
    let sees_all = Memo::new(move |_| account.get().is_some_and(|a| sees_all_keys(a.kind, a.role)));
    let intro = Signal::derive(move || {
        if sees_all.get() {
        "Keys act with their owner's current permissions in this account only. As an Owner you see and may revoke everyone's."
    } else {
        "Your keys for this account. A key acts with your current permissions here, and nowhere else."
    }.to_owned()
    });
    view! {
        <PageHead title="API keys" intro />
        <DeniedNotice reason=denial />
        {move || match (account.get(), denial.get()) {
            (Some(account), None) => view! { <ApiKeys account sees_all=sees_all.get() /> }.into_any(),
            _ => ().into_any(),
        }}
    }
}

/// The keys of a member who may have keys here.
#[component]
fn ApiKeys(
    /// The account.
    account: AccountView,
    /// Whether the member sees everyone's keys (Owners).
    sees_all: bool,
) -> impl IntoView {
    let id = account.id;
    let list =
        PagedList::new(move |cursor| async move { api::api_keys(id, cursor.as_deref()).await });
    let created = RwSignal::new(None::<CreatedApiKey>);
    view! {
        {move || created.get().map(|key| view! { <NewKeyPanel key account=id on_done=Callback::new(move |_| created.set(None)) /> })}
        <CreateKeyForm account=id on_created=Callback::new(move |key| { created.set(Some(key)); list.reload(); }) />
        <KeyTable account sees_all list on_revoked=Callback::new(move |key: ApiKeyView| {
            if created.get_untracked().is_some_and(|c| c.key.id == key.id) {
                created.set(None);
            }
        }) />
    }
}

/// A key just created: its token, shown this once, with a copy button.
#[component]
fn NewKeyPanel(
    /// The key with its token.
    key: CreatedApiKey,
    /// The account, for the example call.
    account: domain::AccountId,
    /// Called when the member has copied it.
    on_done: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let copied = RwSignal::new(false);
    let token = key.token.clone();
    let copy_token = move |_| {
        let token = token.clone();
        spawn_local(async move {
            if copy(&token).await {
                copied.set(true);
            } else if let Some(input) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("new-key-token"))
                .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())
            {
                input.select();
                toasts.show("Your browser does not allow copying here: the token is selected, press Ctrl+C or ⌘C.".to_owned());
            }
        });
    };
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    let example = format!(
        "curl -H \"Authorization: Bearer $TOKEN\" {origin}/api/accounts/{account}/instances"
    );
    view! {
        <section class="panel new-key" aria-labelledby="new-key-title">
            <h2 id="new-key-title">{format!("API key {} created", key.key.name)}</h2>
            <p class="alert warning" role="status">"Copy the token now. It is shown only this once: Orgspace keeps only a hash of it."</p>
            <div class="field">
                <label for="new-key-token">"Token"</label>
                <div class="copy-row">
                    <input id="new-key-token" class="mono" type="text" readonly prop:value=key.token.clone()
                        on:focus=move |ev| { if let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) { input.select(); } } />
                    <button type="button" class="button primary" on:click=copy_token>
                        {move || if copied.get() { "Copied" } else { "Copy token" }}
                    </button>
                </div>
                <p class="hint">"Send it as " <code>"Authorization: Bearer <token>"</code> ", for example:"</p>
                <pre class="example"><code>{example}</code></pre>
            </div>
            <div class="actions">
                <button type="button" class="button secondary" on:click=move |_| on_done.run(())>"I have copied it"</button>
            </div>
        </section>
    }
}

/// Creating a key: a name and an expiry.
#[component]
fn CreateKeyForm(
    /// The account.
    account: domain::AccountId,
    /// Called with the created key (and its token).
    on_created: Callback<CreatedApiKey>,
) -> impl IntoView {
    let toasts = use_toasts();
    let name = RwSignal::new(String::new());
    let expiry_days = RwSignal::new("0".to_owned());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let days: i64 = expiry_days.get_untracked().parse().unwrap_or(0);
        let request = CreateApiKeyRequest {
            name: name.get_untracked(),
            expires_at: (days > 0).then(|| now().plus_seconds(days * 86_400).to_string()),
        };
        if let Err(found) = request.validate(now()) {
            errors.set(found);
            return;
        }
        errors.set(Vec::new());
        spawn_local(async move {
            match api::create_api_key(account, &request).await {
                Ok(key) => {
                    name.set(String::new());
                    on_created.run(key);
                }
                Err(error) if !error.field_errors().is_empty() => errors.set(error.field_errors()),
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    let expiries = EXPIRIES
        .map(|(label, days)| (days.to_string(), label.to_owned()))
        .to_vec();
    view! {
        <form class="panel create-form" aria-labelledby="create-key-title" on:submit=submit novalidate>
            <h2 id="create-key-title">"Create API key"</h2>
            <div class="form-row">
                <div class="field" class:invalid=move || error_for(&errors.get(), "name").is_some()>
                    <label for="key-name">"Key name"</label>
                    <input id="key-name" type="text" autocomplete="off" placeholder="deploy bot" maxlength="100"
                        aria-describedby="key-name-error"
                        aria-invalid=move || error_for(&errors.get(), "name").is_some().then_some("true")
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                    <p class="field-error" id="key-name-error">{move || error_for(&errors.get(), "name")}</p>
                </div>
                <SelectField label="Expires" id="key-expiry" value=expiry_days options=expiries field=("expires_at", errors) />
            </div>
            <div class="actions">
                <button type="submit" class="button primary">"Create API key"</button>
            </div>
        </form>
    }
}

/// The keys, each with "Revoke" where the member may.
#[component]
fn KeyTable(
    /// The account.
    account: AccountView,
    /// Whether the owner column is shown (Owners see everyone's keys).
    sees_all: bool,
    /// The list.
    list: PagedList<ApiKeyView>,
    /// Called after a key was revoked.
    on_revoked: Callback<ApiKeyView>,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let revoking = RwSignal::new(None::<ApiKeyView>);
    let account = StoredValue::new(account);
    let confirm_revoke = move |()| {
        let Some(key) = revoking.get_untracked() else {
            return;
        };
        let id = account.with_value(|a| a.id);
        spawn_local(async move {
            match api::revoke_api_key(id, &key.id).await {
                Ok(()) => {
                    toasts.show(format!("The API key {} was revoked.", key.name));
                    on_revoked.run(key);
                    list.reload();
                }
                Err(error) => toasts.show(error.message()),
            }
            revoking.set(None);
        });
    };
    let row = move |key: ApiKeyView| {
        let own = session
            .me()
            .is_some_and(|me| me.user.id == key.owner.user_id);
        let denial =
            account.with_value(|a| check_revoke(a.kind, a.role, own).err().map(|d| d.message));
        let status_class = match key.status {
            KeyStatus::Active => "badge ok",
            KeyStatus::Expired | KeyStatus::Inactive => "badge warn",
        };
        let owner = format!("{} ({})", key.owner.name, key.owner.email);
        let for_revoke = key.clone();
        view! {
            <tr>
                <th scope="row">{key.name.clone()}</th>
                <td><code>{key.id.to_string()}</code></td>
                {sees_all.then(|| view! { <td>{owner}</td> })}
                <td>{short_time(key.created_at)}</td>
                <td>{key.last_used_at.map_or_else(|| "Never".to_owned(), short_time)}</td>
                <td>{key.expires_at.map_or_else(|| "Never".to_owned(), short_time)}</td>
                <td><span class=status_class>{key.status.label()}</span></td>
                <td class="row-actions">
                    <button type="button" class="button danger small"
                        disabled=denial.is_some() title=denial.clone()
                        aria-label=format!("Revoke {}", key.name)
                        on:click=move |_| revoking.set(Some(for_revoke.clone()))>"Revoke"</button>
                </td>
            </tr>
        }
    };
    view! {
        {move || revoking.get().map(|key| view! {
            <ConfirmPanel id="revoke-key-title" title=format!("Revoke {}?", key.name) action="Revoke key" danger=true
                on_cancel=Callback::new(move |_| revoking.set(None)) on_confirm=Callback::new(confirm_revoke)>
                <p>{format!("Calls with {} stop working at once. This cannot be undone.", key.id)}</p>
            </ConfirmPanel>
        })}
        <PagedView list empty="No API keys yet." let:items>
            <div class="table-wrap">
                <table>
                    <caption class="sr-only">"API keys"</caption>
                    <thead><tr>
                        <th scope="col">"Name"</th><th scope="col">"ID"</th>
                        {sees_all.then(|| view! { <th scope="col">"Owner"</th> })}
                        <th scope="col">"Created"</th><th scope="col">"Last used"</th>
                        <th scope="col">"Expires"</th><th scope="col">"Status"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr></thead>
                    <tbody>{items.into_iter().map(row).collect_view()}</tbody>
                </table>
            </div>
        </PagedView>
    }
}
