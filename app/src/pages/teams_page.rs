//! `/a/{org}/teams`: teams and their members with team roles. Owners create,
//! rename and delete teams; Owners and each team's admins set its members. A
//! team-role change shows what the member gains and loses before it is applied.

use crate::api;
use crate::components::confirm_panel::ConfirmPanel;
use crate::components::field::SelectField;
use crate::components::loaded::{load, Loaded};
use crate::components::page_head::PageHead;
use crate::current_account::{use_current_account, use_denial};
use crate::format::person;
use crate::toast::use_toasts;
use domain::api::{AccountView, MemberView, TeamView};
use domain::preview::team_role_change_effect;
use domain::roles::decide_in_team;
use domain::{AccountId, Permission, TeamId, TeamPermission, TeamRole};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// A team-role change waiting for confirmation (`to: None` takes the member out).
#[derive(Clone, Debug, PartialEq)]
struct PendingTeamChange {
    team: TeamView,
    member: MemberView,
    from: Option<TeamRole>,
    to: Option<TeamRole>,
}

impl PendingTeamChange {
    /// The question the preview asks.
    fn title(&self) -> String {
        match self.to {
            Some(to) => format!(
                "Make {} {} in {}?",
                self.member.name,
                to.label().to_lowercase(),
                self.team.name
            ),
            None => format!("Take {} out of {}?", self.member.name, self.team.name),
        }
    }

    /// What the toast says once it is done.
    fn done(&self) -> String {
        match self.to {
            Some(role) => format!(
                "{} is now {} in {}.",
                self.member.name,
                role.label().to_lowercase(),
                self.team.name
            ),
            None => format!("{} left {}.", self.member.name, self.team.name),
        }
    }
}

/// What is open on the page besides the list.
#[derive(Clone, Debug, PartialEq)]
enum Panel {
    None,
    Rename(TeamView),
    Delete(TeamView),
}

/// `member`'s role in `team`, if they are in it.
fn role_in(member: &MemberView, team: TeamId) -> Option<TeamRole> {
    member
        .teams
        .iter()
        .find(|t| t.team_id == team)
        .map(|t| t.role)
}

/// The teams page.
#[component]
pub fn TeamsPage() -> impl IntoView {
    let account = use_current_account();
    view! {
        <PageHead title="Teams" intro="Resources belong to a team; team roles decide who may use them, within what the organization role allows." />
        {move || account.get().map(|account| view! { <Teams account /> })}
    }
}

/// The teams of `account`, and the members of the one selected.
#[component]
fn Teams(
    /// The organization.
    account: AccountView,
) -> impl IntoView {
    let id = account.id;
    let teams = load(move || async move { api::teams(id).await.map(|page| page.items) });
    let members = load(move || async move { api::all_members(id).await.map(|page| page.items) });
    let selected = RwSignal::new(None::<TeamId>);
    let team_list = Signal::derive(move || teams.get().and_then(Result::ok).unwrap_or_default());
    // The selected team, or the first one.
    let current_team = Memo::new(move |_| {
        let list = team_list.get();
        let chosen = selected
            .get()
            .and_then(|s| list.iter().find(|t| t.id == s).cloned());
        chosen.or_else(|| list.first().cloned())
    });
    let changed = Callback::new(move |select: Option<TeamId>| {
        if select.is_some() {
            selected.set(select);
        }
        teams.refetch();
        members.refetch();
    });
    let member_list =
        Signal::derive(move || members.get().and_then(Result::ok).unwrap_or_default());
    let role = account.role;
    view! {
        <CreateTeamForm account=id on_created=changed />
        <Loaded resource=teams let:list>
            <TeamTable account=id teams=list selected=current_team on_select=Callback::new(move |team| selected.set(Some(team))) on_changed=changed />
        </Loaded>
        {move || current_team.get().map(|team| {
            let denial = decide_in_team(role, team.my_role, TeamPermission::ManageTeamMembers).err().map(|d| d.message);
            view! { <TeamMembers account=id team members=member_list denial on_changed=changed /> }
        })}
    }
}

