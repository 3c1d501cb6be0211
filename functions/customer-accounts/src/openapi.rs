//! The OpenAPI description of the customer-accounts group.

use customers_contract::accounts::{CustomerAccountPatchRequest, CustomerAccountRequest, CustomerAccountResponse};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(crate::handlers::list, crate::handlers::add, crate::handlers::patch, crate::handlers::delete, crate::handlers::owner),
    components(schemas(CustomerAccountRequest, CustomerAccountPatchRequest, CustomerAccountResponse)),
    tags((name = "Customer accounts client", description = "Api for creating, fetching and modifying customers account ids."))
)]
pub struct CustomerAccountsApi;
