//! Invitations and the teams they bring.

use super::accounts::AccountRow;
use super::pool::{Store, WriteTx};
use super::sql::{
    count, millis, parsed, parsed_opt, placeholders, split_page, Bind, Columns, Statement,
};
use super::teams::team_role_from_row;
use super::tx::{query, query_scalar};
use crate::error::ApiResult;
use domain::api::{InvitationView, InviterView, TeamRoleView};
use domain::ids::InvitationId;
use domain::invitation::{InvitationState, InvitationStatus};
use domain::{AccountId, OrgRole, TeamId, TeamRole, Timestamp, UserId};
use std::collections::HashMap;

const COLUMNS: &str =
    "i.id, i.account_id, a.name AS account_name, i.email, i.role, i.status, i.note,
    i.invited_by, u.name AS inviter_name, i.created_at, i.expires_at";
const FROM: &str = "FROM invitations i JOIN accounts a ON a.id = i.account_id LEFT JOIN users u ON u.id = i.invited_by";

/// A new invitation to insert.
#[derive(Debug)]
pub struct NewInvitationRow<'a> {
    pub id: InvitationId,
    pub account: AccountId,
    pub email: &'a str,
    pub role: OrgRole,
    pub note: Option<&'a str>,
    pub invited_by: UserId,
    pub token_hash: &'a str,
    pub expires_at: Timestamp,
}

fn from_row(row: &dyn Columns) -> ApiResult<InvitationView> {
    let inviter_name: Option<String> = row.get("inviter_name")?;
    Ok(InvitationView {
        id: parsed(row, "id")?,
        account_id: parsed(row, "account_id")?,
        account_name: row.get("account_name")?,
        email: row.get("email")?,
        role: parsed(row, "role")?,
        teams: Vec::new(),
        status: parsed(row, "status")?,
        note: row.get("note")?,
        invited_by: match (parsed_opt(row, "invited_by")?, inviter_name) {
            (Some(user_id), Some(name)) => Some(InviterView { user_id, name }),
            _ => None,
        },
        created_at: millis(row, "created_at")?,
        expires_at: millis(row, "expires_at")?,
    })
}

