//! The one error type of the domain boundary. The HTTP layer maps it to status codes in one place.

use crate::validation::FieldError;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum CustomerError {
    #[error("the request is invalid")]
    Invalid(Vec<FieldError>),
    #[error("no such profile")]
    NotFound,
    #[error("organisationId {given} is not the organisation of the access token ({token})")]
    OrganisationMismatch { given: i64, token: i64 },
    #[error("the email is already used by another profile of the organisation")]
    EmailTaken,
    #[error(
        "the email has been taken by another profile since this one was deactivated; change that profile's email first, or restore is not possible"
    )]
    EmailTakenSinceDeactivation,
    #[error("the customer account id is already used by a profile of the organisation")]
    AccountIdTaken,
    #[error("the customerRef is already used by another profile of the organisation")]
    CustomerRefTaken,
    #[error("the profile has changed since the version named in If-Match (current ETag {current})")]
    StaleVersion { current: String },
    #[error("this Idempotency-Key was used before with a different request")]
    IdempotencyKeyReused,
    #[error("{0}")]
    InvalidState(String),
    /// The one answer to every failed sign-in, whatever the reason.
    #[error("the email or password is wrong")]
    WrongCredentials,
    #[error("too many failed attempts; retry in {retry_after_seconds} seconds")]
    TooManyAttempts { retry_after_seconds: i64 },
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl CustomerError {
    pub fn invalid(error: FieldError) -> Self {
        Self::Invalid(vec![error])
    }
}

impl From<crate::store::StoreError> for CustomerError {
    fn from(e: crate::store::StoreError) -> Self {
        use crate::store::StoreError;
        match e {
            StoreError::Unavailable(m) => Self::Unavailable(m),
            StoreError::Corrupt(m) => Self::Internal(m),
            StoreError::Taken(crate::store::TakenValue::Email) => Self::EmailTaken,
            StoreError::Taken(crate::store::TakenValue::CustomerRef) => Self::CustomerRefTaken,
            StoreError::Taken(crate::store::TakenValue::AccountId) => Self::AccountIdTaken,
            StoreError::Missing => Self::NotFound,
            StoreError::PreferenceNotActive => Self::invalid(crate::validation::FieldError::new(
                "preferenceId",
                crate::validation::ErrorCode::NotAllowed,
                "the preference is not an active preference of the organisation",
            )),
            // The service resolves conflicts itself; one that escapes is a fault of this service.
            other => Self::Internal(other.to_string()),
        }
    }
}
