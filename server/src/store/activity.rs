//! The activity log. Entries are only ever inserted, by [`WriteTx::commit`] and
//! [`WriteTx::record`] in the transaction of the change they record; no
//! function here or anywhere edits or deletes one.

use super::accounts::AccountRow;
use super::pool::{Store, WriteTx};
use super::sql::{count, millis, parsed, parsed_opt, split_page, Bind, Columns, Statement};
use super::tx::query;
use crate::error::ApiResult;
use domain::activity::{ActivityFilter, Event, EventFilter};
use domain::api::{ActivityView, ActorView, TargetView};
use domain::api_keys::ApiKeyId;
use domain::ids::InvitationId;
use domain::{AccountId, AccountKind, InstanceId, TeamId, Timestamp, UserId};
use std::sync::LazyLock;

/// Who makes a change: a user, and the API key they act through, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user: UserId,
    pub api_key: Option<ApiKeyId>,
}

impl Actor {
    /// A signed-in user, not through a key.
    pub fn user(user: UserId) -> Self {
        Self {
            user,
            api_key: None,
        }
    }
}

/// What a change was made to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// An account, named by its kind (`personal` or `organization`).
    Account(AccountKind, AccountId),
    User(UserId),
    Team(TeamId),
    Invitation(InvitationId),
    Instance(InstanceId),
    ApiKey(ApiKeyId),
    /// A domain of an organization, by its id.
    Domain(String),
    /// The organization's single sign-on connection.
    SsoConnection(AccountId),
}

impl Target {
    /// The `target_type` of the entry.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Account(kind, _) => kind.id(),
            Self::User(_) => "user",
            Self::Team(_) => "team",
            Self::Invitation(_) => "invitation",
            Self::Instance(_) => "instance",
            Self::ApiKey(_) => "api_key",
            Self::Domain(_) => "domain",
            Self::SsoConnection(_) => "sso_connection",
        }
    }

    /// The `target_id` of the entry.
    pub fn id(&self) -> String {
        match self {
            Self::Account(_, id) => id.to_string(),
            Self::User(id) => id.to_string(),
            Self::Team(id) => id.to_string(),
            Self::Invitation(id) => id.to_string(),
            Self::Instance(id) => id.to_string(),
            Self::ApiKey(id) => id.to_string(),
            Self::Domain(id) => id.clone(),
            Self::SsoConnection(id) => id.to_string(),
        }
    }
}

/// One entry of an account's log: what happened, to what, by whom, when.
#[derive(Clone, Debug)]
pub struct Entry {
    pub account: AccountId,
    pub actor: Actor,
    pub event: Event,
    pub target: Target,
    /// What changed; never a secret.
    pub payload: serde_json::Value,
    pub at: Timestamp,
}

impl WriteTx {
    /// Writes `entry` in this transaction, for an operation that changes more
    /// than one account (the last change's entry goes to [`WriteTx::commit`]).
    pub async fn record(&mut self, entry: Entry) -> ApiResult<()> {
        query(
            "INSERT INTO activity (id, account_id, at, actor_user_id, actor_api_key_id, event, target_type, target_id, payload)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(entry_id(entry.at))
        .bind(entry.account.to_string())
        .bind(entry.at.as_millis())
        .bind(entry.actor.user.to_string())
        .bind(entry.actor.api_key.map(String::from))
        .bind(entry.event.id())
        .bind(entry.target.kind())
        .bind(entry.target.id())
        .bind(entry.payload.to_string())
        .execute(self)
        .await?;
        Ok(())
    }

    /// Writes an entry no user made (a failed single sign-on, whose person is
    /// not known) and commits.
    pub async fn commit_unattributed(
        mut self,
        account: AccountId,
        event: Event,
        target: Target,
        payload: serde_json::Value,
        at: Timestamp,
    ) -> ApiResult<()> {
        query(
            "INSERT INTO activity (id, account_id, at, actor_user_id, actor_api_key_id, event, target_type, target_id, payload)
             VALUES ($1, $2, $3, NULL, NULL, $4, $5, $6, $7)",
        )
        .bind(entry_id(at))
        .bind(account.to_string())
        .bind(at.as_millis())
        .bind(event.id())
        .bind(target.kind())
        .bind(target.id())
        .bind(payload.to_string())
        .execute(&mut self)
        .await?;
        self.commit_without_activity().await
    }

    /// Writes the change's entry and commits: the only way to commit a change
    /// to an account, so every change has its entry, in the same transaction.
    pub async fn commit(mut self, entry: Entry) -> ApiResult<()> {
        self.record(entry).await?;
        self.commit_without_activity().await
    }
}

/// The id of an entry made at `at`: a UUID v7 carrying that millisecond.
pub fn entry_id(at: Timestamp) -> String {
    let millis = u64::try_from(at.as_millis()).unwrap_or(0);
    let ts = uuid::Timestamp::from_unix(
        uuid::NoContext,
        millis / 1000,
        u32::try_from(millis % 1000).unwrap_or(0) * 1_000_000,
    );
    uuid::Uuid::new_v7(ts).to_string()
}

/// The smallest id (as text) an entry made at or after `at` can have: entries of
/// earlier milliseconds sort below it, so a time bound is also an id bound and
/// the `(account_id, id)` indexes serve time ranges.
fn id_floor(at: Timestamp) -> String {
    let millis = u64::try_from(at.as_millis()).unwrap_or(0);
    format!(
        "{:08x}-{:04x}-0000-0000-000000000000",
        millis >> 16,
        millis & 0xffff
    )
}

/// A filtered read of one account's log.
struct Where {
    keep_plan: bool,
    statement: Statement,
}

impl Where {
    fn new(store: &Store, account: &AccountRow, select: &str, filter: &ActivityFilter) -> Self {
        let mut statement = Statement::new(format!("{select} WHERE 1 = 1"));
        statement.and("a.account_id = ", Bind::Text(account.id.to_string()));
        filter_by(&mut statement, filter);
        Self {
            keep_plan: store.keep_plan_for(account.members),
            statement,
        }
    }

