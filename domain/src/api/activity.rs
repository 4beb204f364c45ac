//! Activity log entries (SPEC §8).

use crate::activity::Event;
use crate::ids::AccountId;
use crate::ids::UserId;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Who made a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActorView {
    pub user_id: Option<UserId>,
    pub email: Option<String>,
    pub name: Option<String>,
    /// The API key the change came through, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_id: Option<String>,
}

/// What a change was made to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TargetView {
    #[serde(rename = "type")]
    pub kind: String,
    pub id: String,
}

/// One activity log entry (SPEC §8, §12).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ActivityView {
    pub id: String,
    /// The account whose log holds the entry (a descendant's, in a parent's
    /// list with `include_descendants=true`).
    pub account_id: AccountId,
    pub at: Timestamp,
    pub actor: ActorView,
    pub event: Event,
    pub target: TargetView,
    /// What changed; never secrets.
    pub payload: serde_json::Value,
}

/// Entries per UTC day, for the activity chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DailyActivity {
    /// `2026-11-23`.
    pub day: String,
    pub count: u64,
}
