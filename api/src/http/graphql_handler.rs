//! `POST /graphql` and `GET /graphql`: credentials -> scope -> execute.

use std::net::IpAddr;
use std::sync::Arc;

use async_graphql::http::GraphiQLSource;
use async_graphql::{BatchRequest, BatchResponse, Executor as _};
use async_graphql_axum::GraphQLBatchRequest;
use async_graphql_axum::rejection::GraphQLRejection;
use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use tracing::Instrument as _;

use super::observe::{Summary, operation_label, outcome_of};
use super::rate_limit::{self, ClientIp};
use super::{AppState, authenticate};
use super::{public, responses};
use crate::error::ApiError;
use crate::graphql::Limited;
use crate::graphql::context::RequestContext;
use crate::request_id::RequestId;

pub(super) async fn post_graphql(
    State(state): State<AppState>,
    Extension(request_id): Extension<RequestId>,
    ip: Option<Extension<ClientIp>>,
    headers: HeaderMap,
    request: Result<GraphQLBatchRequest, GraphQLRejection>,
) -> Response {
    // A body must say it is JSON (GraphQL over HTTP): without this check
    // any body, even one sent as text/plain or with no content-type, would
    // be read as JSON.
    if !is_json(&headers) {
        let err = ApiError::BadUserInput {
            field: None,
            message: "a POST must have content-type application/json".to_owned(),
        };
        return responses::error(&headers, StatusCode::UNSUPPORTED_MEDIA_TYPE, &err);
    }
    execute(
        state,
        request_id,
        headers,
        request,
        false,
        ip.and_then(|Extension(ClientIp(ip))| ip),
    )
    .await
}

pub(super) async fn get_graphql(
    State(state): State<AppState>,
    Extension(request_id): Extension<RequestId>,
    ip: Option<Extension<ClientIp>>,
    headers: HeaderMap,
    uri: Uri,
    request: Result<GraphQLBatchRequest, GraphQLRejection>,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    // A browser opening the endpoint sends no query (nor a persisted
    // query's hash): show GraphiQL. A GET
    // with a query is GraphQL over HTTP, whatever the Accept header says.
    let has_query = uri.query().is_some_and(|q| {
        q.split('&')
            .any(|pair| pair.starts_with("query=") || pair.starts_with("extensions="))
    });
    if wants_html && state.settings.graphiql && !has_query {
        return Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response();
    }
    execute(
        state,
        request_id,
        headers,
        request,
        true,
        ip.and_then(|Extension(ClientIp(ip))| ip),
    )
    .await
}

/// Whether the request's content-type is `application/json` (any
/// parameters, such as a charset, allowed).
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/json"))
}

/// Whether the operation to run is a mutation. Unparsable queries are left
/// to the executor, which reports them.
fn is_mutation(query: &str, operation: Option<&str>) -> bool {
    let Ok(doc) = async_graphql::parser::parse_query(query) else {
        return false;
    };
    doc.operations.iter().any(|(name, op)| {
        let selected = match (operation, name) {
            (None, _) => true,
            (Some(wanted), Some(name)) => name.as_str() == wanted,
            (Some(_), None) => false,
        };
        selected && op.node.ty == async_graphql::parser::types::OperationType::Mutation
    })
}

