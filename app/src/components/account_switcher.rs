//! The account switcher: the current account in the top bar, and a searchable
//! list of the personal account and every organization, usable by keyboard.

use super::badges::RoleBadge;
use crate::session::use_session;
use domain::api::AccountView;
use domain::AccountKind;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// The accounts in tree order — each organization followed by its
/// descendants (SPEC §17), the rest in list order — with their depth below
/// the top of the list.
pub fn tree_order(accounts: &[AccountView]) -> Vec<(AccountView, usize)> {
    fn visit(
        accounts: &[AccountView],
        at: usize,
        depth: usize,
        out: &mut Vec<(AccountView, usize)>,
    ) {
        let account = &accounts[at];
        if out.iter().any(|(a, _)| a.id == account.id) {
            return;
        }
        out.push((account.clone(), depth));
        for (i, child) in accounts.iter().enumerate() {
            if child.parent_id == Some(account.id) {
                visit(accounts, i, depth + 1, out);
            }
        }
    }
    let mut out = Vec::with_capacity(accounts.len());
    for (i, account) in accounts.iter().enumerate() {
        let parent_listed = account
            .parent_id
            .is_some_and(|p| accounts.iter().any(|a| a.id == p));
        if !parent_listed {
            visit(accounts, i, 0, &mut out);
        }
    }
    out
}

/// The accounts whose name contains `query` (ignoring case), in tree order
/// with their depth (a match keeps its indentation).
pub fn filter_accounts(accounts: &[AccountView], query: &str) -> Vec<(AccountView, usize)> {
    let query = query.trim().to_lowercase();
    tree_order(accounts)
        .into_iter()
        .filter(|(a, _)| query.is_empty() || a.name.to_lowercase().contains(&query))
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

/// What a key pressed in the search box does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyAction {
    /// Highlight this option.
    Highlight(usize),
    /// Open the highlighted account.
    Choose,
    /// Close the list; `refocus` puts the focus back on the button.
    Close { refocus: bool },
    /// Nothing: the key types into the search.
    None,
}

/// The action of `key` with option `highlighted` of `n` highlighted.
pub fn key_action(key: &str, highlighted: usize, n: usize) -> KeyAction {
    match (move_highlight(key, highlighted, n), key) {
        (Some(next), _) => KeyAction::Highlight(next),
        (None, "Enter") => KeyAction::Choose,
        (None, "Escape") => KeyAction::Close { refocus: true },
        (None, "Tab") => KeyAction::Close { refocus: false },
        _ => KeyAction::None,
    }
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
    let accounts = Memo::new(move |_| session.me().map(|me| me.accounts).unwrap_or_default());
    let shown = Memo::new(move |_| filter_accounts(&accounts.get(), &query.get()));
    let close = Callback::new(move |refocus: bool| {
        open.set(false);
        query.set(String::new());
        if refocus {
            if let Some(button) = button_ref.get_untracked() {
                let _ = button.focus();
            }
        }
    });
    let choose = Callback::new(move |account: AccountView| {
        close.run(true);
        navigate(&format!("/a/{}", account.id), Default::default());
    });
    let open_list = move || {
        let current = current.get_untracked().map(|c| c.id);
        let index = shown
            .get_untracked()
            .iter()
            .position(|(a, _)| Some(a.id) == current);
        highlighted.set(index.unwrap_or(0));
        open.set(true);
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
                on:click=move |_| if open.get_untracked() { close.run(false) } else { open_list() }
                on:keydown=move |ev| {
                    if matches!(ev.key().as_str(), "ArrowDown" | "ArrowUp") {
                        ev.prevent_default();
                        open_list();
                    }
                }
            >
                {move || match current.get() {
                    Some(account) => view! { <AccountLabel account name_class="switcher-name" /> }.into_any(),
                    None => view! { <span class="switcher-name">"Choose an account"</span> }.into_any(),
                }}
                <span class="chevron" aria-hidden="true">"▾"</span>
            </button>
            <Show when=move || open.get()>
                <div class="switcher-backdrop" on:click=move |_| close.run(false)></div>
                <SwitcherPopover current shown query highlighted on_choose=choose on_close=close />
            </Show>
        </div>
    }
}

/// The open switcher: the search box and the accounts that match it.
#[component]
fn SwitcherPopover(
    /// The account the page acts in.
    current: Signal<Option<AccountView>>,
    /// The accounts that match the search, with their depth.
    shown: Memo<Vec<(AccountView, usize)>>,
    /// The search, two-way.
    query: RwSignal<String>,
    /// The highlighted option, two-way.
    highlighted: RwSignal<usize>,
    /// Called with the account chosen.
    on_choose: Callback<AccountView>,
    /// Called to close the list (refocusing the button or not).
    on_close: Callback<bool>,
) -> impl IntoView {
    let search_ref = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        if let Some(input) = search_ref.get() {
            let _ = input.focus();
        }
    });
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let action = key_action(
            &ev.key(),
            highlighted.get_untracked(),
            shown.get_untracked().len(),
        );
        if !matches!(
            action,
            KeyAction::None | KeyAction::Close { refocus: false }
        ) {
            ev.prevent_default();
        }
        match action {
            KeyAction::Highlight(next) => highlighted.set(next),
            KeyAction::Choose => {
                if let Some((account, _)) = shown
                    .get_untracked()
                    .get(highlighted.get_untracked())
                    .cloned()
                {
                    on_choose.run(account);
                }
            }
            KeyAction::Close { refocus } => on_close.run(refocus),
            KeyAction::None => {}
        }
    };
    let options = move || {
        let list = shown.get();
        if list.is_empty() {
            return view! { <li class="switcher-empty">"No account matches."</li> }.into_any();
        }
        let current = current.get().map(|c| c.id);
        list.into_iter()
            .enumerate()
            .map(|(index, (account, depth))| {
                let is_current = current == Some(account.id);
                view! { <SwitcherOption index account depth is_current highlighted on_choose /> }
            })
            .collect_view()
            .into_any()
    };
    view! {
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
                aria-activedescendant=move || (!shown.get().is_empty()).then(|| format!("switcher-option-{}", highlighted.get()))
                node_ref=search_ref
                prop:value=move || query.get()
                on:input=move |ev| {
                    query.set(event_target_value(&ev));
                    highlighted.set(0);
                }
                on:keydown=on_key
            />
            <ul id="switcher-list" role="listbox" aria-label="Accounts">{options}</ul>
        </div>
    }
}

