//! Change events end to end: profile changes over HTTP, DynamoDB Local's stream read as Lambda
//! reads it, the change-events function publishing to SNS (moto), and what a subscriber's SQS
//! queue receives.

use async_trait::async_trait;
use aws_lambda_events::event::dynamodb::Event;
use customers_contract::events::CustomerChangedEvent;
use customers_domain::events::{ChangeType, CustomerChanged, EventPublisher};
use customers_sns::SnsPublisher;
use customers_tests::app::email;
use customers_tests::pipeline::{Stuck, by_profile, deliver, harness, kind, receive_all, subscribed_queue};
use serde_json::json;
use std::sync::Mutex;
use std::time::Duration;

mod event_schema;

/// The events the queue holds now, checked against the published schema.
async fn drain(sqs: &aws_sdk_sqs::Client, url: &str) -> Vec<CustomerChangedEvent> {
    drain_raw(sqs, url)
        .await
        .into_iter()
        .map(|raw| serde_json::from_value(raw.clone()).unwrap_or_else(|e| panic!("{e}: {raw}")))
        .collect()
}

/// The events the queue holds now, as the JSON a subscriber reads, in arrival order. Each is
/// checked against the published schema, and its message attributes against its members.
async fn drain_raw(sqs: &aws_sdk_sqs::Client, url: &str) -> Vec<serde_json::Value> {
    let validator = event_schema::validator();
    let mut events = Vec::new();
    for (body, attributes) in receive_all(sqs, url).await {
        event_schema::assert_valid(&validator, &body, "a published event");
        for name in ["eventType", "profileType"] {
            assert_eq!(
                attributes.get(name).map(String::as_str),
                body[name].as_str(),
                "the message attribute {name} repeats the payload's: {body}"
            );
        }
        events.push(body);
    }
    events
}
fn in_days(d: i64) -> String {
    (chrono::Utc::now() + chrono::Duration::days(d)).to_rfc3339()
}

#[tokio::test]
async fn each_change_arrives_once_in_order_on_its_own_organisations_topic_only() {
    let mut h = harness().await;
    let app = &h.app;
    let mine = subscribed_queue(&h.publisher, &h.sns, &h.sqs, app.org).await;
    let theirs = subscribed_queue(&h.publisher, &h.sns, &h.sqs, app.org + 1).await;

    let address = email("events");
    let a = app.create(app.new_profile(Some(&address))).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let put = json!({"firstName": "Kari", "surname": "Nordmann", "changedBy": "x", "changedByChannel": "y", "email": address});
    app.put(&format!("/profiles/{a}"), put).await;
    app.post(
        &format!("/profiles/{a}/deactivate"),
        json!({"expirationDate": in_days(2), "changedBy": "s", "changedByChannel": "c"}),
    )
    .await;
    app.post(
        &format!("/profiles/{a}/restore"),
        json!({"changedBy": "s", "changedByChannel": "c"}),
    )
    .await;
    let temporary = json!({"createdBy": "w", "createdByChannel": "w", "expirationDate": in_days(1)});
    let t = app.post("/profiles/temporary", temporary).await.body["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let convert = json!({"firstName": "Per", "surname": "Hansen", "changedBy": "w", "changedByChannel": "w"});
    assert_eq!(
        app.post(&format!("/profiles/temporary/{t}/convert"), convert)
            .await
            .status
            .as_u16(),
        200
    );
    let connect = json!({"customerNumberToConnect": t, "changedByChannel": "web"});
    assert_eq!(
        app.post(&format!("/profiles/{a}/connect"), connect)
            .await
            .status
            .as_u16(),
        200
    );
    // A profile of the other organisation, so that its topic has something it must not share.
    let other = app.org + 1;
    let mut foreign = app.new_profile(None);
    foreign["organisationId"] = json!(other);
    let token = format!("Bearer {}", app.token_for(other));
    app.call(
        axum::http::Method::POST,
        "/profiles",
        Some(foreign),
        &[("authorization", &token)],
    )
    .await;

    deliver(&mut h.poller, &h.publisher, &h.failures).await;
    let raw = drain_raw(&h.sqs, &mine).await;
    let events: Vec<CustomerChangedEvent> = raw
        .iter()
        .map(|r| serde_json::from_value(r.clone()).unwrap_or_else(|e| panic!("{e}: {r}")))
        .collect();
    // The messages exactly as subscribers read them.
    let mut transcript = customers_tests::transcript::Transcript::new();
    transcript.name("org", app.org);
    transcript.name("customerNumber", a);
    transcript.name("customerNumber", t);
    // Sorted by profile and version: the order across profiles is the stream's to choose (each
    // profile's own order is asserted below, as it arrived).
    let mut sorted = raw.clone();
    sorted.sort_by_key(|e| (e["customerNumber"].as_i64() != Some(a), e["version"].as_u64()));
    insta::assert_json_snapshot!(
        "events_of_a_lifecycle",
        transcript.mask(&serde_json::Value::Array(sorted))
    );
    let profiles = by_profile(&events);
    use ChangeType::*;
    assert_eq!(
        profiles.get(&a),
        Some(&vec![
            (1, Create),
            (2, Update),
            (3, Deactivate),
            (4, Restore),
            (5, Connect)
        ]),
        "{events:#?}"
    );
    assert_eq!(profiles.get(&t), Some(&vec![(1, Create), (2, Convert), (3, Connect)]));
    assert_eq!(
        profiles.len(),
        2,
        "guards, search entries and other items make no events"
    );
    assert!(events.iter().all(|e| e.organisation_id == app.org));
    let connect_on_a = events.iter().find(|e| e.customer_number == a && kind(e) == Connect);
    assert_eq!(connect_on_a.map(|e| e.related_customer_numbers.clone()), Some(vec![t]));
    let connect_on_t = events.iter().find(|e| e.customer_number == t && kind(e) == Connect);
    assert_eq!(connect_on_t.map(|e| e.related_customer_numbers.clone()), Some(vec![a]));
    let ids: std::collections::BTreeSet<&str> = events.iter().map(|e| e.event_id.as_str()).collect();
    assert_eq!(ids.len(), events.len(), "event ids are unique");
    // No personal data in the events.
    let raw = serde_json::to_string(&events).unwrap_or_default();
    assert!(!raw.contains("Nordmann") && !raw.contains(&address));

    let foreign_events = drain(&h.sqs, &theirs).await;
    assert!(
        foreign_events.iter().all(|e| e.organisation_id == other),
        "{foreign_events:?}"
    );
    assert_eq!(
        foreign_events.len(),
        1,
        "the other organisation gets its own create, and nothing of ours"
    );
    h.app.drop_table(&h.table).await;
}

/// Fails the first publish of one profile's events, then lets everything through.
struct FlakyPublisher<'a> {
    inner: &'a SnsPublisher,
    customer: i64,
    failures_left: Mutex<u32>,
}

