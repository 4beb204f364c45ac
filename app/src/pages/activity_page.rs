//! `/a/{id}/activity`: the account's activity log, newest first, with filters
//! (event, actor, dates), a per-day chart of the last 30 days, paging and
//! exports. Who may read it is `domain::roles::decide(ViewActivity)`.

use super::account_layout::use_current_account;
use super::api_keys_page::short_time;
use crate::api;
use crate::components::paged::Paged;
use domain::activity::{ActivityQuery, Category, Event, EventFilter};
use domain::api::{ActivityView, DailyActivity, MemberView};
use domain::roles::decide;
use domain::{AccountKind, Permission, Timestamp};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Days in the chart.
const CHART_DAYS: u32 = 30;

/// `2026-11-23` (a date input's value) as the start of that UTC day, or `None`.
fn day_start(date: &str, days_after: i64) -> Option<String> {
    let at: Timestamp = format!("{date}T00:00:00Z").parse().ok()?;
    Some(at.plus_seconds(days_after * 86_400).to_string())
}

/// The actor filter's option for an entry's actor.
fn actor_option(entry: &ActivityView) -> Option<(String, String)> {
    let id = entry.actor.user_id?;
    let label = match (&entry.actor.name, &entry.actor.email) {
        (Some(name), Some(email)) => format!("{name} ({email})"),
        (_, Some(email)) => email.clone(),
        _ => id.to_string(),
    };
    Some((id.to_string(), label))
}

fn member_option(member: &MemberView) -> (String, String) {
    (
        member.user_id.to_string(),
        format!("{} ({})", member.name, member.email),
    )
}

