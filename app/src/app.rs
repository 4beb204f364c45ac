//! The router: which page answers which path.

use crate::pages::accept_invitation_page::AcceptInvitationPage;
use crate::pages::account_layout::{AccountHome, AccountLayout};
use crate::pages::activity_page::ActivityPage;
use crate::pages::api_keys_page::ApiKeysPage;
use crate::pages::billing_page::BillingPage;
use crate::pages::domains_page::DomainsPage;
use crate::pages::forgot_password_page::ForgotPasswordPage;
use crate::pages::hierarchy_page::HierarchyPage;
use crate::pages::instances_page::InstancesPage;
use crate::pages::invitations_page::InvitationsPage;
use crate::pages::login_page::LoginPage;
use crate::pages::members_page::MembersPage;
use crate::pages::not_found_page::NotFoundPage;
use crate::pages::organizations_page::OrganizationsPage;
use crate::pages::register_page::RegisterPage;
use crate::pages::reset_password_page::ResetPasswordPage;
use crate::pages::role_preview_page::{OrgRolePreviewPage, RolePreviewPage};
use crate::pages::root_page::RootPage;
use crate::pages::security_page::SecurityPage;
use crate::pages::settings_page::SettingsPage;
use crate::pages::sso_error_page::SsoErrorPage;
use crate::pages::teams_page::TeamsPage;
use crate::pages::two_factor_page::TwoFactorPage;
use crate::pages::verify_email_page::VerifyEmailPage;
use crate::session::provide_session;
use crate::toast::{provide_toasts, ToastRegion};
use leptos::prelude::*;
use leptos::wasm_split::{wasm_split, SplitLoaderError};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

// The pages that load with the app (the shell, the role preview that works
// offline, "Page not found") are called directly; every other page is in a
// separately loaded part of the wasm (`tools/split-wasm.mjs` cuts it at these
// `wasm_split` points after the build): `members` (an organization's first
// page), `auth` (signing in and up, invitations) and `pages` (the rest), each
// downloaded when a page of it first opens. Issue 18: the module a browser
// downloads first went from 432 KB to 204 KB (brotli).

/// `group (preload): function => Page, …;` — for each page, an async function
/// giving its view from the group's part of the wasm (`wasm_split`, `fallible`:
/// a part that cannot be downloaded is an `Err`, not an abort); `preload` starts
/// downloading the group's part without making a view. `PAGES` lists each
/// function's group for the tests.
macro_rules! on_demand {
    ($($group:ident ($preload:ident): $first:ident => $first_page:ident $(, $name:ident => $page:ident)*;)+) => {
        $(
            #[wasm_split($group, wasm_split_path = ::leptos::wasm_split, fallible, preload($preload))]
            fn $first() -> Result<AnyView, SplitLoaderError> {
                Ok(view! { <$first_page /> }.into_any())
            }
            $(
                #[wasm_split($group, wasm_split_path = ::leptos::wasm_split, fallible)]
                fn $name() -> Result<AnyView, SplitLoaderError> {
                    Ok(view! { <$page /> }.into_any())
                }
            )*
        )+
        #[cfg(test)]
        const PAGES: &[(&str, Part)] = &[$(
            (stringify!($first), Part::from_group(stringify!($group))),
            $((stringify!($name), Part::from_group(stringify!($group))),)*
        )+];
    };
}

on_demand! {
    members (preload_members):
        members_page => MembersPage;
    auth (preload_auth):
        login_page => LoginPage,
        register_page => RegisterPage,
        verify_email_page => VerifyEmailPage,
        forgot_password_page => ForgotPasswordPage,
        reset_password_page => ResetPasswordPage,
        sso_error_page => SsoErrorPage,
        accept_invitation_page => AcceptInvitationPage;
    pages (preload_pages):
        organizations_page => OrganizationsPage,
        invitations_page => InvitationsPage,
        teams_page => TeamsPage,
        instances_page => InstancesPage,
        billing_page => BillingPage,
        api_keys_page => ApiKeysPage,
        activity_page => ActivityPage,
        settings_page => SettingsPage,
        domains_page => DomainsPage,
        hierarchy_page => HierarchyPage,
        security_page => SecurityPage,
        two_factor_page => TwoFactorPage;
}

