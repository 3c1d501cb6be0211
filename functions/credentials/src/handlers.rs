//! HTTP handlers of the credentials group. Thin: extract, call the capability, answer. No
//! request body of this group is ever logged.

use crate::State;
use axum::Json;
use axum::extract::State as Serve;
use axum::http::StatusCode;
use axum::response::Response;
use customers_contract::ErrorResponse;
use customers_contract::credentials::{
    ChangePasswordRequest, GeneratePasswordRequest, GeneratePasswordResponse, NewPasswordRequest,
    VerifyCredentialsRequest,
};
use customers_contract::profile::CustomerResponse;
use customers_domain::error::ensure_caller;
use customers_http::ApiError;
use customers_http::extract::{Authenticated, CustomerNumberPath, JsonBody};
use customers_http::respond::ok;

/// Verify credentials
///
/// Verify credentials for a customer. The customer is looked up based on the organisation Id of
/// the logged on user, combined with the email address provided in the input. Only an active
/// standard profile can sign in; a successful verification records lastSignInAt and
/// lastSignInFrom and returns the profile. Every failure (wrong password, unknown email, a profile
/// that may not sign in) answers the same 403 with errorCode 710, after the same work. Five
/// failures for one email within 15 minutes answer 429 until the window has passed.
#[utoipa::path(
    post, path = "/profiles/verify-credentials", tag = "Authentication admin", operation_id = "verifyCredentials",
    request_body = VerifyCredentialsRequest,
    responses(
        (status = 200, description = "OK", body = CustomerResponse),
        (status = 403, description = "The email or password is wrong (errorCode 710)", body = ErrorResponse),
        (status = 429, description = "Too many failed attempts (errorCode 729); see Retry-After", body = ErrorResponse),
    )
)]
pub async fn verify(
    Serve(s): Serve<State>,
    auth: Authenticated,
    body: JsonBody<VerifyCredentialsRequest>,
) -> Result<Response, ApiError> {
    let sign_in = body.value.parse()?;
    let customer = s.serve.sign_in(auth.organisation, sign_in).await?;
    Ok(ok(CustomerResponse::of(&customer, false), customer.version))
}

/// Generate password
///
/// Generates a new random password for the active standard profile with this email, stores its
/// hash and returns the password once.
#[utoipa::path(
    post, path = "/profiles/generate-password", tag = "Authentication admin", operation_id = "generatePassword",
    request_body = GeneratePasswordRequest,
    responses((status = 200, description = "OK", body = GeneratePasswordResponse))
)]
pub async fn generate(
    Serve(s): Serve<State>,
    auth: Authenticated,
    body: JsonBody<GeneratePasswordRequest>,
) -> Result<Json<GeneratePasswordResponse>, ApiError> {
    let (email, organisation) = body.value.parse()?;
    if let Some(given) = organisation {
        ensure_caller(given, auth.organisation)?;
    }
    let generated = s
        .serve
        .generate_password(auth.organisation, &email, auth.actor()?)
        .await?;
    Ok(Json(GeneratePasswordResponse::of(&generated)))
}

/// Set password
///
/// An administrator sets a new password for the profile.
#[utoipa::path(
    put, path = "/profiles/{customerNumber}/password", tag = "Authentication admin", operation_id = "setPassword",
    request_body = NewPasswordRequest,
    params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 204, description = "Set"))
)]
pub async fn set(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
    body: JsonBody<NewPasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let password = body.value.parse()?;
    s.serve
        .set_password(auth.organisation, number, password, auth.actor()?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Change password
///
/// Changes the password when the old one verifies (a wrong old password is 403, errorCode 710;
/// repeated failures are throttled as sign-ins are).
#[utoipa::path(
    post, path = "/profiles/{customerNumber}/change-password", tag = "Authentication admin", operation_id = "changePassword",
    request_body = ChangePasswordRequest,
    params(("customerNumber" = i64, Path, description = "Customer number")),
    responses(
        (status = 204, description = "Changed"),
        (status = 403, description = "The old password is wrong (errorCode 710)", body = ErrorResponse),
    )
)]
pub async fn change(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
    body: JsonBody<ChangePasswordRequest>,
) -> Result<StatusCode, ApiError> {
    let (old, new) = body.value.parse()?;
    s.serve
        .change_password(auth.organisation, number, old, new, auth.actor()?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
