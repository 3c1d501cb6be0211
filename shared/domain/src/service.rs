//! The profile operations: each one parses its input, applies the rules and talks to the store.
//! HTTP handlers only translate to and from these calls.

use crate::contract::{CustomerPostRequest, CustomerPutRequest, ProfilesBulkRequest};
use crate::error::CustomerError;
use crate::idempotency::{self, IdempotencyKey, IdempotencyRecord};
use crate::lifecycle::{
    Connection, Conversion, ConvertTemporaryCustomerRequest, CustomerConnectRequest, CustomerConnectResponse,
    DeactivateCustomerRequest, Deactivation, NewTemporaryCustomer, Restoration, RestoreCustomerRequest,
    TemporaryCustomerPostRequest, TemporaryCustomerPutRequest, TemporaryUpdate,
};
use crate::password::{Password, PasswordHash, PasswordHasherConfig};
use crate::profile::{Customer, CustomerUpdate, NewCustomer, ProfileType, Status};
use crate::search::{CustomerQuery, CustomerSearchParams, Page, SearchStart};
use crate::store::{Change, FindCursor, NewProfile, ProfileStore, StoreError, TakenValue};
use crate::time::{Clock, format_timestamp};
use crate::validation::{ErrorCode, FieldError, Problems};
use crate::values::{CustomerNumber, CustomerRef, OrganisationId};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use tokio::sync::Mutex;

/// The organisation the access token speaks for: the tenant of every operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caller {
    pub organisation: OrganisationId,
}

/// An `If-Match` precondition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Precondition {
    /// `If-Match: *`: any current version.
    Any,
    /// Strong entity tags, as sent (with quotes).
    OneOf(Vec<String>),
}

impl Precondition {
    pub fn holds_for(&self, etag: &str) -> bool {
        match self {
            Precondition::Any => true,
            Precondition::OneOf(tags) => tags.iter().any(|t| t == etag),
        }
    }
}

/// What a create answered: a new profile, or the first answer to an earlier request with the
/// same Idempotency-Key.
#[derive(Debug)]
pub enum Created {
    New(Box<Customer>),
    Replayed(Box<IdempotencyRecord>),
}

/// Hands out customer numbers from blocks reserved in the store, so that creates do not all
/// update one counter item: one store call per `block` numbers per Lambda instance. Numbers of a
/// block left unused when an instance ends are never used (gaps are harmless).
pub struct NumberAllocator {
    block: u32,
    range: Mutex<(i64, i64)>,
}

impl NumberAllocator {
    pub fn new(block: u32) -> Self {
        Self {
            block: block.max(1),
            range: Mutex::new((0, 0)),
        }
    }

    async fn next(&self, store: &dyn ProfileStore) -> Result<CustomerNumber, StoreError> {
        let mut range = self.range.lock().await;
        if range.0 >= range.1 {
            let first = store.reserve_customer_numbers(self.block).await?;
            *range = (first, first + i64::from(self.block));
        }
        let n = range.0;
        range.0 += 1;
        Ok(CustomerNumber::assigned(n))
    }
}

/// How many index entries a search may read before it must be narrowed.
pub const SEARCH_READ_LIMIT: usize = 5_000;
const SEARCH_BATCH: usize = 100;
pub const BULK_MAX: usize = 1000;
/// A merge chain longer than this is a fault, not data.
const MAX_MERGE_HOPS: usize = 8;
const WRITE_ATTEMPTS: usize = 5;

pub struct ProfileService {
    pub(crate) store: Arc<dyn ProfileStore>,
    numbers: NumberAllocator,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) hasher: PasswordHasherConfig,
    /// An organisation only used for reads that must find nothing.
    pub(crate) placeholder_org: OrganisationId,
}

impl ProfileService {
    pub fn new(
        store: Arc<dyn ProfileStore>,
        clock: Arc<dyn Clock>,
        number_block: u32,
        hasher: PasswordHasherConfig,
    ) -> Self {
        Self {
            store,
            numbers: NumberAllocator::new(number_block),
            clock,
            hasher,
            placeholder_org: OrganisationId::placeholder(),
        }
    }

    fn ensure_own_organisation(caller: Caller, given: i64) -> Result<(), CustomerError> {
        if given != caller.organisation.value() {
            return Err(CustomerError::OrganisationMismatch {
                given,
                token: caller.organisation.value(),
            });
        }
        Ok(())
    }

