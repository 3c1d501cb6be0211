//! The lists kept in a profile (postal addresses, ecards, notes): adding, replacing and
//! removing an item is one conditional write of the profile, so it is atomic, moves the
//! profile's version, and expires with it.

use crate::clock::Clock;
use crate::conditional::{Edit, ExpectedVersion, Profiles};
use crate::customer::{Customer, Status};
use crate::error::{Action, DomainError, Listed, Missing, Refusal};
use crate::ports::{Port, ProfileReads, ProfileWrites};
use crate::values::{CustomerNumber, ItemId, OrganisationId};
use chrono::{DateTime, Utc};
use std::marker::PhantomData;
use std::sync::Arc;

/// An item of one of a profile's lists.
pub trait ListedItem: Clone + Send + Sync + 'static {
    /// What a client gives to add or replace one.
    type Details: Clone + Send + Sync;
    const LIST: Listed;
    const MAX: usize;
    const MISSING: Missing;

    fn id(&self) -> ItemId;
    fn list(customer: &Customer) -> &[Self];
    fn list_mut(customer: &mut Customer) -> &mut Vec<Self>;
    fn create(details: Self::Details, id: ItemId, now: DateTime<Utc>) -> Self;
    /// The item with new details, keeping its id and creation time.
    fn replaced(&self, details: Self::Details, now: DateTime<Utc>) -> Self;

    /// Whether this profile may have such items at all.
    fn allowed_on(_customer: &Customer) -> Result<(), DomainError> {
        Ok(())
    }
}

/// A deactivated or merged profile's lists cannot be changed (but see [`ensure_removable`]).
pub fn ensure_changeable(c: &Customer) -> Result<(), DomainError> {
    match c.status {
        Status::Active => Ok(()),
        status => Err(DomainError::refused(Refusal::Status {
            number: c.customer_number,
            status,
            action: Action::Change,
        })),
    }
}

/// Removing is allowed from a merged profile too: a connect moves everything to the survivor,
/// but what a merge by an earlier version left on a merged profile can still be taken off it
/// (freeing a customer account id).
pub fn ensure_removable(c: &Customer) -> Result<(), DomainError> {
    match c.status {
        Status::Active | Status::Passive => Ok(()),
        status => Err(DomainError::refused(Refusal::Status {
            number: c.customer_number,
            status,
            action: Action::Change,
        })),
    }
}

/// The operations on one kind of list.
pub struct ProfileList<T> {
    profiles: Profiles,
    item: PhantomData<fn() -> T>,
}

impl<T: ListedItem> ProfileList<T> {
    pub const PORTS: &[Port] = &[Port::ProfileReads, Port::ProfileWrites];

    pub fn new<S: ProfileReads + ProfileWrites + 'static>(store: Arc<S>, clock: Arc<dyn Clock>) -> Self {
        Self {
            profiles: Profiles::new(store, clock),
            item: PhantomData,
        }
    }

    /// The live profile, to read the list from.
    pub async fn profile(&self, org: OrganisationId, number: CustomerNumber) -> Result<Customer, DomainError> {
        self.profiles.live(org, number).await
    }

    /// Adds an item; answers the profile and the new item's id.
    pub async fn add(
        &self,
        org: OrganisationId,
        number: CustomerNumber,
        details: T::Details,
    ) -> Result<(Customer, ItemId), DomainError> {
        let id = ItemId::generate();
        let customer = self
            .profiles
            .edit(Edit::of(org, number), |current, now| {
                ensure_changeable(current)?;
                T::allowed_on(current)?;
                if T::list(current).len() >= T::MAX {
                    return Err(DomainError::refused(Refusal::Limit {
                        what: T::LIST,
                        max: T::MAX,
                    }));
                }
                let mut next = current.bumped();
                T::list_mut(&mut next).push(T::create(details.clone(), id, now));
                Ok(next)
            })
            .await?;
        Ok((customer, id))
    }

    /// Replaces the item `id`.
    pub async fn replace(
        &self,
        org: OrganisationId,
        number: CustomerNumber,
        id: ItemId,
        details: T::Details,
        expected: Option<&ExpectedVersion>,
    ) -> Result<Customer, DomainError> {
        self.profiles
            .edit(Edit::of(org, number).expecting(expected), |current, now| {
                ensure_changeable(current)?;
                let mut next = current.bumped();
                let slot = T::list_mut(&mut next)
                    .iter_mut()
                    .find(|x| x.id() == id)
                    .ok_or(DomainError::NotFound(T::MISSING))?;
                *slot = slot.replaced(details.clone(), now);
                Ok(next)
            })
            .await
    }

    pub async fn remove(
        &self,
        org: OrganisationId,
        number: CustomerNumber,
        id: ItemId,
    ) -> Result<Customer, DomainError> {
        self.profiles
            .edit(Edit::of(org, number), |current, _| {
                ensure_removable(current)?;
                let mut next = current.bumped();
                let list = T::list_mut(&mut next);
                let before = list.len();
                list.retain(|x| x.id() != id);
                if list.len() == before {
                    return Err(DomainError::NotFound(T::MISSING));
                }
                Ok(next)
            })
            .await
    }
}
