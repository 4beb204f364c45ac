//! `/a/{id}/instances`: the instances the member may see, creating one in a team
//! where they may (in an active account) and deleting. Buttons are enabled and
//! explained by the same `domain` rules the server enforces.

use crate::api;
use crate::components::confirm_panel::ConfirmPanel;
use crate::components::field::{error_for, SelectField};
use crate::components::loaded::load;
use crate::components::page_head::{DeniedNotice, PageHead};
use crate::components::paged::{PagedList, PagedView};
use crate::current_account::use_current_account;
use crate::format::date;
use crate::toast::use_toasts;
use domain::api::{AccountView, CreateInstanceRequest, InstanceView, TeamView};
use domain::resources::{check_can_create, resource_access, InstanceSize, ResourceAccess};
use domain::roles::{decide_in_team, grant, Grant};
use domain::{AccountKind, FieldError, OrgRole, Permission, TeamPermission};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Why the member cannot see resources here at all (Admins never reach them).
fn view_denial(account: &AccountView) -> Option<String> {
    let never = account.kind == AccountKind::Organization
        && grant(account.role, Permission::ViewResources) == Grant::No;
    never
        .then(|| decide_in_team(account.role, None, TeamPermission::ViewTeamResources).err())
        .flatten()
        .map(|d| d.message)
}

/// The teams where the member may create, by the same rule as the server.
fn creatable_teams(account: &AccountView, teams: &[TeamView]) -> Vec<TeamView> {
    teams
        .iter()
        .filter(|t| {
            decide_in_team(account.role, t.my_role, TeamPermission::ManageTeamResources).is_ok()
        })
        .cloned()
        .collect()
}

/// Why the member cannot create an instance now, if so.
fn create_denial(account: &AccountView, creatable: &[TeamView]) -> Option<String> {
    if account.kind == AccountKind::Organization && creatable.is_empty() {
        return Some(match grant(account.role, Permission::ManageResources) {
            Grant::Team => {
                "You can create instances only in a team where you are team admin or team member."
                    .to_owned()
            }
            _ => decide_in_team(account.role, None, TeamPermission::ManageTeamResources)
                .err()
                .map(|d| d.message)
                .unwrap_or_default(),
        });
    }
    check_can_create(account.status).err().map(|d| d.message)
}

/// Why the member cannot delete `instance`, if so.
fn delete_denial(
    account: &AccountView,
    teams: &[TeamView],
    instance: &InstanceView,
) -> Option<String> {
    let team_role = instance
        .team_id
        .and_then(|id| teams.iter().find(|t| t.id == id).and_then(|t| t.my_role));
    match resource_access(
        account.kind,
        account.role,
        team_role,
        TeamPermission::ManageTeamResources,
    ) {
        ResourceAccess::Allowed => None,
        ResourceAccess::Hidden => Some("You cannot see this team's resources.".to_owned()),
        ResourceAccess::Denied(d) => Some(d.message),
    }
}

fn intro(account: Option<AccountView>) -> String {
    match account {
        Some(a) if a.kind == AccountKind::Personal => {
            "Your instances. A personal account is its own single team."
        }
        Some(a) if a.role == OrgRole::Owner => {
            "Every instance of the organization. Each belongs to a team."
        }
        _ => "The instances of your teams.",
    }
    .to_owned()
}

/// The instances page.
#[component]
pub fn InstancesPage() -> impl IntoView {
    let account = use_current_account();
    let denial = Memo::new(move |_| account.get().as_ref().and_then(view_denial));
    view! {
        <PageHead title="Instances" intro=Signal::derive(move || intro(account.get())) />
        <DeniedNotice reason=denial />
        {move || match (account.get(), denial.get()) {
            (Some(account), None) => view! { <Instances account /> }.into_any(),
            _ => ().into_any(),
        }}
    }
}

/// The form and the list, for a member who may see instances.
#[component]
fn Instances(
    /// The account.
    account: AccountView,
) -> impl IntoView {
    let id = account.id;
    let list =
        PagedList::new(move |cursor| async move { api::instances(id, cursor.as_deref()).await });
    let organization = account.kind == AccountKind::Organization;
    let teams = load(move || async move {
        if organization {
            api::teams(id).await.map(|page| page.items)
        } else {
            Ok(Vec::new())
        }
    });
    let teams = Signal::derive(move || teams.get().and_then(Result::ok).unwrap_or_default());
    let account = StoredValue::new(account);
    view! {
        <CreateInstanceForm account=account.get_value() teams on_created=Callback::new(move |_| list.reload()) />
        <InstanceTable account=account.get_value() teams list />
    }
}

