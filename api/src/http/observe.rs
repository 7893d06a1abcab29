//! One log line and one count per request: what was asked (the GraphQL
//! operation, or the route), by whom (subject and reach), how it ended
//! (`OK` or the error code) and how long it took. Handlers say what they
//! know in a `Summary` on their response; the request id comes from the
//! request span around this.

use std::sync::Arc;
use std::time::Instant;

use async_graphql::{Request as GraphQLRequest, Response as GraphQLResponse};
use axum::extract::{MatchedPath, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use super::responses::ErrorCode;
use crate::error::code;
use crate::metrics::Metrics;
use crate::scope::{Reach, Scope};

/// What a handler knows of the request it answered.
#[derive(Debug, Clone)]
pub(super) struct Summary {
    /// The GraphQL operation's name (`operation_label`).
    pub(super) operation: Arc<str>,
    /// `OK`, or the code of the first error.
    pub(super) outcome: &'static str,
    /// The caller's subject and reach; `None` for anonymous callers.
    pub(super) caller: Option<(String, String)>,
}

impl Summary {
    pub(super) fn new(operation: Arc<str>, outcome: &'static str, scope: &Scope) -> Self {
        let caller = scope.caller().map(|caller| {
            let reach = match scope.reach() {
                Some(Reach::All) => "all".to_owned(),
                Some(Reach::Only(municipalities)) => {
                    format!("municipalities:{}", municipalities.len())
                }
                None => "published".to_owned(),
            };
            (caller.subject.clone(), reach)
        });
        Self {
            operation,
            outcome,
            caller,
        }
    }

    /// Puts the summary on `response` for `observe`.
    pub(super) fn on(self, mut response: Response) -> Response {
        response.extensions_mut().insert(self);
        response
    }
}

/// The name a GraphQL request is counted and logged by: its
/// `operationName`, or the name of the document's only operation;
/// `anonymous` for an unnamed one and `invalid` for a document that does
/// not parse. Anything but letters, digits and `_` is dropped and the
/// name is cut at 64 characters, so a client cannot write into a log
/// line. Parsing here costs nothing extra: the parsed document is kept
/// on the request for its execution.
pub(super) fn operation_label(request: &mut GraphQLRequest) -> Arc<str> {
    let name = match request.operation_name.clone() {
        Some(name) => name,
        None => match request.parsed_query() {
            Ok(doc) => match &doc.operations {
                async_graphql::parser::types::DocumentOperations::Multiple(named)
                    if named.len() == 1 =>
                {
                    named
                        .keys()
                        .next()
                        .map(|n| n.to_string())
                        .unwrap_or_default()
                }
                async_graphql::parser::types::DocumentOperations::Multiple(_) => {
                    "ambiguous".to_owned()
                }
                async_graphql::parser::types::DocumentOperations::Single(_) => {
                    "anonymous".to_owned()
                }
            },
            Err(_) => "invalid".to_owned(),
        },
    };
    let clean: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .take(64)
        .collect();
    if clean.is_empty() {
        Arc::from("anonymous")
    } else {
        Arc::from(clean)
    }
}

/// `OK`, or the code of the first error of `response`.
pub(super) fn outcome_of(response: &GraphQLResponse) -> &'static str {
    let Some(first) = response.errors.first() else {
        return "OK";
    };
    let named = first
        .extensions
        .as_ref()
        .and_then(|ext| ext.get("code"))
        .and_then(|value| match value {
            async_graphql::Value::String(code) => Some(code.as_str()),
            _ => None,
        });
    named
        .and_then(|named| code::ALL.iter().copied().find(|c| *c == named))
        .unwrap_or(code::INTERNAL)
}

/// The outcome of an answer without a `Summary`, by its status.
fn outcome_of_status(status: StatusCode) -> &'static str {
    match status {
        StatusCode::UNAUTHORIZED => code::UNAUTHENTICATED,
        StatusCode::FORBIDDEN => code::FORBIDDEN,
        StatusCode::NOT_FOUND => code::NOT_FOUND,
        StatusCode::TOO_MANY_REQUESTS => code::RATE_LIMITED,
        StatusCode::SERVICE_UNAVAILABLE => code::SERVICE_UNAVAILABLE,
        s if s.is_client_error() => code::BAD_USER_INPUT,
        s if s.is_server_error() => code::INTERNAL,
        _ => "OK",
    }
}

/// Logs and counts every request to a route.
pub(super) async fn observe(
    State(metrics): State<Arc<Metrics>>,
    req: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let in_flight = metrics.in_flight();
    let route = req.extensions().get::<MatchedPath>().cloned();
    let response = next.run(req).await;
    drop(in_flight);
    let took = started.elapsed();
    let status = response.status().as_u16();
    let summary = response.extensions().get::<Summary>();
    let operation = match (summary, &route) {
        (Some(summary), _) => &*summary.operation,
        (None, Some(route)) => route.as_str(),
        (None, None) => "-",
    };
    let outcome = match (summary, response.extensions().get::<ErrorCode>()) {
        (Some(summary), _) => summary.outcome,
        (None, Some(ErrorCode(code))) => code,
        (None, None) => outcome_of_status(response.status()),
    };
    let (subject, reach) = summary
        .and_then(|s| s.caller.as_ref())
        .map_or(("-", "published"), |(s, r)| (s.as_str(), r.as_str()));
    metrics.answered(operation, outcome, took);
    tracing::info!(
        target: "api::request",
        operation,
        outcome,
        status,
        subject,
        reach,
        duration_ms = took.as_secs_f64() * 1000.0,
        "answered"
    );
    response
}
