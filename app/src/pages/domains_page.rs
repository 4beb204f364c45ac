//! `/a/{org}/domains`: the domains an organization proves it owns by a DNS TXT
//! record (SPEC §16). Owners only: the records are theirs to publish.

use crate::api;
use crate::components::field::TextField;
use crate::components::form_state::{FormFailure, FormState};
use crate::components::loaded::{load, Loaded};
use crate::components::page_head::{DeniedNotice, PageHead};
use crate::current_account::{use_current_account, use_denial};
use crate::format::short_time;
use crate::toast::use_toasts;
use domain::api::{DomainView, NewDomainRequest};
use domain::sso::DomainStatus;
use domain::{AccountId, Permission};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The page.
#[component]
pub fn DomainsPage() -> impl IntoView {
    let account = use_current_account();
    let denial = use_denial(Permission::ManageSecurity);
    view! {
        <PageHead title="Domains" intro="Prove that your organization owns its email domains: a DNS TXT record shows it." />
        <DeniedNotice reason=denial />
        {move || match (denial.get(), account.get()) {
            (None, Some(account)) => Some(view! { <DomainsPanel id=account.id /> }),
            _ => None,
        }}
    }
}

/// The domains, adding one, and each one's record.
#[component]
fn DomainsPanel(
    /// The organization.
    id: AccountId,
) -> impl IntoView {
    let toasts = use_toasts();
    let domains = load(move || async move { api::domains(id).await.map(|d| d.items) });
    let name = RwSignal::new(String::new());
    let form = FormState::new();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = NewDomainRequest {
            domain: name.get_untracked(),
        };
        if !form.start(request.validate()) {
            return;
        }
        spawn_local(async move {
            match api::add_domain(id, &request.domain).await {
                Ok(added) => {
                    name.set(String::new());
                    toasts.show(format!(
                        "Added {}. Publish its TXT record, then verify.",
                        added.domain
                    ));
                    domains.refetch();
                }
                Err(error) => form.fail(&error),
            }
            form.done();
        });
    };
    let changed = Callback::new(move |()| domains.refetch());
    view! {
        <section class="panel" aria-labelledby="domains-title">
            <h2 id="domains-title">"Your domains"</h2>
            <p>"Add each domain your colleagues' addresses use. A verified domain belongs to this organization alone; single sign-on signs in its addresses."</p>
            <form class="inline-form" on:submit=add novalidate>
                <FormFailure state=form />
                <TextField label="Domain".into() id="domain-name".into() field="domain".into() value=name errors=form.errors hint="Like acme.com".to_owned() />
                <button type="submit" class="button primary" disabled=move || form.busy.get()>"Add domain"</button>
            </form>
            <Loaded resource=domains let:items>
                {if items.is_empty() {
                    view! { <p class="muted">"No domain yet."</p> }.into_any()
                } else {
                    view! {
                        <ul class="domains" aria-label="Your domains">
                            {items.into_iter().map(|domain| view! { <DomainRow id domain changed /> }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </Loaded>
        </section>
    }
}

/// One domain: its status, the record to publish, "Verify" and "Remove".
#[component]
fn DomainRow(
    /// The organization.
    id: AccountId,
    /// The domain.
    domain: DomainView,
    /// After a change.
    changed: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let domain_id = StoredValue::new(domain.id.clone());
    let label = StoredValue::new(domain.domain.clone());
    let was_verified = domain.status == DomainStatus::Verified;
    let verify = move |_| {
        busy.set(true);
        spawn_local(async move {
            match api::verify_domain(id, &domain_id.get_value()).await {
                Ok(done) => {
                    problem.set(None);
                    toasts.show(format!("{} is verified.", done.domain));
                    changed.run(());
                }
                Err(error) => {
                    problem.set(Some(error.message()));
                    // A verified domain whose record is gone is pending now.
                    if was_verified {
                        changed.run(());
                    }
                }
            }
            busy.set(false);
        });
    };
    let remove = move |_| {
        spawn_local(async move {
            match api::remove_domain(id, &domain_id.get_value()).await {
                Ok(()) => {
                    toasts.show(format!("Removed {}.", label.get_value()));
                    changed.run(());
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    let copy = move |text: String, what: &'static str| {
        move |_| {
            let text = text.clone();
            spawn_local(async move {
                if crate::browser::copy(&text).await {
                    toasts.show(format!("Copied the record's {what}."));
                }
            });
        }
    };
    let verified = domain.status == DomainStatus::Verified;
    let since = domain
        .verified_at
        .map(|at| format!("verified {}", short_time(at)))
        .unwrap_or_else(|| "waiting for its TXT record".into());
    view! {
        <li class="domain">
            <div class="section-head">
                <h3>{domain.domain.clone()}</h3>
                <span class=if verified { "badge ok" } else { "badge warn" }>{domain.status.label()}</span>
            </div>
            <p class="muted">{since}</p>
            <dl class="record">
                <dt>"Type"</dt><dd><code>"TXT"</code></dd>
                <dt>"Name"</dt><dd><code>{domain.txt_name.clone()}</code>
                    <button type="button" class="button secondary small" on:click=copy(domain.txt_name.clone(), "name")>"Copy"<span class="sr-only">{format!(" the name for {}", domain.domain)}</span></button></dd>
                <dt>"Value"</dt><dd><code>{domain.txt_value.clone()}</code>
                    <button type="button" class="button secondary small" on:click=copy(domain.txt_value.clone(), "value")>"Copy"<span class="sr-only">{format!(" the value for {}", domain.domain)}</span></button></dd>
            </dl>
            {move || problem.get().map(|message| view! { <p class="alert error" role="alert">{message}</p> })}
            <div class="actions">
                <button type="button" class="button danger-outline small" on:click=remove>"Remove"<span class="sr-only">{format!(" {}", domain.domain)}</span></button>
                <button type="button" class="button primary small" on:click=verify disabled=move || busy.get()>
                    {if verified { "Check again" } else { "Verify" }}<span class="sr-only">{format!(" {}", domain.domain)}</span>
                </button>
            </div>
        </li>
    }
}
