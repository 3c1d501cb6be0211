//! The HTTP client the AWS SDK clients send through: hyper's pooled HTTP/1.1 client over the
//! connector of `tls`, trusting Amazon Trust Services.
//!
//! It answers the SDK in the SDK's terms: a connection that fails or drops is an I/O error and a
//! slow one a timeout, both of which the SDK retries; anything else is left to the SDK's
//! classification of the response. Each answer carries a handle to its connection, so that the
//! SDK closes a connection whose answer was a transient error (a 500 or 503) rather than retry
//! over it.

use crate::tls::{self, Roots};
use aws_smithy_runtime_api::client::connection::{CaptureSmithyConnection, ConnectionMetadata};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::ErrorKind;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::{CaptureConnection, capture_connection};
use hyper_util::rt::{TokioExecutor, TokioTimer};
use rustls::ClientConfig;
use std::error::Error;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// What a connection is built with: the SDK asks with each request's settings, which are the
/// same for every request of a client unless an operation overrides its timeouts.
type Timeouts = (Option<Duration>, Option<Duration>);

/// The SDK's HTTP client: one pool of connections per set of timeouts, kept for the instance.
#[derive(Debug)]
pub struct SdkHttpClient {
    tls: Arc<ClientConfig>,
    connectors: Mutex<Vec<(Timeouts, SharedHttpConnector)>>,
}

impl SdkHttpClient {
    pub fn new() -> Result<Self, String> {
        Ok(Self {
            tls: tls::tls_config(Roots::Amazon)?,
            connectors: Mutex::new(Vec::new()),
        })
    }
}

impl HttpClient for SdkHttpClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
        let timeouts = (settings.connect_timeout(), settings.read_timeout());
        let mut connectors = self.connectors.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, connector)) = connectors.iter().find(|(t, _)| *t == timeouts) {
            return connector.clone();
        }
        let connector = SharedHttpConnector::new(Pool::new(&self.tls, timeouts.0, timeouts.1));
        connectors.push((timeouts, connector.clone()));
        connector
    }
}

/// One pool of connections.
#[derive(Debug, Clone)]
struct Pool {
    client: Client<tls::Connector, SdkBody>,
    /// How long to wait for a response's head once the request is sent.
    read_timeout: Option<Duration>,
}

impl Pool {
    fn new(tls: &Arc<ClientConfig>, connect_timeout: Option<Duration>, read_timeout: Option<Duration>) -> Self {
        let mut builder = Client::builder(TokioExecutor::new());
        // Without a timer the pool never drops a connection that has been idle too long.
        builder.pool_timer(TokioTimer::new());
        Self {
            client: builder.build(tls::connector(tls, connect_timeout)),
            read_timeout,
        }
    }
}

/// What the SDK may know of the connection an answer came on: how to close it.
fn connection_of(captured: &CaptureConnection) -> Option<ConnectionMetadata> {
    captured.connection_metadata().as_ref()?;
    let captured = captured.clone();
    Some(
        ConnectionMetadata::builder()
            .proxied(false)
            .poison_fn(move || {
                if let Some(connection) = captured.connection_metadata().as_ref() {
                    connection.poison();
                }
            })
            .build(),
    )
}

impl HttpConnector for Pool {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let mut request = match request.try_into_http1x() {
            Ok(request) => request,
            Err(e) => return HttpConnectorFuture::ready(Err(ConnectorError::user(e.into()))),
        };
        let captured = capture_connection(&mut request);
        if let Some(smithy) = request.extensions().get::<CaptureSmithyConnection>() {
            smithy.set_connection_retriever(move || connection_of(&captured));
        }
        let sent = self.client.request(request);
        let read_timeout = self.read_timeout;
        HttpConnectorFuture::new(async move {
            let answer = match read_timeout {
                Some(limit) => tokio::time::timeout(limit, sent)
                    .await
                    .map_err(|elapsed| ConnectorError::timeout(elapsed.into()))?,
                None => sent.await,
            };
            match answer {
                Ok(response) => HttpResponse::try_from(response.map(SdkBody::from_body_1_x))
                    .map_err(|e| ConnectorError::other(e.into(), None)),
                Err(e) => Err(classify(e)),
            }
        })
    }
}

