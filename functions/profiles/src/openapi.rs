//! The OpenAPI 3.1 description of the profiles group, generated from the handlers and types.

use customers_domain::contract::{
    CustomerPostRequest, CustomerPutRequest, CustomerResponse, ListCustomerResponse, LocalDateResponse,
    PageCustomerResponse, ProfilesBulkRequest,
};
use customers_domain::lifecycle::{
    CustomerConnectRequest, CustomerConnectResponse, DeactivateCustomerRequest, RestoreCustomerRequest,
};
use customers_http::{ErrorResponse, ErrorSpecification};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(
        crate::handlers::create,
        crate::handlers::get,
        crate::handlers::update,
        crate::handlers::find,
        crate::handlers::search,
        crate::handlers::bulk,
        crate::handlers::get_by_ref,
        crate::handlers::deactivate,
        crate::handlers::restore,
        crate::handlers::connect,
        crate::resources::list_addresses,
        crate::resources::add_address,
        crate::resources::replace_address,
        crate::resources::delete_address,
        crate::resources::list_ecards,
        crate::resources::add_ecard,
        crate::resources::replace_ecard,
        crate::resources::delete_ecard,
        crate::resources::list_notes,
        crate::resources::add_note,
        crate::resources::delete_note,
    ),
    components(schemas(
        CustomerPostRequest, CustomerPutRequest, CustomerResponse, ListCustomerResponse, LocalDateResponse,
        PageCustomerResponse, ProfilesBulkRequest, ErrorResponse, ErrorSpecification,
        DeactivateCustomerRequest, RestoreCustomerRequest, CustomerConnectRequest, CustomerConnectResponse,
    )),
    tags((name = "Profiles client", description = "Api for creating, fetching, modifying and deleting customers and related information."))
)]
pub struct ProfilesApi;
