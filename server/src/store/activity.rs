//! Reading the activity log. Entries are only ever inserted (`store::record`, in
//! the transaction of the change); no function here or anywhere edits or
//! deletes one.

use super::Store;
use crate::error::ApiResult;
use domain::activity::{ActivityFilter, EventFilter};
use domain::api::{ActivityView, ActorView, TargetView};
use domain::{AccountId, Timestamp};
use sqlx::any::AnyRow;
use sqlx::Row;

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

enum Bind {
    Text(String),
    Int(i64),
}

/// `WHERE …` of a filtered read of one account's log, with its binds.
struct Where {
    account: AccountId,
    sql: String,
    binds: Vec<Bind>,
}

impl Where {
    fn new(account: AccountId, filter: &ActivityFilter) -> Self {
        let mut w = Where {
            account,
            sql: String::from("a.account_id = $1"),
            binds: vec![Bind::Text(account.to_string())],
        };
        match &filter.event {
            Some(EventFilter::Exact(event)) => w.push("a.event = ", Bind::Text((*event).into())),
            Some(filter @ EventFilter::Category(_)) => {
                // The category's known types, by equality: a text range such as
                // `member.` ≤ event < `member/` would depend on the collation
                // (PostgreSQL's en_US ignores punctuation).
                let events: Vec<&str> = domain::activity::EVENTS
                    .iter()
                    .map(|(id, _)| *id)
                    .filter(|id| filter.matches(id))
                    .collect();
                let first = w.binds.len() + 1;
                w.binds
                    .extend(events.iter().map(|e| Bind::Text((*e).to_owned())));
                w.sql.push_str(&format!(
                    " AND a.event IN ({})",
                    super::members::placeholders(first, events.len())
                ));
            }
            None => {}
        }
        if let Some(actor) = filter.actor {
            w.push("a.actor_user_id = ", Bind::Text(actor.to_string()));
        }
        if let Some(since) = filter.since {
            w.push("a.id >= ", Bind::Text(id_floor(since)));
            w.push("a.at >= ", Bind::Int(since.as_millis()));
        }
        if let Some(until) = filter.until {
            w.push("a.id < ", Bind::Text(id_floor(until)));
            w.push("a.at < ", Bind::Int(until.as_millis()));
        }
        w
    }

    fn push(&mut self, condition: &str, bind: Bind) {
        self.binds.push(bind);
        self.sql
            .push_str(&format!(" AND {condition}${}", self.binds.len()));
    }

    async fn fetch(self, store: &Store, select: &str, tail: &str) -> ApiResult<Vec<AnyRow>> {
        let keep = store.keep_plan(self.account).await?;
        let sql = Store::page_query(&format!("{select} WHERE {} {tail}", self.sql), keep);
        let mut query = sqlx::query(&sql).persistent(keep);
        for bind in self.binds {
            query = match bind {
                Bind::Text(text) => query.bind(text),
                Bind::Int(n) => query.bind(n),
            };
        }
        Ok(query.fetch_all(store.pool()).await?)
    }
}

const SELECT: &str = "SELECT a.id, a.at, a.actor_user_id, a.actor_api_key_id, a.event, a.target_type, a.target_id, a.payload, u.email, u.name
     FROM activity a LEFT JOIN users u ON u.id = a.actor_user_id";

fn view(row: &AnyRow) -> ApiResult<ActivityView> {
    let actor: Option<String> = row.try_get("actor_user_id")?;
    let payload: String = row.try_get("payload")?;
    Ok(ActivityView {
        id: row.try_get("id")?,
        at: Timestamp::from_millis(row.try_get("at")?),
        actor: ActorView {
            user_id: actor.and_then(|id| id.parse().ok()),
            email: row.try_get("email")?,
            name: row.try_get("name")?,
            api_key_id: row.try_get("actor_api_key_id")?,
        },
        event: row.try_get("event")?,
        target: TargetView {
            kind: row.try_get("target_type")?,
            id: row.try_get("target_id")?,
        },
        payload: serde_json::from_str(&payload).unwrap_or(serde_json::Value::String(payload)),
    })
}

impl Store {
    /// Up to `limit` entries, newest first, older than the entry `before` if given.
    pub async fn list_activity(
        &self,
        account: AccountId,
        filter: &ActivityFilter,
        before: Option<&str>,
        limit: usize,
    ) -> ApiResult<Vec<ActivityView>> {
        let mut w = Where::new(account, filter);
        if let Some(before) = before {
            w.push("a.id < ", Bind::Text(before.to_owned()));
        }
        w.fetch(self, SELECT, &format!("ORDER BY a.id DESC LIMIT {limit}"))
            .await?
            .iter()
            .map(view)
            .collect()
    }

    /// Entries per UTC day (days since 1970-01-01) that pass `filter`.
    pub async fn daily_activity(
        &self,
        account: AccountId,
        filter: &ActivityFilter,
    ) -> ApiResult<Vec<(i64, u64)>> {
        let rows = Where::new(account, filter)
            .fetch(
                self,
                "SELECT a.at / 86400000 AS day, COUNT(*) AS n FROM activity a",
                "GROUP BY a.at / 86400000",
            )
            .await?;
        rows.iter()
            .map(|r| {
                let day: i64 = r.try_get("day")?;
                let n: i64 = r.try_get("n")?;
                Ok((day, u64::try_from(n).unwrap_or(0)))
            })
            .collect()
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