/// The parts of the wasm a page can be in, by `on_demand!` group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Members,
    Auth,
    Pages,
}

impl Part {
    #[cfg(test)]
    const fn from_group(group: &str) -> Self {
        match group.as_bytes() {
            b"members" => Self::Members,
            b"auth" => Self::Auth,
            b"pages" => Self::Pages,
            _ => panic!("a group without a part"),
        }
    }

    /// The part the page at `path` is in, if it is not in the main module: the
    /// routes below, read as paths (a test holds the two together).
    fn of_path(path: &str) -> Option<Self> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match segments.as_slice() {
            ["login" | "register" | "verify-email" | "forgot-password" | "reset-password"]
            | ["sso", "error"]
            | ["invitations", "accept"] => Some(Self::Auth),
            ["a", _, "members"] => Some(Self::Members),
            ["a", _, "organizations" | "invitations" | "teams" | "instances" | "billing" | "api-keys"
            | "activity" | "settings" | "domains" | "hierarchy" | "security" | "two-factor"] => {
                Some(Self::Pages)
            }
            _ => None,
        }
    }
}

/// Starts downloading the part of the wasm the page the browser opened is in,
/// so that it arrives while the frame loads who is signed in (issue 18: the
/// page's route asks for it only once the frame is ready, 150–200 ms later on
/// loopback). The route's own request for the part then joins this download;
/// a download that fails here is tried again there, and shown there.
fn preload_opening_part() {
    let Some(path) = web_sys::window().and_then(|window| window.location().pathname().ok()) else {
        return;
    };
    let Some(part) = Part::of_path(&path) else {
        return;
    };
    leptos::task::spawn_local(async move {
        // Failing here is not an answer: the route asks again.
        let _ = match part {
            Part::Members => preload_members().await,
            Part::Auth => preload_auth().await,
            Part::Pages => preload_pages().await,
        };
    });
}

/// A page from a part of the wasm loaded on demand, or why it did not load.
fn page(loaded: Result<AnyView, SplitLoaderError>) -> AnyView {
    match loaded {
        Ok(page) => page,
        // A `div`: inside an account the layout's `main` holds it already.
        Err(_) => view! {
            <div class="centered">
                <div class="panel error-state" role="alert">
                    <h1>"This page did not load"</h1>
                    <p>"Orgspace could not download this part of the app. Check your connection, then reload the page."</p>
                </div>
            </div>
        }
        .into_any(),
    }
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    provide_session();
    crate::network::provide_network();
    provide_toasts();
    preload_opening_part();
    view! {
        <Router>
            <ForgetOpeningReads />
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=RootPage />
                <Route path=path!("/login") view=|| Suspend::new(async { page(login_page().await) }) />
                <Route path=path!("/register") view=|| Suspend::new(async { page(register_page().await) }) />
                <Route path=path!("/verify-email") view=|| Suspend::new(async { page(verify_email_page().await) }) />
                <Route path=path!("/forgot-password") view=|| Suspend::new(async { page(forgot_password_page().await) }) />
                <Route path=path!("/reset-password") view=|| Suspend::new(async { page(reset_password_page().await) }) />
                <Route path=path!("/sso/error") view=|| Suspend::new(async { page(sso_error_page().await) }) />
                <Route path=path!("/roles") view=RolePreviewPage />
                <Route path=path!("/invitations/accept") view=|| Suspend::new(async { page(accept_invitation_page().await) }) />
                <ParentRoute path=path!("/a/:account_id") view=AccountLayout>
                    <Route path=path!("") view=AccountHome />
                    <Route path=path!("organizations") view=|| Suspend::new(async { page(organizations_page().await) }) />
                    <Route path=path!("members") view=|| Suspend::new(async { page(members_page().await) }) />
                    <Route path=path!("invitations") view=|| Suspend::new(async { page(invitations_page().await) }) />
                    <Route path=path!("teams") view=|| Suspend::new(async { page(teams_page().await) }) />
                    <Route path=path!("instances") view=|| Suspend::new(async { page(instances_page().await) }) />
                    <Route path=path!("roles") view=OrgRolePreviewPage />
                    <Route path=path!("billing") view=|| Suspend::new(async { page(billing_page().await) }) />
                    <Route path=path!("api-keys") view=|| Suspend::new(async { page(api_keys_page().await) }) />
                    <Route path=path!("activity") view=|| Suspend::new(async { page(activity_page().await) }) />
                    <Route path=path!("settings") view=|| Suspend::new(async { page(settings_page().await) }) />
                    <Route path=path!("domains") view=|| Suspend::new(async { page(domains_page().await) }) />
                    <Route path=path!("hierarchy") view=|| Suspend::new(async { page(hierarchy_page().await) }) />
                    <Route path=path!("security") view=|| Suspend::new(async { page(security_page().await) }) />
                    <Route path=path!("two-factor") view=|| Suspend::new(async { page(two_factor_page().await) }) />
                </ParentRoute>
            </Routes>
        </Router>
        <ToastRegion />
    }
}

