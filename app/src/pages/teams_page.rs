//! `/a/{org}/teams`: teams and their members with team roles. Owners create,
//! rename and delete teams; Owners and each team's admins set its members. A
//! team-role change shows what the member gains and loses before it is applied.

use super::account_layout::use_current_account;
use super::instances_page::OfflineState;
use crate::api;
use crate::network::use_network;
use crate::toast::use_toasts;
use domain::api::{MemberView, TeamView};
use domain::preview::team_role_change_effect;
use domain::roles::{decide, decide_in_team};
use domain::{Permission, TeamId, TeamPermission, TeamRole};
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

/// What is open on the page besides the list.
#[derive(Clone, Debug, PartialEq)]
enum Panel {
    None,
    Rename(TeamView),
    Delete(TeamView),
}

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
    crate::browser::set_title("Teams");
    let account = use_current_account();
    let network = use_network();
    let toasts = use_toasts();
    let teams = RwSignal::new(None::<Result<Vec<TeamView>, api::ApiError>>);
    let members = RwSignal::new(Vec::<MemberView>::new());
    let selected = RwSignal::new(None::<TeamId>);
    let panel = RwSignal::new(Panel::None);
    let pending = RwSignal::new(None::<PendingTeamChange>);
    let new_name = RwSignal::new(String::new());
    let rename_to = RwSignal::new(String::new());
    let add_user = RwSignal::new(String::new());
    let add_role = RwSignal::new(TeamRole::TeamMember);

    let load = move || {
        let Some(id) = account.get_untracked().map(|a| a.id) else {
            return;
        };
        spawn_local(async move {
            let answer = api::teams(id).await.map(|page| page.items);
            if let Ok(list) = &answer {
                if selected
                    .get_untracked()
                    .is_none_or(|s| !list.iter().any(|t| t.id == s))
                {
                    selected.set(list.first().map(|t| t.id));
                }
            }
            teams.set(Some(answer));
            if let Ok(page) = api::all_members(id).await {
                members.set(page.items);
            }
        });
    };
    Effect::new(move |_| {
        if account.get().is_some() && network.online.get() {
            load();
        }
    });
    let manage_teams_denial = Memo::new(move |_| {
        let a = account.get()?;
        decide(a.kind, a.role, Permission::ManageTeams)
            .err()
            .map(|d| d.message)
    });
    let team_list = move || teams.get().and_then(Result::ok).unwrap_or_default();
    let current_team = Memo::new(move |_| {
        let id = selected.get()?;
        team_list().into_iter().find(|t| t.id == id)
    });
    // Whether the caller may set the selected team's members: Owners, and team admins.
    let team_admin_denial = Memo::new(move |_| {
        let (a, team) = (account.get()?, current_team.get()?);
        decide_in_team(a.role, team.my_role, TeamPermission::ManageTeamMembers)
            .err()
            .map(|d| d.message)
    });

    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(id) = account.get_untracked().map(|a| a.id) else {
            return;
        };
        let name = new_name.get_untracked();
        spawn_local(async move {
            match api::create_team(id, &name).await {
                Ok(team) => {
                    toasts.show(format!("Team {} was created.", team.name));
                    new_name.set(String::new());
                    selected.set(Some(team.id));
                    load();
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    let rename = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (Some(id), Panel::Rename(team)) =
            (account.get_untracked().map(|a| a.id), panel.get_untracked())
        else {
            return;
        };
        let name = rename_to.get_untracked();
        spawn_local(async move {
            match api::rename_team(id, team.id, &name).await {
                Ok(renamed) => {
                    toasts.show(format!("{} is now called {}.", team.name, renamed.name));
                    panel.set(Panel::None);
                    load();
                }
                Err(error) => toasts.show(error.message()),
            }
        });
    };
    let delete = move |_| {
        let (Some(id), Panel::Delete(team)) =
            (account.get_untracked().map(|a| a.id), panel.get_untracked())
        else {
            return;
        };
        spawn_local(async move {
            match api::delete_team(id, team.id).await {
                Ok(()) => {
                    toasts.show(format!("Team {} was deleted.", team.name));
                    load();
                }
                Err(error) => toasts.show(error.message()),
            }
            panel.set(Panel::None);
        });
    };
    let apply = move |_| {
        let (Some(id), Some(change)) = (
            account.get_untracked().map(|a| a.id),
            pending.get_untracked(),
        ) else {
            return;
        };
        spawn_local(async move {
            let who = change.member.name.clone();
            let result = match change.to {
                Some(role) => api::set_team_member(id, change.team.id, change.member.user_id, role)
                    .await
                    .map(|_| {
                        format!(
                            "{who} is now {} in {}.",
                            role.label().to_lowercase(),
                            change.team.name
                        )
                    }),
                None => api::remove_team_member(id, change.team.id, change.member.user_id)
                    .await
                    .map(|()| format!("{who} left {}.", change.team.name)),
            };
            match result {
                Ok(message) => {
                    toasts.show(message);
                    add_user.set(String::new());
                    load();
                }
                Err(error) => toasts.show(error.message()),
            }
            pending.set(None);
        });
    };
    let propose = move |member: MemberView, to: Option<TeamRole>| {
        let Some(team) = current_team.get_untracked() else {
            return;
        };
        let from = role_in(&member, team.id);
        if from != to {
            pending.set(Some(PendingTeamChange {
                team,
                member,
                from,
                to,
            }));
        }
    };

    view! {
        <div class="page-head"><div>
            <h1>"Teams"</h1>
            <p class="muted">"Resources belong to a team; team roles decide who may use them, within what the organization role allows."</p>
        </div></div>
        {move || match teams.get() {
            Some(Err(api::ApiError::Offline)) => view! { <OfflineState /> }.into_any(),
            Some(Err(error)) => view! { <p class="alert error" role="alert">{error.message()}</p> }.into_any(),
            None => view! { <div class="skeleton block" aria-busy="true"></div> }.into_any(),
            Some(Ok(_)) => ().into_any(),
        }}
        <Show when=move || manage_teams_denial.get().is_none()>
            <form class="panel inline-form" aria-labelledby="create-team-title" on:submit=create>
                <h2 id="create-team-title" class="sr-only">"Create team"</h2>
                <div class="field grow">
                    <label for="team-name">"Team name"</label>
                    <input id="team-name" type="text" maxlength="64" autocomplete="off"
                        prop:value=move || new_name.get() on:input=move |ev| new_name.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class="button primary">"Create team"</button>
            </form>
        </Show>
        {move || match panel.get() {
            Panel::None => ().into_any(),
            Panel::Rename(team) => view! {
                <form class="panel preview" aria-labelledby="rename-title" on:submit=rename>
                    <h2 id="rename-title">{format!("Rename {}", team.name)}</h2>
                    <div class="field">
                        <label for="rename-team">"New team name"</label>
                        <input id="rename-team" type="text" maxlength="64" prop:value=move || rename_to.get()
                            on:input=move |ev| rename_to.set(event_target_value(&ev)) />
                    </div>
                    <div class="actions">
                        <button type="button" class="button secondary" on:click=move |_| panel.set(Panel::None)>"Cancel"</button>
                        <button type="submit" class="button primary">"Save name"</button>
                    </div>
                </form>
            }.into_any(),
            Panel::Delete(team) => view! {
                <section class="panel preview danger-zone" aria-labelledby="delete-team-title">
                    <h2 id="delete-team-title">{format!("Delete {}?", team.name)}</h2>
                    <p>"Its members stay in the organization. A team that still owns instances cannot be deleted: delete them first."</p>
                    <div class="actions">
                        <button type="button" class="button secondary" on:click=move |_| panel.set(Panel::None)>"Cancel"</button>
                        <button type="button" class="button danger" on:click=delete>"Delete team"</button>
                    </div>
                </section>
            }.into_any(),
        }}
        <div class="table-wrap">
            <table>
                <thead><tr>
                    <th scope="col">"Team"</th><th scope="col">"Members"</th><th scope="col">"Your team role"</th>
                    <th scope="col"><span class="sr-only">"Actions"</span></th>
                </tr></thead>
                <tbody>
                    {move || team_list().into_iter().map(|team| {
                        let id = team.id;
                        let (rename_team, delete_team) = (team.clone(), team.clone());
                        view! {
                            <tr>
                                <th scope="row">
                                    <button type="button" class="link-button" aria-pressed=move || (selected.get() == Some(id)).to_string()
                                        on:click=move |_| selected.set(Some(id))>{team.name.clone()}</button>
                                </th>
                                <td>{team.members_count}</td>
                                <td>{team.my_role.map(|r| r.label()).unwrap_or("—")}</td>
                                <td class="row-actions">
                                    <Show when=move || manage_teams_denial.get().is_none()>
                                        <button type="button" class="button secondary small" on:click={
                                            let team = rename_team.clone();
                                            move |_| { rename_to.set(team.name.clone()); panel.set(Panel::Rename(team.clone())); }
                                        }>"Rename"<span class="sr-only">{format!(" {}", rename_team.name)}</span></button>
                                        <button type="button" class="button danger-outline small" on:click={
                                            let team = delete_team.clone();
                                            move |_| panel.set(Panel::Delete(team.clone()))
                                        }>"Delete"<span class="sr-only">{format!(" {}", delete_team.name)}</span></button>
                                    </Show>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {move || pending.get().map(|change| {
            // The member's organization role caps what a team role gives.
            let (gains, losses) = team_role_change_effect(change.member.role, change.from, change.to);
            let title = match change.to {
                Some(to) => format!("Make {} {} in {}?", change.member.name, to.label().to_lowercase(), change.team.name),
                None => format!("Take {} out of {}?", change.member.name, change.team.name),
            };
            view! {
                <section class="panel preview" aria-labelledby="team-preview-title">
                    <h2 id="team-preview-title">{title}</h2>
                    {(!gains.is_empty()).then(|| view! {
                        <p><strong>{format!("{} will gain in {}: ", change.member.name, change.team.name)}</strong>{gains.join("; ").to_lowercase()}</p>
                    })}
                    {(!losses.is_empty()).then(|| view! {
                        <p><strong>{format!("{} will lose in {}: ", change.member.name, change.team.name)}</strong>{losses.join("; ").to_lowercase()}</p>
                    })}
                    {(gains.is_empty() && losses.is_empty()).then(|| view! {
                        <p>{format!("No permission changes: as {} their organization role already decides.", change.member.role.label())}</p>
                    })}
                    <div class="actions">
                        <button type="button" class="button secondary" on:click=move |_| pending.set(None)>"Cancel"</button>
                        <button type="button" class="button primary" on:click=apply>"Apply team change"</button>
                    </div>
                </section>
            }
        })}
        {move || current_team.get().map(|team| {
            let team_id = team.id;
            let in_team = move || members.get().into_iter().filter(|m| role_in(m, team_id).is_some()).collect::<Vec<_>>();
            let outside = move || members.get().into_iter().filter(|m| role_in(m, team_id).is_none()).collect::<Vec<_>>();
            view! {
                <section class="panel team-members" aria-labelledby="team-members-title">
                    <h2 id="team-members-title">{format!("Members of {}", team.name)}</h2>
                    {move || team_admin_denial.get().map(|reason| view! { <p class="alert info">{reason}</p> })}
                    <ul class="member-list">
                        {move || in_team().into_iter().map(|member| {
                            let role = role_in(&member, team_id);
                            let select_id = format!("team-role-{}", member.user_id);
                            let (for_select, for_remove) = (member.clone(), member.clone());
                            view! {
                                <li>
                                    <span class="grow">{member.name.clone()}<span class="muted small">{format!(" · {}", member.role.label())}</span></span>
                                    <label for=select_id.clone() class="sr-only">{format!("Team role for {}", member.name)}</label>
                                    <select id=select_id disabled=move || team_admin_denial.get().is_some()
                                        prop:value={role.map(|r| r.id()).unwrap_or("")}
                                        on:change=move |ev| { if let Ok(to) = event_target_value(&ev).parse::<TeamRole>() { propose(for_select.clone(), Some(to)) } }>
                                        {TeamRole::ALL.into_iter().map(|r| view! { <option value=r.id()>{r.label()}</option> }).collect_view()}
                                    </select>
                                    <button type="button" class="button danger-outline small" disabled=move || team_admin_denial.get().is_some()
                                        on:click={ let m = for_remove.clone(); move |_| propose(m.clone(), None) }>
                                        "Remove"<span class="sr-only">{format!(" {} from {}", for_remove.name, team.name)}</span>
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {move || in_team().is_empty().then(|| view! { <p class="muted">"Nobody is in this team yet."</p> })}
                    <Show when=move || team_admin_denial.get().is_none()>
                        <form class="inline-form" on:submit=move |ev: leptos::ev::SubmitEvent| {
                            ev.prevent_default();
                            let chosen = add_user.get_untracked();
                            if let Some(member) = members.get_untracked().into_iter().find(|m| m.user_id.to_string() == chosen) {
                                propose(member, Some(add_role.get_untracked()));
                            }
                        }>
                            <div class="field grow">
                                <label for="add-member">"Add member"</label>
                                <select id="add-member" prop:value=move || add_user.get() on:change=move |ev| add_user.set(event_target_value(&ev))>
                                    <option value="">"Choose a member"</option>
                                    {move || outside().into_iter().map(|m| view! { <option value=m.user_id.to_string()>{format!("{} ({})", m.name, m.email)}</option> }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="add-role">"Team role"</label>
                                <select id="add-role" prop:value=move || add_role.get().id()
                                    on:change=move |ev| { if let Ok(r) = event_target_value(&ev).parse() { add_role.set(r) } }>
                                    {TeamRole::ALL.into_iter().map(|r| view! { <option value=r.id()>{r.label()}</option> }).collect_view()}
                                </select>
                            </div>
                            <button type="submit" class="button primary" disabled=move || add_user.get().is_empty()>"Add to team"</button>
                        </form>
                    </Show>
                </section>
            }
        })}
    }
}