/// Which invitations to list.
#[derive(Debug, Clone, Copy)]
pub enum InvitationScope<'a> {
    /// An organization's, as the access query read it.
    Account(&'a AccountRow),
    Email(&'a str),
}

impl Store {
    /// Marks pending invitations past their expiry as expired.
    pub async fn expire_invitations(&self, now: Timestamp) -> ApiResult<u64> {
        let done = self
            .execute(
                query("UPDATE invitations SET status = 'expired' WHERE status = 'pending' AND expires_at <= $1")
                    .bind(now.as_millis()),
            )
            .await?;
        Ok(done.rows_affected())
    }

    /// Newest first; `status` filters; `before` is the last id of the previous page.
    pub async fn list_invitations(
        &self,
        scope: InvitationScope<'_>,
        status: Option<InvitationStatus>,
        before: Option<InvitationId>,
        limit: usize,
        now: Timestamp,
    ) -> ApiResult<(Vec<InvitationView>, Option<InvitationId>)> {
        let mut statement = Statement::new(format!("SELECT {COLUMNS} {FROM} WHERE "));
        let (column, value, keep) = match scope {
            InvitationScope::Account(account) => (
                "i.account_id",
                account.id.to_string(),
                self.keep_plan_for(account.members),
            ),
            InvitationScope::Email(email) => ("i.email", email.to_owned(), true),
        };
        let placeholder = statement.bind(Bind::Text(value));
        statement.push_sql(&format!("{column} = {placeholder}"));
        // Status is read as of `now`: a pending invitation past its expiry is expired
        // even before the sweep has written it.
        match status {
            None => {}
            Some(InvitationStatus::Pending) => {
                statement.and(
                    "i.status = 'pending' AND i.expires_at > ",
                    Bind::Int(now.as_millis()),
                );
            }
            Some(InvitationStatus::Expired) => {
                let now = statement.bind(Bind::Int(now.as_millis()));
                statement.push_sql(&format!(
                    " AND (i.status = 'expired' OR (i.status = 'pending' AND i.expires_at <= {now}))"
                ));
            }
            Some(other) => statement.and("i.status = ", Bind::Text(other.id().to_owned())),
        }
        if let Some(before) = before {
            statement.and("i.id < ", Bind::Text(before.to_string()));
        }
        statement.page("i.id DESC", limit);
        let items = self.read_page(statement, keep, from_row).await?;
        let (mut items, next) = split_page(items, limit, |i| i.id);
        for item in &mut items {
            item.status = InvitationState::from_parts(item.status, item.expires_at).status_at(now);
        }
        self.attach_invitation_teams(&mut items).await?;
        Ok((items, next))
    }

    /// One invitation, by id or by the hash of its token.
    pub async fn invitation(
        &self,
        key: InvitationKey<'_>,
        now: Timestamp,
    ) -> ApiResult<Option<InvitationView>> {
        let (condition, value) = match key {
            InvitationKey::Id(id) => ("i.id = $1", id.to_string()),
            InvitationKey::TokenHash(hash) => ("i.token_hash = $1", hash.to_owned()),
        };
        let statement = Statement::of(
            format!("SELECT {COLUMNS} {FROM} WHERE {condition}"),
            [value.into()],
        );
        let Some(item) = self.read_optional(statement, from_row).await? else {
            return Ok(None);
        };
        let mut items = vec![item];
        items[0].status =
            InvitationState::from_parts(items[0].status, items[0].expires_at).status_at(now);
        self.attach_invitation_teams(&mut items).await?;
        Ok(items.pop())
    }

    async fn attach_invitation_teams(&self, items: &mut [InvitationView]) -> ApiResult<()> {
        if items.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "SELECT it.invitation_id, it.team_id, t.name, it.role FROM invitation_teams it JOIN teams t ON t.id = it.team_id
             WHERE it.invitation_id IN ({}) ORDER BY t.created_at, t.id",
            placeholders(1, items.len())
        );
        let statement = Statement::of(sql, items.iter().map(|item| item.id.to_string().into()));
        let rows = self
            .read_all(statement, |row| {
                Ok((
                    parsed::<InvitationId>(row, "invitation_id")?,
                    team_role_from_row(row)?,
                ))
            })
            .await?;
        let mut by_invitation: HashMap<InvitationId, Vec<TeamRoleView>> = HashMap::new();
        for (invitation, team) in rows {
            by_invitation.entry(invitation).or_default().push(team);
        }
        for item in items.iter_mut() {
            item.teams = by_invitation.remove(&item.id).unwrap_or_default();
        }
        Ok(())
    }
}

/// How an invitation is found.
#[derive(Debug, Clone, Copy)]
pub enum InvitationKey<'a> {
    Id(InvitationId),
    TokenHash(&'a str),
}

/// The facts a transition needs, read inside the transaction.
#[derive(Debug, Clone)]
pub struct InvitationFacts {
    pub id: InvitationId,
    pub account: AccountId,
    pub email: String,
    pub role: OrgRole,
    pub state: InvitationState,
    pub teams: Vec<(TeamId, TeamRole)>,
}

