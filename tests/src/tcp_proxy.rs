//! A TCP proxy in front of a database, which a test can take down and
//! bring back: an outage as the server sees it when PostgreSQL stops
//! (open connections break, new ones are refused) without stopping the
//! PostgreSQL that other tests share.

use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// A proxy from a local port to `target`; stops when dropped.
#[derive(Debug)]
pub struct TcpProxy {
    addr: SocketAddr,
    target: SocketAddr,
    /// `true` while the proxy forwards; every task of it watches this.
    up: Arc<watch::Sender<bool>>,
    /// The task accepting connections; it ends, dropping its listener,
    /// when `up` turns false.
    accepting: Option<JoinHandle<()>>,
}

impl TcpProxy {
    /// A proxy in front of the database of the `postgres://` `url`;
    /// returns it and the URL that reaches the database through it.
    pub async fn in_front_of(url: &str) -> (Self, String) {
        let mut parsed = reqwest::Url::parse(url).expect("a database URL");
        let host = parsed.host_str().expect("a host").to_owned();
        let port = parsed.port().unwrap_or(5432);
        let target = tokio::net::lookup_host((host.as_str(), port))
            .await
            .expect("the database host resolves")
            .next()
            .expect("an address");
        let proxy = Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            target,
            up: Arc::new(watch::channel(false).0),
            accepting: None,
        };
        let proxy = proxy.listen().await;
        parsed.set_host(Some("127.0.0.1")).expect("a host");
        parsed.set_port(Some(proxy.addr.port())).expect("a port");
        (proxy, parsed.to_string())
    }

    /// Binds (again) to the proxy's address and forwards from it.
    async fn listen(mut self) -> Self {
        let socket = TcpSocket::new_v4().expect("a socket");
        // The port is taken again after `down`; connections of the last
        // time may still be in TIME_WAIT.
        socket.set_reuseaddr(true).expect("SO_REUSEADDR");
        socket.bind(self.addr).expect("the proxy's port is free");
        let listener = socket.listen(64).expect("listening");
        self.addr = listener.local_addr().expect("an address");
        self.up.send_replace(true);
        self.accepting = Some(tokio::spawn(accept(
            listener,
            self.target,
            self.up.subscribe(),
        )));
        self
    }

    /// The outage: every connection through the proxy breaks and new ones
    /// are refused, until `up`.
    pub async fn down(mut self) -> Self {
        self.up.send_replace(false);
        // Once the accept task has ended, its listener is gone: a
        // connection from now on is refused.
        if let Some(accepting) = self.accepting.take() {
            accepting.await.expect("the accept task ends");
        }
        self
    }

    /// The database is back: the proxy forwards again, on the same port.
    pub async fn up(self) -> Self {
        self.listen().await
    }
}

impl Drop for TcpProxy {
    fn drop(&mut self) {
        self.up.send_replace(false);
    }
}

/// Accepts and forwards connections while `up` says so, then drops the
/// listener (new connections are refused).
async fn accept(listener: TcpListener, target: SocketAddr, up: watch::Receiver<bool>) {
    let mut going_down = up.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((inbound, _)) = accepted else { continue };
                tokio::spawn(forward(inbound, target, up.clone()));
            }
            _ = going_down.wait_for(|up| !*up) => return,
        }
    }
}

/// Copies both ways between `inbound` and `target` until either side
/// closes or the proxy goes down (then both connections are dropped).
async fn forward(mut inbound: TcpStream, target: SocketAddr, mut up: watch::Receiver<bool>) {
    let Ok(mut outbound) = TcpStream::connect(target).await else {
        return;
    };
    tokio::select! {
        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
        _ = up.wait_for(|up| !*up) => {}
    }
}
