//! When PostgreSQL goes away, the server says so at once instead of
//! hanging, and when it comes back the server recovers by itself: the
//! outage is a TCP proxy between one `api serve` process and the database,
//! taken down and brought back (PostgreSQL only).

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tests::{PostgresDatabase, ServerProcess, TcpProxy, error_codes, token};

/// How long a client waits for any answer: well above the server's
/// default 500 ms wait for a connection, so a timeout here means the
/// server hung.
const PATIENCE: Duration = Duration::from_secs(3);

async fn status_of(base_url: &str, path: &str) -> u16 {
    reqwest::Client::new()
        .get(format!("{base_url}{path}"))
        .timeout(PATIENCE)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{path} did not answer in time: {e}"))
        .status()
        .as_u16()
}

/// An editor's query (never answered from the public response cache) and
/// how long its answer took.
async fn editor_query(base_url: &str) -> (Value, Duration) {
    let started = Instant::now();
    let body = reqwest::Client::new()
        .post(format!("{base_url}/graphql"))
        .bearer_auth(token(
            "eva-varnamo",
            &["municipality_editor"],
            &["0683"],
            &[],
        ))
        .json(&json!({ "query": "{ pledges(filter: { municipality: \"0683\" }) { totalCount } }" }))
        .timeout(PATIENCE)
        .send()
        .await
        .expect("the server answers in time")
        .json()
        .await
        .expect("a JSON body");
    (body, started.elapsed())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_the_database_is_away_requests_fail_fast_and_afterwards_succeed_again() {
    let Some(database) = PostgresDatabase::create().await else {
        eprintln!("skipped: TEST_DATABASE_URL is not set (PostgreSQL only)");
        return;
    };
    let (proxy, url) = TcpProxy::in_front_of(database.url()).await;
    let server = ServerProcess::start(&url).await;
    let base = server.base_url.as_str();
    let (before, _) = editor_query(base).await;
    assert!(before.get("errors").is_none(), "{before}");
    let pledges = before["data"]["pledges"]["totalCount"].clone();
    assert!(pledges.as_u64().is_some_and(|n| n > 0), "{before}");
    assert_eq!(status_of(base, "/readyz").await, 200);

    let proxy = proxy.down().await;
    let (during, took) = editor_query(base).await;
    assert_eq!(error_codes(&during), ["SERVICE_UNAVAILABLE"], "{during}");
    assert!(
        !during.to_string().contains("5432") && !during.to_string().contains("pool"),
        "a database message reached the client: {during}"
    );
    eprintln!("SERVICE_UNAVAILABLE answered in {took:?}");
    assert_eq!(status_of(base, "/readyz").await, 503);
    assert_eq!(
        status_of(base, "/healthz").await,
        200,
        "the process itself is fine"
    );

    // Back: the very next request succeeds, with no restart.
    let _proxy = proxy.up().await;
    let (after, _) = editor_query(base).await;
    assert!(after.get("errors").is_none(), "{after}");
    assert_eq!(after["data"]["pledges"]["totalCount"], pledges);
    assert_eq!(status_of(base, "/readyz").await, 200);
}
