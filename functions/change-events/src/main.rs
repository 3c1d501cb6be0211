//! Lambda entry point: the SNS publisher built once per instance, the failure queue on its first
//! use, the store and the stream reader on the first replay; stream batches handled, and replay
//! requests served.

use change_events::replay::Replay;
use change_events::{Invocation, invocation};
use customers_domain::deadline::{Deadline, SystemTimer};
use customers_dynamodb::stream_reader::{StreamReader, streams_client};
use customers_dynamodb::{DynamoStore, StoreConfig, dynamodb_client};
use customers_sns::{FailureQueue, SnsPublisher};
use lambda_runtime::{Error, LambdaEvent, service_fn};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

fn incomplete(e: String) -> Error {
    tracing::error!(error = %e, "configuration is incomplete");
    Error::from(e)
}

/// Time left in the invocation, from its deadline (milliseconds since the epoch).
fn left(deadline_ms: u64) -> Duration {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    let left = u128::from(deadline_ms).saturating_sub(now);
    Duration::from_millis(u64::try_from(left).unwrap_or(u64::MAX))
}

/// What only a replay reads: the table (profiles, for their current state) and its stream. Built
/// on the first replay, not at start: each SDK client parses the SDK's table of AWS partitions
/// when it is built, and most instances only ever handle stream batches (docs/performance.md).
struct ReplaySources {
    config: StoreConfig,
    built: OnceLock<(DynamoStore, StreamReader)>,
}

impl ReplaySources {
    fn get(&self) -> Result<&(DynamoStore, StreamReader), String> {
        if let Some(built) = self.built.get() {
            return Ok(built);
        }
        let store = DynamoStore::new(dynamodb_client(&self.config)?, self.config.table_name.clone());
        let stream = StreamReader::new(streams_client(self.config.endpoint.as_deref())?);
        Ok(self.built.get_or_init(|| (store, stream)))
    }
}

// Lambda hands an instance one event at a time: one thread runs it, with no worker threads
// or allocator arenas kept for parallelism that never comes (docs/performance.md).
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    customers_telemetry::init();
    let publisher = SnsPublisher::from_env().await.map_err(incomplete)?;
    let failures = FailureQueue::from_env().await.map_err(incomplete)?;
    // Read now, so that an incomplete configuration still fails the start, not the first replay.
    let replay_sources = ReplaySources {
        config: StoreConfig::from_env().map_err(incomplete)?,
        built: OnceLock::new(),
    };
    let timer = Arc::new(SystemTimer::new());
    let (publisher, failures, replay_sources) = (&publisher, &failures, &replay_sources);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<serde_json::Value>| {
        let timer = timer.clone();
        async move {
            match invocation(event.payload)? {
                Invocation::Stream(batch) => Ok::<_, Error>(serde_json::to_value(
                    change_events::handle(batch, publisher, failures).await,
                )?),
                Invocation::ReplayFailures => {
                    let (store, stream) = replay_sources.get()?;
                    let deadline = Deadline::after(timer, left(event.context.deadline));
                    let replay = Replay {
                        queue: failures,
                        stream,
                        profiles: store,
                        publisher,
                    };
                    Ok(serde_json::to_value(replay.run(Some(&deadline)).await)?)
                }
            }
        }
    }))
    .await
}
