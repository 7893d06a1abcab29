//! With `OTEL_EXPORTER_OTLP_ENDPOINT` set, `api serve` sends its traces to
//! that OpenTelemetry collector over OTLP/HTTP: one trace per request, the
//! GraphQL execution a child of the HTTP request's span, database calls
//! under it. The collector here is a stand-in that decodes what arrives
//! with the OTLP protobuf definitions, as a real collector would.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, KeyValue, any_value};
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message as _;
use serde_json::json;
use tests::{ServerProcess, SqliteDatabase, token};

#[derive(Default)]
struct Received {
    spans: Vec<Span>,
    service_names: Vec<String>,
    content_types: Vec<String>,
}

async fn collect(
    State(received): State<Arc<Mutex<Received>>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let Ok(export) = ExportTraceServiceRequest::decode(body) else {
        return StatusCode::BAD_REQUEST;
    };
    let mut received = received.lock().expect("not poisoned");
    received.content_types.push(
        headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned(),
    );
    for resource_spans in export.resource_spans {
        if let Some(resource) = &resource_spans.resource {
            received
                .service_names
                .extend(text(&resource.attributes, "service.name"));
        }
        for scope in resource_spans.scope_spans {
            received.spans.extend(scope.spans);
        }
    }
    StatusCode::OK
}

fn text(attributes: &[KeyValue], key: &str) -> Option<String> {
    attributes
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| match &kv.value {
            Some(AnyValue {
                value: Some(any_value::Value::StringValue(s)),
            }) => Some(s.clone()),
            _ => None,
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_of_a_request_reach_the_collector_as_one_trace() {
    let received = Arc::new(Mutex::new(Received::default()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("a port");
    let collector = format!("http://{}", listener.local_addr().expect("bound"));
    let app = Router::new()
        .route("/v1/traces", post(collect))
        .with_state(received.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });

    let database = SqliteDatabase::create();
    let mut server = ServerProcess::start_with(
        database.url(),
        &[("OTEL_EXPORTER_OTLP_ENDPOINT", collector.as_str())],
    )
    .await;
    let editor = token("eva-varnamo", &["municipality_editor"], &["0683"], &[]);
    let response = reqwest::Client::new()
        .post(format!("{}/graphql", server.base_url))
        .bearer_auth(editor)
        .json(&json!({
            "query": "query EditorPledges { pledges(filter: { municipality: \"0683\" }) { totalCount } }",
            "operationName": "EditorPledges",
        }))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
    let request_id = response.headers()["x-request-id"]
        .to_str()
        .expect("text")
        .to_owned();
    // Stopping flushes the exporter's buffer: no waiting for its timer.
    server.terminate();
    assert!(server.exited().await.success(), "{}", server.log());

    let received = received.lock().expect("not poisoned");
    assert!(
        received
            .content_types
            .iter()
            .all(|t| t == "application/x-protobuf"),
        "{:?}",
        received.content_types
    );
    assert!(
        received
            .service_names
            .iter()
            .any(|n| n == "medborgarloften-api"),
        "{:?}",
        received.service_names
    );
    let spans = &received.spans;
    fn named<'a>(spans: &'a [Span], name: &'a str) -> impl Iterator<Item = &'a Span> {
        spans.iter().filter(move |s| s.name == name)
    }
    let request = named(spans, "request")
        .find(|s| text(&s.attributes, "request_id").as_deref() == Some(&request_id))
        .unwrap_or_else(|| {
            panic!(
                "no request span with request_id {request_id}: {:?}",
                spans.iter().map(|s| &s.name).collect::<Vec<_>>()
            )
        });
    let execution = named(spans, "graphql.execute")
        .find(|s| s.trace_id == request.trace_id)
        .expect("the GraphQL execution is in the request's trace");
    assert_eq!(execution.parent_span_id, request.span_id);
    assert_eq!(
        text(&execution.attributes, "graphql.operation.name").as_deref(),
        Some("EditorPledges")
    );
    let queries: Vec<&Span> = spans
        .iter()
        .filter(|s| s.name.starts_with("sea_orm.") && s.parent_span_id == execution.span_id)
        .collect();
    assert!(
        !queries.is_empty(),
        "no database call under the execution: {:?}",
        spans.iter().map(|s| &s.name).collect::<Vec<_>>()
    );
    for query in queries {
        assert_eq!(query.trace_id, request.trace_id);
        assert_eq!(
            text(&query.attributes, "db.system").as_deref(),
            Some("sqlite")
        );
    }
}
