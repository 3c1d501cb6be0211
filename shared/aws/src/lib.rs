//! What every AWS SDK client of the functions shares: one HTTPS client and the configuration
//! loader built on it.
//!
//! The client is rustls on ring, the one crypto library the functions carry (reqwest fetches
//! the token issuer's keys over rustls on ring too); the SDK's default client would add aws-lc,
//! 1.3 MiB of code in every binary. It trusts the roots of Amazon Trust Services, which sign the
//! certificates of every AWS endpoint (the four Amazon roots and the Starfield Services root
//! they are cross-signed by, from <https://www.amazontrust.com/repository/>), compiled in:
//! loading the system's trust store instead was 12% of a cold start (docs/performance.md).
//! Each SDK client gets a client of its own, built once per instance: a client shared by the
//! whole process would keep connections whose tasks belong to one tokio runtime, and the tests
//! run many.

use aws_config::{BehaviorVersion, ConfigLoader, Region};
use aws_smithy_http_client::Builder;
use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

/// The roots of Amazon Trust Services, PEM.
const AMAZON_TRUST_SERVICES_ROOTS: &[u8] = include_bytes!("amazon-trust-services-roots.pem");

/// The SDK's configuration loader over the shared HTTPS (and, for local emulators, plain HTTP)
/// client. With `endpoint`, for a local emulator (DynamoDB Local, moto): fixed credentials and
/// region, so a local run does not depend on the developer's AWS profile.
pub fn config_loader(endpoint: Option<&str>) -> ConfigLoader {
    let loader = aws_config::defaults(BehaviorVersion::latest()).http_client(https_client());
    match endpoint {
        None => loader,
        Some(endpoint) => loader
            .endpoint_url(endpoint)
            .region(Region::new(
                std::env::var("AWS_REGION").unwrap_or_else(|_| "eu-north-1".to_string()),
            ))
            .credentials_provider(aws_credential_types::Credentials::new(
                "local",
                "local",
                None,
                None,
                "customers-local",
            )),
    }
}

/// An HTTPS client on rustls with ring, trusting the Amazon Trust Services roots.
fn https_client() -> SharedHttpClient {
    let trust = TrustStore::empty().with_pem_certificate(AMAZON_TRUST_SERVICES_ROOTS);
    // The builder does not check the PEM; should it ever refuse the roots, the system's trust
    // store (its default) still verifies AWS endpoints.
    let context = TlsContext::builder()
        .with_trust_store(trust)
        .build()
        .unwrap_or_default();
    Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .tls_context(context)
        .build_https()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The compiled-in roots are the five of Amazon Trust Services, each a certificate.
    #[test]
    fn the_trust_store_holds_the_five_amazon_trust_services_roots() {
        let pem = String::from_utf8_lossy(AMAZON_TRUST_SERVICES_ROOTS);
        assert_eq!(pem.matches("-----BEGIN CERTIFICATE-----").count(), 5);
        assert_eq!(pem.matches("-----END CERTIFICATE-----").count(), 5);
        assert!(
            TlsContext::builder()
                .with_trust_store(TrustStore::empty().with_pem_certificate(AMAZON_TRUST_SERVICES_ROOTS))
                .build()
                .is_ok()
        );
    }
}
