//! A graphql-transport-ws client over a real websocket, as the tests of
//! `/graphql/ws` use it.

use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde_json::Value;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

pub type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Opens `/graphql/ws` of the server at `base_url` with the
/// graphql-transport-ws subprotocol and any further `headers`; asserts
/// that the server chose that subprotocol.
pub async fn connect(base_url: &str, headers: &[(&'static str, &str)]) -> Socket {
    let url = base_url.replace("http://", "ws://") + "/graphql/ws";
    let mut request = url.into_client_request().expect("a websocket request");
    let all = request.headers_mut();
    all.insert(
        "sec-websocket-protocol",
        "graphql-transport-ws".parse().expect("header"),
    );
    for (name, value) in headers {
        all.insert(*name, value.parse().expect("a header value"));
    }
    let (socket, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("the websocket upgrade succeeds");
    assert_eq!(
        response
            .headers()
            .get("sec-websocket-protocol")
            .map(|v| v.as_bytes()),
        Some(&b"graphql-transport-ws"[..])
    );
    socket
}

/// Sends one protocol message.
pub async fn send(socket: &mut Socket, message: Value) {
    socket
        .send(Message::Text(message.to_string().into()))
        .await
        .expect("the message is sent");
}

/// The next protocol message the server sends, as JSON, skipping its
/// pings; it must come within 10 s.
pub async fn next_json(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("the server answers in time")
            .expect("a message")
            .expect("a readable message");
        if let Message::Text(text) = message {
            let value: Value = serde_json::from_str(text.as_str()).expect("JSON");
            if value["type"] != "ping" {
                return value;
            }
        }
    }
}
