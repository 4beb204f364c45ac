//! `/a/{org}/members`: the members table — roles (with a preview of what a change
//! gives and takes), removal, search, paging — and the invite and transfer dialogs.

use crate::api;
use crate::components::confirm_panel::ConfirmPanel;
use crate::components::invite_dialog::InviteDialog;
use crate::components::loaded::load;
use crate::components::page_head::PageHead;
use crate::components::paged::{PagedList, PagedView};
use crate::components::transfer_dialog::TransferDialog;
use crate::current_account::{use_current_account, use_denial};
use crate::session::use_session;
use crate::toast::use_toasts;
use domain::api::{AccountView, MemberView};
use domain::roles::{role_change_effect, RoleChangeEffect};
use domain::rules::{check_seat, seats_label};
use domain::{OrgRole, Permission, UserId};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_query_map;

/// A role change waiting for confirmation.
#[derive(Clone, Debug, PartialEq)]
struct PendingChange {
    member: MemberView,
    to: OrgRole,
}

/// The members page of an organization.
#[component]
pub fn MembersPage() -> impl IntoView {
    let account = use_current_account();
    move || account.get().map(|account| view! { <Members account /> })
}

/// The members of `account`, with the dialogs that change them.
#[component]
fn Members(
    /// The organization.
    account: AccountView,
) -> impl IntoView {
    let session = use_session();
    let query_map = use_query_map();
    let id = account.id;
    let search = RwSignal::new(String::new());
    let list = PagedList::new(move |cursor| {
        let query = search.get();
        async move { api::members(id, &query, cursor.as_deref()).await }
    });
    let invite_denial = use_denial(Permission::ManageInvitations);
    let transfer_denial = use_denial(Permission::TransferOrDelete);
    let sees_seats = use_denial(Permission::ManageBilling)
        .get_untracked()
        .is_none();
    let billing = load(move || async move {
        if sees_seats {
            api::billing(id).await.map(Some)
        } else {
            Ok(None)
        }
    });
    let seats = Signal::derive(move || {
        billing
            .get()
            .and_then(Result::ok)
            .flatten()
            .map(|b| (b.members, b.pending_invitations))
    });
    let plan = account.plan;
    let seats_text = Signal::derive(move || seats.get().map(|(m, p)| seats_label(plan, m + p)));
    let full = Signal::derive(move || {
        seats
            .get()
            .and_then(|(m, p)| check_seat(plan, m, p).err())
            .map(|d| d.message)
    });
    let my_id = Memo::new(move |_| session.me().map(|me| me.user.id));
    let candidates = Signal::derive(move || {
        let me = my_id.get();
        list.loaded()
            .into_iter()
            .filter(|m| Some(m.user_id) != me)
            .collect::<Vec<_>>()
    });
    let (invite_open, transfer_open) = (RwSignal::new(false), RwSignal::new(false));
    Effect::new(move |_| {
        if query_map.read().get("transfer").is_some() {
            transfer_open.set(true);
        }
    });
    let changed = Callback::new(move |_| {
        list.reload();
        billing.refetch();
    });
    let intro = Signal::derive(move || {
        seats_text
            .get()
            .unwrap_or_else(|| "People in this organization and their roles.".into())
    });
    view! {
        <PageHead title="Members" intro>
            <button type="button" class="button secondary"
                disabled=move || transfer_denial.get().is_some()
                title=move || transfer_denial.get()
                on:click=move |_| transfer_open.set(true)>"Transfer ownership"</button>
            <button type="button" class="button primary"
                disabled=move || invite_denial.get().is_some()
                title=move || invite_denial.get()
                on:click=move |_| invite_open.set(true)>"Invite member"</button>
        </PageHead>
        {move || invite_denial.get().map(|reason| view! { <p class="alert info">{reason}</p> })}
        <form class="search" role="search" on:submit=move |ev: leptos::ev::SubmitEvent| ev.prevent_default()>
            <label for="member-search" class="sr-only">"Search members"</label>
            <input id="member-search" type="search" placeholder="Search by name or email"
                prop:value=move || search.get()
                on:input=move |ev| search.set(event_target_value(&ev)) />
        </form>
        <MemberTable account=id list my_id on_changed=changed />
        <InviteDialog account=id open=invite_open seats=seats_text full on_sent=changed />
        <TransferDialog account=id open=transfer_open candidates on_done=changed />
    }
}

