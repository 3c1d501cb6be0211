//! `ProfileStore` on DynamoDB.

use crate::error::unavailable;
use crate::items::{self, EXPIRES_AT, Item, OWNER, PASSWORD_HASH, PK, SK, VERSION, n, s};
use async_trait::async_trait;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, CancellationReason, ConditionCheck, Delete, KeysAndAttributes, Put, ReturnValue,
    ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};
use chrono::{DateTime, Utc};
use customers_domain::idempotency::{IdempotencyKey, IdempotencyRecord};
use customers_domain::password::PasswordHash;
use customers_domain::profile::{Customer, SearchKey, UniqueClaim};
use customers_domain::resources::Preference;
use customers_domain::store::{
    Change, FindCursor, FoundPage, NewProfile, ProfileStore, SignInThrottle, StoreError, TakenValue, ThrottleKey,
};
use customers_domain::values::{CustomerNumber, CustomerRef, OrganisationId};
use futures::{StreamExt, TryStreamExt};
use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

/// BatchGetItem takes at most 100 keys.
const BATCH_GET_MAX: usize = 100;
/// How many batch reads of one lookup run at once.
const BATCH_CONCURRENCY: usize = 4;
/// Transactions cancelled only because another transaction held an item are tried again.
const TRANSACTION_ATTEMPTS: u32 = 6;

#[derive(Clone)]
pub struct DynamoProfileStore {
    client: Client,
    table: String,
}

/// What a transaction item stands for, to explain a cancellation.
#[derive(Debug, Clone, Copy)]
enum Part {
    Profile,
    Guard(TakenValue),
    SearchEntry,
    Idempotency,
    Requirement,
}

