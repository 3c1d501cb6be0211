//! The error catalogue and the one place where a domain error becomes an answer: its status,
//! the contract's `ErrorResponse` body, and (for throttling) `Retry-After`.

use customers_domain::Status;
use customers_domain::error::{
    Action, Contended, DomainError, Listed, Missing, ProfilePart, Refusal, TooLarge, UniqueValue,
};
use customers_domain::problems::{FieldError, Problem};
use http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Application error codes in `ErrorResponse.errorCode` and `errors[].errorCode`. 605 is the
/// contract's own (telephone fields); the rest are this service's, listed in `docs/errors.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Required = 601,
    Length = 602,
    Format = 603,
    NotAllowed = 604,
    Telephone = 605,
    MalformedBody = 606,
    SearchNotIndexed = 607,
    Header = 608,
    EmailTaken = 620,
    CustomerRefTaken = 621,
    AccountIdTaken = 622,
    OrganisationMismatch = 630,
    StaleVersion = 640,
    IdempotencyKeyReused = 650,
    InvalidState = 660,
    ProfileTooLarge = 670,
    Unauthenticated = 700,
    Forbidden = 701,
    NotFound = 704,
    MethodNotAllowed = 705,
    WrongCredentials = 710,
    PayloadTooLarge = 713,
    UnsupportedMediaType = 715,
    TooManyAttempts = 729,
    Unavailable = 800,
    Internal = 900,
}

impl ErrorCode {
    pub fn code(self) -> u16 {
        self as u16
    }

    pub fn of(problem: Problem) -> Self {
        match problem {
            Problem::Required => ErrorCode::Required,
            Problem::Length => ErrorCode::Length,
            Problem::Format => ErrorCode::Format,
            Problem::NotAllowed => ErrorCode::NotAllowed,
            Problem::Telephone => ErrorCode::Telephone,
            Problem::SearchNeedsStart => ErrorCode::SearchNotIndexed,
        }
    }
}

/// One rejected field, with its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireFieldError {
    pub field: String,
    pub message: String,
    pub rejected: Option<String>,
    pub code: ErrorCode,
}

impl From<FieldError> for WireFieldError {
    fn from(e: FieldError) -> Self {
        Self {
            code: ErrorCode::of(e.problem),
            field: e.field,
            message: e.message,
            rejected: e.rejected,
        }
    }
}

/// An error on its way to the client; rendered with the request's path and correlation id.
#[derive(Debug, Clone)]
pub struct WireError {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    pub errors: Vec<WireFieldError>,
    /// Seconds for a `Retry-After` header.
    pub retry_after: Option<i64>,
    /// What the log says about a 5xx (never sent to the client).
    pub detail: Option<String>,
}

/// How long a client should wait after a 503.
pub const RETRY_AFTER_UNAVAILABLE_SECONDS: i64 = 1;

impl WireError {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
            errors: Vec::new(),
            retry_after: None,
            detail: None,
        }
    }

    /// 400 naming every bad field.
    pub fn invalid(errors: Vec<WireFieldError>) -> Self {
        let code = errors.first().map(|e| e.code).unwrap_or(ErrorCode::Format);
        let about_a_field = |e: &WireFieldError| {
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
            errors,
            ..Self::new(StatusCode::BAD_REQUEST, code, message)
        }
    }

    pub fn fields(errors: Vec<FieldError>) -> Self {
        Self::invalid(errors.into_iter().map(WireFieldError::from).collect())
    }

    /// 400 about one field (or the whole request when `field` is empty).
    pub fn bad_request(field: &str, code: ErrorCode, message: impl Into<String>) -> Self {
        let message = message.into();
        Self::invalid(vec![WireFieldError {
            field: field.to_string(),
            message,
            rejected: None,
            code,
        }])
    }

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, ErrorCode::Unauthenticated, message)
    }

    pub fn unavailable(message: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            retry_after: Some(RETRY_AFTER_UNAVAILABLE_SECONDS),
            detail: Some(detail.into()),
            ..Self::new(StatusCode::SERVICE_UNAVAILABLE, ErrorCode::Unavailable, message)
        }
    }

    pub fn internal(detail: impl Into<String>) -> Self {
        Self {
            detail: Some(detail.into()),
            ..Self::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                ErrorCode::Internal,
                "An unexpected error occurred; quote the correlation id when reporting it",
            )
        }
    }

    fn conflict_on(field: &str, code: ErrorCode, message: &str) -> Self {
        Self {
            errors: vec![WireFieldError {
                field: field.to_string(),
                message: message.to_string(),
                rejected: None,
                code,
            }],
            ..Self::new(StatusCode::CONFLICT, code, message)
        }
    }
}

