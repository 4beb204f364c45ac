//! The role preview (SPEC §3): pick an organization role and team roles and see
//! every permission with the reason for each "no", computed here by `domain` —
//! no request, so it works offline. `/roles` stands alone with example teams;
//! `/a/{org}/roles` uses the organization's own teams.

use crate::current_account::use_current_account;
use crate::network::OfflineBanner;
use domain::preview::{preview, Answer, PreviewTeam};
use domain::{OrgRole, TeamRole};
use leptos::prelude::*;
use std::collections::HashMap;

/// `/roles`: the preview outside any account, with teams "Web" and "Ops".
#[component]
pub fn RolePreviewPage() -> impl IntoView {
    crate::browser::set_title("Role preview");
    let teams = Signal::derive(|| vec!["Web".to_owned(), "Ops".to_owned()]);
    let start = Signal::derive(|| None);
    view! {
        <header class="topbar">
            <a class="brand" href="/" aria-label="Orgspace home"><span aria-hidden="true">"◆"</span></a>
            <span class="brand-line">"Orgspace"</span>
        </header>
        <main class="content standalone">
            <OfflineBanner />
            <RolePreview teams start />
        </main>
    }
}

/// `/a/{org}/roles`: the preview with this organization's teams.
#[component]
pub fn OrgRolePreviewPage() -> impl IntoView {
    crate::browser::set_title("Role preview");
    let account = use_current_account();
    // Offline, the preview still works with no team columns.
    let loaded = LocalResource::new(move || {
        let id = account.get().map(|a| a.id);
        async move {
            match id {
                Some(id) => crate::api::teams(id)
                    .await
                    .map(|page| page.items)
                    .unwrap_or_default(),
                None => Vec::new(),
            }
        }
    });
    let org_teams = move || loaded.get().unwrap_or_default();
    let teams = Signal::derive(move || org_teams().into_iter().map(|t| t.name).collect());
    // The preview opens on the member's own roles.
    let start = Signal::derive(move || {
        let own_teams = org_teams()
            .into_iter()
            .filter_map(|t| t.my_role.map(|r| (t.name, r)))
            .collect();
        account.get().map(|a| (a.role, own_teams))
    });
    view! { <RolePreview teams start /> }
}

fn answer_cell(answer: &Answer) -> impl IntoView + use<> {
    let class = match answer {
        Answer::Allowed => "answer yes",
        Answer::InTeams(_) => "answer teams",
        Answer::Denied(_) => "answer no",
    };
    let word = answer.word();
    let reason = answer.reason().map(str::to_owned);
    view! {
        <td class=class>
            <span class="answer-word">{word}</span>
            {reason.map(|r| view! { <span class="answer-reason">{r}</span> })}
        </td>
    }
}

/// The role and team-role pickers and the two permission tables.
#[component]
fn RolePreview(
    /// The teams to show columns for.
    teams: Signal<Vec<String>>,
    /// The roles to start from (the member's own), when known.
    start: Signal<Option<(OrgRole, HashMap<String, TeamRole>)>>,
) -> impl IntoView {
    let role = RwSignal::new(OrgRole::Tech);
    let team_roles = RwSignal::new(HashMap::<String, TeamRole>::new());
    Effect::new(move |_| {
        if let Some((own_role, own_teams)) = start.get() {
            role.set(own_role);
            team_roles.set(own_teams);
        }
    });
    let result = Memo::new(move |_| {
        let chosen = team_roles.get();
        let teams = teams
            .get()
            .into_iter()
            .map(|name| PreviewTeam {
                role: chosen.get(&name).copied(),
                name,
            })
            .collect();
        preview(role.get(), teams)
    });
    view! {
        <div class="page-head"><div>
            <h1>"Role preview"</h1>
            <p class="muted">"Pick a role, and a role in each team, to see what it may do and why not. Computed in your browser: it works offline."</p>
        </div></div>
        <section class="panel preview-controls" aria-label="Roles to preview">
            <div class="field">
                <label for="preview-role">"Role"</label>
                <select id="preview-role" prop:value=move || role.get().id()
                    on:change=move |ev| { if let Ok(r) = event_target_value(&ev).parse() { role.set(r) } }>
                    {OrgRole::ALL.into_iter().map(|r| view! { <option value=r.id()>{r.label()}</option> }).collect_view()}
                </select>
                <p class="hint">{move || role.get().description()}</p>
            </div>
            <For each=move || teams.get() key=|name| name.clone() let:name>
                {
                    let id = format!("preview-team-{}", name.to_lowercase().replace(|c: char| !c.is_alphanumeric(), "-"));
                    let key = name.clone();
                    let current = name.clone();
                    view! {
                        <div class="field">
                            <label for=id.clone()>{format!("Team role in {name}")}</label>
                            <select id=id
                                prop:value=move || team_roles.with(|m| m.get(&current).map(|r| r.id()).unwrap_or(""))
                                on:change=move |ev| {
                                    let value = event_target_value(&ev);
                                    team_roles.update(|m| match value.parse::<TeamRole>() {
                                        Ok(r) => { m.insert(key.clone(), r); }
                                        Err(_) => { m.remove(&key); }
                                    });
                                }>
                                <option value="">"No team role"</option>
                                {TeamRole::ALL.into_iter().map(|r| view! { <option value=r.id()>{r.label()}</option> }).collect_view()}
                            </select>
                        </div>
                    }
                }
            </For>
        </section>
        <div class="table-wrap preview-table">
            <table aria-label="Permissions">
                <caption class="table-caption">{move || format!("What a {} may do in the organization", result.with(|p| p.role.label()))}</caption>
                <thead><tr><th scope="col">"Permission"</th><th scope="col">"Answer"</th></tr></thead>
                <tbody>
                    {move || result.with(|p| p.organization.iter().map(|row| view! {
                        <tr><th scope="row">{row.permission.label()}</th>{answer_cell(&row.answer)}</tr>
                    }).collect_view())}
                </tbody>
            </table>
        </div>
        <div class="table-wrap preview-table">
            {move || result.with(|p| if p.teams.is_empty() {
                view! { <p class="empty-state flat">"This organization has no teams yet: resources belong to teams."</p> }.into_any()
            } else {
                view! {
                    <table aria-label="Team permissions">
                        <caption class="table-caption">"In each team, for the team's resources"</caption>
                        <thead><tr>
                            <th scope="col">"Team permission"</th>
                            {p.teams.iter().map(|t| view! {
                                <th scope="col">{t.name.clone()}<span class="muted small">{format!(" · {}", t.role.map(|r| r.label()).unwrap_or("no team role"))}</span></th>
                            }).collect_view()}
                        </tr></thead>
                        <tbody>
                            {p.team_rows.iter().map(|row| view! {
                                <tr><th scope="row">{row.permission.label()}</th>{row.answers.iter().map(answer_cell).collect_view()}</tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any()
            })}
        </div>
    }
}
