//! Members of an organization: the member list and its search, one member,
//! and their organization role.

use super::accounts::AccountRow;
use super::pool::{Backend, Store, WriteTx};
use super::probes::Probe;
use super::sql::{contains_pattern, millis, parse_opt, parsed, split_page, Columns, Statement};
use super::teams::team_role_from_row;
use super::tx::{query, query_scalar};
use crate::error::ApiResult;
use domain::api::{MemberView, TeamRoleView};
use domain::{AccountId, OrgRole, UserId};
use std::collections::HashMap;

/// At most this many users across the product containing a search's text are
/// looked up among an organization's members one by one (see
/// [`Store::list_members`]).
pub const SEARCH_CANDIDATES: i64 = 1000;

/// Organizations up to this size are searched by reading their members: that
/// costs less than asking the trigram index about the whole product.
pub const SEARCH_BY_READING_UP_TO: i64 = 1000;

/// `text` as an FTS5 phrase: the string itself, found anywhere in a column.
pub fn fts_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The part of a search's text the trigram index is asked about; the members
/// it finds are then tested against the whole text. Every match contains it.
///
/// For an email address that is the part up to `@` when it has three
/// characters or more before it: the domain is shared by many users (a
/// company's, gmail.com; in the benchmark's data all 1,000,000), and an index
/// lookup costs as much as the users holding each of its trigrams, while the
/// part before `@` is nearly everyone's own.
pub fn index_probe(text: &str) -> &str {
    match text.find('@') {
        Some(at) if text[..at].chars().count() >= 3 => &text[..=at],
        _ => text,
    }
}

/// For a search's text that is an address or its start (`local@…`, one `@`,
/// 1–64 characters before it), its local part lowercased and read backwards.
///
/// An address contains `local@domain` exactly when its own local part ends
/// with `local` (an address has one `@`, `domain::text::Email`) and its domain
/// starts with `domain`: the users whose `email_local_reversed` starts with
/// this, one range of an index, and those with `@` in their name, are all the
/// users that can contain the text. A local part has at most 64 characters, so
/// a longer one can be in a name only, and is not an address probe.
pub fn local_part_probe(text: &str) -> Option<String> {
    let text = text.to_lowercase();
    let (local, rest) = text.split_once('@')?;
    let length = local.chars().count();
    if rest.contains('@') || length == 0 || length > 64 {
        return None;
    }
    Some(local.chars().rev().collect())
}

/// `name or email contains $n`, with the pattern of [`contains_pattern`].
fn contains_condition(n: usize) -> String {
    format!("(LOWER(u.name) LIKE ${n} ESCAPE '\\' OR u.email LIKE ${n} ESCAPE '\\')")
}

/// Where a page of members starts: after this (joined_at, user_id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemberCursor {
    pub joined_at: i64,
    pub user_id: String,
}

impl std::fmt::Display for MemberCursor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}_{}", self.joined_at, self.user_id)
    }
}

impl MemberCursor {
    pub fn encode(&self) -> String {
        self.to_string()
    }

    pub fn decode(text: &str) -> Option<Self> {
        let (joined_at, user_id) = text.split_once('_')?;
        user_id.parse::<UserId>().ok()?;
        Some(Self {
            joined_at: joined_at.parse().ok()?,
            user_id: user_id.to_owned(),
        })
    }
}

/// Whether the member has two-factor on, as `0` or `1` on both databases.
const TWO_FACTOR_COLUMN: &str =
    "CAST(CASE WHEN u.totp_secret IS NULL THEN 0 ELSE 1 END AS BIGINT) AS two_factor";

pub(super) fn member_from_row(row: &dyn Columns) -> ApiResult<MemberView> {
    Ok(MemberView {
        user_id: parsed(row, "user_id")?,
        email: row.get("email")?,
        name: row.get("name")?,
        role: parsed(row, "role")?,
        joined_at: millis(row, "joined_at")?,
        teams: Vec::new(),
        two_factor: Some(row.get::<i64>("two_factor")? == 1),
        inherited_from: None,
    })
}

/// Appends the cursor condition (its two values bound next), the order and the limit
/// of a page of members.
///
/// The cursor is a row-value comparison: both databases turn it into a range of
/// the `(account_id, joined_at, user_id)` index, read in order up to the limit.
/// The equivalent `joined_at > a OR (joined_at = a AND user_id > b)` was planned
/// by PostgreSQL as two bitmap scans over every later member, then a sort.
fn push_page(statement: &mut Statement, after: Option<&MemberCursor>, limit: usize) {
    if let Some(cursor) = after {
        let joined_at = statement.bind(cursor.joined_at.into());
        let user_id = statement.bind(cursor.user_id.clone().into());
        statement.push_sql(&format!(
            " AND (m.joined_at, m.user_id) > ({joined_at}, {user_id})"
        ));
    }
    statement.page("m.joined_at, m.user_id", limit);
}

