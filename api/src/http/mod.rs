//! The HTTP surface: routes, request ids and tracing. GraphQL handling is in
//! `graphql_handler`, the dashboard page in `dashboard`; nothing here
//! touches the database directly.

mod authenticate;
mod dashboard;
mod export;
mod graphql_handler;
mod public;
pub mod response_cache;
mod responses;
mod websocket;

use std::sync::Arc;

use axum::Router;
use axum::http::Request;
use axum::routing::get;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::auth::TokenVerifier;
use crate::config::Settings;
use crate::graphql::Executors;
use crate::services::Services;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub graphql: Executors,
    pub services: Services,
    pub settings: Arc<Settings>,
    pub verifier: Arc<TokenVerifier>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// The whole router, testable without a socket.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/graphql",
            get(graphql_handler::get_graphql).post(graphql_handler::post_graphql),
        )
        .route("/graphql/ws", get(websocket::upgrade))
        .route("/export/follow-ups.csv", get(export::csv))
        .route("/export/follow-ups.ndjson", get(export::ndjson))
        .merge(dashboard::routes())
        .with_state(state)
        // Outermost first on the way in: assign an id, trace with it, and
        // send it back so a client can quote it when reporting a problem.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request<_>| {
                let request_id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!(
                    "request",
                    method = %req.method(),
                    path = %req.uri().path(),
                    request_id = %request_id,
                )
            }),
        )
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}
