//! The `customer-accounts` Lambda (account-based ticketing): a customer's accounts, their
//! default, and the profile that owns an account id.

mod handlers;
pub mod openapi;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use customers_http::middleware::{method_not_allowed, unknown_path};
use customers_http::{ApiState, with_contract_layers};

pub fn router(state: ApiState) -> Router {
    let routes = Router::new()
        .route(
            "/profiles/{customerNumber}/customer-accounts",
            get(handlers::list).post(handlers::add),
        )
        .route(
            "/profiles/{customerNumber}/customer-accounts/{accountId}",
            axum::routing::patch(handlers::patch).delete(handlers::delete),
        )
        .route("/profiles/customer-accounts/{accountId}", get(handlers::owner))
        .fallback(unknown_path)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(customers_http::BODY_LIMIT_BYTES))
        .with_state(state);
    with_contract_layers(routes)
}
