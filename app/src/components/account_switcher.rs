//! The account switcher: the current account in the top bar, and a searchable
//! list of the personal account and every organization, usable by keyboard.

use super::badges::RoleBadge;
use crate::session::use_session;
use domain::api::AccountView;
use domain::AccountKind;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// The accounts whose name contains `query` (ignoring case), in list order.
pub fn filter_accounts(accounts: &[AccountView], query: &str) -> Vec<AccountView> {
    let query = query.trim().to_lowercase();
    accounts
        .iter()
        .filter(|a| query.is_empty() || a.name.to_lowercase().contains(&query))
        .cloned()
        .collect()
}

/// The next highlighted option after a key press, or `None` for keys it ignores.
pub fn move_highlight(key: &str, current: usize, n: usize) -> Option<usize> {
    match key {
        _ if n == 0 => None,
        "ArrowDown" => Some((current + 1).min(n - 1)),
        "ArrowUp" => Some(current.saturating_sub(1)),
        "Home" => Some(0),
        "End" => Some(n - 1),
        _ => None,
    }
}

fn initial(name: &str) -> String {
    name.chars()
        .next()
        .map(|c| c.to_uppercase().to_string())
        .unwrap_or_default()
}

/// The switcher button and its list.
#[component]
pub fn AccountSwitcher(
    /// The account the page acts in.
    #[prop(into)]
    current: Signal<Option<AccountView>>,
) -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let open = RwSignal::new(false);
    let query = RwSignal::new(String::new());
    let highlighted = RwSignal::new(0usize);
    let button_ref = NodeRef::<leptos::html::Button>::new();
    let search_ref = NodeRef::<leptos::html::Input>::new();
    let accounts = Memo::new(move |_| session.me().map(|me| me.accounts).unwrap_or_default());
    let shown = Memo::new(move |_| filter_accounts(&accounts.get(), &query.get()));

    let close = move |refocus: bool| {
        open.set(false);
        query.set(String::new());
        if refocus {
            if let Some(button) = button_ref.get_untracked() {
                let _ = button.focus();
            }
        }
    };
    let choose = {
        let navigate = navigate.clone();
        move |account: AccountView| {
            close(true);
            navigate(&format!("/a/{}", account.id), Default::default());
        }
    };
    let open_list = move || {
        let index = shown
            .get_untracked()
            .iter()
            .position(|a| Some(a.id) == current.get_untracked().map(|c| c.id))
            .unwrap_or(0);
        highlighted.set(index);
        open.set(true);
    };
    Effect::new(move |_| {
        if open.get() {
            if let Some(input) = search_ref.get() {
                let _ = input.focus();
            }
        }
    });
    let on_search_key = {
        let choose = choose.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            let key = ev.key();
            if let Some(next) = move_highlight(
                &key,
                highlighted.get_untracked(),
                shown.get_untracked().len(),
            ) {
                ev.prevent_default();
                highlighted.set(next);
            } else if key == "Enter" {
                ev.prevent_default();
                if let Some(account) = shown
                    .get_untracked()
                    .get(highlighted.get_untracked())
                    .cloned()
                {
                    choose(account);
                }
            } else if key == "Escape" {
                ev.prevent_default();
                close(true);
            } else if key == "Tab" {
                close(false);
            }
        }
    };

    view! {
        <div class="switcher">
            <button
                type="button"
                class="switcher-button"
                node_ref=button_ref
                aria-label="Switch account"
                aria-haspopup="listbox"
                aria-expanded=move || open.get().to_string()
                aria-controls="switcher-popover"
                on:click=move |_| if open.get_untracked() { close(false) } else { open_list() }
                on:keydown=move |ev| {
                    if matches!(ev.key().as_str(), "ArrowDown" | "ArrowUp") {
                        ev.prevent_default();
                        open_list();
                    }
                }
            >
                {move || match current.get() {
                    Some(account) => view! {
                        <span class="avatar" aria-hidden="true">{initial(&account.name)}</span>
                        <span class="switcher-name">{account.name.clone()}</span>
                        {match account.kind {
                            AccountKind::Personal => view! { <span class="badge kind-personal">"Personal"</span> }.into_any(),
                            AccountKind::Organization => view! { <RoleBadge role=account.role /> }.into_any(),
                        }}
                    }.into_any(),
                    None => view! { <span class="switcher-name">"Choose an account"</span> }.into_any(),
                }}
                <span class="chevron" aria-hidden="true">"▾"</span>
            </button>
            <Show when=move || open.get()>
                <div class="switcher-backdrop" on:click=move |_| close(false)></div>
                <div class="switcher-popover" id="switcher-popover">
                    <label for="switcher-search" class="sr-only">"Search accounts"</label>
                    <input
                        id="switcher-search"
                        type="search"
                        placeholder="Search accounts"
                        autocomplete="off"
                        role="combobox"
                        aria-expanded="true"
                        aria-controls="switcher-list"
                        aria-autocomplete="list"
                        aria-activedescendant=move || {
                            (!shown.get().is_empty()).then(|| format!("switcher-option-{}", highlighted.get()))
                        }
                        node_ref=search_ref
                        prop:value=move || query.get()
                        on:input=move |ev| {
                            query.set(event_target_value(&ev));
                            highlighted.set(0);
                        }
                        on:keydown=on_search_key.clone()
                    />
                    <ul id="switcher-list" role="listbox" aria-label="Accounts">
                        {
                            let choose = choose.clone();
                            move || {
                                let list = shown.get();
                                if list.is_empty() {
                                    return view! { <li class="switcher-empty">"No account matches."</li> }.into_any();
                                }
                                list.into_iter()
                                    .enumerate()
                                    .map(|(index, account)| {
                                        let choose = choose.clone();
                                        let is_current = current.get().is_some_and(|c| c.id == account.id);
                                        let chosen = account.clone();
                                        view! {
                                            <li
                                                id=format!("switcher-option-{index}")
                                                role="option"
                                                class="switcher-option"
                                                class:highlighted=move || highlighted.get() == index
                                                aria-selected=is_current.to_string()
                                                on:mousemove=move |_| highlighted.set(index)
                                                on:click=move |_| choose(chosen.clone())
                                            >
                                                <span class="avatar" aria-hidden="true">{initial(&account.name)}</span>
                                                <span class="option-name">{account.name.clone()}</span>
                                                {match account.kind {
                                                    AccountKind::Personal => view! { <span class="badge kind-personal">"Personal"</span> }.into_any(),
                                                    AccountKind::Organization => view! { <RoleBadge role=account.role /> }.into_any(),
                                                }}
                                                {is_current.then(|| view! { <span class="check" aria-hidden="true">"✓"</span> })}
                                            </li>
                                        }
                                    })
                                    .collect_view()
                                    .into_any()
                            }
                        }
                    </ul>
                </div>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlight_moves_within_bounds() {
        assert_eq!(move_highlight("ArrowDown", 0, 3), Some(1));
        assert_eq!(move_highlight("ArrowDown", 2, 3), Some(2));
        assert_eq!(move_highlight("ArrowUp", 0, 3), Some(0));
        assert_eq!(move_highlight("End", 0, 3), Some(2));
        assert_eq!(move_highlight("ArrowDown", 0, 0), None);
        assert_eq!(move_highlight("a", 0, 3), None);
    }
}
