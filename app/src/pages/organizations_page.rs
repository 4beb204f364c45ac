//! `/a/{personal}/organizations`: the user's organizations — list, create, open, leave.

use crate::api;
use crate::browser::confirm;
use crate::components::badges::{RoleBadge, StatusBadge};
use crate::components::form_state::{FormFailure, FormState};
use crate::components::organization_fields::{OrganizationFields, OrganizationValues};
use crate::components::page_head::PageHead;
use crate::current_account::use_current_account;
use crate::session::use_session;
use crate::toast::use_toasts;
use domain::api::AccountView;
use domain::rules::{check_join, Limits};
use domain::{AccountKind, ErrorCode};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Leaving an organization was refused: which, why, and what to do instead.
#[derive(Clone, Debug, PartialEq)]
struct Blocked {
    account: AccountView,
    code: ErrorCode,
    message: String,
}

/// The organizations page of the personal context.
#[component]
pub fn OrganizationsPage() -> impl IntoView {
    let session = use_session();
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
        let limits = Limits {
            max_orgs_per_user: max.get(),
        };
        check_join(organizations.with(Vec::len) as u32, limits)
            .err()
            .map(|d| d.message)
    });
    let creating = RwSignal::new(false);
    let blocked = RwSignal::new(None::<Blocked>);
    let intro = Signal::derive(move || {
        format!(
            "You belong to {} of at most {} organizations.",
            organizations.with(Vec::len),
            max.get()
        )
    });
    view! {
        <PageHead title="Organizations" intro>
            <button type="button" class="button primary"
                aria-expanded=move || creating.get().to_string()
                aria-controls="create-organization"
                disabled=move || limit_denial.get().is_some()
                title=move || limit_denial.get()
                on:click=move |_| creating.update(|open| *open = !*open)>
                "Create organization"
            </button>
        </PageHead>
        {move || limit_denial.get().map(|reason| view! { <p class="alert info">{reason}</p> })}
        {move || blocked.get().map(|blocked_leave| view! { <LeaveBlocked blocked=blocked_leave on_close=Callback::new(move |_| blocked.set(None)) /> })}
        <Show when=move || creating.get()>
            <CreateOrganizationForm on_close=Callback::new(move |_| creating.set(false)) />
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
            view! { <OrganizationTable organizations=list on_blocked=Callback::new(move |b| blocked.set(Some(b))) /> }.into_any()
        }}
    }
}

/// Creating an organization: name, region and billing address.
#[component]
fn CreateOrganizationForm(
    /// Called when it is done or dropped.
    on_close: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let values = OrganizationValues::new();
    let form = FormState::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = values.request();
        if !form.start(request.validate("")) {
            return;
        }
        spawn_local(async move {
            match api::create_organization(&request).await {
                Ok(account) => {
                    session.reload().await;
                    let region = account.region.map(|r| r.label()).unwrap_or_default();
                    toasts.show(format!(
                        "{} was created in {region}. It is suspended until funds are added.",
                        account.name
                    ));
                    on_close.run(());
                }
                Err(error) => form.fail(&error),
            }
            form.done();
        });
    };
    view! {
        <form id="create-organization" class="panel form" on:submit=submit novalidate>
            <h2>"New organization"</h2>
            <FormFailure state=form />
            <OrganizationFields prefix=String::new() values errors=form.errors />
            <div class="actions">
                <button type="button" class="button secondary" on:click=move |_| on_close.run(())>"Cancel"</button>
                <button type="submit" class="button primary" disabled=move || form.busy.get()>"Create organization"</button>
            </div>
        </form>
    }
}

/// Why leaving was refused, and the ways forward: transfer ownership, or delete.
#[component]
fn LeaveBlocked(
    /// The refusal.
    blocked: Blocked,
    /// Called on "Not now".
    on_close: Callback<()>,
) -> impl IntoView {
    let account = blocked.account;
    view! {
        <section class="panel guided" role="alert" aria-labelledby="blocked-title">
            <h2 id="blocked-title">{format!("You cannot leave {} yet", account.name)}</h2>
            <p>{blocked.message}</p>
            <div class="actions start">
                {(blocked.code == ErrorCode::LastOwner).then(|| view! {
                    <a class="button primary" href=format!("/a/{}/members?transfer=1", account.id)>"Transfer ownership"</a>
                })}
                <a class="button danger-outline" href=format!("/a/{}/settings", account.id)>"Delete organization"</a>
                <button type="button" class="button secondary" on:click=move |_| on_close.run(())>"Not now"</button>
            </div>
        </section>
    }
}

/// The organizations with the user's role, and "Switch" and "Leave".
#[component]
fn OrganizationTable(
    /// The user's organizations.
    organizations: Vec<AccountView>,
    /// Called when leaving one was refused.
    on_blocked: Callback<Blocked>,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let current = use_current_account();
    let leave = move |account: AccountView| {
        let question = format!(
            "Leave {}? You lose access to it until someone invites you again.",
            account.name
        );
        if !confirm(&question) {
            return;
        }
        spawn_local(async move {
            match api::leave_account(account.id).await {
                Ok(()) => {
                    session.reload().await;
                    toasts.show(format!("You left {}.", account.name));
                }
                Err(error) => match error.code() {
                    Some(code @ (ErrorCode::LastOwner | ErrorCode::LastMember)) => {
                        on_blocked.run(Blocked {
                            account,
                            code,
                            message: error.message(),
                        });
                    }
                    _ => toasts.show(error.message()),
                },
            }
        });
    };
    let row = move |account: AccountView| {
        let leaving = account.clone();
        let is_current = current.get_untracked().is_some_and(|c| c.id == account.id);
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
    };
    view! {
        <div class="table-wrap">
            <table>
                <thead>
                    <tr><th scope="col">"Name"</th><th scope="col">"Your role"</th><th scope="col">"Region"</th><th scope="col">"Status"</th><th scope="col"><span class="sr-only">"Actions"</span></th></tr>
                </thead>
                <tbody>{organizations.into_iter().map(row).collect_view()}</tbody>
            </table>
        </div>
    }
}