#[async_trait]
impl EventPublisher for FlakyPublisher<'_> {
    async fn publish(&self, event: &CustomerChanged) -> Result<(), String> {
        if event.customer_number.value() == self.customer
            && let Ok(mut left) = self.failures_left.lock()
            && *left > 0
        {
            *left -= 1;
            return Err("injected publish failure".into());
        }
        self.inner.publish(event).await
    }
}

#[tokio::test]
async fn a_failed_publish_is_retried_from_that_record_and_nothing_is_lost_or_doubled() {
    let mut h = harness().await;
    let app = &h.app;
    let queue = subscribed_queue(&h.publisher, &h.sns, &h.sqs, app.org).await;
    let first = app.create(app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let second = app.create(app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let third = app.create(app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let flaky = FlakyPublisher {
        inner: &h.publisher,
        customer: second,
        failures_left: Mutex::new(1),
    };
    let failed = h
        .poller
        .poll_once(|event| {
            let flaky = &flaky;
            let failures = &h.failures;
            async move {
                let event: Event = serde_json::from_value(event).map_err(|e| e.to_string())?;
                Ok(change_events::handle(event, flaky, failures)
                    .await
                    .batch_item_failures
                    .first()
                    .and_then(|f| f.item_identifier.clone()))
            }
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let before_retry = drain(&h.sqs, &queue).await;
    assert!(
        before_retry.iter().all(|e| e.customer_number == first),
        "nothing after the failed record: {before_retry:?}"
    );
    assert!(failed < 12, "the batch stopped at the failure");
    deliver(&mut h.poller, &flaky, &h.failures).await;
    let after = drain(&h.sqs, &queue).await;
    let mut creates: Vec<i64> = before_retry
        .iter()
        .chain(after.iter())
        .map(|e| e.customer_number)
        .collect();
    creates.sort();
    assert_eq!(
        creates,
        vec![first, second, third],
        "each event exactly once once the fault is gone"
    );
    h.app.drop_table(&h.table).await;
}

#[tokio::test]
async fn a_ttl_deletion_on_dynamodb_local_arrives_as_expire() {
    let mut h = harness().await;
    let app = &h.app;
    let queue = subscribed_queue(&h.publisher, &h.sns, &h.sqs, app.org).await;
    let expires = (chrono::Utc::now() + chrono::Duration::seconds(2)).to_rfc3339();
    let t = app
        .post(
            "/profiles/temporary",
            json!({"createdBy": "w", "createdByChannel": "w", "expirationDate": expires}),
        )
        .await
        .body["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let deadline = std::time::Instant::now() + Duration::from_secs(240);
    let mut seen = Vec::new();
    while std::time::Instant::now() < deadline {
        deliver(&mut h.poller, &h.publisher, &h.failures).await;
        seen.extend(drain(&h.sqs, &queue).await);
        if seen.iter().any(|e| kind(e) == ChangeType::Expire) {
            break;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let profile = by_profile(&seen);
    assert_eq!(
        profile.get(&t),
        Some(&vec![(1, ChangeType::Create), (2, ChangeType::Expire)]),
        "{seen:?}"
    );
    let expired = seen.iter().find(|e| kind(e) == ChangeType::Expire);
    assert_eq!(expired.map(|e| e.profile_type.as_str()), Some("T"));
    h.app.drop_table(&h.table).await;
}

#[tokio::test]
async fn a_record_that_cannot_be_read_is_set_aside_and_later_events_still_arrive() {
    use aws_sdk_dynamodb::types::AttributeValue;
    let mut h = harness().await;
    let app = &h.app;
    let queue = subscribed_queue(&h.publisher, &h.sns, &h.sqs, app.org).await;
    // A profile item no version of this service could read (a five-digit year).
    let damaged_key = format!("CUSTOMER#{}#1999999999", app.org);
    app.client
        .put_item()
        .table_name(&h.table)
        .item("pk", AttributeValue::S(damaged_key.clone()))
        .item("sk", AttributeValue::S("PROFILE".into()))
        .item("customerNumber", AttributeValue::N("1999999999".into()))
        .item("expirationDate", AttributeValue::S("+12026-01-01T00:00:00Z".into()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let after = app.create(app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    deliver(&mut h.poller, &h.publisher, &h.failures).await;
    let set_aside: Vec<serde_json::Value> = receive_all(&h.sqs, &h.failure_queue)
        .await
        .into_iter()
        .map(|(body, _)| body)
        .collect();
    assert_eq!(set_aside.len(), 1, "{set_aside:?}");
    assert_eq!(set_aside[0]["key"], format!("{damaged_key}/PROFILE"));
    assert_eq!(set_aside[0]["source"], "change-events");
    assert!(set_aside[0]["sequenceNumber"].as_str().is_some_and(|s| !s.is_empty()));
    assert!(set_aside[0]["reason"].as_str().is_some_and(|r| !r.is_empty()));
    let events = drain(&h.sqs, &queue).await;
    assert_eq!(
        by_profile(&events).get(&after),
        Some(&vec![(1, ChangeType::Create)]),
        "the change behind it is delivered: {events:?}"
    );
    h.app.drop_table(&h.table).await;
}

#[tokio::test]
async fn a_record_that_keeps_failing_is_given_up_after_the_retries_and_the_stream_moves_on() {
    let mut h = harness().await;
    let app = &h.app;
    let queue = subscribed_queue(&h.publisher, &h.sns, &h.sqs, app.org).await;
    let stuck = app.create(app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let next = app.create(app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let publisher = Stuck {
        inner: &h.publisher,
        customer: stuck,
    };
    for _ in 0..=customers_tests::poller::MAXIMUM_RETRY_ATTEMPTS {
        deliver(&mut h.poller, &publisher, &h.failures).await;
    }
    let given_up = h.poller.take_given_up();
    assert_eq!(given_up.len(), 1, "{given_up:?}");
    let events = drain(&h.sqs, &queue).await;
    let profiles = by_profile(&events);
    assert_eq!(profiles.get(&stuck), None);
    assert_eq!(profiles.get(&next), Some(&vec![(1, ChangeType::Create)]));
    h.app.drop_table(&h.table).await;
}

/// Every type of change a profile can go through, driven over HTTP, arrives as an event that
/// matches the published schema (`drain` checks each, and each message's attributes). EXPIRE
/// takes DynamoDB Local's TTL job: `a_ttl_deletion_on_dynamodb_local_arrives_as_expire` drains
/// its events through the same check.
#[tokio::test]
async fn every_change_type_matches_the_published_schema() {
    let mut h = harness().await;
    let app = &h.app;
    let queue = subscribed_queue(&h.publisher, &h.sns, &h.sqs, app.org).await;
    let ok = |r: &customers_tests::app::TestResponse| assert!(r.status.is_success(), "{}", r.text);
    let number = |r: &customers_tests::app::TestResponse| r.body["customerNumber"].as_i64().unwrap_or(0);
    let stamp = json!({"changedBy": "s", "changedByChannel": "c"});

    let a = app.create(app.new_profile(Some(&email("schema")))).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let put = json!({"firstName": "Kari", "surname": "Nordmann", "changedBy": "x", "changedByChannel": "y"});
    ok(&app.put(&format!("/profiles/{a}"), put).await);
    ok(&app
        .post(&format!("/profiles/{a}/postal-addresses"), json!({"town": "Oslo"}))
        .await);
    let mut deactivation = stamp.clone();
    deactivation["expirationDate"] = json!(in_days(2));
    ok(&app.post(&format!("/profiles/{a}/deactivate"), deactivation).await);
    ok(&app.post(&format!("/profiles/{a}/restore"), stamp.clone()).await);
    let temporary = json!({"createdBy": "w", "createdByChannel": "w", "expirationDate": in_days(1)});
    let t = number(&app.post("/profiles/temporary", temporary.clone()).await);
    let convert = json!({"firstName": "Per", "surname": "Hansen", "changedBy": "w", "changedByChannel": "w"});
    ok(&app.post(&format!("/profiles/temporary/{t}/convert"), convert).await);
    // m takes x in, then is itself connected into a: x is re-pointed to a.
    let m = app.create(app.new_profile(None)).await["customerNumber"]
        .as_i64()
        .unwrap_or(0);
    let x = number(&app.post("/profiles/temporary", temporary.clone()).await);
    let connect = |n: i64| json!({"customerNumberToConnect": n, "changedByChannel": "web"});
    ok(&app.post(&format!("/profiles/{m}/connect"), connect(x)).await);
    ok(&app.post(&format!("/profiles/{a}/connect"), connect(m)).await);
    ok(&app.post(&format!("/profiles/{a}/connect"), connect(t)).await);
    let gone = number(&app.post("/profiles/temporary", temporary).await);
    ok(&app
        .call(
            axum::http::Method::DELETE,
            &format!("/profiles/temporary/{gone}"),
            None,
            &[],
        )
        .await);

    deliver(&mut h.poller, &h.publisher, &h.failures).await;
    let events = drain(&h.sqs, &queue).await;
    use ChangeType::*;
    let seen: std::collections::BTreeSet<&str> = events.iter().map(|e| e.event_type.as_str()).collect();
    let expected: std::collections::BTreeSet<&str> = ChangeType::ALL
        .iter()
        .filter(|t| **t != Expire)
        .map(|t| t.as_str())
        .collect();
    assert_eq!(seen, expected, "every type but EXPIRE: {events:#?}");
    let profiles = by_profile(&events);
    // Strict version order per profile: each change one event, in the order it was made.
    for (number, changes) in &profiles {
        let versions: Vec<u64> = changes.iter().map(|(v, _)| *v).collect();
        let expected: Vec<u64> = (1..=versions.len() as u64).collect();
        assert_eq!(versions, expected, "profile {number}: {events:#?}");
    }
    assert_eq!(
        profiles.get(&a).map(|e| e.iter().map(|(_, t)| *t).collect::<Vec<_>>()),
        Some(vec![Create, Update, Update, Deactivate, Restore, Connect, Connect]),
        "{events:#?}"
    );
    assert_eq!(profiles.get(&gone), Some(&vec![(1, Create), (2, Delete)]));
    let repointed = events
        .iter()
        .filter(|e| e.customer_number == x && kind(e) == Connect)
        .map(|e| e.related_customer_numbers.clone())
        .collect::<Vec<_>>();
    assert_eq!(repointed, vec![vec![m], vec![a]], "x merged into m, then pointed to a");
    let last_of_a = events.iter().rfind(|e| e.customer_number == a);
    assert_eq!(
        last_of_a.map(|e| e.related_customer_numbers.clone()),
        Some(vec![m, x, t])
    );
    h.app.drop_table(&h.table).await;
}
