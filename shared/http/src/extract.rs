//! Extractors that turn a request into typed inputs or a contract error, never a bare 4xx/5xx.

use crate::auth::JwtVerifier;
use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use customers_contract::headers;
use customers_contract::{ErrorCode, WireError};
use customers_domain::conditional::ExpectedVersion;
use customers_domain::profiles::Keyed;
use customers_domain::values::{Actor, CustomerNumber, OrganisationId};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::Arc;

pub const CLIENT_NAME: &str = "et-client-name";
/// Request bodies above this size are refused with 413 before they are parsed.
pub const BODY_LIMIT_BYTES: usize = 256 * 1024;

fn bad_request(field: &str, code: ErrorCode, message: impl Into<String>) -> ApiError {
    ApiError(WireError::bad_request(field, code, message))
}

/// A caller with a valid token that named itself in `ET-Client-Name`.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// The token's organisation: the tenant of everything the request does.
    pub organisation: OrganisationId,
    pub client_name: String,
}

impl Authenticated {
    /// The client, as the one who made a change.
    pub fn actor(&self) -> Result<Actor, ApiError> {
        Actor::parse("ET-Client-Name", &self.client_name).map_err(ApiError::from)
    }
}

impl<S> FromRequestParts<S> for Authenticated
where
    Arc<JwtVerifier>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Arc::<JwtVerifier>::from_ref(state);
        let authorization = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
        let organisation = verifier.organisation(authorization).await?;
        // Held to the rule of an author, as sent: it is recorded as the author of changes
        // that name none. A value that is not visible ASCII cannot be read as text.
        let client_name = match parts.headers.get(CLIENT_NAME).map(|v| v.to_str()) {
            None => {
                return Err(bad_request(
                    "ET-Client-Name",
                    ErrorCode::Header,
                    "The ET-Client-Name header is required: identify your client as <company>-<application>",
                ));
            }
            Some(Err(_)) => {
                return Err(bad_request(
                    "ET-Client-Name",
                    ErrorCode::Header,
                    "The ET-Client-Name header must be visible ASCII characters",
                ));
            }
            Some(Ok(v)) => v,
        };
        Actor::parse("ET-Client-Name", client_name)
            .map_err(|e| bad_request("ET-Client-Name", ErrorCode::Header, e.message))?;
        Ok(Self {
            organisation,
            client_name: client_name.to_string(),
        })
    }
}

async fn path_params<S: Send + Sync>(parts: &mut Parts, state: &S) -> Result<HashMap<String, String>, ApiError> {
    Path::<HashMap<String, String>>::from_request_parts(parts, state)
        .await
        .map(|Path(p)| p)
        .map_err(|_| bad_request("", ErrorCode::Format, "The path is not valid"))
}

/// The `{customerNumber}` path segment as a customer number, or 400.
#[derive(Debug, Clone, Copy)]
pub struct CustomerNumberPath(pub CustomerNumber);

impl<S: Send + Sync> FromRequestParts<S> for CustomerNumberPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = path_params(parts, state).await?;
        let raw = params
            .get("customerNumber")
            .ok_or_else(|| bad_request("customerNumber", ErrorCode::Format, "The path has no customer number"))?;
        CustomerNumber::parse_text("customerNumber", raw)
            .map(Self)
            .map_err(ApiError::from)
    }
}

/// The path segment other than `{customerNumber}` (a reference, an account or an item id), as
/// text; the handler parses it into what it names.
#[derive(Debug, Clone)]
pub struct TextPath(pub String);

impl<S: Send + Sync> FromRequestParts<S> for TextPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = path_params(parts, state).await?;
        params
            .into_iter()
            .find(|(k, _)| k != "customerNumber")
            .map(|(_, v)| Self(v))
            .ok_or_else(|| bad_request("", ErrorCode::Format, "The path is not valid"))
    }
}

/// Query parameters read into a struct of optional texts; parsing them is the contract's job.
#[derive(Debug, Clone)]
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str::<T>(query)
            .map(Self)
            .map_err(|e| bad_request("", ErrorCode::Format, format!("The query string is not valid: {e}")))
    }
}

/// A JSON body: the value as sent (for fingerprints) and the typed request.
///
/// `application/json` (or any `+json` type) is expected. A body sent with no content type, or
/// with the form type that `curl --data` sets by default, is read as JSON too, so the
/// contract's own curl examples work as printed. Any other type is refused with 415.
#[derive(Debug, Clone)]
pub struct JsonBody<T> {
    pub raw: serde_json::Value,
    pub value: T,
}

fn media_type(headers: &HeaderMap) -> Option<String> {
    headers.get(header::CONTENT_TYPE).map(|value| {
        value
            .to_str()
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    })
}

