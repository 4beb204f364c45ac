//! The "Invite member" dialog: email, role, team, team role and note, with the
//! seats left shown before sending.

use super::field::{error_for, SelectField, TextField};
use super::form_state::{FormFailure, FormState};
use super::modal::Modal;
use crate::api;
use crate::toast::use_toasts;
use domain::api::{CreateInvitationRequest, TeamAssignmentRequest, TeamView};
use domain::{AccountId, OrgRole, TeamRole};
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
    let form = FormState::new();
    let errors = form.errors;
    // The teams, asked for each time the dialog opens (another tab may have
    // changed them).
    let teams = LocalResource::new(move || {
        let open = open.get();
        async move {
            match open {
                true => api::teams(account)
                    .await
                    .map(|page| page.items)
                    .unwrap_or_default(),
                false => Vec::new(),
            }
        }
    });
    let team_options = Signal::derive(move || {
        let list: Vec<TeamView> = teams.get().unwrap_or_default();
        list.into_iter()
            .map(|t| (t.id.to_string(), t.name))
            .collect::<Vec<_>>()
    });
    // The team chosen, or the first one (what the select shows before a choice).
    let chosen_team = move || {
        Some(team.get_untracked())
            .filter(|t| !t.is_empty())
            .or_else(|| {
                team_options
                    .get_untracked()
                    .first()
                    .map(|(id, _)| id.clone())
            })
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = CreateInvitationRequest {
            email: email.get_untracked(),
            role: role.get_untracked(),
            teams: chosen_team().map(|team_id| {
                vec![TeamAssignmentRequest {
                    team_id,
                    role: team_role.get_untracked(),
                }]
            }),
            note: Some(note.get_untracked()).filter(|n| !n.trim().is_empty()),
        };
        if !form.start(request.validate()) {
            return;
        }
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
                Err(error) => form.fail(&error),
            }
            form.done();
        });
    };
    let team_roles = TeamRole::ALL
        .map(|r| (r.id().to_owned(), r.label().to_owned()))
        .to_vec();
    let note_error = Memo::new(move |_| errors.with(|e| error_for(e, "note")));
    view! {
        <Modal open id="invite-dialog" title="Invite member".to_owned()>
            <form class="form" on:submit=submit novalidate>
                {move || seats.get().map(|s| view! { <p class="muted">{s}</p> })}
                {move || full.get().map(|reason| view! { <p class="alert info">{reason}</p> })}
                <FormFailure state=form />
                <TextField label="Email".into() id="invite-email".into() field="email".into() value=email errors input_type="email" />
                <div class="row even">
                    <div class="field">
                        <label for="invite-role">"Role"</label>
                        <select id="invite-role" prop:value=move || role.get() on:change=move |ev| role.set(event_target_value(&ev))>
                            {OrgRole::ALL.into_iter().map(|r| view! { <option value=r.id()>{r.label()}</option> }).collect_view()}
                        </select>
                        <p class="hint">{move || role.get().parse::<OrgRole>().map(|r| r.description()).unwrap_or_default()}</p>
                    </div>
                    <SelectField label="Team" id="invite-team" value=team options=team_options />
                    <SelectField label="Team role" id="invite-team-role" value=team_role options=team_roles />
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
                    <button type="submit" class="button primary" disabled=move || form.busy.get() || full.get().is_some()>"Send invitation"</button>
                </div>
            </form>
        </Modal>
    }
}
