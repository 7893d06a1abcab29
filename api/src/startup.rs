//! The application as a value: `Application::build` opens the database,
//! migrates, seeds an empty database, and binds the listener (port 0 in
//! tests reports the real port). `main` and the tests both start here.

use std::future::Future;
use std::sync::Arc;

use anyhow::Context;
use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;
use tokio::sync::broadcast;

use crate::auth::{Jwks, JwksSource, TokenVerifier};
use crate::config::{AuthSettings, Settings};
use crate::db::{self, StatementCounter, WriteGate};
use crate::events::{EventKind, Events};
use crate::graphql;
use crate::http::persisted::PersistedOperations;
use crate::http::rate_limit::RateLimits;
use crate::http::response_cache::ResponseCache;
use crate::http::{self, AppState};
use crate::metrics::Metrics;
use crate::services::{QueryGate, Services};
use crate::shutdown::Shutdown;
use crate::store::Writer;
use crate::store::directory::Directory;
use crate::store::seed;

/// A built, bound, not yet serving application.
#[derive(Debug)]
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    db: DatabaseConnection,
    statements: StatementCounter,
    verifier: Arc<TokenVerifier>,
    exported_rows: Arc<std::sync::atomic::AtomicU64>,
    responses: Arc<ResponseCache>,
    events: Events,
    shutdown: Shutdown,
    grace: std::time::Duration,
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        let (db, statements) =
            db::connect(&settings.database_url, settings.db_acquire_timeout).await?;
        let turn = db::SetupTurn::take(&db).await?;
        db::migrate(&db).await?;
        // First start: an empty database gets the source documents, so one
        // command gives a working server. Later starts leave data alone.
        if seed::is_empty(&db).await? {
            let report = seed::load(&db).await.context("seeding an empty database")?;
            tracing::info!(
                pledges = report.pledges_added,
                "seeded the source documents"
            );
        }
        turn.release().await?;
        let listener = TcpListener::bind(settings.addr)
            .await
            .with_context(|| format!("binding {}", settings.addr))?;
        let verifier = Arc::new(build_verifier(&settings.auth).await?);
        let services = Services {
            db: db.clone(),
            writer: Writer::new(db.clone(), WriteGate::for_url(&settings.database_url)),
            events: Events::start(&db).await.context("starting the event bus")?,
            exported_rows: Default::default(),
            responses: Arc::new(ResponseCache::new(settings.response_cache_bytes)),
            queries: Arc::new(QueryGate::new(settings.concurrent_queries)),
            exports: Arc::new(tokio::sync::Semaphore::new(db::concurrent_exports(
                &settings.database_url,
            ))),
            directory: Arc::new(
                Directory::load(&db)
                    .await
                    .map_err(|_| anyhow::anyhow!("loading the reference directory"))?,
            ),
        };
        spawn_directory_refresh(
            db.clone(),
            services.directory.clone(),
            services.events.clone(),
        );
        let exported_rows = services.exported_rows.clone();
        let responses = services.responses.clone();
        let events = services.events.clone();
        let shutdown = Shutdown::default();
        let grace = settings.shutdown_grace;
        let rate_limits = settings.rate_limit.map(|(per_minute, burst)| {
            let limits = Arc::new(RateLimits::new(per_minute, burst));
            spawn_rate_limit_sweep(limits.clone());
            limits
        });
        let persisted = Arc::new(match &settings.operation_allow_list {
            Some(path) => {
                let list = PersistedOperations::allow_list(path)?;
                tracing::info!(
                    operations = list.allowed().unwrap_or_default(),
                    "only the operations of the allow-list run"
                );
                list
            }
            None => PersistedOperations::open(),
        });
        let state = AppState {
            graphql: graphql::build(settings.limits, settings.introspection),
            metrics: Arc::new(Metrics::new(
                services.events.active(),
                db.clone(),
                services.queries.clone(),
            )),
            services,
            settings: Arc::new(settings),
            verifier: verifier.clone(),
            shutdown: shutdown.clone(),
            rate_limits,
            persisted,
        };
        Ok(Self {
            listener,
            router: http::router(state),
            db,
            statements,
            verifier,
            exported_rows,
            responses,
            events,
            shutdown,
            grace,
        })
    }

    /// The port actually bound (useful with port 0).
    pub fn port(&self) -> u16 {
        self.listener.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// SQL statements sent since start-up.
    pub fn statement_counter(&self) -> StatementCounter {
        self.statements.clone()
    }

    /// The token verifier (tests read its JWKS load count).
    pub fn verifier(&self) -> Arc<TokenVerifier> {
        self.verifier.clone()
    }

    /// Rows written by follow-up exports so far (tests watch streaming).
    pub fn exported_rows(&self) -> Arc<std::sync::atomic::AtomicU64> {
        self.exported_rows.clone()
    }

    /// The event bus (tests wait for subscriptions to listen).
    pub fn events(&self) -> Events {
        self.events.clone()
    }

    /// The public response cache (tests check what enters it).
    pub fn response_cache(&self) -> Arc<ResponseCache> {
        self.responses.clone()
    }

    /// The database handle (tests use it to arrange data).
    pub fn db(&self) -> DatabaseConnection {
        self.db.clone()
    }

    /// Serves until `stop` completes; then stops accepting connections,
    /// finishes the requests in flight, closes websockets with 1001 and
    /// returns, within the grace period (`shutdown`).
    pub async fn serve(
        self,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let shutdown = self.shutdown.clone();
        let begin = {
            let shutdown = shutdown.clone();
            async move {
                stop.await;
                shutdown.begin();
            }
        };
        // The peer's address is what anonymous callers are rate limited by.
        let service = self
            .router
            .into_make_service_with_connect_info::<std::net::SocketAddr>();
        let server = axum::serve(self.listener, service)
            .with_graceful_shutdown(begin)
            .into_future();
        tokio::pin!(server);
        tokio::select! {
            served = &mut server => return served,
            () = shutdown.begun() => {}
        }
        // Stopping: the listener is closed; what is in flight gets the
        // grace period, then the process goes anyway.
        let drained = async {
            let served = (&mut server).await;
            shutdown.sockets_closed().await;
            served
        };
        match tokio::time::timeout(self.grace, drained).await {
            Ok(served) => served,
            Err(_) => {
                tracing::warn!(grace = ?self.grace, "requests still in flight after the grace period; stopping anyway");
                Ok(())
            }
        }
    }
}