impl DynamoProfileStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// The store named by `TABLE_NAME` (and `DYNAMODB_ENDPOINT` locally).
    pub async fn from_env() -> Result<Self, String> {
        let config = crate::StoreConfig::from_env()?;
        let client = crate::dynamodb_client(&config).await;
        Ok(Self::new(client, config.table_name))
    }

    fn put(&self, item: Item) -> Put {
        Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .build()
            .unwrap_or_else(|_| unreachable_put())
    }

    /// A guard may be taken when free, when it already names this profile, or when the
    /// profile holding it has expired (DynamoDB deletes expired items only eventually).
    fn guard_put(
        &self,
        org: OrganisationId,
        claim: &UniqueClaim,
        customer: &Customer,
        now: DateTime<Utc>,
    ) -> TransactWriteItem {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(items::unique_item(org, claim, customer)))
            .condition_expression("attribute_not_exists(#pk) OR #owner = :me OR #exp <= :now")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#owner", OWNER)
            .expression_attribute_names("#exp", EXPIRES_AT)
            .expression_attribute_values(":me", n(customer.customer_number.value()))
            .expression_attribute_values(":now", n(now.timestamp()))
            .build()
            .unwrap_or_else(|_| unreachable_put());
        TransactWriteItem::builder().put(put).build()
    }

    fn guard_delete(&self, org: OrganisationId, claim: &UniqueClaim, owner: CustomerNumber) -> TransactWriteItem {
        let key = HashMap::from([
            (PK.to_string(), s(items::unique_pk(org, claim))),
            (SK.to_string(), s(items::UNIQUE_SK)),
        ]);
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key))
            .condition_expression("attribute_not_exists(#pk) OR #owner = :me")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#owner", OWNER)
            .expression_attribute_values(":me", n(owner.value()))
            .build()
            .unwrap_or_else(|_| unreachable_delete());
        TransactWriteItem::builder().delete(delete).build()
    }

    fn search_put(&self, org: OrganisationId, key: &SearchKey, customer: &Customer) -> TransactWriteItem {
        TransactWriteItem::builder()
            .put(self.put(items::search_item(org, key, customer)))
            .build()
    }

    fn search_delete(&self, org: OrganisationId, key: &SearchKey, number: CustomerNumber) -> TransactWriteItem {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(items::search_key_item(org, key, number)))
            .build()
            .unwrap_or_else(|_| unreachable_delete());
        TransactWriteItem::builder().delete(delete).build()
    }

    /// The transaction items that take one profile from `previous` to `next`: an update of the
    /// profile's own attributes (other attributes, such as the password hash, are left alone
    /// unless a new hash is given), and the guards and search entries that change.
    fn change_writes(
        &self,
        change: &Change<'_>,
        now: DateTime<Utc>,
    ) -> Result<Vec<(Part, TransactWriteItem)>, StoreError> {
        let (previous, next) = (change.previous, change.next);
        let org = next.organisation_id;
        let number = next.customer_number;
        let before = items::customer_attributes(previous)?;
        let mut after = items::customer_attributes(next)?;
        if let Some(t) = next.expires_at_epoch() {
            after.insert(EXPIRES_AT.into(), n(t));
        }
        if let Some(hash) = change.password {
            after.insert(PASSWORD_HASH.into(), s(hash.as_phc()));
        }
        let mut names = HashMap::new();
        let mut values = HashMap::new();
        let mut sets = Vec::new();
        for (i, (name, value)) in after.iter().enumerate() {
            names.insert(format!("#a{i}"), name.clone());
            values.insert(format!(":a{i}"), value.clone());
            sets.push(format!("#a{i} = :a{i}"));
        }
        let mut removed: BTreeSet<String> = before.keys().filter(|k| !after.contains_key(*k)).cloned().collect();
        if next.expires_at_epoch().is_none() {
            removed.insert(EXPIRES_AT.into());
        }
        let removes: Vec<String> = removed
            .iter()
            .enumerate()
            .map(|(i, name)| {
                names.insert(format!("#r{i}"), name.clone());
                format!("#r{i}")
            })
            .collect();
        names.insert("#version".into(), VERSION.into());
        names.insert("#pk".into(), PK.into());
        values.insert(":expected".into(), n(previous.version));
        let mut expression = format!("SET {}", sets.join(", "));
        if !removes.is_empty() {
            expression.push_str(&format!(" REMOVE {}", removes.join(", ")));
        }
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(items::profile_key(org, number)))
            .update_expression(expression)
            .condition_expression("attribute_exists(#pk) AND #version = :expected")
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(|e| StoreError::Corrupt(format!("Update profile: {e}")))?;
        let mut writes = vec![(Part::Profile, TransactWriteItem::builder().update(update).build())];

        let expiry_moved = previous.expires_at_epoch() != next.expires_at_epoch();
        let old_claims: BTreeSet<UniqueClaim> = previous.unique_claims().into_iter().collect();
        let new_claims: BTreeSet<UniqueClaim> = next.unique_claims().into_iter().collect();
        for claim in old_claims.difference(&new_claims) {
            writes.push((Part::Guard(claim_kind(claim)), self.guard_delete(org, claim, number)));
        }
        for claim in &new_claims {
            if !old_claims.contains(claim) || expiry_moved {
                writes.push((Part::Guard(claim_kind(claim)), self.guard_put(org, claim, next, now)));
            }
        }
        let old_keys: BTreeSet<SearchKey> = previous.search_keys().into_iter().collect();
        let new_keys: BTreeSet<SearchKey> = next.search_keys().into_iter().collect();
        for key in old_keys.difference(&new_keys) {
            writes.push((Part::SearchEntry, self.search_delete(org, key, number)));
        }
        for key in &new_keys {
            if !old_keys.contains(key) || expiry_moved {
                writes.push((Part::SearchEntry, self.search_put(org, key, next)));
            }
        }
        Ok(writes)
    }

    /// Runs a transaction, retrying cancellations caused only by contention, and explains a
    /// failed condition by the part it guarded.
    async fn transact(&self, operation: &str, writes: Vec<(Part, TransactWriteItem)>) -> Result<(), Failure> {
        let (parts, writes): (Vec<Part>, Vec<TransactWriteItem>) = writes.into_iter().unzip();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let result = self
                .client
                .transact_write_items()
                .set_transact_items(Some(writes.clone()))
                .send()
                .await;
            let error = match result {
                Ok(_) => return Ok(()),
                Err(e) => e,
            };
            let reasons = cancellation_reasons(&error);
            if let Some(reasons) = reasons {
                let failed: Vec<(Part, &CancellationReason)> = parts
                    .iter()
                    .zip(reasons.iter())
                    .filter(|(_, r)| r.code().is_some_and(|c| c != "None"))
                    .map(|(p, r)| (*p, r))
                    .collect();
                let conditions: Vec<(Part, Option<Item>)> = failed
                    .iter()
                    .filter(|(_, r)| r.code() == Some("ConditionalCheckFailed"))
                    .map(|(p, r)| (*p, r.item().cloned()))
                    .collect();
                // The idempotency record outranks the guards: its failure means the same
                // request was already done, whatever else failed with it.
                let chosen = conditions
                    .iter()
                    .find(|(p, _)| matches!(p, Part::Idempotency))
                    .or_else(|| conditions.first())
                    .cloned();
                if let Some((part, existing)) = chosen {
                    return Err(Failure::Condition { part, existing });
                }
                let contended = failed.iter().all(|(_, r)| r.code() == Some("TransactionConflict"));
                if contended && attempt < TRANSACTION_ATTEMPTS {
                    tokio::time::sleep(backoff(attempt)).await;
                    continue;
                }
            }
            return Err(Failure::Store(unavailable(operation, error)));
        }
    }

    async fn get_item(&self, key: Item, projection: Option<&str>) -> Result<Option<Item>, StoreError> {
        let mut request = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .consistent_read(true);
        if let Some(p) = projection {
            request = request.projection_expression(p);
        }
        let out = request.send().await.map_err(|e| unavailable("GetItem", e))?;
        Ok(out.item)
    }

    /// Reads many items by key, in batches of 100, retrying what DynamoDB leaves unprocessed.
    async fn batch_get(&self, keys: Vec<Item>) -> Result<Vec<Item>, StoreError> {
        let chunks: Vec<Vec<Item>> = keys.chunks(BATCH_GET_MAX).map(<[Item]>::to_vec).collect();
        let results: Vec<Vec<Item>> =
            futures::stream::iter(chunks.into_iter().map(|chunk| self.batch_get_chunk(chunk)))
                .buffer_unordered(BATCH_CONCURRENCY)
                .try_collect()
                .await?;
        Ok(results.into_iter().flatten().collect())
    }

    async fn batch_get_chunk(&self, keys: Vec<Item>) -> Result<Vec<Item>, StoreError> {
        let mut found = Vec::new();
        let mut pending = keys;
        let mut attempt = 0;
        while !pending.is_empty() {
            attempt += 1;
            if attempt > 8 {
                return Err(StoreError::Unavailable(
                    "BatchGetItem: keys left unprocessed after 8 attempts".into(),
                ));
            }
            let request = KeysAndAttributes::builder()
                .set_keys(Some(pending))
                .consistent_read(true)
                .build()
                .map_err(|e| StoreError::Corrupt(format!("BatchGetItem request: {e}")))?;
            let out = self
                .client
                .batch_get_item()
                .request_items(&self.table, request)
                .send()
                .await
                .map_err(|e| unavailable("BatchGetItem", e))?;
            if let Some(mut responses) = out.responses
                && let Some(items) = responses.remove(&self.table)
            {
                found.extend(items);
            }
            pending = out
                .unprocessed_keys
                .and_then(|mut u| u.remove(&self.table))
                .map(|k| k.keys)
                .unwrap_or_default();
            if !pending.is_empty() {
                tokio::time::sleep(backoff(attempt)).await;
            }
        }
        Ok(found)
    }
}

