//! Layers every function wraps its router in: correlation id in and out, a tracing span per
//! request (the route template, never the raw path, which can hold personal data), panics
//! caught, and errors rendered as the contract's ErrorResponse.

use crate::error::ApiError;
use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use customers_contract::routes::template_of;
use customers_contract::{ErrorCode, ErrorResponse, WireError};
use tower_http::catch_panic::CatchPanicLayer;
use tracing::Instrument;

pub const CORRELATION_ID: HeaderName = HeaderName::from_static("x-correlation-id");

/// The request's correlation id: the caller's own when it sent a usable one, else a new UUID.
#[derive(Debug, Clone)]
pub struct CorrelationId(pub String);

fn usable(v: &str) -> bool {
    !v.is_empty() && v.len() <= 128 && v.bytes().all(|b| b.is_ascii_graphic())
}

/// Wraps a function's router in the contract's layers.
pub fn with_contract_layers(router: Router) -> Router {
    router
        .layer(CatchPanicLayer::custom(|_panic: Box<dyn std::any::Any + Send>| {
            ApiError(WireError::internal("a handler panicked")).into_response()
        }))
        .layer(axum::middleware::from_fn(contract_envelope))
}

async fn contract_envelope(mut request: Request, next: Next) -> Response {
    let correlation_id = request
        .headers()
        .get(&CORRELATION_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| usable(v))
        .map(str::to_string)
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let path = request.uri().path().to_string();
    let route = template_of(&path).unwrap_or("(no route)");
    let method = request.method().clone();
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
        let mut response = next.run(request).await;
        if let Some(ApiError(error)) = response.extensions_mut().remove::<ApiError>() {
            if let Some(detail) = &error.detail {
                tracing::error!(detail, code = error.code.code(), "request failed");
            }
            response = render(&error, &path, &correlation_id);
        }
        let status = response.status().as_u16();
        if status >= 500 {
            tracing::error!(status, "answered");
        } else {
            tracing::info!(status, "answered");
        }
        if let Ok(v) = HeaderValue::from_str(&correlation_id) {
            response.headers_mut().insert(CORRELATION_ID, v);
        }
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