/// Forgets idle callers of the rate limit every minute.
fn spawn_rate_limit_sweep(limits: Arc<RateLimits>) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            every.tick().await;
            limits.sweep();
        }
    });
}

/// Keeps the reference snapshot current: re-reads it when an instance
/// announces a change of reference data (LISTEN/NOTIFY on PostgreSQL, so
/// an admin's change through one instance reaches every other at once),
/// and checks the reference version every minute besides, for a
/// notification lost while the listener reconnected. (Public answers do
/// not wait for either: they compare the version on every read, see
/// `response_cache`.)
fn spawn_directory_refresh(db: DatabaseConnection, directory: Arc<Directory>, events: Events) {
    let mut changes = events.subscribe();
    tokio::spawn(async move {
        let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
        every.tick().await;
        loop {
            let refreshed = tokio::select! {
                _ = every.tick() => match crate::store::data_version::current(&db).await {
                    Ok(versions) => directory
                        .at_least(&db, versions.reference)
                        .await
                        .map(|_| ()),
                    Err(e) => Err(e),
                },
                event = changes.recv() => match event {
                    Ok(event) if event.kind != EventKind::ReferenceChanged => continue,
                    // A lagging receiver may have missed one: re-read anyway.
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {
                        directory.refresh(&db).await.map(|_| ())
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
            };
            if refreshed.is_err() {
                tracing::warn!("could not refresh the reference directory; keeping the old one");
            }
        }
    });
}

async fn build_verifier(auth: &AuthSettings) -> anyhow::Result<TokenVerifier> {
    if auth.using_dev_secret {
        tracing::warn!(
            "AUTH_HS256_SECRET is not set: using the development secret; tokens signed with it are not secret"
        );
    }
    let source = match (&auth.jwks_file, &auth.jwks_url) {
        (Some(file), _) => Some(JwksSource::File(file.clone())),
        (None, Some(url)) => Some(JwksSource::Url(url.clone())),
        (None, None) => None,
    };
    let jwks = match source {
        Some(source) => Some(Jwks::new(source, auth.jwks_cooldown).await?),
        None => None,
    };
    Ok(TokenVerifier::new(
        auth.hs256_secret.as_deref(),
        jwks,
        auth.issuer.clone(),
        auth.audience.clone(),
    ))
}
