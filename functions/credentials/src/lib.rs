//! The `credentials` Lambda (the contract's "Authentication admin"): verify credentials, set,
//! change and generate passwords. Passwords are kept only as Argon2id hashes.

mod handlers;
pub mod openapi;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{post, put};
use customers_http::middleware::{method_not_allowed, unknown_path};
use customers_http::{ApiState, with_contract_layers};

pub fn router(state: ApiState) -> Router {
    let routes = Router::new()
        .route("/profiles/verify-credentials", post(handlers::verify))
        .route("/profiles/generate-password", post(handlers::generate))
        .route("/profiles/{customerNumber}/password", put(handlers::set))
        .route("/profiles/{customerNumber}/change-password", post(handlers::change))
        .fallback(unknown_path)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(customers_http::BODY_LIMIT_BYTES))
        .with_state(state);
    with_contract_layers(routes)
}
