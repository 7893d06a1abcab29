//! `POST /graphql` and `GET /graphql`: credentials -> scope -> execute.

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::GraphQLRequest;
use async_graphql_axum::rejection::GraphQLRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};

use super::responses;
use super::{AppState, authenticate};
use crate::error::ApiError;
use crate::graphql::context::RequestContext;

pub(super) async fn post_graphql(
    State(state): State<AppState>,
    headers: HeaderMap,
    request: Result<GraphQLRequest, GraphQLRejection>,
) -> Response {
    execute(state, headers, request).await
}

pub(super) async fn get_graphql(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    request: Result<GraphQLRequest, GraphQLRejection>,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    // A browser opening the endpoint sends no query: show GraphiQL. A GET
    // with a query is GraphQL over HTTP, whatever the Accept header says.
    let has_query = uri
        .query()
        .is_some_and(|q| q.split('&').any(|pair| pair.starts_with("query=")));
    if wants_html && state.settings.graphiql && !has_query {
        return Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response();
    }
    execute(state, headers, request).await
}

async fn execute(
    state: AppState,
    headers: HeaderMap,
    request: Result<GraphQLRequest, GraphQLRejection>,
) -> Response {
    let today = chrono::Utc::now().date_naive();
    let scope = match authenticate::scope_for(&state, &headers, today).await {
        Ok(scope) => scope,
        Err(err @ ApiError::Unauthenticated(_)) => {
            return responses::error(&headers, StatusCode::UNAUTHORIZED, &err);
        }
        Err(err) => return responses::error(&headers, StatusCode::INTERNAL_SERVER_ERROR, &err),
    };
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
    let request_id = headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let request = request.data(RequestContext::new(
        state.db.clone(),
        scope,
        today,
        request_id,
    ));
    let request = if state.settings.introspection {
        request
    } else {
        request.disable_introspection()
    };
    let mut response = state.schema.execute(request).await;
    responses::classify_errors(&mut response);
    responses::graphql(&headers, &response)
}
