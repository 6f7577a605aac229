//! Prometheus metrics at `/metrics`: requests by status class with latency, and sales.

use std::fmt::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::state::AppState;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 8] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5];

#[derive(Debug, Default)]
pub struct Metrics {
    /// Responses by status class 1xx..5xx.
    responses: [AtomicU64; 5],
    /// Cumulative latency histogram counts (one per bucket, then +Inf).
    latency: [AtomicU64; 9],
    latency_micros_sum: AtomicU64,
    sales: AtomicU64,
    sales_fen: AtomicU64,
}

impl Metrics {
    pub fn sale_recorded(&self, amount_fen: i64) {
        self.sales.fetch_add(1, Ordering::Relaxed);
        self.sales_fen
            .fetch_add(u64::try_from(amount_fen).unwrap_or(0), Ordering::Relaxed);
    }

    fn observe(&self, status: u16, seconds: f64) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.responses[class].fetch_add(1, Ordering::Relaxed);
        for (index, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                self.latency[index].fetch_add(1, Ordering::Relaxed);
            }
        }
        self.latency[BUCKETS.len()].fetch_add(1, Ordering::Relaxed);
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        self.latency_micros_sum
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# TYPE shrimp_http_responses_total counter\n");
        for (index, count) in self.responses.iter().enumerate() {
            let _ = writeln!(
                out,
                "shrimp_http_responses_total{{class=\"{}xx\"}} {}",
                index + 1,
                count.load(Ordering::Relaxed)
            );
        }
        out.push_str("# TYPE shrimp_http_request_duration_seconds histogram\n");
        for (index, bound) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "shrimp_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {}",
                self.latency[index].load(Ordering::Relaxed)
            );
        }
        let total = self.latency[BUCKETS.len()].load(Ordering::Relaxed);
        let _ = writeln!(
            out,
            "shrimp_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {total}"
        );
        #[allow(clippy::cast_precision_loss)]
        let sum = self.latency_micros_sum.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "shrimp_http_request_duration_seconds_sum {sum}");
        let _ = writeln!(out, "shrimp_http_request_duration_seconds_count {total}");
        out.push_str("# TYPE shrimp_sales_total counter\n");
        let _ = writeln!(
            out,
            "shrimp_sales_total {}",
            self.sales.load(Ordering::Relaxed)
        );
        out.push_str("# TYPE shrimp_sales_fen_total counter\n");
        let _ = writeln!(
            out,
            "shrimp_sales_fen_total {}",
            self.sales_fen.load(Ordering::Relaxed)
        );
        out
    }
}

/// Counts every response and its latency.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let response = next.run(request).await;
    metrics.observe(response.status().as_u16(), started.elapsed().as_secs_f64());
    response
}

pub async fn serve(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        state.metrics.render(),
    )
}
