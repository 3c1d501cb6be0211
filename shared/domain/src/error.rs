//! The one error type that leaves the domain. Each variant says what went wrong in domain
//! terms; the wire contract maps every one to a status, an error code and a message in one place.

use crate::customer::Status;
use crate::problems::FieldError;
use crate::values::{CustomerNumber, ItemId, OrganisationId, Version};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum DomainError {
    #[error("the input is invalid")]
    Invalid(Vec<FieldError>),
    #[error("no such {0:?}")]
    NotFound(Missing),
    #[error("organisationId {given} is not the organisation of the caller ({caller})")]
    OrganisationMismatch { given: i64, caller: OrganisationId },
    #[error("{0:?} is already used")]
    Taken(UniqueValue),
    #[error("the email has been taken by another profile since this one was deactivated")]
    EmailTakenSinceDeactivation,
    #[error("the profile has changed since version {current}")]
    StaleVersion { current: Version },
    #[error("this idempotency key was used before with a different request")]
    IdempotencyKeyReused,
    #[error("refused: {0:?}")]
    Refused(Refusal),
    /// The one answer to every failed sign-in, whatever the reason.
    #[error("the email or password is wrong")]
    WrongCredentials,
    #[error("too many attempts; retry in {retry_after_seconds} seconds")]
    TooManyAttempts { retry_after_seconds: i64 },
    /// A dependency (the database) cannot do the work now; nothing was changed.
    #[error("unavailable: {0}")]
    Unavailable(String),
    /// The request's deadline came before the work was done (the database is slow, or the
    /// profile contended); a write under way may or may not have been made.
    #[error("out of time: {0}")]
    OutOfTime(String),
    /// Stored data that cannot be read, or a fault of this service.
    #[error("internal: {0}")]
    Internal(String),
    /// The change would make the stored profile larger than it may be.
    #[error("the profile would be too large: {0:?}")]
    TooLarge(TooLarge),
}

/// A part of a profile, as a size refusal names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfilePart {
    /// The profile's own fields (names, contact data, stamps).
    Fields,
    List(Listed),
}

/// A change refused because the stored profile would outgrow its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLarge {
    /// The stored size the change would make, in bytes.
    pub bytes: usize,
    /// The most the change may make it.
    pub limit: usize,
    /// The part taking the most space, and how much.
    pub largest: ProfilePart,
    pub largest_bytes: usize,
}

/// What was not there. Another organisation's data is "not there" too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    Profile,
    /// The profile a connect names in its body.
    ProfileToConnect,
    PostalAddress,
    Ecard,
    Note,
    CustomerAccount,
    Preference,
    ChosenPreference,
}

/// A value unique within an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UniqueValue {
    Email,
    CustomerRef,
    AccountId,
    PreferenceCode,
}

/// Operations a profile's type or state can refuse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Change,
    Convert,
    Deactivate,
    Restore,
    Connect,
    ConnectInto,
    SetPassword,
    AddEcard,
}

/// Lists kept in a profile, each with a bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listed {
    PostalAddresses,
    CustomerAccounts,
    Preferences,
    Ecards,
    Notes,
}

/// A well-formed request that the profile's state refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A temporary profile takes this through the temporary-profile operations, or not at all.
    Temporary { number: CustomerNumber, action: Action },
    /// A permanent profile where a temporary one is needed (e.g. converted already).
    NotTemporary { number: CustomerNumber },
    /// The profile's status does not allow the action.
    Status {
        number: CustomerNumber,
        status: Status,
        action: Action,
    },
    /// A list of the profile is full.
    Limit { what: Listed, max: usize },
    /// A connect would give the survivor more than a list holds (`total` of at most `max`).
    MergeLimit { what: Listed, max: usize, total: usize },
    /// One atomic write would hold more items than the store can write at once.
    TooLarge { items: usize, max: usize },
    /// A customer with accounts has exactly one default account.
    LastDefaultAccount,
    /// The preference chosen is not active in the catalogue.
    PreferenceInactive,
    /// A profile cannot be connected to itself, nor into a profile that was merged into it
    /// (`named` is the profile in the path; `survivor` the one it is, or was merged into).
    ConnectedToItself {
        named: CustomerNumber,
        survivor: CustomerNumber,
    },
    /// The catalogue has a preference with this code (case-insensitively).
    PreferenceCodeTaken { code: String },
    /// Concurrent changes kept winning; the client may retry.
    Busy { what: Contended },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Contended {
    Profile(CustomerNumber),
    Preference(ItemId),
}

impl DomainError {
    pub fn invalid(error: FieldError) -> Self {
        Self::Invalid(vec![error])
    }

    pub fn refused(refusal: Refusal) -> Self {
        Self::Refused(refusal)
    }
}

/// An organisation named in a request must be the caller's own.
pub fn ensure_caller(given: i64, caller: OrganisationId) -> Result<(), DomainError> {
    if given == caller.value() {
        Ok(())
    } else {
        Err(DomainError::OrganisationMismatch { given, caller })
    }
}
