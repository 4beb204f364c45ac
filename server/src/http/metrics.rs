//! Request counters of this process, in the Prometheus text format.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Request counters of this process.
#[derive(Debug, Default)]
pub struct Metrics {
    /// (method, status) → requests.
    requests: Mutex<BTreeMap<(String, u16), u64>>,
    duration_micros: AtomicU64,
    finished: AtomicU64,
    in_flight: AtomicI64,
}

impl Metrics {
    /// A request arrived.
    pub fn started(&self) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
    }

    /// A request was answered with `status` after `took`.
    pub fn finished(&self, method: String, status: u16, took: Duration) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.duration_micros.fetch_add(micros, Ordering::Relaxed);
        self.finished.fetch_add(1, Ordering::Relaxed);
        if let Ok(mut requests) = self.requests.lock() {
            *requests.entry((method, status)).or_default() += 1;
        }
    }

    /// The counters as Prometheus text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP orgspace_http_requests_total HTTP requests answered, by method and status.\n",
        );
        out.push_str("# TYPE orgspace_http_requests_total counter\n");
        if let Ok(requests) = self.requests.lock() {
            for ((method, status), n) in requests.iter() {
                let _ = writeln!(
                    out,
                    "orgspace_http_requests_total{{method=\"{method}\",status=\"{status}\"}} {n}"
                );
            }
        }
        out.push_str(
            "# HELP orgspace_http_request_duration_seconds Time spent answering requests.\n",
        );
        out.push_str("# TYPE orgspace_http_request_duration_seconds summary\n");
        let _ = writeln!(
            out,
            "orgspace_http_request_duration_seconds_sum {:.6}",
            self.duration_micros.load(Ordering::Relaxed) as f64 / 1e6
        );
        let _ = writeln!(
            out,
            "orgspace_http_request_duration_seconds_count {}",
            self.finished.load(Ordering::Relaxed)
        );
        out.push_str("# HELP orgspace_http_requests_in_flight Requests being answered now.\n");
        out.push_str("# TYPE orgspace_http_requests_in_flight gauge\n");
        let _ = writeln!(
            out,
            "orgspace_http_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        out
    }
}