/// The members, each with a role control and "Remove".
#[component]
fn MemberTable(
    /// The organization.
    account: domain::AccountId,
    /// The list.
    list: PagedList<MemberView>,
    /// The signed-in user.
    my_id: Memo<Option<UserId>>,
    /// Called after a member changed or left.
    on_changed: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let manage_denial = use_denial(Permission::ManageMembers);
    let pending = RwSignal::new(None::<PendingChange>);
    let removing = RwSignal::new(None::<MemberView>);
    let apply_change = move |()| {
        let Some(change) = pending.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match api::change_role(account, change.member.user_id, change.to).await {
                Ok(updated) => {
                    toasts.show(format!("{} is now {}.", updated.name, updated.role.label()));
                    session.refresh();
                    on_changed.run(());
                }
                Err(error) => toasts.show(error.message()),
            }
            pending.set(None);
        });
    };
    let confirm_remove = move |()| {
        let Some(member) = removing.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match api::remove_member(account, member.user_id).await {
                Ok(()) => {
                    toasts.show(format!("{} was removed.", member.name));
                    on_changed.run(());
                }
                Err(error) => toasts.show(error.message()),
            }
            removing.set(None);
        });
    };
    view! {
        {move || pending.get().map(|change| view! { <RoleChangePreview change on_apply=Callback::new(apply_change) on_cancel=Callback::new(move |_| pending.set(None)) /> })}
        {move || removing.get().map(|member| view! {
            <ConfirmPanel id="remove-title" title=format!("Remove {}?", member.name) action="Remove member" danger=true
                on_cancel=Callback::new(move |_| removing.set(None)) on_confirm=Callback::new(confirm_remove)>
                <p>{format!("{} loses access to this organization and its teams. Their API keys here stop working.", member.name)}</p>
            </ConfirmPanel>
        })}
        <PagedView list empty="No member matches this search." more_label="Load more members" let:items>
            // Owners and Admins are told who has two-factor on.
            {let second_factor = items.iter().any(|m| m.two_factor.is_some());
            view! {
            <div class="table-wrap">
                <table>
                    <thead>
                        <tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Teams"</th>
                            {second_factor.then(|| view! { <th scope="col">"Two-factor"</th> })}
                            <th scope="col"><span class="sr-only">"Actions"</span></th></tr>
                    </thead>
                    <tbody>
                        {items.into_iter().map(|member| view! {
                            <MemberRow member my_id manage_denial
                                on_role=Callback::new(move |change| pending.set(Some(change)))
                                on_remove=Callback::new(move |member| removing.set(Some(member))) />
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            }}
        </PagedView>
    }
}

/// One member: name, email, role control, teams, "Remove".
#[component]
fn MemberRow(
    /// The member.
    member: MemberView,
    /// The signed-in user.
    my_id: Memo<Option<UserId>>,
    /// Why the viewer may not change members, if so.
    manage_denial: Memo<Option<String>>,
    /// Called with a role change to preview.
    on_role: Callback<PendingChange>,
    /// Called with the member to remove.
    on_remove: Callback<MemberView>,
) -> impl IntoView {
    let is_me = my_id.get_untracked() == Some(member.user_id);
    let select_id = format!("role-{}", member.user_id);
    let teams = member
        .teams
        .iter()
        .map(|t| format!("{} ({})", t.name, t.role.label()))
        .collect::<Vec<_>>()
        .join(", ");
    let (for_select, for_remove) = (member.clone(), member.clone());
    // Access inherited from an ancestor (SPEC §17) is not a membership here:
    // it is changed in the ancestor, so the row shows it without controls.
    if let Some(from) = member.inherited_from.clone() {
        return view! {
            <tr class="inherited">
                <td>{member.name.clone()}{is_me.then(|| view! { <span class="muted small">" (you)"</span> })}</td>
                <td>{member.email.clone()}</td>
                <td>
                    <span class="badge">{member.role.label()}</span>
                    <span class="muted small">{" inherited from "}<a href=format!("/a/{}/members", from.id)>{from.name}</a></span>
                </td>
                <td></td>
                {member.two_factor.map(|on| view! { <td>{if on { "On" } else { "Off" }}</td> })}
                <td class="row-actions"></td>
            </tr>
        }
        .into_any();
    }
    view! {
        <tr>
            <td>{member.name.clone()}{is_me.then(|| view! { <span class="muted small">" (you)"</span> })}</td>
            <td>{member.email.clone()}</td>
            <td>
                <label for=select_id.clone() class="sr-only">{format!("Role for {}", member.name)}</label>
                <select id=select_id
                    disabled=move || manage_denial.get().is_some()
                    title=move || manage_denial.get()
                    prop:value=member.role.id()
                    on:change=move |ev| {
                        if let Ok(to) = event_target_value(&ev).parse::<OrgRole>() {
                            if to != for_select.role {
                                on_role.run(PendingChange { member: for_select.clone(), to });
                            }
                        }
                    }>
                    {OrgRole::ALL.into_iter().map(|r| view! { <option value=r.id()>{r.label()}</option> }).collect_view()}
                </select>
            </td>
            <td>{teams}</td>
            {member.two_factor.map(|on| view! {
                <td>{if on {
                    view! { <span class="badge ok">"On"</span> }.into_any()
                } else {
                    view! { <span class="badge warn">"Off"</span> }.into_any()
                }}</td>
            })}
            <td class="row-actions">
                {(!is_me).then(|| view! {
                    <button type="button" class="button danger-outline small"
                        disabled=move || manage_denial.get().is_some()
                        title=move || manage_denial.get()
                        on:click=move |_| on_remove.run(for_remove.clone())>
                        "Remove"<span class="sr-only">{format!(" {}", member.name)}</span>
                    </button>
                })}
            </td>
        </tr>
    }
    .into_any()
}

/// What a role change gives and takes, before it is applied.
#[component]
fn RoleChangePreview(
    /// The change.
    change: PendingChange,
    /// Called to apply it.
    on_apply: Callback<()>,
    /// Called to drop it.
    on_cancel: Callback<()>,
) -> impl IntoView {
    let effect = role_change_effect(change.member.role, change.to);
    let gains = RoleChangeEffect::describe(&effect.gains);
    let losses = RoleChangeEffect::describe(&effect.losses);
    let name = change.member.name.clone();
    view! {
        <ConfirmPanel id="preview-title" title=format!("Make {} {}?", name, change.to.label()) action="Apply role change"
            on_cancel on_confirm=on_apply>
            {(!gains.is_empty()).then(|| view! {
                <p><strong>{format!("{name} will gain: ")}</strong>{gains.join("; ")}</p>
            })}
            {(!losses.is_empty()).then(|| view! {
                <p><strong>{format!("{} will lose: ", change.member.name)}</strong>{losses.join("; ")}</p>
            })}
        </ConfirmPanel>
    }
}
