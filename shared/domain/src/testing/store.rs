//! An in-memory implementation of every storage port, for unit tests of the rules. It keeps the
//! ports' promises (conditional writes on the version, unique claims, requirements checked in
//! the same step, atomic attempt counting) and lets a test slip a change in between a read and
//! a write, to play a race.

use crate::credentials::{AttemptKey, PasswordHash};
use crate::customer::{Customer, SearchKey, UniqueClaim};
use crate::error::UniqueValue;
use crate::ports::{
    AttemptVerdict, Batch, Change, CustomerNumbers, EntryFacts, FiledEntries, FiledEntry, FindCursor, FoundPage,
    IdempotencyRecords, NewProfile, PasswordHashes, PreferenceCatalogue, ProfileBatches, ProfileReads, ProfileSearch,
    ProfileWrites, Requirement, SignInAttempts, StoreError,
};
use crate::preferences::Preference;
use crate::profiles::{IdempotencyKey, IdempotencyRecord};
use crate::values::{AccountId, CustomerNumber, CustomerRef, ItemId, OrganisationId};
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

type Hook = Box<dyn FnOnce(&mut State) + Send>;

/// Everything stored.
#[derive(Default)]
pub struct State {
    pub profiles: BTreeMap<(OrganisationId, CustomerNumber), Customer>,
    pub hashes: HashMap<(OrganisationId, CustomerNumber), PasswordHash>,
    /// A claim's owner and the epoch second its owner expires at.
    pub claims: HashMap<(OrganisationId, UniqueClaim), (CustomerNumber, Option<i64>)>,
    pub records: HashMap<(OrganisationId, String), IdempotencyRecord>,
    pub next_number: i64,
    pub preferences: BTreeMap<(OrganisationId, ItemId), Preference>,
    pub codes: HashMap<(OrganisationId, String), ItemId>,
    pub attempts: HashMap<(OrganisationId, AttemptKey), (u32, DateTime<Utc>)>,
    /// Writes done (inserts, changes, deletes), for tests that count them.
    pub writes: usize,
}

#[derive(Default)]
pub struct InMemoryStore {
    state: Mutex<State>,
    /// Runs once, just before the next profile write is checked.
    before_write: Mutex<Option<Hook>>,
}

fn poisoned() -> StoreError {
    StoreError::Unavailable("the in-memory store's lock is poisoned".into())
}

fn expiry(c: &Customer) -> Option<i64> {
    c.expiration_date.map(|t| t.timestamp())
}

fn taken(claim: &UniqueClaim) -> StoreError {
    StoreError::Taken(match claim {
        UniqueClaim::Email(_) => UniqueValue::Email,
        UniqueClaim::CustomerRef(_) => UniqueValue::CustomerRef,
        UniqueClaim::Account(_) => UniqueValue::AccountId,
    })
}

impl State {
    fn claimable(&self, org: OrganisationId, claim: &UniqueClaim, me: CustomerNumber, now: DateTime<Utc>) -> bool {
        match self.claims.get(&(org, claim.clone())) {
            None => true,
            Some((owner, expires)) => *owner == me || expires.is_some_and(|t| t <= now.timestamp()),
        }
    }

    fn release(&mut self, org: OrganisationId, c: &Customer) {
        for claim in c.unique_claims() {
            if self
                .claims
                .get(&(org, claim.clone()))
                .is_some_and(|(o, _)| *o == c.customer_number)
            {
                self.claims.remove(&(org, claim));
            }
        }
    }

    fn claim(&mut self, org: OrganisationId, c: &Customer) {
        for claim in c.unique_claims() {
            self.claims.insert((org, claim), (c.customer_number, expiry(c)));
        }
    }
}

impl InMemoryStore {
    pub fn new() -> Self {
        Self::default()
    }

    /// Runs `change` on the stored state just before the next profile write: a concurrent
    /// request that got there first.
    pub fn before_next_write(&self, change: impl FnOnce(&mut State) + Send + 'static) {
        if let Ok(mut hook) = self.before_write.lock() {
            *hook = Some(Box::new(change));
        }
    }

