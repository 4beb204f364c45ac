//! `/a/{org}/invitations`: the organization's invitations by status, with resend
//! and revoke; `/a/{personal}/invitations`: the invitations addressed to me.

use super::account_layout::use_current_account;
use crate::api;
use crate::components::badges::RoleBadge;
use crate::session::use_session;
use crate::toast::use_toasts;
use domain::api::InvitationView;
use domain::invitation::InvitationStatus;
use domain::roles::decide;
use domain::{AccountKind, Permission, Timestamp};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

/// "in 7 days", "in 3 hours", "expired": rounded up, as people say it of
/// something that just started.
pub fn time_left(expires_at: Timestamp, now: Timestamp) -> String {
    let seconds = (expires_at.as_millis() - now.as_millis()) / 1000;
    let up = |unit: i64| (seconds + unit - 1) / unit;
    match seconds {
        s if s <= 0 => "expired".to_owned(),
        s if s < 3600 => format!("in {} minutes", up(60)),
        s if s < 86_400 => format!("in {} hours", up(3600)),
        _ => format!("in {} days", up(86_400)),
    }
}

fn now() -> Timestamp {
    Timestamp::from_millis(js_sys::Date::now() as i64)
}

/// The invitations page: the organization's, or mine in the personal context.
#[component]
pub fn InvitationsPage() -> impl IntoView {
    let account = use_current_account();
    move || match account.get().map(|a| a.kind) {
        Some(AccountKind::Personal) => view! { <MyInvitations /> }.into_any(),
        Some(AccountKind::Organization) => view! { <OrganizationInvitations /> }.into_any(),
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

#[component]
fn OrganizationInvitations() -> impl IntoView {
    crate::browser::set_title("Invitations");
    let account = use_current_account();
    let toasts = use_toasts();
    let status = RwSignal::new(None::<InvitationStatus>);
    let items = RwSignal::new(Vec::<InvitationView>::new());
    let failure = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(false);
    let denial = Memo::new(move |_| {
        account
            .get()
            .and_then(|a| decide(a.kind, a.role, Permission::ManageInvitations).err())
            .map(|d| d.message)
    });
    let load = move || {
        let Some(account) = account.get_untracked() else {
            return;
        };
        if denial.get_untracked().is_some() {
            return;
        }
        let filter = status.get_untracked();
        spawn_local(async move {
            match api::invitations(account.id, filter).await {
                Ok(page) => {
                    items.set(page.items);
                    failure.set(None);
                }
                Err(error) => failure.set(Some(error.message())),
            }
            loaded.set(true);
        });
    };
    Effect::new(move |_| {
        status.track();
        account.track();
        load();
    });
    let resend = move |invitation: InvitationView| {
        let Some(account) = account.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match api::resend_invitation(account.id, invitation.id).await {
                Ok(renewed) => {
                    toasts.show(format!(
                        "Sent again to {} — expires {}.",
                        renewed.email,
                        time_left(renewed.expires_at, now())
                    ));
                    load();
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    let revoke = move |invitation: InvitationView| {
        let Some(account) = account.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match api::revoke_invitation(account.id, invitation.id).await {
                Ok(()) => {
                    toasts.show(format!(
                        "The invitation to {} was revoked; its link no longer works.",
                        invitation.email
                    ));
                    load();
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    view! {
        <div class="page-head">
            <div>
                <h1>"Invitations"</h1>
                <p class="muted">"Everyone invited to this organization, and what became of it."</p>
            </div>
            <a class="button primary" href=move || account.get().map(|a| format!("/a/{}/members", a.id)).unwrap_or_default()>"Invite from Members"</a>
        </div>
        {move || match denial.get() {
            Some(reason) => view! { <p class="alert info">{reason}</p> }.into_any(),
            None => view! {
                <div class="tabs" role="group" aria-label="Filter by status">
                    {TABS.into_iter().map(|(value, label)| view! {
                        <button type="button" class="tab" aria-pressed=move || (status.get() == value).to_string()
                            on:click=move |_| status.set(value)>{label}</button>
                    }).collect_view()}
                </div>
                {move || failure.get().map(|m| view! { <p class="alert error" role="alert">{m}</p> })}
                {move || {
                    let list = items.get();
                    if loaded.get() && list.is_empty() {
                        return view! { <div class="empty-state"><p>"No invitation here. Invite people from the Members page."</p></div> }.into_any();
                    }
                    view! {
                        <div class="table-wrap">
                            <table>
                                <thead><tr>
                                    <th scope="col">"Email"</th><th scope="col">"Role"</th><th scope="col">"Status"</th>
                                    <th scope="col">"Invited by"</th><th scope="col">"Expires"</th><th scope="col"><span class="sr-only">"Actions"</span></th>
                                </tr></thead>
                                <tbody>
                                    {list.into_iter().map(|invitation| {
                                        let can_resend = invitation.status != InvitationStatus::Accepted;
                                        let can_revoke = matches!(invitation.status, InvitationStatus::Pending | InvitationStatus::Expired);
                                        let (for_resend, for_revoke) = (invitation.clone(), invitation.clone());
                                        view! {
                                            <tr>
                                                <td>{invitation.email.clone()}</td>
                                                <td><RoleBadge role=invitation.role /></td>
                                                <td><span class=format!("badge invitation-{}", invitation.status.id())>{invitation.status.label()}</span></td>
                                                <td>{invitation.invited_by.clone().map(|i| i.name).unwrap_or_else(|| "—".into())}</td>
                                                <td>{if invitation.status == InvitationStatus::Pending { time_left(invitation.expires_at, now()) } else { "—".into() }}</td>
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
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }}
            }.into_any(),
        }}
    }
}

#[component]
fn MyInvitations() -> impl IntoView {
    crate::browser::set_title("My invitations");
    let session = use_session();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let items = RwSignal::new(Vec::<InvitationView>::new());
    let loaded = RwSignal::new(false);
    let load = move || {
        spawn_local(async move {
            if let Ok(page) = api::my_invitations().await {
                items.set(page.items);
            }
            loaded.set(true);
        });
    };
    load();
    let accept = move |invitation: InvitationView| {
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::accept_invitation(invitation.id).await {
                Ok(account) => {
                    session.reload().await;
                    toasts.show(format!(
                        "You joined {} as {}.",
                        account.name,
                        account.role.label()
                    ));
                    navigate(&format!("/a/{}", account.id), Default::default());
                }
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
                    load();
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    view! {
        <div class="page-head"><div>
            <h1>"My invitations"</h1>
            <p class="muted">"Organizations that invited you. Accepting adds you with the role they chose."</p>
        </div></div>
        {move || {
            let list = items.get();
            if loaded.get() && list.is_empty() {
                return view! { <div class="empty-state"><h2>"No pending invitations"</h2><p>"When someone invites your email, it shows up here."</p></div> }.into_any();
            }
            list.into_iter().map(|invitation| {
                let (for_accept, for_decline) = (invitation.clone(), invitation.clone());
                let accept = accept.clone();
                view! {
                    <article class="panel invitation-card">
                        <h2>{invitation.account_name.clone()}</h2>
                        <p>{format!("{} invited you as ", invitation.invited_by.clone().map(|i| i.name).unwrap_or_else(|| "An Owner".into()))}<RoleBadge role=invitation.role />
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
            }).collect_view().into_any()
        }}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_left_reads_like_a_person_says_it() {
        let at = |s: i64| Timestamp::from_millis(s * 1000);
        assert_eq!(time_left(at(0), at(5)), "expired");
        assert_eq!(time_left(at(120), at(0)), "in 2 minutes");
        assert_eq!(time_left(at(7200), at(0)), "in 2 hours");
        assert_eq!(time_left(at(7 * 86_400), at(0)), "in 7 days");
        assert_eq!(time_left(at(7 * 86_400), at(3)), "in 7 days");
        assert_eq!(time_left(at(86_400 + 1), at(0)), "in 2 days");
    }
}
