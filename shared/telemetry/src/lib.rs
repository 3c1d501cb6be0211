//! Structured logs: JSON lines carrying the request span's fields (correlation id, method,
//! route template, client, organisation), as CloudWatch Logs Insights reads them; and metrics
//! as embedded-metric-format lines ([`metrics`]).

pub mod metrics;

use tracing_subscriber::EnvFilter;

/// `RUST_LOG`, or info for the service and warnings for the SDK (whose debug output would
/// include request bodies).
pub fn default_filter() -> EnvFilter {
    EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,aws_config=warn,aws_smithy_runtime=warn,hyper=warn"))
}

/// Installs the subscriber once; later calls (tests) are harmless.
pub fn init() {
    let filter = default_filter();
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .try_init();
}
