//! A GraphQL request whose body arrives in two chunks, the second only
//! when the test says: a request the server is still reading while
//! something happens to it (a SIGTERM, a replica stopping). Also the wait
//! for a listener to close.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The query the slow request sends; its answer holds `"focusAreas"`.
const BODY: &str = r#"{"query":"{ focusAreas { code } }"}"#;

/// A request of `BODY` with half its body sent.
#[derive(Debug)]
pub struct SlowRequest {
    stream: TcpStream,
}

impl SlowRequest {
    /// Connects to `addr` (`host:port`) and sends the head and the first
    /// half of the body, asking for the connection to close after the
    /// answer.
    pub async fn start(addr: &str) -> Self {
        let (first, _) = BODY.split_at(BODY.len() / 2);
        let mut stream = TcpStream::connect(addr).await.expect("connected");
        let head = format!(
            "POST /graphql HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
             connection: close\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{first}\r\n",
            first.len()
        );
        stream.write_all(head.as_bytes()).await.expect("sent");
        Self { stream }
    }

    /// The client side's address (a balancer knows the connection by it).
    pub fn local_addr(&self) -> SocketAddr {
        self.stream.local_addr().expect("an address")
    }

    /// Sends the rest of the body; asserts the answer is a 200 with the
    /// focus areas.
    pub async fn finish(mut self) {
        let (_, second) = BODY.split_at(BODY.len() / 2);
        let tail = format!("{:x}\r\n{second}\r\n0\r\n\r\n", second.len());
        self.stream
            .write_all(tail.as_bytes())
            .await
            .expect("sent the rest");
        let mut answer = Vec::new();
        self.stream
            .read_to_end(&mut answer)
            .await
            .expect("read the answer");
        let answer = String::from_utf8_lossy(&answer);
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.contains("\"focusAreas\""), "{answer}");
    }
}

/// Waits until `addr` refuses connections (its listener has closed),
/// at most `patience`.
pub async fn until_refused(addr: &str, patience: Duration) {
    let deadline = tokio::time::Instant::now() + patience;
    while TcpStream::connect(addr).await.is_ok() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{addr} still accepts connections"
        );
        tokio::task::yield_now().await;
    }
}
