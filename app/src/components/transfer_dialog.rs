//! The "Transfer ownership" dialog: choose the new Owner and your own new role.

use super::modal::Modal;
use crate::api;
use crate::session::use_session;
use crate::toast::use_toasts;
use domain::api::{MemberView, TransferOwnershipRequest};
use domain::{AccountId, OrgRole};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Transfers ownership to another member, in one step.
#[component]
pub fn TransferDialog(
    /// The organization.
    account: AccountId,
    /// Whether it is shown.
    open: RwSignal<bool>,
    /// The members to choose from (the caller excluded by the page).
    #[prop(into)]
    candidates: Signal<Vec<MemberView>>,
    /// Called after the transfer.
    on_done: Callback<()>,
) -> impl IntoView {
    let session = use_session();
    let toasts = use_toasts();
    let target = RwSignal::new(String::new());
    let new_role = RwSignal::new(OrgRole::Admin.id().to_owned());
    let failure = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if open.get() && target.get_untracked().is_empty() {
            if let Some(first) = candidates.get_untracked().first() {
                target.set(first.user_id.to_string());
            }
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = TransferOwnershipRequest {
            user_id: target.get_untracked(),
            new_role: Some(new_role.get_untracked()),
        };
        let name = candidates
            .get_untracked()
            .into_iter()
            .find(|m| m.user_id.to_string() == request.user_id)
            .map(|m| m.name)
            .unwrap_or_default();
        spawn_local(async move {
            match api::transfer_ownership(account, &request).await {
                Ok(account) => {
                    session.reload().await;
                    toasts.show(format!(
                        "{name} is now an Owner of {}; you are {}.",
                        account.name,
                        account.role.label()
                    ));
                    open.set(false);
                    on_done.run(());
                }
                Err(error) => failure.set(Some(error.message())),
            }
        });
    };
    view! {
        <Modal open id="transfer-dialog" title="Transfer ownership".to_owned()>
            <form class="form" on:submit=submit novalidate>
                <p>"The member you choose becomes an Owner and you take the role you pick, in one step."</p>
                {move || failure.get().map(|message| view! { <p class="alert error" role="alert">{message}</p> })}
                <Show
                    when=move || !candidates.get().is_empty()
                    fallback=|| view! { <p class="alert info">"There is no other member yet. Invite someone first, or delete the organization."</p> }
                >
                    <div class="field">
                        <label for="transfer-to">"New Owner"</label>
                        <select id="transfer-to" prop:value=move || target.get() on:change=move |ev| target.set(event_target_value(&ev))>
                            {move || candidates.get().into_iter().map(|m| view! {
                                <option value=m.user_id.to_string()>{format!("{} ({})", m.name, m.email)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="transfer-role">"Your new role"</label>
                        <select id="transfer-role" prop:value=move || new_role.get() on:change=move |ev| new_role.set(event_target_value(&ev))>
                            {OrgRole::ALL.into_iter().map(|r| view! { <option value=r.id()>{r.label()}</option> }).collect_view()}
                        </select>
                    </div>
                    // Before the change is applied: what the new role takes away.
                    {move || {
                        let to = new_role.get().parse::<OrgRole>().ok()?;
                        let effect = domain::roles::role_change_effect(OrgRole::Owner, to);
                        let losses = domain::roles::RoleChangeEffect::describe(&effect.losses);
                        (!losses.is_empty()).then(|| view! {
                            <p class="alert info"><strong>"You will lose: "</strong>{losses.join("; ")}</p>
                        })
                    }}
                </Show>
                <div class="actions">
                    <button type="button" class="button secondary" on:click=move |_| open.set(false)>"Cancel"</button>
                    <button type="submit" class="button primary" disabled=move || candidates.get().is_empty()>"Transfer ownership"</button>
                </div>
            </form>
        </Modal>
    }
}
