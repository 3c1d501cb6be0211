//! Structured logs: JSON lines carrying the request span's fields (correlation id, method,
//! route template, client, organisation), as CloudWatch Logs Insights reads them; and metrics
//! as embedded-metric-format lines ([`metrics`]).

pub mod metrics;

use std::fmt;
use tracing::field::{Field, Visit};
use tracing::span::Record;
use tracing_subscriber::field::RecordFields;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::fmt::format::{JsonFields, Writer};
use tracing_subscriber::fmt::{FormatFields, FormattedFields, MakeWriter};
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
        .fmt_fields(SpanFields)
        .with_writer(writer);
    tracing_subscriber::registry().with(default_filter()).with(lines)
}

/// A span's fields as one JSON object, as `JsonFields` writes them, except that a field recorded
/// after the span began (the request's organisation, once its token is verified) is added to
/// the object rather than by parsing the object and writing it again, which was a tenth of a
/// request's own work outside its handler (docs/performance.md). A field the object already
/// holds is still replaced the library's way, so the object never holds a name twice.
#[derive(Debug, Default)]
pub struct SpanFields;

/// The names of the fields being recorded.
#[derive(Default)]
struct Names(Vec<&'static str>);

impl Visit for Names {
    fn record_debug(&mut self, field: &Field, _value: &dyn fmt::Debug) {
        self.0.push(field.name());
    }
}

impl<'writer> FormatFields<'writer> for SpanFields {
    fn format_fields<R: RecordFields>(&self, writer: Writer<'writer>, fields: R) -> fmt::Result {
        JsonFields::new().format_fields(writer, fields)
    }

    fn add_fields(&self, current: &'writer mut FormattedFields<Self>, fields: &Record<'_>) -> fmt::Result {
        let mut names = Names::default();
        fields.record(&mut names);
        let held = names
            .0
            .iter()
            .any(|name| current.fields.contains(&format!("\"{name}\":")));
        let mut added = String::new();
        JsonFields::new().format_fields(Writer::new(&mut added), fields)?;
        let spliced = current
            .fields
            .strip_suffix('}')
            .zip(added.strip_prefix('{'))
            .filter(|(_, rest)| !held && *rest != "}");
        match spliced {
            Some(("{", _)) => current.fields = added,
            Some((before, rest)) => current.fields = format!("{before},{rest}"),
            None if current.fields.is_empty() => current.fields = added,
            None if added == "{}" => {}
            None => {
                // A field the object holds already: the library parses and replaces.
                let mut library = FormattedFields::<JsonFields>::new(std::mem::take(&mut current.fields));
                JsonFields::new().add_fields(&mut library, fields)?;
                current.fields = library.fields;
            }
        }
        Ok(())
    }
}

/// Installs the subscriber once, writing to stdout; later calls (tests) are harmless.
pub fn init() {
    let _ = subscriber(std::io::stdout).try_init();
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use tracing::level_filters::LevelFilter;

    /// Lines written, kept in memory.
    #[derive(Clone, Default)]
    struct Lines(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Lines {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if let Ok(mut lines) = self.0.lock() {
                lines.extend_from_slice(buf);
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    impl<'w> MakeWriter<'w> for Lines {
        type Writer = Lines;
        fn make_writer(&'w self) -> Self::Writer {
            self.clone()
        }
    }

    impl Lines {
        /// The `span` member of every line.
        fn spans(&self) -> Vec<serde_json::Value> {
            let text = self
                .0
                .lock()
                .map(|l| String::from_utf8_lossy(&l).into_owned())
                .unwrap_or_default();
            text.lines()
                .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap_or_default()["span"].clone())
                .collect()
        }
    }

    /// A request's span as the middleware opens it, its organisation recorded later, a
    /// field recorded twice, and a span with no fields until one is recorded.
    fn log_requests() {
        let span = tracing::info_span!(
            "request",
            correlation_id = "c-\"1\"",
            method = "GET",
            route = "/profiles/{customerNumber}",
            client = "crm",
            organisation = tracing::field::Empty
        );
        span.in_scope(|| tracing::info!("before the token"));
        span.record("organisation", 42_i64);
        span.in_scope(|| tracing::info!("after the token"));
        span.record("organisation", 43_i64);
        span.in_scope(|| tracing::info!("recorded again"));
        let bare = tracing::info_span!(
            "bare",
            organisation = tracing::field::Empty,
            client = tracing::field::Empty
        );
        bare.in_scope(|| tracing::info!("no fields yet"));
        bare.record("client", "crm");
        bare.record("organisation", 7_i64);
        bare.in_scope(|| tracing::info!("two recorded"));
    }

    #[test]
    fn span_fields_recorded_later_read_as_the_library_writes_them() {
        let ours = Lines::default();
        tracing::subscriber::with_default(subscriber(ours.clone()), log_requests);
        let library = Lines::default();
        let reference = tracing_subscriber::registry().with(
            tracing_subscriber::fmt::layer()
                .json()
                .with_current_span(true)
                .with_span_list(false)
                .with_target(false)
                .with_writer(library.clone()),
        );
        tracing::subscriber::with_default(reference, log_requests);
        let spans = ours.spans();
        assert_eq!(spans.len(), 5);
        assert_eq!(spans, library.spans());
        assert_eq!(spans[1]["organisation"], serde_json::json!(42));
        assert_eq!(spans[2]["organisation"], serde_json::json!(43));
        assert_eq!(spans[4]["client"], serde_json::json!("crm"));
        // A field recorded twice reads as its last value.
        let text = ours
            .0
            .lock()
            .map(|l| String::from_utf8_lossy(&l).into_owned())
            .unwrap_or_default();
        assert!(
            text.lines().all(|l| l.matches("\"organisation\":").count() <= 1),
            "{text}"
        );
    }

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
