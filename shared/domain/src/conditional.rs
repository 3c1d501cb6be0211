//! Reading and changing profiles safely under concurrency, used by every operation: read the
//! current version, decide the next from it, write only if nothing changed in between, and on a
//! lost race read and decide again, a bounded number of times with jittered pauses.

use crate::clock::Clock;
use crate::credentials::PasswordHash;
use crate::customer::{Customer, Status};
use crate::error::{Contended, DomainError, Missing, Refusal};
use crate::ports::{Change, Growth, ProfileReads, ProfileWrites, Requirement, StoreError};
use crate::values::{CustomerNumber, OrganisationId, Version};
use chrono::{DateTime, Utc};
use std::sync::Arc;
use std::time::Duration;

/// How many times an operation decides and writes before it gives up on a contended profile.
pub const ATTEMPTS: u32 = 5;

/// A precondition on the version a change is based on (the wire's `If-Match`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpectedVersion {
    /// Any current version.
    Any,
    /// One of these versions (none of them: never).
    OneOf(Vec<Version>),
}

impl ExpectedVersion {
    pub fn holds_for(&self, version: Version) -> bool {
        match self {
            ExpectedVersion::Any => true,
            ExpectedVersion::OneOf(versions) => versions.contains(&version),
        }
    }
}

/// What one attempt of an operation came to.
pub enum Attempt<T> {
    Done(T),
    /// Lost a race: read and decide again.
    Retry,
}

/// A pause before the next attempt: growing, with jitter so racing writers spread apart.
fn pause(attempt: u32) -> Duration {
    use rand::Rng;
    let base = 10u64 << attempt.min(5);
    Duration::from_millis(base + rand::rng().random_range(0..=base))
}

/// Runs `attempt` until it is done, fails, or has lost [`ATTEMPTS`] races on `what`; a pause
/// that the request's deadline leaves no time for ends it with [`DomainError::OutOfTime`].
pub async fn retrying<T, Fut>(what: Contended, mut attempt: impl FnMut() -> Fut) -> Result<T, DomainError>
where
    Fut: Future<Output = Result<Attempt<T>, DomainError>>,
{
    for n in 0..ATTEMPTS {
        match attempt().await? {
            Attempt::Done(value) => return Ok(value),
            Attempt::Retry if n + 1 < ATTEMPTS => {
                if crate::deadline::pause_before_retry(pause(n)).await.is_err() {
                    return Err(DomainError::OutOfTime(format!(
                        "{what:?} lost {} races and the request's deadline leaves no time for another",
                        n + 1
                    )));
                }
            }
            Attempt::Retry => {}
        }
    }
    Err(DomainError::refused(Refusal::Busy { what }))
}

/// One change of one profile, as [`edit`] runs it.
#[derive(Debug, Clone, Copy)]
pub struct Edit<'a> {
    pub org: OrganisationId,
    pub number: CustomerNumber,
    /// When set, a change of another version is refused (412) instead of retried.
    pub expected: Option<&'a ExpectedVersion>,
    pub requirements: &'a [Requirement],
    pub password: Option<&'a PasswordHash>,
    pub growth: Growth,
}

impl<'a> Edit<'a> {
    pub fn of(org: OrganisationId, number: CustomerNumber) -> Self {
        Self {
            org,
            number,
            expected: None,
            requirements: &[],
            password: None,
            growth: Growth::ClientData,
        }
    }

    /// A change the service records by itself (see [`Growth::Record`]).
    pub fn recording(self) -> Self {
        Self {
            growth: Growth::Record,
            ..self
        }
    }

    pub fn expecting(self, expected: Option<&'a ExpectedVersion>) -> Self {
        Self { expected, ..self }
    }

    pub fn requiring(self, requirements: &'a [Requirement]) -> Self {
        Self { requirements, ..self }
    }

    pub fn with_password(self, password: Option<&'a PasswordHash>) -> Self {
        Self { password, ..self }
    }
}

/// The profiles a capability reads and writes, and the clock that says what has expired.
#[derive(Clone)]
pub struct Profiles {
    pub reads: Arc<dyn ProfileReads>,
    pub writes: Arc<dyn ProfileWrites>,
    pub clock: Arc<dyn Clock>,
}

