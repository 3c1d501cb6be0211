//! The organisation's preference catalogue. Codes are unique in a catalogue, ignoring case:
//! the store claims a code in the same atomic step that writes the preference.

use crate::clock::Clock;
use crate::conditional::{Attempt, retrying};
use crate::error::{Contended, DomainError, Missing, Refusal, UniqueValue};
use crate::ports::{Port, PreferenceCatalogue, StoreError};
use crate::values::{ItemId, OrganisationId, TextRule, Version};
use chrono::{DateTime, Utc};
use std::sync::Arc;

pub const CODE: TextRule = TextRule::line(1, 50);
pub const KIND: TextRule = TextRule::line(0, 50);
pub const DESCRIPTION: TextRule = TextRule::line(0, 500);

/// What a client gives for a catalogue preference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreferenceDetails {
    pub is_active: bool,
    pub code: String,
    pub kind: Option<String>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preference {
    pub id: ItemId,
    pub organisation_id: OrganisationId,
    pub details: PreferenceDetails,
    pub created_at: DateTime<Utc>,
    pub changed_at: DateTime<Utc>,
    pub version: Version,
}

impl Preference {
    /// The form codes are compared in.
    pub fn code_key(&self) -> String {
        self.details.code.to_lowercase()
    }
}

fn code_taken(details: &PreferenceDetails, e: StoreError) -> DomainError {
    match e {
        StoreError::Taken(UniqueValue::PreferenceCode) => DomainError::refused(Refusal::PreferenceCodeTaken {
            code: details.code.clone(),
        }),
        other => other.into(),
    }
}

pub struct Catalogue {
    store: Arc<dyn PreferenceCatalogue>,
    clock: Arc<dyn Clock>,
}

impl Catalogue {
    pub const PORTS: &[Port] = &[Port::PreferenceCatalogue];

    pub fn new<S: PreferenceCatalogue + 'static>(store: Arc<S>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    /// The catalogue, oldest first; inactive preferences included.
    pub async fn list(&self, org: OrganisationId) -> Result<Vec<Preference>, DomainError> {
        let mut list = self.store.preferences(org).await?;
        list.sort_by_key(|p| (p.created_at, p.id));
        Ok(list)
    }

    pub async fn get(&self, org: OrganisationId, id: ItemId) -> Result<Preference, DomainError> {
        self.store
            .preference(org, id)
            .await?
            .ok_or(DomainError::NotFound(Missing::Preference))
    }

    pub async fn add(&self, org: OrganisationId, details: PreferenceDetails) -> Result<Preference, DomainError> {
        let now = self.clock.now();
        let preference = Preference {
            id: ItemId::generate(),
            organisation_id: org,
            details: details.clone(),
            created_at: now,
            changed_at: now,
            version: Version::FIRST,
        };
        self.store
            .add_preference(&preference)
            .await
            .map_err(|e| code_taken(&details, e))?;
        Ok(preference)
    }

    pub async fn update(
        &self,
        org: OrganisationId,
        id: ItemId,
        details: PreferenceDetails,
    ) -> Result<Preference, DomainError> {
        let details = &details;
        retrying(Contended::Preference(id), || async move {
            let current = self.get(org, id).await?;
            let next = Preference {
                details: details.clone(),
                changed_at: self.clock.now(),
                version: current.version.next(),
                ..current.clone()
            };
            match self.store.replace_preference(&current, &next).await {
                Ok(()) => Ok(Attempt::Done(next)),
                Err(StoreError::Conflict) => Ok(Attempt::Retry),
                Err(StoreError::Missing) => Err(DomainError::NotFound(Missing::Preference)),
                Err(e) => Err(code_taken(details, e)),
            }
        })
        .await
    }

    /// Customers who chose a deleted preference keep the choice (by id); deactivating a
    /// preference (isActive false) is the gentler way to retire one.
    pub async fn delete(&self, org: OrganisationId, id: ItemId) -> Result<(), DomainError> {
        retrying(Contended::Preference(id), || async move {
            let current = self.get(org, id).await?;
            match self.store.remove_preference(&current).await {
                Ok(()) => Ok(Attempt::Done(())),
                Err(StoreError::Conflict) => Ok(Attempt::Retry),
                Err(StoreError::Missing) => Err(DomainError::NotFound(Missing::Preference)),
                Err(e) => Err(e.into()),
            }
        })
        .await
    }
}
