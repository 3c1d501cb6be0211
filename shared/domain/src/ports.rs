//! The storage ports: narrow traits, one per kind of access, so that each capability (and each
//! Lambda, and its IAM policy) gets only what it uses. The domain says what must hold (which
//! values are unique, which keys a search starts from, when a profile expires); an adapter
//! decides how.

use crate::credentials::{AttemptKey, PasswordHash};
use crate::customer::{Customer, ProfileType, SearchKey};
use crate::error::{TooLarge, UniqueValue};
use crate::preferences::Preference;
use crate::profiles::{IdempotencyKey, IdempotencyRecord};
use crate::values::{AccountId, CustomerNumber, CustomerRef, ItemId, OrganisationId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use thiserror::Error;

#[derive(Debug, Error)]
pub enum StoreError {
    /// The profile (or preference) is no longer at the version the write was based on.
    #[error("changed concurrently")]
    Conflict,
    /// What the write changes does not exist (any more).
    #[error("not stored")]
    Missing,
    /// A unique value is held by someone else.
    #[error("{0:?} is taken")]
    Taken(UniqueValue),
    /// Another create already recorded this idempotency key.
    #[error("the idempotency key is already recorded")]
    IdempotencyKeyRecorded,
    /// The write would hold more items than the store writes in one atomic step.
    #[error("{items} items in one atomic write, more than {max}")]
    TooLarge { items: usize, max: usize },
    /// A requirement of the write did not hold: a chosen preference is not active, or (when
    /// `exists` is false) not in the catalogue at all.
    #[error("a requirement of the write does not hold")]
    RequirementFailed { exists: bool },
    /// The database is unreachable, throttling or failing: the caller may retry later.
    #[error("{0}")]
    Unavailable(String),
    /// The request's deadline came before the database answered.
    #[error("{0}")]
    OutOfTime(String),
    /// The profile would outgrow the size its change may give it; nothing was written.
    #[error("the profile would be too large: {0:?}")]
    ItemTooLarge(TooLarge),
    /// Stored data that cannot be read, or a write that cannot be expressed.
    #[error("{0}")]
    Corrupt(String),
}

/// A stored profile that cannot be read back: named by its key, so it can be found and mended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub key: String,
    pub reason: String,
}

/// Profiles read in one go. One that cannot be read is reported, not fatal to the others.
#[derive(Debug, Default)]
pub struct Batch {
    pub customers: Vec<Customer>,
    pub unreadable: Vec<Unreadable>,
}

/// Stored profiles that cannot be read, counted since the process started.
static UNREADABLE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

pub fn unreadable_profiles_seen() -> u64 {
    UNREADABLE.load(std::sync::atomic::Ordering::Relaxed)
}

impl Unreadable {
    /// Logs and counts it: the answer goes on without it.
    pub fn report(&self) {
        UNREADABLE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        tracing::error!(key = %self.key, reason = %self.reason, "a stored profile cannot be read; left out");
    }
}

impl Batch {
    /// The profiles that could be read; the others are reported and left out.
    pub fn readable(self) -> Vec<Customer> {
        for u in &self.unreadable {
            u.report();
        }
        self.customers
    }
}

/// Everything a create writes, in one atomic step.
#[derive(Debug)]
pub struct NewProfile<'a> {
    pub customer: &'a Customer,
    pub password: Option<&'a PasswordHash>,
    pub idempotency: Option<(&'a IdempotencyKey, &'a IdempotencyRecord)>,
    pub now: DateTime<Utc>,
}

/// One profile changing from one version to the next.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    pub previous: &'a Customer,
    pub next: &'a Customer,
    /// A new password hash to store with the change.
    pub password: Option<&'a PasswordHash>,
    /// Which size limit the change must keep.
    pub growth: Growth,
}

/// What a change adds to a profile, which decides how large it may make the stored profile.
/// A change that does not make the profile larger is never refused for its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Growth {
    /// What a client puts in the profile (fields, addresses, notes, …): kept within the
    /// profile's budget, well below the store's item limit.
    #[default]
    ClientData,
    /// What the service records by itself (a sign-in, a password, a status, a link between
    /// profiles): small and bounded, so it may use the room kept above the budget and a full
    /// profile still signs in, deactivates and connects.
    Record,
}

/// What must hold when a write happens, checked in the same atomic step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    ActivePreference(OrganisationId, ItemId),
}

/// Where the next page of a search key's entries starts; opaque to the domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindCursor(pub String);

/// Profiles filed under one search key, before the search's own filters.
#[derive(Debug, Default)]
pub struct FoundPage {
    pub batch: Batch,
    /// How many entries were read for this page.
    pub entries: usize,
    /// Set when more entries follow.
    pub next: Option<FindCursor>,
}

/// One entry filed under a search key, as the entry itself tells: enough to count a search's
/// matches without reading the profiles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiledEntry {
    pub number: CustomerNumber,
    /// The key the entry is filed under (a first name or a country code in full, where the
    /// search gave a prefix or left it out).
    pub filed: SearchKey,
    /// What the entry records of its profile; `None` for an entry written before entries
    /// recorded it.
    pub facts: Option<EntryFacts>,
}

/// What an entry records of its profile, kept with the profile in the same writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryFacts {
    pub profile_type: ProfileType,
    pub expiration_date: Option<DateTime<Utc>>,
}

/// The entries filed under a search key, in no particular order.
#[derive(Debug, Default)]
pub struct FiledEntries {
    pub entries: Vec<FiledEntry>,
    /// Set when entries past `limit` were left unread.
    pub more: bool,
}

/// What a sign-in attempt counter says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptVerdict {
    /// Counted; `count` attempts in the current window, this one included.
    Allowed { count: u32 },
    /// The window's attempts are used up until then; this one was not counted.
    Refused { until: DateTime<Utc> },
}

