//! Teams of an organization and their members' team roles.

use super::accounts::AccountRow;
use super::pool::{Store, WriteTx};
use super::sql::{count, parse_opt, parsed, parsed_opt, placeholders, Columns};
use super::tx::{query, query_scalar};
use crate::error::ApiResult;
use domain::api::{TeamRoleView, TeamView};
use domain::{AccountId, TeamId, TeamRole, Timestamp, UserId};

/// The name of the team every organization starts with.
pub const FIRST_TEAM: &str = "My Team";

impl Store {
    /// The organization's teams, oldest first, with how many members each has.
    pub async fn list_teams(
        &self,
        account: &AccountRow,
        viewer: UserId,
    ) -> ApiResult<Vec<TeamView>> {
        let keep = self.keep_plan_for(account.members);
        let rows = sqlx::query(&Store::page_query(
            &format!("{TEAM_VIEW} WHERE t.account_id = $1 ORDER BY t.created_at, t.id"),
            keep,
        ))
        .persistent(keep)
        .bind(account.id.to_string())
        .bind(viewer.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(|row| team_from_row(row)).collect()
    }

    /// `user`'s team roles in `account`'s teams.
    pub async fn team_roles_of(
        &self,
        account: AccountId,
        user: UserId,
    ) -> ApiResult<Vec<(TeamId, TeamRole)>> {
        let rows = sqlx::query(
            "SELECT team_id, role FROM team_members WHERE account_id = $1 AND user_id = $2",
        )
        .bind(account.to_string())
        .bind(user.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| Ok((parsed(row, "team_id")?, parsed(row, "role")?)))
            .collect()
    }
}

/// A team as `$2` sees it.
const TEAM_VIEW: &str = "SELECT t.id, t.name,
    (SELECT COUNT(*) FROM team_members tm WHERE tm.team_id = t.id) AS members_count,
    (SELECT me.role FROM team_members me WHERE me.team_id = t.id AND me.user_id = $2) AS my_role
    FROM teams t";

fn team_from_row(row: &dyn Columns) -> ApiResult<TeamView> {
    Ok(TeamView {
        id: parsed(row, "id")?,
        name: row.get("name")?,
        members_count: count(row.get("members_count")?),
        my_role: parsed_opt(row, "my_role")?,
    })
}

/// A team and a role in it, from a row of `team_id`, `name` and `role` (the
/// teams of a page's members, of an invitation).
pub(super) fn team_role_from_row(row: &dyn Columns) -> ApiResult<TeamRoleView> {
    Ok(TeamRoleView {
        team_id: parsed(row, "team_id")?,
        name: row.get("name")?,
        role: parsed(row, "role")?,
    })
}

/// The organization's first team ("My Team").
pub async fn first_team(tx: &mut WriteTx, account: AccountId) -> ApiResult<Option<TeamId>> {
    let id: Option<String> =
        query_scalar("SELECT id FROM teams WHERE account_id = $1 ORDER BY created_at, id LIMIT 1")
            .bind(account.to_string())
            .fetch_optional(tx)
            .await?;
    parse_opt("id", id)
}

/// Which of `teams` belong to `account`.
pub async fn teams_of_account(
    tx: &mut WriteTx,
    account: AccountId,
    teams: &[TeamId],
) -> ApiResult<Vec<TeamId>> {
    if teams.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "SELECT id FROM teams WHERE account_id = $1 AND id IN ({})",
        placeholders(2, teams.len())
    );
    let mut q = query_scalar::<String>(sql).bind(account.to_string());
    for team in teams {
        q = q.bind(team.to_string());
    }
    q.fetch_all(tx)
        .await?
        .iter()
        .map(|id| super::sql::parse_column("id", id))
        .collect()
}

/// Puts `user` in `team` with `role` (an organization member already).
pub async fn add_team_member(
    tx: &mut WriteTx,
    account: AccountId,
    team: TeamId,
    user: UserId,
    role: TeamRole,
) -> ApiResult<()> {
    query(
        "INSERT INTO team_members (team_id, account_id, user_id, role) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
    )
    .bind(team.to_string())
    .bind(account.to_string())
    .bind(user.to_string())
    .bind(role.id())
    .execute(tx)
    .await?;
    Ok(())
}