/// Creating an instance: name, size, and (in an organization) the team.
#[component]
fn CreateInstanceForm(
    /// The account.
    account: AccountView,
    /// The organization's teams with the member's team roles.
    teams: Signal<Vec<TeamView>>,
    /// Called after an instance was created.
    on_created: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let name = RwSignal::new(String::new());
    let size = RwSignal::new(InstanceSize::Small.id().to_owned());
    let team = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let organization = account.kind == AccountKind::Organization;
    let stored = StoredValue::new(account);
    let creatable = Memo::new(move |_| stored.with_value(|a| creatable_teams(a, &teams.get())));
    let denial = Memo::new(move |_| stored.with_value(|a| create_denial(a, &creatable.get())));
    // The first team where the member may create, unless they chose one.
    Effect::new(move |_| {
        let list = creatable.get();
        if !list
            .iter()
            .any(|t| t.id.to_string() == team.get_untracked())
        {
            team.set(list.first().map(|t| t.id.to_string()).unwrap_or_default());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let request = CreateInstanceRequest {
            name: name.get_untracked(),
            size: size.get_untracked(),
            team_id: organization.then(|| team.get_untracked()),
        };
        if let Err(found) = request.validate() {
            errors.set(found);
            return;
        }
        errors.set(Vec::new());
        let id = stored.with_value(|a| a.id);
        spawn_local(async move {
            match api::create_instance(id, &request).await {
                Ok(created) => {
                    toasts.show(format!("Instance {} was created.", created.name));
                    name.set(String::new());
                    on_created.run(());
                }
                Err(error) if !error.field_errors().is_empty() => errors.set(error.field_errors()),
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    let sizes = InstanceSize::ALL
        .map(|s| (s.id().to_owned(), s.label().to_owned()))
        .to_vec();
    let team_options = Signal::derive(move || {
        creatable
            .get()
            .into_iter()
            .map(|t| (t.id.to_string(), t.name))
            .collect()
    });
    view! {
        <form class="panel create-form" aria-labelledby="create-instance-title" on:submit=submit novalidate>
            <h2 id="create-instance-title">"Create instance"</h2>
            {move || denial.get().map(|reason| view! { <p class="alert info">{reason}</p> })}
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
                <SelectField label="Size" id="instance-size" value=size options=sizes />
                {organization.then(|| view! {
                    <SelectField label="Team" id="instance-team" value=team options=team_options field=("team_id", errors) />
                })}
            </div>
            <div class="actions">
                <button type="submit" class="button primary" disabled=move || denial.get().is_some()>"Create instance"</button>
            </div>
        </form>
    }
}

/// The instances, each with "Delete" where the member may.
#[component]
fn InstanceTable(
    /// The account.
    account: AccountView,
    /// The organization's teams with the member's team roles.
    teams: Signal<Vec<TeamView>>,
    /// The list.
    list: PagedList<InstanceView>,
) -> impl IntoView {
    let toasts = use_toasts();
    let deleting = RwSignal::new(None::<InstanceView>);
    let account = StoredValue::new(account);
    let confirm_delete = move |()| {
        let Some(instance) = deleting.get_untracked() else {
            return;
        };
        let id = account.with_value(|a| a.id);
        spawn_local(async move {
            match api::delete_instance(id, instance.id).await {
                Ok(()) => {
                    toasts.show(format!("Instance {} was deleted.", instance.name));
                    list.reload();
                }
                Err(error) => toasts.show(error.message()),
            }
            deleting.set(None);
        });
    };
    let row = move |instance: InstanceView| {
        let denial = account.with_value(|a| delete_denial(a, &teams.get(), &instance));
        let target = instance.clone();
        view! {
            <tr>
                <td><code>{instance.name.clone()}</code></td>
                <td>{instance.size.label()}</td>
                <td>{instance.team_name.clone().unwrap_or_else(|| "—".into())}</td>
                <td>{instance.region.map(|r| r.label()).unwrap_or("—")}</td>
                <td>{date(instance.created_at)}</td>
                <td class="row-actions">
                    <button type="button" class="button danger-outline small"
                        disabled={denial.is_some()} title={denial.clone()}
                        on:click=move |_| deleting.set(Some(target.clone()))>
                        "Delete"<span class="sr-only">{format!(" {}", instance.name)}</span>
                    </button>
                </td>
            </tr>
        }
    };
    view! {
        {move || deleting.get().map(|instance| view! {
            <ConfirmPanel id="delete-instance-title" title=format!("Delete {}?", instance.name) action="Delete instance" danger=true
                on_cancel=Callback::new(move |_| deleting.set(None)) on_confirm=Callback::new(confirm_delete)>
                <p>"The instance and its data are deleted. This cannot be undone."</p>
            </ConfirmPanel>
        })}
        <PagedView list empty="No instances yet." more_label="Load more instances" let:items>
            <div class="table-wrap">
                <table>
                    <thead><tr>
                        <th scope="col">"Name"</th><th scope="col">"Size"</th><th scope="col">"Team"</th>
                        <th scope="col">"Region"</th><th scope="col">"Created"</th>
                        <th scope="col"><span class="sr-only">"Actions"</span></th>
                    </tr></thead>
                    <tbody>{items.into_iter().map(row).collect_view()}</tbody>
                </table>
            </div>
        </PagedView>
    }
}
