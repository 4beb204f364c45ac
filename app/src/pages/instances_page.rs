//! `/a/{id}/instances`: the instances the member may see, creating one in a team
//! where they may (in an active account) and deleting. Buttons are enabled and
//! explained by the same `domain` rules the server enforces.

use super::account_layout::use_current_account;
use crate::api;
use crate::components::field::error_for;
use crate::components::paged::Paged;
use crate::network::use_network;
use crate::toast::use_toasts;
use domain::api::{CreateInstanceRequest, InstanceView, TeamView};
use domain::resources::{check_can_create, resource_access, InstanceSize, ResourceAccess};
use domain::roles::{decide_in_team, grant, Grant};
use domain::{AccountKind, FieldError, OrgRole, Permission, TeamPermission};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The instances page.
#[component]
pub fn InstancesPage() -> impl IntoView {
    crate::browser::set_title("Instances");
    let account = use_current_account();
    let network = use_network();
    let toasts = use_toasts();
    let instances = Paged::<InstanceView>::new();
    let teams = RwSignal::new(Vec::<TeamView>::new());
    let name = RwSignal::new(String::new());
    let size = RwSignal::new(InstanceSize::Small);
    let team = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let deleting = RwSignal::new(None::<InstanceView>);

    // Admins never reach resources: say so without asking the server.
    let view_denial = Memo::new(move |_| {
        let a = account.get()?;
        (a.kind == AccountKind::Organization
            && grant(a.role, Permission::ViewResources) == Grant::No)
            .then(|| decide_in_team(a.role, None, TeamPermission::ViewTeamResources).err())
            .flatten()
            .map(|d| d.message)
    });
    let load = move |append: bool| {
        let Some(id) = account.get_untracked().map(|a| a.id) else {
            return;
        };
        let cursor = instances.cursor(append);
        spawn_local(async move {
            instances.apply(append, api::instances(id, cursor.as_deref()).await);
        });
    };
    Effect::new(move |_| {
        let (Some(a), true) = (account.get(), network.online.get()) else {
            return;
        };
        if view_denial.get().is_some() {
            return;
        }
        load(false);
        if a.kind == AccountKind::Organization {
            spawn_local(async move {
                if let Ok(page) = api::teams(a.id).await {
                    teams.set(page.items);
                }
            });
        }
    });
    // The teams where the member may create, by the same rule as the server.
    let creatable = Memo::new(move |_| {
        let Some(a) = account.get() else {
            return Vec::new();
        };
        teams
            .get()
            .into_iter()
            .filter(|t| {
                decide_in_team(a.role, t.my_role, TeamPermission::ManageTeamResources).is_ok()
            })
            .collect::<Vec<_>>()
    });
    Effect::new(move |_| {
        let list = creatable.get();
        if !list
            .iter()
            .any(|t| t.id.to_string() == team.get_untracked())
        {
            team.set(list.first().map(|t| t.id.to_string()).unwrap_or_default());
        }
    });
    let create_denial = Memo::new(move |_| {
        let a = account.get()?;
        if a.kind == AccountKind::Organization && creatable.with(Vec::is_empty) {
            let reason = match grant(a.role, Permission::ManageResources) {
                Grant::Team => "You can create instances only in a team where you are team admin or team member.".to_owned(),
                _ => decide_in_team(a.role, None, TeamPermission::ManageTeamResources)
                    .err()
                    .map(|d| d.message)
                    .unwrap_or_default(),
            };
            return Some(reason);
        }
        check_can_create(a.status).err().map(|d| d.message)
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(a) = account.get_untracked() else {
            return;
        };
        let request = CreateInstanceRequest {
            name: name.get_untracked(),
            size: size.get_untracked().id().to_owned(),
            team_id: (a.kind == AccountKind::Organization).then(|| team.get_untracked()),
        };
        if let Err(found) = request.validate() {
            errors.set(found);
            return;
        }
        errors.set(Vec::new());
        spawn_local(async move {
            match api::create_instance(a.id, &request).await {
                Ok(created) => {
                    toasts.show(format!("Instance {} was created.", created.name));
                    name.set(String::new());
                    load(false);
                }
                Err(error) if !error.field_errors().is_empty() => errors.set(error.field_errors()),
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    let confirm_delete = move |_| {
        let (Some(a), Some(instance)) = (account.get_untracked(), deleting.get_untracked()) else {
            return;
        };
        spawn_local(async move {
            match api::delete_instance(a.id, instance.id).await {
                Ok(()) => {
                    toasts.show(format!("Instance {} was deleted.", instance.name));
                    load(false);
                }
                Err(error) => toasts.show(error.message()),
            }
            deleting.set(None);
        });
    };
    let can_delete = move |instance: &InstanceView| {
        let a = account.get()?;
        let team_role = instance.team_id.and_then(|id| {
            teams.with(|list| list.iter().find(|t| t.id == id).and_then(|t| t.my_role))
        });
        match resource_access(
            a.kind,
            a.role,
            team_role,
            TeamPermission::ManageTeamResources,
        ) {
            ResourceAccess::Allowed => None,
            ResourceAccess::Hidden => Some("You cannot see this team's resources.".to_owned()),
            ResourceAccess::Denied(d) => Some(d.message),
        }
    };

    view! {
        <div class="page-head"><div>
            <h1>"Instances"</h1>
            <p class="muted">{move || match account.get() {
                Some(a) if a.kind == AccountKind::Personal => "Your instances. A personal account is its own single team.".to_owned(),
                Some(a) if a.role == OrgRole::Owner => "Every instance of the organization. Each belongs to a team.".to_owned(),
                _ => "The instances of your teams.".to_owned(),
            }}</p>
        </div></div>
        {move || view_denial.get().map(|reason| view! {
            <div class="panel"><p class="alert info" role="status">{reason}</p></div>
        })}
        <Show when=move || view_denial.get().is_none()>
            <form class="panel create-form" aria-labelledby="create-instance-title" on:submit=submit novalidate>
                <h2 id="create-instance-title">"Create instance"</h2>
                {move || create_denial.get().map(|reason| view! { <p class="alert info">{reason}</p> })}
                <div class="form-row">
                    <div class="field">
                        <label for="instance-name">"Instance name"</label>
                        <input id="instance-name" type="text" autocomplete="off" placeholder="web-1" maxlength="63"
                            aria-describedby="instance-name-hint instance-name-error"
                            aria-invalid=move || error_for(&errors.get(), "name").is_some().then_some("true")
                            prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                        <p class="hint" id="instance-name-hint">"Lower-case letters, digits and dashes."</p>
                        <p class="field-error" id="instance-name-error">{move || error_for(&errors.get(), "name")}</p>
                    </div>
                    <div class="field">
                        <label for="instance-size">"Size"</label>
                        <select id="instance-size" prop:value=move || size.get().id()
                            on:change=move |ev| { if let Ok(s) = event_target_value(&ev).parse() { size.set(s) } }>
                            {InstanceSize::ALL.into_iter().map(|s| view! { <option value=s.id()>{s.label()}</option> }).collect_view()}
                        </select>
                    </div>
                    <Show when=move || account.get().is_some_and(|a| a.kind == AccountKind::Organization)>
                        <div class="field">
                            <label for="instance-team">"Team"</label>
                            <select id="instance-team" prop:value=move || team.get()
                                on:change=move |ev| team.set(event_target_value(&ev))>
                                {move || creatable.get().into_iter().map(|t| view! { <option value=t.id.to_string()>{t.name}</option> }).collect_view()}
                            </select>
                            <p class="field-error">{move || error_for(&errors.get(), "team_id")}</p>
                        </div>
                    </Show>
                </div>
                <div class="actions">
                    <button type="submit" class="button primary" disabled=move || create_denial.get().is_some()>"Create instance"</button>
                </div>
            </form>
            {move || deleting.get().map(|instance| view! {
                <section class="panel preview danger-zone" aria-labelledby="delete-instance-title">
                    <h2 id="delete-instance-title">{format!("Delete {}?", instance.name)}</h2>
                    <p>"The instance and its data are deleted. This cannot be undone."</p>
                    <div class="actions">
                        <button type="button" class="button secondary" on:click=move |_| deleting.set(None)>"Cancel"</button>
                        <button type="button" class="button danger" on:click=confirm_delete>"Delete instance"</button>
                    </div>
                </section>
            })}
            {move || match instances.items.get() {
                None => view! { <div class="skeleton block" aria-busy="true"></div> }.into_any(),
                Some(Err(api::ApiError::Offline)) => view! { <OfflineState /> }.into_any(),
                Some(Err(error)) => view! { <p class="alert error" role="alert">{error.message()}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <div class="empty-state"><p>"No instances yet."</p></div>
                }.into_any(),
                Some(Ok(list)) => view! {
                    <div class="table-wrap">
                        <table>
                            <thead><tr>
                                <th scope="col">"Name"</th><th scope="col">"Size"</th><th scope="col">"Team"</th>
                                <th scope="col">"Region"</th><th scope="col">"Created"</th>
                                <th scope="col"><span class="sr-only">"Actions"</span></th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|instance| {
                                    let denial = can_delete(&instance);
                                    let target = instance.clone();
                                    view! {
                                        <tr>
                                            <td><code>{instance.name.clone()}</code></td>
                                            <td>{instance.size.label()}</td>
                                            <td>{instance.team_name.clone().unwrap_or_else(|| "—".into())}</td>
                                            <td>{instance.region.map(|r| r.label()).unwrap_or("—")}</td>
                                            <td>{instance.created_at.to_string().chars().take(10).collect::<String>()}</td>
                                            <td class="row-actions">
                                                <button type="button" class="button danger-outline small"
                                                    disabled={denial.is_some()} title={denial.clone()}
                                                    on:click=move |_| deleting.set(Some(target.clone()))>
                                                    "Delete"<span class="sr-only">{format!(" {}", instance.name)}</span>
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any(),
            }}
            <Show when=move || instances.has_more()>
                <div class="actions center"><button type="button" class="button secondary" on:click=move |_| load(true)>"Load more instances"</button></div>
            </Show>
        </Show>
    }
}

/// What a data page shows when the server cannot be reached.
#[component]
pub fn OfflineState() -> impl IntoView {
    view! {
        <div class="panel error-state offline-state" role="status">
            <h2>"You are offline"</h2>
            <p>"This page needs the server. It loads again by itself when the connection returns."</p>
            <a class="button secondary" href="/roles">"Open the role preview"</a>
        </div>
    }
}