/// Drops the opening page's first reads (`opening.rs`) once the app leaves the
/// page it opened at: coming back later must ask the server again.
#[component]
fn ForgetOpeningReads() -> impl IntoView {
    let location = use_location();
    Effect::new(move |opened_at: Option<String>| {
        let path = location.pathname.get();
        match opened_at {
            Some(opened_at) if opened_at != path => {
                crate::opening::forget();
                opened_at
            }
            Some(opened_at) => opened_at,
            None => path,
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each `<Route>` of [`App`], read from this file: its whole path (a child
    /// of the account layout under `/a/{id}`) and the function it loads its
    /// page through, if any.
    fn routes() -> Vec<(String, Option<String>)> {
        let source = include_str!("app.rs");
        let app = &source[source.find("pub fn App()").unwrap()..];
        let app = &app[..app.find("</Router>").unwrap()];
        let mut under = "";
        let mut routes = Vec::new();
        for line in app.lines().map(str::trim) {
            if line.starts_with("<ParentRoute") {
                under = "/a/0190f3a2-0000-7000-8000-000000000001";
            } else if line.starts_with("</ParentRoute>") {
                under = "";
            }
            if !line.starts_with("<Route ") {
                continue;
            }
            let path = line
                .split("path!(\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap();
            let path = match (under, path) {
                ("", path) => path.to_owned(),
                (under, "") => under.to_owned(),
                (under, path) => format!("{under}/{path}"),
            };
            let loaded = line
                .split("{ page(")
                .nth(1)
                .map(|call| call.split("().await").next().unwrap().to_owned());
            routes.push((path, loaded));
        }
        routes
    }

    #[test]
    fn every_route_s_path_names_the_part_its_page_is_in() {
        let routes = routes();
        assert_eq!(routes.len(), 24, "{routes:?}");
        for (path, loaded) in &routes {
            let part = loaded.as_ref().map(|function| {
                PAGES
                    .iter()
                    .find(|(name, _)| name == function)
                    .unwrap_or_else(|| panic!("{function} is not in on_demand!"))
                    .1
            });
            assert_eq!(Part::of_path(path), part, "{path}");
            assert_eq!(Part::of_path(&format!("{path}/")), part, "{path}/");
        }
        for (function, _) in PAGES {
            assert!(
                routes
                    .iter()
                    .any(|(_, loaded)| loaded.as_deref() == Some(*function)),
                "no route loads {function}"
            );
        }
    }

    #[test]
    fn a_path_no_route_has_needs_no_part() {
        for path in [
            "/",
            "/a",
            "/a/x/members/y",
            "/members",
            "/sso",
            "/logins",
            "/a/x/roles",
        ] {
            assert_eq!(Part::of_path(path), None, "{path}");
        }
    }
}
