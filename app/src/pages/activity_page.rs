//! `/a/{id}/activity`: the account's activity log, newest first, with filters
//! (event, actor, dates), a per-day chart of the last 30 days, paging and
//! exports. Who may read it is `domain::roles::decide(ViewActivity)`.

use crate::api;
use crate::components::loaded::{load, Loaded};
use crate::components::page_head::{DeniedNotice, PageHead};
use crate::components::paged::{PagedList, PagedView};
use crate::current_account::{use_current_account, use_denial};
use crate::format::{day_start, person, short_time};
use domain::activity::{ActivityQuery, Category, Event, EventFilter};
use domain::api::{AccountView, ActivityView, DailyActivity};
use domain::{AccountKind, Permission};
use leptos::prelude::*;
use leptos::task::spawn_local;

/// Days in the chart.
const CHART_DAYS: u32 = 30;

/// The actor filter's option for an entry's actor.
fn actor_option(entry: &ActivityView) -> Option<(String, String)> {
    let id = entry.actor.user_id?;
    let label = match (&entry.actor.name, &entry.actor.email) {
        (Some(name), Some(email)) => person(name, email),
        (_, Some(email)) => email.clone(),
        _ => id.to_string(),
    };
    Some((id.to_string(), label))
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

/// Adds `found` to the actors the filter offers, sorted by label, once each.
fn merge_actors(known: &mut Vec<(String, String)>, found: Vec<(String, String)>) {
    for (id, label) in found {
        if !known.iter().any(|(k, _)| *k == id) {
            known.push((id, label));
        }
    }
    known.sort_by_key(|(_, label)| label.to_lowercase());
}

/// The filters as the member set them.
#[derive(Clone, Copy)]
struct Filters {
    event: RwSignal<String>,
    actor: RwSignal<String>,
    from: RwSignal<String>,
    to: RwSignal<String>,
    query: Memo<ActivityQuery>,
}

impl Filters {
    fn new() -> Self {
        let (event, actor, from, to) = (
            RwSignal::new(String::new()),
            RwSignal::new(String::new()),
            RwSignal::new(String::new()),
            RwSignal::new(String::new()),
        );
        let query = Memo::new(move |_| ActivityQuery {
            event: Some(event.get()).filter(|e| !e.is_empty()),
            actor: Some(actor.get()).filter(|a| !a.is_empty()),
            since: day_start(&from.get(), 0),
            until: day_start(&to.get(), 1),
        });
        Self {
            event,
            actor,
            from,
            to,
            query,
        }
    }

    fn clear(&self) {
        for value in [self.event, self.actor, self.from, self.to] {
            value.set(String::new());
        }
    }
}

/// The activity page.
#[component]
pub fn ActivityPage() -> impl IntoView {
    let account = use_current_account();
    let denial = use_denial(Permission::ViewActivity);
    let filters = Filters::new();
    let export_href = move |format: &str| {
        let id = account.get().map(|a| a.id.to_string()).unwrap_or_default();
        format!(
            "/api/accounts/{id}/activity/export?format={format}&{}",
            api::activity_query(&filters.query.get())
        )
    };
    view! {
        <PageHead title="Activity" intro="Every change to this account, who made it and through which API key. Entries are never edited or deleted.">
            <Show when=move || denial.get().is_none()>
                <a class="button secondary" href=move || export_href("csv") download="">"Export CSV"</a>
                <a class="button secondary" href=move || export_href("json") download="">"Export JSON"</a>
            </Show>
        </PageHead>
        <DeniedNotice reason=denial />
        {move || match (account.get(), denial.get()) {
            (Some(account), None) => view! { <Activity account filters /> }.into_any(),
            _ => ().into_any(),
        }}
    }
}

/// The chart, the filters and the entries, for a member who may read them.
#[component]
fn Activity(
    /// The account.
    account: AccountView,
    /// The filters.
    filters: Filters,
) -> impl IntoView {
    let id = account.id;
    // Everyone the actor filter offers: current members, and whoever appears in
    // the entries loaded so far (so former members can be chosen too).
    let actors = RwSignal::new(Vec::<(String, String)>::new());
    let list = PagedList::new(move |cursor| {
        let query = filters.query.get();
        async move {
            let answer = api::activity(id, &query, cursor.as_deref()).await;
            if let Ok(page) = &answer {
                let found = page.items.iter().filter_map(actor_option).collect();
                actors.update(|known| merge_actors(known, found));
            }
            answer
        }
    });
    let daily = load(move || {
        let query = filters.query.get();
        async move { api::daily_activity(id, &query, CHART_DAYS).await }
    });
    if account.kind == AccountKind::Organization {
        spawn_local(async move {
            if let Ok(page) = api::all_members(id).await {
                let found = page
                    .items
                    .iter()
                    .map(|m| (m.user_id.to_string(), person(&m.name, &m.email)))
                    .collect();
                actors.update(|known| merge_actors(known, found));
            }
        });
    }
    view! {
        <section class="panel" aria-labelledby="chart-title">
            <h2 id="chart-title">"Last 30 days"</h2>
            <Loaded resource=daily let:days><Chart days /></Loaded>
        </section>
        <ActivityFilters filters actors />
        <PagedView list empty="No activity matches these filters." let:items>
            <div class="table-wrap">
                <table class="activity">
                    <caption class="sr-only">"Activity, newest first"</caption>
                    <thead><tr>
                        <th scope="col">"Time (UTC)"</th><th scope="col">"Actor"</th>
                        <th scope="col">"Event"</th><th scope="col">"Details"</th>
                    </tr></thead>
                    <tbody>{items.into_iter().map(|entry| view! { <EntryRow entry /> }).collect_view()}</tbody>
                </table>
            </div>
        </PagedView>
    }
}

/// One entry of the log.
#[component]
fn EntryRow(
    /// The entry.
    entry: ActivityView,
) -> impl IntoView {
    let who = match (&entry.actor.name, &entry.actor.email) {
        (Some(name), Some(email)) => person(name, email),
        (_, Some(email)) => email.clone(),
        // A user deleted since: the server names them "Deleted user".
        (Some(name), None) => name.clone(),
        (None, None) => "Orgspace".to_owned(),
    };
    let via = entry.actor.api_key_id.clone().map(|key| {
        view! {
            <span class="via">"via API key " <code>{key}</code></span>
        }
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
}

/// Event, actor and date filters.
#[component]
fn ActivityFilters(
    /// The filters, two-way.
    filters: Filters,
    /// Who the actor filter offers: (user id, label).
    actors: RwSignal<Vec<(String, String)>>,
) -> impl IntoView {
    let Filters {
        event,
        actor,
        from,
        to,
        ..
    } = filters;
    view! {
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
                        {move || actors.get().into_iter().map(|(id, label)| view! { <option value=id>{label}</option> }).collect_view()}
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
                <button type="button" class="button secondary" on:click=move |_| filters.clear()>"Clear filters"</button>
            </div>
        </form>
    }
}

/// The chart's accessible summary: the total and the busiest day.
fn chart_summary(days: &[DailyActivity]) -> String {
    let total: u64 = days.iter().map(|d| d.count).sum();
    match days.iter().max_by_key(|d| d.count).filter(|d| d.count > 0) {
        Some(day) => format!(
            "Activity per day over the last {} days: {total} entries; the busiest day was {} with {}.",
            days.len(),
            day.day,
            day.count
        ),
        None => format!("Activity per day over the last {} days: no entries.", days.len()),
    }
}

/// A length of the chart (never negative) to a tenth, written without Rust's
/// float formatting, which is some 20 KB of wasm the app needs nowhere else.
fn tenths(length: f64) -> String {
    let tenths = (length.max(0.0) * 10.0).round() as u64;
    format!("{}.{}", tenths / 10, tenths % 10)
}

/// Bars of entries per day; the accessible name says the total and the busiest day.
#[component]
fn Chart(
    /// Entries per day, oldest first.
    days: Vec<DailyActivity>,
) -> impl IntoView {
    const WIDTH: f64 = 600.0;
    const HEIGHT: f64 = 80.0;
    let summary = chart_summary(&days);
    let max = days.iter().map(|d| d.count).max().unwrap_or(0).max(1) as f64;
    let slot = WIDTH / days.len().max(1) as f64;
    let bars = days
        .into_iter()
        .enumerate()
        .map(|(i, day)| {
            let h = (day.count as f64 / max * HEIGHT).max(if day.count > 0 { 2.0 } else { 0.5 });
            view! {
                <rect x=tenths(i as f64 * slot + 1.0) y=tenths(HEIGHT - h)
                    width=tenths((slot - 2.0).max(1.0)) height=tenths(h)
                    class={if day.count > 0 { "bar" } else { "bar empty" }}>
                    <title>{format!("{}: {}", day.day, day.count)}</title>
                </rect>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {} {}", tenths(WIDTH), tenths(HEIGHT + 16.0)) role="img" aria-labelledby="chart-summary" preserveAspectRatio="none">
                {bars}
            </svg>
            <figcaption id="chart-summary" class="muted small">{summary}</figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_written_to_a_tenth() {
        assert_eq!(tenths(0.0), "0.0");
        assert_eq!(tenths(2.0), "2.0");
        assert_eq!(tenths(19.999), "20.0");
        assert_eq!(tenths(600.0 / 7.0), "85.7");
        assert_eq!(tenths(0.05), "0.1");
        assert_eq!(tenths(-3.0), "0.0");
    }

    fn day(day: &str, count: u64) -> DailyActivity {
        DailyActivity {
            day: day.into(),
            count,
        }
    }

    #[test]
    fn the_chart_says_the_total_and_the_busiest_day() {
        let days = [
            day("2026-11-22", 2),
            day("2026-11-23", 5),
            day("2026-11-24", 0),
        ];
        assert_eq!(
            chart_summary(&days),
            "Activity per day over the last 3 days: 7 entries; the busiest day was 2026-11-23 with 5."
        );
        assert_eq!(
            chart_summary(&[day("2026-11-24", 0)]),
            "Activity per day over the last 1 days: no entries."
        );
    }

    #[test]
    fn actors_are_listed_once_and_by_name() {
        let mut known = vec![("2".to_owned(), "Olga".to_owned())];
        merge_actors(
            &mut known,
            vec![("1".into(), "adam".into()), ("2".into(), "Olga".into())],
        );
        assert_eq!(
            known,
            [
                ("1".to_owned(), "adam".to_owned()),
                ("2".to_owned(), "Olga".to_owned())
            ]
        );
    }

    #[test]
    fn details_show_what_changed() {
        let entry = ActivityView {
            id: "x".into(),
            account_id: "01938f3e-7c1a-7000-8000-000000000002".parse().unwrap(),
            at: "2026-11-23T00:00:00Z".parse().unwrap(),
            actor: domain::api::ActorView {
                user_id: None,
                email: None,
                name: None,
                api_key_id: None,
            },
            event: Event::MemberRoleChanged,
            target: domain::api::TargetView {
                kind: "user".into(),
                id: "u".into(),
            },
            payload: serde_json::json!({ "role": { "from": "tech", "to": null }, "team_name": "Web" }),
        };
        assert_eq!(details(&entry), "role: tech → none; team name: Web");
    }
}
