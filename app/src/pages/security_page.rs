//! `/a/{personal}/security`: the signed-in user's own things — name, email
//! (changed once the new mailbox answers), password, sessions (each one signed
//! out at once), and deleting their user.

use crate::api;
use crate::browser::now;
use crate::components::field::TextField;
use crate::components::form_state::{FormFailure, FormState};
use crate::components::loaded::{load, Loaded};
use crate::components::page_head::PageHead;
use crate::format::{ago, short_time};
use crate::session::{use_session, SessionState};
use crate::toast::use_toasts;
use domain::api::{
    ChangeEmailRequest, ChangePasswordRequest, DeletionPlanView, SessionView, UpdateProfileRequest,
    UserView,
};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

/// What a deletion must be confirmed with: the names of the organizations it
/// deletes, or, when it deletes none, the user's email.
pub fn deletion_confirmation(plan: &DeletionPlanView, email: &str) -> String {
    if plan.deleted_with_user.is_empty() {
        email.to_owned()
    } else {
        let names: Vec<&str> = plan
            .deleted_with_user
            .iter()
            .map(|o| o.name.as_str())
            .collect();
        names.join(", ")
    }
}

/// The page.
#[component]
pub fn SecurityPage() -> impl IntoView {
    let session = use_session();
    // Drawn once per user: a session reload after a change keeps what is typed.
    let user = Memo::new(move |_| session.me().map(|me| me.user.id));
    view! {
        <PageHead title="Security" intro="Your name, email and password, two-factor, where you are signed in, and deleting your user." />
        {move || user.get().and_then(|_| session.me()).map(|me| view! {
            <ProfileForm user=me.user.clone() />
            <EmailForm user=me.user.clone() />
            <PasswordForm />
            <TwoFactorSummary two_factor=me.user.two_factor personal=me.accounts.first().map(|a| a.id) />
            <SessionsPanel />
            <DeleteUserPanel user=me.user />
        })}
    }
}

/// Whether two-factor is on, and where to manage it.
#[component]
fn TwoFactorSummary(
    /// The user's second factors.
    two_factor: domain::two_factor::TwoFactor,
    /// The personal account (its two-factor page).
    personal: Option<domain::AccountId>,
) -> impl IntoView {
    let href = personal
        .map(|id| format!("/a/{id}/two-factor"))
        .unwrap_or_default();
    let status = match (two_factor.enabled, two_factor.passkeys) {
        (false, _) => "Off: your password alone signs you in.".to_owned(),
        (true, 0) => "On, with an authenticator app.".to_owned(),
        (true, 1) => "On, with an authenticator app and a passkey.".to_owned(),
        (true, n) => format!("On, with an authenticator app and {n} passkeys."),
    };
    view! {
        <section class="panel" aria-labelledby="two-factor-summary-title">
            <div class="section-head">
                <h2 id="two-factor-summary-title">"Two-factor authentication"</h2>
                <a class="button secondary small" href=href>{if two_factor.enabled { "Manage" } else { "Set up" }}</a>
            </div>
            <p>{status}</p>
        </section>
    }
}

/// The display name.
#[component]
fn ProfileForm(
    /// The user.
    user: UserView,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let name = RwSignal::new(user.name.clone());
    let form = FormState::new();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = UpdateProfileRequest {
            name: name.get_untracked(),
        };
        if !form.start(request.validate()) {
            return;
        }
        spawn_local(async move {
            match api::update_profile(&request.name).await {
                Ok(me) => {
                    session.reload().await;
                    toasts.show(format!("Your name is now {}.", me.user.name));
                }
                Err(error) => form.fail(&error),
            }
            form.done();
        });
    };
    view! {
        <form class="panel form" aria-labelledby="profile-title" on:submit=submit novalidate>
            <h2 id="profile-title">"Profile"</h2>
            <FormFailure state=form />
            <TextField label="Display name".into() id="profile-name".into() field="name".into() value=name errors=form.errors autocomplete="name" />
            <div class="actions"><button type="submit" class="button primary" disabled=move || form.busy.get()>"Save name"</button></div>
        </form>
    }
}