    pub(crate) async fn hash(&self, password: Password) -> Result<PasswordHash, CustomerError> {
        let hasher = self.hasher;
        crate::password::on_hashing_thread(move || hasher.hash(&password))
            .await
            .map_err(CustomerError::Internal)?
            .map_err(CustomerError::Internal)
    }

    async fn verify(&self, password: Password, hash: PasswordHash) -> Result<bool, CustomerError> {
        let hasher = self.hasher;
        crate::password::on_hashing_thread(move || hasher.verify(&password, &hash))
            .await
            .map_err(CustomerError::Internal)
    }

    /// `POST /profiles`. `body` is the request as sent, for the idempotency fingerprint.
    pub async fn create(
        &self,
        caller: Caller,
        body: &serde_json::Value,
        request: &CustomerPostRequest,
        key: Option<IdempotencyKey>,
    ) -> Result<Created, CustomerError> {
        let now = self.clock.now();
        let new = NewCustomer::parse(request, now).map_err(CustomerError::Invalid)?;
        Self::ensure_own_organisation(caller, new.organisation_id.value())?;
        self.create_new(caller, new, idempotency::fingerprint(body), key).await
    }

    /// `POST /profiles/temporary`: a profile of type T with an expiration date.
    pub async fn create_temporary(
        &self,
        caller: Caller,
        body: &serde_json::Value,
        request: &TemporaryCustomerPostRequest,
        key: Option<IdempotencyKey>,
    ) -> Result<Created, CustomerError> {
        let new = NewTemporaryCustomer::parse(request, caller.organisation, self.clock.now())
            .map_err(CustomerError::Invalid)?;
        Self::ensure_own_organisation(caller, new.organisation_id.value())?;
        self.create_new(caller, new.into_new_customer(), idempotency::fingerprint(body), key)
            .await
    }

