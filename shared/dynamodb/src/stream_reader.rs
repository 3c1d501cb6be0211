//! Reading the table's stream directly (DynamoDB Streams' own API), for what Lambda's event
//! source mapping does not hand over: the records it gave up on, which its on-failure
//! destination names only by shard and sequence numbers. Records come back in the shape of
//! Lambda's DynamoDB event, so the same decoding serves both.
//!
//! DynamoDB Local's GetRecords spells `userIdentity` as `PrincipalId`/`Type` and has its own
//! source ARN and region; the SDK reads that, and this module writes Lambda's
//! `principalId`/`type`.

use aws_lambda_events::event::dynamodb::EventRecord;
use aws_sdk_dynamodbstreams::Client;
use aws_sdk_dynamodbstreams::types::{AttributeValue, Record, ShardIteratorType};
use base64::Engine;
use serde_json::{Map, Value, json};
use std::cmp::Ordering;
use std::collections::HashMap;

/// A streams client; with `endpoint` (DynamoDB Local serves its streams there too), with fixed
/// local credentials.
pub fn streams_client(endpoint: Option<&str>) -> Result<Client, String> {
    Ok(Client::new(&customers_aws::sdk_config(endpoint)?.build()))
}

fn attribute(v: &AttributeValue) -> Value {
    let b64 =
        |b: &aws_sdk_dynamodbstreams::primitives::Blob| base64::engine::general_purpose::STANDARD.encode(b.as_ref());
    match v {
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": n }),
        AttributeValue::B(b) => json!({ "B": b64(b) }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        AttributeValue::Null(_) => json!({ "NULL": true }),
        AttributeValue::M(m) => json!({ "M": item(m) }),
        AttributeValue::L(l) => json!({ "L": l.iter().map(attribute).collect::<Vec<_>>() }),
        AttributeValue::Ss(ss) => json!({ "SS": ss }),
        AttributeValue::Ns(ns) => json!({ "NS": ns }),
        AttributeValue::Bs(bs) => json!({ "BS": bs.iter().map(b64).collect::<Vec<_>>() }),
        _ => Value::Null,
    }
}

fn item(m: &HashMap<String, AttributeValue>) -> Value {
    Value::Object(m.iter().map(|(k, v)| (k.clone(), attribute(v))).collect::<Map<_, _>>())
}

/// One GetRecords record in the shape of a Lambda DynamoDB event record.
pub fn lambda_record(record: &Record, stream_arn: &str) -> Value {
    let mut dynamodb = Map::new();
    if let Some(s) = &record.dynamodb {
        if let Some(t) = s.approximate_creation_date_time {
            dynamodb.insert("ApproximateCreationDateTime".into(), json!(t.secs()));
        }
        if let Some(k) = &s.keys {
            dynamodb.insert("Keys".into(), item(k));
        }
        if let Some(n) = &s.new_image {
            dynamodb.insert("NewImage".into(), item(n));
        }
        if let Some(o) = &s.old_image {
            dynamodb.insert("OldImage".into(), item(o));
        }
        dynamodb.insert("SequenceNumber".into(), json!(s.sequence_number));
        dynamodb.insert("SizeBytes".into(), json!(s.size_bytes.unwrap_or(0)));
        dynamodb.insert(
            "StreamViewType".into(),
            json!(s.stream_view_type.as_ref().map(|v| v.as_str())),
        );
    }
    let mut out = json!({
        "eventID": record.event_id,
        "eventName": record.event_name.as_ref().map(|n| n.as_str()),
        "eventVersion": record.event_version,
        "eventSource": "aws:dynamodb",
        "awsRegion": record.aws_region.clone().unwrap_or_else(|| "eu-north-1".to_string()),
        "eventSourceARN": stream_arn,
        "dynamodb": Value::Object(dynamodb),
    });
    if let Some(identity) = &record.user_identity {
        out["userIdentity"] = json!({ "principalId": identity.principal_id, "type": identity.r#type });
    }
    out
}

/// Stream sequence numbers are decimal numbers of up to 40 digits: compared as such.
pub fn compare_sequence_numbers(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Empty answers tolerated while reading towards the end of a range (an open shard answers
/// empty pages at its tip).
const EMPTY_PAGES: u32 = 5;

/// Reads one table stream's records by their place in it.
pub struct StreamReader {
    client: Client,
}

impl StreamReader {
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    /// The records of `shard` from sequence number `first` to `last`, both included, as Lambda's
    /// event gives them. Fails when the records are no longer in the stream (it keeps them 24
    /// hours).
    pub async fn records(
        &self,
        stream_arn: &str,
        shard: &str,
        first: &str,
        last: &str,
    ) -> Result<Vec<EventRecord>, String> {
        let mut iterator = self
            .client
            .get_shard_iterator()
            .stream_arn(stream_arn)
            .shard_id(shard)
            .shard_iterator_type(ShardIteratorType::AtSequenceNumber)
            .sequence_number(first)
            .send()
            .await
            .map_err(|e| {
                format!(
                    "GetShardIterator {shard} at {first}: {}",
                    aws_sdk_dynamodbstreams::error::DisplayErrorContext(&e)
                )
            })?
            .shard_iterator;
        let mut found = Vec::new();
        let mut empty = 0;
        while let Some(current) = iterator.take() {
            let out = self
                .client
                .get_records()
                .shard_iterator(current)
                .send()
                .await
                .map_err(|e| {
                    format!(
                        "GetRecords {shard}: {}",
                        aws_sdk_dynamodbstreams::error::DisplayErrorContext(&e)
                    )
                })?;
            let records = out.records.unwrap_or_default();
            if records.is_empty() {
                empty += 1;
                if empty >= EMPTY_PAGES {
                    break;
                }
            }
            for record in &records {
                let sequence = record
                    .dynamodb
                    .as_ref()
                    .and_then(|d| d.sequence_number.as_deref())
                    .unwrap_or_default();
                if compare_sequence_numbers(sequence, last) == Ordering::Greater {
                    return Ok(found);
                }
                let event: EventRecord = serde_json::from_value(lambda_record(record, stream_arn))
                    .map_err(|e| format!("stream record {sequence}: {e}"))?;
                found.push(event);
                if compare_sequence_numbers(sequence, last) == Ordering::Equal {
                    return Ok(found);
                }
            }
            iterator = out.next_shard_iterator;
        }
        if found.is_empty() {
            return Err(format!(
                "the records {first} to {last} of {shard} are no longer in the stream"
            ));
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_numbers_compare_as_numbers() {
        assert_eq!(compare_sequence_numbers("900", "1000"), Ordering::Less);
        assert_eq!(compare_sequence_numbers("000123", "123"), Ordering::Equal);
        assert_eq!(
            compare_sequence_numbers("202328600001712385967261752", "202328600001712385967261751"),
            Ordering::Greater
        );
    }
}
