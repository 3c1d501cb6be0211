//! The configuration every AWS SDK client is built from.
//!
//! A Lambda finds all it needs in its environment: `AWS_REGION` and the execution role's
//! credentials (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`). aws-config's
//! chain of profiles, SSO, web identity and instance metadata serves other hosts, and carried an
//! STS client into every binary; it is not used (docs/performance.md). Retries, timeouts and the
//! rest of the SDK's behaviour are its defaults for the latest behaviour version.

use crate::sdk_http::SdkHttpClient;
use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use aws_smithy_async::rt::sleep::TokioSleep;
use aws_smithy_async::time::SystemTimeSource;
use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
use aws_types::SdkConfig;
use aws_types::region::Region;
use aws_types::sdk_config::Builder;

/// The region of a local run when `AWS_REGION` is not set.
const LOCAL_REGION: &str = "eu-north-1";

/// The SDK configuration, open for a client to add its own timeouts and retries. With
/// `endpoint`, for a local emulator (DynamoDB Local, moto): fixed credentials and region, so a
/// local run does not depend on the developer's AWS profile.
pub fn sdk_config(endpoint: Option<&str>) -> Result<Builder, String> {
    let region = std::env::var("AWS_REGION").ok().filter(|r| !r.is_empty());
    let builder = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .http_client(SdkHttpClient::new()?)
        .sleep_impl(TokioSleep::new())
        .time_source(SystemTimeSource::new());
    Ok(match endpoint {
        None => builder
            .region(region.map(Region::new))
            .credentials_provider(SharedCredentialsProvider::new(EnvironmentCredentials)),
        Some(endpoint) => builder
            .endpoint_url(endpoint)
            .region(Region::new(region.unwrap_or_else(|| LOCAL_REGION.to_string())))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "local",
                "local",
                None,
                None,
                "customers-local",
            ))),
    })
}

/// The execution role's credentials, as Lambda puts them in the environment. Read at each
/// signing (the SDK caches them), so a missing variable fails the call that needs it, with a
/// message naming it, rather than the start of a function that may not call AWS at all.
#[derive(Debug)]
struct EnvironmentCredentials;

impl ProvideCredentials for EnvironmentCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(credentials_from(|name| std::env::var(name).ok()))
    }
}

fn credentials_from(variable: impl Fn(&str) -> Option<String>) -> Result<Credentials, CredentialsError> {
    let read = |name: &str| variable(name).filter(|v| !v.trim().is_empty());
    let missing = |name: &str| CredentialsError::not_loaded(format!("{name} is not set"));
    let access_key = read("AWS_ACCESS_KEY_ID").ok_or_else(|| missing("AWS_ACCESS_KEY_ID"))?;
    let secret_key = read("AWS_SECRET_ACCESS_KEY").ok_or_else(|| missing("AWS_SECRET_ACCESS_KEY"))?;
    Ok(Credentials::new(
        access_key,
        secret_key,
        read("AWS_SESSION_TOKEN"),
        None,
        "environment",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn environment(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn the_roles_credentials_are_read_with_their_session_token() {
        let credentials = credentials_from(environment(&[
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_SESSION_TOKEN", "session"),
        ]))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(credentials.access_key_id(), "AKIDEXAMPLE");
        assert_eq!(credentials.secret_access_key(), "secret");
        assert_eq!(credentials.session_token(), Some("session"));
    }

    #[test]
    fn long_term_keys_need_no_session_token() {
        let credentials = credentials_from(environment(&[
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", "secret"),
            ("AWS_SESSION_TOKEN", ""),
        ]))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(credentials.session_token(), None);
    }

    #[test]
    fn a_missing_or_blank_key_is_named() {
        for pairs in [
            vec![("AWS_SECRET_ACCESS_KEY", "secret")],
            vec![("AWS_ACCESS_KEY_ID", " "), ("AWS_SECRET_ACCESS_KEY", "secret")],
        ] {
            let error = credentials_from(environment(&pairs))
                .err()
                .unwrap_or_else(|| panic!("credentials without an access key"));
            assert!(format!("{error:?}").contains("AWS_ACCESS_KEY_ID"), "{error:?}");
        }
        let error = credentials_from(environment(&[("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")]))
            .err()
            .unwrap_or_else(|| panic!("credentials without a secret key"));
        assert!(format!("{error:?}").contains("AWS_SECRET_ACCESS_KEY"), "{error:?}");
    }
}