    async fn fetch<T>(
        self,
        store: &Store,
        decode: impl FnMut(&dyn Columns) -> ApiResult<T>,
    ) -> ApiResult<Vec<T>> {
        store
            .read_page(self.statement, self.keep_plan, decode)
            .await
    }
}

/// Appends `filter`'s conditions on the entries `a`.
fn filter_by(statement: &mut Statement, filter: &ActivityFilter) {
    match filter.event {
        Some(EventFilter::Exact(event)) => {
            statement.and("a.event = ", Bind::Text(event.id().to_owned()));
        }
        // The category's known types, by equality: a text range such as
        // `member.` ≤ event < `member/` would depend on the collation
        // (PostgreSQL's en_US ignores punctuation).
        Some(category @ EventFilter::Category(_)) => statement.and_in(
            "a.event",
            category.events().map(|e| Bind::Text(e.id().to_owned())),
        ),
        None => {}
    }
    if let Some(actor) = filter.actor {
        statement.and("a.actor_user_id = ", Bind::Text(actor.to_string()));
    }
    if let Some(since) = filter.since {
        statement.and("a.id >= ", Bind::Text(id_floor(since)));
        statement.and("a.at >= ", Bind::Int(since.as_millis()));
    }
    if let Some(until) = filter.until {
        statement.and("a.id < ", Bind::Text(id_floor(until)));
        statement.and("a.at < ", Bind::Int(until.as_millis()));
    }
}

/// How many accounts' logs one statement merges (SQLite allows 500 parts in
/// a compound `SELECT`; a parent may have more descendants).
const ACCOUNTS_PER_READ: usize = 32;

/// A page of several accounts' logs merged (a parent's and its descendants',
/// SPEC §17): each account's newest `limit + 1` entries by its own index,
/// merged by their ids alone (which that index holds), then the newest of
/// those read whole with their actors. `account_id IN (…) ORDER BY id` would
/// read and sort every entry of every account to return one page; reading
/// each account's entries whole before choosing read, joined and sorted 561
/// rows for a page of 51 under 11 accounts (bench/README.md).
fn merged_page(
    accounts: &[AccountId],
    filter: &ActivityFilter,
    before: Option<&str>,
    limit: usize,
) -> Statement {
    let mut statement = Statement::new(format!("SELECT {} FROM (", MERGED_COLUMNS.as_str()));
    for (i, account) in accounts.iter().enumerate() {
        if i > 0 {
            statement.push_sql(" UNION ALL ");
        }
        statement.push_sql("SELECT * FROM (SELECT a.id FROM activity a WHERE 1 = 1");
        statement.and("a.account_id = ", Bind::Text(account.to_string()));
        filter_by(&mut statement, filter);
        if let Some(before) = before {
            statement.and("a.id < ", Bind::Text(before.to_owned()));
        }
        statement.page("a.id DESC", limit);
        statement.push_sql(&format!(") d{i}"));
    }
    statement.page("id DESC", limit);
    // The page's order is its ids' (the caller sorts what it merges).
    statement
        .push_sql(") p JOIN activity e ON e.id = p.id LEFT JOIN users u ON u.id = e.actor_user_id");
    statement
}

/// The columns of entries `{entries}` with their actors `u`.
fn columns(entries: &str) -> String {
    [
        "id",
        "account_id",
        "at",
        "actor_user_id",
        "actor_api_key_id",
        "event",
        "target_type",
        "target_id",
        "payload",
    ]
    .map(|c| format!("{entries}.{c}"))
    .join(", ")
        + ", u.email, u.name"
}

/// The entries `a` with their actors, selected (built once, not per request).
static SELECT: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT {} FROM activity a LEFT JOIN users u ON u.id = a.actor_user_id",
        columns("a")
    )
});