    /// Reads or changes the stored state directly.
    pub fn with_state<T>(&self, f: impl FnOnce(&mut State) -> T) -> Result<T, StoreError> {
        let mut state = self.state.lock().map_err(|_| poisoned())?;
        Ok(f(&mut state))
    }

    fn locked_for_write(&self) -> Result<std::sync::MutexGuard<'_, State>, StoreError> {
        let hook = self.before_write.lock().map_err(|_| poisoned())?.take();
        let mut state = self.state.lock().map_err(|_| poisoned())?;
        if let Some(hook) = hook {
            hook(&mut state);
        }
        state.writes += 1;
        Ok(state)
    }
}

#[async_trait]
impl ProfileReads for InMemoryStore {
    async fn profile(&self, org: OrganisationId, number: CustomerNumber) -> Result<Option<Customer>, StoreError> {
        self.with_state(|s| s.profiles.get(&(org, number)).cloned())
    }

    async fn profile_by_ref(
        &self,
        org: OrganisationId,
        reference: &CustomerRef,
    ) -> Result<Option<Customer>, StoreError> {
        let claim = UniqueClaim::CustomerRef(reference.as_str().to_string());
        self.with_state(|s| {
            s.claims
                .get(&(org, claim))
                .and_then(|(n, _)| s.profiles.get(&(org, *n)).cloned())
                .filter(|c| &c.customer_ref == reference)
        })
    }

    async fn profile_by_account(
        &self,
        org: OrganisationId,
        account: &AccountId,
    ) -> Result<Option<Customer>, StoreError> {
        let claim = UniqueClaim::Account(account.as_str().to_string());
        self.with_state(|s| {
            s.claims
                .get(&(org, claim))
                .and_then(|(n, _)| s.profiles.get(&(org, *n)).cloned())
                .filter(|c| c.customer_accounts.iter().any(|a| &a.account_id == account))
        })
    }
}

#[async_trait]
impl ProfileBatches for InMemoryStore {
    async fn profiles(&self, org: OrganisationId, numbers: &[CustomerNumber]) -> Result<Batch, StoreError> {
        self.with_state(|s| Batch {
            customers: numbers
                .iter()
                .filter_map(|n| s.profiles.get(&(org, *n)).cloned())
                .collect(),
            unreadable: Vec::new(),
        })
    }

    async fn profiles_by_ref(&self, org: OrganisationId, references: &[CustomerRef]) -> Result<Batch, StoreError> {
        let mut customers = Vec::new();
        for r in references {
            customers.extend(self.profile_by_ref(org, r).await?);
        }
        Ok(Batch {
            customers,
            unreadable: Vec::new(),
        })
    }
}

#[async_trait]
impl ProfileSearch for InMemoryStore {
    async fn find(
        &self,
        org: OrganisationId,
        key: &SearchKey,
        _after: Option<FindCursor>,
        _limit: usize,
    ) -> Result<FoundPage, StoreError> {
        self.with_state(|s| {
            let customers: Vec<Customer> = s
                .profiles
                .iter()
                .filter(|((o, _), c)| *o == org && c.search_keys().iter().any(|have| key.finds(have)))
                .map(|(_, c)| c.clone())
                .collect();
            FoundPage {
                entries: customers.len(),
                batch: Batch {
                    customers,
                    unreadable: Vec::new(),
                },
                next: None,
            }
        })
    }

    async fn filed(&self, org: OrganisationId, key: &SearchKey, limit: usize) -> Result<FiledEntries, StoreError> {
        self.with_state(|s| {
            let mut entries: Vec<FiledEntry> = s
                .profiles
                .iter()
                .filter(|((o, _), _)| *o == org)
                .flat_map(|(_, c)| {
                    c.search_keys()
                        .into_iter()
                        .filter(|have| key.finds(have))
                        .map(|filed| FiledEntry {
                            number: c.customer_number,
                            filed,
                            facts: Some(EntryFacts {
                                profile_type: c.profile_type,
                                expiration_date: c.expiration_date,
                            }),
                        })
                })
                .collect();
            let more = entries.len() > limit;
            entries.truncate(limit);
            FiledEntries { entries, more }
        })
    }
}