/// The name of `team` if it belongs to `account`.
pub async fn team_name(
    tx: &mut WriteTx,
    account: AccountId,
    team: TeamId,
) -> ApiResult<Option<String>> {
    query_scalar("SELECT name FROM teams WHERE id = $1 AND account_id = $2")
        .bind(team.to_string())
        .bind(account.to_string())
        .fetch_optional(tx)
        .await
}

/// `user`'s role in `team`, if any.
pub async fn team_role(
    tx: &mut WriteTx,
    team: TeamId,
    user: UserId,
) -> ApiResult<Option<TeamRole>> {
    let role: Option<String> =
        query_scalar("SELECT role FROM team_members WHERE team_id = $1 AND user_id = $2")
            .bind(team.to_string())
            .bind(user.to_string())
            .fetch_optional(tx)
            .await?;
    parse_opt("role", role)
}

/// Creates an empty team.
pub async fn create_team(
    tx: &mut WriteTx,
    account: AccountId,
    name: &str,
    now: Timestamp,
) -> ApiResult<TeamId> {
    let id = TeamId::from_uuid(uuid::Uuid::now_v7());
    query("INSERT INTO teams (id, account_id, name, created_at) VALUES ($1, $2, $3, $4)")
        .bind(id.to_string())
        .bind(account.to_string())
        .bind(name)
        .bind(now.as_millis())
        .execute(tx)
        .await?;
    Ok(id)
}

pub async fn rename_team(tx: &mut WriteTx, team: TeamId, name: &str) -> ApiResult<()> {
    query("UPDATE teams SET name = $2 WHERE id = $1")
        .bind(team.to_string())
        .bind(name)
        .execute(tx)
        .await?;
    Ok(())
}

/// Deletes a team; its memberships and invitation places go with it.
pub async fn delete_team(tx: &mut WriteTx, team: TeamId) -> ApiResult<()> {
    query("DELETE FROM teams WHERE id = $1")
        .bind(team.to_string())
        .execute(tx)
        .await?;
    Ok(())
}

/// Sets `user`'s role in `team`, adding them if needed.
pub async fn set_team_member(
    tx: &mut WriteTx,
    account: AccountId,
    team: TeamId,
    user: UserId,
    role: TeamRole,
) -> ApiResult<()> {
    query(
        "INSERT INTO team_members (team_id, account_id, user_id, role) VALUES ($1, $2, $3, $4)
         ON CONFLICT (team_id, user_id) DO UPDATE SET role = excluded.role",
    )
    .bind(team.to_string())
    .bind(account.to_string())
    .bind(user.to_string())
    .bind(role.id())
    .execute(tx)
    .await?;
    Ok(())
}

pub async fn remove_team_member(tx: &mut WriteTx, team: TeamId, user: UserId) -> ApiResult<()> {
    query("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2")
        .bind(team.to_string())
        .bind(user.to_string())
        .execute(tx)
        .await?;
    Ok(())
}

/// A team as `viewer` sees it, read inside the transaction.
pub async fn team_view(tx: &mut WriteTx, team: TeamId, viewer: UserId) -> ApiResult<TeamView> {
    let row = query(format!("{TEAM_VIEW} WHERE t.id = $1"))
        .bind(team.to_string())
        .bind(viewer.to_string())
        .fetch_one(tx)
        .await?;
    team_from_row(&row)
}

/// The teams where `user` may be offered to create: every team of `account` with
/// `user`'s role in it (if any), read inside the transaction that holds the
/// account's lock (a second pool connection here could starve the pool under load).
pub async fn teams_with_roles(
    tx: &mut WriteTx,
    account: AccountId,
    user: UserId,
) -> ApiResult<Vec<(TeamId, Option<TeamRole>)>> {
    let rows = query(
        "SELECT t.id, tm.role FROM teams t
         LEFT JOIN team_members tm ON tm.team_id = t.id AND tm.user_id = $2
         WHERE t.account_id = $1 ORDER BY t.created_at, t.id",
    )
    .bind(account.to_string())
    .bind(user.to_string())
    .fetch_all(tx)
    .await?;
    rows.iter()
        .map(|row| Ok((parsed(row, "id")?, parsed_opt(row, "role")?)))
        .collect()
}
