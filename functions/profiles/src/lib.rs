//! The `profiles` Lambda: permanent customer profiles and their lifecycle. Routes its paths
//! internally; each handler extracts typed inputs, calls the domain service and shapes the answer.

mod handlers;
pub mod openapi;
mod resources;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post, put};
use customers_http::middleware::{method_not_allowed, unknown_path};
use customers_http::{ApiState, with_contract_layers};

pub fn router(state: ApiState) -> Router {
    let routes = Router::new()
        .route("/profiles", post(handlers::create).get(handlers::find))
        .route("/profiles/", post(handlers::create).get(handlers::find))
        .route("/profiles-search", get(handlers::search))
        .route("/profiles/bulk", post(handlers::bulk))
        .route("/profiles/customer-ref/{customerRef}", get(handlers::get_by_ref))
        .route("/profiles/{customerNumber}", get(handlers::get).put(handlers::update))
        .route("/profiles/{customerNumber}/deactivate", post(handlers::deactivate))
        .route("/profiles/{customerNumber}/restore", post(handlers::restore))
        .route("/profiles/{customerNumber}/connect", post(handlers::connect))
        .route(
            "/profiles/{customerNumber}/postal-addresses",
            get(resources::list_addresses).post(resources::add_address),
        )
        .route(
            "/profiles/{customerNumber}/postal-addresses/{addressId}",
            put(resources::replace_address).delete(resources::delete_address),
        )
        .route(
            "/profiles/{customerNumber}/ecards",
            get(resources::list_ecards).post(resources::add_ecard),
        )
        .route(
            "/profiles/{customerNumber}/ecards/{ecardId}",
            put(resources::replace_ecard).delete(resources::delete_ecard),
        )
        .route(
            "/profiles/{customerNumber}/notes",
            get(resources::list_notes).post(resources::add_note),
        )
        .route(
            "/profiles/{customerNumber}/notes/{noteId}",
            delete(resources::delete_note),
        )
        .fallback(unknown_path)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(customers_http::BODY_LIMIT_BYTES))
        .with_state(state);
    with_contract_layers(routes)
}
