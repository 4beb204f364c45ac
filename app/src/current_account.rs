//! The account the current page acts in (from `/a/{account_id}/…`), provided by
//! the account layout and read by every page inside it.

use domain::api::AccountView;
use leptos::prelude::*;

/// The account the current page acts in; `None` while the session loads.
#[derive(Clone, Copy)]
pub struct CurrentAccount(pub Memo<Option<AccountView>>);

/// Makes `account` the current account for everything below.
pub fn provide_current_account(account: Memo<Option<AccountView>>) {
    provide_context(CurrentAccount(account));
}

/// The current account (inside the account layout).
pub fn use_current_account() -> Memo<Option<AccountView>> {
    expect_context::<CurrentAccount>().0
}

/// Why the member may not do `permission` in the current account (the reason
/// `domain` gives), or `None` when they may.
pub fn use_denial(permission: domain::Permission) -> Memo<Option<String>> {
    let account = use_current_account();
    Memo::new(move |_| {
        account
            .get()
            .and_then(|a| domain::roles::decide(a.kind, a.role, permission).err())
            .map(|d| d.message)
    })
}
