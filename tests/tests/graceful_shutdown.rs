//! SIGTERM, as Kubernetes sends it to stop a pod: the server stops
//! accepting connections, finishes the request in flight, tells a
//! websocket client that it is going away (1001) and exits 0.

use futures::StreamExt;
use serde_json::json;
use tests::ws::{connect, next_json, send};
use tests::{ServerProcess, SqliteDatabase};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
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
    let body = json!({ "query": "{ focusAreas { code } }" }).to_string();
    let (first, second) = body.split_at(body.len() / 2);
    let mut slow = tokio::net::TcpStream::connect(&addr)
        .await
        .expect("connected");
    let head = format!(
        "POST /graphql HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
         transfer-encoding: chunked\r\n\r\n{:x}\r\n{first}\r\n",
        first.len()
    );
    slow.write_all(head.as_bytes()).await.expect("sent");
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
    let refused_by = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while tokio::net::TcpStream::connect(&addr).await.is_ok() {
        assert!(
            std::time::Instant::now() < refused_by,
            "the server still accepts connections"
        );
        tokio::task::yield_now().await;
    }

    // The request in flight completes, with its answer.
    let tail = format!("{:x}\r\n{second}\r\n0\r\n\r\n", second.len());
    slow.write_all(tail.as_bytes())
        .await
        .expect("sent the rest");
    let mut answer = Vec::new();
    slow.read_to_end(&mut answer)
        .await
        .expect("read the answer");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("\"focusAreas\""), "{answer}");

    let status = server.exited().await;
    assert!(status.success(), "exited with {status}: {}", server.log());
    drop(server);
    drop(database);
}