/// The columns of the merged entries `e` (see [`merged_page`]).
static MERGED_COLUMNS: LazyLock<String> = LazyLock::new(|| columns("e"));

/// Who made the change; a user deleted since shows as "Deleted user", with
/// their id kept and no email.
fn actor_view(row: &dyn Columns) -> ApiResult<ActorView> {
    let user_id = parsed_opt(row, "actor_user_id")?;
    let email: Option<String> = row.get("email")?;
    let name: Option<String> = row.get("name")?;
    let name = match (user_id.is_some(), email.is_some()) {
        (true, false) => Some(DELETED_USER.to_owned()),
        _ => name,
    };
    Ok(ActorView {
        user_id,
        email,
        name,
        api_key_id: row.get("actor_api_key_id")?,
    })
}

/// How the log names an actor whose user was deleted.
pub const DELETED_USER: &str = "Deleted user";

fn view(row: &dyn Columns) -> ApiResult<ActivityView> {
    let payload: String = row.get("payload")?;
    Ok(ActivityView {
        id: row.get("id")?,
        account_id: parsed(row, "account_id")?,
        at: millis(row, "at")?,
        actor: actor_view(row)?,
        event: parsed(row, "event")?,
        target: TargetView {
            kind: row.get("target_type")?,
            id: row.get("target_id")?,
        },
        payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::String(payload)),
    })
}

impl Store {
    /// A page of entries, newest first, older than the entry `before` if
    /// given, and the cursor of the next page.
    ///
    /// `account` is the account asked for, as the access query read it;
    /// `descendants` those whose entries join it (SPEC §17); each entry names
    /// its account.
    pub async fn list_activity(
        &self,
        account: &AccountRow,
        descendants: &[AccountId],
        filter: &ActivityFilter,
        before: Option<&str>,
        limit: usize,
    ) -> ApiResult<(Vec<ActivityView>, Option<String>)> {
        if descendants.is_empty() {
            let mut w = Where::new(self, account, &SELECT, filter);
            if let Some(before) = before {
                w.statement.and("a.id < ", Bind::Text(before.to_owned()));
            }
            w.statement.page("a.id DESC", limit);
            let items = w.fetch(self, view).await?;
            return Ok(split_page(items, limit, |e| e.id.clone()));
        }
        let keep = self.keep_plan_for(account.members);
        let accounts: Vec<AccountId> = std::iter::once(account.id)
            .chain(descendants.iter().copied())
            .collect();
        let mut items = Vec::new();
        for some in accounts.chunks(ACCOUNTS_PER_READ) {
            let page = merged_page(some, filter, before, limit);
            items.extend(self.read_page(page, keep, view).await?);
        }
        // Each read's newest `limit + 1`; the page is the newest of them all.
        items.sort_unstable_by(|a, b| b.id.cmp(&a.id));
        items.truncate(limit + 1);
        Ok(split_page(items, limit, |e| e.id.clone()))
    }

    /// Entries per UTC day (days since 1970-01-01) that pass `filter`.
    pub async fn daily_activity(
        &self,
        account: &AccountRow,
        filter: &ActivityFilter,
    ) -> ApiResult<Vec<(i64, u64)>> {
        let mut w = Where::new(
            self,
            account,
            "SELECT a.at / 86400000 AS day, COUNT(*) AS n FROM activity a",
            filter,
        );
        w.statement.push_sql(" GROUP BY a.at / 86400000");
        w.fetch(self, |r| Ok((r.get("day")?, count(r.get("n")?))))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entrys_id_sorts_between_the_floors_of_its_millisecond_and_the_next() {
        for millis in [0_i64, 1, 999, 65_535, 65_536, 1_795_000_000_123] {
            let at = Timestamp::from_millis(millis);
            let id = entry_id(at);
            assert!(id_floor(at) <= id, "{millis}");
            assert!(id < id_floor(at.plus_millis(1)), "{millis}");
            assert_eq!(uuid::Uuid::parse_str(&id).unwrap().get_version_num(), 7);
        }
    }
}
