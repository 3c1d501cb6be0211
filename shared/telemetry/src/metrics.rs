//! Metrics without extra calls: one CloudWatch Embedded Metric Format (EMF) line per request in
//! the function's log, which CloudWatch turns into metrics of the namespace [`NAMESPACE`]
//! (dimensions `Function` with `Operation`, and `Function` alone). Nothing on the request path
//! talks to CloudWatch. The same line is the request's log line: it carries the request's
//! correlation id, method, route, client and organisation beside the metrics, so a request
//! writes one line, not a log line and a metric line (docs/performance.md).
//!
//! The DynamoDB calls of a request are counted in a task-local tally that the DynamoDB client
//! increments for every attempt it sends ([`count_dynamodb_call`]); the organisation is noted
//! there once the token names it ([`note_organisation`]).

use serde::Serialize;
use std::cell::Cell;
use std::future::Future;
use std::io::Write;
use std::sync::Mutex;
use std::time::Duration;

pub const NAMESPACE: &str = "CustomersApi";

/// What the work of one request noted as it ran.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Noted {
    pub dynamodb_calls: u32,
    pub organisation: Option<i64>,
}

tokio::task_local! {
    static NOTED: Cell<Noted>;
}

fn note(change: impl FnOnce(&mut Noted)) {
    let _ = NOTED.try_with(|noted| {
        let mut now = noted.get();
        change(&mut now);
        noted.set(now);
    });
}

/// Counts one DynamoDB call (attempt) of the work being measured; outside [`measuring`] a no-op.
pub fn count_dynamodb_call() {
    note(|n| n.dynamodb_calls = n.dynamodb_calls.saturating_add(1));
}

/// Notes the organisation the request acts for; outside [`measuring`] a no-op.
pub fn note_organisation(organisation: i64) {
    note(|n| n.organisation = Some(organisation));
}

/// Runs `work` and answers its output with what it noted.
pub async fn measuring<F: Future>(work: F) -> (F::Output, Noted) {
    NOTED
        .scope(Cell::new(Noted::default()), async move {
            let output = work.await;
            let noted = NOTED.try_with(Cell::get).unwrap_or_default();
            (output, noted)
        })
        .await
}

/// What one request measured, and what says which request it was.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestMetrics {
    /// The Lambda (`profiles`, `credentials`, …).
    pub function: &'static str,
    /// The routing table's operationId (`unknown` for a path no operation has).
    pub operation: &'static str,
    pub latency: Duration,
    pub status: u16,
    pub dynamodb_calls: u32,
    /// When it was measured, milliseconds since the epoch.
    pub timestamp_ms: i64,
    pub correlation_id: String,
    pub method: String,
    /// The path template (`(no route)` for a path no operation has).
    pub route: &'static str,
    /// The caller's `ET-Client-Name`.
    pub client: String,
    /// The token's organisation, when a token was verified.
    pub organisation: Option<i64>,
}

/// The line's `_aws` block: which members are metrics, of which namespace and dimensions.
const DECLARATION: Declaration = Declaration {
    dimensions: [&["Function", "Operation"], &["Function"]],
    metrics: [
        Metric {
            name: "Latency",
            unit: "Milliseconds",
        },
        Metric {
            name: "Requests",
            unit: "Count",
        },
        Metric {
            name: "Status4xx",
            unit: "Count",
        },
        Metric {
            name: "Status5xx",
            unit: "Count",
        },
        Metric {
            name: "DynamoDbCalls",
            unit: "Count",
        },
    ],
    namespace: NAMESPACE,
};

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Declaration {
    dimensions: [&'static [&'static str]; 2],
    metrics: [Metric; 5],
    namespace: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Metric {
    name: &'static str,
    unit: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Aws {
    cloud_watch_metrics: [Declaration; 1],
    timestamp: i64,
}

/// The line as written: a struct serialised straight into bytes, not a `serde_json::Value`
/// tree formatted through `Display`, which was a third of a request's own work outside its
/// handler (docs/performance.md). Members in sorted order, as the tree wrote them.
#[derive(Serialize)]
struct Line<'a> {
    #[serde(rename = "DynamoDbCalls")]
    dynamodb_calls: u32,
    #[serde(rename = "Function")]
    function: &'a str,
    #[serde(rename = "Latency")]
    latency_ms: f64,
    #[serde(rename = "Operation")]
    operation: &'a str,
    #[serde(rename = "Requests")]
    requests: u32,
    #[serde(rename = "Status4xx")]
    status_4xx: u32,
    #[serde(rename = "Status5xx")]
    status_5xx: u32,
    #[serde(rename = "StatusCode")]
    status_code: u16,
    #[serde(rename = "_aws")]
    aws: Aws,
    client: &'a str,
    correlation_id: &'a str,
    level: &'static str,
    message: &'static str,
    method: &'a str,
    organisation: Option<i64>,
    route: &'a str,
}

impl RequestMetrics {
    /// The EMF document, one line ending in a newline: the `_aws` block declares the metrics,
    /// the members carry the values; the other members say which request it was, as the
    /// request's log line.
    pub fn line(&self) -> Vec<u8> {
        let class = |from: u16| u32::from((from..from + 100).contains(&self.status));
        let line = Line {
            dynamodb_calls: self.dynamodb_calls,
            function: self.function,
            latency_ms: self.latency.as_secs_f64() * 1000.0,
            operation: self.operation,
            requests: 1,
            status_4xx: class(400),
            status_5xx: class(500),
            status_code: self.status,
            aws: Aws {
                cloud_watch_metrics: [DECLARATION],
                timestamp: self.timestamp_ms,
            },
            client: &self.client,
            correlation_id: &self.correlation_id,
            level: if self.status >= 500 { "ERROR" } else { "INFO" },
            message: "answered",
            method: &self.method,
            organisation: self.organisation,
            route: self.route,
        };
        let mut out = Vec::with_capacity(768);
        // Serialising these types into a Vec cannot fail: every key is a string.
        let _ = serde_json::to_writer(&mut out, &line);
        out.push(b'\n');
        out
    }

