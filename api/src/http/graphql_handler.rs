//! `POST /graphql` and `GET /graphql`: credentials -> scope -> execute.

use async_graphql::http::GraphiQLSource;
use async_graphql_axum::GraphQLRequest;
use async_graphql_axum::rejection::GraphQLRejection;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::AppState;
use super::responses;
use crate::error::ApiError;
use crate::graphql::context::RequestContext;
use crate::scope::Scope;

/// The caller's scope from the request's credentials. No Authorization
/// header is anonymous. A header that is present but cannot be verified is
/// an error, never anonymous: treating it as anonymous would hide a broken
/// client or an attack behind an empty-looking answer. Token verification
/// is not configured in this version, so every token is refused.
fn scope_from_headers(headers: &HeaderMap) -> Result<Scope, ApiError> {
    match headers.get(header::AUTHORIZATION) {
        None => Ok(Scope::anonymous()),
        Some(_) => Err(ApiError::Unauthenticated(
            "the bearer token could not be verified".to_owned(),
        )),
    }
}

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
    request: Result<GraphQLRequest, GraphQLRejection>,
) -> Response {
    let wants_html = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"));
    if wants_html && state.settings.graphiql && request.is_err() {
        return Html(GraphiQLSource::build().endpoint("/graphql").finish()).into_response();
    }
    execute(state, headers, request).await
}

async fn execute(
    state: AppState,
    headers: HeaderMap,
    request: Result<GraphQLRequest, GraphQLRejection>,
) -> Response {
    let scope = match scope_from_headers(&headers) {
        Ok(scope) => scope,
        Err(err) => return responses::error(&headers, StatusCode::UNAUTHORIZED, &err),
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
    let request = request.data(RequestContext::new(state.db.clone(), scope));
    let request = if state.settings.introspection {
        request
    } else {
        request.disable_introspection()
    };
    let mut response = state.schema.execute(request).await;
    responses::classify_errors(&mut response);
    responses::graphql(&headers, &response)
}
