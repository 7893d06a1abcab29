//! A TCP load balancer in front of several `api serve` processes, as a
//! deployment puts its replicas behind one address: each client
//! connection goes to the next replica in turn (round robin), and one that
//! a replica refuses, or closes or resets before answering a single byte,
//! is replayed on the next replica (HAProxy's `retry-on conn-failure
//! empty-response`, Envoy's retry on connect-failure and reset). That is
//! how a real balancer keeps a replica that is shutting down (its listener
//! closing, the connections in its accept backlog reset) from losing
//! requests, so a request a test loses behind it is the server's fault.
//! Once a replica has answered a byte the balancer only copies both ways:
//! nothing is retried after that, and a websocket upgrade is plain TCP to
//! it. (A replayed request may have reached the first replica's handler
//! before it closed; the tests send only queries through it.) It counts
//! the connections each replica answered and knows which replica answered
//! a given client connection, so that a test can show that every replica
//! served, and which one answered a request.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// A balancer on a local port in front of upstream servers; stops (every
/// connection through it dropped) when dropped.
#[derive(Debug)]
pub struct Balancer {
    counts: Arc<Counts>,
    /// `true` while the balancer forwards; every task of it watches this.
    up: Arc<watch::Sender<bool>>,
}

/// What the balancer has done so far, shared with its tasks.
#[derive(Debug)]
struct Counts {
    /// The upstream the next client connection tries first, modulo their
    /// number.
    next: AtomicUsize,
    /// Per upstream (in the order given): the connections it answered.
    answered: Vec<AtomicU64>,
    /// The upstream that answered each client connection, by the
    /// client's address.
    answerers: Mutex<HashMap<SocketAddr, usize>>,
    /// Connections moved to the next upstream after one refused them.
    refused: AtomicU64,
    /// Connections moved to the next upstream after one closed or reset
    /// them before answering.
    unanswered: AtomicU64,
}

impl Balancer {
    /// A balancer on 127.0.0.1 in front of the servers at `base_urls`
    /// (`http://host:port`); returns it and its own `http://` base URL.
    pub async fn in_front_of<S: AsRef<str>>(base_urls: &[S]) -> (Self, String) {
        assert!(!base_urls.is_empty(), "a balancer needs an upstream");
        let mut upstreams = Vec::with_capacity(base_urls.len());
        for url in base_urls {
            let parsed = reqwest::Url::parse(url.as_ref()).expect("a base URL");
            let host = parsed.host_str().expect("a host").to_owned();
            let port = parsed.port_or_known_default().expect("a port");
            let addr = tokio::net::lookup_host((host.as_str(), port))
                .await
                .expect("the upstream host resolves")
                .next()
                .expect("an address");
            upstreams.push(addr);
        }
        let counts = Arc::new(Counts {
            next: AtomicUsize::new(0),
            answered: upstreams.iter().map(|_| AtomicU64::new(0)).collect(),
            answerers: Mutex::default(),
            refused: AtomicU64::new(0),
            unanswered: AtomicU64::new(0),
        });
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("a local port");
        let addr = listener.local_addr().expect("an address");
        let up = Arc::new(watch::channel(true).0);
        tokio::spawn(accept(
            listener,
            upstreams.into(),
            counts.clone(),
            up.subscribe(),
        ));
        (Self { counts, up }, format!("http://{addr}"))
    }

    /// Per upstream, in the order given: how many client connections it
    /// answered (sent at least one byte back on).
    pub fn answered(&self) -> Vec<u64> {
        self.counts
            .answered
            .iter()
            .map(|n| n.load(Ordering::SeqCst))
            .collect()
    }

    /// The upstream (its index in the order given) that answered the
    /// client connection from `client` (the client's own address); `None`
    /// while none has.
    pub fn upstream_of(&self, client: SocketAddr) -> Option<usize> {
        let answerers = match self.counts.answerers.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        answerers.get(&client).copied()
    }

    /// How many client connections were moved to the next upstream
    /// because one refused them (nothing listened).
    pub fn refused(&self) -> u64 {
        self.counts.refused.load(Ordering::SeqCst)
    }

