//! The account transaction: the one shape of every change to an account.
//!
//! A write handler opens it (the account's row lock, the account as the caller
//! sees it, and the permission decided by `domain`), makes its change through
//! `store`, and commits with the change's activity entry. There is no other way
//! to commit, so "every change writes its entry in the same transaction" holds
//! by construction; dropping the transaction instead (nothing changed, or an
//! error) rolls everything back.

use crate::clock;
use crate::error::{ApiError, ApiResult};
use crate::store::accounts::{account_in, locked_member_account};
use crate::store::hierarchy::lock_hierarchy;
use crate::store::{AccountRow, Actor, Entry, Store, Target, WriteTx};
use domain::activity::Event;
use domain::roles::{decide, decide_in_team};
use domain::{AccountId, Permission, TeamPermission, TeamRole, Timestamp};

/// A change to record: what happened, to what, and what changed.
#[derive(Clone, Debug)]
pub struct Change {
    pub event: Event,
    pub target: Target,
    /// What changed; never a secret.
    pub payload: serde_json::Value,
}

impl Change {
    pub fn new(event: Event, target: Target, payload: serde_json::Value) -> Self {
        Self {
            event,
            target,
            payload,
        }
    }

    /// The entry of this change in `account`'s log.
    pub fn entry(self, account: AccountId, actor: Actor, at: Timestamp) -> Entry {
        Entry {
            account,
            actor,
            event: self.event,
            target: self.target,
            payload: self.payload,
            at,
        }
    }
}

/// A write transaction on one account, holding its row lock, as one actor.
pub struct AccountTx {
    tx: WriteTx,
    account: AccountRow,
    actor: Actor,
    now: Timestamp,
}

impl AccountTx {
    /// Opens a change to account `id` that needs `permission`: locks the
    /// account, reads it as `actor` sees it (404 for a non-member) and decides
    /// the permission through `domain` (403 with the reason).
    pub async fn open(
        store: &Store,
        actor: Actor,
        id: AccountId,
        permission: Permission,
    ) -> ApiResult<Self> {
        let tx = Self::open_member(store, actor, id).await?;
        tx.decide(permission)?;
        Ok(tx)
    }

    /// Opens a change whose permission depends on what it touches (leaving,
    /// a team's members, an instance): only membership is checked here (404
    /// otherwise); the handler then decides with [`AccountTx::decide`] or
    /// [`AccountTx::decide_in_team`] once it has the facts.
    pub async fn open_member(store: &Store, actor: Actor, id: AccountId) -> ApiResult<Self> {
        let mut tx = store.begin_write().await?;
        let account = locked_member_account(&mut tx, id, actor.user).await?;
        Ok(Self {
            tx,
            account,
            actor,
            now: clock::now(),
        })
    }

    /// Opens a change to the hierarchy (SPEC §17) from account `id`: takes the
    /// hierarchy's lock before the account's, as every change to the tree
    /// does, so two of them never hold each other's locks (a link locks both
    /// its accounts); then as [`AccountTx::open`].
    pub async fn open_in_hierarchy(
        store: &Store,
        actor: Actor,
        id: AccountId,
        permission: Permission,
    ) -> ApiResult<Self> {
        let mut tx = store.begin_write().await?;
        lock_hierarchy(&mut tx).await?;
        let account = locked_member_account(&mut tx, id, actor.user).await?;
        let tx = Self {
            tx,
            account,
            actor,
            now: clock::now(),
        };
        tx.decide(permission)?;
        Ok(tx)
    }

    /// Opens a change to the actor themself (their sessions, their password),
    /// recorded in their personal account's log.
    pub async fn personal(store: &Store, actor: Actor) -> ApiResult<Self> {
        let id = store.personal_account_of(actor.user).await?;
        Self::open_member(store, actor, id).await
    }

    /// The account as the actor sees it, read after its lock.
    pub fn account(&self) -> &AccountRow {
        &self.account
    }

    pub fn actor(&self) -> &Actor {
        &self.actor
    }

    /// The time of the change (read once, when the transaction opened).
    pub fn now(&self) -> Timestamp {
        self.now
    }

    /// The transaction, for `store` calls.
    pub fn tx(&mut self) -> &mut WriteTx {
        &mut self.tx
    }

    /// Whether the actor's role in this account has `permission`.
    pub fn decide(&self, permission: Permission) -> ApiResult<()> {
        Ok(decide(self.account.kind, self.account.role, permission)?)
    }

    /// Whether the actor, with `team_role` in a team, has `permission` there.
    pub fn decide_in_team(
        &self,
        team_role: Option<TeamRole>,
        permission: TeamPermission,
    ) -> ApiResult<()> {
        Ok(decide_in_team(self.account.role, team_role, permission)?)
    }

    /// The account as the actor sees it now, inside the transaction (after a
    /// change to its name, plan, credit or the actor's role).
    pub async fn reread(&mut self) -> ApiResult<AccountRow> {
        account_in(&mut self.tx, self.account.id, self.actor.user)
            .await?
            .ok_or_else(|| ApiError::Internal("the changed account vanished".into()))
    }

    /// Ends the transaction without a change: rolls back, releasing the lock
    /// and the connection. Call it before reading through the pool, which
    /// would otherwise wait for a second connection while holding the first.
    pub fn unchanged(self) {
        drop(self);
    }

    /// Writes the change's entry to the account's log and commits.
    pub async fn commit(self, change: Change) -> ApiResult<()> {
        let entry = change.entry(self.account.id, self.actor, self.now);
        self.tx.commit(entry).await
    }
}
