//! `/invitations/accept?token=…`: where the mail link leads. Shows the invitation
//! to anyone holding the link, then offers sign-up (email fixed), sign-in, or —
//! signed in as the invited email — accept and decline. Signed in as someone
//! else, it explains and offers to switch user.

use crate::api::{self, ApiError};
use crate::components::badges::RoleBadge;
use crate::session::{use_session, welcome_to, SessionState};
use crate::toast::use_toasts;
use domain::api::InvitationView;
use domain::invitation::InvitationStatus;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};

/// The path back to this page, for after sign-up or sign-in.
pub fn accept_path(token: &str) -> String {
    format!(
        "/invitations/accept?token={}",
        js_sys::encode_uri_component(token)
    )
}

/// The invitation link's page.
#[component]
pub fn AcceptInvitationPage() -> impl IntoView {
    crate::browser::set_title("Invitation");
    let session = use_session();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let query = use_query_map();
    let token = Memo::new(move |_| query.read().get("token").unwrap_or_default());
    // Not `load`: without a network the page says the link is not found.
    let invitation: LocalResource<Result<InvitationView, ApiError>> =
        LocalResource::new(move || {
            let token = token.get();
            async move { api::preview_invitation(&token).await }
        });
    let busy = RwSignal::new(false);
    let failure = RwSignal::new(None::<String>);
    let accept = move |_| {
        let navigate = navigate.clone();
        busy.set(true);
        spawn_local(async move {
            match api::accept_invitation_token(&token.get_untracked()).await {
                Ok(account) => welcome_to(session, toasts, account, navigate).await,
                Err(error) => failure.set(Some(error.message())),
            }
            busy.set(false);
        });
    };
    let decline = move |_| {
        let Some(Ok(view)) = invitation.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match api::decline_invitation(view.id).await {
                Ok(()) => {
                    toasts.show(format!(
                        "You declined the invitation to {}.",
                        view.account_name
                    ));
                    invitation.refetch();
                }
                Err(error) => failure.set(Some(error.message())),
            }
        });
    };
    let switch_user = move |_| {
        let next = accept_path(&token.get_untracked());
        spawn_local(async move {
            let _ = api::logout().await;
            session.state.set(SessionState::SignedOut);
            // A full navigation, so the sign-in page starts clean.
            if let Some(window) = web_sys::window() {
                let _ = window.location().set_href(&format!(
                    "/login?next={}",
                    js_sys::encode_uri_component(&next)
                ));
            }
        });
    };

    view! {
        <main class="auth">
            <div class="panel auth-form wide-form">
                <div class="brand-line"><span aria-hidden="true">"◆"</span>" Orgspace"</div>
                {move || match invitation.get() {
                    None => view! { <h1>"Invitation"</h1><p class="loading" aria-busy="true">"Loading the invitation…"</p> }.into_any(),
                    Some(Err(_)) => view! {
                        <h1>"Invitation not found"</h1>
                        <p>"This link does not match any invitation. It may have been replaced by a newer one: use the link in the most recent mail, or ask the organization's Owner to send it again."</p>
                        <a class="button primary" href="/">"Go to Orgspace"</a>
                    }.into_any(),
                    Some(Ok(view)) => {
                        let next = accept_path(&token.get());
                        let me = session.me();
                        let signed_in_as = me.as_ref().map(|me| me.user.email.clone());
                        let matches = signed_in_as.as_deref() == Some(view.email.as_str());
                        let inviter = view.invited_by.clone().map(|i| i.name).unwrap_or_else(|| "An Owner".into());
                        view! {
                            <h1>{format!("Join {}", view.account_name)}</h1>
                            <p>{format!("{inviter} invited {} to join ", view.email)}<strong>{view.account_name.clone()}</strong>" as "<RoleBadge role=view.role />"."</p>
                            {view.note.clone().map(|note| view! { <blockquote>{note}</blockquote> })}
                            {move || failure.get().map(|m| view! { <p class="alert error" role="alert">{m}</p> })}
                            {match (view.status, signed_in_as, matches) {
                                (InvitationStatus::Pending, None, _) => view! {
                                    <p>"Sign up with this email to accept it, or sign in if you already have an account."</p>
                                    <div class="actions start">
                                        <a class="button primary" href=format!("/register?email={}&next={}", js_sys::encode_uri_component(&view.email), js_sys::encode_uri_component(&next))>
                                            {format!("Sign up as {}", view.email)}</a>
                                        <a class="button secondary" href=format!("/login?next={}", js_sys::encode_uri_component(&next))>"Sign in"</a>
                                    </div>
                                }.into_any(),
                                (InvitationStatus::Pending, Some(_), true) => view! {
                                    <div class="actions start">
                                        <button type="button" class="button primary" disabled=move || busy.get() on:click=accept.clone()>"Accept invitation"</button>
                                        <button type="button" class="button secondary" on:click=decline>"Decline"</button>
                                    </div>
                                }.into_any(),
                                (InvitationStatus::Pending, Some(other), false) => view! {
                                    <div class="alert error" role="alert">
                                        <p><strong>"This invitation is for another email."</strong></p>
                                        <p>{format!("It was sent to {}, but you are signed in as {other}. Only {} can accept it.", view.email, view.email)}</p>
                                    </div>
                                    <div class="actions start">
                                        <button type="button" class="button primary" on:click=switch_user>"Switch user"</button>
                                        <a class="button secondary" href="/">"Stay signed in"</a>
                                    </div>
                                }.into_any(),
                                (InvitationStatus::Expired, _, _) => view! {
                                    <p class="alert info">"This invitation has expired. Ask the organization's Owner to send it again."</p>
                                }.into_any(),
                                (InvitationStatus::Accepted, _, _) => view! {
                                    <p class="alert info">"This invitation was accepted."</p>
                                    <a class="button primary" href="/">"Go to Orgspace"</a>
                                }.into_any(),
                                (status, _, _) => view! {
                                    <p class="alert info">{format!("This invitation was {}. Ask the organization's Owner for a new one.", status.label().to_lowercase())}</p>
                                }.into_any(),
                            }}
                        }.into_any()
                    }
                }}
            </div>
        </main>
    }
}
