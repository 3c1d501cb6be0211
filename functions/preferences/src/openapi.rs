//! The OpenAPI description of the preferences group.

use customers_domain::resources::{
    CustomerPreferenceRequest, CustomerPreferenceResponse, PreferenceRequest, PreferenceResponse,
};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(
        crate::handlers::list, crate::handlers::add, crate::handlers::get, crate::handlers::update, crate::handlers::remove,
        crate::handlers::customer_list, crate::handlers::customer_add, crate::handlers::customer_replace, crate::handlers::customer_remove,
    ),
    components(schemas(PreferenceRequest, PreferenceResponse, CustomerPreferenceRequest, CustomerPreferenceResponse)),
    tags(
        (name = "Preferences admin", description = "Api for creating, fetching, modifying and deleting preferences a customer can have"),
        (name = "Preferences client", description = "A customer's chosen preferences and their values."),
    )
)]
pub struct PreferencesApi;
