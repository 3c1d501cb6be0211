//! Transactions: building their items, running them with retries for contention, and telling
//! which of their conditions failed.

use crate::error::{pause_before_retry, unavailable, within_deadline};
use crate::items::{self, EXPIRES_AT, Item, OWNER, PK, n};
use crate::store::DynamoStore;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{CancellationReason, Delete, Put, TransactWriteItem};
use chrono::{DateTime, Utc};
use customers_domain::customer::{Customer, SearchKey, UniqueClaim};
use customers_domain::error::UniqueValue;
use customers_domain::ports::StoreError;
use customers_domain::values::{CustomerNumber, OrganisationId};
use std::time::Duration;

/// The most actions one `TransactWriteItems` may hold.
pub(crate) const TRANSACTION_MAX_ITEMS: usize = 100;

/// Transactions cancelled only because another transaction held an item are tried again.
const TRANSACTION_ATTEMPTS: u32 = 4;

/// What a transaction item stands for, to explain a cancellation.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Part {
    Profile,
    Guard(UniqueValue),
    SearchEntry,
    Idempotency,
    Requirement,
    Preference,
}

/// A transaction that did not happen, and why.
pub(crate) enum Failure {
    Condition { part: Part, existing: Option<Item> },
    Store(StoreError),
}

impl Failure {
    /// A failed change of existing items: a changed or vanished one, or a taken value.
    pub(crate) fn into_change_error(self) -> StoreError {
        match self {
            Failure::Store(e) => e,
            Failure::Condition {
                part: Part::Profile | Part::Preference,
                existing: Some(_),
            } => StoreError::Conflict,
            Failure::Condition {
                part: Part::Profile | Part::Preference,
                existing: None,
            } => StoreError::Missing,
            Failure::Condition {
                part: Part::Guard(kind),
                ..
            } => StoreError::Taken(kind),
            Failure::Condition {
                part: Part::Requirement,
                existing,
            } => StoreError::RequirementFailed {
                exists: existing.is_some(),
            },
            Failure::Condition {
                part: Part::Idempotency,
                ..
            } => StoreError::IdempotencyKeyRecorded,
            Failure::Condition {
                part: Part::SearchEntry,
                ..
            } => StoreError::Corrupt("a search entry's condition failed".into()),
        }
    }
}

pub(crate) fn claim_kind(claim: &UniqueClaim) -> UniqueValue {
    match claim {
        UniqueClaim::Email(_) => UniqueValue::Email,
        UniqueClaim::CustomerRef(_) => UniqueValue::CustomerRef,
        UniqueClaim::Account(_) => UniqueValue::AccountId,
    }
}

fn built<T, E: std::fmt::Display>(what: &str, result: Result<T, E>) -> Result<T, StoreError> {
    result.map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn pause(attempt: u32) -> Duration {
    use rand::Rng;
    let base = 20u64 << attempt.min(5);
    Duration::from_millis(base + rand::rng().random_range(0..=base))
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

impl DynamoStore {
    pub(crate) fn put(&self, item: Item) -> Result<TransactWriteItem, StoreError> {
        let put = built(
            "Put",
            Put::builder().table_name(&self.table).set_item(Some(item)).build(),
        )?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    pub(crate) fn delete(&self, key: Item) -> Result<TransactWriteItem, StoreError> {
        let delete = built(
            "Delete",
            Delete::builder().table_name(&self.table).set_key(Some(key)).build(),
        )?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    /// A guard may be taken when free, when it already names this profile, or when the
    /// profile holding it has expired (DynamoDB deletes expired items only eventually). `from`
    /// is a profile that gives the value up in the same transaction (a merge moving accounts).
    pub(crate) fn guard_put(
        &self,
        org: OrganisationId,
        claim: &UniqueClaim,
        customer: &Customer,
        from: Option<CustomerNumber>,
        now: DateTime<Utc>,
    ) -> Result<TransactWriteItem, StoreError> {
        let mut put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(items::guard_item(org, claim, customer)))
            .condition_expression("attribute_not_exists(#pk) OR #owner = :me OR #exp <= :now")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#owner", OWNER)
            .expression_attribute_names("#exp", EXPIRES_AT)
            .expression_attribute_values(":me", n(customer.customer_number.value()))
            .expression_attribute_values(":now", n(now.timestamp()));
        if let Some(giver) = from {
            put = put
                .condition_expression("attribute_not_exists(#pk) OR #owner = :me OR #owner = :giver OR #exp <= :now")
                .expression_attribute_values(":giver", n(giver.value()));
        }
        let put = put.build();
        Ok(TransactWriteItem::builder().put(built("Put guard", put)?).build())
    }

    /// Removes a guard this profile holds (a guard someone else took over stays).
    pub(crate) fn guard_delete(
        &self,
        org: OrganisationId,
        claim: &UniqueClaim,
        owner: CustomerNumber,
    ) -> Result<TransactWriteItem, StoreError> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(items::guard_key(org, claim)))
            .condition_expression("attribute_not_exists(#pk) OR #owner = :me")
            .expression_attribute_names("#pk", PK)
            .expression_attribute_names("#owner", OWNER)
            .expression_attribute_values(":me", n(owner.value()))
            .build();
        Ok(TransactWriteItem::builder()
            .delete(built("Delete guard", delete)?)
            .build())
    }

    pub(crate) fn search_put(
        &self,
        org: OrganisationId,
        key: &SearchKey,
        customer: &Customer,
    ) -> Result<TransactWriteItem, StoreError> {
        self.put(items::search_entry(org, key, customer))
    }

    pub(crate) fn search_delete(
        &self,
        org: OrganisationId,
        key: &SearchKey,
        number: CustomerNumber,
    ) -> Result<TransactWriteItem, StoreError> {
        self.delete(items::search_entry_key(org, key, number))
    }

    /// Runs a transaction, retrying cancellations caused only by contention, and explains a
    /// failed condition by the part it guarded.
    pub(crate) async fn transact(
        &self,
        operation: &str,
        writes: Vec<(Part, TransactWriteItem)>,
    ) -> Result<(), Failure> {
        let (parts, writes): (Vec<Part>, Vec<TransactWriteItem>) = writes.into_iter().unzip();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let call = self
                .client
                .transact_write_items()
                .set_transact_items(Some(writes.clone()))
                .send();
            let result = within_deadline(operation, call).await.map_err(Failure::Store)?;
            let error = match result {
                Ok(_) => return Ok(()),
                Err(e) => e,
            };
            if let Some(reasons) = cancellation_reasons(&error) {
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
                    pause_before_retry(operation, pause(attempt))
                        .await
                        .map_err(Failure::Store)?;
                    continue;
                }
            }
            return Err(Failure::Store(unavailable(operation, error)));
        }
    }
}
