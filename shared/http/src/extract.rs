//! Extractors that turn a request into typed inputs or a contract error, never a bare 4xx/5xx.

use crate::auth::JwtVerifier;
use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::{FromRef, FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use customers_domain::idempotency::IdempotencyKey;
use customers_domain::service::{Caller, Precondition};
use customers_domain::validation::ErrorCode;
use customers_domain::values::CustomerNumber;
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use std::sync::Arc;

pub const CLIENT_NAME: &str = "et-client-name";

/// A caller with a valid token that named itself in `ET-Client-Name`.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub caller: Caller,
    pub client_name: String,
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
        let caller = verifier.caller(authorization).await?;
        let client_name = parts
            .headers
            .get(CLIENT_NAME)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .ok_or_else(|| {
                ApiError::bad_request(
                    "ET-Client-Name",
                    ErrorCode::Header,
                    "The ET-Client-Name header is required: identify your client as <company>-<application>",
                )
            })?;
        if client_name.chars().count() > 100 {
            return Err(ApiError::bad_request(
                "ET-Client-Name",
                ErrorCode::Header,
                "The ET-Client-Name header must be at most 100 characters",
            ));
        }
        Ok(Self {
            caller,
            client_name: client_name.to_string(),
        })
    }
}

async fn path_params<S: Send + Sync>(parts: &mut Parts, state: &S) -> Result<HashMap<String, String>, ApiError> {
    Path::<HashMap<String, String>>::from_request_parts(parts, state)
        .await
        .map(|Path(p)| p)
        .map_err(|_| ApiError::bad_request("", ErrorCode::Format, "The path is not valid"))
}

/// The `{customerNumber}` path segment as a customer number, or 400.
#[derive(Debug, Clone, Copy)]
pub struct CustomerNumberPath(pub CustomerNumber);

impl<S: Send + Sync> FromRequestParts<S> for CustomerNumberPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = path_params(parts, state).await?;
        let raw = params.get("customerNumber").ok_or_else(|| {
            ApiError::bad_request("customerNumber", ErrorCode::Format, "The path has no customer number")
        })?;
        CustomerNumber::parse_text("customerNumber", raw)
            .map(Self)
            .map_err(|e| ApiError::invalid(vec![e]))
    }
}

/// The path segment other than `{customerNumber}` (a reference, an account or resource id), as text.
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
            .ok_or_else(|| ApiError::bad_request("", ErrorCode::Format, "The path is not valid"))
    }
}

/// Query parameters read into a struct of optional texts; parsing into domain values is the
/// domain's job.
#[derive(Debug, Clone)]
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Default> FromRequestParts<S> for QueryParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str::<T>(query)
            .map(Self)
            .map_err(|e| ApiError::bad_request("", ErrorCode::Format, format!("The query string is not valid: {e}")))
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

fn acceptable_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Ok(());
    };
    let media = value
        .to_str()
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let ok = media == "application/json"
        || media.ends_with("+json")
        || media == "application/x-www-form-urlencoded"
        || media.is_empty();
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            format!("Content-Type {media} is not supported; send application/json"),
        ))
    }
}

/// Parses a JSON object into `T`, naming the field at fault.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<(serde_json::Value, T), ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "",
            ErrorCode::MalformedBody,
            "The request body is empty; a JSON object is required",
        ));
    }
    let raw: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(
            "",
            ErrorCode::MalformedBody,
            format!("The request body is not valid JSON: {e}"),
        )
    })?;
    if !raw.is_object() {
        // serde would read an array into a struct by position: refuse anything but an object.
        return Err(ApiError::bad_request(
            "",
            ErrorCode::MalformedBody,
            "The request body has the wrong shape: a JSON object is required",
        ));
    }
    let value = serde_path_to_error::deserialize::<_, T>(&raw).map_err(|e| {
        let field = e.path().to_string();
        let field = if field == "." { String::new() } else { field };
        let message = if field.is_empty() {
            format!("The request body has the wrong shape: {}", e.inner())
        } else {
            format!("{field}: {}", e.inner())
        };
        ApiError::bad_request(&field, ErrorCode::MalformedBody, message)
    })?;
    Ok((raw, value))
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        acceptable_content_type(request.headers())?;
        let bytes = Bytes::from_request(request, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    ErrorCode::PayloadTooLarge,
                    format!("The request body is larger than {} bytes", crate::BODY_LIMIT_BYTES),
                )
            } else {
                ApiError::bad_request(
                    "",
                    ErrorCode::MalformedBody,
                    format!("The request body could not be read: {e}"),
                )
            }
        })?;
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
        let media = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase());
        if media.as_deref() != Some("application/merge-patch+json") {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ErrorCode::UnsupportedMediaType,
                "A merge patch must be sent as Content-Type: application/merge-patch+json (RFC 7396)",
            ));
        }
        let JsonBody { raw, .. } = JsonBody::<serde_json::Value>::from_request(request, state).await?;
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
        let bytes = Bytes::from_request(request, state).await.map_err(|e| {
            ApiError::bad_request(
                "",
                ErrorCode::MalformedBody,
                format!("The request body could not be read: {e}"),
            )
        })?;
        let raw: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| {
            ApiError::bad_request(
                "",
                ErrorCode::MalformedBody,
                format!("The request body is not valid JSON: {e}"),
            )
        })?;
        if !raw.is_array() {
            return Err(ApiError::bad_request(
                "",
                ErrorCode::MalformedBody,
                "The request body must be a JSON array",
            ));
        }
        serde_path_to_error::deserialize::<_, Vec<T>>(&raw)
            .map(Self)
            .map_err(|e| {
                let field = e.path().to_string();
                ApiError::bad_request(&field, ErrorCode::MalformedBody, format!("{field}: {}", e.inner()))
            })
    }
}

/// `If-Match`: `*` or a list of strong entity tags. Weak tags never match (RFC 9110 strong
/// comparison), so a list of only weak tags can never be satisfied.
pub fn if_match(headers: &HeaderMap) -> Result<Option<Precondition>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value
        .to_str()
        .map_err(|_| ApiError::bad_request("If-Match", ErrorCode::Header, "If-Match is not valid text"))?
        .trim();
    if text == "*" {
        return Ok(Some(Precondition::Any));
    }
    let mut tags = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let strong = !part.starts_with("W/");
        let tag = part.trim_start_matches("W/");
        if !(tag.len() >= 2 && tag.starts_with('"') && tag.ends_with('"')) {
            return Err(ApiError::bad_request(
                "If-Match",
                ErrorCode::Header,
                "If-Match must be * or a list of entity tags in double quotes, as the ETag header gives them",
            ));
        }
        if strong {
            tags.push(tag.to_string());
        }
    }
    Ok(Some(Precondition::OneOf(tags)))
}

pub fn idempotency_key(headers: &HeaderMap) -> Result<Option<IdempotencyKey>, ApiError> {
    match headers.get("idempotency-key") {
        None => Ok(None),
        Some(v) => {
            let text = v.to_str().map_err(|_| {
                ApiError::bad_request(
                    "Idempotency-Key",
                    ErrorCode::Header,
                    "Idempotency-Key is not valid text",
                )
            })?;
            IdempotencyKey::parse(text)
                .map(Some)
                .map_err(|e| ApiError::invalid(vec![e]))
        }
    }
}
