//! The OpenAPI description of the temporary-profiles group, generated from the handlers and types.

use customers_contract::temporary::{
    ConvertTemporaryCustomerRequest, TemporaryCustomerPostRequest, TemporaryCustomerPutRequest,
    TemporaryCustomerResponse,
};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(
        crate::handlers::create,
        crate::handlers::get,
        crate::handlers::update,
        crate::handlers::delete,
        crate::handlers::convert,
    ),
    components(schemas(
        TemporaryCustomerPostRequest, TemporaryCustomerPutRequest, TemporaryCustomerResponse, ConvertTemporaryCustomerRequest,
    )),
    tags((name = "Temporary profiles client", description = "Api for creating, fetching, modifying and deleting temporary customer profiles."))
)]
pub struct TemporaryProfilesApi;
