//! `/a/{account_id}/…`: the frame of every page that acts in an account — the
//! top bar, the section navigation and the page.

use crate::components::top_bar::TopBar;
use crate::components::two_factor_required::{blocked_by_policy, TwoFactorRequired};
use crate::components::verify_banner::VerifyBanner;
use crate::current_account::{provide_current_account, use_current_account};
use crate::session::{use_session, SessionState};
use domain::roles::AccountStatus;
use domain::{AccountId, AccountKind};
use leptos::prelude::*;
use leptos_router::components::Outlet;
use leptos_router::hooks::{use_location, use_navigate, use_params_map};
use leptos_router::NavigateOptions;

#[derive(Clone, Debug, PartialEq)]
enum Frame {
    Loading,
    Failed(String),
    Offline,
    Missing,
    Ready,
}

/// The sections of an account, by kind: (label, path segment).
pub fn sections(kind: AccountKind) -> &'static [(&'static str, &'static str)] {
    match kind {
        AccountKind::Personal => &[
            ("Organizations", "organizations"),
            ("Instances", "instances"),
            ("Invitations", "invitations"),
            ("Billing", "billing"),
            ("API keys", "api-keys"),
            ("Activity", "activity"),
            ("Settings", "settings"),
            ("Security", "security"),
            ("Two-factor", "two-factor"),
        ],
        AccountKind::Organization => &[
            ("Members", "members"),
            ("Teams", "teams"),
            ("Instances", "instances"),
            ("Invitations", "invitations"),
            ("Billing", "billing"),
            ("API keys", "api-keys"),
            ("Activity", "activity"),
            ("Role preview", "roles"),
            ("Hierarchy", "hierarchy"),
            ("Domains", "domains"),
            ("Settings", "settings"),
        ],
    }
}

/// Top bar, navigation and the routed page.
#[component]
pub fn AccountLayout() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let params = use_params_map();
    let account_id = Memo::new(move |_| {
        params
            .read()
            .get("account_id")
            .and_then(|id| id.parse::<AccountId>().ok())
    });
    let account = Memo::new(move |_| account_id.get().and_then(|id| session.account(id)));
    provide_current_account(account);
    // Inside an organization that requires two-factor, without it: the notice.
    let blocked = Memo::new(move |_| {
        let has_two_factor = session.me().is_some_and(|me| me.user.two_factor.enabled);
        account
            .get()
            .and_then(|a| blocked_by_policy(&a, has_two_factor).map(|reason| (a, reason)))
    });
    let frame = Memo::new(move |_| match session.state.get() {
        SessionState::Loading | SessionState::SignedOut => Frame::Loading,
        SessionState::Failed(crate::api::ApiError::Offline) => Frame::Offline,
        SessionState::Failed(error) => Frame::Failed(error.message()),
        SessionState::SignedIn(_) if account.with(Option::is_some) => Frame::Ready,
        SessionState::SignedIn(_) => Frame::Missing,
    });
    Effect::new(move |_| {
        if session.state.get() == SessionState::SignedOut {
            navigate(
                "/login",
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    view! {
        <div class="shell">
            <TopBar current=account />
            {move || match frame.get() {
                Frame::Loading => view! {
                    <div class="with-nav">
                        <nav class="sidenav skeleton" aria-hidden="true"></nav>
                        <main class="content"><div class="skeleton block" aria-busy="true"></div></main>
                    </div>
                }.into_any(),
                Frame::Failed(message) => view! {
                    <main class="content centered">
                        <div class="panel error-state">
                            <h1>"Orgspace is unreachable"</h1>
                            <p>{message}</p>
                            <button class="button primary" on:click=move |_| session.refresh()>"Try again"</button>
                        </div>
                    </main>
                }.into_any(),
                Frame::Offline => view! {
                    <main class="content centered">
                        <div class="panel error-state offline-state" role="status">
                            <h1>"You are offline"</h1>
                            <p>"Orgspace cannot reach its server. This page loads by itself when the connection returns; the role preview works offline."</p>
                            <div class="actions">
                                <a class="button secondary" href="/roles">"Open the role preview"</a>
                                <button class="button primary" on:click=move |_| session.refresh()>"Try again"</button>
                            </div>
                        </div>
                    </main>
                }.into_any(),
                Frame::Missing => view! {
                    <main class="content centered">
                        <div class="panel">
                            <h1>"Account not found"</h1>
                            <p>"This account does not exist, or you are not a member of it."</p>
                            <a class="button primary" href="/">"Go to your personal account"</a>
                        </div>
                    </main>
                }.into_any(),
                Frame::Ready => view! {
                    <div class="with-nav">
                        <SideNav />
                        <main class="content">
                            <crate::network::OfflineBanner />
                            <VerifyBanner />
                            <SuspendedBanner />
                            <Show
                                when=move || blocked.with(Option::is_none)
                                fallback=move || blocked.get().map(|(account, reason)| view! { <TwoFactorRequired account reason /> })
                            >
                                <Outlet />
                            </Show>
                        </main>
                    </div>
                }.into_any(),
            }}
        </div>
    }
}

/// Tells, in a suspended account, what suspended means and what to do.
#[component]
fn SuspendedBanner() -> impl IntoView {
    let account = use_current_account();
    let suspended = move || {
        account
            .get()
            .is_some_and(|a| a.status == AccountStatus::Suspended)
    };
    let can_pay = move || {
        account.get().is_some_and(|a| {
            domain::roles::decide(a.kind, a.role, domain::Permission::ManageBilling).is_ok()
        })
    };
    let billing_href = move || {
        account
            .get()
            .map(|a| format!("/a/{}/billing", a.id))
            .unwrap_or_default()
    };
    view! {
        <Show when=suspended>
            <div class="alert warning banner" role="region" aria-label="Account status">
                <p>
                    <strong>"This account is suspended. Add funds to create resources."</strong>
                    " You can still view and configure it and manage its members."
                </p>
                {move || if can_pay() {
                    view! { <a class="button primary small" href=billing_href>"Add funds"</a> }.into_any()
                } else {
                    view! { <p class="muted">"An Owner or Admin can add funds on the Billing page."</p> }.into_any()
                }}
            </div>
        </Show>
    }
}

/// The account's sections.
#[component]
fn SideNav() -> impl IntoView {
    let account = use_current_account();
    let location = use_location();
    view! {
        <nav class="sidenav" aria-label="Sections">
            {move || account.get().map(|account| {
                let heading = match account.kind {
                    AccountKind::Personal => "Personal account",
                    AccountKind::Organization => "Organization",
                };
                view! {
                    <p class="nav-heading">{heading}</p>
                    <ul>
                        {sections(account.kind).iter().map(|(label, segment)| {
                            let href = format!("/a/{}/{segment}", account.id);
                            let current = {
                                let href = href.clone();
                                move || (location.pathname.get() == href).then_some("page")
                            };
                            view! { <li><a href=href aria-current=current>{*label}</a></li> }
                        }).collect_view()}
                    </ul>
                }
            })}
        </nav>
    }
}

/// `/a/{id}`: opens the account's first section.
#[component]
pub fn AccountHome() -> impl IntoView {
    let account = use_current_account();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(account) = account.get() {
            let first = sections(account.kind)[0].1;
            navigate(
                &format!("/a/{}/{first}", account.id),
                NavigateOptions {
                    replace: true,
                    ..Default::default()
                },
            );
        }
    });
    view! { <div class="skeleton block" aria-busy="true"></div> }
}
