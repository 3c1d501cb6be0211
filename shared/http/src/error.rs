//! The one place where domain and request errors become HTTP answers in the contract's
//! `ErrorResponse` shape.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use customers_domain::CustomerError;
use customers_domain::validation::{ErrorCode, FieldError};
use serde::Serialize;
use utoipa::ToSchema;

/// An error on its way to the client. It is rendered by [`crate::middleware`], which knows the
/// request's path and correlation id.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    pub errors: Vec<FieldError>,
    /// Seconds for a `Retry-After` header.
    pub retry_after: Option<i64>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    pub fn invalid(errors: Vec<FieldError>) -> Self {
        let code = errors.first().map(|e| e.code).unwrap_or(ErrorCode::Format);
        let about_a_field = |e: &FieldError| {
            matches!(
                e.code,
                ErrorCode::Required
                    | ErrorCode::Length
                    | ErrorCode::Format
                    | ErrorCode::NotAllowed
                    | ErrorCode::Telephone
            )
        };
        let message = match errors.as_slice() {
            [one] if one.field.is_empty() || !about_a_field(one) => one.message.clone(),
            [one] => format!("Validation failed: {}", one.message),
            many => format!(
                "Validation failed for {} fields: {}",
                many.len(),
                many.iter().map(|e| e.field.as_str()).collect::<Vec<_>>().join(", ")
            ),
        };
        Self {
            status: StatusCode::BAD_REQUEST,
            code,
            message,
            errors,
            retry_after: None,
        }
    }

    pub fn bad_request(field: &str, code: ErrorCode, message: impl Into<String>) -> Self {
        Self::invalid(vec![FieldError::new(field, code, message)])
    }

    pub fn not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, "No such profile")
    }

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated, message)
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "An unexpected error occurred; quote the correlation id when reporting it",
        )
    }
}

impl From<CustomerError> for ApiError {
    fn from(e: CustomerError) -> Self {
        match e {
            CustomerError::Invalid(errors) => ApiError::invalid(errors),
            CustomerError::NotFound => ApiError::not_found(),
            e @ CustomerError::OrganisationMismatch { .. } => {
                ApiError::new(StatusCode::FORBIDDEN, ErrorCode::OrganisationMismatch, e.to_string())
            }
            e @ CustomerError::EmailTaken => ApiError {
                errors: vec![FieldError::new("email", ErrorCode::EmailTaken, e.to_string())],
                ..ApiError::new(StatusCode::CONFLICT, ErrorCode::EmailTaken, e.to_string())
            },
            e @ CustomerError::EmailTakenSinceDeactivation => ApiError {
                errors: vec![FieldError::new("email", ErrorCode::EmailTaken, e.to_string())],
                ..ApiError::new(StatusCode::CONFLICT, ErrorCode::EmailTaken, e.to_string())
            },
            e @ CustomerError::AccountIdTaken => ApiError {
                errors: vec![FieldError::new("accountId", ErrorCode::AccountIdTaken, e.to_string())],
                ..ApiError::new(StatusCode::CONFLICT, ErrorCode::AccountIdTaken, e.to_string())
            },
            e @ CustomerError::CustomerRefTaken => ApiError {
                errors: vec![FieldError::new(
                    "customerRef",
                    ErrorCode::CustomerRefTaken,
                    e.to_string(),
                )],
                ..ApiError::new(StatusCode::CONFLICT, ErrorCode::CustomerRefTaken, e.to_string())
            },
            e @ CustomerError::StaleVersion { .. } => {
                ApiError::new(StatusCode::PRECONDITION_FAILED, ErrorCode::StaleVersion, e.to_string())
            }
            e @ CustomerError::IdempotencyKeyReused => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::IdempotencyKeyReused,
                e.to_string(),
            ),
            CustomerError::WrongCredentials => ApiError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::WrongCredentials,
                "The email or password is wrong",
            ),
            CustomerError::TooManyAttempts { retry_after_seconds } => ApiError {
                retry_after: Some(retry_after_seconds),
                ..ApiError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    ErrorCode::TooManyAttempts,
                    format!("Too many failed attempts; retry in {retry_after_seconds} seconds"),
                )
            },
            CustomerError::InvalidState(m) => ApiError::new(StatusCode::CONFLICT, ErrorCode::InvalidState, m),
            CustomerError::Unavailable(detail) => {
                tracing::error!(detail, "store unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    ErrorCode::StoreUnavailable,
                    "The customer database is unavailable; nothing was changed. Retry later",
                )
            }
            CustomerError::Internal(detail) => {
                tracing::error!(detail, "internal error");
                ApiError::internal()
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

/// The contract's ErrorResponse.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorResponse {
    /// When the error occurred.
    pub timestamp: String,
    /// The http status code.
    pub status: u16,
    /// The http status reason.
    pub error: String,
    /// The main error message.
    pub message: String,
    /// The request URI.
    pub path: String,
    /// The unique correlation id for the request.
    pub correlation_id: String,
    /// Application specific error code
    pub error_code: u16,
    /// Optional list of error specifications.
    pub errors: Vec<ErrorSpecification>,
}

/// One rejected field.
#[derive(Debug, Clone, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ErrorSpecification {
    /// The field of the associated object in the request related to the error.
    pub field: String,
    /// The message explaining why the error occurred.
    pub default_message: String,
    /// A list of rejected values.
    pub rejected_values: Vec<String>,
    /// Application specific error code
    pub error_code: u16,
}

impl ErrorResponse {
    pub fn from_error(error: &ApiError, path: &str, correlation_id: &str) -> Self {
        Self {
            timestamp: customers_domain::time::format_timestamp(&chrono::Utc::now()),
            status: error.status.as_u16(),
            error: error.status.canonical_reason().unwrap_or("Error").to_string(),
            message: error.message.clone(),
            path: path.to_string(),
            correlation_id: correlation_id.to_string(),
            error_code: error.code.code(),
            errors: error
                .errors
                .iter()
                .map(|e| ErrorSpecification {
                    field: e.field.clone(),
                    default_message: e.message.clone(),
                    rejected_values: e.rejected.iter().cloned().collect(),
                    error_code: e.code.code(),
                })
                .collect(),
        }
    }
}
