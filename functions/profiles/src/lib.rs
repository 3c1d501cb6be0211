//! The `profiles` Lambda: permanent customer profiles. Routes its paths internally; each
//! handler extracts typed inputs, calls the domain service and shapes the answer.

mod handlers;
pub mod openapi;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRef};
use axum::routing::{get, post};
use customers_domain::ProfileService;
use customers_domain::password::PasswordHasherConfig;
use customers_domain::time::SystemClock;
use customers_dynamodb::{DynamoProfileStore, StoreConfig, dynamodb_client};
use customers_http::middleware::{method_not_allowed, unknown_path};
use customers_http::{AuthConfig, JwtVerifier, with_contract_layers};
use std::sync::Arc;

/// What the handlers share: built once per Lambda instance, not per request.
#[derive(Clone)]
pub struct ProfilesState {
    pub service: Arc<ProfileService>,
    pub auth: Arc<JwtVerifier>,
}

impl FromRef<ProfilesState> for Arc<JwtVerifier> {
    fn from_ref(state: &ProfilesState) -> Self {
        state.auth.clone()
    }
}

/// How many customer numbers one instance reserves at a time.
pub const DEFAULT_NUMBER_BLOCK: u32 = 100;

impl ProfilesState {
    pub async fn from_env() -> Result<Self, String> {
        let store_config = StoreConfig::from_env()?;
        let auth = AuthConfig::from_env()?;
        let block = std::env::var("CUSTOMER_NUMBER_BLOCK")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_NUMBER_BLOCK);
        let client = dynamodb_client(&store_config).await;
        Self::new(client, &store_config.table_name, auth, block)
    }

    pub fn new(
        client: aws_sdk_dynamodb::Client,
        table: &str,
        auth: AuthConfig,
        number_block: u32,
    ) -> Result<Self, String> {
        let store = Arc::new(DynamoProfileStore::new(client, table));
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
}

pub fn router(state: ProfilesState) -> Router {
    let routes = Router::new()
        .route("/profiles", post(handlers::create).get(handlers::find))
        .route("/profiles/", post(handlers::create).get(handlers::find))
        .route("/profiles-search", get(handlers::search))
        .route("/profiles/bulk", post(handlers::bulk))
        .route(
            "/profiles/customer-ref/{customerRef}",
            get(handlers::get_by_ref),
        )
        .route(
            "/profiles/{customerNumber}",
            get(handlers::get).put(handlers::update),
        )
        .fallback(unknown_path)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(customers_http::BODY_LIMIT_BYTES))
        .with_state(state);
    with_contract_layers(routes)
}