fn acceptable_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(media) = media_type(headers) else {
        return Ok(());
    };
    let ok = media == "application/json"
        || media.ends_with("+json")
        || media == "application/x-www-form-urlencoded"
        || media.is_empty();
    if ok {
        Ok(())
    } else {
        Err(ApiError(WireError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            format!("Content-Type {media} is not supported; send application/json"),
        )))
    }
}

/// The body's bytes, or 413 beyond the limit.
async fn body_bytes<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, ApiError> {
    Bytes::from_request(request, state).await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError(WireError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                ErrorCode::PayloadTooLarge,
                format!("The request body is larger than {BODY_LIMIT_BYTES} bytes"),
            ))
        } else {
            bad_request(
                "",
                ErrorCode::MalformedBody,
                format!("The request body could not be read: {e}"),
            )
        }
    })
}

/// Any JSON value; not UTF-8, empty or not JSON is 400.
fn json_value(bytes: &[u8]) -> Result<serde_json::Value, ApiError> {
    // JSON is UTF-8 (RFC 8259); say so, rather than what the JSON reader makes of the bytes.
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(bad_request(
            "",
            ErrorCode::MalformedBody,
            format!(
                "The request body is not UTF-8 text: the byte at offset {} is not valid UTF-8",
                e.valid_up_to()
            ),
        ));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(bad_request(
            "",
            ErrorCode::MalformedBody,
            "The request body is empty; a JSON object is required",
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        bad_request(
            "",
            ErrorCode::MalformedBody,
            format!("The request body is not valid JSON: {e}"),
        )
    })
}

/// Reads a JSON value into `T`, naming the field at fault.
fn typed<T: DeserializeOwned>(raw: &serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize::<_, T>(raw).map_err(|e| {
        let field = e.path().to_string();
        let field = if field == "." { String::new() } else { field };
        let message = if field.is_empty() {
            format!("The request body has the wrong shape: {}", e.inner())
        } else {
            format!("{field}: {}", e.inner())
        };
        bad_request(&field, ErrorCode::MalformedBody, message)
    })
}

/// Parses a JSON object into `T`.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<(serde_json::Value, T), ApiError> {
    let raw = json_value(bytes)?;
    if !raw.is_object() {
        // serde would read an array into a struct by position: refuse anything but an object.
        return Err(bad_request(
            "",
            ErrorCode::MalformedBody,
            "The request body has the wrong shape: a JSON object is required",
        ));
    }
    let value = typed(&raw)?;
    Ok((raw, value))
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        acceptable_content_type(request.headers())?;
        let bytes = body_bytes(request, state).await?;
        let (raw, value) = parse_json(&bytes)?;
        Ok(Self { raw, value })
    }
}

/// A JSON Merge Patch body (RFC 7396): only `application/merge-patch+json` is taken.
#[derive(Debug, Clone)]
pub struct MergePatch(pub serde_json::Value);

impl<S: Send + Sync> FromRequest<S> for MergePatch {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if media_type(request.headers()).as_deref() != Some("application/merge-patch+json") {
            return Err(ApiError(WireError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "A merge patch must be sent as Content-Type: application/merge-patch+json (RFC 7396)",
            )));
        }
        let bytes = body_bytes(request, state).await?;
        let (raw, _) = parse_json::<serde_json::Value>(&bytes)?;
        Ok(Self(raw))
    }
}

/// A JSON array body, as `PUT /profiles/{customerNumber}/preferences` takes.
#[derive(Debug, Clone)]
pub struct JsonList<T>(pub Vec<T>);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonList<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        acceptable_content_type(request.headers())?;
        let bytes = body_bytes(request, state).await?;
        let raw = json_value(&bytes)?;
        if !raw.is_array() {
            return Err(bad_request(
                "",
                ErrorCode::MalformedBody,
                "The request body must be a JSON array",
            ));
        }
        typed(&raw).map(Self)
    }
}

/// `If-Match`, as the precondition of a change.
pub fn if_match(headers: &HeaderMap) -> Result<Option<ExpectedVersion>, ApiError> {
    let value = match headers.get(header::IF_MATCH) {
        None => None,
        Some(v) => Some(
            v.to_str()
                .map_err(|_| bad_request("If-Match", ErrorCode::Header, "If-Match is not valid text"))?,
        ),
    };
    headers::if_match(value).map_err(ApiError)
}

/// `Idempotency-Key`, with the fingerprint of the body it came with.
pub fn idempotency(headers: &HeaderMap, body: &serde_json::Value) -> Result<Option<Keyed>, ApiError> {
    let value = match headers.get("idempotency-key") {
        None => None,
        Some(v) => Some(v.to_str().map_err(|_| {
            bad_request(
                "Idempotency-Key",
                ErrorCode::Header,
                "Idempotency-Key is not valid text",
            )
        })?),
    };
    headers::idempotency(value, body).map_err(ApiError)
}
