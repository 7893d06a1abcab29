//! The HTTP surface: routes, request ids and tracing. GraphQL handling is in
//! `graphql_handler`, the dashboard page in `dashboard`; nothing here
//! touches the database directly.

mod authenticate;
mod browsers;
mod dashboard;
mod export;
mod graphql_handler;
mod limits;
mod observe;
mod operator;
pub mod persisted;
mod public;
pub mod rate_limit;
pub mod response_cache;
mod responses;
mod validators;
mod websocket;

use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use tower_http::trace::TraceLayer;

use crate::auth::TokenVerifier;
use crate::config::Settings;
use crate::graphql::Executors;
use crate::metrics::Metrics;
use crate::request_id::RequestId;
use crate::services::Services;
use crate::shutdown::Shutdown;
use persisted::PersistedOperations;
use rate_limit::RateLimits;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    pub graphql: Executors,
    pub metrics: Arc<Metrics>,
    pub services: Services,
    pub settings: Arc<Settings>,
    pub verifier: Arc<TokenVerifier>,
    /// Whether the server is stopping; open websockets it is told to close.
    pub shutdown: Shutdown,
    /// The per-caller rate limit, when there is one.
    pub rate_limits: Option<Arc<RateLimits>>,
    /// Documents known by hash, and the allow-list if there is one.
    pub persisted: Arc<PersistedOperations>,
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
    let limits = limits::Limits {
        max_body_bytes: state.settings.max_body_bytes,
        timeout: state.settings.request_timeout,
        metrics: state.metrics.clone(),
    };
    let cors = state.settings.cors.clone();
    let trust_forwarded_for = state.settings.trust_forwarded_for;
    let routes = Router::new()
        .route(
            "/graphql",
            get(graphql_handler::get_graphql).post(graphql_handler::post_graphql),
        )
        .route("/graphql/ws", get(websocket::upgrade))
        .merge(export::routes())
        .merge(dashboard::routes())
        .with_state(state.clone())
        .route_layer(middleware::from_fn_with_state(limits, limits::bound))
        // Outside the limits: what they refuse is logged and counted too.
        .route_layer(middleware::from_fn_with_state(
            state.metrics.clone(),
            observe::observe,
        ))
        // Probes and scrapes are not bounded like requests: they must
        // answer even when the server is at its limits.
        .route("/healthz", get(operator::healthz))
        .route("/readyz", get(operator::readyz).with_state(state.clone()))
        .route("/metrics", get(operator::metrics).with_state(state));
    browsers::protect(routes, &cors)
        // Outermost first on the way in: assign an id, trace with it, and
        // send it back so a client can quote it when reporting a problem.
        .layer(TraceLayer::new_for_http().make_span_with(|req: &Request| {
            let id = req.extensions().get::<RequestId>();
            tracing::info_span!(
                "request",
                method = %req.method(),
                path = %req.uri().path(),
                request_id = id.map_or("-", RequestId::own),
                client_request_id = id.and_then(RequestId::client),
            )
        }))
        .layer(middleware::from_fn_with_state(
            trust_forwarded_for,
            rate_limit::client_ip,
        ))
        .layer(middleware::from_fn(assign_request_id))
}

/// Gives the request the server's own id (see `request_id`): as an
/// extension for the handlers, in place of any client-sent `x-request-id`
/// header (so nothing further in can mistake the client's for ours), and
/// on the response.
async fn assign_request_id(mut req: Request, next: Next) -> Response {
    const HEADER: &str = "x-request-id";
    let id = RequestId::with_client(req.headers().get(HEADER).map(HeaderValue::as_bytes));
    // A uuid is always a valid header value.
    let own = HeaderValue::from_str(id.own()).ok();
    if let Some(own) = &own {
        req.headers_mut().insert(HEADER, own.clone());
    }
    req.extensions_mut().insert(id);
    let mut response = next.run(req).await;
    if let Some(own) = own {
        response.headers_mut().insert(HEADER, own);
    }
    response
}
