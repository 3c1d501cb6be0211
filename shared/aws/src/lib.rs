//! The functions' outbound HTTPS, and the AWS SDK configuration built on it.
//!
//! One stack serves every call a function makes: hyper's pooled HTTP/1.1 client on rustls with
//! ring, the one crypto library the functions carry. The SDK clients trust the roots of Amazon
//! Trust Services and the token issuer's keys are read trusting Mozilla's, both compiled in.
//! This replaces aws-config, the SDK's own HTTP client and reqwest, which together were 1.2 MiB
//! of each binary's 6.1 MiB of code (docs/performance.md).
//!
//! Each SDK client gets a pool of connections of its own, built once per instance: a pool shared
//! by the whole process would keep connections whose tasks belong to one tokio runtime, and the
//! tests run many. The TLS settings, which hold neither, are built once per process.

mod sdk_config;
mod sdk_http;
#[cfg(test)]
mod test_servers;
mod tls;
mod web;

pub use sdk_config::sdk_config;
pub use sdk_http::SdkHttpClient;
pub use web::WebClient;
