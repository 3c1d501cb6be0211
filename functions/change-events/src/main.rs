//! Lambda entry point: the SNS publisher and the failure queue built once per instance, the
//! stream batches handled.

use aws_lambda_events::event::dynamodb::Event;
use customers_sns::{FailureQueue, SnsPublisher};
use lambda_runtime::{Error, LambdaEvent, service_fn};

#[tokio::main]
async fn main() -> Result<(), Error> {
    customers_telemetry::init();
    let publisher = SnsPublisher::from_env().await.map_err(|e| {
        tracing::error!(error = %e, "configuration is incomplete");
        Error::from(e)
    })?;
    let failures = FailureQueue::from_env().await.map_err(|e| {
        tracing::error!(error = %e, "configuration is incomplete");
        Error::from(e)
    })?;
    let (publisher, failures) = (&publisher, &failures);
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Event>| async move {
        Ok::<_, Error>(change_events::handle(event.payload, publisher, failures).await)
    }))
    .await
}
