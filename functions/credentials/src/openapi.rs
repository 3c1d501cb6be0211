//! The OpenAPI description of the credentials group, generated from the handlers and types.

use customers_contract::credentials::{
    ChangePasswordRequest, GeneratePasswordRequest, GeneratePasswordResponse, NewPasswordRequest,
    VerifyCredentialsRequest,
};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    paths(crate::handlers::verify, crate::handlers::generate, crate::handlers::set, crate::handlers::change),
    components(schemas(
        VerifyCredentialsRequest, GeneratePasswordRequest, GeneratePasswordResponse, NewPasswordRequest, ChangePasswordRequest,
    )),
    tags((name = "Authentication admin", description = "Api for verify credentials, generate and update password."))
)]
pub struct CredentialsApi;
