//! `/a/{org}/invitations`: the organization's invitations by status, with resend
//! and revoke; `/a/{personal}/invitations`: the invitations addressed to me.

use crate::api;
use crate::browser::now;
use crate::components::badges::RoleBadge;
use crate::components::loaded::{load, Loaded};
use crate::components::page_head::PageHead;
use crate::current_account::{use_current_account, use_denial};
use crate::format::time_left;
use crate::session::{use_session, welcome_to};
use crate::toast::use_toasts;
use domain::api::InvitationView;
use domain::invitation::InvitationStatus;
use domain::{AccountId, AccountKind, Permission};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

/// The invitations page: the organization's, or mine in the personal context.
#[component]
pub fn InvitationsPage() -> impl IntoView {
    let account = use_current_account();
    move || match account.get().map(|a| (a.kind, a.id)) {
        Some((AccountKind::Personal, _)) => view! { <MyInvitations /> }.into_any(),
        Some((AccountKind::Organization, id)) => {
            view! { <OrganizationInvitations account=id /> }.into_any()
        }
        None => ().into_any(),
    }
}

/// The status tabs, "All" first.
const TABS: [(Option<InvitationStatus>, &str); 6] = [
    (None, "All"),
    (Some(InvitationStatus::Pending), "Pending"),
    (Some(InvitationStatus::Accepted), "Accepted"),
    (Some(InvitationStatus::Declined), "Declined"),
    (Some(InvitationStatus::Revoked), "Revoked"),
    (Some(InvitationStatus::Expired), "Expired"),
];

/// An organization's invitations, by status.
#[component]
fn OrganizationInvitations(
    /// The organization.
    account: AccountId,
) -> impl IntoView {
    let denial = use_denial(Permission::ManageInvitations);
    view! {
        <PageHead title="Invitations" intro="Everyone invited to this organization, and what became of it.">
            <a class="button primary" href=format!("/a/{account}/members")>"Invite from Members"</a>
        </PageHead>
        {move || match denial.get() {
            Some(reason) => view! { <p class="alert info">{reason}</p> }.into_any(),
            None => view! { <InvitationList account /> }.into_any(),
        }}
    }
}

