//! `/metrics`: the figures an operator scrapes, in the OpenMetrics text
//! format that Prometheus reads. Each figure is read from the part of the
//! application that owns it at scrape time (a collector), so nothing is
//! counted twice.

use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;
use tokio::sync::watch;

use crate::events::Events;

/// The content type of `render`'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The metrics of one application.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
}

impl Metrics {
    pub fn new(events: &Events) -> Self {
        let mut registry = Registry::with_prefix("medborgarloften");
        registry.register_collector(Box::new(Subscriptions(events.active())));
        Self { registry }
    }

    /// Every metric, as text.
    pub fn render(&self) -> String {
        let mut text = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut text, &self.registry);
        text
    }
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