impl Store {
    /// A page of members in the order they joined, optionally those whose name or
    /// email contains `query`; `limit + 1` rows are read to know if more follow.
    ///
    /// A search in a large organization must not test every member. So, in an
    /// organization of more than [`SEARCH_BY_READING_UP_TO`] members, a query of
    /// three characters or more goes through an index over all users: an
    /// address by its local part read backwards ([`local_part_probe`]), any
    /// text by the trigram index (FTS5 on SQLite, pg_trgm on PostgreSQL). When
    /// at most [`SEARCH_CANDIDATES`] users anywhere can contain it, the page is
    /// those users' memberships, a bounded number of key lookups, tested
    /// against the whole text, in one statement. A short query, a small
    /// organization, or a very common text (more users than that; its probe is
    /// then remembered for a while, `store::probes`, and not asked about again)
    /// reads the organization's members in join order instead and stops at the
    /// page's end, which is quick exactly when matches are common. Both ways find the
    /// same members: both end with the same `LIKE` test.
    ///
    /// `account` is the organization as the access query read it, with its
    /// size: no statement more to learn it.
    pub async fn list_members(
        &self,
        account: &AccountRow,
        query: Option<&str>,
        after: Option<&MemberCursor>,
        limit: usize,
    ) -> ApiResult<(Vec<MemberView>, Option<MemberCursor>)> {
        let (size, account) = (account.members, account.id);
        let long_query = query.filter(|q| q.chars().count() >= 3);
        let keep = self.keep_plan_for(size);
        let mut rows = None;
        if let Some(query) = long_query.filter(|_| size > SEARCH_BY_READING_UP_TO) {
            rows = self
                .members_found_by_index(account, query, after, limit, keep)
                .await?;
        }
        let members = match rows {
            Some(rows) => rows,
            None => {
                self.members_read(account, query, after, limit, keep)
                    .await?
            }
        };
        let (mut members, next) = split_page(members, limit, |m| MemberCursor {
            joined_at: m.joined_at.as_millis(),
            user_id: m.user_id.to_string(),
        });
        self.attach_teams(account, &mut members, keep).await?;
        Ok((members, next))
    }

    /// The page's rows by reading the organization's members in join order,
    /// testing each against `query` if there is one.
    async fn members_read(
        &self,
        account: AccountId,
        query: Option<&str>,
        after: Option<&MemberCursor>,
        limit: usize,
        keep_plan: bool,
    ) -> ApiResult<Vec<MemberView>> {
        let mut statement = Statement::of(
            format!(
                "SELECT m.user_id, u.email, u.name, m.role, m.joined_at, {TWO_FACTOR_COLUMN} FROM memberships m
                 JOIN users u ON u.id = m.user_id WHERE m.account_id = $1",
            ),
            [account.to_string().into()],
        );
        if let Some(query) = query {
            statement.push_sql(" AND ");
            statement.push_sql(&contains_condition(2));
            statement.binds.push(contains_pattern(query).into());
        }
        push_page(&mut statement, after, limit);
        self.read_page(statement, keep_plan, member_from_row).await
    }

