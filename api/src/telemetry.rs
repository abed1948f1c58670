//! Logging: JSON lines in production, compact lines on a terminal.

use tracing::Subscriber;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::{EnvFilter, layer::SubscriberExt};

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One JSON object per line.
    Json,
    /// Human-readable lines.
    Compact,
}

/// A subscriber writing to `sink`, filtered by `RUST_LOG` or else `default_filter`. Compact
/// lines carry ANSI colours only when `ansi` is set: pass whether the sink is a terminal
/// (`std::io::IsTerminal`), so logs piped to a file or a collector stay plain text.
pub fn get_subscriber<Sink>(
    default_filter: &str,
    format: LogFormat,
    ansi: bool,
    sink: Sink,
) -> Box<dyn Subscriber + Send + Sync>
where
    Sink: for<'a> MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default_filter));
    let registry = tracing_subscriber::registry().with(filter);
    match format {
        LogFormat::Json => Box::new(
            registry.with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_ansi(false)
                    .with_current_span(true)
                    .with_span_list(false)
                    .with_writer(sink),
            ),
        ),
        LogFormat::Compact => Box::new(
            registry.with(
                tracing_subscriber::fmt::layer()
                    .compact()
                    .with_ansi(ansi)
                    .with_writer(sink),
            ),
        ),
    }
}

/// Installs `subscriber` as the global default (once per process).
pub fn init_subscriber(subscriber: Box<dyn Subscriber + Send + Sync>) {
    if tracing::subscriber::set_global_default(subscriber).is_err() {
        tracing::debug!("a global subscriber was already installed");
    }
}
