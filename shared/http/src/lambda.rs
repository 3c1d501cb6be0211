//! What every HTTP function's `main` does: telemetry, settings from the environment, the
//! router wired once per instance, and the Lambda runtime.

use crate::auth::{AuthConfig, JwtVerifier};
use crate::middleware::RequestScope;
use axum::Router;
use customers_contract::routes::Function;
use customers_domain::clock::{Clock, SystemClock};
use customers_domain::credentials::PasswordHasher;
use customers_domain::deadline::{SystemTimer, Timer};
use customers_telemetry::metrics::{MetricsSink, StdoutMetrics};
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// How many customer numbers one instance reserves at a time (`CUSTOMER_NUMBER_BLOCK`).
pub const DEFAULT_NUMBER_BLOCK: u32 = 100;

/// The longest a request may take (`REQUEST_BUDGET_MS`), under the functions' 10-second
/// timeout; under Lambda the invocation's own deadline (less a margin) bounds it too.
pub const DEFAULT_REQUEST_BUDGET: Duration = Duration::from_secs(8);

/// What a function is configured with, besides its store.
#[derive(Clone)]
pub struct Settings {
    pub auth: Arc<JwtVerifier>,
    pub clock: Arc<dyn Clock>,
    pub number_block: u32,
    pub hasher: PasswordHasher,
    /// Measures requests and keeps their deadlines.
    pub timer: Arc<dyn Timer>,
    pub request_budget: Duration,
    pub metrics: Arc<dyn MetricsSink>,
}

impl Settings {
    pub fn new(auth: AuthConfig, clock: Arc<dyn Clock>, number_block: u32) -> Result<Self, String> {
        Ok(Self {
            auth: Arc::new(JwtVerifier::new(auth, clock.clone())?),
            clock,
            number_block,
            hasher: PasswordHasher::default(),
            timer: Arc::new(SystemTimer::new()),
            request_budget: DEFAULT_REQUEST_BUDGET,
            metrics: Arc::new(StdoutMetrics),
        })
    }

    /// `JWT_JWKS_URL`, `JWT_ISSUER`, `JWT_AUDIENCE`, `CUSTOMER_NUMBER_BLOCK` and
    /// `REQUEST_BUDGET_MS`.
    pub fn from_env() -> Result<Self, String> {
        let block = std::env::var("CUSTOMER_NUMBER_BLOCK")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_NUMBER_BLOCK);
        let budget = std::env::var("REQUEST_BUDGET_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(DEFAULT_REQUEST_BUDGET, Duration::from_millis);
        Ok(Self::new(AuthConfig::from_env()?, Arc::new(SystemClock), block)?.with_request_budget(budget))
    }

    pub fn with_timer(self, timer: Arc<dyn Timer>) -> Self {
        Self { timer, ..self }
    }

    pub fn with_request_budget(self, request_budget: Duration) -> Self {
        Self { request_budget, ..self }
    }

    pub fn with_metrics(self, metrics: Arc<dyn MetricsSink>) -> Self {
        Self { metrics, ..self }
    }

    /// What the request layers of `function` need.
    pub fn scope(&self, function: Function) -> RequestScope {
        RequestScope {
            function,
            timer: self.timer.clone(),
            budget: self.request_budget,
            metrics: self.metrics.clone(),
            clock: self.clock.clone(),
        }
    }
}

/// Serves the router `build` makes under the Lambda runtime. A missing setting ends the
/// instance with the reason logged.
pub async fn run(build: impl Future<Output = Result<Router, String>>) -> Result<(), lambda_http::Error> {
    customers_telemetry::init();
    let router = build.await.map_err(|e| {
        tracing::error!(error = %e, "the function cannot start");
        lambda_http::Error::from(e)
    })?;
    lambda_http::run(router).await
}

/// A function's state: its capabilities, wired once per instance, with the token verifier and
/// the clock every handler shares.
pub struct Served<C> {
    pub auth: Arc<JwtVerifier>,
    pub clock: Arc<dyn Clock>,
    pub serve: Arc<C>,
}

impl<C> Clone for Served<C> {
    fn clone(&self) -> Self {
        Self {
            auth: self.auth.clone(),
            clock: self.clock.clone(),
            serve: self.serve.clone(),
        }
    }
}

impl<C> Served<C> {
    pub fn new(settings: &Settings, capabilities: C) -> Self {
        Self {
            auth: settings.auth.clone(),
            clock: settings.clock.clone(),
            serve: Arc::new(capabilities),
        }
    }
}

impl<C> axum::extract::FromRef<Served<C>> for Arc<JwtVerifier> {
    fn from_ref(state: &Served<C>) -> Self {
        state.auth.clone()
    }
}
