//! The storage port. The domain says what must hold (which values are unique, which keys a
//! search may start from, when a profile expires); an adapter decides how.

use crate::idempotency::{IdempotencyKey, IdempotencyRecord};
use crate::password::PasswordHash;
use crate::profile::{Customer, SearchKey};
use crate::resources::Preference;
use crate::values::{CustomerNumber, CustomerRef, OrganisationId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// A unique value is held by another live profile.
    #[error("unique value taken: {0:?}")]
    Taken(TakenValue),
    /// The profile is no longer at the version the write was based on.
    #[error("the profile changed concurrently")]
    VersionConflict,
    /// Another create already used the idempotency key.
    #[error("the idempotency key is already recorded")]
    IdempotencyKeyRecorded,
    /// The profile to change does not exist.
    #[error("no such profile")]
    Missing,
    /// A preference the write required to be active is not (or is gone).
    #[error("a required preference is not active")]
    PreferenceNotActive,
    /// The database is unreachable, throttling or failing: the caller may retry later.
    #[error("{0}")]
    Unavailable(String),
    /// Stored data that cannot be read back.
    #[error("{0}")]
    Corrupt(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TakenValue {
    Email,
    CustomerRef,
    AccountId,
}

/// Everything a create writes, in one atomic step.
#[derive(Debug)]
pub struct NewProfile<'a> {
    pub customer: &'a Customer,
    pub password: Option<&'a PasswordHash>,
    pub idempotency: Option<(&'a IdempotencyKey, &'a IdempotencyRecord)>,
    pub now: DateTime<Utc>,
}

/// What failed sign-ins are counted by: the login name (so an unknown email is throttled just
/// like a known one), or the profile for a password change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThrottleKey {
    Email(String),
    Customer(CustomerNumber),
}

/// Failed attempts counted since `window_start`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignInThrottle {
    pub failures: u32,
    pub window_start: DateTime<Utc>,
}

/// One profile changing from one version to the next.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub previous: &'a Customer,
    pub next: &'a Customer,
    pub password: Option<&'a PasswordHash>,
}

/// Where the next page of a search key's entries starts; opaque to the domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindCursor(pub String);

/// Profiles filed under one search key, before the search's own filters.
#[derive(Debug, Default)]
pub struct FoundPage {
    pub customers: Vec<Customer>,
    /// Set when more entries follow.
    pub next: Option<FindCursor>,
}

#[async_trait]
pub trait ProfileStore: Send + Sync {
    /// Reserves `count` consecutive customer numbers for this caller alone and returns the first.
    async fn reserve_customer_numbers(&self, count: u32) -> Result<i64, StoreError>;

    /// Writes a new profile with its unique-value guards, search entries and, when given, its
    /// idempotency record; all or nothing. A guard held by an expired profile may be taken over.
    async fn insert(&self, profile: NewProfile<'_>) -> Result<(), StoreError>;

    /// Replaces each change's `previous` with its `next` if every stored version is still the
    /// `previous` one, moving guards and search entries along (and setting a password hash when
    /// given); all changes or none.
    async fn write(&self, changes: &[Change<'_>], now: DateTime<Utc>) -> Result<(), StoreError>;

    /// As [`ProfileStore::write`], and only if each named catalogue preference exists and is
    /// active when the write happens.
    async fn write_requiring_active(
        &self,
        changes: &[Change<'_>],
        active_preferences: &[(OrganisationId, i64)],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// The profile holding a customer account id, through its guard.
    async fn get_by_account(
        &self,
        organisation: OrganisationId,
        account_id: &str,
    ) -> Result<Option<Customer>, StoreError>;

    async fn list_preferences(&self, organisation: OrganisationId) -> Result<Vec<Preference>, StoreError>;

    async fn get_preference(&self, organisation: OrganisationId, id: i64) -> Result<Option<Preference>, StoreError>;

    /// Stores a catalogue preference: new when `expected_version` is `None`, else only if the
    /// stored one is still at that version.
    async fn put_preference(&self, preference: &Preference, expected_version: Option<u64>) -> Result<(), StoreError>;

    async fn delete_preference(&self, organisation: OrganisationId, id: i64) -> Result<bool, StoreError>;

    /// One change; see [`ProfileStore::write`].
    async fn replace(&self, previous: &Customer, next: &Customer, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.write(
            &[Change {
                previous,
                next,
                password: None,
            }],
            now,
        )
        .await
    }

    /// Deletes the profile and every item that belongs to it, if it is still at `customer.version`.
    async fn delete(&self, customer: &Customer) -> Result<(), StoreError>;

    /// The profile, if stored (expired ones included: expiry is the domain's call).
    async fn get(&self, organisation: OrganisationId, number: CustomerNumber) -> Result<Option<Customer>, StoreError>;

    async fn get_by_ref(
        &self,
        organisation: OrganisationId,
        reference: &CustomerRef,
    ) -> Result<Option<Customer>, StoreError>;

    /// Profiles by number, in no particular order; unknown numbers are left out.
    async fn get_many(
        &self,
        organisation: OrganisationId,
        numbers: &[CustomerNumber],
    ) -> Result<Vec<Customer>, StoreError>;

    /// Profiles by reference, in no particular order; unknown references are left out.
    async fn get_many_by_ref(
        &self,
        organisation: OrganisationId,
        references: &[CustomerRef],
    ) -> Result<Vec<Customer>, StoreError>;

    /// One page of the profiles filed under a search key, reading at most `limit` entries.
    async fn find(
        &self,
        organisation: OrganisationId,
        key: &SearchKey,
        after: Option<FindCursor>,
        limit: usize,
    ) -> Result<FoundPage, StoreError>;

    /// The active permanent profile that holds this email (lower-cased), through its guard.
    async fn get_by_email(&self, organisation: OrganisationId, email_key: &str)
    -> Result<Option<Customer>, StoreError>;

    async fn sign_in_failures(
        &self,
        organisation: OrganisationId,
        key: &ThrottleKey,
    ) -> Result<Option<SignInThrottle>, StoreError>;

    /// Counts one failure in the current window (a new window when the last one has passed) and
    /// returns the count; the counter expires with its window.
    async fn record_sign_in_failure(
        &self,
        organisation: OrganisationId,
        key: &ThrottleKey,
        now: DateTime<Utc>,
        window: chrono::Duration,
    ) -> Result<u32, StoreError>;

    async fn clear_sign_in_failures(&self, organisation: OrganisationId, key: &ThrottleKey) -> Result<(), StoreError>;

    async fn idempotency_record(
        &self,
        organisation: OrganisationId,
        key: &IdempotencyKey,
    ) -> Result<Option<IdempotencyRecord>, StoreError>;

    /// The stored hash, read only to compare a password; it never leaves the domain.
    async fn password_hash(
        &self,
        organisation: OrganisationId,
        number: CustomerNumber,
    ) -> Result<Option<PasswordHash>, StoreError>;
}
