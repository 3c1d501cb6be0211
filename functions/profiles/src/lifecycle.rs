//! Handlers of a permanent profile's lifecycle: deactivate, restore, connect.

use crate::State;
use axum::Json;
use axum::extract::State as Serve;
use axum::response::Response;
use customers_contract::ErrorResponse;
use customers_contract::lifecycle::{
    CustomerConnectRequest, CustomerConnectResponse, DeactivateCustomerRequest, RestoreCustomerRequest,
};
use customers_contract::profile::CustomerResponse;
use customers_http::ApiError;
use customers_http::extract::{Authenticated, CustomerNumberPath, JsonBody};
use customers_http::respond::ok;

/// Deactivate a customer
///
/// The contract's way to delete a profile. Requires an expirationDate in the future (2 to 3 days
/// ahead is recommended): the profile gets status D, its email moves to emailOld so that a new
/// profile may take the address, and on the expiration date the profile and everything under it
/// is deleted. Until then it can be restored. A deactivated profile can no longer be changed.
#[utoipa::path(
    post, path = "/profiles/{customerNumber}/deactivate", tag = "Profiles client", operation_id = "deactivateCustomer",
    request_body = DeactivateCustomerRequest,
    params(("customerNumber" = i64, Path, description = "Customer number")),
    responses(
        (status = 200, description = "Deactivated", body = CustomerResponse, headers(("ETag" = String, description = "Version of the profile"))),
        (status = 409, description = "The profile is not active, or is temporary", body = ErrorResponse),
    )
)]
pub async fn deactivate(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
    body: JsonBody<DeactivateCustomerRequest>,
) -> Result<Response, ApiError> {
    let deactivation = body.value.parse(s.clock.now())?;
    let customer = s
        .serve
        .lifecycle
        .deactivate(auth.organisation, number, deactivation)
        .await?;
    Ok(ok(CustomerResponse::of(&customer, false), customer.version))
}

/// Restore a deactivated customer
///
/// Brings a deactivated profile back to status A with its email, before its expiration date.
/// Refused (409) if another profile has taken the email meanwhile.
#[utoipa::path(
    post, path = "/profiles/{customerNumber}/restore", tag = "Profiles client", operation_id = "restoreCustomer",
    request_body = RestoreCustomerRequest,
    params(("customerNumber" = i64, Path, description = "Customer number")),
    responses(
        (status = 200, description = "Restored", body = CustomerResponse, headers(("ETag" = String, description = "Version of the profile"))),
        (status = 409, description = "The profile is not deactivated, or its email has been taken", body = ErrorResponse),
    )
)]
pub async fn restore(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
    body: JsonBody<RestoreCustomerRequest>,
) -> Result<Response, ApiError> {
    let restoration = body.value.parse()?;
    let customer = s
        .serve
        .lifecycle
        .restore(auth.organisation, number, restoration)
        .await?;
    Ok(ok(CustomerResponse::of(&customer, false), customer.version))
}

/// Connect a profile to this profile
///
/// Merges the profile `customerNumberToConnect` (temporary or permanent) into the permanent
/// profile in the path: the merged profile becomes Passive and points to this one, which lists
/// it in relatedCustomerNumbers. `GET /profiles/{merged number}` then answers with this profile.
#[utoipa::path(
    post, path = "/profiles/{customerNumber}/connect", tag = "Profiles client", operation_id = "connectCustomer",
    request_body = CustomerConnectRequest,
    params(("customerNumber" = i64, Path, description = "Customer number of the surviving profile")),
    responses(
        (status = 200, description = "Connected", body = CustomerConnectResponse),
        (status = 409, description = "One of the profiles cannot be connected in its state", body = ErrorResponse),
    )
)]
pub async fn connect(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
    body: JsonBody<CustomerConnectRequest>,
) -> Result<Json<CustomerConnectResponse>, ApiError> {
    let connection = body.value.parse(&auth.client_name)?;
    let connected = s.serve.lifecycle.connect(auth.organisation, number, connection).await?;
    Ok(Json(CustomerConnectResponse::of(&connected)))
}
