//! Field-level validation errors, collected so that one answer names every bad field at once.

use serde::Serialize;
use std::fmt;

/// Application error codes carried in `ErrorResponse.errors[].errorCode` and `errorCode`.
/// 605 is the contract's own (telephone fields); the rest are this service's catalogue,
/// documented in `docs/errors.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ErrorCode {
    /// A required field is absent or null.
    Required = 601,
    /// A text is longer (or shorter) than the contract allows.
    Length = 602,
    /// A value has the wrong format (email, date, ISO code, number).
    Format = 603,
    /// A value is not one of the allowed values.
    NotAllowed = 604,
    /// Any error in a telephone field (contract: customers-5.4.1).
    Telephone = 605,
    /// The body is not JSON, or not the JSON the operation takes.
    MalformedBody = 606,
    /// A search gives no parameter that can start a search.
    SearchNotIndexed = 607,
    /// A required header is missing or invalid.
    Header = 608,
    /// The email is already used by another profile of the organisation.
    EmailTaken = 620,
    /// The customerRef is already used by another profile of the organisation.
    CustomerRefTaken = 621,
    /// The customer account id is already used by a profile of the organisation.
    AccountIdTaken = 622,
    /// The organisation in the body is not the organisation of the access token.
    OrganisationMismatch = 630,
    /// If-Match names a version that is no longer current.
    StaleVersion = 640,
    /// The Idempotency-Key was used before with a different request.
    IdempotencyKeyReused = 650,
    /// The profile cannot take this operation in its current state.
    InvalidState = 660,
    /// A customer's email and password did not verify (for any reason).
    WrongCredentials = 710,
    /// Too many failed attempts for this login name; retry after the given time.
    TooManyAttempts = 729,
    /// Authentication failed (no token, bad token).
    Unauthenticated = 700,
    /// The token is valid but grants no access to this.
    Forbidden = 701,
    /// The resource does not exist (or belongs to another organisation).
    NotFound = 704,
    /// Method not allowed on this path.
    MethodNotAllowed = 705,
    /// Body too large.
    PayloadTooLarge = 713,
    /// Unsupported content type.
    UnsupportedMediaType = 715,
    /// The database could not be reached or refused the work; retry later.
    StoreUnavailable = 800,
    /// An unexpected fault of this service.
    Internal = 900,
}

impl ErrorCode {
    pub fn code(self) -> u16 {
        self as u16
    }
}

/// One rejected field: the contract's `ErrorSpecification`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    pub rejected: Option<String>,
    pub code: ErrorCode,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
            rejected: None,
            code,
        }
    }

    pub fn rejecting(mut self, value: impl fmt::Display) -> Self {
        let mut shown = value.to_string();
        // Echo at most a short prefix: a rejected value can be personal data or huge.
        if shown.chars().count() > 100 {
            shown = shown.chars().take(100).collect::<String>() + "…";
        }
        self.rejected = Some(shown);
        self
    }
}

/// Collects field errors while a request is parsed into domain values.
#[derive(Debug, Default)]
pub struct Problems {
    errors: Vec<FieldError>,
}

impl Problems {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn push(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    /// Passes a given value on; records "is required" when it is absent.
    pub fn required<'a>(&mut self, field: &str, value: Option<&'a str>) -> Option<&'a str> {
        if value.is_none() {
            self.push(FieldError::new(
                field,
                ErrorCode::Required,
                format!("{field} is required"),
            ));
        }
        value
    }

    /// Keeps the value when it parsed, records the error when it did not.
    pub fn take<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    /// Like [`Problems::take`] for optional inputs.
    pub fn take_opt<T>(&mut self, result: Option<Result<T, FieldError>>) -> Option<T> {
        result.and_then(|r| self.take(r))
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn into_result<T>(self, value: impl FnOnce() -> T) -> Result<T, Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(value())
        } else {
            Err(self.errors)
        }
    }

    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }
}