/// A transaction that did not happen, and why.
enum Failure {
    Condition { part: Part, existing: Option<Item> },
    Store(StoreError),
}

impl Failure {
    /// A failed change of existing profiles: a changed or vanished profile, or a taken value.
    fn into_change_error(self) -> StoreError {
        match self {
            Failure::Store(e) => e,
            Failure::Condition {
                part: Part::Profile,
                existing: Some(_),
            } => StoreError::VersionConflict,
            Failure::Condition {
                part: Part::Profile,
                existing: None,
            } => StoreError::Missing,
            Failure::Condition {
                part: Part::Guard(kind),
                ..
            } => StoreError::Taken(kind),
            Failure::Condition {
                part: Part::Requirement,
                ..
            } => StoreError::PreferenceNotActive,
            Failure::Condition { part, .. } => StoreError::Corrupt(format!("unexpected condition on {part:?}")),
        }
    }
}

fn cancellation_reasons<R>(error: &SdkError<TransactWriteItemsError, R>) -> Option<Vec<CancellationReason>> {
    match error {
        SdkError::ServiceError(service) => match service.err() {
            TransactWriteItemsError::TransactionCanceledException(c) => Some(c.cancellation_reasons().to_vec()),
            _ => None,
        },
        _ => None,
    }
}

fn backoff(attempt: u32) -> Duration {
    let base = 20u64 << attempt.min(6);
    Duration::from_millis(base + rand_jitter(base))
}