/// Creating a team (Owners).
#[component]
fn CreateTeamForm(
    /// The organization.
    account: AccountId,
    /// Called with the new team.
    on_created: Callback<Option<TeamId>>,
) -> impl IntoView {
    let toasts = use_toasts();
    let denial = use_denial(Permission::ManageTeams);
    let name = RwSignal::new(String::new());
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = name.get_untracked();
        spawn_local(async move {
            match api::create_team(account, &new).await {
                Ok(team) => {
                    toasts.show(format!("Team {} was created.", team.name));
                    name.set(String::new());
                    on_created.run(Some(team.id));
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    view! {
        <Show when=move || denial.get().is_none()>
            <form class="panel inline-form" aria-labelledby="create-team-title" on:submit=create>
                <h2 id="create-team-title" class="sr-only">"Create team"</h2>
                <div class="field grow">
                    <label for="team-name">"Team name"</label>
                    <input id="team-name" type="text" maxlength="64" autocomplete="off"
                        prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class="button primary">"Create team"</button>
            </form>
        </Show>
    }
}

/// The teams, with "Rename" and "Delete" for Owners; choosing one shows its members.
#[component]
fn TeamTable(
    /// The organization.
    account: AccountId,
    /// Its teams.
    teams: Vec<TeamView>,
    /// The team whose members are shown.
    selected: Memo<Option<TeamView>>,
    /// Called with the team chosen.
    on_select: Callback<TeamId>,
    /// Called after a team was renamed or deleted.
    on_changed: Callback<Option<TeamId>>,
) -> impl IntoView {
    let denial = use_denial(Permission::ManageTeams);
    let panel = RwSignal::new(Panel::None);
    let row = move |team: TeamView| {
        let id = team.id;
        let (rename_team, delete_team) = (team.clone(), team.clone());
        view! {
            <tr>
                <th scope="row">
                    <button type="button" class="link-button" aria-pressed=move || (selected.get().map(|t| t.id) == Some(id)).to_string()
                        on:click=move |_| on_select.run(id)>{team.name.clone()}</button>
                </th>
                <td>{team.members_count}</td>
                <td>{team.my_role.map(|r| r.label()).unwrap_or("—")}</td>
                <td class="row-actions">
                    <Show when=move || denial.get().is_none()>
                        <button type="button" class="button secondary small" on:click={
                            let team = rename_team.clone();
                            move |_| panel.set(Panel::Rename(team.clone()))
                        }>"Rename"<span class="sr-only">{format!(" {}", rename_team.name)}</span></button>
                        <button type="button" class="button danger-outline small" on:click={
                            let team = delete_team.clone();
                            move |_| panel.set(Panel::Delete(team.clone()))
                        }>"Delete"<span class="sr-only">{format!(" {}", delete_team.name)}</span></button>
                    </Show>
                </td>
            </tr>
        }
    };
    view! {
        <TeamPanel account panel on_changed />
        <div class="table-wrap">
            <table>
                <thead><tr>
                    <th scope="col">"Team"</th><th scope="col">"Members"</th><th scope="col">"Your team role"</th>
                    <th scope="col"><span class="sr-only">"Actions"</span></th>
                </tr></thead>
                <tbody>{teams.into_iter().map(row).collect_view()}</tbody>
            </table>
        </div>
    }
}

/// Renaming or deleting a team, when asked.
#[component]
fn TeamPanel(
    /// The organization.
    account: AccountId,
    /// What is open.
    panel: RwSignal<Panel>,
    /// Called after the change.
    on_changed: Callback<Option<TeamId>>,
) -> impl IntoView {
    let toasts = use_toasts();
    let delete = move |()| {
        let Panel::Delete(team) = panel.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match api::delete_team(account, team.id).await {
                Ok(()) => {
                    toasts.show(format!("Team {} was deleted.", team.name));
                    on_changed.run(None);
                }
                Err(error) => toasts.show(error.message()),
            }
            panel.set(Panel::None);
        });
    };
    let cancel = Callback::new(move |_| panel.set(Panel::None));
    let renamed = Callback::new(move |_| {
        panel.set(Panel::None);
        on_changed.run(None);
    });
    move || {
        match panel.get() {
        Panel::None => ().into_any(),
        Panel::Rename(team) => view! { <RenameTeamForm account team on_cancel=cancel on_renamed=renamed /> }.into_any(),
        Panel::Delete(team) => view! {
            <ConfirmPanel id="delete-team-title" title=format!("Delete {}?", team.name) action="Delete team" danger=true
                on_cancel=cancel on_confirm=Callback::new(delete)>
                <p>"Its members stay in the organization. A team that still owns instances cannot be deleted: delete them first."</p>
            </ConfirmPanel>
        }.into_any(),
    }
    }
}

/// A new name for a team.
#[component]
fn RenameTeamForm(
    /// The organization.
    account: AccountId,
    /// The team.
    team: TeamView,
    /// Called on "Cancel".
    on_cancel: Callback<()>,
    /// Called after the team was renamed.
    on_renamed: Callback<()>,
) -> impl IntoView {
    let toasts = use_toasts();
    let name = RwSignal::new(team.name.clone());
    let stored = StoredValue::new(team.clone());
    let rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (team, new) = (stored.get_value(), name.get_untracked());
        spawn_local(async move {
            match api::rename_team(account, team.id, &new).await {
                Ok(renamed) => {
                    toasts.show(format!("{} is now called {}.", team.name, renamed.name));
                    on_renamed.run(());
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    view! {
        <form class="panel preview" aria-labelledby="rename-title" on:submit=rename>
            <h2 id="rename-title">{format!("Rename {}", team.name)}</h2>
            <div class="field">
                <label for="rename-team">"New team name"</label>
                <input id="rename-team" type="text" maxlength="64" prop:value=move || name.get()
                    on:input=move |ev| name.set(event_target_value(&ev)) />
            </div>
            <div class="actions">
                <button type="button" class="button secondary" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                <button type="submit" class="button primary">"Save name"</button>
            </div>
        </form>
    }
}

/// The members of `team`: their team roles, and adding and removing them
/// (with a preview of what each change gives and takes).
#[component]
fn TeamMembers(
    /// The organization.
    account: AccountId,
    /// The team.
    team: TeamView,
    /// Every member of the organization.
    members: Signal<Vec<MemberView>>,
    /// Why the viewer may not set this team's members, if so.
    denial: Option<String>,
    /// Called after a change.
    on_changed: Callback<Option<TeamId>>,
) -> impl IntoView {
    let toasts = use_toasts();
    let pending = RwSignal::new(None::<PendingTeamChange>);
    let team_id = team.id;
    let stored = StoredValue::new(team.clone());
    let disabled = denial.is_some();
    let propose = Callback::new(move |(member, to): (MemberView, Option<TeamRole>)| {
        let from = role_in(&member, team_id);
        if from != to {
            pending.set(Some(PendingTeamChange {
                team: stored.get_value(),
                member,
                from,
                to,
            }));
        }
    });
    let apply = move |()| {
        let Some(change) = pending.get_untracked() else {
            return;
        };
        spawn_local(async move {
            let user = change.member.user_id;
            let result = match change.to {
                Some(role) => api::set_team_member(account, team_id, user, role)
                    .await
                    .map(|_| ()),
                None => api::remove_team_member(account, team_id, user).await,
            };
            match result {
                Ok(()) => {
                    toasts.show(change.done());
                    on_changed.run(None);
                }
                Err(error) => toasts.show(error.message()),
            }
            pending.set(None);
        });
    };
    let in_team = move || {
        members
            .get()
            .into_iter()
            .filter(|m| role_in(m, team_id).is_some())
            .collect::<Vec<_>>()
    };
    let team_name = team.name.clone();
    view! {
        {move || pending.get().map(|change| view! {
            <TeamChangePreview change on_apply=Callback::new(apply) on_cancel=Callback::new(move |_| pending.set(None)) />
        })}
        <section class="panel team-members" aria-labelledby="team-members-title">
            <h2 id="team-members-title">{format!("Members of {}", team.name)}</h2>
            {denial.map(|reason| view! { <p class="alert info">{reason}</p> })}
            <ul class="member-list">
                {move || in_team().into_iter().map(|member| {
                    let team_name = team_name.clone();
                    view! { <TeamMemberItem member team_id team_name disabled propose /> }
                }).collect_view()}
            </ul>
            {move || in_team().is_empty().then(|| view! { <p class="muted">"Nobody is in this team yet."</p> })}
            {(!disabled).then(|| view! { <AddTeamMemberForm team_id members propose /> })}
        </section>
    }
}

/// One member of a team: their team-role control and "Remove".
#[component]
fn TeamMemberItem(
    /// The member.
    member: MemberView,
    /// The team.
    team_id: TeamId,
    /// The team's name.
    team_name: String,
    /// Whether the viewer may not change it.
    disabled: bool,
    /// Called with a change to preview.
    propose: Callback<(MemberView, Option<TeamRole>)>,
) -> impl IntoView {
    let role = role_in(&member, team_id);
    let select_id = format!("team-role-{}", member.user_id);
    let (for_select, for_remove) = (member.clone(), member.clone());
    view! {
        <li>
            <span class="grow">{member.name.clone()}<span class="muted small">{format!(" · {}", member.role.label())}</span></span>
            <label for=select_id.clone() class="sr-only">{format!("Team role for {}", member.name)}</label>
            <select id=select_id disabled=disabled prop:value={role.map(|r| r.id()).unwrap_or("")}
                on:change=move |ev| { if let Ok(to) = event_target_value(&ev).parse::<TeamRole>() { propose.run((for_select.clone(), Some(to))) } }>
                {TeamRole::ALL.into_iter().map(|r| view! { <option value=r.id()>{r.label()}</option> }).collect_view()}
            </select>
            <button type="button" class="button danger-outline small" disabled=disabled
                on:click=move |_| propose.run((for_remove.clone(), None))>
                "Remove"<span class="sr-only">{format!(" {} from {team_name}", member.name)}</span>
            </button>
        </li>
    }
}

/// Adding an organization member to the team with a team role.
#[component]
fn AddTeamMemberForm(
    /// The team.
    team_id: TeamId,
    /// Every member of the organization.
    members: Signal<Vec<MemberView>>,
    /// Called with the change to preview.
    propose: Callback<(MemberView, Option<TeamRole>)>,
) -> impl IntoView {
    let add_user = RwSignal::new(String::new());
    let add_role = RwSignal::new(TeamRole::TeamMember.id().to_owned());
    let outside = Signal::derive(move || {
        let mut options = vec![(String::new(), "Choose a member".to_owned())];
        options.extend(
            members
                .get()
                .into_iter()
                .filter(|m| role_in(m, team_id).is_none())
                .map(|m| (m.user_id.to_string(), person(&m.name, &m.email))),
        );
        options
    });
    let roles = TeamRole::ALL
        .map(|r| (r.id().to_owned(), r.label().to_owned()))
        .to_vec();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let chosen = add_user.get_untracked();
        let member = members
            .get_untracked()
            .into_iter()
            .find(|m| m.user_id.to_string() == chosen);
        if let (Some(member), Ok(role)) = (member, add_role.get_untracked().parse()) {
            add_user.set(String::new());
            propose.run((member, Some(role)));
        }
    };
    view! {
        <form class="inline-form" on:submit=submit>
            <div class="grow"><SelectField label="Add member" id="add-member" value=add_user options=outside /></div>
            <SelectField label="Team role" id="add-role" value=add_role options=roles />
            <button type="submit" class="button primary" disabled=move || add_user.get().is_empty()>"Add to team"</button>
        </form>
    }
}

/// What a team-role change gives and takes in that team, before it is applied.
#[component]
fn TeamChangePreview(
    /// The change.
    change: PendingTeamChange,
    /// Called to apply it.
    on_apply: Callback<()>,
    /// Called to drop it.
    on_cancel: Callback<()>,
) -> impl IntoView {
    // The member's organization role caps what a team role gives.
    let (gains, losses) = team_role_change_effect(change.member.role, change.from, change.to);
    let (name, team) = (change.member.name.clone(), change.team.name.clone());
    let nothing = gains.is_empty() && losses.is_empty();
    view! {
        <ConfirmPanel id="team-preview-title" title=change.title() action="Apply team change" on_cancel on_confirm=on_apply>
            {(!gains.is_empty()).then(|| view! {
                <p><strong>{format!("{name} will gain in {team}: ")}</strong>{gains.join("; ").to_lowercase()}</p>
            })}
            {(!losses.is_empty()).then(|| view! {
                <p><strong>{format!("{} will lose in {}: ", change.member.name, change.team.name)}</strong>{losses.join("; ").to_lowercase()}</p>
            })}
            {nothing.then(|| view! {
                <p>{format!("No permission changes: as {} their organization role already decides.", change.member.role.label())}</p>
            })}
        </ConfirmPanel>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::api::TeamRoleView;
    use domain::OrgRole;

    fn member(teams: Vec<TeamRoleView>) -> MemberView {
        MemberView {
            user_id: "01938f3e-7c1a-7000-8000-000000000001".parse().unwrap(),
            email: "tess@acme.test".into(),
            name: "Tess Tech".into(),
            role: OrgRole::Tech,
            joined_at: domain::Timestamp::from_millis(0),
            teams,
            two_factor: None,
            inherited_from: None,
        }
    }

    fn team(name: &str) -> TeamView {
        TeamView {
            id: "01938f3e-7c1a-7000-8000-0000000000aa".parse().unwrap(),
            name: name.into(),
            members_count: 1,
            my_role: None,
        }
    }

    #[test]
    fn a_team_change_says_what_it_does() {
        let web = team("Web");
        let change = PendingTeamChange {
            team: web.clone(),
            member: member(Vec::new()),
            from: None,
            to: Some(TeamRole::TeamMember),
        };
        assert_eq!(change.title(), "Make Tess Tech team member in Web?");
        assert_eq!(change.done(), "Tess Tech is now team member in Web.");
        let out = PendingTeamChange { to: None, ..change };
        assert_eq!(out.title(), "Take Tess Tech out of Web?");
        assert_eq!(out.done(), "Tess Tech left Web.");
    }

    #[test]
    fn a_members_role_in_a_team_is_read_from_their_teams() {
        let web = team("Web");
        let in_web = member(vec![TeamRoleView {
            team_id: web.id,
            name: "Web".into(),
            role: TeamRole::TeamAdmin,
        }]);
        assert_eq!(role_in(&in_web, web.id), Some(TeamRole::TeamAdmin));
        assert_eq!(role_in(&member(Vec::new()), web.id), None);
    }
}