    /// The line as a JSON document, for tests and checks.
    pub fn emf(&self) -> serde_json::Value {
        serde_json::from_slice(&self.line()).unwrap_or_default()
    }
}

/// Where metric lines go.
pub trait MetricsSink: Send + Sync {
    fn emit(&self, metrics: &RequestMetrics);
}

/// Standard output, one JSON document per line: the Lambda runtime sends each line to
/// CloudWatch Logs as one event, which is what EMF needs (a line inside another log format
/// would not be read as metrics).
#[derive(Debug, Default, Clone, Copy)]
pub struct StdoutMetrics;

impl MetricsSink for StdoutMetrics {
    fn emit(&self, metrics: &RequestMetrics) {
        let line = metrics.line();
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(&line);
        let _ = out.flush();
    }
}

/// Keeps the lines, for tests.
#[derive(Debug, Default)]
pub struct CapturedMetrics {
    lines: Mutex<Vec<String>>,
}

impl CapturedMetrics {
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().map(|l| l.clone()).unwrap_or_default()
    }

    pub fn take(&self) -> Vec<String> {
        self.lines
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    }
}

impl MetricsSink for CapturedMetrics {
    fn emit(&self, metrics: &RequestMetrics) {
        if let Ok(mut lines) = self.lines.lock() {
            lines.push(String::from_utf8_lossy(metrics.line().trim_ascii_end()).into_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The line as first written, through a `serde_json::Value` tree: the reference the
    /// serialised struct must match byte for byte.
    fn tree(m: &RequestMetrics) -> String {
        let class = |from: u16| u32::from((from..from + 100).contains(&m.status));
        json!({
            "_aws": {
                "Timestamp": m.timestamp_ms,
                "CloudWatchMetrics": [{
                    "Namespace": NAMESPACE,
                    "Dimensions": [["Function", "Operation"], ["Function"]],
                    "Metrics": [
                        {"Name": "Latency", "Unit": "Milliseconds"},
                        {"Name": "Requests", "Unit": "Count"},
                        {"Name": "Status4xx", "Unit": "Count"},
                        {"Name": "Status5xx", "Unit": "Count"},
                        {"Name": "DynamoDbCalls", "Unit": "Count"}
                    ]
                }]
            },
            "Function": m.function,
            "Operation": m.operation,
            "Latency": m.latency.as_secs_f64() * 1000.0,
            "Requests": 1,
            "Status4xx": class(400),
            "Status5xx": class(500),
            "DynamoDbCalls": m.dynamodb_calls,
            "StatusCode": m.status,
            "level": if m.status >= 500 { "ERROR" } else { "INFO" },
            "message": "answered",
            "correlation_id": m.correlation_id,
            "method": m.method,
            "route": m.route,
            "client": m.client,
            "organisation": m.organisation,
        })
        .to_string()
    }

    proptest::proptest! {
        #[test]
        fn the_line_is_the_tree_written_byte_for_byte(
            status in 100u16..600,
            micros in 0u64..100_000_000,
            calls in 0u32..1000,
            timestamp_ms in 0i64..4_000_000_000_000,
            correlation_id in "\\PC{0,40}",
            client in "\\PC{0,20}",
            organisation in proptest::option::of(proptest::num::i64::ANY),
        ) {
            let m = RequestMetrics {
                function: "profiles",
                operation: "findCustomerByCustomerNumber",
                latency: Duration::from_micros(micros),
                status,
                dynamodb_calls: calls,
                timestamp_ms,
                correlation_id,
                method: "GET".into(),
                route: "/profiles/{customerNumber}",
                client,
                organisation,
            };
            let line = m.line();
            proptest::prop_assert_eq!(line.last(), Some(&b'\n'));
            proptest::prop_assert_eq!(String::from_utf8_lossy(line.trim_ascii_end()), tree(&m));
        }
    }

    #[tokio::test]
    async fn calls_are_counted_per_scope_and_not_outside() {
        count_dynamodb_call();
        let ((), noted) = measuring(async {
            count_dynamodb_call();
            note_organisation(7);
            count_dynamodb_call();
        })
        .await;
        assert_eq!(
            noted,
            Noted {
                dynamodb_calls: 2,
                organisation: Some(7)
            }
        );
        let ((), none) = measuring(async {}).await;
        assert_eq!(none, Noted::default());
    }

    #[test]
    fn a_5xx_counts_as_5xx_only() {
        let m = RequestMetrics {
            function: "profiles",
            operation: "createCustomer",
            latency: Duration::from_micros(1500),
            status: 503,
            dynamodb_calls: 3,
            timestamp_ms: 1,
            correlation_id: "c-1".into(),
            method: "POST".into(),
            route: "/profiles",
            client: "crm".into(),
            organisation: None,
        };
        let emf = m.emf();
        assert_eq!(
            (&emf["Status4xx"], &emf["Status5xx"], &emf["Latency"], &emf["level"]),
            (&json!(0), &json!(1), &json!(1.5), &json!("ERROR"))
        );
    }
}
