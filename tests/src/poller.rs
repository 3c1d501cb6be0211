//! Plays Lambda's event source mapping locally: reads the table's stream shard by shard, hands
//! batches to the change-events function in the exact shape Lambda gives it, and resumes from
//! the first record the function reports as failed. As the deployed mapping does, it tries a
//! failing record a bounded number of times, then gives it up (for the failure queue) and goes
//! on, so that one record can never stall the stream.
//!
//! A record given up is described as the deployed mapping's on-failure destination describes
//! it ([`on_failure_message`]): by its place in the stream, not its content.

use aws_sdk_dynamodbstreams::Client;
use aws_sdk_dynamodbstreams::types::ShardIteratorType;
use serde_json::{Value, json};
use std::collections::HashMap;

pub fn streams_client(endpoint: &str) -> Client {
    customers_dynamodb::stream_reader::streams_client(Some(endpoint)).unwrap_or_else(|e| panic!("{e}"))
}

pub use customers_dynamodb::stream_reader::lambda_record;

/// Retries of a failing record before it is given up, as `MaximumRetryAttempts` in the template.
pub const MAXIMUM_RETRY_ATTEMPTS: u32 = 10;

/// A record the function kept failing, given up after the retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GivenUp {
    pub shard: String,
    pub sequence_number: String,
    /// How often the function was invoked with it.
    pub invocations: u32,
}

/// What Lambda's event source mapping sends its on-failure destination for a batch it gave
/// up: the batch's place in the stream (`DDBStreamBatchInfo`), not its records.
pub fn on_failure_message(given_up: &GivenUp, stream_arn: &str) -> Value {
    let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string();
    json!({
        "requestContext": {
            "requestId": uuid::Uuid::new_v4().to_string(),
            "functionArn": "arn:aws:lambda:eu-north-1:000000000000:function:change-events",
            "condition": "RetryAttemptsExhausted",
            "approximateInvokeCount": given_up.invocations,
        },
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "version": "1.0",
        "timestamp": now,
        "DDBStreamBatchInfo": {
            "shardId": given_up.shard,
            "startSequenceNumber": given_up.sequence_number,
            "endSequenceNumber": given_up.sequence_number,
            "approximateArrivalOfFirstRecord": now,
            "approximateArrivalOfLastRecord": now,
            "batchSize": 1,
            "streamArn": stream_arn,
        }
    })
}

/// Reads one table's stream from its start.
pub struct StreamPoller {
    client: Client,
    stream_arn: String,
    /// Where each open shard continues.
    iterators: HashMap<String, String>,
    /// Shards read to their end.
    finished: Vec<String>,
    /// How often each failing record has been offered again.
    retries: HashMap<(String, String), u32>,
    /// Records given up since last taken.
    given_up: Vec<GivenUp>,
    pub batch_size: i32,
    pub maximum_retry_attempts: u32,
}

impl StreamPoller {
    pub async fn new(client: Client, dynamodb: &aws_sdk_dynamodb::Client, table: &str) -> Result<Self, String> {
        let described = dynamodb
            .describe_table()
            .table_name(table)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let stream_arn = described
            .table
            .and_then(|t| t.latest_stream_arn)
            .ok_or_else(|| format!("table {table} has no stream"))?;
        Ok(Self {
            client,
            stream_arn,
            iterators: HashMap::new(),
            finished: Vec::new(),
            retries: HashMap::new(),
            given_up: Vec::new(),
            batch_size: 100,
            maximum_retry_attempts: MAXIMUM_RETRY_ATTEMPTS,
        })
    }

    /// The stream's ARN, as the failure message names it.
    pub fn stream_arn(&self) -> &str {
        &self.stream_arn
    }

    /// The records given up since the last call.
    pub fn take_given_up(&mut self) -> Vec<GivenUp> {
        std::mem::take(&mut self.given_up)
    }

    async fn discover_shards(&mut self) -> Result<(), String> {
        let described = self
            .client
            .describe_stream()
            .stream_arn(&self.stream_arn)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        for shard in described.stream_description.and_then(|d| d.shards).unwrap_or_default() {
            let Some(id) = shard.shard_id else { continue };
            if self.iterators.contains_key(&id) || self.finished.contains(&id) {
                continue;
            }
            let iterator = self.iterator(&id, ShardIteratorType::TrimHorizon, None).await?;
            self.iterators.insert(id, iterator);
        }
        Ok(())
    }

    async fn iterator(&self, shard: &str, kind: ShardIteratorType, sequence: Option<&str>) -> Result<String, String> {
        self.client
            .get_shard_iterator()
            .stream_arn(&self.stream_arn)
            .shard_id(shard)
            .shard_iterator_type(kind)
            .set_sequence_number(sequence.map(str::to_string))
            .send()
            .await
            .map_err(|e| e.to_string())?
            .shard_iterator
            .ok_or_else(|| format!("no iterator for shard {shard}"))
    }

    /// Reads each shard once and hands every non-empty batch to `invoke`, which answers with the
    /// sequence number of the first failed record, if any. Returns how many records were handed
    /// over and accepted.
    pub async fn poll_once<F, Fut>(&mut self, mut invoke: F) -> Result<usize, String>
    where
        F: FnMut(Value) -> Fut,
        Fut: std::future::Future<Output = Result<Option<String>, String>>,
    {
        self.discover_shards().await?;
        let mut accepted = 0;
        let shards: Vec<(String, String)> = self.iterators.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        for (shard, iterator) in shards {
            let out = self
                .client
                .get_records()
                .shard_iterator(&iterator)
                .limit(self.batch_size)
                .send()
                .await
                .map_err(|e| e.to_string())?;
            let records = out.records.unwrap_or_default();
            let next = out.next_shard_iterator;
            if records.is_empty() {
                match next {
                    Some(n) => self.iterators.insert(shard, n),
                    None => {
                        self.iterators.remove(&shard);
                        self.finished.push(shard);
                        None
                    }
                };
                continue;
            }
            let event =
                json!({ "Records": records.iter().map(|r| lambda_record(r, &self.stream_arn)).collect::<Vec<_>>() });
            match invoke(event).await? {
                None => {
                    accepted += records.len();
                    match next {
                        Some(n) => self.iterators.insert(shard, n),
                        None => {
                            self.iterators.remove(&shard);
                            self.finished.push(shard);
                            None
                        }
                    };
                }
                Some(failed) => {
                    // As Lambda does: the next batch starts at the failed record, until its
                    // retries are used up; then it is given up and the next batch starts after it.
                    accepted += records
                        .iter()
                        .take_while(|r| {
                            r.dynamodb.as_ref().and_then(|d| d.sequence_number.as_deref()) != Some(failed.as_str())
                        })
                        .count();
                    let tries = self.retries.entry((shard.clone(), failed.clone())).or_insert(0);
                    *tries += 1;
                    let (kind, given_up) = if *tries > self.maximum_retry_attempts {
                        (ShardIteratorType::AfterSequenceNumber, true)
                    } else {
                        (ShardIteratorType::AtSequenceNumber, false)
                    };
                    if given_up {
                        let invocations = self.retries.remove(&(shard.clone(), failed.clone())).unwrap_or(0);
                        self.given_up.push(GivenUp {
                            shard: shard.clone(),
                            sequence_number: failed.clone(),
                            invocations,
                        });
                    }
                    let again = self.iterator(&shard, kind, Some(&failed)).await?;
                    self.iterators.insert(shard, again);
                }
            }
        }
        Ok(accepted)
    }
}