    /// The page's rows through an index of users, or `None` when more than
    /// [`SEARCH_CANDIDATES`] users may contain `query` (then reading is the way).
    ///
    /// Two statements: the users an index finds (at most one more than
    /// [`SEARCH_CANDIDATES`]), then, when they are few enough, their
    /// memberships here, tested against the whole text. One statement joining
    /// the index's users to their memberships did that join before it could
    /// know there were too many: a common text ("anna") paid for looking up a
    /// thousand users' memberships, then for the reading it falls back to.
    ///
    /// An address is looked up by its [`local_part_probe`] first: one range of
    /// an index, where the trigram index reads every user holding each trigram
    /// of it. The trigram index's [`index_probe`] is asked when that is not an
    /// address or finds too many.
    async fn members_found_by_index(
        &self,
        account: AccountId,
        query: &str,
        after: Option<&MemberCursor>,
        limit: usize,
        keep_plan: bool,
    ) -> ApiResult<Option<Vec<MemberView>>> {
        let now = std::time::Instant::now();
        let mut candidates = None;
        if let Some(reversed) = local_part_probe(query) {
            let statement = Statement::of(
                format!(
                    "SELECT id AS user_id FROM users WHERE email_local_reversed >= $1 AND email_local_reversed < $2
                     UNION ALL SELECT id AS user_id FROM users WHERE {named_with_at}
                     LIMIT {}",
                    SEARCH_CANDIDATES + 1,
                    named_with_at = match self.backend() {
                        Backend::Sqlite => "instr(name, '@') > 0",
                        Backend::Postgres => "strpos(name, '@') > 0",
                    },
                ),
                [
                    reversed.clone().into(),
                    format!("{reversed}{}", char::MAX).into(),
                ],
            );
            candidates = self
                .probe(Probe::LocalPartEnding, &reversed, statement, keep_plan, now)
                .await?;
        }
        if candidates.is_none() {
            // On PostgreSQL the users are found in a CTE planned apart from the
            // limit: under `LIMIT` the planner scans `users` until a thousand match
            // when it expects many, which for a text in a few per cent of them
            // ("anna", "smith") read most of the table (26–73 ms, where the trigram
            // index's bitmaps take 6–8 ms; `bench/README.md`).
            let probe = index_probe(query);
            let (found, argument) = match self.backend() {
                Backend::Sqlite => (
                    "SELECT user_id FROM users_search WHERE users_search MATCH $1",
                    fts_phrase(probe),
                ),
                Backend::Postgres => (
                    "WITH found AS MATERIALIZED (SELECT id AS user_id FROM users WHERE lower(name) LIKE $1 ESCAPE '\\' OR email LIKE $1 ESCAPE '\\')
                     SELECT user_id FROM found",
                    contains_pattern(probe),
                ),
            };
            let statement = Statement::of(
                format!("{found} LIMIT {}", SEARCH_CANDIDATES + 1),
                [argument.into()],
            );
            candidates = self
                .probe(Probe::Trigrams, probe, statement, keep_plan, now)
                .await?;
        }
        let Some(candidates) = candidates else {
            return Ok(None);
        };
        if candidates.is_empty() {
            return Ok(Some(Vec::new()));
        }
        // On SQLite `+` keeps the planner from walking the organization's
        // members by `account_id` and testing each against the list.
        let (listed, account_column) = match self.backend() {
            Backend::Sqlite => ("SELECT value FROM json_each($2)", "+m.account_id"),
            Backend::Postgres => ("SELECT unnest(string_to_array($2, ','))", "m.account_id"),
        };
        // User ids (UUIDs) as one value: a JSON array for SQLite's `json_each`,
        // comma-separated for PostgreSQL's `string_to_array`.
        let list = match self.backend() {
            Backend::Sqlite => serde_json::to_string(&candidates)
                .map_err(|e| crate::error::ApiError::Internal(e.to_string()))?,
            Backend::Postgres => candidates.join(","),
        };
        let mut statement = Statement::of(
            format!(
                "SELECT m.user_id, u.email, u.name, m.role, m.joined_at, {TWO_FACTOR_COLUMN}
                 FROM memberships m JOIN users u ON u.id = m.user_id
                 WHERE {account_column} = $1 AND m.user_id IN ({listed}) AND {matches}",
                matches = contains_condition(3),
            ),
            [
                account.to_string().into(),
                list.into(),
                contains_pattern(query).into(),
            ],
        );
        push_page(&mut statement, after, limit);
        self.read_page(statement, keep_plan, member_from_row)
            .await
            .map(Some)
    }

    /// The users a probe's `statement` finds, or `None` when it finds more
    /// than [`SEARCH_CANDIDATES`] (remembered for a while, `store::probes`, and
    /// then not asked again).
    async fn probe(
        &self,
        kind: Probe,
        probe: &str,
        statement: Statement,
        keep_plan: bool,
        now: std::time::Instant,
    ) -> ApiResult<Option<Vec<String>>> {
        if self.common_probes().is_common(kind, probe, now) {
            return Ok(None);
        }
        let found = self
            .read_page(statement, keep_plan, |row| row.get::<String>("user_id"))
            .await?;
        if found.len() as i64 > SEARCH_CANDIDATES {
            self.common_probes().found_common(kind, probe, now);
            return Ok(None);
        }
        Ok(Some(found))
    }

    /// One member, with their teams.
    pub async fn member(&self, account: AccountId, user: UserId) -> ApiResult<Option<MemberView>> {
        // The account's size comes with the member: it decides how their
        // teams are read on PostgreSQL (`Store::keep_plan_for`).
        let statement = Statement::of(
            format!(
                "SELECT m.user_id, u.email, u.name, m.role, m.joined_at, {TWO_FACTOR_COLUMN}, a.members_count
                 FROM memberships m JOIN users u ON u.id = m.user_id JOIN accounts a ON a.id = m.account_id
                 WHERE m.account_id = $1 AND m.user_id = $2",
            ),
            [account.to_string().into(), user.to_string().into()],
        );
        let read =
            |row: &dyn Columns| Ok((member_from_row(row)?, row.get::<i64>("members_count")?));
        let Some((member, size)) = self.read_optional(statement, read).await? else {
            return Ok(None);
        };
        let mut members = vec![member];
        self.attach_teams(account, &mut members, self.keep_plan_for(size))
            .await?;
        Ok(members.pop())
    }

