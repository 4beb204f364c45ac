//! The activity log (SPEC §8): list with filters and a cursor, a per-day count
//! for the chart, and exports as CSV or JSON streamed page by page (memory stays
//! flat however long the log). Only GET routes: no endpoint edits or deletes an
//! entry.

use super::extract::{ApiPath, ApiQuery, AuthUser};
use super::pagination::{page_of, PageParams};
use super::responses::{Forbidden, Invalid, NotFound, Unauthenticated};
use super::state::AppState;
use crate::clock::now;
use crate::error::{ApiError, ApiResult};
use crate::store::AccountRow;
use crate::store::Store;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use domain::activity::{
    csv_record, daily_series, day_label, day_of, start_of_day, ActivityFilter, ActivityQuery,
    ExportFormat, CSV_COLUMNS,
};
use domain::api::{ActivityView, DailyActivity, Page};
use domain::{AccountId, FieldError, Permission};
use futures_util::StreamExt;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accounts/{id}/activity", get(list_activity))
        .route("/accounts/{id}/activity/export", get(export_activity))
        .route("/accounts/{id}/activity/daily", get(daily_activity))
}

/// The list's query: filters and paging.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityParams {
    /// An event type (`member.invited`) or a category (`member.*`).
    pub event: Option<String>,
    /// A user id: only what this user did.
    pub actor: Option<String>,
    /// RFC 3339; entries at or after.
    pub since: Option<String>,
    /// RFC 3339; entries before.
    pub until: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<String>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// Export only: `csv` or `json`.
    pub format: Option<String>,
    /// Daily counts only: how many days, ending today (1–366, default 30).
    pub days: Option<String>,
    /// List only: `true` adds the entries of child organizations and theirs
    /// (Owners and Admins, SPEC §17).
    pub include_descendants: Option<String>,
}

impl ActivityParams {
    fn filter(&self) -> ApiResult<ActivityFilter> {
        ActivityQuery {
            event: self.event.clone(),
            actor: self.actor.clone(),
            since: self.since.clone(),
            until: self.until.clone(),
        }
        .parse()
        .map_err(ApiError::Invalid)
    }
}

fn cursor(raw: Option<&str>) -> ApiResult<Option<String>> {
    match raw {
        None => Ok(None),
        Some(raw) => uuid::Uuid::parse_str(raw)
            .map(|u| Some(u.to_string()))
            .map_err(|_| PageParams::bad_cursor()),
    }
}

/// Loads the account and checks the caller may read its log.
async fn readable(state: &AppState, caller: &AuthUser, id: AccountId) -> ApiResult<AccountRow> {
    let account = caller.member_account(state, id).await?;
    account.decide(Permission::ViewActivity)?;
    Ok(account)
}

/// The log, newest first, filtered by event type, actor and time range.
#[utoipa::path(get, path = "/api/accounts/{id}/activity", tag = "activity",
    params(("id" = AccountId, Path, description = "Account id"), ActivityParams),
    responses(
        (status = 200, description = "Entries, newest first", body = Page<ActivityView>),
        Unauthenticated, Forbidden, NotFound, Invalid))]
pub async fn list_activity(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiQuery(params): ApiQuery<ActivityParams>,
) -> ApiResult<Json<Page<ActivityView>>> {
    let paging = PageParams {
        limit: params.limit.clone(),
        cursor: params.cursor.clone(),
    }
    .parse()?;
    let filter = params.filter()?;
    let before = cursor(paging.cursor.as_deref())?;
    let descendants = match params.include_descendants.as_deref().map(str::trim) {
        None | Some("") | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(ApiError::Invalid(vec![FieldError::new(
                "include_descendants",
                "must be true or false",
            )]))
        }
    };
    let account = readable(&state, &caller, id).await?;
    let descendants = if descendants {
        account.decide(Permission::ViewDescendants)?;
        state.store.descendant_ids(id).await?
    } else {
        Vec::new()
    };
    let page = state
        .store
        .list_activity(
            &account,
            &descendants,
            &filter,
            before.as_deref(),
            paging.limit,
        )
        .await?;
    Ok(Json(page_of(page)))
}

/// Entries per UTC day for the last `days` days (today included), oldest first,
/// with the event and actor filters; for the activity chart.
#[utoipa::path(get, path = "/api/accounts/{id}/activity/daily", tag = "activity",
    params(("id" = AccountId, Path, description = "Account id"), ActivityParams),
    responses(
        (status = 200, description = "One count per day, oldest first", body = Vec<DailyActivity>),
        Unauthenticated, Forbidden, NotFound, Invalid))]
pub async fn daily_activity(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiQuery(params): ApiQuery<ActivityParams>,
) -> ApiResult<Json<Vec<DailyActivity>>> {
    let days = match params.days.as_deref() {
        None | Some("") => 30,
        Some(raw) => raw
            .parse::<u32>()
            .ok()
            .filter(|d| (1..=366).contains(d))
            .ok_or_else(|| {
                ApiError::Invalid(vec![FieldError::new(
                    "days",
                    "must be a whole number from 1 to 366",
                )])
            })?,
    };
    let mut filter = params.filter()?;
    let account = readable(&state, &caller, id).await?;
    let today = day_of(now());
    filter.since = Some(start_of_day(today - i64::from(days) + 1));
    filter.until = None;
    let counts = state.store.daily_activity(&account, &filter).await?;
    Ok(Json(
        daily_series(&counts, today, days)
            .into_iter()
            .map(|(day, count)| DailyActivity {
                day: day_label(day),
                count,
            })
            .collect(),
    ))
}

