//! Pieces of answers that several functions give.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use customers_contract::headers::{IDEMPOTENT_REPLAYED, etag};
use customers_domain::profiles::Created;
use customers_domain::values::Version;
use serde::Serialize;

/// Adds the profile version as `ETag`.
pub fn with_etag(mut response: Response, version: Version) -> Response {
    if let Ok(v) = HeaderValue::from_str(&etag(version)) {
        response.headers_mut().insert(header::ETAG, v);
    }
    response
}

/// 200 with the body and the profile's ETag.
pub fn ok<T: Serialize>(body: T, version: Version) -> Response {
    with_etag(Json(body).into_response(), version)
}

/// 201 with the body, `Location` and the profile's ETag.
pub fn created<T: Serialize>(body: T, location: &str, version: Version) -> Response {
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    with_etag(response, version)
}

/// 201 with the body of an item added to a profile, and the profile's new ETag.
pub fn created_item<T: Serialize>(body: T, version: Version) -> Response {
    with_etag((StatusCode::CREATED, Json(body)).into_response(), version)
}

/// The answer to a create: 201 with the profile in `render`'s shape, and for a replay of an
/// earlier create the very same answer, marked `Idempotent-Replayed: true`.
pub fn created_profile<T: Serialize>(
    created: &Created,
    location: &str,
    render: impl Fn(&customers_domain::Customer) -> T,
) -> Response {
    let customer = created.customer();
    let mut response = self::created(render(customer), location, customer.version);
    if matches!(created, Created::Replayed(_)) {
        response
            .headers_mut()
            .insert(IDEMPOTENT_REPLAYED, HeaderValue::from_static("true"));
    }
    response
}

/// 200 with a JSON body already written (a bounded list), and the headers that describe it.
pub fn json_text(body: Vec<u8>, headers: &[(&'static str, String)]) -> Response {
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body,
    )
        .into_response();
    for (name, value) in headers {
        if let Ok(v) = HeaderValue::from_str(value) {
            response.headers_mut().insert(*name, v);
        }
    }
    response
}