    async fn create_new(
        &self,
        caller: Caller,
        new: NewCustomer,
        fingerprint: String,
        key: Option<IdempotencyKey>,
    ) -> Result<Created, CustomerError> {
        let now = self.clock.now();
        if let Some(key) = &key
            && let Some(record) = self.store.idempotency_record(caller.organisation, key).await?
        {
            return self.replay(caller, record, &fingerprint, new.password.clone()).await;
        }
        let hash = match new.password.clone() {
            Some(p) => Some(self.hash(p).await?),
            None => None,
        };
        for _ in 0..WRITE_ATTEMPTS {
            let number = self.numbers.next(self.store.as_ref()).await?;
            let customer = new.clone().into_customer(number, now);
            let record = key.as_ref().map(|_| IdempotencyRecord {
                fingerprint: fingerprint.clone(),
                has_password: new.password.is_some(),
                customer_number: number,
                status: 201,
                response: serde_json::to_value(customer.to_response(false)).unwrap_or_default(),
                etag: customer.etag(),
                expires_at: now.timestamp() + idempotency::RECORD_LIFETIME_SECONDS,
            });
            let write = NewProfile {
                customer: &customer,
                password: hash.as_ref(),
                idempotency: key.as_ref().zip(record.as_ref()),
                now,
            };
            match self.store.insert(write).await {
                Ok(()) => {
                    tracing::info!(customer_number = %number, "profile created");
                    return Ok(Created::New(Box::new(customer)));
                }
                Err(StoreError::Taken(taken)) => {
                    // Losing to a concurrent request with the same key can show as any failed
                    // condition: if that request's record is there, answer as it did.
                    if let Some(k) = &key
                        && let Some(record) = self.store.idempotency_record(caller.organisation, k).await?
                    {
                        return self.replay(caller, record, &fingerprint, new.password.clone()).await;
                    }
                    match taken {
                        // A customerRef a client chose earlier equals this new number: take the next one.
                        TakenValue::CustomerRef if new.customer_ref.is_none() => {
                            tracing::warn!(customer_number = %number, "default customerRef already taken; assigning another number");
                            continue;
                        }
                        TakenValue::CustomerRef => return Err(CustomerError::CustomerRefTaken),
                        TakenValue::Email => return Err(CustomerError::EmailTaken),
                        TakenValue::AccountId => return Err(CustomerError::AccountIdTaken),
                    }
                }
                Err(StoreError::IdempotencyKeyRecorded) => {
                    // A concurrent request with the same key won the race: answer as it did.
                    let key = key
                        .as_ref()
                        .ok_or_else(|| CustomerError::Internal("idempotency without key".into()))?;
                    let record = self
                        .store
                        .idempotency_record(caller.organisation, key)
                        .await?
                        .ok_or_else(|| CustomerError::Internal("idempotency record vanished".into()))?;
                    return self.replay(caller, record, &fingerprint, new.password.clone()).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(CustomerError::Unavailable(
            "could not assign a free customer number; retry".into(),
        ))
    }

    async fn replay(
        &self,
        caller: Caller,
        record: IdempotencyRecord,
        fingerprint: &str,
        password: Option<Password>,
    ) -> Result<Created, CustomerError> {
        if record.fingerprint != fingerprint || record.has_password != password.is_some() {
            return Err(CustomerError::IdempotencyKeyReused);
        }
        if let Some(password) = password
            && let Some(hash) = self
                .store
                .password_hash(caller.organisation, record.customer_number)
                .await?
            && !self.verify(password, hash).await?
        {
            return Err(CustomerError::IdempotencyKeyReused);
        }
        tracing::info!(customer_number = %record.customer_number, "idempotent create replayed");
        Ok(Created::Replayed(Box::new(record)))
    }

    /// A live profile of the caller's organisation, exactly as stored.
    pub(crate) async fn live(&self, caller: Caller, number: CustomerNumber) -> Result<Customer, CustomerError> {
        let now = self.clock.now();
        match self.store.get(caller.organisation, number).await? {
            Some(c) if !c.is_expired(now) => Ok(c),
            _ => Err(CustomerError::NotFound),
        }
    }

    /// `GET /profiles/{customerNumber}`: a merged (passive) number answers with the survivor.
    pub async fn get(&self, caller: Caller, number: CustomerNumber) -> Result<Customer, CustomerError> {
        let mut customer = self.live(caller, number).await?;
        for _ in 0..MAX_MERGE_HOPS {
            match (customer.status, customer.merged_into) {
                (Status::Passive, Some(survivor)) => customer = self.live(caller, survivor).await?,
                _ => return Ok(customer),
            }
        }
        Err(CustomerError::Internal(format!(
            "merge chain from {number} is too long"
        )))
    }

    /// `PUT /profiles/{customerNumber}`. Without If-Match the last write wins; with it, a
    /// stale version is refused.
    pub async fn update(
        &self,
        caller: Caller,
        number: CustomerNumber,
        request: &CustomerPutRequest,
        precondition: Option<Precondition>,
    ) -> Result<Customer, CustomerError> {
        let update = CustomerUpdate::parse(request, self.clock.now()).map_err(CustomerError::Invalid)?;
        for _ in 0..WRITE_ATTEMPTS {
            let current = self.live(caller, number).await?;
            if current.profile_type == ProfileType::Temporary {
                return Err(CustomerError::InvalidState(format!(
                    "profile {number} is temporary: change it with PUT /profiles/temporary/{number}"
                )));
            }
            match current.status {
                Status::Deleted => {
                    return Err(CustomerError::InvalidState(format!(
                        "profile {number} is deactivated; restore it before changing it"
                    )));
                }
                Status::Passive => {
                    return Err(CustomerError::InvalidState(format!(
                        "profile {number} was merged into another profile and can no longer be changed"
                    )));
                }
                Status::Active => {}
            }
            if let Some(p) = &precondition
                && !p.holds_for(&current.etag())
            {
                return Err(CustomerError::StaleVersion {
                    current: current.etag(),
                });
            }
            let now = self.clock.now();
            let next = update.apply_to(&current, now);
            match self.store.replace(&current, &next, now).await {
                Ok(()) => {
                    tracing::info!(customer_number = %number, version = next.version, "profile updated");
                    return Ok(next);
                }
                Err(StoreError::VersionConflict) if precondition.is_some() => {
                    return Err(CustomerError::StaleVersion {
                        current: format!("\"{}\"", current.version + 1),
                    });
                }
                Err(StoreError::VersionConflict) => continue,
                Err(StoreError::Missing) => return Err(CustomerError::NotFound),
                Err(StoreError::Taken(TakenValue::Email)) => return Err(CustomerError::EmailTaken),
                Err(StoreError::Taken(TakenValue::CustomerRef)) => {
                    return Err(CustomerError::CustomerRefTaken);
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(CustomerError::InvalidState(format!(
            "profile {number} is being changed by other requests right now; retry"
        )))
    }

    /// Runs a search and returns matches in customer-number order. `want` stops reading once
    /// that many matches are found; `None` reads every entry (up to the read limit).
    async fn matches(
        &self,
        caller: Caller,
        query: &CustomerQuery,
        want: Option<usize>,
    ) -> Result<(Vec<Customer>, bool), CustomerError> {
        let now = self.clock.now();
        let mut found: Vec<Customer> = Vec::new();
        let mut exhausted = true;
        match &query.start {
            SearchStart::CustomerRef(r) => {
                found.extend(self.store.get_by_ref(caller.organisation, r).await?);
            }
            SearchStart::Indexed(key) => {
                let mut cursor: Option<FindCursor> = None;
                let mut read = 0;
                loop {
                    let page = self
                        .store
                        .find(caller.organisation, key, cursor.take(), SEARCH_BATCH)
                        .await?;
                    read += page.customers.len();
                    found.extend(page.customers.into_iter().filter(|c| query.matches(c, now)));
                    match page.next {
                        None => break,
                        Some(_) if want.is_some_and(|w| found.len() >= w) => {
                            exhausted = false;
                            break;
                        }
                        Some(_) if read >= SEARCH_READ_LIMIT => {
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

    /// `GET /profiles`: matches of all given parameters, at most maxResultSet.
    pub async fn find(&self, caller: Caller, params: &CustomerSearchParams) -> Result<Vec<Customer>, CustomerError> {
        let query = CustomerQuery::parse(params, caller.organisation, self.clock.now().date_naive())?;
        let (mut found, _) = self.matches(caller, &query, Some(query.max_result_set)).await?;
        found.truncate(query.max_result_set);
        Ok(found)
    }

    /// `GET /profiles-search`: one page of the matches and how many there are in all.
    pub async fn search(
        &self,
        caller: Caller,
        params: &CustomerSearchParams,
        page: Page,
    ) -> Result<(Vec<Customer>, u64), CustomerError> {
        let query = CustomerQuery::parse(params, caller.organisation, self.clock.now().date_naive())?;
        let (found, exhausted) = self.matches(caller, &query, None).await?;
        if !exhausted {
            return Err(CustomerError::invalid(FieldError::new(
                "",
                ErrorCode::SearchNotIndexed,
                format!("the search matches more than {SEARCH_READ_LIMIT} profiles; narrow it with more parameters"),
            )));
        }
        let total = found.len() as u64;
        let start = (page.page as usize).saturating_mul(page.per_page as usize);
        let items = found.into_iter().skip(start).take(page.per_page as usize).collect();
        Ok((items, total))
    }

    /// `POST /profiles/bulk`: up to 1000 profiles by number, or else by reference, in request order.
    pub async fn bulk(&self, caller: Caller, request: &ProfilesBulkRequest) -> Result<Vec<Customer>, CustomerError> {
        let now = self.clock.now();
        let numbers = request.customer_numbers.as_deref().unwrap_or_default();
        let references = request.customer_references.as_deref().unwrap_or_default();
        let mut problems = Problems::new();
        let found: Vec<Customer>;
        let order: Vec<String>;
        if !numbers.is_empty() {
            if numbers.len() > BULK_MAX {
                return Err(CustomerError::invalid(FieldError::new(
                    "customerNumbers",
                    ErrorCode::Length,
                    format!("at most {BULK_MAX} customer numbers at a time (got {})", numbers.len()),
                )));
            }
            let parsed: Vec<CustomerNumber> = numbers
                .iter()
                .filter_map(|n| problems.take(CustomerNumber::parse("customerNumbers", *n)))
                .collect();
            if !problems.is_empty() {
                return Err(CustomerError::Invalid(problems.into_errors()));
            }
            let unique: Vec<CustomerNumber> = dedup(parsed);
            order = unique.iter().map(ToString::to_string).collect();
            found = self.store.get_many(caller.organisation, &unique).await?;
        } else if !references.is_empty() {
            if references.len() > BULK_MAX {
                return Err(CustomerError::invalid(FieldError::new(
                    "customerReferences",
                    ErrorCode::Length,
                    format!(
                        "at most {BULK_MAX} customer references at a time (got {})",
                        references.len()
                    ),
                )));
            }
            let parsed: Vec<CustomerRef> = references
                .iter()
                .filter_map(|r| problems.take(CustomerRef::parse("customerReferences", r)))
                .collect();
            if !problems.is_empty() {
                return Err(CustomerError::Invalid(problems.into_errors()));
            }
            let unique = dedup(parsed);
            order = unique.iter().map(ToString::to_string).collect();
            found = self.store.get_many_by_ref(caller.organisation, &unique).await?;
        } else {
            return Err(CustomerError::invalid(FieldError::new(
                "customerNumbers",
                ErrorCode::Required,
                "give customerNumbers or customerReferences (at most 1000)",
            )));
        }
        let by_key: HashMap<String, Customer> = found
            .into_iter()
            .filter(|c| !c.is_expired(now))
            .map(|c| {
                let key = if numbers.is_empty() {
                    c.customer_ref.to_string()
                } else {
                    c.customer_number.to_string()
                };
                (key, c)
            })
            .collect();
        let mut by_key = by_key;
        Ok(order.iter().filter_map(|k| by_key.remove(k)).collect())
    }

    /// `GET /profiles/customer-ref/{customerRef}`.
    pub async fn get_by_ref(&self, caller: Caller, reference: &str) -> Result<Customer, CustomerError> {
        let reference = CustomerRef::parse("customerRef", reference).map_err(CustomerError::invalid)?;
        let now = self.clock.now();
        match self.store.get_by_ref(caller.organisation, &reference).await? {
            Some(c) if !c.is_expired(now) => Ok(c),
            _ => Err(CustomerError::NotFound),
        }
    }
    /// A live temporary profile of the caller, or 404 (a permanent profile is not found here).
    async fn live_temporary(&self, caller: Caller, number: CustomerNumber) -> Result<Customer, CustomerError> {
        let c = self.live(caller, number).await?;
        if c.profile_type != ProfileType::Temporary {
            return Err(CustomerError::NotFound);
        }
        Ok(c)
    }

    /// `GET /profiles/temporary/{customerNumber}`.
    pub async fn get_temporary(&self, caller: Caller, number: CustomerNumber) -> Result<Customer, CustomerError> {
        self.live_temporary(caller, number).await
    }

    /// Runs `change` on the current version until it is written, the precondition fails, or
    /// the rule refuses; a concurrent change in between makes it read and try again.
    async fn change_profile<F>(
        &self,
        caller: Caller,
        number: CustomerNumber,
        precondition: Option<&Precondition>,
        change: F,
    ) -> Result<Customer, CustomerError>
    where
        F: Fn(&Customer, chrono::DateTime<chrono::Utc>) -> Result<Customer, CustomerError>,
    {
        self.change_profile_requiring(caller, number, precondition, &[], change)
            .await
    }

    /// As `change_profile`, and only while each named catalogue preference is active.
    pub(crate) async fn change_profile_requiring<F>(
        &self,
        caller: Caller,
        number: CustomerNumber,
        precondition: Option<&Precondition>,
        active_preferences: &[i64],
        change: F,
    ) -> Result<Customer, CustomerError>
    where
        F: Fn(&Customer, chrono::DateTime<chrono::Utc>) -> Result<Customer, CustomerError>,
    {
        let required: Vec<(OrganisationId, i64)> =
            active_preferences.iter().map(|id| (caller.organisation, *id)).collect();
        for _ in 0..WRITE_ATTEMPTS {
            let current = self.live(caller, number).await?;
            if let Some(p) = precondition
                && !p.holds_for(&current.etag())
            {
                return Err(CustomerError::StaleVersion {
                    current: current.etag(),
                });
            }
            let now = self.clock.now();
            let next = change(&current, now)?;
            let write = Change {
                previous: &current,
                next: &next,
                password: None,
            };
            match self.store.write_requiring_active(&[write], &required, now).await {
                Ok(()) => return Ok(next),
                Err(StoreError::VersionConflict) if precondition.is_some() => {
                    return Err(CustomerError::StaleVersion {
                        current: format!("\"{}\"", current.version + 1),
                    });
                }
                Err(StoreError::VersionConflict) => continue,
                Err(StoreError::Missing) => return Err(CustomerError::NotFound),
                Err(StoreError::Taken(TakenValue::Email)) => return Err(CustomerError::EmailTaken),
                Err(StoreError::Taken(TakenValue::CustomerRef)) => return Err(CustomerError::CustomerRefTaken),
                Err(e) => return Err(e.into()),
            }
        }
        Err(CustomerError::InvalidState(format!(
            "profile {number} is being changed by other requests right now; retry"
        )))
    }

    /// `PUT /profiles/temporary/{customerNumber}`: every field overwritten.
    pub async fn update_temporary(
        &self,
        caller: Caller,
        number: CustomerNumber,
        request: &TemporaryCustomerPutRequest,
        precondition: Option<Precondition>,
    ) -> Result<Customer, CustomerError> {
        let update = TemporaryUpdate::parse(request, self.clock.now()).map_err(CustomerError::Invalid)?;
        let customer = self
            .change_profile(caller, number, precondition.as_ref(), |current, now| {
                if current.profile_type != ProfileType::Temporary {
                    return Err(CustomerError::NotFound);
                }
                require_status(current, Status::Active, "changed")?;
                Ok(update.apply_to(current, now))
            })
            .await?;
        tracing::info!(customer_number = %number, version = customer.version, "temporary profile updated");
        Ok(customer)
    }

    /// `DELETE /profiles/temporary/{customerNumber}`: the profile and everything of it, at once.
    pub async fn delete_temporary(&self, caller: Caller, number: CustomerNumber) -> Result<(), CustomerError> {
        for _ in 0..WRITE_ATTEMPTS {
            let current = self.live_temporary(caller, number).await?;
            match self.store.delete(&current).await {
                Ok(()) => {
                    tracing::info!(customer_number = %number, "temporary profile deleted");
                    return Ok(());
                }
                Err(StoreError::VersionConflict) => continue,
                Err(StoreError::Missing) => return Err(CustomerError::NotFound),
                Err(e) => return Err(e.into()),
            }
        }
        Err(CustomerError::InvalidState(format!(
            "profile {number} is being changed by other requests right now; retry"
        )))
    }

    /// `POST /profiles/temporary/{customerNumber}/convert`: the same customer number, now a
    /// permanent profile; the email (when it has one) becomes unique, the expiry goes.
    pub async fn convert(
        &self,
        caller: Caller,
        number: CustomerNumber,
        request: &ConvertTemporaryCustomerRequest,
    ) -> Result<Customer, CustomerError> {
        let conversion = Conversion::parse(request).map_err(CustomerError::Invalid)?;
        if let Some(org) = conversion.organisation_id {
            Self::ensure_own_organisation(caller, org.value())?;
        }
        let hash = match conversion.password.clone() {
            Some(p) => Some(self.hash(p).await?),
            None => None,
        };
        for _ in 0..WRITE_ATTEMPTS {
            let current = self.live(caller, number).await?;
            if current.profile_type != ProfileType::Temporary {
                return Err(CustomerError::InvalidState(format!(
                    "profile {number} is not temporary (it may have been converted already)"
                )));
            }
            require_status(&current, Status::Active, "converted")?;
            let now = self.clock.now();
            let next = conversion.apply_to(&current, now);
            let change = Change {
                previous: &current,
                next: &next,
                password: hash.as_ref(),
            };
            match self.store.write(&[change], now).await {
                Ok(()) => {
                    tracing::info!(customer_number = %number, "temporary profile converted to permanent");
                    return Ok(next);
                }
                Err(StoreError::VersionConflict) => continue,
                Err(StoreError::Missing) => return Err(CustomerError::NotFound),
                Err(StoreError::Taken(TakenValue::Email)) => return Err(CustomerError::EmailTaken),
                Err(StoreError::Taken(TakenValue::CustomerRef)) => return Err(CustomerError::CustomerRefTaken),
                Err(e) => return Err(e.into()),
            }
        }
        Err(CustomerError::InvalidState(format!(
            "profile {number} is being changed by other requests right now; retry"
        )))
    }

    /// `POST /profiles/{customerNumber}/deactivate`: status D, email freed, deletion scheduled.
    pub async fn deactivate(
        &self,
        caller: Caller,
        number: CustomerNumber,
        request: &DeactivateCustomerRequest,
    ) -> Result<Customer, CustomerError> {
        let deactivation = Deactivation::parse(request, self.clock.now()).map_err(CustomerError::Invalid)?;
        let customer = self
            .change_profile(caller, number, None, |current, now| {
                if current.profile_type == ProfileType::Temporary {
                    return Err(CustomerError::InvalidState(format!(
                        "profile {number} is temporary: delete it with DELETE /profiles/temporary/{number}"
                    )));
                }
                require_status(current, Status::Active, "deactivated")?;
                Ok(deactivation.apply_to(current, now))
            })
            .await?;
        tracing::info!(customer_number = %number, "profile deactivated");
        Ok(customer)
    }

    /// `POST /profiles/{customerNumber}/restore`: back to A with its email, until it expires.
    pub async fn restore(
        &self,
        caller: Caller,
        number: CustomerNumber,
        request: &RestoreCustomerRequest,
    ) -> Result<Customer, CustomerError> {
        let restoration = Restoration::parse(request).map_err(CustomerError::Invalid)?;
        let result = self
            .change_profile(caller, number, None, |current, now| {
                if current.status != Status::Deleted {
                    return Err(CustomerError::InvalidState(format!(
                        "profile {number} is not deactivated"
                    )));
                }
                Ok(restoration.apply_to(current, now))
            })
            .await;
        match result {
            Err(CustomerError::EmailTaken) => Err(CustomerError::EmailTakenSinceDeactivation),
            Ok(customer) => {
                tracing::info!(customer_number = %number, "profile restored");
                Ok(customer)
            }
            other => other,
        }
    }

    /// `POST /profiles/{customerNumber}/connect`: merges `customerNumberToConnect` into the
    /// profile in the path, both written in one transaction.
    pub async fn connect(
        &self,
        caller: Caller,
        survivor_number: CustomerNumber,
        request: &CustomerConnectRequest,
        client_name: &str,
    ) -> Result<CustomerConnectResponse, CustomerError> {
        let connection = Connection::parse(request, client_name).map_err(CustomerError::Invalid)?;
        if connection.merged == survivor_number {
            return Err(CustomerError::invalid(FieldError::new(
                "customerNumberToConnect",
                ErrorCode::NotAllowed,
                "a profile cannot be connected to itself",
            )));
        }
        for _ in 0..WRITE_ATTEMPTS {
            let survivor = self.live(caller, survivor_number).await?;
            let merged = match self.live(caller, connection.merged).await {
                Err(CustomerError::NotFound) => {
                    return Err(CustomerError::invalid(
                        FieldError::new(
                            "customerNumberToConnect",
                            ErrorCode::NotAllowed,
                            format!("there is no profile {} to connect", connection.merged),
                        )
                        .rejecting(connection.merged),
                    ));
                }
                other => other?,
            };
            if survivor.profile_type == ProfileType::Temporary {
                return Err(CustomerError::InvalidState(format!(
                    "profile {survivor_number} is temporary: profiles are connected to a permanent profile"
                )));
            }
            require_status(&survivor, Status::Active, "connected to")?;
            require_status(&merged, Status::Active, "connected")?;
            let now = self.clock.now();
            let (next_survivor, next_merged) = connection.apply(&survivor, &merged, now);
            let changes = [
                Change {
                    previous: &survivor,
                    next: &next_survivor,
                    password: None,
                },
                Change {
                    previous: &merged,
                    next: &next_merged,
                    password: None,
                },
            ];
            match self.store.write(&changes, now).await {
                Ok(()) => {
                    tracing::info!(customer_number = %survivor_number, merged = %connection.merged, "profiles connected");
                    return Ok(CustomerConnectResponse {
                        changed_at: format_timestamp(&now),
                        related_customer_numbers: next_survivor
                            .related_customer_numbers
                            .iter()
                            .map(|n| n.value())
                            .collect(),
                    });
                }
                Err(StoreError::VersionConflict) => continue,
                Err(StoreError::Missing) => return Err(CustomerError::NotFound),
                Err(e) => return Err(e.into()),
            }
        }
        Err(CustomerError::InvalidState(format!(
            "profile {survivor_number} is being changed by other requests right now; retry"
        )))
    }
}

/// Refuses an operation on a profile that is not in the required status.
fn require_status(c: &Customer, wanted: Status, verb: &str) -> Result<(), CustomerError> {
    if c.status == wanted {
        return Ok(());
    }
    let why = match c.status {
        Status::Deleted => "it is deactivated",
        Status::Passive => "it has been merged into another profile",
        Status::Active => "it is active",
    };
    Err(CustomerError::InvalidState(format!(
        "profile {} cannot be {verb}: {why}",
        c.customer_number
    )))
}

fn dedup<T: Clone + Eq + std::hash::Hash>(items: Vec<T>) -> Vec<T> {
    let mut seen = HashSet::new();
    items.into_iter().filter(|i| seen.insert(i.clone())).collect()
}
