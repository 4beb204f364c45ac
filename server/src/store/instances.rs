//! Instances (SPEC §9). Who may see or change which instance is decided by
//! `domain::resources`; these functions only read and write rows.

use super::accounts::AccountRow;
use super::pool::{Store, WriteTx};
use super::sql::{count, millis, parsed, parsed_opt, split_page, Bind, Columns, Statement};
use super::tx::{query, query_scalar};
use crate::error::ApiResult;
use domain::api::InstanceView;
use domain::resources::InstanceName;
use domain::{AccountId, InstanceId, Region, TeamId, Timestamp, UserId};

const COLUMNS: &str =
    "i.id, i.name, i.size, i.team_id, t.name AS team_name, i.region, i.created_at";

fn view(row: &dyn Columns) -> ApiResult<InstanceView> {
    Ok(InstanceView {
        id: parsed(row, "id")?,
        name: row.get("name")?,
        size: parsed(row, "size")?,
        team_id: parsed_opt(row, "team_id")?,
        team_name: row.get("team_name")?,
        region: parsed_opt(row, "region")?,
        created_at: millis(row, "created_at")?,
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
    /// A page of instances, oldest first, after `after`, and the cursor of
    /// the next page.
    pub async fn list_instances(
        &self,
        account: &AccountRow,
        visible: &Visible,
        team: Option<TeamId>,
        after: Option<InstanceId>,
        limit: usize,
    ) -> ApiResult<(Vec<InstanceView>, Option<InstanceId>)> {
        let mut statement = Statement::new(format!(
            "SELECT {COLUMNS} FROM instances i LEFT JOIN teams t ON t.id = i.team_id WHERE i.account_id = $1"
        ));
        statement.binds.push(Bind::Text(account.id.to_string()));
        if let Visible::Teams(teams) = visible {
            statement.and_in("i.team_id", teams.iter().map(|t| Bind::Text(t.to_string())));
        }
        if let Some(team) = team {
            statement.and("i.team_id = ", Bind::Text(team.to_string()));
        }
        if let Some(after) = after {
            statement.and("i.id > ", Bind::Text(after.to_string()));
        }
        statement.page("i.id", limit);
        let keep = self.keep_plan_for(account.members);
        let items = self.read_page(statement, keep, view).await?;
        Ok(split_page(items, limit, |i| i.id))
    }
}

/// An instance's team, if the instance is in `account` (`Some(None)` for a
/// personal account's instance).
pub async fn instance_team(
    tx: &mut WriteTx,
    account: AccountId,
    instance: InstanceId,
) -> ApiResult<Option<(String, Option<TeamId>)>> {
    let row = query("SELECT name, team_id FROM instances WHERE id = $1 AND account_id = $2")
        .bind(instance.to_string())
        .bind(account.to_string())
        .fetch_optional(tx)
        .await?;
    row.map(|row| Ok((row.try_get("name")?, parsed_opt(&row, "team_id")?)))
        .transpose()
}

/// How many instances `team` owns.
pub async fn count_in_team(tx: &mut WriteTx, team: TeamId) -> ApiResult<u64> {
    let n: i64 = query_scalar("SELECT COUNT(*) FROM instances WHERE team_id = $1")
        .bind(team.to_string())
        .fetch_one(tx)
        .await?;
    Ok(count(n))
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

/// Inserts an instance and returns it as listed; `None` when the account
/// already has an instance of that name (its unique index; on PostgreSQL the
/// transaction is then over: the caller rolls back).
pub async fn create_instance(
    tx: &mut WriteTx,
    new: NewInstanceRow<'_>,
    now: Timestamp,
) -> ApiResult<Option<InstanceView>> {
    let id = InstanceId::from_uuid(uuid::Uuid::now_v7());
    if query(
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
    .execute_unless_taken(tx)
    .await?
    .is_none()
    {
        return Ok(None);
    }
    let row = query(format!(
        "SELECT {COLUMNS} FROM instances i LEFT JOIN teams t ON t.id = i.team_id WHERE i.id = $1"
    ))
    .bind(id.to_string())
    .fetch_one(tx)
    .await?;
    view(&row).map(Some)
}

pub async fn delete_instance(tx: &mut WriteTx, instance: InstanceId) -> ApiResult<()> {
    query("DELETE FROM instances WHERE id = $1")
        .bind(instance.to_string())
        .execute(tx)
        .await?;
    Ok(())
}
