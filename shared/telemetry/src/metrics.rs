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

use serde_json::json;
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

impl RequestMetrics {
    /// The EMF document: the `_aws` block declares the metrics, the members carry the values;
    /// the other members say which request it was, as the request's log line.
    pub fn emf(&self) -> serde_json::Value {
        let class = |from: u16| u32::from((from..from + 100).contains(&self.status));
        json!({
            "_aws": {
                "Timestamp": self.timestamp_ms,
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
            "Function": self.function,
            "Operation": self.operation,
            "Latency": self.latency.as_secs_f64() * 1000.0,
            "Requests": 1,
            "Status4xx": class(400),
            "Status5xx": class(500),
            "DynamoDbCalls": self.dynamodb_calls,
            "StatusCode": self.status,
            "level": if self.status >= 500 { "ERROR" } else { "INFO" },
            "message": "answered",
            "correlation_id": self.correlation_id,
            "method": self.method,
            "route": self.route,
            "client": self.client,
            "organisation": self.organisation,
        })
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
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", metrics.emf());
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
            lines.push(metrics.emf().to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
