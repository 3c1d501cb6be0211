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
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    /// Serves one connection with `answer`, and gives the URL to ask.
    async fn serve_once(answer: &'static str) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let port = listener
            .local_addr()
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("{e}"));
        tokio::spawn(async move {
            if let Ok((mut socket, _)) = listener.accept().await {
                let mut request = [0u8; 1024];
                let _ = socket.read(&mut request).await;
                let _ = socket.write_all(answer.as_bytes()).await;
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        });
        format!("http://127.0.0.1:{port}/keys")
    }

    fn client() -> WebClient {
        WebClient::new(Duration::from_millis(500), 16).unwrap_or_else(|e| panic!("{e}"))
    }

    #[tokio::test]
    async fn a_2xx_body_is_read_whole() {
        let url = serve_once("HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\n{\"keys\":[]}").await;
        let body = client().get(&url).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(&body[..], b"{\"keys\":[]}");
    }

    #[tokio::test]
    async fn another_status_is_refused_with_it() {
        let url = serve_once("HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\n\r\n").await;
        let error = client()
            .get(&url)
            .await
            .err()
            .unwrap_or_else(|| panic!("a 503 was taken"));
        assert!(error.contains("503"), "{error}");
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_refused() {
        let url = serve_once("HTTP/1.1 200 OK\r\ncontent-length: 18\r\n\r\n{\"keys\":[1,2,3,4]}").await;
        assert!(client().get(&url).await.is_err());
    }

    #[tokio::test]
    async fn a_silent_host_is_given_up_on() {
        let url = serve_once("").await;
        let error = client()
            .get(&url)
            .await
            .err()
            .unwrap_or_else(|| panic!("silence was taken"));
        assert!(error.contains("did not answer"), "{error}");
    }

    #[tokio::test]
    async fn nobody_listening_is_an_error_that_says_so() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("{e}"));
        let error = client()
            .get(&format!("http://127.0.0.1:{port}/keys"))
            .await
            .err()
            .unwrap_or_else(|| panic!("a closed port answered"));
        assert!(error.to_lowercase().contains("refused"), "{error}");
    }
}
