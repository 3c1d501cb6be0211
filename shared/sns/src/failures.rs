//! The change-event failure queue (SQS). Two writers describe failed stream records there, so
//! the stream moves on and the records can be replayed: change-events itself, for a record it
//! cannot read (its key and place), and Lambda's event source mapping, for records it gave up
//! after its retries (their place in the stream only). The replay reads both.

use async_trait::async_trait;
use customers_domain::events::{SetAside, SetAsides};
use serde_json::json;
use std::sync::OnceLock;

pub struct FailureQueue {
    /// The client's settings, kept so the client itself can wait for its first use.
    config: aws_sdk_sqs::Config,
    /// Built when the queue is first used: building an SDK client parses the SDK's table of AWS
    /// partitions, and most instances never set a record aside (docs/performance.md).
    client: OnceLock<aws_sdk_sqs::Client>,
    url: String,
}

impl FailureQueue {
    pub fn new(client: aws_sdk_sqs::Client, url: impl Into<String>) -> Self {
        Self {
            config: client.config().clone(),
            client: OnceLock::from(client),
            url: url.into(),
        }
    }

    /// `FAILURE_QUEUE_URL`; `SNS_ENDPOINT` points at a local SQS (moto) too. The settings are read
    /// now, so an incomplete configuration still fails the start; the client waits for its
    /// first use.
    pub async fn from_env() -> Result<Self, String> {
        let url = std::env::var("FAILURE_QUEUE_URL").map_err(|_| "FAILURE_QUEUE_URL is not set".to_string())?;
        let endpoint = std::env::var("SNS_ENDPOINT").ok();
        Ok(Self::on_demand(&crate::sdk_config(endpoint.as_deref())?, url))
    }

    /// A queue whose client is built when first used.
    fn on_demand(config: &aws_types::SdkConfig, url: String) -> Self {
        Self {
            config: aws_sdk_sqs::Config::from(config),
            client: OnceLock::new(),
            url,
        }
    }

    fn client(&self) -> &aws_sdk_sqs::Client {
        self.client
            .get_or_init(|| aws_sdk_sqs::Client::from_conf(self.config.clone()))
    }
}

/// An SQS client; with `endpoint`, for a local SQS with fixed credentials.
pub fn sqs_client(endpoint: Option<&str>) -> Result<aws_sdk_sqs::Client, String> {
    Ok(aws_sdk_sqs::Client::new(&crate::sdk_config(endpoint)?))
}

/// The SQS actions on the queue: change-events sends, the replay receives and deletes.
pub const QUEUE_ACTIONS: [&str; 3] = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"];

/// The message describing a record set aside.
pub fn message(record: &SetAside) -> String {
    json!({
        "source": "change-events",
        "reason": record.reason,
        "key": record.key,
        "sequenceNumber": record.sequence_number,
        "eventId": record.event_id,
        "eventName": record.event_name,
    })
    .to_string()
}

/// What a message of the queue says failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FailedRecords {
    /// One record change-events could not read.
    SetAside {
        /// The item's key, `pk/sk`.
        key: String,
        event_id: String,
        /// INSERT, MODIFY or REMOVE (empty in messages written before it was recorded).
        event_name: String,
    },
    /// Records the event source mapping gave up, by their place in the stream.
    GivenUp {
        stream_arn: String,
        shard: String,
        first: String,
        last: String,
    },
}

/// Reads a message of either writer.
pub fn parse_message(body: &str) -> Result<FailedRecords, String> {
    let doc: serde_json::Value = serde_json::from_str(body).map_err(|e| format!("not JSON: {e}"))?;
    let text = |v: &serde_json::Value, name: &str| {
        v[name]
            .as_str()
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .ok_or_else(|| format!("the message has no {name}"))
    };
    if doc["source"] == "change-events" {
        return Ok(FailedRecords::SetAside {
            key: text(&doc, "key")?,
            event_id: text(&doc, "eventId")?,
            event_name: doc["eventName"].as_str().unwrap_or_default().to_string(),
        });
    }
    let batch = &doc["DDBStreamBatchInfo"];
    if batch.is_object() {
        return Ok(FailedRecords::GivenUp {
            stream_arn: text(batch, "streamArn")?,
            shard: text(batch, "shardId")?,
            first: text(batch, "startSequenceNumber")?,
            last: text(batch, "endSequenceNumber")?,
        });
    }
    Err("neither a set-aside record nor an event source mapping's failure".into())
}

