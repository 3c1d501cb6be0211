//! The OpenAPI description of the preferences group.

use customers_contract::preferences::{
    CustomerPreferenceRequest, CustomerPreferenceResponse, PreferenceRequest, PreferenceResponse,
};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(
        crate::catalogue::list, crate::catalogue::add, crate::catalogue::get, crate::catalogue::update, crate::catalogue::remove,
        crate::choices::list, crate::choices::add, crate::choices::replace, crate::choices::remove,
    ),
    components(schemas(PreferenceRequest, PreferenceResponse, CustomerPreferenceRequest, CustomerPreferenceResponse)),
    tags(
        (name = "Preferences admin", description = "Api for creating, fetching, modifying and deleting preferences a customer can have"),
        (name = "Preferences client", description = "A customer's chosen preferences and their values."),
    )
)]
pub struct PreferencesApi;
