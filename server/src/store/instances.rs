//! Instances (SPEC §9). Who may see or change which instance is decided by
//! `domain::resources`; these functions only read and write rows.

use super::members::placeholders;
use super::{parsed, Store, WriteTx};
use crate::error::ApiResult;
use domain::api::InstanceView;
use domain::resources::InstanceName;
use domain::{AccountId, InstanceId, Region, TeamId, TeamRole, Timestamp, UserId};
use sqlx::any::AnyRow;
use sqlx::Row;

const COLUMNS: &str =
    "i.id, i.name, i.size, i.team_id, t.name AS team_name, i.region, i.created_at";

fn view(row: &AnyRow) -> ApiResult<InstanceView> {
    let team_id: Option<String> = row.try_get("team_id")?;
    let region: Option<String> = row.try_get("region")?;
    Ok(InstanceView {
        id: parsed(row, "id")?,
        name: row.try_get("name")?,
        size: parsed(row, "size")?,
        team_id: team_id.and_then(|id| id.parse().ok()),
        team_name: row.try_get("team_name")?,
        region: region.and_then(|r| r.parse().ok()),
        created_at: Timestamp::from_millis(row.try_get("created_at")?),
    })
}

/// Which instances a list shows.
#[derive(Debug, Clone)]
pub enum Visible {
    /// Every instance of the account.
    All,
    /// Only those of these teams.
    Teams(Vec<TeamId>),
}

impl Store {
    /// A page of instances, oldest first, after `after`; `limit + 1` rows are read
    /// to know whether more follow.
    pub async fn list_instances(
        &self,
        account: AccountId,
        visible: &Visible,
        team: Option<TeamId>,
        after: Option<InstanceId>,
        limit: usize,
    ) -> ApiResult<Vec<InstanceView>> {
        let mut sql = format!(
            "SELECT {COLUMNS} FROM instances i LEFT JOIN teams t ON t.id = i.team_id WHERE i.account_id = $1"
        );
        let mut binds = vec![account.to_string()];
        if let Visible::Teams(teams) = visible {
            if teams.is_empty() {
                return Ok(Vec::new());
            }
            sql.push_str(&format!(
                " AND i.team_id IN ({})",
                placeholders(binds.len() + 1, teams.len())
            ));
            binds.extend(teams.iter().map(ToString::to_string));
        }
        if let Some(team) = team {
            binds.push(team.to_string());
            sql.push_str(&format!(" AND i.team_id = ${}", binds.len()));
        }
        if let Some(after) = after {
            binds.push(after.to_string());
            sql.push_str(&format!(" AND i.id > ${}", binds.len()));
        }
        sql.push_str(&format!(" ORDER BY i.id LIMIT {}", limit + 1));
        let keep = self.keep_plan(account).await?;
        let sql = Store::page_query(&sql, keep);
        let mut query = sqlx::query(&sql).persistent(keep);
        for bind in binds {
            query = query.bind(bind);
        }
        query
            .fetch_all(self.pool())
            .await?
            .iter()
            .map(view)
            .collect()
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

/// The teams where `user` may be offered to create: every team of `account` with
/// `user`'s role in it (if any), read inside the transaction that holds the
/// account's lock (a second pool connection here could starve the pool under load).
pub async fn teams_with_roles(
    tx: &mut WriteTx,
    account: AccountId,
    user: UserId,
) -> ApiResult<Vec<(TeamId, Option<TeamRole>)>> {
    let rows = sqlx::query(
        "SELECT t.id, tm.role FROM teams t
         LEFT JOIN team_members tm ON tm.team_id = t.id AND tm.user_id = $2
         WHERE t.account_id = $1 ORDER BY t.created_at, t.id",
    )
    .bind(account.to_string())
    .bind(user.to_string())
    .fetch_all(tx.conn())
    .await?;
    rows.iter()
        .map(|row| {
            let role: Option<String> = row.try_get("role")?;
            Ok((parsed(row, "id")?, role.and_then(|r| r.parse().ok())))
        })
        .collect()
}

/// An instance's team, if the instance is in `account` (`Some(None)` for a
/// personal account's instance).
pub async fn instance_team(
    tx: &mut WriteTx,
    account: AccountId,
    instance: InstanceId,
) -> ApiResult<Option<(String, Option<TeamId>)>> {
    let row = sqlx::query("SELECT name, team_id FROM instances WHERE id = $1 AND account_id = $2")
        .bind(instance.to_string())
        .bind(account.to_string())
        .fetch_optional(tx.conn())
        .await?;
    row.map(|row| {
        let team: Option<String> = row.try_get("team_id")?;
        Ok((row.try_get("name")?, team.and_then(|t| t.parse().ok())))
    })
    .transpose()
}

/// Whether `account` already has an instance called `name`.
pub async fn name_taken(tx: &mut WriteTx, account: AccountId, name: &str) -> ApiResult<bool> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM instances WHERE account_id = $1 AND name = $2")
            .bind(account.to_string())
            .bind(name)
            .fetch_one(tx.conn())
            .await?;
    Ok(n > 0)
}

/// How many instances `team` owns.
pub async fn count_in_team(tx: &mut WriteTx, team: TeamId) -> ApiResult<u64> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM instances WHERE team_id = $1")
        .bind(team.to_string())
        .fetch_one(tx.conn())
        .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// What a new instance is made of.
pub struct NewInstanceRow<'a> {
    pub account: AccountId,
    pub team: Option<TeamId>,
    pub name: &'a InstanceName,
    pub size: domain::resources::InstanceSize,
    pub region: Option<Region>,
    pub created_by: UserId,
}

/// Inserts an instance and returns it as listed.
pub async fn create_instance(
    tx: &mut WriteTx,
    new: NewInstanceRow<'_>,
    now: Timestamp,
) -> ApiResult<InstanceView> {
    let id = InstanceId::from_uuid(uuid::Uuid::now_v7());
    sqlx::query(
        "INSERT INTO instances (id, account_id, team_id, name, size, region, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(id.to_string())
    .bind(new.account.to_string())
    .bind(new.team.map(|t| t.to_string()))
    .bind(new.name.as_str())
    .bind(new.size.id())
    .bind(new.region.map(|r| r.id()))
    .bind(new.created_by.to_string())
    .bind(now.as_millis())
    .execute(tx.conn())
    .await?;
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM instances i LEFT JOIN teams t ON t.id = i.team_id WHERE i.id = $1"
    ))
    .bind(id.to_string())
    .fetch_one(tx.conn())
    .await?;
    view(&row)
}

pub async fn delete_instance(tx: &mut WriteTx, instance: InstanceId) -> ApiResult<()> {
    sqlx::query("DELETE FROM instances WHERE id = $1")
        .bind(instance.to_string())
        .execute(tx.conn())
        .await?;
    Ok(())
}
