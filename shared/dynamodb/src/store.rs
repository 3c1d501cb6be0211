//! The DynamoDB adapter: one store over one table, implementing every port. A Lambda hands each
//! capability only the ports it uses, and its IAM policy grants only their actions.

use crate::error::{pause_before_retry, unavailable, within_deadline};
use crate::items::Item;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::KeysAndAttributes;
use customers_domain::ports::StoreError;
use futures::{StreamExt, TryStreamExt};
use std::time::Duration;

/// BatchGetItem takes at most 100 keys.
const BATCH_GET_MAX: usize = 100;
/// How many batch reads of one lookup run at once.
const BATCH_CONCURRENCY: usize = 4;
/// Rounds of retrying the keys a batch read leaves unprocessed.
const BATCH_ROUNDS: u32 = 5;

#[derive(Clone)]
pub struct DynamoStore {
    pub(crate) client: Client,
    pub(crate) table: String,
}

impl DynamoStore {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }

    /// The store named by `TABLE_NAME` (and `DYNAMODB_ENDPOINT` locally).
    pub async fn from_env() -> Result<Self, String> {
        let config = crate::StoreConfig::from_env()?;
        let client = crate::dynamodb_client(&config)?;
        Ok(Self::new(client, config.table_name))
    }

    pub(crate) async fn get_item(&self, key: Item, projection: Option<&str>) -> Result<Option<Item>, StoreError> {
        let mut request = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key))
            .consistent_read(true);
        if let Some(p) = projection {
            request = request.projection_expression(p);
        }
        let out = within_deadline("GetItem", request.send())
            .await?
            .map_err(|e| unavailable("GetItem", e))?;
        Ok(out.item)
    }

    /// Reads many items by key, in batches of 100, retrying what DynamoDB leaves unprocessed.
    pub(crate) async fn batch_get(&self, keys: Vec<Item>) -> Result<Vec<Item>, StoreError> {
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
        let mut round = 0;
        while !pending.is_empty() {
            round += 1;
            if round > BATCH_ROUNDS {
                return Err(StoreError::Unavailable(format!(
                    "BatchGetItem: keys left unprocessed after {BATCH_ROUNDS} rounds"
                )));
            }
            let request = KeysAndAttributes::builder()
                .set_keys(Some(pending))
                .consistent_read(true)
                .build()
                .map_err(|e| StoreError::Corrupt(format!("BatchGetItem request: {e}")))?;
            let out = within_deadline(
                "BatchGetItem",
                self.client.batch_get_item().request_items(&self.table, request).send(),
            )
            .await?
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
                pause_before_retry("BatchGetItem", Duration::from_millis(20u64 << round.min(5))).await?;
            }
        }
        Ok(found)
    }
}
