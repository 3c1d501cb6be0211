//! The TLS side of every outbound connection: rustls on ring, HTTP/1.1, over one of two root
//! sets compiled in. Reading the system's trust store instead was 12% of a cold start
//! (docs/performance.md).

use http::Uri;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{ClientConfig, RootCertStore};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// What every client connects with: TCP, then TLS for `https://`, within the connect timeout.
pub type Connector = TimedConnector<HttpsConnector<HttpConnector>>;

/// The roots of Amazon Trust Services, PEM: they sign the certificates of every AWS endpoint
/// (the four Amazon roots and the Starfield Services root they are cross-signed by, from
/// <https://www.amazontrust.com/repository/>).
pub(crate) const AMAZON_TRUST_SERVICES_ROOTS: &[u8] = include_bytes!("amazon-trust-services-roots.pem");

/// Which certificate authorities a client trusts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Roots {
    /// Amazon Trust Services alone: AWS endpoints.
    Amazon,
    /// Mozilla's set (`webpki-roots`): any public host, such as the token issuer.
    Public,
}

impl Roots {
    fn store(self) -> RootCertStore {
        match self {
            Roots::Amazon => {
                let mut store = RootCertStore::empty();
                // Each root is checked by a unit test; one that did not parse would only narrow
                // the set, never widen it.
                for certificate in CertificateDer::pem_slice_iter(AMAZON_TRUST_SERVICES_ROOTS).flatten() {
                    let _ = store.add(certificate);
                }
                store
            }
            Roots::Public => RootCertStore {
                roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
            },
        }
    }
}

/// The TLS settings of the clients trusting `roots`, built once per process: they hold no
/// connection and no runtime, so every client of an instance shares them (`change-events` has
/// four), and each cold start parses the roots once.
pub fn tls_config(roots: Roots) -> Result<Arc<ClientConfig>, String> {
    static AMAZON: OnceLock<Result<Arc<ClientConfig>, String>> = OnceLock::new();
    static PUBLIC: OnceLock<Result<Arc<ClientConfig>, String>> = OnceLock::new();
    let once = match roots {
        Roots::Amazon => &AMAZON,
        Roots::Public => &PUBLIC,
    };
    once.get_or_init(|| build_tls_config(roots)).clone()
}

fn build_tls_config(roots: Roots) -> Result<Arc<ClientConfig>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS configuration: {e}"))?
        .with_root_certificates(roots.store())
        .with_no_client_auth();
    Ok(Arc::new(config))
}

/// A connector for `https://` (verified as `tls` says) and plain `http://` (local emulators and
/// the test issuer), giving up on a connection not ready after `connect_timeout`: name lookup,
/// TCP and the TLS handshake together.
pub fn connector(tls: &Arc<ClientConfig>, connect_timeout: Option<Duration>) -> Connector {
    let mut tcp = HttpConnector::new();
    tcp.enforce_http(false);
    tcp.set_nodelay(true);
    let https = HttpsConnectorBuilder::new()
        .with_tls_config(ClientConfig::clone(tls))
        .https_or_http()
        .enable_http1()
        .wrap_connector(tcp);
    TimedConnector {
        inner: https,
        timeout: connect_timeout,
    }
}

/// A connector that gives up after a time: the failure is an I/O error of kind `TimedOut`,
/// which the SDK clients read as a timeout.
#[derive(Debug, Clone)]
pub struct TimedConnector<C> {
    inner: C,
    timeout: Option<Duration>,
}

impl<C> tower_service::Service<Uri> for TimedConnector<C>
where
    C: tower_service::Service<Uri>,
    C::Future: Send + 'static,
    C::Error: Into<BoxError>,
{
    type Response = C::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<C::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let connecting = self.inner.call(uri);
        let limit = self.timeout;
        Box::pin(async move {
            let Some(limit) = limit else {
                return connecting.await.map_err(Into::into);
            };
            match tokio::time::timeout(limit, connecting).await {
                Ok(connected) => connected.map_err(Into::into),
                Err(_) => Err(Box::new(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    format!("no connection within {limit:?}"),
                )) as BoxError),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compiled-in AWS roots are the five of Amazon Trust Services, and each one is taken.
    #[test]
    fn the_aws_trust_store_holds_the_five_amazon_trust_services_roots() {
        let pem = String::from_utf8_lossy(AMAZON_TRUST_SERVICES_ROOTS);
        assert_eq!(pem.matches("-----BEGIN CERTIFICATE-----").count(), 5);
        assert_eq!(Roots::Amazon.store().len(), 5);
    }

    /// The public set is Mozilla's, well over a hundred authorities, none of them dropped.
    #[test]
    fn the_public_trust_store_is_mozillas() {
        assert_eq!(Roots::Public.store().len(), webpki_roots::TLS_SERVER_ROOTS.len());
        assert!(Roots::Public.store().len() > 100);
    }

    /// Both sets make a TLS configuration on ring, speaking TLS 1.2 and 1.3.
    #[test]
    fn both_root_sets_make_a_tls_configuration() {
        for roots in [Roots::Amazon, Roots::Public] {
            assert!(tls_config(roots).is_ok(), "{roots:?}");
        }
    }
}
