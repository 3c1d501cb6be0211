//! Small pieces of answers that several functions give.

use axum::http::{HeaderValue, header};
use axum::response::Response;

/// Adds the profile version as `ETag`.
pub fn with_etag(mut response: Response, etag: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(etag) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}
