//! HTTP handlers of the credentials group. Thin: extract, call the service, answer. No request
//! body of this group is ever logged.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use customers_domain::contract::CustomerResponse;
use customers_domain::credentials::{
    ChangePasswordRequest, GeneratePasswordRequest, GeneratePasswordResponse, NewPasswordRequest,
    VerifyCredentialsRequest,
};
use customers_http::extract::{Authenticated, CustomerNumberPath, JsonBody};
use customers_http::respond::with_etag;
use customers_http::{ApiError, ApiState};

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
        (status = 403, description = "The email or password is wrong (errorCode 710)", body = customers_http::ErrorResponse),
        (status = 429, description = "Too many failed attempts (errorCode 729); see Retry-After", body = customers_http::ErrorResponse),
    )
)]
pub async fn verify(
    State(state): State<ApiState>,
    auth: Authenticated,
    body: JsonBody<VerifyCredentialsRequest>,
) -> Result<Response, ApiError> {
    let customer = state.service.verify_credentials(auth.caller, &body.value).await?;
    Ok(with_etag(
        Json(customer.to_response(false)).into_response(),
        &customer.etag(),
    ))
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
    State(state): State<ApiState>,
    auth: Authenticated,
    body: JsonBody<GeneratePasswordRequest>,
) -> Result<Json<GeneratePasswordResponse>, ApiError> {
    Ok(Json(
        state
            .service
            .generate_password(auth.caller, &body.value, &auth.client_name)
            .await?,
    ))
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
    State(state): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
    body: JsonBody<NewPasswordRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .service
        .set_password(auth.caller, number, &body.value, &auth.client_name)
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
        (status = 403, description = "The old password is wrong (errorCode 710)", body = customers_http::ErrorResponse),
    )
)]
pub async fn change(
    State(state): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
    body: JsonBody<ChangePasswordRequest>,
) -> Result<StatusCode, ApiError> {
    state
        .service
        .change_password(auth.caller, number, &body.value, &auth.client_name)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