fn missing(what: Missing) -> &'static str {
    match what {
        // Every missing thing answers alike: a path that names another organisation's profile
        // must not tell whether it exists.
        Missing::Profile
        | Missing::PostalAddress
        | Missing::Ecard
        | Missing::Note
        | Missing::CustomerAccount
        | Missing::ChosenPreference => "No such profile",
        Missing::ProfileToConnect => "No such profile to connect (customerNumberToConnect)",
        // Named in a body or on a catalogue path: no profile is looked up.
        Missing::Preference => "No such preference in the organisation's catalogue",
    }
}

fn verb(action: Action) -> &'static str {
    match action {
        Action::Change => "changed",
        Action::Convert => "converted",
        Action::Deactivate => "deactivated",
        Action::Restore => "restored",
        Action::Connect => "connected",
        Action::ConnectInto => "connected to",
        Action::SetPassword => "given a password",
        Action::AddEcard => "given ecards",
    }
}

fn listed(what: Listed) -> &'static str {
    match what {
        Listed::PostalAddresses => "postal addresses",
        Listed::CustomerAccounts => "customer accounts",
        Listed::Preferences => "preferences",
        Listed::Ecards => "ecards",
        Listed::Notes => "notes",
    }
}

/// What a refusal says to the client.
pub fn refusal_message(refusal: &Refusal) -> String {
    match refusal {
        Refusal::Temporary { number, action } => match action {
            Action::Change => format!("profile {number} is temporary: change it with PUT /profiles/temporary/{number}"),
            Action::Deactivate => {
                format!("profile {number} is temporary: delete it with DELETE /profiles/temporary/{number}")
            }
            Action::ConnectInto => {
                format!("profile {number} is temporary: profiles are connected to a permanent profile")
            }
            Action::SetPassword => {
                format!("profile {number} is temporary: convert it to a permanent profile to give it a password")
            }
            Action::AddEcard => format!("profile {number} is temporary: a temporary profile cannot have ecards"),
            other => format!("profile {number} is temporary and cannot be {}", verb(*other)),
        },
        Refusal::NotTemporary { number } => {
            format!("profile {number} is not temporary (it may have been converted already)")
        }
        Refusal::Status { number, status, action } => match (status, action) {
            (Status::Deleted, Action::Change) => {
                format!("profile {number} is deactivated; restore it before changing it")
            }
            (Status::Passive, Action::Change) => {
                format!("profile {number} was merged into another profile and can no longer be changed")
            }
            (_, Action::Restore) => format!("profile {number} is not deactivated"),
            (_, Action::SetPassword) => format!("profile {number} is not active"),
            (status, action) => {
                let why = match status {
                    Status::Deleted => "it is deactivated",
                    Status::Passive => "it has been merged into another profile",
                    Status::Active => "it is active",
                };
                format!("profile {number} cannot be {}: {why}", verb(*action))
            }
        },
        Refusal::Limit { what, max } => format!("a profile has at most {max} {}", listed(*what)),
        Refusal::MergeLimit { what, max, total } => format!(
            "connecting would leave the surviving profile with {total} {}, and a profile has at most {max}: remove some from either profile first",
            listed(*what)
        ),
        Refusal::TooLarge { items, max } => format!(
            "this change would write {items} items in one transaction, more than the {max} the database allows; nothing was changed"
        ),
        Refusal::PreferenceInactive => {
            "the preference is not active: a customer can choose only active preferences of the organisation".into()
        }
        Refusal::ConnectedToItself { named, survivor } if named == survivor => {
            "a profile cannot be connected to itself".into()
        }
        Refusal::ConnectedToItself { named, survivor } => {
            format!("a profile cannot be connected to itself (profile {named} was merged into {survivor})")
        }
        Refusal::LastDefaultAccount => {
            "a customer with accounts has exactly one default account: make another account the default instead".into()
        }
        Refusal::PreferenceCodeTaken { code } => {
            format!("the organisation already has a preference with code {code}")
        }
        Refusal::Busy { what } => match what {
            Contended::Profile(n) => format!("profile {n} is being changed by other requests right now; retry"),
            Contended::Preference(id) => format!("preference {id} is being changed by other requests right now; retry"),
        },
    }
}