fn rand_jitter(max: u64) -> u64 {
    // Jitter from the clock's sub-second noise: enough to spread contending retries apart.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos()))
        .unwrap_or(0);
    nanos % max.max(1)
}

// The builders fail only when a required member is missing; every call above sets them.
fn unreachable_put() -> Put {
    Put::builder()
        .table_name("")
        .set_item(Some(HashMap::new()))
        .build()
        .unwrap_or_else(|_| std::process::abort())
}

fn unreachable_delete() -> Delete {
    Delete::builder()
        .table_name("")
        .set_key(Some(HashMap::new()))
        .build()
        .unwrap_or_else(|_| std::process::abort())
}

fn claim_kind(claim: &UniqueClaim) -> TakenValue {
    match claim {
        UniqueClaim::Email(_) => TakenValue::Email,
        UniqueClaim::CustomerRef(_) => TakenValue::CustomerRef,
        UniqueClaim::Account(_) => TakenValue::AccountId,
    }
}

#[async_trait]
impl ProfileStore for DynamoProfileStore {
    async fn reserve_customer_numbers(&self, count: u32) -> Result<i64, StoreError> {
        let out = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(items::counter_key()))
            .update_expression("ADD #next :count")
            .expression_attribute_names("#next", "next")
            .expression_attribute_values(":count", n(count))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await
            .map_err(|e| unavailable("UpdateItem(counter)", e))?;
        let last = match out.attributes.as_ref().and_then(|a| a.get("next")) {
            Some(AttributeValue::N(v)) => v
                .parse::<i64>()
                .map_err(|e| StoreError::Corrupt(format!("counter: {e}")))?,
            _ => return Err(StoreError::Corrupt("counter returned no value".into())),
        };
        Ok(last - i64::from(count) + 1)
    }

    async fn insert(&self, profile: NewProfile<'_>) -> Result<(), StoreError> {
        let customer = profile.customer;
        let org = customer.organisation_id;
        let mut item = items::profile_item(customer)?;
        if let Some(hash) = profile.password {
            item.insert(PASSWORD_HASH.into(), s(hash.as_phc()));
        }
        let put_profile = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(#pk)")
            .expression_attribute_names("#pk", PK)
            .build()
            .map_err(|e| StoreError::Corrupt(format!("Put profile: {e}")))?;
        let mut writes = vec![(Part::Profile, TransactWriteItem::builder().put(put_profile).build())];
        for claim in customer.unique_claims() {
            writes.push((
                Part::Guard(claim_kind(&claim)),
                self.guard_put(org, &claim, customer, profile.now),
            ));
        }
        for key in customer.search_keys() {
            writes.push((Part::SearchEntry, self.search_put(org, &key, customer)));
        }
        if let Some((key, record)) = profile.idempotency {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(items::idempotency_item(org, key, record)?))
                .condition_expression("attribute_not_exists(#pk) OR #exp <= :now")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_names("#exp", EXPIRES_AT)
                .expression_attribute_values(":now", n(profile.now.timestamp()))
                .build()
                .map_err(|e| StoreError::Corrupt(format!("Put idempotency: {e}")))?;
            writes.push((Part::Idempotency, TransactWriteItem::builder().put(put).build()));
        }
        match self.transact("TransactWriteItems(insert)", writes).await {
            Ok(()) => Ok(()),
            Err(Failure::Store(e)) => Err(e),
            Err(Failure::Condition { part, .. }) => Err(match part {
                Part::Guard(kind) => StoreError::Taken(kind),
                Part::Idempotency => StoreError::IdempotencyKeyRecorded,
                Part::Requirement => StoreError::PreferenceNotActive,
                Part::Profile | Part::SearchEntry => StoreError::Corrupt(format!(
                    "customer number {} is already stored",
                    customer.customer_number
                )),
            }),
        }
    }

    async fn write(&self, changes: &[Change<'_>], now: DateTime<Utc>) -> Result<(), StoreError> {
        self.write_requiring_active(changes, &[], now).await
    }

    async fn write_requiring_active(
        &self,
        changes: &[Change<'_>],
        active_preferences: &[(OrganisationId, i64)],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut writes = Vec::new();
        for (org, id) in active_preferences {
            let check = ConditionCheck::builder()
                .table_name(&self.table)
                .set_key(Some(items::preference_key(*org, *id)))
                .condition_expression("isActive = :yes")
                .expression_attribute_values(":yes", AttributeValue::Bool(true))
                .build()
                .map_err(|e| StoreError::Corrupt(format!("ConditionCheck: {e}")))?;
            writes.push((
                Part::Requirement,
                TransactWriteItem::builder().condition_check(check).build(),
            ));
        }
        for change in changes {
            writes.extend(self.change_writes(change, now)?);
        }
        self.transact("TransactWriteItems(write)", writes)
            .await
            .map_err(Failure::into_change_error)
    }

    async fn delete(&self, customer: &Customer) -> Result<(), StoreError> {
        let org = customer.organisation_id;
        let number = customer.customer_number;
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(items::profile_key(org, number)))
            .condition_expression("attribute_exists(#pk) AND #version = :expected")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#version", VERSION)
            .expression_attribute_values(":expected", n(customer.version))
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .build()
            .map_err(|e| StoreError::Corrupt(format!("Delete profile: {e}")))?;
        let mut writes = vec![(Part::Profile, TransactWriteItem::builder().delete(delete).build())];
        for claim in customer.unique_claims() {
            writes.push((Part::Guard(claim_kind(&claim)), self.guard_delete(org, &claim, number)));
        }
        for key in customer.search_keys() {
            writes.push((Part::SearchEntry, self.search_delete(org, &key, number)));
        }
        self.transact("TransactWriteItems(delete)", writes)
            .await
            .map_err(Failure::into_change_error)
    }

    async fn get(&self, organisation: OrganisationId, number: CustomerNumber) -> Result<Option<Customer>, StoreError> {
        self.get_item(items::profile_key(organisation, number), None)
            .await?
            .map(items::customer_from_item)
            .transpose()
    }

    async fn get_by_ref(
        &self,
        organisation: OrganisationId,
        reference: &CustomerRef,
    ) -> Result<Option<Customer>, StoreError> {
        let guard = self
            .get_item(items::ref_guard_key(organisation, reference), None)
            .await?;
        let Some(owner) = guard.as_ref().and_then(items::owner_of) else {
            return Ok(None);
        };
        let number = CustomerNumber::parse("customerNumber", owner).map_err(|e| StoreError::Corrupt(e.message))?;
        let customer = self.get(organisation, number).await?;
        // A guard left behind by an expired holder may point at a profile that no longer uses
        // the reference; only a profile that still has it answers.
        Ok(customer.filter(|c| &c.customer_ref == reference))
    }

    async fn get_many(
        &self,
        organisation: OrganisationId,
        numbers: &[CustomerNumber],
    ) -> Result<Vec<Customer>, StoreError> {
        let keys = numbers.iter().map(|n| items::profile_key(organisation, *n)).collect();
        self.batch_get(keys)
            .await?
            .into_iter()
            .map(items::customer_from_item)
            .collect()
    }

    async fn get_many_by_ref(
        &self,
        organisation: OrganisationId,
        references: &[CustomerRef],
    ) -> Result<Vec<Customer>, StoreError> {
        let keys = references
            .iter()
            .map(|r| items::ref_guard_key(organisation, r))
            .collect();
        let guards = self.batch_get(keys).await?;
        let numbers: Vec<CustomerNumber> = guards
            .iter()
            .filter_map(items::owner_of)
            .filter_map(|o| CustomerNumber::parse("customerNumber", o).ok())
            .collect();
        let wanted: BTreeSet<&CustomerRef> = references.iter().collect();
        Ok(self
            .get_many(organisation, &numbers)
            .await?
            .into_iter()
            .filter(|c| wanted.contains(&c.customer_ref))
            .collect())
    }

    async fn find(
        &self,
        organisation: OrganisationId,
        key: &SearchKey,
        after: Option<FindCursor>,
        limit: usize,
    ) -> Result<FoundPage, StoreError> {
        let (pk, prefix) = search_partition_and_prefix(organisation, key);
        let mut query = self
            .client
            .query()
            .table_name(&self.table)
            .consistent_read(true)
            .limit(i32::try_from(limit).unwrap_or(i32::MAX))
            .expression_attribute_names("#pk", PK)
            .expression_attribute_values(":pk", s(pk.clone()));
        if prefix.is_empty() {
            query = query.key_condition_expression("#pk = :pk");
        } else {
            query = query
                .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expression_attribute_names("#sk", SK)
                .expression_attribute_values(":prefix", s(prefix));
        }
        if let Some(FindCursor(sk)) = after {
            query =
                query.set_exclusive_start_key(Some(HashMap::from([(PK.to_string(), s(pk)), (SK.to_string(), s(sk))])));
        }
        let out = query.send().await.map_err(|e| unavailable("Query(search)", e))?;
        let numbers: Vec<CustomerNumber> = out
            .items
            .unwrap_or_default()
            .iter()
            .filter_map(items::owner_of)
            .filter_map(|o| CustomerNumber::parse("customerNumber", o).ok())
            .collect();
        let next = out.last_evaluated_key.and_then(|k| match k.get(SK) {
            Some(AttributeValue::S(sk)) => Some(FindCursor(sk.clone())),
            _ => None,
        });
        let wanted: BTreeSet<SearchKey> = BTreeSet::from([key.clone()]);
        let customers = self
            .get_many(organisation, &numbers)
            .await?
            .into_iter()
            // An entry whose profile moved on (a stale entry) is not a match.
            .filter(|c| c.search_keys().iter().any(|k| matches_key(k, &wanted)))
            .collect();
        Ok(FoundPage { customers, next })
    }

    async fn get_by_email(
        &self,
        organisation: OrganisationId,
        email_key: &str,
    ) -> Result<Option<Customer>, StoreError> {
        let guard = self
            .get_item(items::email_guard_key(organisation, email_key), None)
            .await?;
        let Some(owner) = guard.as_ref().and_then(items::owner_of) else {
            return Ok(None);
        };
        let number = CustomerNumber::parse("customerNumber", owner).map_err(|e| StoreError::Corrupt(e.message))?;
        let customer = self.get(organisation, number).await?;
        // A guard left by an expired holder may name a profile that has another email now.
        Ok(customer.filter(|c| c.email.as_ref().is_some_and(|e| e.key() == email_key)))
    }

    async fn get_by_account(
        &self,
        organisation: OrganisationId,
        account_id: &str,
    ) -> Result<Option<Customer>, StoreError> {
        let guard = self
            .get_item(items::account_guard_key(organisation, account_id), None)
            .await?;
        let Some(owner) = guard.as_ref().and_then(items::owner_of) else {
            return Ok(None);
        };
        let number = CustomerNumber::parse("customerNumber", owner).map_err(|e| StoreError::Corrupt(e.message))?;
        Ok(self
            .get(organisation, number)
            .await?
            .filter(|c| c.customer_accounts.iter().any(|a| a.account_id == account_id)))
    }

    async fn list_preferences(&self, organisation: OrganisationId) -> Result<Vec<Preference>, StoreError> {
        let mut found = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .consistent_read(true)
                .key_condition_expression("#pk = :pk")
                .expression_attribute_names("#pk", PK)
                .expression_attribute_values(":pk", s(items::preferences_pk(organisation)))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(|e| unavailable("Query(preferences)", e))?;
            for item in out.items.unwrap_or_default() {
                found.push(
                    serde_dynamo::from_item(item)
                        .map_err(|e| StoreError::Corrupt(format!("reading a preference: {e}")))?,
                );
            }
            match out.last_evaluated_key {
                Some(k) => start = Some(k),
                None => return Ok(found),
            }
        }
    }

    async fn get_preference(&self, organisation: OrganisationId, id: i64) -> Result<Option<Preference>, StoreError> {
        self.get_item(items::preference_key(organisation, id), None)
            .await?
            .map(|i| serde_dynamo::from_item(i).map_err(|e| StoreError::Corrupt(format!("reading a preference: {e}"))))
            .transpose()
    }

    async fn put_preference(&self, preference: &Preference, expected_version: Option<u64>) -> Result<(), StoreError> {
        let org = OrganisationId::parse("organisationId", preference.organisation_id)
            .map_err(|e| StoreError::Corrupt(e.message))?;
        let mut item: Item = serde_dynamo::to_item(preference).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        item.retain(|_, v| !matches!(v, AttributeValue::Null(_)));
        item.extend(items::preference_key(org, preference.id));
        item.insert("kind".into(), s("PREFERENCE"));
        let mut put = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .expression_attribute_names("#pk", PK);
        put = match expected_version {
            None => put.condition_expression("attribute_not_exists(#pk)"),
            Some(v) => put
                .condition_expression("attribute_exists(#pk) AND #version = :v")
                .expression_attribute_names("#version", VERSION)
                .expression_attribute_values(":v", n(v)),
        };
        match put.send().await {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                Err(StoreError::VersionConflict)
            }
            Err(e) => Err(unavailable("PutItem(preference)", e)),
        }
    }

    async fn delete_preference(&self, organisation: OrganisationId, id: i64) -> Result<bool, StoreError> {
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(items::preference_key(organisation, id)))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| unavailable("DeleteItem(preference)", e))?;
        Ok(out.attributes.is_some_and(|a| !a.is_empty()))
    }

    async fn sign_in_failures(
        &self,
        organisation: OrganisationId,
        key: &ThrottleKey,
    ) -> Result<Option<SignInThrottle>, StoreError> {
        let item = self.get_item(items::throttle_key(organisation, key), None).await?;
        Ok(item.and_then(|i| {
            let failures = match i.get("failures") {
                Some(AttributeValue::N(v)) => v.parse().ok()?,
                _ => return None,
            };
            let start = match i.get("windowStart") {
                Some(AttributeValue::N(v)) => v.parse::<i64>().ok()?,
                _ => return None,
            };
            Some(SignInThrottle {
                failures,
                window_start: DateTime::from_timestamp(start, 0)?,
            })
        }))
    }

    async fn record_sign_in_failure(
        &self,
        organisation: OrganisationId,
        key: &ThrottleKey,
        now: DateTime<Utc>,
        window: chrono::Duration,
    ) -> Result<u32, StoreError> {
        let floor = (now - window).timestamp();
        // Count within the current window; if there is none (or it has passed), start one.
        let counted = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(items::throttle_key(organisation, key)))
            .update_expression("ADD failures :one")
            .condition_expression("windowStart > :floor")
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":floor", n(floor))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await;
        let attributes = match counted {
            Ok(out) => out.attributes,
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                let start = now.timestamp();
                let mut item = items::throttle_key(organisation, key);
                item.insert("kind".into(), s("THROTTLE"));
                item.insert("failures".into(), n(1));
                item.insert("windowStart".into(), n(start));
                item.insert(EXPIRES_AT.into(), n(start + window.num_seconds()));
                self.client
                    .put_item()
                    .table_name(&self.table)
                    .set_item(Some(item))
                    .send()
                    .await
                    .map_err(|e| unavailable("PutItem(throttle)", e))?;
                return Ok(1);
            }
            Err(e) => return Err(unavailable("UpdateItem(throttle)", e)),
        };
        match attributes.as_ref().and_then(|a| a.get("failures")) {
            Some(AttributeValue::N(v)) => v
                .parse()
                .map_err(|e| StoreError::Corrupt(format!("throttle counter: {e}"))),
            _ => Err(StoreError::Corrupt("throttle counter returned no value".into())),
        }
    }

    async fn clear_sign_in_failures(&self, organisation: OrganisationId, key: &ThrottleKey) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .set_key(Some(items::throttle_key(organisation, key)))
            .send()
            .await
            .map_err(|e| unavailable("DeleteItem(throttle)", e))?;
        Ok(())
    }

    async fn idempotency_record(
        &self,
        organisation: OrganisationId,
        key: &IdempotencyKey,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        let Some(item) = self.get_item(items::idempotency_key(organisation, key), None).await? else {
            return Ok(None);
        };
        if items::expires_at_of(&item).is_some_and(|t| t <= Utc::now().timestamp()) {
            return Ok(None);
        }
        serde_dynamo::from_item(item)
            .map(Some)
            .map_err(|e| StoreError::Corrupt(format!("reading an idempotency record: {e}")))
    }

    async fn password_hash(
        &self,
        organisation: OrganisationId,
        number: CustomerNumber,
    ) -> Result<Option<PasswordHash>, StoreError> {
        let item = self
            .get_item(items::profile_key(organisation, number), Some(PASSWORD_HASH))
            .await?;
        Ok(match item.as_ref().and_then(|i| i.get(PASSWORD_HASH)) {
            Some(AttributeValue::S(phc)) => Some(PasswordHash::from_stored(phc.clone())),
            _ => None,
        })
    }
}

fn search_partition_and_prefix(org: OrganisationId, key: &SearchKey) -> (String, String) {
    items::search_partition(org, key)
}

/// A name key matches by surname and first-name prefix; the others exactly.
fn matches_key(have: &SearchKey, wanted: &BTreeSet<SearchKey>) -> bool {
    wanted.iter().any(|w| match (have, w) {
        (
            SearchKey::Name {
                surname: hs,
                first_name: hf,
            },
            SearchKey::Name {
                surname: ws,
                first_name: wf,
            },
        ) => hs == ws && hf.starts_with(wf.as_str()),
        _ => have == w,
    })
}