impl Profiles {
    pub fn new<S: ProfileReads + ProfileWrites + 'static>(store: Arc<S>, clock: Arc<dyn Clock>) -> Self {
        Self {
            reads: store.clone(),
            writes: store,
            clock,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// A live profile of the organisation, exactly as stored: expired is gone.
    pub async fn live(&self, org: OrganisationId, number: CustomerNumber) -> Result<Customer, DomainError> {
        match self.reads.profile(org, number).await? {
            Some(c) if !c.is_expired(self.clock.now()) => Ok(c),
            _ => Err(DomainError::NotFound(Missing::Profile)),
        }
    }

    /// The profile itself, or, for a merged (passive) one, the live profile it was merged into.
    /// Connect keeps merge chains one step long; a longer one left by an earlier version is
    /// followed to its end. A chain that comes back on itself cannot be written, so it is a fault.
    pub async fn following_merges(&self, org: OrganisationId, customer: Customer) -> Result<Customer, DomainError> {
        let mut customer = customer;
        let mut seen = vec![customer.customer_number];
        while let (Status::Passive, Some(survivor)) = (customer.status, customer.merged_into) {
            if seen.contains(&survivor) {
                return Err(DomainError::Internal(format!(
                    "the merge chain from {} comes back to {survivor}",
                    seen.first().map(ToString::to_string).unwrap_or_default()
                )));
            }
            seen.push(survivor);
            customer = self.live(org, survivor).await?;
        }
        Ok(customer)
    }

    /// Reads the live profile, lets `decide` make its next version, and writes it if the
    /// profile is still at the version read. A lost race reads and decides again; with an
    /// expected version, a changed profile is refused instead.
    pub async fn edit(
        &self,
        edit: Edit<'_>,
        decide: impl Fn(&Customer, DateTime<Utc>) -> Result<Customer, DomainError>,
    ) -> Result<Customer, DomainError> {
        change(self, edit, &decide).await
    }
}

async fn change(
    store: &Profiles,
    edit: Edit<'_>,
    decide: &impl Fn(&Customer, DateTime<Utc>) -> Result<Customer, DomainError>,
) -> Result<Customer, DomainError> {
    retrying(Contended::Profile(edit.number), || async move {
        let current = store.live(edit.org, edit.number).await?;
        if let Some(expected) = edit.expected
            && !expected.holds_for(current.version)
        {
            return Err(DomainError::StaleVersion {
                current: current.version,
            });
        }
        let now = store.clock.now();
        let next = decide(&current, now)?;
        let change = Change {
            previous: &current,
            next: &next,
            password: edit.password,
            growth: edit.growth,
        };
        match store.writes.write(&[change], edit.requirements, now).await {
            Ok(()) => Ok(Attempt::Done(next)),
            // With If-Match the client asked to be told, not to have its change re-applied.
            Err(StoreError::Conflict) if edit.expected.is_some() => Err(DomainError::StaleVersion {
                current: current.version.next(),
            }),
            Err(StoreError::Conflict) => Ok(Attempt::Retry),
            Err(e) => Err(e.into()),
        }
    })
    .await
}

impl From<StoreError> for DomainError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Missing => DomainError::NotFound(Missing::Profile),
            StoreError::Taken(value) => DomainError::Taken(value),
            StoreError::RequirementFailed { exists: false } => DomainError::NotFound(Missing::Preference),
            StoreError::RequirementFailed { exists: true } => DomainError::refused(Refusal::PreferenceInactive),
            StoreError::TooLarge { items, max } => DomainError::refused(Refusal::TooLarge { items, max }),
            StoreError::Unavailable(m) => DomainError::Unavailable(m),
            StoreError::OutOfTime(m) => DomainError::OutOfTime(m),
            StoreError::ItemTooLarge(t) => DomainError::TooLarge(t),
            StoreError::Corrupt(m) => DomainError::Internal(m),
            // Operations resolve these themselves; one that escapes is a fault of this service.
            e @ (StoreError::Conflict | StoreError::IdempotencyKeyRecorded) => DomainError::Internal(e.to_string()),
        }
    }
}
