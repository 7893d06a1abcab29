//! What one request may take from the server: a bounded body and a
//! bounded time to its response head. Both answer in the GraphQL error
//! shape (a client library reads `errors[0].extensions.code` whatever
//! went wrong), which the bare responses of tower-http's layers would
//! not.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use super::responses;
use crate::error::ApiError;
use crate::metrics::Metrics;

/// The bounds, from the settings.
#[derive(Debug, Clone)]
pub(super) struct Limits {
    pub(super) max_body_bytes: usize,
    pub(super) timeout: Duration,
    /// Where refusals are counted.
    pub(super) metrics: Arc<Metrics>,
}

/// Refuses a body over `max_body_bytes` with 413 (by its Content-Length
/// before reading anything, or while reading one sent in chunks), and a
/// response head that takes longer than `timeout` with 503. The time
/// bound covers producing the head only: a streamed export or a
/// websocket lives on after it.
pub(super) async fn bound(State(limits): State<Limits>, req: Request, next: Next) -> Response {
    let too_large = |headers: &HeaderMap| {
        limits.metrics.rejected("body_too_large");
        let err = ApiError::BadUserInput {
            field: None,
            message: format!(
                "the request body is larger than {} bytes",
                limits.max_body_bytes
            ),
        };
        responses::error(headers, StatusCode::PAYLOAD_TOO_LARGE, &err)
    };
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limits.max_body_bytes as u64) {
        return too_large(req.headers());
    }
    let (parts, body) = req.into_parts();
    // Every body this API takes (a GraphQL request) is read whole by its
    // handler anyway; reading it here bounds it however it is sent.
    let bytes = match axum::body::to_bytes(body, limits.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(err) if is_length_limit(&err) => return too_large(&parts.headers),
        Err(err) => {
            tracing::debug!(error = %err, "the request body could not be read");
            let err = ApiError::BadUserInput {
                field: None,
                message: "the request body could not be read".to_owned(),
            };
            return responses::error(&parts.headers, StatusCode::BAD_REQUEST, &err);
        }
    };
    // What a late error needs of the request: how to shape the answer.
    let mut accept = HeaderMap::new();
    if let Some(value) = parts.headers.get(header::ACCEPT) {
        accept.insert(header::ACCEPT, value.clone());
    }
    let req = Request::from_parts(parts, Body::from(bytes));
    match tokio::time::timeout(limits.timeout, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(timeout = ?limits.timeout, "the request took too long; abandoned");
            limits.metrics.rejected("timeout");
            let err = ApiError::ServiceUnavailable(format!(
                "the request took longer than {} s; try again later",
                limits.timeout.as_secs_f64()
            ));
            let mut response = responses::error(&accept, StatusCode::SERVICE_UNAVAILABLE, &err);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("5"));
            response
        }
    }
}

fn is_length_limit(err: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}
