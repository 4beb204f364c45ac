//! The "Invite member" dialog: email, role, team, team role and note, with the
//! seats left shown before sending.

use super::field::{error_for, TextField};
use super::modal::Modal;
use crate::api;
use crate::toast::use_toasts;
use domain::api::{CreateInvitationRequest, TeamAssignmentRequest, TeamView};
use domain::{AccountId, FieldError, OrgRole, TeamRole};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The invite dialog of an organization.
#[component]
pub fn InviteDialog(
    /// The organization.
    account: AccountId,
    /// Whether it is shown.
    open: RwSignal<bool>,
    /// "2 of 3 seats used", if known.
    #[prop(into)]
    seats: Signal<Option<String>>,
    /// Why no one can be invited now (no seat left), if so.
    #[prop(into)]
    full: Signal<Option<String>>,
    /// Called after an invitation was sent.
    on_sent: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(OrgRole::Viewer.id().to_owned());
    let team = RwSignal::new(String::new());
    let team_role = RwSignal::new(TeamRole::TeamMember.id().to_owned());
    let note = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let teams = RwSignal::new(Vec::<TeamView>::new());
    Effect::new(move |_| {
        if open.get() {
            spawn_local(async move {
                if let Ok(page) = api::teams(account).await {
                    if team.get_untracked().is_empty() {
                        if let Some(first) = page.items.first() {
                            team.set(first.id.to_string());
                        }
                    }
                    teams.set(page.items);
                }
            });
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = CreateInvitationRequest {
            email: email.get_untracked(),
            role: role.get_untracked(),
            teams: (!team.get_untracked().is_empty()).then(|| {
                vec![TeamAssignmentRequest {
                    team_id: team.get_untracked(),
                    role: team_role.get_untracked(),
                }]
            }),
            note: Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
        };
        if let Err(field_errors) = request.validate() {
            errors.set(field_errors);
            return;
        }
        errors.set(Vec::new());
        failure.set(None);
        busy.set(true);
        spawn_local(async move {
            match api::invite(account, &request).await {
                Ok(invitation) => {
                    let days = (invitation.expires_at.as_millis()
                        - invitation.created_at.as_millis())
                        / 86_400_000;
                    toasts.show(format!(
                        "Invitation sent to {} — expires in {days} days.",
                        invitation.email
                    ));
                    email.set(String::new());
                    note.set(String::new());
                    open.set(false);
                    on_sent.run(());
                }
                Err(error) => {
                    errors.set(error.field_errors());
                    failure.set(Some(error.message()));
                }
            }
            busy.set(false);
        });
    };
    let note_error = Memo::new(move |_| errors.with(|e| error_for(e, "note")));
    view! {
        <Modal open id="invite-dialog" title="Invite member".to_owned()>
            <form class="form" on:submit=submit novalidate>
                {move || seats.get().map(|s| view! { <p class="muted">{s}</p> })}
                {move || full.get().map(|reason| view! { <p class="alert info">{reason}</p> })}
                {move || failure.get().map(|message| view! { <p class="alert error" role="alert">{message}</p> })}
                <TextField label="Email".into() id="invite-email".into() field="email".into() value=email errors input_type="email" />
                <div class="row even">
                    <div class="field">
                        <label for="invite-role">"Role"</label>
                        <select id="invite-role" prop:value=move || role.get() on:change=move |ev| role.set(event_target_value(&ev))>
                            {OrgRole::ALL.into_iter().map(|r| view! { <option value=r.id()>{r.label()}</option> }).collect_view()}
                        </select>
                        <p class="hint">{move || role.get().parse::<OrgRole>().map(|r| r.description()).unwrap_or_default()}</p>
                    </div>
                    <div class="field">
                        <label for="invite-team">"Team"</label>
                        <select id="invite-team" prop:value=move || team.get() on:change=move |ev| team.set(event_target_value(&ev))>
                            {move || teams.get().into_iter().map(|t| view! { <option value=t.id.to_string()>{t.name}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="invite-team-role">"Team role"</label>
                        <select id="invite-team-role" prop:value=move || team_role.get() on:change=move |ev| team_role.set(event_target_value(&ev))>
                            {TeamRole::ALL.into_iter().map(|r| view! { <option value=r.id()>{r.label()}</option> }).collect_view()}
                        </select>
                    </div>
                </div>
                <div class="field" class:invalid=move || note_error.get().is_some()>
                    <label for="invite-note">"Note"</label>
                    <textarea id="invite-note" rows="3" maxlength="500"
                        prop:value=move || note.get()
                        on:input=move |ev| note.set(event_target_value(&ev))
                        aria-describedby="invite-note-hint"></textarea>
                    <p class="hint" id="invite-note-hint">"Optional, up to 500 characters; it goes into the mail."</p>
                    {move || note_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
                </div>
                <div class="actions">
                    <button type="button" class="button secondary" on:click=move |_| open.set(false)>"Cancel"</button>
                    <button type="submit" class="button primary" disabled=move || busy.get() || full.get().is_some()>"Send invitation"</button>
                </div>
            </form>
        </Modal>
    }
}
