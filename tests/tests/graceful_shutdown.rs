//! SIGTERM, as Kubernetes sends it to stop a pod: the server stops
//! accepting connections, finishes the request in flight, tells a
//! websocket client that it is going away (1001) and exits 0.

use futures::StreamExt;
use serde_json::json;
use tests::slow_request::{SlowRequest, until_refused};
use tests::ws::{connect, next_json, send};
use tests::{ServerProcess, SqliteDatabase};
use tokio_tungstenite::tungstenite::Message;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_request_in_flight_refuses_new_ones_and_exits_0() {
    let database = SqliteDatabase::create();
    let mut server = ServerProcess::start(database.url()).await;
    let addr = server.base_url.trim_start_matches("http://").to_owned();

    // A subscriber, listening.
    let mut subscriber = connect(&server.base_url, &[]).await;
    send(
        &mut subscriber,
        json!({ "type": "connection_init", "payload": {} }),
    )
    .await;
    assert_eq!(next_json(&mut subscriber).await["type"], "connection_ack");
    send(
        &mut subscriber,
        json!({ "id": "1", "type": "subscribe",
                "payload": { "query": "subscription { pledgeChanged { id } }" } }),
    )
    .await;
    server.listening(1).await;

    // A slow request: its body comes in two chunks, the second only after
    // SIGTERM. The server is reading it when the signal arrives.
    let slow = SlowRequest::start(&addr).await;
    server
        .wait_for_metric("medborgarloften_requests_in_flight", 1.0)
        .await;

    server.terminate();

    // The websocket client is told the server is going away.
    let close = loop {
        match subscriber.next().await {
            Some(Ok(Message::Close(frame))) => break frame,
            Some(Ok(_)) => continue,
            other => panic!("the socket ended without a close frame: {other:?}"),
        }
    };
    assert_eq!(close.map(|f| u16::from(f.code)), Some(1001));

    // New connections are refused once the listener is closed.
    until_refused(&addr, std::time::Duration::from_secs(10)).await;

    // The request in flight completes, with its answer.
    slow.finish().await;

    let status = server.exited().await;
    assert!(status.success(), "exited with {status}: {}", server.log());
    drop(server);
    drop(database);
}
