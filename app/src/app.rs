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
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    provide_session();
    crate::network::provide_network();
    provide_toasts();
    view! {
        <Router>
            <ForgetOpeningReads />
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=RootPage />
                <Route path=path!("/login") view=LoginPage />
                <Route path=path!("/register") view=RegisterPage />
                <Route path=path!("/verify-email") view=VerifyEmailPage />
                <Route path=path!("/forgot-password") view=ForgotPasswordPage />
                <Route path=path!("/reset-password") view=ResetPasswordPage />
                <Route path=path!("/sso/error") view=SsoErrorPage />
                <Route path=path!("/roles") view=RolePreviewPage />
                <Route path=path!("/invitations/accept") view=AcceptInvitationPage />
                <ParentRoute path=path!("/a/:account_id") view=AccountLayout>
                    <Route path=path!("") view=AccountHome />
                    <Route path=path!("organizations") view=OrganizationsPage />
                    <Route path=path!("members") view=MembersPage />
                    <Route path=path!("invitations") view=InvitationsPage />
                    <Route path=path!("teams") view=TeamsPage />
                    <Route path=path!("instances") view=InstancesPage />
                    <Route path=path!("roles") view=OrgRolePreviewPage />
                    <Route path=path!("billing") view=BillingPage />
                    <Route path=path!("api-keys") view=ApiKeysPage />
                    <Route path=path!("activity") view=ActivityPage />
                    <Route path=path!("settings") view=SettingsPage />
                    <Route path=path!("domains") view=DomainsPage />
                    <Route path=path!("hierarchy") view=HierarchyPage />
                    <Route path=path!("security") view=SecurityPage />
                    <Route path=path!("two-factor") view=TwoFactorPage />
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