/// Runs `request` for the caller its headers name; `get`: it came as an
/// HTTP GET.
async fn execute(
    state: AppState,
    request_id: RequestId,
    headers: HeaderMap,
    request: Result<GraphQLBatchRequest, GraphQLRejection>,
    get: bool,
    ip: Option<IpAddr>,
) -> Response {
    let today = crate::calendar::today();
    let scope = match authenticate::scope_for(&state, &headers, today).await {
        Ok(scope) => scope,
        Err(err) => return authenticate::refused(&state, &headers, &err),
    };
    if let Some(refused) = rate_limit::refusal_if_over(&state, &scope, ip, &headers) {
        return refused;
    }
    let request = match request {
        Ok(request) => request.into_inner(),
        Err(rejection) => {
            tracing::debug!(error = %rejection.0, "unreadable GraphQL request");
            let err = ApiError::BadUserInput {
                field: None,
                message: "the request is not a GraphQL request (expected JSON with a \"query\")"
                    .to_owned(),
            };
            return responses::error(&headers, StatusCode::BAD_REQUEST, &err);
        }
    };
    if let BatchRequest::Batch(items) = &request
        && items.len() > state.settings.limits.batch
    {
        let err = ApiError::QueryTooComplex(format!(
            "a batch may hold at most {} operations",
            state.settings.limits.batch
        ));
        state.metrics.rejected("batch_too_large");
        return responses::error(&headers, StatusCode::BAD_REQUEST, &err);
    }
    // From here on the document is known: a hash names it, or the
    // allow-list refuses it.
    let request = match request {
        BatchRequest::Single(mut one) => {
            if let Err(refusal) = state.persisted.resolve(&mut one) {
                state.metrics.rejected(refusal.reason);
                let status = responses::status_for(&headers, true);
                return responses::coded_error(&headers, status, &refusal.message, refusal.code);
            }
            BatchRequest::Single(one)
        }
        batch => batch,
    };
    // GET must not change anything (links, prefetchers and CSRF): writes
    // need POST.
    if let BatchRequest::Single(one) = &request
        && get
        && is_mutation(&one.query, one.operation_name.as_deref())
    {
        let err = ApiError::BadUserInput {
            field: None,
            message: "mutations must be sent with POST".to_owned(),
        };
        return responses::error(&headers, StatusCode::METHOD_NOT_ALLOWED, &err);
    }
    // Each operation of a batch gets its own context.
    let request = match request {
        // Anonymous single queries go through the public response cache.
        BatchRequest::Single(one) if scope.caller().is_none() => {
            return public::answer(&state, &headers, today, request_id, one, get).await;
        }
        other => other,
    };
    let reference = state.services.directory.current();
    let prepare = |request: async_graphql::Request| {
        let context = RequestContext::with_reference(
            &state.services,
            scope.clone(),
            today,
            request_id.clone(),
            reference.clone(),
        );
        request.data(context)
    };
    let (response, operation) = match request {
        BatchRequest::Single(mut one) => {
            let operation = operation_label(&mut one);
            let response = in_turn(&state, &state.graphql.uncached, prepare(one)).await;
            (BatchResponse::Single(response), operation)
        }
        BatchRequest::Batch(many) => {
            let mut out = Vec::with_capacity(many.len());
            for mut one in many {
                out.push(match state.persisted.resolve(&mut one) {
                    Ok(()) => in_turn(&state, &state.graphql.uncached, prepare(one)).await,
                    Err(refusal) => {
                        state.metrics.rejected(refusal.reason);
                        async_graphql::Response::from_errors(vec![refusal.into_server_error()])
                    }
                });
            }
            (BatchResponse::Batch(out), Arc::from("batch"))
        }
    };
    let (status, outcome) = match &response {
        BatchResponse::Single(one) => (
            responses::status_for(&headers, responses::is_request_error(one)),
            outcome_of(one),
        ),
        BatchResponse::Batch(all) => (
            StatusCode::OK,
            all.iter()
                .map(outcome_of)
                .find(|o| *o != "OK")
                .unwrap_or("OK"),
        ),
    };
    let mut answer = responses::graphql(&headers, status, &response);
    // A signed-in caller's answer is theirs alone: no cache may keep it.
    answer.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-store"),
    );
    Summary::new(operation, outcome, &scope).on(answer)
}

/// Executes one operation once it has a turn (`Services::queries`): the
/// number of responses being built at once, and so their memory, stays
/// bounded however many clients are waiting.
pub(super) async fn in_turn(
    state: &AppState,
    executor: &Limited,
    request: async_graphql::Request,
) -> async_graphql::Response {
    // The semaphore is never closed; if it were, the operation would run
    // without a turn rather than fail.
    let _turn = state.services.queries.turn().await;
    let span = execution_span(&request);
    executor.execute(request).instrument(span).await
}

/// The span of one GraphQL execution (under the request's, over its
/// database calls' when traces are exported).
pub(super) fn execution_span(request: &async_graphql::Request) -> tracing::Span {
    tracing::info_span!(
        "graphql.execute",
        graphql.operation.name = request.operation_name.as_deref().unwrap_or("")
    )
}
