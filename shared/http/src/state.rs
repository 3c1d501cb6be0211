//! What the handlers of every function share: built once per Lambda instance, not per request.

use crate::auth::{AuthConfig, JwtVerifier};
use axum::extract::FromRef;
use customers_domain::ProfileService;
use customers_domain::password::PasswordHasherConfig;
use customers_domain::store::ProfileStore;
use customers_domain::time::SystemClock;
use std::sync::Arc;

/// How many customer numbers one instance reserves at a time (`CUSTOMER_NUMBER_BLOCK`).
pub const DEFAULT_NUMBER_BLOCK: u32 = 100;

#[derive(Clone)]
pub struct ApiState {
    pub service: Arc<ProfileService>,
    pub auth: Arc<JwtVerifier>,
}

impl FromRef<ApiState> for Arc<JwtVerifier> {
    fn from_ref(state: &ApiState) -> Self {
        state.auth.clone()
    }
}

impl ApiState {
    pub fn new(store: Arc<dyn ProfileStore>, auth: AuthConfig, number_block: u32) -> Result<Self, String> {
        let service = ProfileService::new(
            store,
            Arc::new(SystemClock),
            number_block,
            PasswordHasherConfig::default(),
        );
        Ok(Self {
            service: Arc::new(service),
            auth: Arc::new(JwtVerifier::new(auth)?),
        })
    }

    /// The number block from the environment, or the default.
    pub fn number_block_from_env() -> u32 {
        std::env::var("CUSTOMER_NUMBER_BLOCK")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_NUMBER_BLOCK)
    }
}
