//! Replaying the failure queue: for every profile a failed stream record was about, publish
//! the profile's current state as an event under the lost event's id, and delete the message
//! only once everything it describes is published.
//!
//! The current state, not the lost change: later events of the same profile may have been
//! published meanwhile, and the lost change re-sent now would arrive after them with an older
//! version. The current state carries the current version, so a subscriber that orders by
//! version applies it last (or ignores it, having seen that version). A profile that is gone
//! has had its removal published as an event of its own, unless the removal is the lost record:
//! then that removal is published as it was.
//!
//! A message that cannot be replayed (unreadable, records no longer in the stream, a profile
//! that cannot be read, a publish that fails) stays in the queue and is reported.

use aws_lambda_events::event::dynamodb::EventRecord;
use chrono::Utc;
use customers_domain::deadline::Deadline;
use customers_domain::events::{CustomerChanged, EventPublisher, ProfileChange};
use customers_domain::ports::ProfileReads;
use customers_dynamodb::stream::{profile_change, profile_of_key, record_key};
use customers_dynamodb::stream_reader::StreamReader;
use customers_sns::{FailedRecords, FailureQueue, Received, parse_message};
use serde::Serialize;
use std::collections::HashSet;
use std::time::Duration;

/// Below this much time left, no further message is taken.
pub const LEAST_TIME_FOR_A_MESSAGE: Duration = Duration::from_secs(5);

/// What a replay works with.
pub struct Replay<'a> {
    pub queue: &'a FailureQueue,
    pub stream: &'a StreamReader,
    pub profiles: &'a dyn ProfileReads,
    pub publisher: &'a dyn EventPublisher,
}

/// What a replay did.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplayReport {
    /// Messages taken from the queue.
    pub received: usize,
    /// Messages whose records were published, and deleted.
    pub replayed: usize,
    /// Events published.
    pub events: usize,
    /// Messages left in the queue, each with why.
    pub kept: Vec<String>,
    /// True when the queue had nothing more to give (apart from the messages kept); false when
    /// the replay stopped for time or a failing queue.
    pub finished: bool,
}

/// One profile a failed record was about.
struct Target {
    key: String,
    event_id: String,
    /// The record's change, when it can be read.
    change: Option<ProfileChange>,
    /// Whether the record was a removal.
    removal: bool,
    at: chrono::DateTime<Utc>,
}

impl Target {
    fn of_record(record: &EventRecord) -> Option<Self> {
        let key = record_key(record);
        profile_of_key(&key)?;
        let seen = record.change.approximate_creation_date_time;
        Some(Self {
            key,
            event_id: record.event_id.clone(),
            change: profile_change(record).ok().flatten(),
            removal: record.event_name == "REMOVE",
            at: if seen.timestamp() > 0 { seen } else { Utc::now() },
        })
    }
}

impl Replay<'_> {
    /// Replays messages until the queue has no more, or `deadline` leaves too little time.
    pub async fn run(&self, deadline: Option<&Deadline>) -> ReplayReport {
        let mut report = ReplayReport::default();
        let mut seen = HashSet::new();
        loop {
            if deadline.is_some_and(|d| d.remaining() < LEAST_TIME_FOR_A_MESSAGE) {
                return report;
            }
            let messages = match self.queue.receive(1).await {
                Ok(m) => m,
                Err(e) => {
                    tracing::error!(error = %e, "cannot read the failure queue");
                    return report;
                }
            };
            // A message seen before has come back after its visibility ended: it is one this
            // run kept.
            let fresh: Vec<Received> = messages.into_iter().filter(|m| seen.insert(m.body.clone())).collect();
            if fresh.is_empty() {
                report.finished = true;
                return report;
            }
            for message in fresh {
                report.received += 1;
                match self.message(&message).await {
                    Ok(events) => {
                        report.replayed += 1;
                        report.events += events;
                    }
                    Err(why) => {
                        tracing::warn!(reason = %why, "failure-queue message kept");
                        report.kept.push(why);
                    }
                }
            }
        }
    }

    /// Publishes what one message describes and deletes it; answers the events published.
    async fn message(&self, message: &Received) -> Result<usize, String> {
        let targets = match parse_message(&message.body).map_err(|e| format!("unreadable message: {e}"))? {
            FailedRecords::SetAside {
                key,
                event_id,
                event_name,
            } => vec![Target {
                key,
                event_id,
                change: None,
                removal: event_name == "REMOVE",
                at: Utc::now(),
            }],
            FailedRecords::GivenUp {
                stream_arn,
                shard,
                first,
                last,
            } => self
                .stream
                .records(&stream_arn, &shard, &first, &last)
                .await?
                .iter()
                .filter_map(Target::of_record)
                .collect(),
        };
        let mut events = 0;
        for target in &targets {
            if let Some(event) = self.event_for(target).await? {
                self.publisher
                    .publish(&event)
                    .await
                    .map_err(|e| format!("{}: publish failed: {e}", target.key))?;
                tracing::info!(key = %target.key, event_id = %event.event_id, event_type = event.event_type.as_str(), version = %event.version, "replayed");
                events += 1;
            }
        }
        self.queue
            .delete(&message.receipt)
            .await
            .map_err(|e| format!("published, but the message is not deleted (a later replay sends it again): {e}"))?;
        Ok(events)
    }

    /// The event to publish for a target, or none when its profile's removal has an event of
    /// its own.
    async fn event_for(&self, target: &Target) -> Result<Option<CustomerChanged>, String> {
        let (org, number) = profile_of_key(&target.key).ok_or_else(|| format!("{} is not a profile", target.key))?;
        let stored = self
            .profiles
            .profile(org, number)
            .await
            .map_err(|e| format!("{}: the profile cannot be read: {e}", target.key))?;
        match (stored, &target.change) {
            (Some(customer), _) => Ok(Some(CustomerChanged::current(&target.event_id, &customer))),
            (None, Some(removed @ ProfileChange::Removed { .. })) => {
                Ok(Some(CustomerChanged::from_change(&target.event_id, removed, target.at)))
            }
            (None, _) if target.removal => Err(format!(
                "{}: the profile is gone and its removal cannot be read; publish its DELETE by hand",
                target.key
            )),
            (None, _) => Ok(None),
        }
    }
}