/// The address: whether it is verified, and changing it.
#[component]
fn EmailForm(
    /// The user.
    user: UserView,
) -> impl IntoView {
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    let sent = RwSignal::new(None::<String>);
    let current = user.email.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = ChangeEmailRequest {
            email: email.get_untracked(),
            password: password.get_untracked(),
        };
        let checked = request.validate(&current);
        let target = checked.as_ref().map(|e| e.as_str().to_owned()).ok();
        let (true, Some(target)) = (form.start(checked), target) else {
            return;
        };
        spawn_local(async move {
            match api::change_email(&request).await {
                Ok(()) => {
                    password.set(String::new());
                    email.set(String::new());
                    sent.set(Some(target));
                }
                Err(error) => form.fail(&error),
            }
            form.done();
        });
    };
    let status = if user.email_verified {
        ("badge ok", "Verified")
    } else {
        ("badge warn", "Not verified")
    };
    view! {
        <form class="panel form" aria-labelledby="email-title" on:submit=submit novalidate>
            <h2 id="email-title">"Email"</h2>
            <p>{format!("You sign in with {} ", user.email)}<span class=status.0>{status.1}</span></p>
            {move || sent.get().map(|to| view! {
                <p class="alert info" role="status">{format!("We sent a link to {to}. Your address changes when you open it; we told {} too.", user.email)}</p>
            })}
            <FormFailure state=form />
            <TextField label="New email".into() id="new-email".into() field="email".into() value=email errors=form.errors input_type="email" autocomplete="email" />
            <TextField label="Password to confirm".into() id="email-password".into() field="password".into() value=password errors=form.errors input_type="password" autocomplete="current-password" />
            <div class="actions"><button type="submit" class="button primary" disabled=move || form.busy.get()>"Change email"</button></div>
        </form>
    }
}

/// Changes the password; every other device is signed out.
#[component]
fn PasswordForm() -> impl IntoView {
    let toasts = use_toasts();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let form = FormState::new();
    let errors = form.errors;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = ChangePasswordRequest {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        };
        if !form.start(request.validate()) {
            return;
        }
        spawn_local(async move {
            match api::change_password(&request).await {
                Ok(()) => {
                    current.set(String::new());
                    new.set(String::new());
                    toasts.show("Password changed. Every other device was signed out.".to_owned());
                }
                Err(error) => form.fail(&error),
            }
            form.done();
        });
    };
    view! {
        <form class="panel form" on:submit=submit novalidate aria-labelledby="password-title">
            <h2 id="password-title">"Password"</h2>
            <p class="muted">"Changing it signs you out on every other device."</p>
            <FormFailure state=form />
            <TextField label="Current password".into() id="current-password".into() field="current_password".into() value=current errors input_type="password" autocomplete="current-password" />
            <TextField label="New password".into() id="new-password".into() field="new_password".into() value=new errors input_type="password" autocomplete="new-password" hint="12 to 128 characters.".into() />
            <div class="actions"><button type="submit" class="button primary" disabled=move || form.busy.get()>"Change password"</button></div>
        </form>
    }
}

