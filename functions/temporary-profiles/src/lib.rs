//! The `temporary-profiles` Lambda: profiles for anonymous purchases. They carry an expiration
//! date, after which they are gone (404 at once, deleted by DynamoDB's TTL soon after), and can
//! be converted to a permanent profile before then.

mod handlers;
pub mod openapi;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use customers_http::middleware::{method_not_allowed, unknown_path};
use customers_http::{ApiState, with_contract_layers};

pub fn router(state: ApiState) -> Router {
    let routes = Router::new()
        .route("/profiles/temporary", post(handlers::create))
        .route(
            "/profiles/temporary/{customerNumber}",
            get(handlers::get).put(handlers::update).delete(handlers::delete),
        )
        .route("/profiles/temporary/{customerNumber}/convert", post(handlers::convert))
        .fallback(unknown_path)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(customers_http::BODY_LIMIT_BYTES))
        .with_state(state);
    with_contract_layers(routes)
}
