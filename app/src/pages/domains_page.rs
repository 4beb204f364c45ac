//! `/a/{org}/domains`: the domains an organization proves it owns by a DNS TXT
//! record, and single sign-on for their addresses through the organization's
//! identity provider, OpenID Connect or SAML 2.0 (SPEC §16). Owners only.

use crate::api;
use crate::components::field::{SelectField, TextAreaField, TextField};
use crate::components::form_state::{FormFailure, FormState};
use crate::components::loaded::{load, Loaded};
use crate::components::page_head::{DeniedNotice, PageHead};
use crate::current_account::{use_current_account, use_denial};
use crate::format::short_time;
use crate::toast::use_toasts;
use domain::api::{
    DomainView, NewDomainRequest, SamlServiceProvider, SsoConnectionRequest, SsoConnectionView,
};
use domain::sso::DomainStatus;
use domain::FieldError;
use domain::{AccountId, OrgRole, Permission};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The page.
#[component]
pub fn DomainsPage() -> impl IntoView {
    let account = use_current_account();
    let denial = use_denial(Permission::ManageSecurity);
    view! {
        <PageHead title="Domains and single sign-on" intro="Prove that your organization owns its email domains, then sign their addresses in with your identity provider." />
        <DeniedNotice reason=denial />
        {move || match (denial.get(), account.get()) {
            (None, Some(account)) => Some(view! {
                <DomainsPanel id=account.id />
                <SsoPanel id=account.id />
            }),
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

/// The organization's identity provider: its settings, what to register
/// there, a test sign-in in a new tab, and removing it.
#[component]
fn SsoPanel(
    /// The organization.
    id: AccountId,
) -> impl IntoView {
    let toasts = use_toasts();
    let connection = load(move || async move { api::sso_connection(id).await });
    let removing = move |_| {
        spawn_local(async move {
            match api::remove_sso(id).await {
                Ok(()) => {
                    toasts.show("Single sign-on is off.");
                    connection.refetch();
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    view! {
        <section class="panel" aria-labelledby="sso-title">
            <div class="section-head">
                <h2 id="sso-title">"Single sign-on"</h2>
                <Loaded resource=connection let:current>
                    {current.as_ref().map(|c| if c.required {
                        view! { <span class="badge ok">"Required"</span> }.into_any()
                    } else {
                        view! { <span class="badge ok">"On"</span> }.into_any()
                    })}
                </Loaded>
            </div>
            <Loaded resource=connection let:current>
                <SsoForm id current=current.clone() saved=Callback::new(move |()| connection.refetch()) />
                {current.map(|_| view! {
                    <SsoTest />
                    <button type="button" class="button danger-outline small" on:click=removing>"Turn single sign-on off"</button>
                })}
            </Loaded>
        </section>
    }
}

/// The connection's settings.
#[component]
fn SsoForm(
    /// The organization.
    id: AccountId,
    /// The connection, if one is saved.
    current: Option<SsoConnectionView>,
    /// After saving.
    saved: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let field = |value: Option<String>| RwSignal::new(value.unwrap_or_default());
    let kind = field(
        current
            .as_ref()
            .map(|c| c.kind.clone())
            .or(Some("oidc".into())),
    );
    let oidc = current.as_ref().filter(|c| c.kind == "oidc");
    let issuer = field(oidc.map(|c| c.issuer.clone()));
    let client_id = field(oidc.map(|c| c.client_id.clone()));
    let client_secret = RwSignal::new(String::new());
    let metadata = field(current.as_ref().and_then(|c| c.idp_metadata_xml.clone()));
    let role = field(
        current
            .as_ref()
            .map(|c| c.default_role.id().to_owned())
            .or(Some("viewer".into())),
    );
    let team = field(
        current
            .as_ref()
            .and_then(|c| c.default_team.map(|t| t.to_string())),
    );
    let required = RwSignal::new(current.as_ref().is_some_and(|c| c.required));
    let form = FormState::new();
    let teams = load(move || async move { api::teams(id).await.map(|p| p.items) });
    let team_options = Signal::derive(move || {
        let mut options = vec![(String::new(), "No team".to_owned())];
        if let Some(Ok(items)) = teams.get() {
            options.extend(items.into_iter().map(|t| (t.id.to_string(), t.name)));
        }
        options
    });
    let roles: Vec<(String, String)> = [OrgRole::Viewer, OrgRole::Tech, OrgRole::Admin]
        .into_iter()
        .map(|r| (r.id().to_owned(), r.label().to_owned()))
        .collect();
    let protocols = vec![
        ("oidc".to_owned(), "OpenID Connect".to_owned()),
        ("saml".to_owned(), "SAML 2.0".to_owned()),
    ];
    let origin = crate::browser::origin();
    let redirect_uri = format!("{origin}/api/sso/oidc/callback");
    let service_provider = current
        .as_ref()
        .and_then(|c| c.service_provider.clone())
        .unwrap_or_else(|| service_provider_of(&origin, id));
    let idp_sso_url = current.as_ref().and_then(|c| c.idp_sso_url.clone());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = SsoConnectionRequest {
            kind: kind.get_untracked(),
            issuer: issuer.get_untracked(),
            client_id: client_id.get_untracked(),
            client_secret: client_secret.get_untracked(),
            idp_metadata_xml: metadata.get_untracked(),
            default_role: Some(role.get_untracked()),
            default_team: Some(team.get_untracked()).filter(|t| !t.is_empty()),
            required: required.get_untracked(),
        };
        if !form.start(request.validate()) {
            return;
        }
        spawn_local(async move {
            match api::save_sso(id, &request).await {
                Ok(_) => {
                    client_secret.set(String::new());
                    toasts.show("Saved: single sign-on is on.");
                    saved.run(());
                }
                Err(error) => form.fail(&error),
            }
            form.done();
        });
    };
    view! {
        <form on:submit=submit novalidate>
            <FormFailure state=form />
            <SelectField label="Protocol" id="sso-kind" value=kind options=protocols field=("type", form.errors) />
            {move || match kind.get().as_str() {
                "saml" => view! {
                    <SamlFields service_provider=service_provider.clone() idp_sso_url=idp_sso_url.clone() metadata errors=form.errors />
                }.into_any(),
                _ => view! {
                    <OidcFields redirect_uri=redirect_uri.clone() issuer client_id client_secret errors=form.errors />
                }.into_any(),
            }}
            <SelectField label="Role of new members" id="sso-role" value=role options=roles field=("default_role", form.errors) />
            <SelectField label="Team of new members" id="sso-team" value=team options=team_options field=("default_team", form.errors) />
            <div class="field checkbox">
                <input type="checkbox" id="sso-required" prop:checked=move || required.get() on:change=move |ev| required.set(event_target_checked(&ev)) />
                <label for="sso-required">"Require single sign-on for addresses on the verified domains"</label>
                <p class="hint">"They can no longer sign in with a password or be invited by email. Owners with two-factor on keep their password, in case the provider is down."</p>
            </div>
            <button type="submit" class="button primary" disabled=move || form.busy.get()>"Save"</button>
        </form>
    }
}

/// Orgspace as the SAML service provider of organization `id`, served at `origin`
/// (the server says the same once a connection is saved).
pub fn service_provider_of(origin: &str, id: AccountId) -> SamlServiceProvider {
    let metadata_url = format!("{origin}/api/sso/{id}/saml/metadata");
    SamlServiceProvider {
        entity_id: metadata_url.clone(),
        metadata_url,
        acs_url: format!("{origin}/api/sso/saml/acs"),
    }
}

/// What to register at an OpenID provider, and the client it gives back.
#[component]
fn OidcFields(
    /// The callback to register.
    redirect_uri: String,
    issuer: RwSignal<String>,
    client_id: RwSignal<String>,
    client_secret: RwSignal<String>,
    /// The form's errors.
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    view! {
        <p>"Register Orgspace with your provider (Okta, Entra ID, Google Workspace, Keycloak…) as a web application with this redirect URI:"</p>
        <p><code class="secret" aria-label="Redirect URI">{redirect_uri}</code></p>
        <TextField label="Issuer URL".into() id="sso-issuer".into() field="issuer".into() value=issuer errors hint="Like https://login.acme.com; its discovery document is read from it.".to_owned() />
        <TextField label="Client ID".into() id="sso-client-id".into() field="client_id".into() value=client_id errors />
        <TextField label="Client secret".into() id="sso-client-secret".into() field="client_secret".into() value=client_secret errors input_type="password" hint="Never shown again; enter it to save changes.".to_owned() />
    }
}

/// A value to give another system, and a button that copies it.
#[component]
fn CopyCode(
    text: String,
    /// What it is, for the button's accessible name and the toast.
    what: &'static str,
) -> impl IntoView {
    let toasts = use_toasts();
    let copied = text.clone();
    let copy = move |_| {
        let text = copied.clone();
        spawn_local(async move {
            if crate::browser::copy(&text).await {
                toasts.show(format!("Copied the {what}."));
            }
        });
    };
    view! {
        <code>{text}</code>
        <button type="button" class="button secondary small" on:click=copy>"Copy"<span class="sr-only">{format!(" the {what}")}</span></button>
    }
}

/// What to register at a SAML identity provider, and its metadata.
#[component]
fn SamlFields(
    /// Orgspace as the provider sees it.
    service_provider: SamlServiceProvider,
    /// Where the saved provider signs people in.
    idp_sso_url: Option<String>,
    metadata: RwSignal<String>,
    /// The form's errors.
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    view! {
        <p>"Add Orgspace to your identity provider as a SAML 2.0 application (or give it the metadata URL), signing assertions, with the email address as NameID:"</p>
        <dl class="record">
            <dt>"Entity ID"</dt><dd><CopyCode text=service_provider.entity_id what="Entity ID" /></dd>
            <dt>"ACS URL (HTTP-POST)"</dt><dd><CopyCode text=service_provider.acs_url what="ACS URL" /></dd>
            <dt>"Metadata URL"</dt><dd><CopyCode text=service_provider.metadata_url what="metadata URL" /></dd>
        </dl>
        <TextAreaField label="Identity provider metadata (XML)" id="sso-idp-metadata" field="idp_metadata_xml" value=metadata errors rows=6
            hint="Paste the metadata your provider exports: its entity ID, single sign-on URL (HTTP-Redirect) and signing certificate." />
        {idp_sso_url.map(|url| view! {
            <p class="hint">"Saved: people sign in at " <code>{url}</code></p>
        })}
    }
}

/// A sign-in with the connection, in a new tab.
#[component]
fn SsoTest() -> impl IntoView {
    let email = RwSignal::new(String::new());
    let form = FormState::new();
    let test = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = domain::api::SsoStartRequest {
            email: email.get_untracked(),
        };
        if !form.start(request.validate()) {
            return;
        }
        spawn_local(async move {
            match api::start_sso(&request.email).await {
                Ok(redirect) => crate::browser::open_tab(&redirect.redirect_url),
                Err(error) => form.fail(&error),
            }
            form.done();
        });
    };
    view! {
        <form class="inline-form" on:submit=test novalidate>
            <FormFailure state=form />
            <TextField label="Test with an address on your domain".into() id="sso-test-email".into() field="email".into() value=email errors=form.errors input_type="email" />
            <button type="submit" class="button secondary">"Test sign-in (new tab)"</button>
        </form>
    }
}