/// The request member that names a part of a profile.
fn member(part: ProfilePart) -> &'static str {
    match part {
        ProfilePart::Fields => "",
        ProfilePart::List(Listed::PostalAddresses) => "postalAddresses",
        ProfilePart::List(Listed::CustomerAccounts) => "customerAccounts",
        ProfilePart::List(Listed::Preferences) => "preferences",
        ProfilePart::List(Listed::Ecards) => "ecards",
        ProfilePart::List(Listed::Notes) => "notes",
    }
}

/// 422 naming the part of the profile that takes the most room.
fn too_large(t: &TooLarge) -> WireError {
    let part = match t.largest {
        ProfilePart::Fields => "its own fields".to_string(),
        ProfilePart::List(list) => format!("its {}", listed(list)),
    };
    let message = format!(
        "the profile would take {} bytes of storage, more than the {} it may take; {part} take the most ({} bytes): remove some before adding more",
        t.bytes, t.limit, t.largest_bytes
    );
    WireError {
        errors: vec![WireFieldError {
            field: member(t.largest).to_string(),
            message: message.clone(),
            rejected: None,
            code: ErrorCode::ProfileTooLarge,
        }],
        ..WireError::new(StatusCode::UNPROCESSABLE_ENTITY, ErrorCode::ProfileTooLarge, message)
    }
}

const EMAIL_TAKEN: &str = "the email is already used by another profile of the organisation";

impl From<DomainError> for WireError {
    fn from(e: DomainError) -> Self {
        match e {
            DomainError::Invalid(errors) => WireError::fields(errors),
            DomainError::NotFound(what) => WireError::new(StatusCode::NOT_FOUND, ErrorCode::NotFound, missing(what)),
            DomainError::OrganisationMismatch { given, caller } => WireError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::OrganisationMismatch,
                format!("organisationId {given} is not the organisation of the access token ({caller})"),
            ),
            DomainError::Taken(UniqueValue::Email) => {
                WireError::conflict_on("email", ErrorCode::EmailTaken, EMAIL_TAKEN)
            }
            DomainError::Taken(UniqueValue::CustomerRef) => WireError::conflict_on(
                "customerRef",
                ErrorCode::CustomerRefTaken,
                "the customerRef is already used by another profile of the organisation",
            ),
            DomainError::Taken(UniqueValue::AccountId) => WireError::conflict_on(
                "accountId",
                ErrorCode::AccountIdTaken,
                "the customer account id is already used by a profile of the organisation",
            ),
            DomainError::Taken(UniqueValue::PreferenceCode) => WireError::new(
                StatusCode::CONFLICT,
                ErrorCode::InvalidState,
                "the organisation already has a preference with this code",
            ),
            DomainError::EmailTakenSinceDeactivation => WireError::conflict_on(
                "email",
                ErrorCode::EmailTaken,
                "the email has been taken by another profile since this one was deactivated; change that profile's email first, or restore is not possible",
            ),
            DomainError::StaleVersion { current } => WireError::new(
                StatusCode::PRECONDITION_FAILED,
                ErrorCode::StaleVersion,
                format!(
                    "the profile has changed since the version named in If-Match (current ETag {})",
                    crate::headers::etag(current)
                ),
            ),
            DomainError::IdempotencyKeyReused => WireError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::IdempotencyKeyReused,
                "this Idempotency-Key was used before with a different request",
            ),
            DomainError::Refused(refusal) => {
                WireError::new(StatusCode::CONFLICT, ErrorCode::InvalidState, refusal_message(&refusal))
            }
            DomainError::WrongCredentials => WireError::new(
                StatusCode::FORBIDDEN,
                ErrorCode::WrongCredentials,
                "The email or password is wrong",
            ),
            DomainError::TooManyAttempts { retry_after_seconds } => WireError {
                retry_after: Some(retry_after_seconds),
                ..WireError::new(
                    StatusCode::TOO_MANY_REQUESTS,
                    ErrorCode::TooManyAttempts,
                    format!("Too many failed attempts; retry in {retry_after_seconds} seconds"),
                )
            },
            DomainError::Unavailable(detail) => WireError::unavailable(
                "The customer database is unavailable; nothing was changed. Retry later",
                detail,
            ),
            DomainError::OutOfTime(detail) => WireError::unavailable(
                "The request ran out of time: the customer database is slow or unavailable. A change may or may not have been made; read before retrying it",
                detail,
            ),
            DomainError::Internal(detail) => WireError::internal(detail),
            DomainError::TooLarge(t) => too_large(&t),
        }
    }
}

/// The contract's ErrorResponse.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
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
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
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
    pub fn from_error(error: &WireError, path: &str, correlation_id: &str) -> Self {
        Self {
            timestamp: customers_domain::values::format_instant(&chrono::Utc::now()),
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
