//! Permanent profiles: create, get, update, search, bulk lookup and lookup by reference.

mod create;
mod idempotency;
mod numbers;
mod search;

pub use create::{Created, Creator, Keyed};
pub use idempotency::{IdempotencyKey, IdempotencyRecord, RequestFingerprint, record_lifetime};
pub use numbers::NumberAllocator;
pub use search::{
    CustomerQuery, DEFAULT_MAX_RESULT_SET, DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE, MAX_RESULT_SET, Page,
    STARTING_PARAMETERS, SearchCriteria, SearchStart,
};

use crate::clock::Clock;
use crate::conditional::{Edit, ExpectedVersion, Profiles};
use crate::credentials::PasswordHasher;
use crate::customer::{Customer, CustomerUpdate, NewCustomer, ProfileType, Status};
use crate::error::{Action, DomainError, Missing, Refusal, ensure_caller};
use crate::ports::{
    Batch, CustomerNumbers, FindCursor, IdempotencyRecords, PasswordHashes, Port, ProfileBatches, ProfileReads,
    ProfileSearch, ProfileWrites,
};
use crate::problems::{FieldError, Problem};
use crate::values::{CustomerNumber, CustomerRef, OrganisationId};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// How many search entries a search may read before it must be narrowed.
pub const SEARCH_READ_LIMIT: usize = 5_000;
const SEARCH_BATCH: usize = 100;
/// Most profiles one bulk lookup names.
pub const BULK_MAX: usize = 1000;
/// Profiles a bulk lookup reads at once.
const BULK_BATCH: usize = 100;

/// Profiles to look up at once: by number, or else by reference; answered in this order.
#[derive(Debug, Clone)]
pub enum BulkLookup {
    Numbers(Vec<CustomerNumber>),
    References(Vec<CustomerRef>),
}

pub struct ProfileService {
    profiles: Profiles,
    batches: Arc<dyn ProfileBatches>,
    search: Arc<dyn ProfileSearch>,
    creator: Creator,
}

fn distinct<T: Clone + Eq + std::hash::Hash>(items: Vec<T>) -> Vec<T> {
    let mut seen = HashSet::new();
    items.into_iter().filter(|i| seen.insert(i.clone())).collect()
}

/// Hands the live profiles of `batch` to `take` in the order of `keys`; answers the key of the
/// first one it declines.
fn hand_over<K: Clone + Eq + std::hash::Hash>(
    keys: &[K],
    batch: Batch,
    now: chrono::DateTime<chrono::Utc>,
    key_of: impl Fn(&Customer) -> K,
    take: &mut (dyn FnMut(&Customer) -> bool + Send),
) -> Option<K> {
    let mut by_key: HashMap<K, Customer> = batch
        .readable()
        .into_iter()
        .filter(|c| !c.is_expired(now))
        .map(|c| (key_of(&c), c))
        .collect();
    keys.iter()
        .find(|k| by_key.remove(k).is_some_and(|c| !take(&c)))
        .cloned()
}

impl ProfileService {
    pub const PORTS: &[Port] = &[
        Port::ProfileReads,
        Port::ProfileBatches,
        Port::ProfileSearch,
        Port::ProfileWrites,
        Port::CustomerNumbers,
        Port::IdempotencyRecords,
        Port::PasswordHashes,
    ];

    pub fn new<S>(store: Arc<S>, clock: Arc<dyn Clock>, number_block: u32, hasher: PasswordHasher) -> Self
    where
        S: ProfileReads
            + ProfileBatches
            + ProfileSearch
            + ProfileWrites
            + CustomerNumbers
            + IdempotencyRecords
            + PasswordHashes
            + 'static,
    {
        Self {
            profiles: Profiles::new(store.clone(), clock.clone()),
            batches: store.clone(),
            search: store.clone(),
            creator: Creator::new(store, clock, number_block, hasher),
        }
    }