/// The ports, named, so that a function's IAM policy can be derived from those it wires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Port {
    ProfileReads,
    ProfileBatches,
    ProfileSearch,
    ProfileWrites,
    CustomerNumbers,
    IdempotencyRecords,
    PreferenceCatalogue,
    SignInAttempts,
    PasswordHashes,
}

#[async_trait]
pub trait ProfileReads: Send + Sync {
    /// The profile, if stored (expired ones included: expiry is the domain's call).
    async fn profile(&self, org: OrganisationId, number: CustomerNumber) -> Result<Option<Customer>, StoreError>;

    /// The profile that holds a customerRef.
    async fn profile_by_ref(
        &self,
        org: OrganisationId,
        reference: &CustomerRef,
    ) -> Result<Option<Customer>, StoreError>;

    /// The profile that holds a customer account id.
    async fn profile_by_account(
        &self,
        org: OrganisationId,
        account: &AccountId,
    ) -> Result<Option<Customer>, StoreError>;
}

/// Many profiles in one go (bulk lookups).
#[async_trait]
pub trait ProfileBatches: Send + Sync {
    /// Profiles by number, in no particular order; unknown numbers are left out.
    async fn profiles(&self, org: OrganisationId, numbers: &[CustomerNumber]) -> Result<Batch, StoreError>;

    /// Profiles by reference, in no particular order; unknown references are left out.
    async fn profiles_by_ref(&self, org: OrganisationId, references: &[CustomerRef]) -> Result<Batch, StoreError>;
}

#[async_trait]
pub trait ProfileSearch: Send + Sync {
    /// One page of the profiles filed under a search key, reading at most `limit` entries.
    async fn find(
        &self,
        org: OrganisationId,
        key: &SearchKey,
        after: Option<FindCursor>,
        limit: usize,
    ) -> Result<FoundPage, StoreError>;

    /// The entries filed under a search key, at most `limit`, without their profiles.
    async fn filed(&self, org: OrganisationId, key: &SearchKey, limit: usize) -> Result<FiledEntries, StoreError>;
}

#[async_trait]
pub trait ProfileWrites: Send + Sync {
    /// Writes a new profile with its unique guards, search entries and, when given, its
    /// idempotency record; all or nothing. A guard held by an expired profile may be taken over.
    async fn insert(&self, profile: NewProfile<'_>) -> Result<(), StoreError>;

    /// Replaces each change's `previous` with its `next` if every stored version is still the
    /// `previous` one and every requirement holds, moving guards and search entries along; all
    /// changes or none. A unique value one change gives up and another takes (a merge moving
    /// customer accounts) passes from one to the other. Too much for one atomic step is
    /// `TooLarge`, and nothing is written.
    async fn write(
        &self,
        changes: &[Change<'_>],
        requirements: &[Requirement],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Deletes the profile and every item that belongs to it, if it is still at its version.
    async fn delete(&self, customer: &Customer) -> Result<(), StoreError>;
}

#[async_trait]
pub trait CustomerNumbers: Send + Sync {
    /// Reserves `count` consecutive customer numbers for this caller alone; returns the first.
    async fn reserve(&self, count: u32) -> Result<i64, StoreError>;
}

#[async_trait]
pub trait IdempotencyRecords: Send + Sync {
    /// The record of an earlier create with this key, unless it has expired.
    async fn idempotency_record(
        &self,
        org: OrganisationId,
        key: &IdempotencyKey,
        now: DateTime<Utc>,
    ) -> Result<Option<IdempotencyRecord>, StoreError>;
}

#[async_trait]
pub trait PreferenceCatalogue: Send + Sync {
    async fn preferences(&self, org: OrganisationId) -> Result<Vec<Preference>, StoreError>;

    async fn preference(&self, org: OrganisationId, id: ItemId) -> Result<Option<Preference>, StoreError>;

    /// Adds a preference and claims its code in one atomic step (`Taken(PreferenceCode)` when
    /// another preference of the organisation has it).
    async fn add_preference(&self, preference: &Preference) -> Result<(), StoreError>;

    /// Replaces `previous` by `next` if it is still at its version, moving the code's claim.
    async fn replace_preference(&self, previous: &Preference, next: &Preference) -> Result<(), StoreError>;

    /// Removes the preference and frees its code, if it is still at its version.
    async fn remove_preference(&self, preference: &Preference) -> Result<(), StoreError>;
}

#[async_trait]
pub trait SignInAttempts: Send + Sync {
    /// Counts one attempt in the window that is open at `now` (opening one when none is), unless
    /// `max` attempts are counted in it already: then it is refused and not counted. Atomic, so
    /// parallel attempts cannot outrun the count.
    async fn count_attempt(
        &self,
        org: OrganisationId,
        key: &AttemptKey,
        now: DateTime<Utc>,
        window: chrono::Duration,
        max: u32,
    ) -> Result<AttemptVerdict, StoreError>;

    /// Forgets the attempts (after a success).
    async fn clear_attempts(&self, org: OrganisationId, key: &AttemptKey) -> Result<(), StoreError>;
}

#[async_trait]
pub trait PasswordHashes: Send + Sync {
    /// The stored hash of a profile's password; it never leaves the domain.
    async fn password_hash(
        &self,
        org: OrganisationId,
        number: CustomerNumber,
    ) -> Result<Option<PasswordHash>, StoreError>;

    /// The profile that holds this (lower-cased) email as its unique login, with its password
    /// hash. Does the same reads whether or not there is one, so timing tells nothing.
    async fn sign_in_candidate(
        &self,
        org: OrganisationId,
        email_key: &str,
    ) -> Result<Option<(Customer, Option<PasswordHash>)>, StoreError>;
}
