//! The preferences a customer has chosen. Only an active preference of the customer's own
//! catalogue can be chosen: checked in the same atomic step as the profile's write, so a
//! preference deactivated at that moment cannot slip in.

use crate::clock::Clock;
use crate::conditional::{Edit, ExpectedVersion, Profiles};
use crate::customer::Customer;
use crate::error::{DomainError, Listed, Missing, Refusal};
use crate::listed::{ensure_changeable, ensure_removable};
use crate::ports::{Port, ProfileReads, ProfileWrites, Requirement};
use crate::problems::{FieldError, Problem};
use crate::values::{CustomerNumber, ItemId, OrganisationId, TextRule};
use chrono::{DateTime, Utc};
use std::sync::Arc;

pub const VALUE: TextRule = TextRule::line(0, 200);
pub const MAX_CHOSEN: usize = 50;

/// A customer's choice, as a client gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreferenceChoice {
    pub preference_id: ItemId,
    pub value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChosenPreference {
    pub preference_id: ItemId,
    pub value: Option<String>,
    pub created_at: DateTime<Utc>,
    pub changed_at: DateTime<Utc>,
}

impl ChosenPreference {
    /// The choice as of `now`, keeping when the customer first chose it.
    fn chosen(choice: &PreferenceChoice, current: &Customer, now: DateTime<Utc>) -> Self {
        let created = current
            .preferences
            .iter()
            .find(|p| p.preference_id == choice.preference_id)
            .map(|p| p.created_at);
        Self {
            preference_id: choice.preference_id,
            value: choice.value.clone(),
            created_at: created.unwrap_or(now),
            changed_at: now,
        }
    }
}

fn limit() -> DomainError {
    DomainError::refused(Refusal::Limit {
        what: Listed::Preferences,
        max: MAX_CHOSEN,
    })
}

pub struct CustomerPreferences {
    profiles: Profiles,
}

impl CustomerPreferences {
    pub const PORTS: &[Port] = &[Port::ProfileReads, Port::ProfileWrites];

    pub fn new<S: ProfileReads + ProfileWrites + 'static>(store: Arc<S>, clock: Arc<dyn Clock>) -> Self {
        Self {
            profiles: Profiles::new(store, clock),
        }
    }

    /// The live profile, to list its choices.
    pub async fn profile(&self, org: OrganisationId, number: CustomerNumber) -> Result<Customer, DomainError> {
        self.profiles.live(org, number).await
    }

    /// Chooses a preference (again: a new value for an earlier choice).
    pub async fn choose(
        &self,
        org: OrganisationId,
        number: CustomerNumber,
        choice: PreferenceChoice,
    ) -> Result<Customer, DomainError> {
        let required = [Requirement::ActivePreference(org, choice.preference_id)];
        self.profiles
            .edit(Edit::of(org, number).requiring(&required), |current, now| {
                ensure_changeable(current)?;
                let mut next = current.bumped();
                next.preferences.retain(|p| p.preference_id != choice.preference_id);
                next.preferences.push(ChosenPreference::chosen(&choice, current, now));
                if next.preferences.len() > MAX_CHOSEN {
                    return Err(limit());
                }
                Ok(next)
            })
            .await
    }

    /// Replaces the customer's choices with these (each preference at most once).
    pub async fn replace_all(
        &self,
        org: OrganisationId,
        number: CustomerNumber,
        choices: Vec<PreferenceChoice>,
        expected: Option<&ExpectedVersion>,
    ) -> Result<Customer, DomainError> {
        if choices.len() > MAX_CHOSEN {
            return Err(limit());
        }
        let repeated: Vec<FieldError> = choices
            .iter()
            .enumerate()
            .filter(|(i, c)| choices.iter().take(*i).any(|x| x.preference_id == c.preference_id))
            .map(|(i, c)| {
                FieldError::new(
                    format!("[{i}].preferenceId"),
                    Problem::NotAllowed,
                    "a preference is chosen once",
                )
                .rejecting(c.preference_id)
            })
            .collect();
        if !repeated.is_empty() {
            return Err(DomainError::Invalid(repeated));
        }
        let required: Vec<Requirement> = choices
            .iter()
            .map(|c| Requirement::ActivePreference(org, c.preference_id))
            .collect();
        let edit_of = Edit::of(org, number).requiring(&required).expecting(expected);
        self.profiles
            .edit(edit_of, |current, now| {
                ensure_changeable(current)?;
                let mut next = current.bumped();
                next.preferences = choices
                    .iter()
                    .map(|c| ChosenPreference::chosen(c, current, now))
                    .collect();
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
                if !current.preferences.iter().any(|p| p.preference_id == id) {
                    return Err(DomainError::NotFound(Missing::ChosenPreference));
                }
                let mut next = current.bumped();
                next.preferences.retain(|p| p.preference_id != id);
                Ok(next)
            })
            .await
    }
}