    /// A new permanent profile of the caller's organisation.
    pub async fn create(
        &self,
        org: OrganisationId,
        new: NewCustomer,
        keyed: Option<Keyed>,
    ) -> Result<Created, DomainError> {
        ensure_caller(new.organisation_id.value(), org)?;
        self.creator.create(org, new, keyed).await
    }

    /// A profile; a merged (passive) number answers with the profile it was merged into.
    pub async fn get(&self, org: OrganisationId, number: CustomerNumber) -> Result<Customer, DomainError> {
        let customer = self.profiles.live(org, number).await?;
        self.profiles.following_merges(org, customer).await
    }

    /// A full update. Without an expected version the last write wins; with one, a changed
    /// profile is refused.
    pub async fn update(
        &self,
        org: OrganisationId,
        number: CustomerNumber,
        update: CustomerUpdate,
        expected: Option<&ExpectedVersion>,
    ) -> Result<Customer, DomainError> {
        let customer = self
            .profiles
            .edit(Edit::of(org, number).expecting(expected), |current, now| {
                if current.profile_type == ProfileType::Temporary {
                    return Err(DomainError::refused(Refusal::Temporary {
                        number,
                        action: Action::Change,
                    }));
                }
                if current.status != Status::Active {
                    return Err(DomainError::refused(Refusal::Status {
                        number,
                        status: current.status,
                        action: Action::Change,
                    }));
                }
                Ok(update.apply_to(current, now))
            })
            .await?;
        tracing::info!(customer_number = %number, version = %customer.version, "profile updated");
        Ok(customer)
    }

    /// The matches of a search in customer-number order. `want` stops reading once that many
    /// are found; `None` reads every entry up to [`SEARCH_READ_LIMIT`]. Also says whether every
    /// entry was read.
    async fn matches(
        &self,
        org: OrganisationId,
        query: &CustomerQuery,
        want: Option<usize>,
    ) -> Result<(Vec<Customer>, bool), DomainError> {
        let now = self.profiles.now();
        let mut found: Vec<Customer> = Vec::new();
        let mut exhausted = true;
        match &query.start {
            SearchStart::CustomerRef(r) => {
                found.extend(self.profiles.reads.profile_by_ref(org, r).await?);
            }
            SearchStart::Indexed(key) => {
                let mut cursor: Option<FindCursor> = None;
                let mut read = 0;
                loop {
                    let page = self.search.find(org, key, cursor.take(), SEARCH_BATCH).await?;
                    read += page.entries;
                    found.extend(page.batch.readable().into_iter().filter(|c| query.matches(c, now)));
                    match page.next {
                        None => break,
                        Some(_) if want.is_some_and(|w| found.len() >= w) || read >= SEARCH_READ_LIMIT => {
                            exhausted = false;
                            break;
                        }
                        Some(next) => cursor = Some(next),
                    }
                }
            }
        }
        found.retain(|c| query.matches(c, now));
        found.sort_by_key(|c| c.customer_number);
        found.dedup_by_key(|c| c.customer_number);
        Ok((found, exhausted))
    }

    /// Matches of every criterion, at most `max_result_set`.
    pub async fn find(&self, org: OrganisationId, criteria: SearchCriteria) -> Result<Vec<Customer>, DomainError> {
        let query = CustomerQuery::new(criteria)?;
        let (mut found, _) = self.matches(org, &query, Some(query.max_result_set)).await?;
        found.truncate(query.max_result_set);
        Ok(found)
    }

    /// One page of the matches, and how many there are in all.
    pub async fn search(
        &self,
        org: OrganisationId,
        criteria: SearchCriteria,
        page: Page,
    ) -> Result<(Vec<Customer>, u64), DomainError> {
        let query = CustomerQuery::new(criteria)?;
        if let Some(counted) = self.counted_from_entries(org, &query, page).await? {
            return Ok(counted);
        }
        let (found, exhausted) = self.matches(org, &query, None).await?;
        if !exhausted {
            return Err(too_many_matches());
        }
        let total = found.len() as u64;
        Ok((page.of(found), total))
    }

