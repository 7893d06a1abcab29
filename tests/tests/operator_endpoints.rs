//! What an operator's tools read: `/healthz` and `/readyz` as a load
//! balancer or Kubernetes probes them, `/metrics` as Prometheus scrapes it
//! (the OpenMetrics text format). The database going away is in
//! `database_outage.rs`.

use serde_json::json;
use tests::ws::{Socket, connect, send};
use tests::{db_test, metric_value};

const ACTIVE: &str = "medborgarloften_subscriptions_active";

async fn scrape(base_url: &str) -> String {
    let response = reqwest::get(format!("{base_url}/metrics"))
        .await
        .expect("the server answers /metrics");
    assert_eq!(response.status(), 200);
    let content_type = tests::content_type(&response);
    assert!(
        content_type.starts_with("application/openmetrics-text"),
        "{content_type}"
    );
    let text = response.text().await.expect("a text body");
    assert!(text.ends_with("# EOF\n"), "not OpenMetrics text: {text}");
    text
}

/// Opens a graphql-transport-ws connection and starts one anonymous
/// `pledgeChanged` subscription on it.
async fn subscribe(base_url: &str) -> Socket {
    let mut socket = connect(base_url, &[]).await;
    send(
        &mut socket,
        json!({ "type": "connection_init", "payload": {} }),
    )
    .await;
    send(
        &mut socket,
        json!({ "id": "1", "type": "subscribe",
                "payload": { "query": "subscription { pledgeChanged { id } }" } }),
    )
    .await;
    socket
}

db_test!(metrics_count_the_subscriptions_listening_now, |app| {
    assert_eq!(
        metric_value(&scrape(&app.base_url).await, ACTIVE),
        Some(0.0),
        "no subscription yet"
    );
    let first = subscribe(&app.base_url).await;
    let mut second = subscribe(&app.base_url).await;
    app.listening(2).await;
    assert_eq!(
        metric_value(&scrape(&app.base_url).await, ACTIVE),
        Some(2.0)
    );

    // A client that goes away is no longer counted.
    second.close(None).await.expect("closed");
    drop(second);
    app.listening(1).await;
    assert_eq!(
        metric_value(&scrape(&app.base_url).await, ACTIVE),
        Some(1.0)
    );
    drop(first);
});

db_test!(
    health_and_readiness_answer_200_while_the_database_answers,
    |app| {
        for path in ["/healthz", "/readyz"] {
            let response = reqwest::get(format!("{}{path}", app.base_url))
                .await
                .expect("the server answers");
            assert_eq!(response.status(), 200, "{path}");
        }
    }
);

// A small body limit, so that the refused body fits in the socket's
// buffers: a client still writing megabytes when the server refuses by
// Content-Length and closes can see a broken pipe before it reads the
// 413.
db_test!(
    metrics_count_requests_by_operation_and_outcome_and_show_pool_and_refusals,
    env = [("APP_MAX_BODY_BYTES", "10000")],
    |app| {
        let client = reqwest::Client::new();
        let post = |body: String, token: Option<&str>| {
            let mut request = client
                .post(format!("{}/graphql", app.base_url))
                .header("content-type", "application/json")
                .body(body);
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            request.send()
        };
        let named = json!({ "query": "query ListFocusAreas { focusAreas { code } }" }).to_string();
        // Twice: the second answer comes from the public response cache
        // and is counted the same.
        for _ in 0..2 {
            assert_eq!(
                post(named.clone(), None).await.expect("answered").status(),
                200
            );
        }
        let bad_token = post(named.clone(), Some("not-a-token"))
            .await
            .expect("answered");
        assert_eq!(bad_token.status(), 401);
        let huge =
            json!({ "query": format!("{{ focusAreas {{ code }} }} #{}", "x".repeat(20_000)) });
        let too_large = post(huge.to_string(), None).await.expect("answered");
        assert_eq!(too_large.status(), 413);

        let text = scrape(&app.base_url).await;
        let value = |sample: &str| metric_value(&text, sample);
        assert_eq!(
            value("medborgarloften_requests_total{operation=\"ListFocusAreas\",outcome=\"OK\"}"),
            Some(2.0),
            "{text}"
        );
        assert_eq!(
            value(
                "medborgarloften_request_duration_seconds_count{operation=\"ListFocusAreas\",outcome=\"OK\"}"
            ),
            Some(2.0),
            "{text}"
        );
        assert_eq!(
            value(
                "medborgarloften_requests_total{operation=\"/graphql\",outcome=\"UNAUTHENTICATED\"}"
            ),
            Some(1.0),
            "{text}"
        );
        assert_eq!(
            value("medborgarloften_rejected_requests_total{reason=\"unauthenticated\"}"),
            Some(1.0),
            "{text}"
        );
        assert_eq!(
            value("medborgarloften_rejected_requests_total{reason=\"body_too_large\"}"),
            Some(1.0),
            "{text}"
        );
        // How the pool's connections split between idle and in use at
        // the scrape depends on background work (the event listener, the
        // data-version poll); that the pool holds some does not.
        let idle = value("medborgarloften_db_pool_connections{state=\"idle\"}");
        let in_use = value("medborgarloften_db_pool_connections{state=\"in_use\"}");
        assert!(
            matches!((idle, in_use), (Some(idle), Some(in_use)) if idle + in_use >= 1.0),
            "{text}"
        );
        assert_eq!(
            value("medborgarloften_operations{state=\"waiting\"}"),
            Some(0.0),
            "{text}"
        );
        assert_eq!(
            value("medborgarloften_operations{state=\"running\"}"),
            Some(0.0),
            "{text}"
        );
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_log_is_json_lines_with_request_id_operation_and_outcome() {
    let database = tests::SqliteDatabase::create();
    let server = tests::ServerProcess::start_with(
        database.url(),
        &[("APP_LOG_FORMAT", "json"), ("RUST_LOG", "info")],
    )
    .await;
    let editor = tests::token("eva-varnamo", &["municipality_editor"], &["0683"], &[]);
    let response = reqwest::Client::new()
        .post(format!("{}/graphql", server.base_url))
        .bearer_auth(&editor)
        .header("x-request-id", "forged")
        .json(&json!({ "query": "query MyDrafts { pledges(filter: { status: DRAFT }) { totalCount } }" }))
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), 200);
    let own_id = response.headers()["x-request-id"]
        .to_str()
        .expect("an id")
        .to_owned();

    let log = server.log();
    let lines: Vec<serde_json::Value> = log
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"))
        })
        .collect();
    let answered = lines
        .iter()
        .find(|line| line["operation"] == "MyDrafts")
        .unwrap_or_else(|| panic!("no log line of the operation: {log}"));
    assert_eq!(answered["outcome"], "OK", "{answered}");
    assert_eq!(answered["subject"], "eva-varnamo", "{answered}");
    assert_eq!(answered["reach"], "municipalities:1", "{answered}");
    assert_eq!(answered["status"], 200, "{answered}");
    assert!(answered["duration_ms"].is_number(), "{answered}");
    let span = &answered["spans"][0];
    assert_eq!(span["request_id"], own_id.as_str(), "{answered}");
    assert_eq!(span["client_request_id"], "forged", "{answered}");
    drop(server);
    drop(database);
}