/// A short line of what changed, from the entry's payload.
fn details(entry: &ActivityView) -> String {
    let Some(object) = entry.payload.as_object() else {
        return String::new();
    };
    object
        .iter()
        .map(|(key, value)| {
            let text = match value {
                serde_json::Value::String(s) => s.clone(),
                serde_json::Value::Object(o) if o.contains_key("from") && o.contains_key("to") => {
                    format!("{} → {}", plain(&o["from"]), plain(&o["to"]))
                }
                other => other.to_string(),
            };
            format!("{}: {text}", key.replace('_', " "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn plain(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "none".to_owned(),
        other => other.to_string(),
    }
}

/// The activity page.
#[component]
pub fn ActivityPage() -> impl IntoView {
    crate::browser::set_title("Activity");
    let account = use_current_account();
    let entries = Paged::<ActivityView>::new();
    let daily = RwSignal::new(Vec::<DailyActivity>::new());
    // Everyone the actor filter offers: current members, and whoever appears in
    // the entries loaded so far (so former members can be chosen too).
    let actors = RwSignal::new(Vec::<(String, String)>::new());
    let add_actors = move |found: Vec<(String, String)>| {
        actors.update(|known| {
            for (id, label) in found {
                if !known.iter().any(|(k, _)| *k == id) {
                    known.push((id, label));
                }
            }
            known.sort_by_key(|(_, label)| label.to_lowercase());
        });
    };
    let event = RwSignal::new(String::new());
    let actor = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());

    let denial = Memo::new(move |_| {
        account
            .get()
            .and_then(|a| decide(a.kind, a.role, Permission::ViewActivity).err())
            .map(|d| d.message)
    });
    let query = Memo::new(move |_| ActivityQuery {
        event: Some(event.get()).filter(|e| !e.is_empty()),
        actor: Some(actor.get()).filter(|a| !a.is_empty()),
        since: day_start(&from.get(), 0),
        until: day_start(&to.get(), 1),
    });
    let load = move |append: bool| {
        let Some(id) = account.get_untracked().map(|a| a.id) else {
            return;
        };
        let cursor = entries.cursor(append);
        let query = query.get_untracked();
        spawn_local(async move {
            let answer = api::activity(id, &query, cursor.as_deref()).await;
            if let Ok(page) = &answer {
                add_actors(page.items.iter().filter_map(actor_option).collect());
            }
            entries.apply(append, answer);
            if !append {
                if let Ok(days) = api::daily_activity(id, &query, CHART_DAYS).await {
                    daily.set(days);
                }
            }
        });
    };
    // Reload whenever the account or a filter changes.
    Effect::new(move |_| {
        query.track();
        if account.get().is_some() && denial.get().is_none() {
            load(false);
        }
    });
    Effect::new(move |_| {
        let Some(a) = account.get() else { return };
        if a.kind == AccountKind::Organization && denial.get().is_none() {
            spawn_local(async move {
                if let Ok(page) = api::all_members(a.id).await {
                    add_actors(page.items.iter().map(member_option).collect());
                }
            });
        }
    });
    let export_href = move |format: &str| {
        let id = account.get().map(|a| a.id.to_string()).unwrap_or_default();
        format!(
            "/api/accounts/{id}/activity/export?format={format}&{}",
            api::activity_query(&query.get())
        )
    };
    let reset = move |_| {
        event.set(String::new());
        actor.set(String::new());
        from.set(String::new());
        to.set(String::new());
    };

    view! {
        <div class="page-head">
            <div>
                <h1>"Activity"</h1>
                <p class="muted">"Every change to this account, who made it and through which API key. Entries are never edited or deleted."</p>
            </div>
            <Show when=move || denial.get().is_none()>
                <div class="actions">
                    <a class="button secondary" href=move || export_href("csv") download="">"Export CSV"</a>
                    <a class="button secondary" href=move || export_href("json") download="">"Export JSON"</a>
                </div>
            </Show>
        </div>
        {move || denial.get().map(|reason| view! {
            <div class="panel"><p class="alert info" role="status">{reason}</p></div>
        })}
        <Show when=move || denial.get().is_none()>
            <section class="panel" aria-labelledby="chart-title">
                <h2 id="chart-title">"Last 30 days"</h2>
                <Chart days=daily />
            </section>
            <form class="panel filters" aria-label="Filters" on:submit=|ev| ev.prevent_default()>
                <div class="form-row">
                    <div class="field">
                        <label for="filter-event">"Event"</label>
                        <select id="filter-event" prop:value=move || event.get() on:change=move |ev| event.set(event_target_value(&ev))>
                            <option value="">"All events"</option>
                            <optgroup label="Categories">
                                {Category::ALL.into_iter().map(|c| view! {
                                    <option value=EventFilter::Category(c).to_query()>{format!("All {} events", c.id().replace('_', " "))}</option>
                                }).collect_view()}
                            </optgroup>
                            <optgroup label="Events">
                                {Event::ALL.into_iter().map(|e| view! { <option value=e.id()>{e.label()}</option> }).collect_view()}
                            </optgroup>
                        </select>
                    </div>
                    <div class="field">
                        <label for="filter-actor">"Actor"</label>
                        <select id="filter-actor" prop:value=move || actor.get() on:change=move |ev| actor.set(event_target_value(&ev))>
                            <option value="">"Anyone"</option>
                            {move || actors.get().into_iter().map(|(id, label)| view! {
                                <option value=id>{label}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="filter-from">"From"</label>
                        <input id="filter-from" type="date" prop:value=move || from.get() on:change=move |ev| from.set(event_target_value(&ev)) />
                    </div>
                    <div class="field">
                        <label for="filter-to">"To"</label>
                        <input id="filter-to" type="date" prop:value=move || to.get() on:change=move |ev| to.set(event_target_value(&ev)) />
                    </div>
                </div>
                <div class="actions">
                    <button type="button" class="button secondary" on:click=reset>"Clear filters"</button>
                </div>
            </form>
            {move || match entries.items.get() {
                None => view! { <div class="skeleton block" aria-busy="true"></div> }.into_any(),
                Some(Err(api::ApiError::Offline)) => view! { <super::instances_page::OfflineState /> }.into_any(),
                Some(Err(error)) => view! { <p class="alert error" role="alert">{error.message()}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! {
                    <div class="empty-state"><p>"No activity matches these filters."</p></div>
                }.into_any(),
                Some(Ok(list)) => view! {
                    <div class="table-wrap">
                        <table class="activity">
                            <caption class="sr-only">"Activity, newest first"</caption>
                            <thead><tr>
                                <th scope="col">"Time (UTC)"</th><th scope="col">"Actor"</th>
                                <th scope="col">"Event"</th><th scope="col">"Details"</th>
                            </tr></thead>
                            <tbody>
                                {list.into_iter().map(|entry| {
                                    let who = match (&entry.actor.name, &entry.actor.email) {
                                        (Some(name), Some(email)) => format!("{name} ({email})"),
                                        (_, Some(email)) => email.clone(),
                                        _ => "Orgspace".to_owned(),
                                    };
                                    let via = entry.actor.api_key_id.clone().map(|key| view! {
                                        <span class="via">"via API key " <code>{key}</code></span>
                                    });
                                    view! {
                                        <tr>
                                            <td class="nowrap">{short_time(entry.at)}</td>
                                            <td>{who}{via}</td>
                                            <td><span class="event">{entry.event.label()}</span>
                                                <span class="muted mono small">{entry.event.id()}</span></td>
                                            <td class="details">{details(&entry)}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                    <Show when=move || entries.has_more()>
                        <button type="button" class="button secondary" on:click=move |_| load(true)>"Load more"</button>
                    </Show>
                }.into_any(),
            }}
        </Show>
    }
}

/// Bars of entries per day; the accessible name says the total and the busiest day.
#[component]
fn Chart(days: RwSignal<Vec<DailyActivity>>) -> impl IntoView {
    const WIDTH: f64 = 600.0;
    const HEIGHT: f64 = 80.0;
    let summary = move || {
        let list = days.get();
        let total: u64 = list.iter().map(|d| d.count).sum();
        let busiest = list.iter().max_by_key(|d| d.count).filter(|d| d.count > 0);
        match busiest {
            Some(day) => format!(
                "Activity per day over the last {} days: {total} entries; the busiest day was {} with {}.",
                list.len(),
                day.day,
                day.count
            ),
            None => format!("Activity per day over the last {} days: no entries.", list.len()),
        }
    };
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {WIDTH} {}", HEIGHT + 16.0) role="img" aria-labelledby="chart-summary" preserveAspectRatio="none">
                {move || {
                    let list = days.get();
                    let max = list.iter().map(|d| d.count).max().unwrap_or(0).max(1) as f64;
                    let slot = WIDTH / list.len().max(1) as f64;
                    list.into_iter().enumerate().map(|(i, day)| {
                        let h = (day.count as f64 / max * HEIGHT).max(if day.count > 0 { 2.0 } else { 0.5 });
                        view! {
                            <rect x=format!("{:.1}", i as f64 * slot + 1.0) y=format!("{:.1}", HEIGHT - h)
                                width=format!("{:.1}", (slot - 2.0).max(1.0)) height=format!("{h:.1}")
                                class={if day.count > 0 { "bar" } else { "bar empty" }}>
                                <title>{format!("{}: {}", day.day, day.count)}</title>
                            </rect>
                        }
                    }).collect_view()
                }}
            </svg>
            <figcaption id="chart-summary" class="muted small">{summary}</figcaption>
        </figure>
    }
}
