//! `/a/{id}/api-keys`: the member's API keys in this account (an Owner sees
//! everyone's), creating one (its token shown once, with a copy button) and
//! revoking. Who may revoke which key is `domain::api_keys::check_revoke`.

use super::account_layout::use_current_account;
use crate::api;
use crate::components::field::error_for;
use crate::components::paged::Paged;
use crate::session::use_session;
use crate::toast::use_toasts;
use domain::api::{ApiKeyView, CreateApiKeyRequest, CreatedApiKey};
use domain::api_keys::{check_revoke, sees_all_keys, KeyStatus};
use domain::roles::decide;
use domain::{FieldError, Permission, Timestamp};
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

fn now() -> Timestamp {
    Timestamp::from_millis(js_sys::Date::now() as i64)
}

/// `2026-11-23 14:05` (UTC) for tables.
pub fn short_time(at: Timestamp) -> String {
    let text = at.to_string();
    format!("{} {}", &text[..10], &text[11..16])
}

/// Copies `text` to the clipboard; false where the browser offers no clipboard.
async fn copy(text: &str) -> bool {
    let navigator = web_sys::window().map(|w| w.navigator());
    let Some(navigator) = navigator else {
        return false;
    };
    if !js_sys::Reflect::has(&navigator, &"clipboard".into()).unwrap_or(false) {
        return false;
    }
    wasm_bindgen_futures::JsFuture::from(navigator.clipboard().write_text(text))
        .await
        .is_ok()
}

/// The API keys page.
#[component]
pub fn ApiKeysPage() -> impl IntoView {
    crate::browser::set_title("API keys");
    let account = use_current_account();
    let session = use_session();
    let toasts = use_toasts();
    let keys = Paged::<ApiKeyView>::new();
    let name = RwSignal::new(String::new());
    let expiry_days = RwSignal::new(0_i64);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let created = RwSignal::new(None::<CreatedApiKey>);
    let copied = RwSignal::new(false);
    let revoking = RwSignal::new(None::<ApiKeyView>);

    let denial = Memo::new(move |_| {
        account
            .get()
            .and_then(|a| decide(a.kind, a.role, Permission::ManageOwnApiKeys).err())
            .map(|d| d.message)
    });
    let sees_all = Memo::new(move |_| account.get().is_some_and(|a| sees_all_keys(a.kind, a.role)));
    let load = move |append: bool| {
        let Some(id) = account.get_untracked().map(|a| a.id) else {
            return;
        };
        let cursor = keys.cursor(append);
        spawn_local(async move {
            keys.apply(append, api::api_keys(id, cursor.as_deref()).await);
        });
    };
    Effect::new(move |_| {
        if account.get().is_some() && denial.get().is_none() {
            load(false);
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(a) = account.get_untracked() else {
            return;
        };
        let days = expiry_days.get_untracked();
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
            match api::create_api_key(a.id, &request).await {
                Ok(key) => {
                    name.set(String::new());
                    copied.set(false);
                    created.set(Some(key));
                    load(false);
                }
                Err(error) if !error.field_errors().is_empty() => errors.set(error.field_errors()),
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    let copy_token = move |_| {
        let Some(key) = created.get_untracked() else {
            return;
        };
        spawn_local(async move {
            if copy(&key.token).await {
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
    let confirm_revoke = move |_| {
        let (Some(a), Some(key)) = (account.get_untracked(), revoking.get_untracked()) else {
            return;
        };
        spawn_local(async move {
            match api::revoke_api_key(a.id, &key.id).await {
                Ok(()) => {
                    toasts.show(format!("The API key {} was revoked.", key.name));
                    if created.get_untracked().is_some_and(|c| c.key.id == key.id) {
                        created.set(None);
                    }
                    load(false);
                }
                Err(error) => toasts.show(error.message()),
            }
            revoking.set(None);
        });
    };
    let revoke_denial = move |key: &ApiKeyView| {
        let a = account.get()?;
        let own = session
            .me()
            .is_some_and(|me| me.user.id == key.owner.user_id);
        check_revoke(a.kind, a.role, own).err().map(|d| d.message)
    };
    let example = move || {
        let origin = web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .unwrap_or_default();
        let id = account.get().map(|a| a.id.to_string()).unwrap_or_default();
        format!("curl -H \"Authorization: Bearer $TOKEN\" {origin}/api/accounts/{id}/instances")
    };

    view! {
        <div class="page-head"><div>
            <h1>"API keys"</h1>
            <p class="muted">{move || if sees_all.get() {
                "Keys act with their owner's current permissions in this account only. As an Owner you see and may revoke everyone's."
            } else {
                "Your keys for this account. A key acts with your current permissions here, and nowhere else."
            }}</p>
        </div></div>
        {move || denial.get().map(|reason| view! {
            <div class="panel"><p class="alert info" role="status">{reason}</p></div>
        })}
        <Show when=move || denial.get().is_none()>
            {move || created.get().map(|key| view! {
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
                        <button type="button" class="button secondary" on:click=move |_| created.set(None)>"I have copied it"</button>
                    </div>
                </section>
            })}
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
                    <div class="field">
                        <label for="key-expiry">"Expires"</label>
                        <select id="key-expiry" prop:value=move || expiry_days.get().to_string()
                            on:change=move |ev| { if let Ok(d) = event_target_value(&ev).parse() { expiry_days.set(d) } }>
                            {EXPIRIES.into_iter().map(|(label, days)| view! { <option value=days.to_string()>{label}</option> }).collect_view()}
                        </select>
                        <p class="field-error">{move || error_for(&errors.get(), "expires_at")}</p>
                    </div>
                </div>
                <div class="actions">
                    <button type="submit" class="button primary">"Create API key"</button>
                </div>
            </form>
            {move || revoking.get().map(|key| view! {
                <section class="panel preview danger-zone" aria-labelledby="revoke-key-title">
                    <h2 id="revoke-key-title">{format!("Revoke {}?", key.name)}</h2>
                    <p>{format!("Calls with {} stop working at once. This cannot be undone.", key.id)}</p>
                    <div class="actions">
                        <button type="button" class="button secondary" on:click=move |_| revoking.set(None)>"Cancel"</button>
                        <button type="button" class="button danger" on:click=confirm_revoke>"Revoke key"</button>
                    </div>
                </section>
            })}
            {move || match keys.items.get() {
                None => view! { <div class="skeleton block" aria-busy="true"></div> }.into_any(),
                Some(Err(api::ApiError::Offline)) => view! { <super::instances_page::OfflineState /> }.into_any(),
                Some(Err(error)) => view! { <p class="alert error" role="alert">{error.message()}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <div class="empty-state"><p>"No API keys yet."</p></div>
                }.into_any(),
                Some(Ok(list)) => view! {
                    <div class="table-wrap">
                        <table>
                            <caption class="sr-only">"API keys"</caption>
                            <thead><tr>
                                <th scope="col">"Name"</th><th scope="col">"ID"</th>
                                <Show when=move || sees_all.get()><th scope="col">"Owner"</th></Show>
                                <th scope="col">"Created"</th><th scope="col">"Last used"</th>
                                <th scope="col">"Expires"</th><th scope="col">"Status"</th>
                                <th scope="col"><span class="sr-only">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|key| {
                                    let denial = revoke_denial(&key);
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
                                            <Show when=move || sees_all.get()><td>{owner.clone()}</td></Show>
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
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <Show when=move || keys.has_more()>
                        <button type="button" class="button secondary" on:click=move |_| load(true)>"Load more"</button>
                    </Show>
                }.into_any(),
            }}
        </Show>
    }
}
