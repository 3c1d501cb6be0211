//! The `preferences` Lambda: the organisation's own catalogue of preferences, and each
//! customer's chosen preferences with their values.

mod handlers;
pub mod openapi;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get};
use customers_http::middleware::{method_not_allowed, unknown_path};
use customers_http::{ApiState, with_contract_layers};

pub fn router(state: ApiState) -> Router {
    let routes = Router::new()
        .route("/preferences", get(handlers::list).post(handlers::add))
        .route(
            "/preferences/{preferenceId}",
            get(handlers::get).put(handlers::update).delete(handlers::remove),
        )
        .route(
            "/profiles/{customerNumber}/preferences",
            get(handlers::customer_list)
                .post(handlers::customer_add)
                .put(handlers::customer_replace),
        )
        .route(
            "/profiles/{customerNumber}/preferences/{preferenceId}",
            delete(handlers::customer_remove),
        )
        .fallback(unknown_path)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(customers_http::BODY_LIMIT_BYTES))
        .with_state(state);
    with_contract_layers(routes)
}
