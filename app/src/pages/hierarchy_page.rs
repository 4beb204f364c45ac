//! `/a/{id}/hierarchy`: the organization's place in a hierarchy (SPEC §17) —
//! its parent and who pays, its children with members, instances, status and
//! billing, creating a child, linking an organization, the link requests sent
//! and received, and the roll-up report. `domain` decides who may do what; the
//! buttons say why when they are disabled.

use crate::api;
use crate::components::badges::StatusBadge;
use crate::components::field::{SelectField, TextField};
use crate::components::form_state::{FormFailure, FormState};
use crate::components::loaded::{load, Loaded};
use crate::components::page_head::{DeniedNotice, PageHead};
use crate::components::paged::{PagedList, PagedView};
use crate::current_account::{use_current_account, use_denial};
use crate::session::use_session;
use crate::toast::use_toasts;
use domain::api::{AccountView, ChildView, LinkRequestStatus, LinkRequestView, NewChildRequest};
use domain::hierarchy::BillingMode;
use domain::text::BillingAddressInput;
use domain::{AccountId, AccountKind, OrgRole, Permission, Region};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// "1 member", "3 members".
fn counted(n: u64, noun: &str) -> String {
    match n {
        1 => format!("1 {noun}"),
        n => format!("{n} {noun}s"),
    }
}

/// The hierarchy page.
#[component]
pub fn HierarchyPage() -> impl IntoView {
    let account = use_current_account();
    let view_denial = use_denial(Permission::ViewDescendants);
    let manage_denial = use_denial(Permission::ManageHierarchy);
    let creating = RwSignal::new(false);
    let intro = Signal::derive(|| {
        "Child organizations share management: Owners and Admins here act with their role in every descendant, and a child may be billed to its parent.".to_owned()
    });
    view! {
        <PageHead title="Hierarchy" intro>
            <button type="button" class="button primary"
                aria-expanded=move || creating.get().to_string()
                aria-controls="create-child"
                disabled=move || manage_denial.get().is_some()
                title=move || manage_denial.get()
                on:click=move |_| creating.update(|open| *open = !*open)>
                "Create child organization"
            </button>
        </PageHead>
        {move || account.get().map(|account| view! { <ParentPanel account /> })}
        <DeniedNotice reason=view_denial />
        {move || match (account.get(), view_denial.get()) {
            (Some(account), None) => view! { <Hierarchy account creating /> }.into_any(),
            _ => ().into_any(),
        }}
    }
}

