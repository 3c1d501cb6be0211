//! Layers every function wraps its router in: correlation id in and out, a tracing span per
//! request (the route template, never the raw path, which can hold personal data), the
//! request's deadline, panics caught where they unwind, errors rendered as the contract's
//! ErrorResponse, and one metrics line per request.

use crate::error::ApiError;
use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use customers_contract::routes::{Function, operation_of, template_of};
use customers_contract::{ErrorCode, ErrorResponse, WireError};
use customers_domain::DomainError;
use customers_domain::clock::Clock;
use customers_domain::deadline::{Deadline, Timer};
use customers_telemetry::metrics::{MetricsSink, RequestMetrics, measuring};
use std::sync::Arc;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tracing::Instrument;

pub const CORRELATION_ID: HeaderName = HeaderName::from_static("x-correlation-id");

/// The request's correlation id: the caller's own when it sent a usable one, else a new UUID.
#[derive(Debug, Clone)]
pub struct CorrelationId(pub String);

fn usable(v: &str) -> bool {
    !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic())
}

/// Time kept back from the Lambda's own deadline: enough to render the 503, write the logs and
/// hand the answer to the runtime before the function is stopped.
pub const LAMBDA_MARGIN: Duration = Duration::from_millis(1000);

/// What the layers need to know of the function they wrap.
#[derive(Clone)]
pub struct RequestScope {
    pub function: Function,
    /// Measures latency and keeps deadlines.
    pub timer: Arc<dyn Timer>,
    /// The longest a request may take (less when the Lambda's own deadline is nearer).
    pub budget: Duration,
    pub metrics: Arc<dyn MetricsSink>,
    /// Stamps the metric lines.
    pub clock: Arc<dyn Clock>,
}

impl RequestScope {
    /// The request's deadline: its budget, or the Lambda invocation's deadline less
    /// [`LAMBDA_MARGIN`], whichever comes first.
    pub fn deadline_for(&self, request: &Request) -> Deadline {
        use lambda_http::RequestExt;
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        let left_to_lambda = request
            .lambda_context_ref()
            .and_then(|context| lambda_time_left(context.deadline, now_ms));
        let budget = left_to_lambda.map_or(self.budget, |left| left.min(self.budget));
        Deadline::after(self.timer.clone(), budget)
    }
}

/// What the Lambda invocation's deadline (milliseconds since the epoch) leaves a request, less
/// [`LAMBDA_MARGIN`]. A deadline that has already passed when the request starts is not one: Lambda
/// hands the request over before its deadline, while `cargo lambda watch` puts its timeout
/// (600000, ten minutes) in the same header; such a request keeps its own budget.
fn lambda_time_left(deadline_ms: u64, now_ms: u128) -> Option<Duration> {
    let left = u128::from(deadline_ms).checked_sub(now_ms).filter(|left| *left > 0)?;
    Some(Duration::from_millis(u64::try_from(left).unwrap_or(u64::MAX)).saturating_sub(LAMBDA_MARGIN))
}

/// Wraps a function's router in the contract's layers.
pub fn with_contract_layers(router: Router, scope: RequestScope) -> Router {
    router
        // Where panics unwind (debug builds: the local stack and the tests) a panicking handler
        // answers 500. Release builds abort instead (Cargo.toml): the instance ends, and Lambda
        // answers the request with an error.
        .layer(CatchPanicLayer::custom(|_panic: Box<dyn std::any::Any + Send>| {
            ApiError(WireError::internal("a handler panicked")).into_response()
        }))
        .layer(axum::middleware::from_fn_with_state(scope, contract_envelope))
}

async fn contract_envelope(
    axum::extract::State(scope): axum::extract::State<RequestScope>,
    mut request: Request,
    next: Next,
) -> Response {
    let started = scope.timer.now();
    let correlation_id = request
        .headers()
        .get(&CORRELATION_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| usable(v))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let path = request.uri().path().to_string();
    let template = template_of(&path);
    let route = template.unwrap_or("(no route)");
    let method = request.method().clone();
    let operation = template
        .and_then(|t| operation_of(&method, t))
        .map_or("unknown", |o| o.id);
    let deadline = scope.deadline_for(&request);
    let client = request
        .headers()
        .get("et-client-name")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .chars()
        .take(100)
        .collect::<String>();
    request.extensions_mut().insert(CorrelationId(correlation_id.clone()));
    let span = tracing::info_span!("request", correlation_id = %correlation_id, %method, route, client = %client, organisation = tracing::field::Empty);
    async move {
        // Everything the handler awaits keeps this deadline; should a wait escape it, the
        // request is still answered in time.
        let handled = deadline.clone().scope(deadline.bound(next.run(request)));
        let (handled, noted) = measuring(handled).await;
        let mut response = handled.unwrap_or_else(|_| {
            ApiError::from(DomainError::OutOfTime(format!(
                "{operation} was still running at its deadline"
            )))
            .into_response()
        });
        if let Some(ApiError(error)) = response.extensions_mut().remove::<ApiError>() {
            if let Some(detail) = &error.detail {
                tracing::error!(detail, code = error.code.code(), "request failed");
            }
            response = render(&error, &path, &correlation_id);
        }
        let status = response.status().as_u16();
        // Every request's line is its metric line below; a server error is logged as an error
        // too, with the request span, for whatever watches the log's error lines.
        if status >= 500 {
            tracing::error!(status, "answered");
        }
        if let Ok(v) = HeaderValue::from_str(&correlation_id) {
            response.headers_mut().insert(CORRELATION_ID, v);
        }
        scope.metrics.emit(&RequestMetrics {
            function: scope.function.name(),
            operation,
            latency: scope.timer.now().saturating_sub(started),
            status,
            dynamodb_calls: noted.dynamodb_calls,
            timestamp_ms: scope.clock.now().timestamp_millis(),
            correlation_id,
            method: method.to_string(),
            route,
            client,
            organisation: noted.organisation,
        });
        response
    }
    .instrument(span)
    .await
}

fn render(error: &WireError, path: &str, correlation_id: &str) -> Response {
    let body = ErrorResponse::from_error(error, path, correlation_id);
    let bytes = serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec());
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = error.status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Some(seconds) = error.retry_after
        && let Ok(v) = HeaderValue::from_str(&seconds.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
    response
}

/// Answer for paths no route knows.
pub async fn unknown_path(request: Request) -> ApiError {
    ApiError(WireError::new(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        format!("No operation at {}", request.uri().path()),
    ))
}

/// Answer for a known path with a method it does not take.
pub async fn method_not_allowed(request: Request) -> ApiError {
    ApiError(WireError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::MethodNotAllowed,
        format!("{} is not allowed on {}", request.method(), request.uri().path()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: u128 = 1_795_530_706_000;

    #[test]
    fn a_lambda_deadline_ahead_leaves_its_time_less_the_margin() {
        let ten_seconds = u64::try_from(NOW).unwrap_or_default() + 10_000;
        assert_eq!(lambda_time_left(ten_seconds, NOW), Some(Duration::from_millis(9_000)));
        let nearly_there = u64::try_from(NOW).unwrap_or_default() + 500;
        assert_eq!(lambda_time_left(nearly_there, NOW), Some(Duration::ZERO));
    }

    #[test]
    fn a_deadline_already_past_is_no_deadline() {
        // cargo lambda watch sends its timeout, not an instant.
        assert_eq!(lambda_time_left(600_000, NOW), None);
        assert_eq!(lambda_time_left(0, NOW), None);
        assert_eq!(lambda_time_left(u64::try_from(NOW).unwrap_or_default(), NOW), None);
    }
}
