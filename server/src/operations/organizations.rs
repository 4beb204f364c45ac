//! Creating an organization, from the organizations page or at registration.

use super::account_tx::Change;
use crate::error::{ApiError, ApiResult};
use crate::store::accounts::{count_organizations, insert_account, insert_membership, slugs_like};
use crate::store::auth::lock_user;
use crate::store::teams::{create_team, set_team_member, FIRST_TEAM};
use crate::store::{NewAccount, Target, WriteTx};
use domain::activity::Event;
use domain::api::NewOrganization;
use domain::hierarchy::BillingMode;
use domain::roles::AccountStatus;
use domain::rules::{check_join, Limits};
use domain::text::{slug_base, slug_with_suffix};
use domain::{AccountId, AccountKind, OrgRole, Plan, TeamRole, Timestamp, UserId};
use serde_json::json;

/// Creates an organization owned by `owner`, with "My Team", inside `tx`, and
/// returns it with the change to record in its log; `under` makes it a child
/// (SPEC §17) with its billing mode. Refuses a top-level organization with
/// `org_limit_reached` when the owner is at the limit (children do not count);
/// the owner's row lock makes concurrent creations count one after another.
pub async fn create_organization(
    tx: &mut WriteTx,
    limits: Limits,
    owner: UserId,
    organization: &NewOrganization,
    under: Option<(AccountId, BillingMode)>,
    now: Timestamp,
) -> ApiResult<(AccountId, Change)> {
    lock_user(tx, owner).await?;
    if under.is_none() {
        check_join(count_organizations(tx, owner).await?, limits)?;
    }
    let base = slug_base(organization.name.as_str());
    let id = AccountId::from_uuid(uuid::Uuid::now_v7());
    let mut slug = None;
    // Another process may take the chosen slug between the look-up and the insert.
    for _ in 0..10 {
        let taken = slugs_like(tx, &base).await?;
        let candidate = (1..)
            .map(|n| slug_with_suffix(&base, n))
            .find(|s| !taken.contains(s))
            .unwrap_or_else(|| base.clone());
        let account = NewAccount {
            id,
            kind: AccountKind::Organization,
            name: organization.name.as_str(),
            slug: Some(&candidate),
            personal_user_id: None,
            status: AccountStatus::Suspended,
            plan: Plan::DEFAULT_FOR_ORGANIZATION,
            region: Some(organization.region),
            billing_address: Some(&organization.billing_address),
            parent: under,
        };
        if insert_account(tx, &account, now).await? {
            slug = Some(candidate);
            break;
        }
    }
    let slug = slug.ok_or_else(|| ApiError::Internal(format!("no free slug for {base}")))?;
    insert_membership(tx, id, owner, OrgRole::Owner, now).await?;
    let team = create_team(tx, id, FIRST_TEAM, now).await?;
    set_team_member(tx, id, team, owner, TeamRole::TeamAdmin).await?;
    let change = Change::new(
        Event::OrgCreated,
        Target::Account(AccountKind::Organization, id),
        json!({
            "name": organization.name.as_str(),
            "slug": slug,
            "region": organization.region.id(),
            "first_team": team.to_string(),
            "parent_id": under.map(|(p, _)| p.to_string()),
            "billing": under.map(|(_, b)| b),
        }),
    );
    Ok((id, change))
}
