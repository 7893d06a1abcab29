//! Change events for subscriptions. With PostgreSQL they travel through
//! LISTEN/NOTIFY, so a change made through one server process reaches the
//! subscribers of every process on the same database; with SQLite (one
//! process) they stay in-process. Events carry keys only: each subscriber
//! loads the entity through its own scope, so an event never shows more
//! than the subscriber may see. The bus keeps the connection it was
//! started with only to send NOTIFY; it reads no rows.

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

use tokio::sync::{broadcast, watch};
use uuid::Uuid;

use crate::store::rows::FollowUpRow;

/// The NOTIFY channel of this application.
const CHANNEL: &str = "medborgarloften_events";

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    FollowUpPublished,
    /// A report was withdrawn: for `followUpPublished`, a removal to
    /// those who could see it and no longer can.
    FollowUpWithdrawn,
    PledgeChanged,
    /// Reference data changed (an admin's write): every instance re-reads
    /// its reference snapshot. Carries no key.
    ReferenceChanged,
}

/// One change: which entity, in which municipality.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub kind: EventKind,
    pub id: Uuid,
    pub municipality_id: Uuid,
    /// Whether everyone could see the entity before the change (it was
    /// published): a subscriber that cannot see it after the change gets
    /// a removal even if it was never sent the entity. Missing (an older
    /// instance's event): false.
    #[serde(default)]
    pub public_before: bool,
}

/// The events one GraphQL subscription receives; counted as active while
/// it exists.
#[derive(Debug)]
pub struct Listening {
    receiver: broadcast::Receiver<Event>,
    active: Arc<watch::Sender<u64>>,
}

impl Listening {
    pub async fn recv(&mut self) -> Result<Event, broadcast::error::RecvError> {
        self.receiver.recv().await
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        self.active.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// The event bus of one server process.
#[derive(Debug, Clone)]
pub struct Events {
    local: broadcast::Sender<Event>,
    /// How many GraphQL subscriptions are listening now.
    active: Arc<watch::Sender<u64>>,
    /// On PostgreSQL, the connection events are announced through (NOTIFY);
    /// `None` keeps them in-process.
    notify: Option<DatabaseConnection>,
}

impl Events {
    /// Starts the bus; on PostgreSQL also the listener that feeds it.
    pub async fn start(db: &DatabaseConnection) -> anyhow::Result<Self> {
        let (local, _) = broadcast::channel(1024);
        let via_postgres = db.get_database_backend() == DatabaseBackend::Postgres;
        if via_postgres {
            let mut listener = sea_orm::sqlx::postgres::PgListener::connect_with(
                db.get_postgres_connection_pool(),
            )
            .await?;
            listener.listen(CHANNEL).await?;
            let sender = local.clone();
            tokio::spawn(async move {
                // recv() reconnects by itself after a lost connection.
                loop {
                    match listener.recv().await {
                        Ok(note) => match serde_json::from_str::<Event>(note.payload()) {
                            Ok(event) => {
                                let _ = sender.send(event);
                            }
                            Err(err) => tracing::warn!(%err, "ignoring a malformed event"),
                        },
                        Err(err) => {
                            tracing::warn!(%err, "event listener failed; retrying");
                            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                        }
                    }
                }
            });
        }
        Ok(Self {
            local,
            active: Arc::new(watch::channel(0).0),
            notify: via_postgres.then(|| db.clone()),
        })
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.local.subscribe()
    }

    /// `subscribe` for a GraphQL subscription, counted as active until
    /// the returned receiver is dropped: from here on it receives every
    /// event.
    pub fn listen(&self) -> Listening {
        let receiver = self.local.subscribe();
        self.active.send_modify(|n| *n += 1);
        Listening {
            receiver,
            active: self.active.clone(),
        }
    }

    /// The number of GraphQL subscriptions listening now, as it changes
    /// (`/metrics` shows it). graphql-transport-ws does not acknowledge a
    /// subscription; a test waits on this instead.
    pub fn active(&self) -> watch::Receiver<u64> {
        self.active.subscribe()
    }

    /// Announces a committed change. Failing to announce never fails the
    /// write that already committed; it is logged.
    pub async fn emit(&self, event: Event) {
        let Some(db) = &self.notify else {
            let _ = self.local.send(event);
            return;
        };
        let payload = match serde_json::to_string(&event) {
            Ok(payload) => payload,
            Err(err) => return tracing::error!(%err, "event not serialisable"),
        };
        let notify = Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_notify($1, $2)",
            [CHANNEL.into(), payload.into()],
        );
        if let Err(err) = db.execute_raw(notify).await {
            tracing::error!(%err, "could not announce a change");
        }
    }

    /// A pledge or one of its commitments changed.
    pub async fn pledge_changed(&self, pledge: Uuid, municipality: Uuid) {
        self.emit(Event {
            kind: EventKind::PledgeChanged,
            id: pledge,
            municipality_id: municipality,
            public_before: false,
        })
        .await;
    }

    /// A pledge was withdrawn; `was_published`: the public could see it.
    pub async fn pledge_withdrawn(&self, pledge: Uuid, municipality: Uuid, was_published: bool) {
        self.emit(Event {
            kind: EventKind::PledgeChanged,
            id: pledge,
            municipality_id: municipality,
            public_before: was_published,
        })
        .await;
    }

    /// Reference data changed: every instance's directory re-reads it.
    pub async fn reference_changed(&self) {
        self.emit(Event {
            kind: EventKind::ReferenceChanged,
            id: Uuid::nil(),
            municipality_id: Uuid::nil(),
            public_before: false,
        })
        .await;
    }

    pub async fn follow_up_published(&self, row: &FollowUpRow) {
        self.emit(Event {
            kind: EventKind::FollowUpPublished,
            id: row.id,
            municipality_id: row.municipality_id,
            public_before: false,
        })
        .await;
    }

    /// A report was withdrawn; `was_published`: the public could see it.
    pub async fn follow_up_withdrawn(&self, row: &FollowUpRow, was_published: bool) {
        self.emit(Event {
            kind: EventKind::FollowUpWithdrawn,
            id: row.id,
            municipality_id: row.municipality_id,
            public_before: was_published,
        })
        .await;
    }
}
