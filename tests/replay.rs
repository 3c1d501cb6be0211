//! Replaying the change-event failure queue against DynamoDB Local's stream and moto: records the
//! event source mapping gave up (described by their place in the stream) and records
//! change-events set aside (described by key) are published as their profile's current state
//! under the lost event's id; a message is deleted only once that is published.

use axum::http::{Method, StatusCode};
use change_events::replay::{Replay, ReplayReport};
use customers_contract::events::CustomerChangedEvent;
use customers_domain::events::{ChangeType, EventPublisher};
use customers_dynamodb::DynamoStore;
use customers_dynamodb::stream_reader::{StreamReader, streams_client};
use customers_tests::pipeline::{Harness, Stuck, deliver, drain, drain_raw, harness, kind, subscribed_queue};
use customers_tests::poller::on_failure_message;
use serde_json::json;

/// Feeds the stream through a publisher that refuses every event of `stuck` until the poller
/// has given up `records` records, describing each on the failure queue as the deployed
/// mapping does. Answers their event ids, in stream order.
async fn give_up_on(h: &mut Harness, stuck: i64, records: usize, stream: &StreamReader) -> Vec<String> {
    let Harness {
        poller,
        publisher,
        failures,
        sqs,
        failure_queue,
        ..
    } = h;
    let publisher = Stuck {
        inner: publisher,
        customer: stuck,
    };
    poller.maximum_retry_attempts = 1;
    let mut ids = Vec::new();
    for _ in 0..20 {
        if ids.len() >= records {
            break;
        }
        deliver(poller, &publisher, failures).await;
        for given_up in poller.take_given_up() {
            let records = stream
                .records(
                    poller.stream_arn(),
                    &given_up.shard,
                    &given_up.sequence_number,
                    &given_up.sequence_number,
                )
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            ids.extend(records.iter().map(|r| r.event_id.clone()));
            let message = on_failure_message(&given_up, poller.stream_arn());
            sqs.send_message()
                .queue_url(failure_queue.as_str())
                .message_body(message.to_string())
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    ids
}

async fn replay(h: &Harness, stream: &StreamReader, publisher: &dyn EventPublisher) -> ReplayReport {
    let store = DynamoStore::new(h.app.client.clone(), &h.table);
    Replay {
        queue: &h.failures,
        stream,
        profiles: &store,
        publisher,
    }
    .run(None)
    .await
}

async fn reader() -> StreamReader {
    StreamReader::new(streams_client(Some(&customers_tests::dynamodb_endpoint())).unwrap_or_else(|e| panic!("{e}")))
}

fn events_of(events: &[CustomerChangedEvent], number: i64) -> Vec<(String, u64, ChangeType)> {
    events
        .iter()
        .filter(|e| e.customer_number == number)
        .map(|e| (e.event_id.clone(), e.version, kind(e)))
        .collect()
}

#[tokio::test]
async fn a_record_given_up_is_replayed_as_the_profiles_current_state_under_its_own_id() {
    let mut h = harness().await;
    let stream = reader().await;
    let queue = subscribed_queue(&h.publisher, &h.sns, &h.sqs, h.app.org).await;
    let lost = h.app.create(h.app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let other = h.app.create(h.app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let given_up = give_up_on(&mut h, lost, 1, &stream).await;
    assert_eq!(given_up.len(), 1, "{given_up:?}");

    // A later change of the same profile gets through before the replay.
    let put = json!({"firstName": "Kari", "surname": "Nordmann", "changedBy": "x", "changedByChannel": "y"});
    assert_eq!(
        h.app.put(&format!("/profiles/{lost}"), put).await.status,
        StatusCode::OK
    );
    deliver(&mut h.poller, &h.publisher, &h.failures).await;
    let before = drain(&h.sqs, &queue).await;
    assert_eq!(events_of(&before, lost).len(), 1, "only the update: {before:?}");
    assert_eq!(events_of(&before, other).len(), 1);

    let report = replay(&h, &stream, &h.publisher).await;
    assert_eq!(
        report,
        ReplayReport {
            received: 1,
            replayed: 1,
            events: 1,
            kept: vec![],
            finished: true
        }
    );
    let replayed = drain(&h.sqs, &queue).await;
    assert_eq!(
        events_of(&replayed, lost),
        vec![(given_up[0].clone(), 2, ChangeType::Update)],
        "the current version under the lost event's id"
    );
    assert_eq!(
        drain_raw(&h.sqs, &h.failure_queue).await,
        Vec::<serde_json::Value>::new()
    );
    h.app.drop_table(&h.table).await;
}

#[tokio::test]
async fn a_removal_given_up_is_published_as_it_was_and_an_older_change_of_a_removed_profile_is_dropped() {
    let mut h = harness().await;
    let stream = reader().await;
    let queue = subscribed_queue(&h.publisher, &h.sns, &h.sqs, h.app.org).await;
    let expires = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let t = h
        .app
        .post(
            "/profiles/temporary",
            json!({"createdBy": "w", "createdByChannel": "w", "expirationDate": expires}),
        )
        .await
        .body["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let deleted = h
        .app
        .call(Method::DELETE, &format!("/profiles/temporary/{t}"), None, &[])
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text);
    let given_up = give_up_on(&mut h, t, 2, &stream).await;
    assert_eq!(given_up.len(), 2, "the create and the delete: {given_up:?}");

    let report = replay(&h, &stream, &h.publisher).await;
    assert_eq!(
        (report.received, report.replayed, report.events),
        (2, 2, 1),
        "{report:?}"
    );
    assert!(report.kept.is_empty() && report.finished, "{report:?}");
    let replayed = drain(&h.sqs, &queue).await;
    assert_eq!(
        events_of(&replayed, t),
        vec![(given_up[1].clone(), 2, ChangeType::Delete)],
        "the delete, as it happened; the create it superseded is not sent"
    );
    h.app.drop_table(&h.table).await;
}

#[tokio::test]
async fn a_set_aside_record_stays_queued_until_its_profile_is_published() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let mut h = harness().await;
    let stream = reader().await;
    let queue = subscribed_queue(&h.publisher, &h.sns, &h.sqs, h.app.org).await;
    // A message not deleted is visible again at once, so that a replay sees what it kept.
    h.sqs
        .set_queue_attributes()
        .queue_url(&h.failure_queue)
        .attributes(aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout, "0")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // A profile item no version of this service could read (a five-digit year).
    let number = 1_999_999_999_i64;
    let key = format!("CUSTOMER#{}#{number}", h.app.org);
    h.app
        .client
        .put_item()
        .table_name(&h.table)
        .item("pk", AttributeValue::S(key.clone()))
        .item("sk", AttributeValue::S("PROFILE".into()))
        .item("customerNumber", AttributeValue::N(number.to_string()))
        .item("expirationDate", AttributeValue::S("+12026-01-01T00:00:00Z".into()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    deliver(&mut h.poller, &h.publisher, &h.failures).await;
    let set_aside = h
        .sqs
        .receive_message()
        .queue_url(&h.failure_queue)
        .send()
        .await
        .ok()
        .and_then(|o| o.messages)
        .and_then(|m| m.into_iter().next())
        .and_then(|m| m.body)
        .unwrap_or_default();
    let lost_id = serde_json::from_str::<serde_json::Value>(&set_aside).unwrap_or_default()["eventId"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(!lost_id.is_empty(), "{set_aside}");

    let report = replay(&h, &stream, &h.publisher).await;
    assert_eq!(
        (report.received, report.replayed, report.kept.len()),
        (1, 0, 1),
        "{report:?}"
    );
    assert!(report.kept[0].contains("cannot be read"), "{report:?}");

    // Mended: the item of a real profile, moved to the damaged one's key.
    let source = h.app.create(h.app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    deliver(&mut h.poller, &h.publisher, &h.failures).await;
    drain(&h.sqs, &queue).await;
    let mut item = h
        .app
        .client
        .get_item()
        .table_name(&h.table)
        .key("pk", AttributeValue::S(format!("CUSTOMER#{}#{source}", h.app.org)))
        .key("sk", AttributeValue::S("PROFILE".into()))
        .send()
        .await
        .ok()
        .and_then(|o| o.item)
        .unwrap_or_else(|| panic!("no item"));
    item.insert("pk".into(), AttributeValue::S(key));
    item.insert("customerNumber".into(), AttributeValue::N(number.to_string()));
    h.app
        .client
        .put_item()
        .table_name(&h.table)
        .set_item(Some(item))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    // A publish that fails keeps the message.
    let refusing = Stuck {
        inner: &h.publisher,
        customer: number,
    };
    let report = replay(&h, &stream, &refusing).await;
    assert_eq!(
        (report.received, report.replayed, report.kept.len()),
        (1, 0, 1),
        "{report:?}"
    );
    assert!(report.kept[0].contains("publish failed"), "{report:?}");

    let report = replay(&h, &stream, &h.publisher).await;
    assert_eq!(
        (report.replayed, report.events, report.kept.len()),
        (1, 1, 0),
        "{report:?}"
    );
    let events = drain(&h.sqs, &queue).await;
    assert_eq!(events_of(&events, number), vec![(lost_id, 1, ChangeType::Create)]);
    assert_eq!(
        drain_raw(&h.sqs, &h.failure_queue).await,
        Vec::<serde_json::Value>::new()
    );
    h.app.drop_table(&h.table).await;
}
