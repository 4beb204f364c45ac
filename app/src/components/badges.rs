//! Role and status badges.

use domain::roles::AccountStatus;
use domain::OrgRole;
use leptos::prelude::*;

/// A member's role as a coloured badge.
#[component]
pub fn RoleBadge(
    /// The role to show.
    role: OrgRole,
) -> impl IntoView {
    view! { <span class=format!("badge role-{}", role.id())>{role.label()}</span> }
}

/// An account's status as a badge.
#[component]
pub fn StatusBadge(
    /// The status to show.
    status: AccountStatus,
) -> impl IntoView {
    let label = match status {
        AccountStatus::Active => "Active",
        AccountStatus::Suspended => "Suspended",
    };
    view! { <span class=format!("badge status-{}", status.id())>{label}</span> }
}
