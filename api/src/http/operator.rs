//! What an operator's tools read: `/healthz` and `/readyz` for a load
//! balancer or Kubernetes probes, `/metrics` for Prometheus.

use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use super::AppState;
use crate::metrics;

/// How long `/readyz` waits for the database to answer.
const READY_TIMEOUT: Duration = Duration::from_secs(1);

/// `GET /healthz`: 200 while the process serves HTTP at all. Says nothing
/// of the database, so that an outage there does not get healthy
/// processes restarted.
pub(super) async fn healthz() -> &'static str {
    "ok\n"
}

/// `GET /readyz`: 200 when the database answers within `READY_TIMEOUT`,
/// 503 otherwise or once the server is stopping, so that a load balancer
/// sends requests elsewhere.
pub(super) async fn readyz(State(state): State<AppState>) -> (StatusCode, &'static str) {
    // A stopping server takes no new work: send it elsewhere.
    if state.shutdown.is_stopping() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down\n");
    }
    match tokio::time::timeout(READY_TIMEOUT, state.services.db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready\n"),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "not ready: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
        Err(_) => {
            tracing::warn!("not ready: the database did not answer in time");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}

/// `GET /metrics`: every metric in the OpenMetrics text format.
pub(super) async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, metrics::CONTENT_TYPE)],
        state.metrics.render(),
    )
}