    /// A page of a search its entries decide, counted from the entries alone: the entries are
    /// read, and only the page's profiles, where otherwise every match's profile is. `None`
    /// when the entries do not decide the search.
    async fn counted_from_entries(
        &self,
        org: OrganisationId,
        query: &CustomerQuery,
        page: Page,
    ) -> Result<Option<(Vec<Customer>, u64)>, DomainError> {
        let SearchStart::Indexed(key) = &query.start else {
            return Ok(None);
        };
        if !query.decided_by_entries() {
            return Ok(None);
        }
        let now = self.profiles.now();
        let filed = self.search.filed(org, key, SEARCH_READ_LIMIT).await?;
        if filed.more {
            return Err(too_many_matches());
        }
        let mut numbers = Vec::with_capacity(filed.entries.len());
        for entry in &filed.entries {
            match query.admits(entry, now) {
                Some(true) => numbers.push(entry.number),
                Some(false) => {}
                None => return Ok(None),
            }
        }
        numbers.sort();
        numbers.dedup();
        let total = numbers.len() as u64;
        let wanted = page.of(numbers);
        if wanted.is_empty() {
            return Ok(Some((Vec::new(), total)));
        }
        // A profile changed since its entry was read is judged as it is now.
        let mut items: Vec<Customer> = self
            .batches
            .profiles(org, &wanted)
            .await?
            .readable()
            .into_iter()
            .filter(|c| query.matches(c, now))
            .collect();
        items.sort_by_key(|c| c.customer_number);
        Ok(Some((items, total)))
    }

    /// Up to [`BULK_MAX`] live profiles in the order asked (repeated, unknown and expired ones
    /// left out), handed to `take` one at a time until it declines one. They are read a batch
    /// at a time, so an answer that is full stops the reading (and bounds the memory a lookup
    /// of large profiles takes). Answers where in the lookup's list the first profile `take`
    /// declined stands, if it declined one.
    pub async fn bulk(
        &self,
        org: OrganisationId,
        lookup: BulkLookup,
        take: &mut (dyn FnMut(&Customer) -> bool + Send),
    ) -> Result<Option<usize>, DomainError> {
        let now = self.profiles.now();
        match &lookup {
            BulkLookup::Numbers(numbers) => {
                for keys in distinct(numbers.clone()).chunks(BULK_BATCH) {
                    let batch = self.batches.profiles(org, keys).await?;
                    if let Some(declined) = hand_over(keys, batch, now, |c| c.customer_number, take) {
                        return Ok(numbers.iter().position(|n| *n == declined));
                    }
                }
            }
            BulkLookup::References(references) => {
                for keys in distinct(references.clone()).chunks(BULK_BATCH) {
                    let batch = self.batches.profiles_by_ref(org, keys).await?;
                    if let Some(declined) = hand_over(keys, batch, now, |c| c.customer_ref.clone(), take) {
                        return Ok(references.iter().position(|r| *r == declined));
                    }
                }
            }
        }
        Ok(None)
    }

    /// The live profile holding a customerRef; a merged one answers with its survivor, as
    /// [`ProfileService::get`] does.
    pub async fn by_ref(&self, org: OrganisationId, reference: &CustomerRef) -> Result<Customer, DomainError> {
        match self.profiles.reads.profile_by_ref(org, reference).await? {
            Some(c) if !c.is_expired(self.profiles.now()) => self.profiles.following_merges(org, c).await,
            _ => Err(DomainError::NotFound(Missing::Profile)),
        }
    }
}

fn too_many_matches() -> DomainError {
    DomainError::invalid(FieldError::new(
        "",
        Problem::SearchNeedsStart,
        format!("the search matches more than {SEARCH_READ_LIMIT} profiles; narrow it with more parameters"),
    ))
}

#[cfg(test)]
mod tests;
