//! `/metrics`: the figures an operator scrapes, in the OpenMetrics text
//! format that Prometheus reads. Figures that another part of the
//! application already keeps (subscriptions listening, the connection
//! pool, the query gate) are read from it at scrape time by a collector,
//! so nothing is counted twice; what happens per request is counted here.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};
use sea_orm::{DatabaseBackend, DatabaseConnection};
use tokio::sync::watch;

use crate::services::QueryGate;

/// The content type of `render`'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// Distinct operation names kept as label values; later new names are
/// counted as `other`. Clients choose operation names, and a label value
/// per name would let any client grow the series without bound.
const MAX_OPERATIONS: usize = 200;

/// What one request is counted by.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    /// The GraphQL operation name, or the path of a non-GraphQL route.
    operation: String,
    /// `OK`, or the error code of the answer (API.md "Errors").
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RejectionLabels {
    reason: &'static str,
}

/// The metrics of one application.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RequestLabels, Histogram>,
    rejected: Family<RejectionLabels, Counter>,
    in_flight: Gauge,
    operations: Mutex<HashSet<String>>,
}

impl Metrics {
    pub fn new(
        active_subscriptions: watch::Receiver<u64>,
        db: DatabaseConnection,
        queries: Arc<QueryGate>,
    ) -> Self {
        let mut registry = Registry::with_prefix("medborgarloften");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "requests",
            "Requests answered, by GraphQL operation (or path) and outcome",
            requests.clone(),
        );
        let durations = Family::<RequestLabels, Histogram>::new_with_constructor(
            duration_histogram as fn() -> Histogram,
        );
        registry.register_with_unit(
            "request_duration",
            "Time to the response head, by GraphQL operation (or path) and outcome",
            Unit::Seconds,
            durations.clone(),
        );
        let rejected = Family::<RejectionLabels, Counter>::default();
        registry.register(
            "rejected_requests",
            "Requests refused before they were run, by reason",
            rejected.clone(),
        );
        let in_flight = Gauge::default();
        registry.register(
            "requests_in_flight",
            "Requests being answered now (their response head not yet sent)",
            in_flight.clone(),
        );
        registry.register_collector(Box::new(Subscriptions(active_subscriptions)));
        registry.register_collector(Box::new(Pool(db)));
        registry.register_collector(Box::new(Gate(queries)));
        Self {
            registry,
            requests,
            durations,
            rejected,
            in_flight,
            operations: Mutex::new(HashSet::new()),
        }
    }

    /// Counts a request as in flight until the guard is dropped.
    pub fn in_flight(&self) -> InFlight {
        self.in_flight.inc();
        InFlight(self.in_flight.clone())
    }

    /// Counts one answered request.
    pub fn answered(&self, operation: &str, outcome: &'static str, took: Duration) {
        let labels = RequestLabels {
            operation: self.bounded(operation),
            outcome,
        };
        self.requests.get_or_create(&labels).inc();
        self.durations
            .get_or_create(&labels)
            .observe(took.as_secs_f64());
    }

    /// Counts one request refused for `reason` (a fixed word such as
    /// `body_too_large`).
    pub fn rejected(&self, reason: &'static str) {
        self.rejected
            .get_or_create(&RejectionLabels { reason })
            .inc();
    }

    /// `operation`, or `other` once `MAX_OPERATIONS` names are known.
    fn bounded(&self, operation: &str) -> String {
        let Ok(mut known) = self.operations.lock() else {
            return "other".to_owned();
        };
        if !known.contains(operation) {
            if known.len() >= MAX_OPERATIONS {
                return "other".to_owned();
            }
            known.insert(operation.to_owned());
        }
        operation.to_owned()
    }

    /// Every metric, as text.
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
}

/// One request in flight (see `Metrics::in_flight`).
#[derive(Debug)]
pub struct InFlight(Gauge);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// 1 ms to about 16 s, doubling.
fn duration_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

/// One gauge `name` with a sample per `(label, value)`.
fn gauges(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    label: &'static str,
    samples: &[(&'static str, i64)],
) -> Result<(), std::fmt::Error> {
    let mut metric = encoder.encode_descriptor(
        name,
        help,
        None,
        prometheus_client::metrics::MetricType::Gauge,
    )?;
    for (value_label, value) in samples {
        let labels = [(label, *value_label)];
        ConstGauge::new(*value).encode(metric.encode_family(&labels)?)?;
    }
    Ok(())
}

/// GraphQL subscriptions listening now.
#[derive(Debug)]
struct Subscriptions(watch::Receiver<u64>);

impl Collector for Subscriptions {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let active = ConstGauge::new(i64::try_from(*self.0.borrow()).unwrap_or(i64::MAX));
        let metric = encoder.encode_descriptor(
            "subscriptions_active",
            "GraphQL subscriptions listening for events",
            None,
            active.metric_type(),
        )?;
        active.encode(metric)
    }
}

/// The database connection pool: connections in use and idle.
#[derive(Debug)]
struct Pool(DatabaseConnection);

impl Collector for Pool {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let (size, idle) = match self.0.get_database_backend() {
            DatabaseBackend::Postgres => {
                let pool = self.0.get_postgres_connection_pool();
                (pool.size(), pool.num_idle())
            }
            DatabaseBackend::Sqlite => {
                let pool = self.0.get_sqlite_connection_pool();
                (pool.size(), pool.num_idle())
            }
            _ => return Ok(()),
        };
        let idle = i64::try_from(idle).unwrap_or(i64::MAX);
        gauges(
            &mut encoder,
            "db_pool_connections",
            "Database connections of the pool, by state",
            "state",
            &[("in_use", i64::from(size) - idle), ("idle", idle)],
        )
    }
}

/// The turns to run GraphQL operations (`APP_MAX_CONCURRENT_QUERIES`):
/// the queue in front of the database pool.
#[derive(Debug)]
struct Gate(Arc<QueryGate>);

impl Collector for Gate {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        gauges(
            &mut encoder,
            "operations",
            "GraphQL operations over HTTP running, and waiting for a turn to run",
            "state",
            &[
                ("running", self.0.running() as i64),
                ("waiting", self.0.waiting() as i64),
            ],
        )
    }
}
