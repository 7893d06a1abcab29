//! Tracing set-up, in one place. `RUST_LOG` filters; the default shows the
//! server's own info lines (one per request, `api::request`) and warnings
//! from libraries. Production logs are JSON, one object per line with the
//! request span's fields (request id, method, path) beside the event's,
//! for a log collector; development logs are text for a person.

use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Installs the global subscriber. Safe to call more than once (later calls
/// are ignored), which tests rely on.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,tower_http=info"));
    // Logs go to stderr so that stdout carries only what a command prints
    // (e.g. the token of `api token`).
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(false)
            .with_span_list(true)
            .flatten_event(true)
            .try_init(),
    };
}
