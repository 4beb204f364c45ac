//! `/a/{personal}/organizations`: the user's organizations — list, create, open, leave.

use super::account_layout::use_current_account;
use crate::api;
use crate::components::badges::{RoleBadge, StatusBadge};
use crate::components::organization_fields::{OrganizationFields, OrganizationValues};
use crate::session::use_session;
use crate::toast::use_toasts;
use domain::api::AccountView;
use domain::rules::{check_join, Limits};
use domain::{AccountKind, FieldError};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The organizations page of the personal context.
#[component]
pub fn OrganizationsPage() -> impl IntoView {
    crate::browser::set_title("Organizations");
    let session = use_session();
    let toasts = use_toasts();
    let current = use_current_account();
    let organizations = Memo::new(move |_| {
        session
            .me()
            .map(|me| {
                me.accounts
                    .into_iter()
                    .filter(|a| a.kind == AccountKind::Organization)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    });
    let max = Memo::new(move |_| session.me().map(|me| me.max_organizations).unwrap_or(5));
    let limit_denial = Memo::new(move |_| {
        check_join(
            organizations.with(Vec::len) as u32,
            Limits {
                max_orgs_per_user: max.get(),
            },
        )
        .err()
        .map(|d| d.message)
    });
    let creating = RwSignal::new(false);
    let values = OrganizationValues::new();
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = values.request();
        if let Err(field_errors) = request.validate("") {
            errors.set(field_errors);
            return;
        }
        errors.set(Vec::new());
        failure.set(None);
        busy.set(true);
        spawn_local(async move {
            match api::create_organization(&request).await {
                Ok(account) => {
                    session.reload().await;
                    creating.set(false);
                    values.name.set(String::new());
                    let region = account.region.map(|r| r.label()).unwrap_or_default();
                    toasts.show(format!(
                        "{} was created in {region}. It is suspended until funds are added.",
                        account.name
                    ));
                }
                Err(error) => {
                    errors.set(error.field_errors());
                    failure.set(Some(error.message()));
                }
            }
            busy.set(false);
        });
    };

    // When leaving is blocked, what to do instead, with the organization in question.
    let blocked = RwSignal::new(None::<(AccountView, domain::ErrorCode, String)>);
    let leave = move |account: AccountView| {
        let question = format!(
            "Leave {}? You lose access to it until someone invites you again.",
            account.name
        );
        let confirmed = web_sys::window()
            .and_then(|w| w.confirm_with_message(&question).ok())
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        spawn_local(async move {
            match api::leave_account(account.id).await {
                Ok(()) => {
                    session.reload().await;
                    toasts.show(format!("You left {}.", account.name));
                }
                Err(error) => match error.code() {
                    Some(code @ (domain::ErrorCode::LastOwner | domain::ErrorCode::LastMember)) => {
                        blocked.set(Some((account, code, error.message())));
                    }
                    _ => toasts.show(error.message()),
                },
            }
        });
    };

    view! {
        <div class="page-head">
            <div>
                <h1>"Organizations"</h1>
                <p class="muted">
                    {move || format!("You belong to {} of at most {} organizations.", organizations.with(Vec::len), max.get())}
                </p>
            </div>
            <button
                type="button"
                class="button primary"
                aria-expanded=move || creating.get().to_string()
                aria-controls="create-organization"
                disabled=move || limit_denial.get().is_some()
                title=move || limit_denial.get()
                on:click=move |_| creating.update(|open| *open = !*open)
            >
                "Create organization"
            </button>
        </div>
        {move || limit_denial.get().map(|reason| view! { <p class="alert info">{reason}</p> })}
        {move || blocked.get().map(|(account, code, message)| view! {
            <section class="panel guided" role="alert" aria-labelledby="blocked-title">
                <h2 id="blocked-title">{format!("You cannot leave {} yet", account.name)}</h2>
                <p>{message}</p>
                <div class="actions start">
                    {(code == domain::ErrorCode::LastOwner).then(|| view! {
                        <a class="button primary" href=format!("/a/{}/members?transfer=1", account.id)>"Transfer ownership"</a>
                    })}
                    <a class="button danger-outline" href=format!("/a/{}/settings", account.id)>"Delete organization"</a>
                    <button type="button" class="button secondary" on:click=move |_| blocked.set(None)>"Not now"</button>
                </div>
            </section>
        })}
        <Show when=move || creating.get()>
            <form id="create-organization" class="panel form" on:submit=submit novalidate>
                <h2>"New organization"</h2>
                {move || failure.get().map(|message| view! { <p class="alert error" role="alert">{message}</p> })}
                <OrganizationFields prefix=String::new() values errors />
                <div class="actions">
                    <button type="button" class="button secondary" on:click=move |_| creating.set(false)>"Cancel"</button>
                    <button type="submit" class="button primary" disabled=move || busy.get()>"Create organization"</button>
                </div>
            </form>
        </Show>
        {move || {
            let list = organizations.get();
            if list.is_empty() {
                return view! {
                    <div class="empty-state">
                        <h2>"No organizations yet"</h2>
                        <p>"Create one to invite your team, share billing and keep resources together."</p>
                    </div>
                }.into_any();
            }
            view! {
                <div class="table-wrap">
                    <table>
                        <thead>
                            <tr><th scope="col">"Name"</th><th scope="col">"Your role"</th><th scope="col">"Region"</th><th scope="col">"Status"</th><th scope="col"><span class="sr-only">"Actions"</span></th></tr>
                        </thead>
                        <tbody>
                            {list.into_iter().map(|account| {
                                let leaving = account.clone();
                                let is_current = current.get().is_some_and(|c| c.id == account.id);
                                view! {
                                    <tr>
                                        <td><a href=format!("/a/{}", account.id)>{account.name.clone()}</a>
                                            {account.slug.clone().map(|slug| view! { <span class="muted small">" · "{slug}</span> })}</td>
                                        <td><RoleBadge role=account.role /></td>
                                        <td>{account.region.map(|r| r.label()).unwrap_or_default()}</td>
                                        <td><StatusBadge status=account.status /></td>
                                        <td class="row-actions">
                                            <a class="button secondary small" href=format!("/a/{}", account.id)>"Switch"<span class="sr-only">" to "{account.name.clone()}</span></a>
                                            <button type="button" class="button danger-outline small" disabled=is_current on:click=move |_| leave(leaving.clone())>
                                                "Leave"<span class="sr-only">" "{account.name.clone()}</span>
                                            </button>
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}
