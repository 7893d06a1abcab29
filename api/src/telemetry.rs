//! Tracing set-up, in one place. `RUST_LOG` filters; the default shows the
//! server's own info lines (one per request, `api::request`) and warnings
//! from libraries. Production logs are JSON, one object per line with the
//! request span's fields (request id, method, path) beside the event's,
//! for a log collector; development logs are text for a person.
//!
//! With `OTEL_EXPORTER_OTLP_ENDPOINT` set, `api serve` also sends its
//! spans to that OpenTelemetry collector (OTLP over HTTP/protobuf, the
//! SDK's batch exporter on a thread of its own): the HTTP request, the
//! GraphQL execution under it and every database call under that. The
//! traces have a filter of their own, so `RUST_LOG` shapes the logs only.
//! The SDK reads the standard `OTEL_*` variables itself (service name,
//! headers, batch delay, a traces-only endpoint).

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing::level_filters::LevelFilter;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer as _;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// The service name of exported traces when `OTEL_SERVICE_NAME` is unset.
const SERVICE_NAME: &str = "medborgarloften-api";

/// What `init` set up; `shutdown` sends the traces still buffered.
#[derive(Debug, Default)]
pub struct Telemetry {
    traces: Option<SdkTracerProvider>,
}

impl Telemetry {
    /// Sends what is buffered and stops the exporter (blocking; at exit).
    pub fn shutdown(self) {
        if let Some(provider) = self.traces
            && let Err(err) = provider.shutdown()
        {
            tracing::warn!(error = %err, "the last traces could not be sent");
        }
    }
}

/// Installs the global subscriber; with `export_traces`, also the OTLP
/// exporter (configured from the `OTEL_*` variables). Safe to call more
/// than once (later calls are ignored), which tests rely on.
pub fn init(format: LogFormat, export_traces: bool) -> anyhow::Result<Telemetry> {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,tower_http=info"));
    let provider = export_traces.then(tracer_provider).transpose()?;
    let _ = match &provider {
        // The log filter for everything: callsites it turns off cost
        // nothing, sea-orm's spans among them.
        None => tracing_subscriber::registry()
            .with(filter)
            .with(log_lines(format))
            .try_init(),
        Some(provider) => {
            // Traces have a filter of their own: the server's spans and
            // the database calls' (sea-orm's `tracing-spans`), whatever
            // the log filter says.
            let wanted = Targets::new()
                .with_target("api", LevelFilter::INFO)
                .with_target("sea_orm", LevelFilter::INFO)
                .with_default(LevelFilter::WARN);
            let traces = tracing_opentelemetry::layer()
                .with_tracer(provider.tracer("api"))
                .with_filter(wanted);
            tracing_subscriber::registry()
                .with(log_lines(format).with_filter(filter))
                .with(traces)
                .try_init()
        }
    };
    Ok(Telemetry { traces: provider })
}

/// The log lines, as `format` says. Logs go to stderr so that stdout
/// carries only what a command prints (e.g. the token of `api token`).
fn log_lines<S>(format: LogFormat) -> Box<dyn tracing_subscriber::Layer<S> + Send + Sync>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    let logs = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs.boxed(),
        LogFormat::Json => logs
            .json()
            .with_current_span(false)
            .with_span_list(true)
            .flatten_event(true)
            .boxed(),
    }
}

fn tracer_provider() -> anyhow::Result<SdkTracerProvider> {
    let exporter = opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .build()
        .map_err(|err| {
            anyhow::anyhow!("OTEL_EXPORTER_OTLP_ENDPOINT: the exporter cannot start: {err}")
        })?;
    let mut resource = Resource::builder();
    if std::env::var_os("OTEL_SERVICE_NAME").is_none() {
        resource = resource.with_service_name(SERVICE_NAME);
    }
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource.build())
        .build())
}
