//! HTTP handlers of the temporary-profiles group. Thin: extract, call the capability, answer.

use crate::State;
use axum::extract::State as Serve;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use customers_contract::ErrorResponse;
use customers_contract::profile::CustomerResponse;
use customers_contract::temporary::{
    ConvertTemporaryCustomerRequest, TemporaryCustomerPostRequest, TemporaryCustomerPutRequest,
    TemporaryCustomerResponse,
};
use customers_http::ApiError;
use customers_http::extract::{Authenticated, CustomerNumberPath, JsonBody, idempotency, if_match};
use customers_http::respond::{created_profile, ok};

/// Create temporary profile
///
/// Creates a profile for an anonymous purchase. Only createdBy, createdByChannel and
/// expirationDate are required. The profile cannot be used after its expiration date: it answers
/// 404 from then on and is deleted with everything under it. A temporary profile does not hold
/// its email exclusively.
#[utoipa::path(
    post, path = "/profiles/temporary", tag = "Temporary profiles client", operation_id = "createTemporaryProfile",
    request_body = TemporaryCustomerPostRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create safe for 24 hours")),
    responses((status = 201, description = "Created", body = TemporaryCustomerResponse,
        headers(("ETag" = String, description = "Version of the profile"), ("Location" = String, description = "Path of the new profile"))))
)]
pub async fn create(
    Serve(s): Serve<State>,
    auth: Authenticated,
    headers: HeaderMap,
    body: JsonBody<TemporaryCustomerPostRequest>,
) -> Result<Response, ApiError> {
    let keyed = idempotency(&headers, &body.raw)?;
    let new = body.value.parse(auth.organisation, s.clock.now())?;
    let created = s.serve.create(auth.organisation, new, keyed).await?;
    let location = format!("/profiles/temporary/{}", created.customer().customer_number);
    Ok(created_profile(&created, &location, TemporaryCustomerResponse::of))
}

/// Get temporary profile
#[utoipa::path(
    get, path = "/profiles/temporary/{customerNumber}", tag = "Temporary profiles client", operation_id = "getTemporaryProfile",
    params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 200, description = "OK", body = TemporaryCustomerResponse, headers(("ETag" = String, description = "Version of the profile"))))
)]
pub async fn get(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
) -> Result<Response, ApiError> {
    let customer = s.serve.get(auth.organisation, number).await?;
    Ok(ok(TemporaryCustomerResponse::of(&customer), customer.version))
}

/// Update temporary profile
///
/// Updates the temporary customer profile with the value provided. All fields are overwritten.
/// A new expirationDate moves the deletion of every item of the profile.
#[utoipa::path(
    put, path = "/profiles/temporary/{customerNumber}", tag = "Temporary profiles client", operation_id = "updateTemporaryProfileByCustomerNumber",
    request_body = TemporaryCustomerPutRequest,
    params(
        ("customerNumber" = i64, Path, description = "Customer number"),
        ("If-Match" = Option<String>, Header, description = "ETag of the version this update is based on"),
    ),
    responses(
        (status = 200, description = "OK", body = TemporaryCustomerResponse, headers(("ETag" = String, description = "Version of the profile"))),
        (status = 412, description = "If-Match names a version that is no longer current", body = ErrorResponse),
    )
)]
pub async fn update(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
    headers: HeaderMap,
    body: JsonBody<TemporaryCustomerPutRequest>,
) -> Result<Response, ApiError> {
    let expected = if_match(&headers)?;
    let update = body.value.parse(s.clock.now())?;
    let customer = s
        .serve
        .update(auth.organisation, number, update, expected.as_ref())
        .await?;
    Ok(ok(TemporaryCustomerResponse::of(&customer), customer.version))
}

/// Delete temporary profile
///
/// Deletes the profile and everything under it at once.
#[utoipa::path(
    delete, path = "/profiles/temporary/{customerNumber}", tag = "Temporary profiles client", operation_id = "deleteTemporaryProfile",
    params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 204, description = "Deleted"))
)]
pub async fn delete(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
) -> Result<StatusCode, ApiError> {
    s.serve.delete(auth.organisation, number).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Convert temporary profile to permanent
///
/// The same customer number becomes a permanent (S) profile with no expiration date. Email and
/// password are optional; an email given (or the one the profile had) becomes unique in the
/// organisation, so a taken email is refused with 409.
#[utoipa::path(
    post, path = "/profiles/temporary/{customerNumber}/convert", tag = "Temporary profiles client", operation_id = "convertTemporaryProfile",
    request_body = ConvertTemporaryCustomerRequest,
    params(("customerNumber" = i64, Path, description = "Customer number")),
    responses(
        (status = 200, description = "Converted", body = CustomerResponse, headers(("ETag" = String, description = "Version of the profile"))),
        (status = 409, description = "The email or customerRef is taken, or the profile is no longer temporary", body = ErrorResponse),
    )
)]
pub async fn convert(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
    body: JsonBody<ConvertTemporaryCustomerRequest>,
) -> Result<Response, ApiError> {
    let conversion = body.value.parse()?;
    let customer = s.serve.convert(auth.organisation, number, conversion).await?;
    Ok(ok(CustomerResponse::of(&customer, false), customer.version))
}