/// The parent, if any, and who pays, with the Owner's switch between modes.
#[component]
fn ParentPanel(
    /// The organization.
    account: AccountView,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let denial = use_denial(Permission::ManageHierarchy);
    let Some(parent) = account.parent_id else {
        return ().into_any();
    };
    let parent_name = session
        .me()
        .and_then(|me| me.accounts.into_iter().find(|a| a.id == parent))
        .map(|a| a.name)
        .unwrap_or_else(|| "its parent".to_owned());
    let next = match account.billing_mode {
        BillingMode::Parent => BillingMode::Own,
        BillingMode::Own => BillingMode::Parent,
    };
    let id = account.id;
    let switch = move |_| {
        spawn_local(async move {
            match api::set_billing_mode(id, next).await {
                Ok(updated) => {
                    session.reload().await;
                    toasts.show(format!(
                        "{} now has {}.",
                        updated.name,
                        next.label().to_lowercase()
                    ));
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    let billing = match account.billing_mode {
        BillingMode::Parent => {
            format!("Billed to {parent_name}: its status follows {parent_name}'s credit.")
        }
        BillingMode::Own => "Own billing: it pays with its own credit.".to_owned(),
    };
    let switch_label = match next {
        BillingMode::Parent => format!("Bill to {parent_name}"),
        BillingMode::Own => "Use own billing".to_owned(),
    };
    view! {
        <section class="panel" aria-labelledby="parent-title">
            <h2 id="parent-title">"Parent"</h2>
            <p>{format!("{} is a child of ", account.name)}<a href=format!("/a/{parent}/hierarchy")>{parent_name.clone()}</a>"."</p>
            <p class="muted">{billing}</p>
            {account.inherited_from.map(|from| view! {
                <p class="muted">{format!("Your {} role here is inherited from {}.", account.role.label(), from.name)}</p>
            })}
            <div class="actions start">
                <button type="button" class="button secondary small"
                    disabled=move || denial.get().is_some() title=move || denial.get()
                    on:click=switch>{switch_label}</button>
            </div>
        </section>
    }
    .into_any()
}

/// The children, the report, linking and requests, for those who may see them.
#[component]
fn Hierarchy(
    /// The organization.
    account: AccountView,
    /// Whether the create-child form is open, two-way.
    creating: RwSignal<bool>,
) -> impl IntoView {
    let id = account.id;
    let list = PagedList::new(move |cursor| async move { api::children(id, cursor).await });
    let report = load(move || api::report(id));
    let changed = Callback::new(move |_: ()| {
        list.reload();
        report.refetch();
    });
    let manages =
        domain::roles::decide(account.kind, account.role, Permission::ManageHierarchy).is_ok();
    view! {
        <Show when=move || creating.get()>
            <CreateChildForm parent=account.clone() on_close=Callback::new(move |_| creating.set(false)) on_created=changed />
        </Show>
        <section class="panel" aria-labelledby="children-title">
            <h2 id="children-title">"Children"</h2>
            <PagedView list empty="No child organizations yet. Create one, or link an organization you own." let:items>
                <ChildTable parent=id children=items manages on_changed=changed />
            </PagedView>
        </section>
        <section class="panel" aria-labelledby="report-title">
            <h2 id="report-title">"Roll-up report"</h2>
            <Loaded resource=report let:report>
                <p>{format!(
                    "{} · {} · {} · {} active, {} suspended · {} billed to their parent",
                    counted(report.totals.organizations, "descendant"),
                    counted(report.totals.members, "member"),
                    counted(report.totals.instances, "instance"),
                    report.totals.active, report.totals.suspended, report.totals.billed_to_parent
                )}</p>
            </Loaded>
            <a class="button secondary small" href=format!("/api/accounts/{id}/report?format=csv") download="">"Download the report (CSV)"</a>
        </section>
        {manages.then(|| view! {
            <LinkForm parent=id on_linked=changed />
            <LinkRequests account=id on_changed=changed />
        })}
    }
}

/// The children in a table; Owners may unlink each.
#[component]
fn ChildTable(
    /// The parent.
    parent: AccountId,
    /// The children loaded so far.
    children: Vec<ChildView>,
    /// Whether the viewer may unlink.
    manages: bool,
    /// Called after an unlink.
    on_changed: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let unlink = move |child: ChildView| {
        spawn_local(async move {
            match api::unlink(parent, child.id).await {
                Ok(()) => {
                    session.reload().await;
                    toasts.show(format!("{} is no longer a child here.", child.name));
                    on_changed.run(());
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    view! {
        <div class="table-wrap">
            <table>
                <caption class="sr-only">"Child organizations"</caption>
                <thead><tr>
                    <th scope="col">"Name"</th><th scope="col">"Billing"</th><th scope="col">"Status"</th>
                    <th scope="col">"Members"</th><th scope="col">"Instances"</th>
                    <th scope="col"><span class="sr-only">"Actions"</span></th>
                </tr></thead>
                <tbody>
                    {children.into_iter().map(|child| {
                        let unlinking = child.clone();
                        view! {
                            <tr>
                                <td><a href=format!("/a/{}", child.id)>{child.name.clone()}</a></td>
                                <td>{child.billing_mode.label()}</td>
                                <td><StatusBadge status=child.status /></td>
                                <td>{child.members}</td>
                                <td>{child.instances}</td>
                                <td class="row-actions">
                                    {manages.then(|| view! {
                                        <button type="button" class="button danger-outline small" on:click=move |_| unlink(unlinking.clone())>
                                            "Unlink"<span class="sr-only">" "{child.name.clone()}</span>
                                        </button>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// A new child: name, region (chosen once, like any organization's) and who pays.
#[component]
fn CreateChildForm(
    /// The parent.
    parent: AccountView,
    /// Called when it is done or dropped.
    on_close: Callback<()>,
    /// Called after a child was created.
    on_created: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let form = FormState::new();
    let name = RwSignal::new(String::new());
    let region = RwSignal::new(parent.region.map(|r| r.id().to_owned()).unwrap_or_default());
    let billing = RwSignal::new(BillingMode::Parent.id().to_owned());
    let regions: Vec<(String, String)> = Region::ALL
        .iter()
        .map(|r| (r.id().to_owned(), r.label().to_owned()))
        .collect();
    let billing_options = vec![
        (
            BillingMode::Parent.id().to_owned(),
            format!("Billed to {}", parent.name),
        ),
        (BillingMode::Own.id().to_owned(), "Own billing".to_owned()),
    ];
    let parent_id = parent.id;
    let parent_address: Option<BillingAddressInput> = parent
        .billing_address
        .as_ref()
        .map(BillingAddressInput::from);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = NewChildRequest {
            name: name.get_untracked(),
            region: region.get_untracked(),
            billing: billing.get_untracked(),
            billing_address: None,
        };
        if !form.start(request.validate(parent_address.as_ref())) {
            return;
        }
        spawn_local(async move {
            match api::create_child(parent_id, &request).await {
                Ok(child) => {
                    session.reload().await;
                    toasts.show(format!(
                        "{} was created as a child organization.",
                        child.name
                    ));
                    on_created.run(());
                    on_close.run(());
                }
                Err(error) => form.fail(&error),
            }
            form.done();
        });
    };
    view! {
        <form id="create-child" class="panel form" on:submit=submit novalidate>
            <h2>"New child organization"</h2>
            <FormFailure state=form />
            <TextField label="Name".to_owned() id="child-name".to_owned() field="name".to_owned() value=name errors=form.errors />
            <SelectField label="Region" id="child-region" value=region options=regions field=("region", form.errors)
                hint="Where its resources and data live; chosen once." />
            <SelectField label="Billing" id="child-billing" value=billing options=billing_options field=("billing", form.errors) />
            <div class="actions">
                <button type="button" class="button secondary" on:click=move |_| on_close.run(())>"Cancel"</button>
                <button type="submit" class="button primary" disabled=move || form.busy.get()>"Create child"</button>
            </div>
        </form>
    }
}

/// Links an existing organization: at once when the viewer owns it too,
/// otherwise by asking its Owners.
#[component]
fn LinkForm(
    /// The parent.
    parent: AccountId,
    /// Called after a link or a request.
    on_linked: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let choice = RwSignal::new(String::new());
    let other = RwSignal::new(String::new());
    // Organizations the viewer owns that stand alone: they link at once.
    let owned = Memo::new(move |_| {
        let mut options = vec![(String::new(), "Choose an organization".to_owned())];
        options.extend(
            session
                .me()
                .map(|me| me.accounts)
                .unwrap_or_default()
                .into_iter()
                .filter(|a| {
                    a.kind == AccountKind::Organization
                        && a.role == OrgRole::Owner
                        && a.parent_id.is_none()
                        && a.id != parent
                })
                .map(|a| (a.id.to_string(), a.name)),
        );
        options.push((
            "other".to_owned(),
            "Another organization, by its id".to_owned(),
        ));
        options
    });
    let failure = RwSignal::new(None::<String>);
    let errors = RwSignal::new(Vec::new());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let raw = match choice.get_untracked().as_str() {
            "other" => other.get_untracked(),
            chosen => chosen.to_owned(),
        };
        let Ok(child) = raw.trim().parse::<AccountId>() else {
            failure.set(Some("Choose an organization, or paste its id.".into()));
            return;
        };
        spawn_local(async move {
            match api::link(parent, child).await {
                Ok(outcome) => {
                    failure.set(None);
                    session.reload().await;
                    toasts.show(match outcome.request {
                        Some(request) => format!(
                            "{}'s Owners were asked to accept the link.",
                            request.child.name
                        ),
                        None => "The organization is now a child here.".to_owned(),
                    });
                    choice.set(String::new());
                    on_linked.run(());
                }
                Err(error) => failure.set(Some(error.message())),
            }
        });
    };
    view! {
        <form class="panel form" on:submit=submit aria-labelledby="link-title" novalidate>
            <h2 id="link-title">"Link an organization"</h2>
            <p class="muted">"An organization you own links at once; for another, its Owners are asked by mail."</p>
            {move || failure.get().map(|message| view! { <p class="alert error" role="alert">{message}</p> })}
            <SelectField label="Organization" id="link-choice" value=choice options=owned />
            <Show when=move || choice.get() == "other">
                <TextField label="Organization id".to_owned() id="link-other".to_owned() field="child_id".to_owned() value=other errors=errors />
            </Show>
            <div class="actions start">
                <button type="submit" class="button secondary">"Link"</button>
            </div>
        </form>
    }
}

/// Requests this organization sent and received; Owners answer received ones.
#[component]
fn LinkRequests(
    /// The organization.
    account: AccountId,
    /// Called after an answer.
    on_changed: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let requests = load(move || api::link_requests(account));
    let answer = move |request: LinkRequestView, accept: bool| {
        spawn_local(async move {
            match api::answer_link_request(account, &request.id, accept).await {
                Ok(done) => {
                    session.reload().await;
                    toasts.show(match accept {
                        true => format!(
                            "{} is now the parent of {}.",
                            done.parent.name, done.child.name
                        ),
                        false => format!("You declined {}'s request.", done.parent.name),
                    });
                    requests.refetch();
                    on_changed.run(());
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    view! {
        <section class="panel" aria-labelledby="requests-title">
            <h2 id="requests-title">"Link requests"</h2>
            <Loaded resource=requests let:list>
                {if list.is_empty() {
                    view! { <p class="muted">"No link requests."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain-list">
                            {list.into_iter().map(|request| {
                                let received = request.child.id == account;
                                let pending = request.status == LinkRequestStatus::Pending;
                                let sentence = if received {
                                    format!("{} asks to become the parent of {} ({}).", request.parent.name, request.child.name, request.requested_by)
                                } else {
                                    format!("You asked to link {} here.", request.child.name)
                                };
                                let (accepting, declining) = (request.clone(), request.clone());
                                view! {
                                    <li>
                                        <span>{sentence}" "</span>
                                        <span class="badge">{match request.status {
                                            LinkRequestStatus::Pending => "Pending",
                                            LinkRequestStatus::Accepted => "Accepted",
                                            LinkRequestStatus::Declined => "Declined",
                                        }}</span>
                                        {(received && pending).then(|| view! {
                                            <span class="row-actions">
                                                <button type="button" class="button primary small" on:click=move |_| answer(accepting.clone(), true)>"Accept"</button>
                                                <button type="button" class="button secondary small" on:click=move |_| answer(declining.clone(), false)>"Decline"</button>
                                            </span>
                                        })}
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </Loaded>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::counted;

    #[test]
    fn counts_read_as_words() {
        assert_eq!(counted(1, "member"), "1 member");
        assert_eq!(counted(0, "instance"), "0 instances");
        assert_eq!(counted(12, "descendant"), "12 descendants");
    }
}