/// The tabs and the invitations of the chosen status.
#[component]
fn InvitationList(
    /// The organization.
    account: AccountId,
) -> impl IntoView {
    let status = RwSignal::new(None::<InvitationStatus>);
    let invitations = load(move || {
        let filter = status.get();
        async move {
            api::invitations(account, filter)
                .await
                .map(|page| page.items)
        }
    });
    let changed = Callback::new(move |_| invitations.refetch());
    view! {
        <div class="tabs" role="group" aria-label="Filter by status">
            {TABS.into_iter().map(|(value, label)| view! {
                <button type="button" class="tab" aria-pressed=move || (status.get() == value).to_string()
                    on:click=move |_| status.set(value)>{label}</button>
            }).collect_view()}
        </div>
        <Loaded resource=invitations let:list>
            {if list.is_empty() {
                view! { <div class="empty-state"><p>"No invitation here. Invite people from the Members page."</p></div> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table>
                            <thead><tr>
                                <th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Status"</th>
                                <th scope="col">"Invited by"</th><th scope="col">"Expires"</th><th scope="col"><span class="sr-only">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|invitation| view! { <InvitationRow account invitation on_changed=changed /> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </Loaded>
    }
}

/// One invitation, with "Resend" and "Revoke" where they apply.
#[component]
fn InvitationRow(
    /// The organization.
    account: AccountId,
    /// The invitation.
    invitation: InvitationView,
    /// Called after a change.
    on_changed: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let resend = move |invitation: InvitationView| {
        spawn_local(async move {
            match api::resend_invitation(account, invitation.id).await {
                Ok(renewed) => {
                    let left = time_left(renewed.expires_at, now());
                    toasts.show(format!("Sent again to {} — expires {left}.", renewed.email));
                    on_changed.run(());
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    let revoke = move |invitation: InvitationView| {
        spawn_local(async move {
            match api::revoke_invitation(account, invitation.id).await {
                Ok(()) => {
                    toasts.show(format!(
                        "The invitation to {} was revoked; its link no longer works.",
                        invitation.email
                    ));
                    on_changed.run(());
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    let can_resend = invitation.status != InvitationStatus::Accepted;
    let can_revoke = matches!(
        invitation.status,
        InvitationStatus::Pending | InvitationStatus::Expired
    );
    let (for_resend, for_revoke) = (invitation.clone(), invitation.clone());
    let expires = if invitation.status == InvitationStatus::Pending {
        time_left(invitation.expires_at, now())
    } else {
        "—".into()
    };
    view! {
        <tr>
            <td>{invitation.email.clone()}</td>
            <td><RoleBadge role=invitation.role /></td>
            <td><span class=format!("badge invitation-{}", invitation.status.id())>{invitation.status.label()}</span></td>
            <td>{invitation.invited_by.clone().map(|i| i.name).unwrap_or_else(|| "—".into())}</td>
            <td>{expires}</td>
            <td class="row-actions">
                {can_resend.then(|| view! {
                    <button type="button" class="button secondary small" on:click=move |_| resend(for_resend.clone())>
                        "Resend"<span class="sr-only">{format!(" to {}", invitation.email)}</span>
                    </button>
                })}
                {can_revoke.then(|| view! {
                    <button type="button" class="button danger-outline small" on:click=move |_| revoke(for_revoke.clone())>
                        "Revoke"<span class="sr-only">{format!(" {}", for_revoke.email)}</span>
                    </button>
                })}
            </td>
        </tr>
    }
}

/// The invitations addressed to me.
#[component]
fn MyInvitations() -> impl IntoView {
    let invitations = load(|| async { api::my_invitations().await.map(|page| page.items) });
    view! {
        <PageHead title="My invitations" intro="Organizations that invited you. Accepting adds you with the role they chose." />
        <Loaded resource=invitations let:list>
            {if list.is_empty() {
                view! { <div class="empty-state"><h2>"No pending invitations"</h2><p>"When someone invites your email, it shows up here."</p></div> }.into_any()
            } else {
                list.into_iter().map(|invitation| view! {
                    <InvitationCard invitation on_declined=Callback::new(move |_| invitations.refetch()) />
                }).collect_view().into_any()
            }}
        </Loaded>
    }
}

/// An invitation to me, with "Accept" and "Decline".
#[component]
fn InvitationCard(
    /// The invitation.
    invitation: InvitationView,
    /// Called after declining.
    on_declined: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let accept = move |invitation: InvitationView| {
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::accept_invitation(invitation.id).await {
                Ok(account) => welcome_to(session, toasts, account, navigate).await,
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    let decline = move |invitation: InvitationView| {
        spawn_local(async move {
            match api::decline_invitation(invitation.id).await {
                Ok(()) => {
                    toasts.show(format!(
                        "You declined the invitation to {}.",
                        invitation.account_name
                    ));
                    session.refresh();
                    on_declined.run(());
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    let (for_accept, for_decline) = (invitation.clone(), invitation.clone());
    let inviter = invitation
        .invited_by
        .clone()
        .map(|i| i.name)
        .unwrap_or_else(|| "An Owner".into());
    view! {
        <article class="panel invitation-card">
            <h2>{invitation.account_name.clone()}</h2>
            <p>{format!("{inviter} invited you as ")}<RoleBadge role=invitation.role />
                {format!(" — expires {}.", time_left(invitation.expires_at, now()))}</p>
            {invitation.note.clone().map(|note| view! { <blockquote>{note}</blockquote> })}
            <div class="actions">
                <button type="button" class="button secondary" on:click=move |_| decline(for_decline.clone())>"Decline"</button>
                <button type="button" class="button primary" on:click=move |_| accept(for_accept.clone())>
                    "Accept"<span class="sr-only">{format!(" the invitation to {}", invitation.account_name)}</span>
                </button>
            </div>
        </article>
    }
}
