//! The profile lifecycle: temporary profiles and their conversion to permanent ones,
//! deactivation and restoration, and connecting (merging) one profile into another. Every
//! transition is one conditional write; a concurrent change makes it read and decide again.

mod commands;
mod merge;

pub use commands::{
    Connection, Conversion, Deactivation, NewTemporaryCustomer, Restoration, TemporaryDetails, TemporaryUpdate,
};

use crate::clock::Clock;
use crate::conditional::{Attempt, Edit, ExpectedVersion, Profiles, retrying};
use crate::credentials::PasswordHasher;
use crate::customer::{Customer, ProfileType, Status};
use crate::error::{Action, Contended, DomainError, Missing, Refusal, UniqueValue, ensure_caller};
use crate::ports::{
    Change, CustomerNumbers, Growth, IdempotencyRecords, PasswordHashes, Port, ProfileBatches, ProfileReads,
    ProfileWrites, StoreError,
};
use crate::profiles::{Created, Creator, Keyed};
use crate::values::{CustomerNumber, OrganisationId};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// Refuses an action on a profile that is not active.
fn ensure_active(c: &Customer, action: Action) -> Result<(), DomainError> {
    if c.status == Status::Active {
        return Ok(());
    }
    Err(DomainError::refused(Refusal::Status {
        number: c.customer_number,
        status: c.status,
        action,
    }))
}

/// The result of a connect: the survivor as it now is, and when.
#[derive(Debug, Clone)]
pub struct Connected {
    pub survivor: Customer,
    pub at: DateTime<Utc>,
}

/// Deactivate, restore and connect permanent profiles.
pub struct Lifecycle {
    profiles: Profiles,
    batches: Arc<dyn ProfileBatches>,
}

impl Lifecycle {
    pub const PORTS: &[Port] = &[Port::ProfileReads, Port::ProfileBatches, Port::ProfileWrites];