#[async_trait]
impl ProfileWrites for InMemoryStore {
    async fn insert(&self, profile: NewProfile<'_>) -> Result<(), StoreError> {
        let mut s = self.locked_for_write()?;
        let c = profile.customer;
        let org = c.organisation_id;
        if let Some((key, _)) = profile.idempotency
            && s.records
                .get(&(org, key.as_str().to_string()))
                .is_some_and(|r| r.expires_at > profile.now)
        {
            return Err(StoreError::IdempotencyKeyRecorded);
        }
        if s.profiles.contains_key(&(org, c.customer_number)) {
            return Err(StoreError::Corrupt(format!(
                "customer number {} is already stored",
                c.customer_number
            )));
        }
        if let Some(claim) = c
            .unique_claims()
            .into_iter()
            .find(|claim| !s.claimable(org, claim, c.customer_number, profile.now))
        {
            return Err(taken(&claim));
        }
        s.claim(org, c);
        s.profiles.insert((org, c.customer_number), c.clone());
        if let Some(hash) = profile.password {
            s.hashes.insert((org, c.customer_number), hash.clone());
        }
        if let Some((key, record)) = profile.idempotency {
            s.records.insert((org, key.as_str().to_string()), record.clone());
        }
        Ok(())
    }

    async fn write(
        &self,
        changes: &[Change<'_>],
        requirements: &[Requirement],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut s = self.locked_for_write()?;
        for Requirement::ActivePreference(org, id) in requirements {
            match s.preferences.get(&(*org, *id)) {
                Some(p) if p.details.is_active => {}
                found => {
                    return Err(StoreError::RequirementFailed {
                        exists: found.is_some(),
                    });
                }
            }
        }
        // Claims are checked as if every change had given up its old ones first, so that a
        // value one change gives up and another takes passes between them.
        let mut after = State {
            claims: s.claims.clone(),
            ..State::default()
        };
        for change in changes {
            let org = change.next.organisation_id;
            match s.profiles.get(&(org, change.previous.customer_number)) {
                None => return Err(StoreError::Missing),
                Some(stored) if stored.version != change.previous.version => return Err(StoreError::Conflict),
                Some(_) => {}
            }
            after.release(org, change.previous);
        }
        for change in changes {
            let org = change.next.organisation_id;
            if let Some(claim) = change
                .next
                .unique_claims()
                .into_iter()
                .find(|claim| !after.claimable(org, claim, change.next.customer_number, now))
            {
                return Err(taken(&claim));
            }
            after.claim(org, change.next);
        }
        s.claims = after.claims;
        for change in changes {
            let org = change.next.organisation_id;
            s.profiles
                .insert((org, change.next.customer_number), change.next.clone());
            if let Some(hash) = change.password {
                s.hashes.insert((org, change.next.customer_number), hash.clone());
            }
        }
        Ok(())
    }

    async fn delete(&self, customer: &Customer) -> Result<(), StoreError> {
        let mut s = self.locked_for_write()?;
        let org = customer.organisation_id;
        match s.profiles.get(&(org, customer.customer_number)) {
            None => return Err(StoreError::Missing),
            Some(stored) if stored.version != customer.version => return Err(StoreError::Conflict),
            Some(_) => {}
        }
        s.release(org, customer);
        s.profiles.remove(&(org, customer.customer_number));
        s.hashes.remove(&(org, customer.customer_number));
        Ok(())
    }
}

#[async_trait]
impl CustomerNumbers for InMemoryStore {
    async fn reserve(&self, count: u32) -> Result<i64, StoreError> {
        self.with_state(|s| {
            let first = s.next_number + 1;
            s.next_number += i64::from(count);
            first
        })
    }
}

#[async_trait]
impl IdempotencyRecords for InMemoryStore {
    async fn idempotency_record(
        &self,
        org: OrganisationId,
        key: &IdempotencyKey,
        now: DateTime<Utc>,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        self.with_state(|s| {
            s.records
                .get(&(org, key.as_str().to_string()))
                .filter(|r| r.expires_at > now)
                .cloned()
        })
    }
}

#[async_trait]
impl PreferenceCatalogue for InMemoryStore {
    async fn preferences(&self, org: OrganisationId) -> Result<Vec<Preference>, StoreError> {
        self.with_state(|s| {
            s.preferences
                .iter()
                .filter(|((o, _), _)| *o == org)
                .map(|(_, p)| p.clone())
                .collect()
        })
    }