/// An account as the switcher shows it: initial, name, and role (or "Personal").
#[component]
fn AccountLabel(
    /// The account.
    account: AccountView,
    /// The class of the name.
    name_class: &'static str,
) -> impl IntoView {
    view! {
        <span class="avatar" aria-hidden="true">{initial(&account.name)}</span>
        <span class=name_class>{account.name.clone()}</span>
        {match account.kind {
            AccountKind::Personal => view! { <span class="badge kind-personal">"Personal"</span> }.into_any(),
            AccountKind::Organization => view! { <RoleBadge role=account.role /> }.into_any(),
        }}
    }
}

/// One option of the switcher's list.
#[component]
fn SwitcherOption(
    /// Its position in the list shown.
    index: usize,
    /// The account.
    account: AccountView,
    /// How far below the top of the list: a child organization is 1.
    depth: usize,
    /// Whether it is the account the page acts in.
    is_current: bool,
    /// The highlighted position.
    highlighted: RwSignal<usize>,
    /// Called when it is chosen.
    on_choose: Callback<AccountView>,
) -> impl IntoView {
    let chosen = account.clone();
    view! {
        <li
            id=format!("switcher-option-{index}")
            role="option"
            class=format!("switcher-option depth-{}", depth.min(2))
            class:highlighted=move || highlighted.get() == index
            aria-selected=is_current.to_string()
            on:mousemove=move |_| highlighted.set(index)
            on:click=move |_| on_choose.run(chosen.clone())
        >
            <AccountLabel account name_class="option-name" />
            {is_current.then(|| view! { <span class="check" aria-hidden="true">"✓"</span> })}
        </li>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(n: u128, name: &str, parent: Option<u128>) -> AccountView {
        let id = |n: u128| domain::AccountId::from_uuid(uuid::Uuid::from_u128(n));
        AccountView {
            id: id(n),
            kind: AccountKind::Organization,
            name: name.into(),
            slug: None,
            role: domain::OrgRole::Owner,
            status: domain::roles::AccountStatus::Active,
            region: None,
            plan: domain::Plan::DEFAULT_FOR_ORGANIZATION,
            credit_cents: 0,
            billing_address: None,
            require_two_factor: false,
            created_at: domain::Timestamp::from_millis(0),
            parent_id: parent.map(id),
            billing_mode: Default::default(),
            inherited_from: None,
        }
    }

    #[test]
    fn descendants_follow_their_parent_indented_and_searchable() {
        let accounts = [
            account(1, "Acme", None),
            account(4, "Labs Team", Some(3)),
            account(2, "Globex", None),
            account(3, "Acme Labs", Some(1)),
            account(5, "Orphan child", Some(99)),
        ];
        let ordered = tree_order(&accounts);
        let order: Vec<(&str, usize)> = ordered
            .iter()
            .map(|(a, depth)| (a.name.as_str(), *depth))
            .collect();
        assert_eq!(
            order,
            [
                ("Acme", 0),
                ("Acme Labs", 1),
                ("Labs Team", 2),
                ("Globex", 0),
                ("Orphan child", 0)
            ]
        );
        let found: Vec<(String, usize)> = filter_accounts(&accounts, "labs")
            .into_iter()
            .map(|(a, depth)| (a.name, depth))
            .collect();
        assert_eq!(
            found,
            [("Acme Labs".to_owned(), 1), ("Labs Team".to_owned(), 2)]
        );
    }

    #[test]
    fn highlight_moves_within_bounds() {
        assert_eq!(move_highlight("ArrowDown", 0, 3), Some(1));
        assert_eq!(move_highlight("ArrowDown", 2, 3), Some(2));
        assert_eq!(move_highlight("ArrowUp", 0, 3), Some(0));
        assert_eq!(move_highlight("End", 0, 3), Some(2));
        assert_eq!(move_highlight("ArrowDown", 0, 0), None);
        assert_eq!(move_highlight("a", 0, 3), None);
    }

    #[test]
    fn keys_in_the_search_box_move_choose_or_close() {
        assert_eq!(key_action("ArrowDown", 0, 3), KeyAction::Highlight(1));
        assert_eq!(key_action("Enter", 1, 3), KeyAction::Choose);
        assert_eq!(
            key_action("Escape", 1, 3),
            KeyAction::Close { refocus: true }
        );
        assert_eq!(key_action("Tab", 1, 3), KeyAction::Close { refocus: false });
        assert_eq!(key_action("a", 1, 3), KeyAction::None);
        // With nothing shown, arrows do nothing and Enter chooses nothing.
        assert_eq!(key_action("ArrowDown", 0, 0), KeyAction::None);
    }
}