/// Where the user is signed in, each signed out on demand.
#[component]
fn SessionsPanel() -> impl IntoView {
    let toasts = use_toasts();
    let sessions = load(|| async { api::sessions().await.map(|s| s.items) });
    let sign_out = move |session: Option<SessionView>| {
        spawn_local(async move {
            let (result, done) = match &session {
                Some(one) => (
                    api::revoke_session(&one.id).await,
                    format!("{} was signed out.", one.device),
                ),
                None => (
                    api::revoke_other_sessions().await,
                    "Every other device was signed out.".to_owned(),
                ),
            };
            match result {
                Ok(()) => {
                    toasts.show(done);
                    sessions.refetch();
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    view! {
        <section class="panel" aria-labelledby="sessions-title">
            <div class="section-head">
                <h2 id="sessions-title">"Sessions"</h2>
                <button type="button" class="button secondary small" on:click=move |_| sign_out(None)>"Sign out everywhere else"</button>
            </div>
            <Loaded resource=sessions let:items>
                <div class="table-wrap">
                    <table>
                        <caption class="sr-only">"Where you are signed in"</caption>
                        <thead><tr>
                            <th scope="col">"Device"</th><th scope="col">"Address"</th><th scope="col">"Signed in"</th>
                            <th scope="col">"Last seen"</th><th scope="col"><span class="sr-only">"Actions"</span></th>
                        </tr></thead>
                        <tbody>{items.into_iter().map(|session| view! { <SessionRow session on_sign_out=Callback::new(move |s| sign_out(Some(s))) /> }).collect_view()}</tbody>
                    </table>
                </div>
            </Loaded>
        </section>
    }
}

/// One session.
#[component]
fn SessionRow(
    /// The session.
    session: SessionView,
    /// Called to sign it out.
    on_sign_out: Callback<SessionView>,
) -> impl IntoView {
    let target = session.clone();
    let seen = ago(session.last_seen_at, now());
    view! {
        <tr>
            <th scope="row" title=session.user_agent.clone()>{session.device.clone()}
                {session.current.then(|| view! { <span class="badge ok">"This device"</span> })}</th>
            <td><code>{session.ip.clone()}</code></td>
            <td>{short_time(session.created_at)}</td>
            <td>{seen}</td>
            <td class="row-actions">
                {(!session.current).then(|| view! {
                    <button type="button" class="button danger-outline small" on:click=move |_| on_sign_out.run(target.clone())>
                        "Sign out"<span class="sr-only">{format!(" {} ({})", session.device, session.ip)}</span>
                    </button>
                })}
            </td>
        </tr>
    }
}

/// Deleting the user: what happens to each organization, the typed
/// confirmation and the password.
#[component]
fn DeleteUserPanel(
    /// The user.
    user: UserView,
) -> impl IntoView {
    let plan = load(api::deletion_plan);
    let email = user.email.clone();
    view! {
        <section class="panel danger-zone" aria-labelledby="delete-user-title">
            <h2 id="delete-user-title">"Delete your user"</h2>
            <p>"Your personal account, its API keys and resources, your sessions and the invitations sent to you go with it. Activity logs keep your entries, as \"Deleted user\". Your email can sign up again."</p>
            <Loaded resource=plan let:plan>
                <DeletionForm plan email=email.clone() />
            </Loaded>
        </section>
    }
}

/// The deletion's confirmation, once the plan is known.
#[component]
fn DeletionForm(
    /// What deleting does to each organization.
    plan: DeletionPlanView,
    /// The user's email.
    email: String,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let typed = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let form = FormState::new();
    let confirmation = deletion_confirmation(&plan, &email);
    let blocked = !plan.blocked.is_empty();
    let expected = confirmation.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !form.start(Ok::<(), Vec<domain::FieldError>>(())) {
            return;
        }
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::delete_me(&password.get_untracked()).await {
                Ok(()) => {
                    session.state.set(SessionState::SignedOut);
                    toasts.show("Your user and your personal account were deleted.".to_owned());
                    navigate("/login", Default::default());
                }
                Err(error) => form.fail(&error),
            }
            form.done();
        });
    };
    let names = |list: &[domain::api::OrganizationRef]| {
        list.iter()
            .map(|o| o.name.clone())
            .collect::<Vec<_>>()
            .join(", ")
    };
    view! {
        {blocked.then(|| view! {
            <div class="alert warning" role="status">
                <p><strong>"First, hand these organizations on:"</strong>" you are their last Owner and others still use them."</p>
                <ul>{plan.blocked.iter().map(|o| view! {
                    <li>{o.name.clone()}" — "<a href=format!("/a/{}/members?transfer=1", o.id)>{format!("Transfer ownership of {}", o.name)}</a></li>
                }).collect_view()}</ul>
            </div>
        })}
        {(!plan.deleted_with_user.is_empty()).then(|| view! { <p>{format!("Deleted with you, as you are their only member: {}.", names(&plan.deleted_with_user))}</p> })}
        {(!plan.left.is_empty()).then(|| view! { <p>{format!("You leave: {}.", names(&plan.left))}</p> })}
        <form class="form" on:submit=submit novalidate>
            <FormFailure state=form />
            <TextField label=format!("Type {confirmation} to confirm") id="delete-confirm".into() field="confirmation".into() value=typed errors=form.errors readonly=Signal::derive(move || blocked) />
            <TextField label="Your password".into() id="delete-password".into() field="password".into() value=password errors=form.errors input_type="password" autocomplete="current-password" readonly=Signal::derive(move || blocked) />
            <button type="submit" class="button danger"
                disabled=move || blocked || form.busy.get() || typed.get().trim() != expected || password.get().is_empty()>
                "Delete my user"
            </button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::api::OrganizationRef;

    #[test]
    fn a_deletion_is_confirmed_with_what_it_deletes() {
        let org = |name: &str| OrganizationRef {
            id: "01938f3e-7c1a-7000-8000-000000000001".parse().unwrap(),
            name: name.into(),
        };
        let mut plan = DeletionPlanView::default();
        assert_eq!(
            deletion_confirmation(&plan, "ana@acme.test"),
            "ana@acme.test"
        );
        plan.deleted_with_user = vec![org("Solo"), org("Side project")];
        assert_eq!(
            deletion_confirmation(&plan, "ana@acme.test"),
            "Solo, Side project"
        );
    }
}
