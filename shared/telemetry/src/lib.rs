//! Structured logs: JSON lines carrying the request span's fields (correlation id, method,
//! route template, client, organisation), as CloudWatch Logs Insights reads them; and metrics
//! as embedded-metric-format lines ([`metrics`]).

pub mod metrics;

use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// What is logged by default: info for the service, warnings for the SDK (whose debug output
/// would include request bodies).
pub const DEFAULT_FILTER: &str = "info,aws_smithy_runtime=warn,hyper=warn,hyper_util=warn";

/// `RUST_LOG` (targets and levels, such as `debug,hyper=warn`), or [`DEFAULT_FILTER`]. A target
/// filter rather than `EnvFilter`: that one compiles regular expressions at every cold start.
pub fn default_filter() -> Targets {
    std::env::var("RUST_LOG")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| DEFAULT_FILTER.parse().unwrap_or_default())
}

/// The functions' log format and filter, written to `writer`: one JSON line per event with the
/// request span's fields.
pub fn subscriber<W>(writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    let lines = tracing_subscriber::fmt::layer()
        .json()
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .with_writer(writer);
    tracing_subscriber::registry().with(default_filter()).with(lines)
}

/// Installs the subscriber once, writing to stdout; later calls (tests) are harmless.
pub fn init() {
    let _ = subscriber(std::io::stdout).try_init();
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::level_filters::LevelFilter;

    #[test]
    fn the_default_filter_keeps_the_service_at_info_and_the_sdk_at_warnings() {
        let filter: Targets = DEFAULT_FILTER.parse().unwrap_or_default();
        assert_eq!(filter.default_level(), Some(LevelFilter::INFO));
        assert!(filter.would_enable("customers_http", &tracing::Level::INFO));
        assert!(!filter.would_enable("aws_smithy_runtime::client", &tracing::Level::INFO));
        assert!(filter.would_enable("aws_smithy_runtime::client", &tracing::Level::WARN));
        assert!(!filter.would_enable("hyper::proto", &tracing::Level::DEBUG));
    }
}
