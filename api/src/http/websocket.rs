//! `GET /graphql/ws`: GraphQL over websockets (graphql-transport-ws, and
//! the older subscriptions-transport-ws). The token comes in the
//! `connection_init` payload as `{"authorization": "Bearer …"}`. The server
//! reads that first message itself so that a bad token closes the socket
//! with 4403 Forbidden — never an anonymous connection — before
//! async-graphql takes over.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::futures_util::stream::BoxStream;
use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::{Data, Executor};
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::Extension;
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use futures::{SinkExt, StreamExt};
use serde_json::Value;
use tracing::Instrument as _;

use super::graphql_handler::execution_span;
use super::persisted::{PersistedOperations, Refusal};
use super::{AppState, authenticate};
use crate::graphql::Limited;
use crate::graphql::context::RequestContext;
use crate::metrics::Metrics;
use crate::request_id::RequestId;
use crate::scope::Scope;

/// How long a client has to send `connection_init`.
const INIT_TIMEOUT: Duration = Duration::from_secs(10);

/// Close codes of graphql-transport-ws.
const BAD_REQUEST: u16 = 4400;
const FORBIDDEN: u16 = 4403;
const INIT_TIMED_OUT: u16 = 4408;
/// RFC 6455: the server is going away (a client reconnects elsewhere).
const GOING_AWAY: u16 = 1001;

pub(super) async fn upgrade(
    State(state): State<AppState>,
    Extension(request_id): Extension<RequestId>,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| serve(state, request_id, socket, protocol))
}

/// The connection's executor: each operation runs in the connection's
/// context (its scope) under a request id of its own, so that the audit
/// entry of a mutation sent over the socket names that operation.
/// Operations named by a persisted hash are resolved first, and the
/// allow-list holds here as over HTTP (`persisted`).
#[derive(Clone)]
struct PerOperation {
    executor: Limited,
    context: RequestContext,
    persisted: Arc<PersistedOperations>,
    metrics: Arc<Metrics>,
}

impl PerOperation {
    /// The request ready to run, or why it may not.
    fn prepare(
        &self,
        mut request: async_graphql::Request,
    ) -> Result<async_graphql::Request, Refusal> {
        if let Err(refusal) = self.persisted.resolve(&mut request) {
            self.metrics.rejected(refusal.reason);
            return Err(refusal);
        }
        let mut context = self.context.clone();
        context.request_id = context.request_id.next();
        // Request data is looked up before the connection's session data.
        Ok(request.data(context))
    }
}

fn refused(refusal: Refusal) -> async_graphql::Response {
    async_graphql::Response::from_errors(vec![refusal.into_server_error()])
}

impl Executor for PerOperation {
    async fn execute(&self, request: async_graphql::Request) -> async_graphql::Response {
        match self.prepare(request) {
            Ok(request) => {
                let span = execution_span(&request);
                self.executor.execute(request).instrument(span).await
            }
            Err(refusal) => refused(refusal),
        }
    }

    fn execute_stream(
        &self,
        request: async_graphql::Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, async_graphql::Response> {
        match self.prepare(request) {
            Ok(request) => self.executor.execute_stream(request, session_data),
            Err(refusal) => futures::stream::once(async move { refused(refusal) }).boxed(),
        }
    }
}

async fn close(mut socket: WebSocket, code: u16, reason: &'static str) {
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
}

/// The scope a `connection_init` payload asks for, and when it ends: no
/// authorization is anonymous (for good); an authorization that does not
/// verify is refused.
async fn scope_from_init(state: &AppState, payload: &Value) -> Result<(Scope, Option<u64>), ()> {
    let today = crate::calendar::today();
    let Some(auth) = payload
        .get("authorization")
        .or_else(|| payload.get("Authorization"))
    else {
        return Ok((Scope::anonymous(), None));
    };
    let token = auth
        .as_str()
        .and_then(authenticate::bearer_token)
        .ok_or(())?;
    let (scope, expires) = authenticate::scope_and_expiry(state, token, today)
        .await
        .map_err(|_| ())?;
    Ok((scope, Some(expires)))
}

async fn serve(
    state: AppState,
    request_id: RequestId,
    mut socket: WebSocket,
    protocol: GraphQLProtocol,
) {
    // Counted open until this returns: a stopping server waits for that.
    let _open = state.shutdown.socket();
    let first = match tokio::time::timeout(INIT_TIMEOUT, socket.recv()).await {
        Ok(Some(Ok(message))) => message,
        Ok(_) => return,
        Err(_) => return close(socket, INIT_TIMED_OUT, "connection initialisation timeout").await,
    };
    let init: Option<Value> = match &first {
        Message::Text(text) => serde_json::from_str(text.as_str()).ok(),
        _ => None,
    };
    let Some(init) = init.filter(|m| m["type"] == "connection_init") else {
        return close(socket, BAD_REQUEST, "expected connection_init").await;
    };
    let payload = init.get("payload").cloned().unwrap_or(Value::Null);
    let Ok((scope, expires)) = scope_from_init(&state, &payload).await else {
        return close(socket, FORBIDDEN, "Forbidden").await;
    };

    let today = crate::calendar::today();
    // Each event is read afresh (see `subscription`): nothing the context
    // holds caches tenant data across events.
    let executor = PerOperation {
        executor: state.graphql.uncached.clone(),
        context: RequestContext::new(&state.services, scope, today, request_id),
        persisted: state.persisted.clone(),
        metrics: state.metrics.clone(),
    };
    let (mut sink, stream) = socket.split();
    // Hand async-graphql the connection_init it expects, then the rest.
    let stream = futures::stream::once(async move { Ok(first) }).chain(stream);
    // The session borrows the sink, so that the server can still close
    // the socket itself when it ends the session.
    let session = GraphQLWebSocket::new_with_pair(&mut sink, stream, executor, protocol).serve();
    // The scope is the token's: when the token expires, so does the
    // connection (the client reconnects with a fresh token).
    let lifetime = expires
        .map(|exp| std::time::Duration::from_secs(exp.saturating_sub(crate::auth::now_secs())));
    let expiry = async {
        match lifetime {
            Some(left) => tokio::time::sleep(left).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        () = session => {}
        () = expiry => {}
        () = state.shutdown.begun() => {
            let _ = sink
                .send(Message::Close(Some(CloseFrame {
                    code: GOING_AWAY,
                    reason: "the server is shutting down; reconnect".into(),
                })))
                .await;
        }
    }
}
