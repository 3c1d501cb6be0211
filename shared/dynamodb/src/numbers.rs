//! Customer numbers and idempotency records on DynamoDB.

use crate::error::{unavailable, within_deadline};
use crate::items::{self, n};
use crate::records::IdempotencyItem;
use crate::store::DynamoStore;
use async_trait::async_trait;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use chrono::{DateTime, Utc};
use customers_domain::ports::{CustomerNumbers, IdempotencyRecords, StoreError};
use customers_domain::profiles::{IdempotencyKey, IdempotencyRecord};
use customers_domain::values::OrganisationId;

#[async_trait]
impl CustomerNumbers for DynamoStore {
    /// One atomic ADD on the counter item reserves a whole block.
    async fn reserve(&self, count: u32) -> Result<i64, StoreError> {
        let out = within_deadline(
            "UpdateItem(counter)",
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(items::counter_key()))
                .update_expression("ADD #next :count")
                .expression_attribute_names("#next", "next")
                .expression_attribute_values(":count", n(count))
                .return_values(ReturnValue::UpdatedNew)
                .send(),
        )
        .await?
        .map_err(|e| unavailable("UpdateItem(counter)", e))?;
        let last = match out.attributes.as_ref().and_then(|a| a.get("next")) {
            Some(AttributeValue::N(v)) => v
                .parse::<i64>()
                .map_err(|e| StoreError::Corrupt(format!("counter: {e}")))?,
            _ => return Err(StoreError::Corrupt("the counter returned no value".into())),
        };
        Ok(last - i64::from(count) + 1)
    }
}

#[async_trait]
impl IdempotencyRecords for DynamoStore {
    async fn idempotency_record(
        &self,
        org: OrganisationId,
        key: &IdempotencyKey,
        now: DateTime<Utc>,
    ) -> Result<Option<IdempotencyRecord>, StoreError> {
        let Some(item) = self.get_item(items::idempotency_key(org, key), None).await? else {
            return Ok(None);
        };
        let record = crate::records::from_item::<IdempotencyItem>(item)
            .map_err(|e| e.to_string())
            .and_then(IdempotencyItem::into_record)
            .map_err(|e| StoreError::Corrupt(format!("reading an idempotency record: {e}")))?;
        Ok(Some(record).filter(|r| r.expires_at > now))
    }
}
