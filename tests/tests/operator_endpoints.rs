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