/// A failed exchange in the SDK's terms, so that its retry rules apply: I/O and timeouts are
/// retried, a message cut short is transient, and the rest is not retried.
fn classify(error: hyper_util::client::legacy::Error) -> ConnectorError {
    let hyper_error = find::<hyper::Error>(&error);
    if hyper_error.is_some_and(hyper::Error::is_timeout) || find::<std::io::Error>(&error).is_some_and(is_timeout) {
        return ConnectorError::timeout(error.into());
    }
    if hyper_error.is_some_and(hyper::Error::is_user) {
        return ConnectorError::user(error.into());
    }
    if error.is_connect()
        || hyper_error.is_some_and(|e| e.is_closed() || e.is_canceled())
        || find::<std::io::Error>(&error).is_some()
    {
        return ConnectorError::io(error.into());
    }
    if hyper_error.is_some_and(hyper::Error::is_incomplete_message) {
        return ConnectorError::other(error.into(), Some(ErrorKind::TransientError));
    }
    ConnectorError::other(error.into(), None)
}

fn is_timeout(error: &std::io::Error) -> bool {
    error.kind() == std::io::ErrorKind::TimedOut
}

/// The first error of type `E` in `error`'s chain of sources.
fn find<'a, E: Error + 'static>(error: &'a (dyn Error + 'static)) -> Option<&'a E> {
    std::iter::successors(Some(error), |&e| e.source()).find_map(|e| e.downcast_ref::<E>())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_servers::{Host, closed_port, start};

    fn pool(connect_timeout: Option<Duration>, read_timeout: Option<Duration>) -> Pool {
        let tls = tls::tls_config(Roots::Amazon).unwrap_or_else(|e| panic!("{e}"));
        Pool::new(&tls, connect_timeout, read_timeout)
    }

    /// What a GET of `url` through `pool` failed with.
    async fn failure(pool: Pool, url: &str) -> ConnectorError {
        let request = http::Request::builder()
            .uri(url)
            .body(SdkBody::empty())
            .unwrap_or_else(|e| panic!("{e}"));
        let request = HttpRequest::try_from(request).unwrap_or_else(|e| panic!("{e}"));
        pool.call(request)
            .await
            .err()
            .unwrap_or_else(|| panic!("{url} answered"))
    }

    /// Nobody listening is an I/O error, which the SDK retries and the functions answer with 503.
    #[tokio::test]
    async fn a_refused_connection_is_an_io_error() {
        let url = format!("http://127.0.0.1:{}/", closed_port());
        let error = failure(pool(Some(Duration::from_secs(1)), None), &url).await;
        assert!(error.is_io(), "{error:?}");
    }

    /// A server that accepts but never answers is a timeout once the read timeout passes.
    #[tokio::test]
    async fn a_silent_server_is_a_timeout() {
        let url = format!("http://127.0.0.1:{}/", start(Host::Silent).await);
        let error = failure(pool(None, Some(Duration::from_millis(200))), &url).await;
        assert!(error.is_timeout(), "{error:?}");
    }

    /// A host that takes the connection but never finishes the TLS handshake is a timeout once
    /// the connect timeout passes: the handshake is part of connecting.
    #[tokio::test]
    async fn a_stalled_tls_handshake_is_a_timeout() {
        let url = format!("https://127.0.0.1:{}/", start(Host::Silent).await);
        let started = std::time::Instant::now();
        let error = failure(pool(Some(Duration::from_millis(200)), None), &url).await;
        assert!(error.is_timeout(), "{error:?}");
        assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    }

    /// A server that hangs up before answering is retried: an I/O error or a transient one.
    #[tokio::test]
    async fn a_dropped_connection_is_an_io_error() {
        let url = format!("http://127.0.0.1:{}/", start(Host::HangsUp).await);
        let error = failure(pool(None, None), &url).await;
        assert!(
            error.is_io() || error.as_other() == Some(ErrorKind::TransientError),
            "{error:?}"
        );
    }
}