    async fn attach_teams(
        &self,
        account: AccountId,
        members: &mut [MemberView],
        keep_plan: bool,
    ) -> ApiResult<()> {
        if members.is_empty() {
            return Ok(());
        }
        let mut statement = Statement::of(
            "SELECT tm.user_id, tm.team_id, t.name, tm.role FROM team_members tm JOIN teams t ON t.id = tm.team_id
             WHERE tm.account_id = $1",
            [account.to_string().into()],
        );
        statement.and_in(
            "tm.user_id",
            members.iter().map(|m| m.user_id.to_string().into()),
        );
        statement.push_sql(" ORDER BY t.created_at, t.id");
        let teams = self
            .read_page(statement, keep_plan, |row| {
                Ok((parsed::<UserId>(row, "user_id")?, team_role_from_row(row)?))
            })
            .await?;
        let mut by_user: HashMap<UserId, Vec<TeamRoleView>> = HashMap::new();
        for (user, team) in teams {
            by_user.entry(user).or_default().push(team);
        }
        for member in members.iter_mut() {
            member.teams = by_user.remove(&member.user_id).unwrap_or_default();
        }
        Ok(())
    }
}

/// The role of `user` in `account`, read inside the transaction.
pub async fn member_role(
    tx: &mut WriteTx,
    account: AccountId,
    user: UserId,
) -> ApiResult<Option<OrgRole>> {
    let role: Option<String> =
        query_scalar("SELECT role FROM memberships WHERE account_id = $1 AND user_id = $2")
            .bind(account.to_string())
            .bind(user.to_string())
            .fetch_optional(tx)
            .await?;
    parse_opt("role", role)
}

pub async fn set_member_role(
    tx: &mut WriteTx,
    account: AccountId,
    user: UserId,
    role: OrgRole,
) -> ApiResult<()> {
    query("UPDATE memberships SET role = $3 WHERE account_id = $1 AND user_id = $2")
        .bind(account.to_string())
        .bind(user.to_string())
        .bind(role.id())
        .execute(tx)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_is_asked_about_an_address_up_to_its_at_sign() {
        assert_eq!(index_probe("ana@acme.test"), "ana@");
        assert_eq!(index_probe("ana@"), "ana@");
        assert_eq!(index_probe("ana"), "ana");
        // Too little before the @: the whole text.
        assert_eq!(index_probe("an@acme.test"), "an@acme.test");
        assert_eq!(index_probe("@acme.test"), "@acme.test");
        assert_eq!(index_probe("zoë@x"), "zoë@");
    }

    #[test]
    fn an_address_is_looked_up_by_its_local_part_read_backwards() {
        assert_eq!(
            local_part_probe("Anna.Smith42@gmail.com").as_deref(),
            Some("24htims.anna")
        );
        assert_eq!(local_part_probe("yan@").as_deref(), Some("nay"));
        assert_eq!(local_part_probe("zoë@x").as_deref(), Some("ëoz"));
        assert_eq!(local_part_probe("a@").as_deref(), Some("a"));
        // Not an address: no `@`, nothing before it, two of them, or a local
        // part longer than any address has.
        assert_eq!(local_part_probe("anna"), None);
        assert_eq!(local_part_probe("@acme.test"), None);
        assert_eq!(local_part_probe("a@b@c"), None);
        assert_eq!(
            local_part_probe(&format!("{}@x", "a".repeat(64))).map(|p| p.len()),
            Some(64)
        );
        assert_eq!(local_part_probe(&format!("{}@x", "a".repeat(65))), None);
    }

    #[test]
    fn member_cursors_round_trip_and_refuse_garbage() {
        let cursor = MemberCursor {
            joined_at: 42,
            user_id: "01a207f5-955f-748a-9b01-2fdcb3148a8b".into(),
        };
        assert_eq!(MemberCursor::decode(&cursor.encode()), Some(cursor));
        assert_eq!(MemberCursor::decode("nonsense"), None);
        assert_eq!(
            MemberCursor::decode("x_01a207f5-955f-748a-9b01-2fdcb3148a8b"),
            None
        );
        assert_eq!(MemberCursor::decode("1_not-a-uuid"), None);
    }
}
