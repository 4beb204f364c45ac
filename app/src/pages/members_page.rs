//! `/a/{org}/members`: the members table — roles (with a preview of what a change
//! gives and takes), removal, search, paging — and the invite and transfer dialogs.

use super::account_layout::use_current_account;
use crate::api;
use crate::components::invite_dialog::InviteDialog;
use crate::components::transfer_dialog::TransferDialog;
use crate::session::use_session;
use crate::toast::use_toasts;
use domain::api::MemberView;
use domain::roles::{decide, role_change_effect, RoleChangeEffect};
use domain::rules::{check_seat, seats_label};
use domain::{OrgRole, Permission};
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
    crate::browser::set_title("Members");
    let account = use_current_account();
    let session = use_session();
    let toasts = use_toasts();
    let query_map = use_query_map();
    let members = RwSignal::new(Vec::<MemberView>::new());
    let next_cursor = RwSignal::new(None::<String>);
    let loading = RwSignal::new(true);
    let failure = RwSignal::new(None::<String>);
    let search = RwSignal::new(String::new());
    let seats = RwSignal::new(None::<(u32, u32)>);
    let invite_open = RwSignal::new(false);
    let transfer_open = RwSignal::new(false);
    let pending_change = RwSignal::new(None::<PendingChange>);
    let removing = RwSignal::new(None::<MemberView>);
    let account_id = Memo::new(move |_| account.get().map(|a| a.id));
    let my_id = Memo::new(move |_| session.me().map(|me| me.user.id));

    let load = move |append: bool| {
        let Some(id) = account_id.get_untracked() else {
            return;
        };
        let cursor = if append {
            next_cursor.get_untracked()
        } else {
            None
        };
        let query = search.get_untracked();
        loading.set(true);
        spawn_local(async move {
            match api::members(id, &query, cursor.as_deref()).await {
                Ok(page) => {
                    if append {
                        members.update(|list| list.extend(page.items));
                    } else {
                        members.set(page.items);
                    }
                    next_cursor.set(page.next_cursor);
                    failure.set(None);
                }
                Err(error) => failure.set(Some(error.message())),
            }
            loading.set(false);
        });
        if let Some(account) = account.get_untracked() {
            if decide(account.kind, account.role, Permission::ManageBilling).is_ok() {
                spawn_local(async move {
                    if let Ok(billing) = api::billing(id).await {
                        seats.set(Some((billing.members, billing.pending_invitations)));
                    }
                });
            }
        }
    };
    Effect::new(move |_| {
        if account_id.get().is_some() {
            load(false);
        }
    });
    Effect::new(move |_| {
        if query_map.read().get("transfer").is_some() {
            transfer_open.set(true);
        }
    });

    let can = move |permission: Permission| {
        account
            .get()
            .and_then(|a| decide(a.kind, a.role, permission).err())
            .map(|d| d.message)
    };
    let invite_denial = Memo::new(move |_| can(Permission::ManageInvitations));
    let manage_denial = Memo::new(move |_| can(Permission::ManageMembers));
    let transfer_denial = Memo::new(move |_| can(Permission::TransferOrDelete));
    let seats_text = Signal::derive(move || {
        let plan = account.get()?.plan;
        seats.get().map(|(m, p)| seats_label(plan, m + p))
    });
    let full = Signal::derive(move || {
        let plan = account.get()?.plan;
        let (m, p) = seats.get()?;
        check_seat(plan, m, p).err().map(|d| d.message)
    });
    let candidates = Signal::derive(move || {
        let me = my_id.get();
        members
            .get()
            .into_iter()
            .filter(|m| Some(m.user_id) != me)
            .collect::<Vec<_>>()
    });

    let apply_change = move |_| {
        let Some(change) = pending_change.get_untracked() else {
            return;
        };
        let Some(id) = account_id.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match api::change_role(id, change.member.user_id, change.to).await {
                Ok(updated) => {
                    members.update(|list| {
                        if let Some(m) = list.iter_mut().find(|m| m.user_id == updated.user_id) {
                            *m = updated.clone();
                        }
                    });
                    toasts.show(format!("{} is now {}.", updated.name, updated.role.label()));
                    session.refresh();
                }
                Err(error) => toasts.show(error.message()),
            }
            pending_change.set(None);
        });
    };
    let confirm_remove = move |_| {
        let Some(member) = removing.get_untracked() else {
            return;
        };
        let Some(id) = account_id.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match api::remove_member(id, member.user_id).await {
                Ok(()) => {
                    members.update(|list| list.retain(|m| m.user_id != member.user_id));
                    toasts.show(format!("{} was removed.", member.name));
                    load(false);
                }
                Err(error) => toasts.show(error.message()),
            }
            removing.set(None);
        });
    };

    view! {
        <div class="page-head">
            <div>
                <h1>"Members"</h1>
                <p class="muted">{move || seats_text.get().unwrap_or_else(|| "People in this organization and their roles.".into())}</p>
            </div>
            <div class="actions">
                <button type="button" class="button secondary"
                    disabled=move || transfer_denial.get().is_some()
                    title=move || transfer_denial.get()
                    on:click=move |_| transfer_open.set(true)>"Transfer ownership"</button>
                <button type="button" class="button primary"
                    disabled=move || invite_denial.get().is_some()
                    title=move || invite_denial.get()
                    on:click=move |_| invite_open.set(true)>"Invite member"</button>
            </div>
        </div>
        {move || invite_denial.get().map(|reason| view! { <p class="alert info">{reason}</p> })}
        <form class="search" role="search" on:submit=move |ev: leptos::ev::SubmitEvent| { ev.prevent_default(); load(false); }>
            <label for="member-search" class="sr-only">"Search members"</label>
            <input id="member-search" type="search" placeholder="Search by name or email"
                prop:value=move || search.get()
                on:input=move |ev| { search.set(event_target_value(&ev)); load(false); } />
        </form>
        {move || pending_change.get().map(|change| {
            let effect = role_change_effect(change.member.role, change.to);
            let gains = RoleChangeEffect::describe(&effect.gains);
            let losses = RoleChangeEffect::describe(&effect.losses);
            view! {
                <section class="panel preview" aria-labelledby="preview-title">
                    <h2 id="preview-title">{format!("Make {} {}?", change.member.name, change.to.label())}</h2>
                    {(!gains.is_empty()).then(|| view! {
                        <p><strong>{format!("{} will gain: ", change.member.name)}</strong>{gains.join("; ")}</p>
                    })}
                    {(!losses.is_empty()).then(|| view! {
                        <p><strong>{format!("{} will lose: ", change.member.name)}</strong>{losses.join("; ")}</p>
                    })}
                    <div class="actions">
                        <button type="button" class="button secondary" on:click=move |_| pending_change.set(None)>"Cancel"</button>
                        <button type="button" class="button primary" on:click=apply_change>"Apply role change"</button>
                    </div>
                </section>
            }
        })}
        {move || removing.get().map(|member| view! {
            <section class="panel preview danger-zone" aria-labelledby="remove-title">
                <h2 id="remove-title">{format!("Remove {}?", member.name)}</h2>
                <p>{format!("{} loses access to this organization and its teams. Their API keys here stop working.", member.name)}</p>
                <div class="actions">
                    <button type="button" class="button secondary" on:click=move |_| removing.set(None)>"Cancel"</button>
                    <button type="button" class="button danger" on:click=confirm_remove>"Remove member"</button>
                </div>
            </section>
        })}
        {move || failure.get().map(|message| view! { <p class="alert error" role="alert">{message}</p> })}
        <div class="table-wrap">
            <table>
                <thead>
                    <tr><th scope="col">"Name"</th><th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Teams"</th><th scope="col"><span class="sr-only">"Actions"</span></th></tr>
                </thead>
                <tbody>
                    {move || members.get().into_iter().map(|member| {
                        let is_me = my_id.get() == Some(member.user_id);
                        let select_member = member.clone();
                        let remove_member = member.clone();
                        let label = format!("Role for {}", member.name);
                        let select_id = format!("role-{}", member.user_id);
                        view! {
                            <tr>
                                <td>{member.name.clone()}{is_me.then(|| view! { <span class="muted small">" (you)"</span> })}</td>
                                <td>{member.email.clone()}</td>
                                <td>
                                    <label for=select_id.clone() class="sr-only">{label.clone()}</label>
                                    <select id=select_id
                                        disabled=move || manage_denial.get().is_some()
                                        title=move || manage_denial.get()
                                        prop:value=member.role.id()
                                        on:change=move |ev| {
                                            if let Ok(to) = event_target_value(&ev).parse::<OrgRole>() {
                                                if to != select_member.role {
                                                    pending_change.set(Some(PendingChange { member: select_member.clone(), to }));
                                                }
                                            }
                                        }>
                                        {OrgRole::ALL.into_iter().map(|r| view! { <option value=r.id()>{r.label()}</option> }).collect_view()}
                                    </select>
                                </td>
                                <td>{member.teams.iter().map(|t| format!("{} ({})", t.name, t.role.label())).collect::<Vec<_>>().join(", ")}</td>
                                <td class="row-actions">
                                    <Show when=move || !is_me>
                                        <button type="button" class="button danger-outline small"
                                            disabled=move || manage_denial.get().is_some()
                                            title=move || manage_denial.get()
                                            on:click={
                                                let member = remove_member.clone();
                                                move |_| removing.set(Some(member.clone()))
                                            }>
                                            "Remove"<span class="sr-only">{format!(" {}", remove_member.name)}</span>
                                        </button>
                                    </Show>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {move || (!loading.get() && members.with(Vec::is_empty)).then(|| view! {
                <div class="empty-state flat"><p>"No member matches this search."</p></div>
            })}
        </div>
        <Show when=move || next_cursor.get().is_some()>
            <div class="actions center"><button type="button" class="button secondary" on:click=move |_| load(true)>"Load more members"</button></div>
        </Show>
        {move || account_id.get().map(|id| view! {
            <InviteDialog account=id open=invite_open seats=Signal::derive(move || seats_text.get()) full on_sent=Callback::new(move |_| load(false)) />
            <TransferDialog account=id open=transfer_open candidates on_done=Callback::new(move |_| load(false)) />
        })}
    }
}