    pub fn new<S: ProfileReads + ProfileBatches + ProfileWrites + 'static>(
        store: Arc<S>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Self {
            profiles: Profiles::new(store.clone(), clock),
            batches: store,
        }
    }

    /// Status D, email freed, deletion of everything scheduled at the expiration date.
    pub async fn deactivate(
        &self,
        org: OrganisationId,
        number: CustomerNumber,
        deactivation: Deactivation,
    ) -> Result<Customer, DomainError> {
        let customer = self
            .profiles
            .edit(Edit::of(org, number).recording(), |current, now| {
                if current.profile_type == ProfileType::Temporary {
                    return Err(DomainError::refused(Refusal::Temporary {
                        number,
                        action: Action::Deactivate,
                    }));
                }
                ensure_active(current, Action::Deactivate)?;
                Ok(deactivation.apply_to(current, now))
            })
            .await?;
        tracing::info!(customer_number = %number, "profile deactivated");
        Ok(customer)
    }

    /// Back to A with its email, until it expires.
    pub async fn restore(
        &self,
        org: OrganisationId,
        number: CustomerNumber,
        restoration: Restoration,
    ) -> Result<Customer, DomainError> {
        let result = self
            .profiles
            .edit(Edit::of(org, number).recording(), |current, now| {
                if current.status != Status::Deleted {
                    return Err(DomainError::refused(Refusal::Status {
                        number,
                        status: current.status,
                        action: Action::Restore,
                    }));
                }
                Ok(restoration.apply_to(current, now))
            })
            .await;
        match result {
            Err(DomainError::Taken(UniqueValue::Email)) => Err(DomainError::EmailTakenSinceDeactivation),
            Ok(customer) => {
                tracing::info!(customer_number = %number, "profile restored");
                Ok(customer)
            }
            other => other,
        }
    }

    /// Merges `connection.merged` into the survivor, in one atomic step: the merged profile
    /// becomes passive, what hangs off it moves to the survivor, and the profiles merged into it
    /// before point to the survivor too. Connecting into a merged profile connects into its
    /// survivor, so every merged profile is one step from an active one.
    pub async fn connect(
        &self,
        org: OrganisationId,
        survivor_number: CustomerNumber,
        connection: Connection,
    ) -> Result<Connected, DomainError> {
        let to_itself = |named: CustomerNumber| {
            DomainError::refused(Refusal::ConnectedToItself {
                named,
                survivor: connection.merged,
            })
        };
        if connection.merged == survivor_number {
            return Err(to_itself(survivor_number));
        }
        let connection = &connection;
        let connected = retrying(Contended::Profile(survivor_number), || async move {
            let named = self.profiles.live(org, survivor_number).await?;
            let survivor = self.profiles.following_merges(org, named).await?;
            if survivor.customer_number == connection.merged {
                return Err(to_itself(survivor_number));
            }
            let merged = match self.profiles.live(org, connection.merged).await {
                Err(DomainError::NotFound(Missing::Profile)) => {
                    return Err(DomainError::NotFound(Missing::ProfileToConnect));
                }
                other => other?,
            };
            if survivor.profile_type == ProfileType::Temporary {
                return Err(DomainError::refused(Refusal::Temporary {
                    number: survivor.customer_number,
                    action: Action::ConnectInto,
                }));
            }
            ensure_active(&survivor, Action::ConnectInto)?;
            ensure_active(&merged, Action::Connect)?;
            let repointed = self.merged_into(org, &merged).await?;
            let now = self.profiles.now();
            let (next_survivor, next_merged, next_others) = connection.apply(&survivor, &merged, &repointed, now)?;
            let mut changes = vec![
                Change {
                    previous: &survivor,
                    next: &next_survivor,
                    password: None,
                    growth: Growth::Record,
                },
                Change {
                    previous: &merged,
                    next: &next_merged,
                    password: None,
                    growth: Growth::Record,
                },
            ];
            changes.extend(repointed.iter().zip(&next_others).map(|(previous, next)| Change {
                previous,
                next,
                password: None,
                growth: Growth::Record,
            }));
            match self.profiles.writes.write(&changes, &[], now).await {
                Ok(()) => Ok(Attempt::Done(Connected {
                    survivor: next_survivor,
                    at: now,
                })),
                Err(StoreError::Conflict) => Ok(Attempt::Retry),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
        tracing::info!(customer_number = %connected.survivor.customer_number, merged = %connection.merged, "profiles connected");
        Ok(connected)
    }

    /// The live profiles merged into `profile` (those that still point to it), in one batch read.
    async fn merged_into(&self, org: OrganisationId, profile: &Customer) -> Result<Vec<Customer>, DomainError> {
        let mut numbers = profile.related_customer_numbers.clone();
        numbers.sort();
        numbers.dedup();
        if numbers.is_empty() {
            return Ok(Vec::new());
        }
        let now = self.profiles.now();
        let mut found: Vec<Customer> = self
            .batches
            .profiles(org, &numbers)
            .await?
            .readable()
            .into_iter()
            .filter(|c| !c.is_expired(now) && c.status == Status::Passive)
            .filter(|c| c.merged_into == Some(profile.customer_number))
            .collect();
        found.sort_by_key(|c| c.customer_number);
        Ok(found)
    }
}

/// Temporary profiles: created for anonymous purchases with an expiration date, after which
/// they are gone; converted to permanent ones before then.
pub struct TemporaryProfiles {
    profiles: Profiles,
    creator: Creator,
    hasher: PasswordHasher,
}

impl TemporaryProfiles {
    pub const PORTS: &[Port] = &[
        Port::ProfileReads,
        Port::ProfileWrites,
        Port::CustomerNumbers,
        Port::IdempotencyRecords,
        Port::PasswordHashes,
    ];

    pub fn new<S>(store: Arc<S>, clock: Arc<dyn Clock>, number_block: u32, hasher: PasswordHasher) -> Self
    where
        S: ProfileReads + ProfileWrites + CustomerNumbers + IdempotencyRecords + PasswordHashes + 'static,
    {
        Self {
            profiles: Profiles::new(store.clone(), clock.clone()),
            creator: Creator::new(store, clock, number_block, hasher),
            hasher,
        }
    }

    pub async fn create(
        &self,
        org: OrganisationId,
        new: NewTemporaryCustomer,
        keyed: Option<Keyed>,
    ) -> Result<Created, DomainError> {
        ensure_caller(new.organisation_id.value(), org)?;
        self.creator.create(org, new.into_new_customer(), keyed).await
    }

    /// A live temporary profile (a permanent one is not found here).
    pub async fn get(&self, org: OrganisationId, number: CustomerNumber) -> Result<Customer, DomainError> {
        let c = self.profiles.live(org, number).await?;
        if c.profile_type != ProfileType::Temporary {
            return Err(DomainError::NotFound(Missing::Profile));
        }
        Ok(c)
    }

    /// Every field overwritten.
    pub async fn update(
        &self,
        org: OrganisationId,
        number: CustomerNumber,
        update: TemporaryUpdate,
        expected: Option<&ExpectedVersion>,
    ) -> Result<Customer, DomainError> {
        let customer = self
            .profiles
            .edit(Edit::of(org, number).expecting(expected), |current, now| {
                if current.profile_type != ProfileType::Temporary {
                    return Err(DomainError::NotFound(Missing::Profile));
                }
                ensure_active(current, Action::Change)?;
                Ok(update.apply_to(current, now))
            })
            .await?;
        tracing::info!(customer_number = %number, version = %customer.version, "temporary profile updated");
        Ok(customer)
    }

    /// The profile and everything of it, at once.
    pub async fn delete(&self, org: OrganisationId, number: CustomerNumber) -> Result<(), DomainError> {
        retrying(Contended::Profile(number), || async move {
            let current = self.get(org, number).await?;
            match self.profiles.writes.delete(&current).await {
                Ok(()) => Ok(Attempt::Done(())),
                Err(StoreError::Conflict) => Ok(Attempt::Retry),
                Err(e) => Err(e.into()),
            }
        })
        .await?;
        tracing::info!(customer_number = %number, "temporary profile deleted");
        Ok(())
    }

    /// The same customer number, now a permanent profile; its email (when it has one) becomes
    /// unique, the expiry goes.
    pub async fn convert(
        &self,
        org: OrganisationId,
        number: CustomerNumber,
        conversion: Conversion,
    ) -> Result<Customer, DomainError> {
        if let Some(given) = conversion.organisation_id {
            ensure_caller(given.value(), org)?;
        }
        let hash = match conversion.password.clone() {
            Some(p) => Some(self.hasher.hash_password(p).await?),
            None => None,
        };
        let edit_of = Edit::of(org, number).with_password(hash.as_ref());
        let customer = self
            .profiles
            .edit(edit_of, |current, now| {
                if current.profile_type != ProfileType::Temporary {
                    return Err(DomainError::refused(Refusal::NotTemporary { number }));
                }
                ensure_active(current, Action::Convert)?;
                Ok(conversion.apply_to(current, now))
            })
            .await?;
        tracing::info!(customer_number = %number, "temporary profile converted to permanent");
        Ok(customer)
    }
}

#[cfg(test)]
mod tests;
