//! The OpenAPI 3.1 description of the profiles group, generated from the handlers and types.

use customers_contract::addresses::{PostalAddressRequest, PostalAddressResponse};
use customers_contract::ecards::{EcardOwnershipRequest, EcardOwnershipResponse};
use customers_contract::lifecycle::{
    CustomerConnectRequest, CustomerConnectResponse, DeactivateCustomerRequest, RestoreCustomerRequest,
};
use customers_contract::notes::{NoteRequest, NoteResponse};
use customers_contract::profile::{
    CustomerPostRequest, CustomerPutRequest, CustomerResponse, ListCustomerResponse, LocalDateResponse,
    PageCustomerResponse, ProfilesBulkRequest,
};
use customers_contract::{ErrorResponse, ErrorSpecification};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(
        crate::profiles::create,
        crate::profiles::get,
        crate::profiles::update,
        crate::profiles::find,
        crate::profiles::search,
        crate::profiles::bulk,
        crate::profiles::get_by_ref,
        crate::lifecycle::deactivate,
        crate::lifecycle::restore,
        crate::lifecycle::connect,
        crate::addresses::list,
        crate::addresses::add,
        crate::addresses::replace,
        crate::addresses::delete,
        crate::ecards::list,
        crate::ecards::add,
        crate::ecards::replace,
        crate::ecards::delete,
        crate::notes::list,
        crate::notes::add,
        crate::notes::delete,
    ),
    components(schemas(
        CustomerPostRequest, CustomerPutRequest, CustomerResponse, ListCustomerResponse, LocalDateResponse,
        PageCustomerResponse, ProfilesBulkRequest, ErrorResponse, ErrorSpecification,
        DeactivateCustomerRequest, RestoreCustomerRequest, CustomerConnectRequest, CustomerConnectResponse,
        PostalAddressRequest, PostalAddressResponse, EcardOwnershipRequest, EcardOwnershipResponse,
        NoteRequest, NoteResponse,
    )),
    tags((name = "Profiles client", description = "Api for creating, fetching, modifying and deleting customers and related information."))
)]
pub struct ProfilesApi;
