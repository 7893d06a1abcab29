//! Stopping well (SIGTERM from Kubernetes or Ctrl-C): stop accepting
//! connections, let the requests in flight finish, tell each websocket
//! client that the server is going away (close code 1001) so that it
//! reconnects to another instance, and exit once all of that is done or
//! the grace period (`APP_SHUTDOWN_GRACE_SECS`) is over.

use std::sync::Arc;

use tokio::sync::watch;

/// The shutdown state of one application, shared by everything that has
/// to stop with it.
#[derive(Debug, Clone)]
pub struct Shutdown {
    stopping: Arc<watch::Sender<bool>>,
    /// Websocket connections open now.
    sockets: Arc<watch::Sender<usize>>,
}

impl Default for Shutdown {
    fn default() -> Self {
        Self {
            stopping: Arc::new(watch::channel(false).0),
            sockets: Arc::new(watch::channel(0).0),
        }
    }
}

impl Shutdown {
    /// From now on the application is stopping.
    pub fn begin(&self) {
        self.stopping.send_replace(true);
    }

    pub fn is_stopping(&self) -> bool {
        *self.stopping.borrow()
    }

    /// Completes once the application is stopping.
    pub async fn begun(&self) {
        let mut stopping = self.stopping.subscribe();
        // The sender lives as long as `self`: this cannot fail.
        let _ = stopping.wait_for(|stopping| *stopping).await;
    }

    /// Counts a websocket connection as open until the guard is dropped.
    pub fn socket(&self) -> OpenSocket {
        self.sockets.send_modify(|n| *n += 1);
        OpenSocket(self.sockets.clone())
    }

    /// Completes once no websocket connection is open.
    pub async fn sockets_closed(&self) {
        let mut sockets = self.sockets.subscribe();
        let _ = sockets.wait_for(|open| *open == 0).await;
    }
}

/// One open websocket connection (see `Shutdown::socket`).
#[derive(Debug)]
pub struct OpenSocket(Arc<watch::Sender<usize>>);

impl Drop for OpenSocket {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