    async fn preference(&self, org: OrganisationId, id: ItemId) -> Result<Option<Preference>, StoreError> {
        self.with_state(|s| s.preferences.get(&(org, id)).cloned())
    }

    async fn add_preference(&self, p: &Preference) -> Result<(), StoreError> {
        let mut s = self.locked_for_write()?;
        let code = (p.organisation_id, p.code_key());
        if s.codes.contains_key(&code) {
            return Err(StoreError::Taken(UniqueValue::PreferenceCode));
        }
        s.codes.insert(code, p.id);
        s.preferences.insert((p.organisation_id, p.id), p.clone());
        Ok(())
    }

    async fn replace_preference(&self, previous: &Preference, next: &Preference) -> Result<(), StoreError> {
        let mut s = self.locked_for_write()?;
        let org = previous.organisation_id;
        match s.preferences.get(&(org, previous.id)) {
            None => return Err(StoreError::Missing),
            Some(stored) if stored.version != previous.version => return Err(StoreError::Conflict),
            Some(_) => {}
        }
        if s.codes.get(&(org, next.code_key())).is_some_and(|id| *id != next.id) {
            return Err(StoreError::Taken(UniqueValue::PreferenceCode));
        }
        s.codes.remove(&(org, previous.code_key()));
        s.codes.insert((org, next.code_key()), next.id);
        s.preferences.insert((org, next.id), next.clone());
        Ok(())
    }

    async fn remove_preference(&self, p: &Preference) -> Result<(), StoreError> {
        let mut s = self.locked_for_write()?;
        let org = p.organisation_id;
        match s.preferences.get(&(org, p.id)) {
            None => return Err(StoreError::Missing),
            Some(stored) if stored.version != p.version => return Err(StoreError::Conflict),
            Some(_) => {}
        }
        s.codes.remove(&(org, p.code_key()));
        s.preferences.remove(&(org, p.id));
        Ok(())
    }
}

#[async_trait]
impl SignInAttempts for InMemoryStore {
    async fn count_attempt(
        &self,
        org: OrganisationId,
        key: &AttemptKey,
        now: DateTime<Utc>,
        window: chrono::Duration,
        max: u32,
    ) -> Result<AttemptVerdict, StoreError> {
        self.with_state(|s| {
            let entry = s.attempts.entry((org, key.clone())).or_insert((0, now));
            if entry.1 + window <= now {
                *entry = (0, now);
            }
            if entry.0 >= max {
                return AttemptVerdict::Refused {
                    until: entry.1 + window,
                };
            }
            entry.0 += 1;
            AttemptVerdict::Allowed { count: entry.0 }
        })
    }

    async fn clear_attempts(&self, org: OrganisationId, key: &AttemptKey) -> Result<(), StoreError> {
        self.with_state(|s| {
            s.attempts.remove(&(org, key.clone()));
        })
    }
}

#[async_trait]
impl PasswordHashes for InMemoryStore {
    async fn password_hash(
        &self,
        org: OrganisationId,
        number: CustomerNumber,
    ) -> Result<Option<PasswordHash>, StoreError> {
        self.with_state(|s| s.hashes.get(&(org, number)).cloned())
    }

    async fn sign_in_candidate(
        &self,
        org: OrganisationId,
        email_key: &str,
    ) -> Result<Option<(Customer, Option<PasswordHash>)>, StoreError> {
        let claim = UniqueClaim::Email(email_key.to_string());
        self.with_state(|s| {
            let (number, _) = s.claims.get(&(org, claim))?;
            let c = s.profiles.get(&(org, *number))?;
            if c.email.as_ref().is_none_or(|e| e.key() != email_key) {
                return None;
            }
            Some((c.clone(), s.hashes.get(&(org, *number)).cloned()))
        })
    }
}
