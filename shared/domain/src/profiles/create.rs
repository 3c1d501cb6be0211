//! Creating profiles, permanent and temporary alike: a number, one atomic write of the profile
//! with its guards and search entries, and, with an idempotency key, the record that lets a
//! retried request answer what the first did.

use super::idempotency::{IdempotencyKey, IdempotencyRecord, RequestFingerprint, record_lifetime};
use super::numbers::NumberAllocator;
use crate::clock::Clock;
use crate::credentials::PasswordHasher;
use crate::customer::{Customer, NewCustomer};
use crate::error::{DomainError, UniqueValue};
use crate::ports::{CustomerNumbers, IdempotencyRecords, NewProfile, PasswordHashes, Port, ProfileWrites, StoreError};
use crate::values::{OrganisationId, Password};
use std::sync::Arc;

/// How many numbers a create tries when the default customerRef of a new number is taken.
const NUMBER_ATTEMPTS: usize = 5;

/// What a create answered: a new profile, or the profile an earlier request with the same
/// idempotency key created, exactly as it was created.
#[derive(Debug)]
pub enum Created {
    New(Box<Customer>),
    Replayed(Box<Customer>),
}

impl Created {
    pub fn customer(&self) -> &Customer {
        match self {
            Created::New(c) | Created::Replayed(c) => c,
        }
    }
}

/// An idempotency key with the fingerprint of the request that carried it.
#[derive(Debug, Clone)]
pub struct Keyed {
    pub key: IdempotencyKey,
    pub fingerprint: RequestFingerprint,
}

pub struct Creator {
    writes: Arc<dyn ProfileWrites>,
    numbers: NumberAllocator,
    records: Arc<dyn IdempotencyRecords>,
    hashes: Arc<dyn PasswordHashes>,
    clock: Arc<dyn Clock>,
    hasher: PasswordHasher,
}

impl Creator {
    pub const PORTS: &[Port] = &[
        Port::ProfileWrites,
        Port::CustomerNumbers,
        Port::IdempotencyRecords,
        Port::PasswordHashes,
    ];

    pub fn new<S>(store: Arc<S>, clock: Arc<dyn Clock>, number_block: u32, hasher: PasswordHasher) -> Self
    where
        S: ProfileWrites + CustomerNumbers + IdempotencyRecords + PasswordHashes + 'static,
    {
        Self {
            writes: store.clone(),
            numbers: NumberAllocator::new(store.clone(), number_block),
            records: store.clone(),
            hashes: store,
            clock,
            hasher,
        }
    }

    pub async fn create(
        &self,
        org: OrganisationId,
        new: NewCustomer,
        keyed: Option<Keyed>,
    ) -> Result<Created, DomainError> {
        if let Some(k) = &keyed
            && let Some(record) = self.records.idempotency_record(org, &k.key, self.clock.now()).await?
        {
            return self.replay(org, record, k, new.password.as_ref()).await;
        }
        let hash = match new.password.clone() {
            Some(p) => Some(self.hasher.hash_password(p).await?),
            None => None,
        };
        for _ in 0..NUMBER_ATTEMPTS {
            let number = self.numbers.next().await?;
            let now = self.clock.now();
            let customer = new.clone().into_customer(number, now);
            let record = keyed.as_ref().map(|k| IdempotencyRecord {
                fingerprint: k.fingerprint.clone(),
                has_password: new.password.is_some(),
                created: customer.clone(),
                expires_at: now + record_lifetime(),
            });
            let write = NewProfile {
                customer: &customer,
                password: hash.as_ref(),
                idempotency: keyed.as_ref().map(|k| &k.key).zip(record.as_ref()),
                now,
            };
            match self.writes.insert(write).await {
                Ok(()) => {
                    tracing::info!(customer_number = %number, "profile created");
                    return Ok(Created::New(Box::new(customer)));
                }
                Err(StoreError::Taken(taken)) => {
                    // Losing to a concurrent request with the same key can show as any failed
                    // condition: if that request's record is there, answer as it did.
                    if let Some(k) = &keyed
                        && let Some(record) = self.records.idempotency_record(org, &k.key, now).await?
                    {
                        return self.replay(org, record, k, new.password.as_ref()).await;
                    }
                    if taken == UniqueValue::CustomerRef && new.customer_ref.is_none() {
                        // A customerRef a client chose earlier equals this new number: take the next one.
                        tracing::warn!(customer_number = %number, "default customerRef already taken; assigning another number");
                        continue;
                    }
                    return Err(DomainError::Taken(taken));
                }
                Err(StoreError::IdempotencyKeyRecorded) => {
                    // A concurrent request with the same key won the race: answer as it did.
                    let k = keyed
                        .as_ref()
                        .ok_or_else(|| DomainError::Internal("an idempotency record without a key".into()))?;
                    let record = self
                        .records
                        .idempotency_record(org, &k.key, now)
                        .await?
                        .ok_or_else(|| DomainError::Internal("the idempotency record vanished".into()))?;
                    return self.replay(org, record, k, new.password.as_ref()).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(DomainError::Unavailable(
            "could not assign a free customer number; retry".into(),
        ))
    }

    async fn replay(
        &self,
        org: OrganisationId,
        record: IdempotencyRecord,
        keyed: &Keyed,
        password: Option<&Password>,
    ) -> Result<Created, DomainError> {
        if record.fingerprint != keyed.fingerprint || record.has_password != password.is_some() {
            return Err(DomainError::IdempotencyKeyReused);
        }
        if let Some(password) = password
            && let Some(hash) = self.hashes.password_hash(org, record.created.customer_number).await?
            && !self.hasher.check_password(password.clone(), Some(hash)).await?
        {
            return Err(DomainError::IdempotencyKeyReused);
        }
        tracing::info!(customer_number = %record.created.customer_number, "idempotent create replayed");
        Ok(Created::Replayed(Box::new(record.created)))
    }
}
