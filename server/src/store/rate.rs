//! Rate limiting with counters in the database, so every server process sees the
//! same counts. A window's count and the new event are not one atomic step, so
//! concurrent attempts may pass the limit by at most the number in flight.

use super::pool::Store;
use super::sql::Statement;
use super::tx::query;
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
        let statement = Statement::of(
            "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM rate_events WHERE bucket = $1 AND at > $2",
            [bucket.into(), since.as_millis().into()],
        );
        let (n, oldest) = self
            .read_one(statement, |row| {
                Ok((row.get::<i64>("n")?, row.get::<Option<i64>>("oldest")?))
            })
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
        self.execute(
            query("INSERT INTO rate_events (bucket, at) VALUES ($1, $2)")
                .bind(bucket)
                .bind(now.as_millis()),
        )
        .await?;
        Ok(())
    }

    /// Forgets `bucket`'s events (the failed sign-ins before a password reset).
    pub async fn clear_rate(&self, bucket: &str) -> ApiResult<()> {
        self.execute(query("DELETE FROM rate_events WHERE bucket = $1").bind(bucket))
            .await?;
        Ok(())
    }
}