/// Entries read per database round trip while exporting.
const EXPORT_PAGE: usize = 1000;

/// One page of the export as bytes.
fn encode(format: ExportFormat, entries: &[ActivityView], first: bool) -> ApiResult<Vec<u8>> {
    let mut out = Vec::with_capacity(entries.len() * 256);
    for (i, entry) in entries.iter().enumerate() {
        match format {
            ExportFormat::Json => {
                if !(first && i == 0) {
                    out.extend_from_slice(b",\n");
                }
                serde_json::to_writer(&mut out, entry)
                    .map_err(|e| ApiError::Internal(format!("export: {e}")))?;
            }
            ExportFormat::Csv => {
                let at = entry.at.to_string();
                let user = entry
                    .actor
                    .user_id
                    .map(|u| u.to_string())
                    .unwrap_or_default();
                let payload = entry.payload.to_string();
                out.extend_from_slice(
                    csv_record([
                        entry.id.as_str(),
                        at.as_str(),
                        user.as_str(),
                        entry.actor.email.as_deref().unwrap_or_default(),
                        entry.actor.api_key_id.as_deref().unwrap_or_default(),
                        entry.event.id(),
                        entry.target.kind.as_str(),
                        entry.target.id.as_str(),
                        payload.as_str(),
                    ])
                    .as_bytes(),
                );
            }
        }
    }
    Ok(out)
}

/// Where an export stream is.
struct Export {
    store: Store,
    account: AccountRow,
    filter: ActivityFilter,
    format: ExportFormat,
    before: Option<String>,
    first: bool,
    done: bool,
}

impl Export {
    /// The next chunk: the opening, a page of entries, or the closing.
    async fn next(mut self) -> Option<(Result<Bytes, std::io::Error>, Self)> {
        if self.done {
            return None;
        }
        let (page, next) = match self
            .store
            .list_activity(
                &self.account,
                &[],
                &self.filter,
                self.before.as_deref(),
                EXPORT_PAGE,
            )
            .await
        {
            Ok(page) => page,
            Err(error) => {
                tracing::error!(%error, account = %self.account.id, "activity export stopped");
                self.done = true;
                return Some((Err(std::io::Error::other("export failed")), self));
            }
        };
        let mut chunk = Vec::new();
        if self.first {
            match self.format {
                ExportFormat::Json => chunk.extend_from_slice(b"[\n"),
                ExportFormat::Csv => chunk.extend_from_slice(csv_record(CSV_COLUMNS).as_bytes()),
            }
        }
        match encode(self.format, &page, self.first) {
            Ok(bytes) => chunk.extend_from_slice(&bytes),
            Err(error) => {
                tracing::error!(%error, "activity export stopped");
                self.done = true;
                return Some((Err(std::io::Error::other("export failed")), self));
            }
        }
        self.first = self.first && page.is_empty();
        if next.is_none() {
            self.done = true;
            if self.format == ExportFormat::Json {
                chunk.extend_from_slice(b"\n]\n");
            }
        }
        self.before = next;
        Some((Ok(Bytes::from(chunk)), self))
    }
}

/// The whole (filtered) log as a CSV or JSON file, newest first, streamed: it
/// starts at the newest entry when the request arrives, so entries made while it
/// streams are not half included. CSV cells that a spreadsheet would run as
/// formulas are prefixed with `'`.
#[utoipa::path(get, path = "/api/accounts/{id}/activity/export", tag = "activity",
    params(("id" = AccountId, Path, description = "Account id"), ActivityParams),
    responses(
        (status = 200, description = "The entries as a file (`text/csv` with a header row, or a JSON array of entries)", content(
            (String = "text/csv"),
            (Vec<ActivityView> = "application/json"))),
        Unauthenticated, Forbidden, NotFound, Invalid))]
pub async fn export_activity(
    State(state): State<AppState>,
    caller: AuthUser,
    ApiPath(id): ApiPath<AccountId>,
    ApiQuery(params): ApiQuery<ActivityParams>,
) -> ApiResult<Response> {
    let format =
        ExportFormat::parse(params.format.as_deref()).map_err(|e| ApiError::Invalid(vec![e]))?;
    let filter = params.filter()?;
    let account = readable(&state, &caller, id).await?;
    let export = Export {
        store: state.store.clone(),
        account,
        filter,
        format,
        before: None,
        first: true,
        done: false,
    };
    // Fused: the compression layer polls once more after the end, and an
    // `unfold` panics when polled after it returned `None`.
    let stream = futures_util::stream::unfold(export, Export::next).fuse();
    let mut response = Body::from_stream(stream).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    let file = format!(
        "attachment; filename=\"activity-{id}-{}.{}\"",
        day_label(day_of(now())),
        format.extension()
    );
    if let Ok(value) = HeaderValue::from_str(&file) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
