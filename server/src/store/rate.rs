//! Rate limiting with counters in the database, so every server process sees the
//! same counts. A window's count and the new event are not one atomic step, so
//! concurrent attempts may pass the limit by at most the number in flight.

use super::pool::Store;
use crate::error::{ApiError, ApiResult};
use domain::Timestamp;

/// A limit: at most `max` events per `window_seconds` in one bucket.
#[derive(Clone, Copy, Debug)]
pub struct RateLimit {
    pub max: u32,
    pub window_seconds: i64,
}

impl Store {
    /// Refuses with `rate_limited` if `bucket` already holds `limit.max` events in
    /// the window ending `now`.
    pub async fn check_rate(
        &self,
        bucket: &str,
        limit: RateLimit,
        now: Timestamp,
    ) -> ApiResult<()> {
        let since = now.plus_seconds(-limit.window_seconds);
        let (n, oldest): (i64, Option<i64>) = sqlx::query_as(
            "SELECT COUNT(*), MIN(at) FROM rate_events WHERE bucket = $1 AND at > $2",
        )
        .bind(bucket)
        .bind(since.as_millis())
        .fetch_one(self.pool())
        .await?;
        if n >= i64::from(limit.max) {
            let frees_at = oldest.unwrap_or(now.as_millis()) + limit.window_seconds * 1000;
            let retry_after = (frees_at - now.as_millis() + 999) / 1000;
            return Err(ApiError::RateLimited { retry_after });
        }
        Ok(())
    }

    /// Counts one event in `bucket`.
    pub async fn hit_rate(&self, bucket: &str, now: Timestamp) -> ApiResult<()> {
        sqlx::query("INSERT INTO rate_events (bucket, at) VALUES ($1, $2)")
            .bind(bucket)
            .bind(now.as_millis())
            .execute(self.pool())
            .await?;
        Ok(())
    }

    /// Forgets `bucket`'s events (the failed sign-ins before a password reset).
    pub async fn clear_rate(&self, bucket: &str) -> ApiResult<()> {
        sqlx::query("DELETE FROM rate_events WHERE bucket = $1")
            .bind(bucket)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}