pub async fn invitation_facts(
    tx: &mut WriteTx,
    id: InvitationId,
) -> ApiResult<Option<InvitationFacts>> {
    let row = query(
        "SELECT id, account_id, email, role, status, expires_at FROM invitations WHERE id = $1",
    )
    .bind(id.to_string())
    .fetch_optional(tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let teams = query("SELECT team_id, role FROM invitation_teams WHERE invitation_id = $1")
        .bind(id.to_string())
        .fetch_all(tx)
        .await?
        .iter()
        .map(|r| Ok((parsed(r, "team_id")?, parsed(r, "role")?)))
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(Some(InvitationFacts {
        id,
        account: parsed(&row, "account_id")?,
        email: row.try_get("email")?,
        role: parsed(&row, "role")?,
        state: InvitationState::from_parts(parsed(&row, "status")?, millis(&row, "expires_at")?),
        teams,
    }))
}

/// Marks the account's overdue pending invitations expired, inside the transaction.
pub async fn expire_due(tx: &mut WriteTx, account: AccountId, now: Timestamp) -> ApiResult<()> {
    query("UPDATE invitations SET status = 'expired' WHERE account_id = $1 AND status = 'pending' AND expires_at <= $2")
        .bind(account.to_string())
        .bind(now.as_millis())
        .execute(tx)
        .await?;
    Ok(())
}

/// An invitation's address as the account knows it (after `expire_due`).
pub struct AddressHere {
    /// Someone with the address is a member.
    pub member: bool,
    /// The account's pending invitations, to any address.
    pub pending: u32,
}

/// Whether someone with `email` is a member of `account`, with its pending
/// invitations: what inviting the address checks, in one statement.
pub async fn address_here(
    tx: &mut WriteTx,
    account: AccountId,
    email: &str,
) -> ApiResult<AddressHere> {
    let row = query(
        "SELECT a.pending_invitations,
            (SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.account_id = $1 AND u.email = $2) AS members
         FROM accounts a WHERE a.id = $1",
    )
    .bind(account.to_string())
    .bind(email)
    .fetch_one(tx)
    .await?;
    Ok(AddressHere {
        member: row.try_get::<i64>("members")? > 0,
        pending: u32::try_from(count(row.try_get("pending_invitations")?)).unwrap_or(u32::MAX),
    })
}

/// Pending invitations of an account (after `expire_due`).
pub async fn count_pending(tx: &mut WriteTx, account: AccountId) -> ApiResult<u32> {
    // The account's trigger-kept counter of pending invitations.
    let n: i64 = query_scalar("SELECT pending_invitations FROM accounts WHERE id = $1")
        .bind(account.to_string())
        .fetch_one(tx)
        .await?;
    Ok(u32::try_from(count(n)).unwrap_or(u32::MAX))
}

/// Inserts an invitation; `false` when the email already has a pending one.
pub async fn insert_invitation(
    tx: &mut WriteTx,
    row: &NewInvitationRow<'_>,
    now: Timestamp,
) -> ApiResult<bool> {
    let done = query(
        "INSERT INTO invitations (id, account_id, email, role, status, token_hash, note, invited_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING",
    )
    .bind(row.id.to_string())
    .bind(row.account.to_string())
    .bind(row.email)
    .bind(row.role.id())
    .bind(row.token_hash)
    .bind(row.note)
    .bind(row.invited_by.to_string())
    .bind(now.as_millis())
    .bind(row.expires_at.as_millis())
    .execute(tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn insert_invitation_team(
    tx: &mut WriteTx,
    invitation: InvitationId,
    team: TeamId,
    role: TeamRole,
) -> ApiResult<()> {
    query("INSERT INTO invitation_teams (invitation_id, team_id, role) VALUES ($1, $2, $3)")
        .bind(invitation.to_string())
        .bind(team.to_string())
        .bind(role.id())
        .execute(tx)
        .await?;
    Ok(())
}

/// Stores a transition's result; with `token_hash`, a new token replaces the old.
/// `false` when another pending invitation for the same email is in the way.
pub async fn save_state(
    tx: &mut WriteTx,
    id: InvitationId,
    state: InvitationState,
    token_hash: Option<&str>,
) -> ApiResult<bool> {
    let result = match token_hash {
        Some(hash) => query(
            "UPDATE invitations SET status = $2, expires_at = $3, token_hash = $4 WHERE id = $1",
        )
        .bind(id.to_string())
        .bind(state.status().id())
        .bind(state.expires_at().as_millis())
        .bind(hash)
        .execute_unless_taken(tx)
        .await,
        None => {
            query("UPDATE invitations SET status = $2, expires_at = $3 WHERE id = $1")
                .bind(id.to_string())
                .bind(state.status().id())
                .bind(state.expires_at().as_millis())
                .execute_unless_taken(tx)
                .await
        }
    };
    // The one-pending-per-email index refused: another pending invitation exists.
    Ok(result?.is_some())
}
