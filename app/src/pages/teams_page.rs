//! `/a/{org}/teams`: the organization's teams and how many members each has.

use super::account_layout::use_current_account;
use crate::api;
use domain::api::TeamView;
use leptos::prelude::*;
use leptos::task::spawn_local;

/// The teams of an organization.
#[component]
pub fn TeamsPage() -> impl IntoView {
    crate::browser::set_title("Teams");
    let account = use_current_account();
    let teams = RwSignal::new(None::<Result<Vec<TeamView>, String>>);
    Effect::new(move |_| {
        let Some(id) = account.get().map(|a| a.id) else {
            return;
        };
        spawn_local(async move {
            teams.set(Some(
                api::teams(id)
                    .await
                    .map(|page| page.items)
                    .map_err(|e| e.message()),
            ));
        });
    });
    view! {
        <div class="page-head"><div>
            <h1>"Teams"</h1>
            <p class="muted">"Teams group members; resources belong to a team, and team roles decide who may use them."</p>
        </div></div>
        {move || match teams.get() {
            None => view! { <div class="skeleton block" aria-busy="true"></div> }.into_any(),
            Some(Err(message)) => view! { <p class="alert error" role="alert">{message}</p> }.into_any(),
            Some(Ok(list)) => view! {
                <div class="table-wrap">
                    <table>
                        <thead><tr><th scope="col">"Team"</th><th scope="col">"Members"</th></tr></thead>
                        <tbody>
                            {list.into_iter().map(|team| view! {
                                <tr><td>{team.name}</td><td>{team.members_count}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }.into_any(),
        }}
    }
}