/// A message taken from the queue (hidden from others until deleted or its visibility ends).
#[derive(Debug, Clone)]
pub struct Received {
    pub receipt: String,
    pub body: String,
}

impl FailureQueue {
    /// Up to 10 messages, waiting up to `wait_seconds` for the first.
    pub async fn receive(&self, wait_seconds: i32) -> Result<Vec<Received>, String> {
        let out = self
            .client()
            .receive_message()
            .queue_url(&self.url)
            .max_number_of_messages(10)
            .wait_time_seconds(wait_seconds)
            .send()
            .await
            .map_err(|e| {
                format!(
                    "ReceiveMessage from {}: {}",
                    self.url,
                    aws_sdk_sqs::error::DisplayErrorContext(&e)
                )
            })?;
        Ok(out
            .messages
            .unwrap_or_default()
            .into_iter()
            .filter_map(|m| {
                Some(Received {
                    receipt: m.receipt_handle?,
                    body: m.body.unwrap_or_default(),
                })
            })
            .collect())
    }

    pub async fn delete(&self, receipt: &str) -> Result<(), String> {
        self.client()
            .delete_message()
            .queue_url(&self.url)
            .receipt_handle(receipt)
            .send()
            .await
            .map_err(|e| {
                format!(
                    "DeleteMessage from {}: {}",
                    self.url,
                    aws_sdk_sqs::error::DisplayErrorContext(&e)
                )
            })?;
        Ok(())
    }
}

#[async_trait]
impl SetAsides for FailureQueue {
    async fn set_aside(&self, record: &SetAside) -> Result<(), String> {
        self.client()
            .send_message()
            .queue_url(&self.url)
            .message_body(message(record))
            .send()
            .await
            .map_err(|e| {
                format!(
                    "SendMessage to {}: {}",
                    self.url,
                    aws_sdk_sqs::error::DisplayErrorContext(&e)
                )
            })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set_aside() -> SetAside {
        SetAside {
            key: "CUSTOMER#7#42/PROFILE".into(),
            sequence_number: "99".into(),
            event_id: "e-1".into(),
            event_name: "MODIFY".into(),
            reason: "expirationDate: not a date".into(),
        }
    }

    /// Nothing listens on port 1: the send fails, but only once it is tried.
    #[tokio::test]
    async fn the_client_is_built_on_first_use_and_then_used() {
        let config = crate::sdk_config(Some("http://127.0.0.1:1")).unwrap_or_else(|e| panic!("{e}"));
        let queue = FailureQueue::on_demand(&config, "http://127.0.0.1:1/123456789012/failures".into());
        assert!(queue.client.get().is_none());
        let aside = set_aside();
        let refused = queue.set_aside(&aside).await;
        assert!(
            refused
                .as_ref()
                .is_err_and(|e| e.starts_with("SendMessage to http://127.0.0.1:1/")),
            "{refused:?}"
        );
        assert!(queue.client.get().is_some());
    }

    #[test]
    fn both_writers_messages_are_read() {
        let aside = set_aside();
        assert_eq!(
            parse_message(&message(&aside)),
            Ok(FailedRecords::SetAside {
                key: aside.key.clone(),
                event_id: "e-1".into(),
                event_name: "MODIFY".into()
            })
        );
        let mapping = json!({
            "requestContext": {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": 11},
            "version": "1.0",
            "DDBStreamBatchInfo": {"shardId": "shardId-1", "startSequenceNumber": "100", "endSequenceNumber": "120",
                "batchSize": 3, "streamArn": "arn:aws:dynamodb:eu-north-1:1:table/t/stream/s"}
        });
        assert_eq!(
            parse_message(&mapping.to_string()),
            Ok(FailedRecords::GivenUp {
                stream_arn: "arn:aws:dynamodb:eu-north-1:1:table/t/stream/s".into(),
                shard: "shardId-1".into(),
                first: "100".into(),
                last: "120".into()
            })
        );
        assert!(parse_message("{}").is_err());
        assert!(parse_message("not json").is_err());
    }
}
