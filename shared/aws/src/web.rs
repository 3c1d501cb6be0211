//! Reading a document from a public HTTPS host (the token issuer's key set) over the same
//! HTTP/1.1 stack as the SDK clients, trusting Mozilla's roots.

use crate::tls::{self, Roots};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use std::time::Duration;

/// A client for GETs with a deadline and a size limit.
#[derive(Debug, Clone)]
pub struct WebClient {
    client: Client<tls::Connector, Empty<Bytes>>,
    timeout: Duration,
    max_bytes: usize,
}

impl WebClient {
    /// Gives up on a GET after `timeout` (connecting, the answer and its body all included) and
    /// refuses a body over `max_bytes`.
    pub fn new(timeout: Duration, max_bytes: usize) -> Result<Self, String> {
        let tls = tls::tls_config(Roots::Public)?;
        Ok(Self {
            client: Client::builder(TokioExecutor::new()).build(tls::connector(&tls, Some(timeout))),
            timeout,
            max_bytes,
        })
    }

    /// The body at `url`, if it answered 2xx in time and within the limit; otherwise what went
    /// wrong, for the log.
    pub async fn get(&self, url: &str) -> Result<Bytes, String> {
        // Redirects are not followed: the configured URL is the key set's own.
        let request = http::Request::get(url)
            .header(http::header::ACCEPT, "application/json")
            .body(Empty::new())
            .map_err(|e| format!("{url}: {e}"))?;
        let exchange = async {
            let response = self
                .client
                .request(request)
                .await
                .map_err(|e| format!("{url}: {}", chain(&e)))?;
            let status = response.status();
            if !status.is_success() {
                return Err(format!("{url} answered {status}"));
            }
            Limited::new(response.into_body(), self.max_bytes)
                .collect()
                .await
                .map(|body| body.to_bytes())
                .map_err(|e| format!("{url}: {e}"))
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .map_err(|_| format!("{url} did not answer within {:?}", self.timeout))?
    }
}

/// An error with its causes, which hyper keeps apart ("client error (Connect): ... refused").
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    std::iter::successors(Some(error), |e| e.source())
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_servers::{Host, closed_port, start};

    /// The URL of a key set served by a host that answers `answer`.
    async fn answering(answer: &'static str) -> String {
        format!("http://127.0.0.1:{}/keys", start(Host::Answers(answer)).await)
    }

    fn client() -> WebClient {
        WebClient::new(Duration::from_millis(500), 16).unwrap_or_else(|e| panic!("{e}"))
    }

    /// What a GET of `url` was refused with.
    async fn refusal(url: &str) -> String {
        client()
            .get(url)
            .await
            .err()
            .unwrap_or_else(|| panic!("{url} was taken"))
    }

    #[tokio::test]
    async fn a_2xx_body_is_read_whole() {
        let url = answering("HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\n{\"keys\":[]}").await;
        let body = client().get(&url).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&body[..], b"{\"keys\":[]}");
    }

    #[tokio::test]
    async fn another_status_is_refused_with_it() {
        let url = answering("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n").await;
        let error = refusal(&url).await;
        assert!(error.contains("503"), "{error}");
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_refused() {
        let url = answering("HTTP/1.1 200 OK\r\ncontent-length: 18\r\n\r\n{\"keys\":[1,2,3,4]}").await;
        refusal(&url).await;
    }

    #[tokio::test]
    async fn a_silent_host_is_given_up_on() {
        let url = format!("http://127.0.0.1:{}/keys", start(Host::Silent).await);
        let error = refusal(&url).await;
        assert!(error.contains("did not answer"), "{error}");
    }

    #[tokio::test]
    async fn nobody_listening_is_an_error_that_says_so() {
        let error = refusal(&format!("http://127.0.0.1:{}/keys", closed_port())).await;
        assert!(error.to_lowercase().contains("refused"), "{error}");
    }
}