    /// How many client connections were moved to the next upstream
    /// because one closed or reset them before answering a byte (they sat
    /// in the accept backlog of a listener that closed, or the server
    /// closed them unread).
    pub fn unanswered(&self) -> u64 {
        self.counts.unanswered.load(Ordering::SeqCst)
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        self.up.send_replace(false);
    }
}

/// Accepts client connections while `up` says so, each balanced by a task
/// of its own, the next upstream first.
async fn accept(
    listener: TcpListener,
    upstreams: Arc<[SocketAddr]>,
    counts: Arc<Counts>,
    up: watch::Receiver<bool>,
) {
    let mut going_down = up.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((client, from)) = accepted else { continue };
                let first = counts.next.fetch_add(1, Ordering::SeqCst) % upstreams.len();
                let mut up = up.clone();
                let (upstreams, counts) = (upstreams.clone(), counts.clone());
                tokio::spawn(async move {
                    tokio::select! {
                        () = balance(client, from, &upstreams, &counts, first) => {}
                        _ = up.wait_for(|up| !*up) => {}
                    }
                });
            }
            _ = going_down.wait_for(|up| !*up) => return,
        }
    }
}

/// What one upstream made of a client connection.
enum Attempt {
    /// It answered: its first bytes, for the client.
    Answered(Vec<u8>),
    /// It refused, closed or reset the connection before a byte came back.
    Failed,
    /// The client went away first.
    ClientGone,
}

/// Places `client` on an upstream, trying each once from `first`, and
/// then copies both ways until either side closes. With no upstream
/// answering, the client's connection is dropped.
async fn balance(
    mut client: TcpStream,
    from: SocketAddr,
    upstreams: &[SocketAddr],
    counts: &Counts,
    first: usize,
) {
    // Everything the client has sent, replayed on the next upstream when
    // one fails before answering.
    let mut sent = Vec::new();
    let mut client_done = false;
    for attempt in 0..upstreams.len() {
        // Counted as a retry only when there is an upstream left to try.
        let retried = attempt + 1 < upstreams.len();
        let index = (first + attempt) % upstreams.len();
        let Ok(mut upstream) = TcpStream::connect(upstreams[index]).await else {
            if retried {
                counts.refused.fetch_add(1, Ordering::SeqCst);
            }
            continue;
        };
        match first_answer(&mut client, &mut upstream, &mut sent, &mut client_done).await {
            Attempt::Failed => {
                if retried {
                    counts.unanswered.fetch_add(1, Ordering::SeqCst);
                }
            }
            Attempt::ClientGone => return,
            Attempt::Answered(bytes) => {
                // Counted before the client sees a byte: a test that has
                // its answer can rely on the count.
                counts.answered[index].fetch_add(1, Ordering::SeqCst);
                match counts.answerers.lock() {
                    Ok(mut answerers) => answerers.insert(from, index),
                    Err(poisoned) => poisoned.into_inner().insert(from, index),
                };
                if client.write_all(&bytes).await.is_ok() {
                    let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                }
                return;
            }
        }
    }
}

/// Sends `upstream` what the client sent so far and then what it sends,
/// until the upstream answers or fails.
async fn first_answer(
    client: &mut TcpStream,
    upstream: &mut TcpStream,
    sent: &mut Vec<u8>,
    client_done: &mut bool,
) -> Attempt {
    // A write that fails means a reset is on its way: the read says so.
    let mut writable = upstream.write_all(sent).await.is_ok();
    if writable && *client_done {
        writable = upstream.shutdown().await.is_ok();
    }
    let mut from_client = vec![0; 16 * 1024];
    let mut from_upstream = vec![0; 16 * 1024];
    loop {
        tokio::select! {
            read = upstream.read(&mut from_upstream) => {
                return match read {
                    Ok(0) | Err(_) => Attempt::Failed,
                    Ok(n) => Attempt::Answered(from_upstream[..n].to_vec()),
                };
            }
            read = client.read(&mut from_client), if !*client_done => match read {
                Ok(0) => {
                    *client_done = true;
                    if writable {
                        writable = upstream.shutdown().await.is_ok();
                    }
                }
                Ok(n) => {
                    sent.extend_from_slice(&from_client[..n]);
                    if writable {
                        writable = upstream.write_all(&from_client[..n]).await.is_ok();
                    }
                }
                Err(_) => return Attempt::ClientGone,
            },
        }
    }
}
