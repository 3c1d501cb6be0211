//! HTTP handlers of the temporary-profiles group. Thin: extract, call the service, answer.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use customers_domain::Customer;
use customers_domain::contract::CustomerResponse;
use customers_domain::lifecycle::{
    ConvertTemporaryCustomerRequest, TemporaryCustomerPostRequest, TemporaryCustomerPutRequest,
    TemporaryCustomerResponse,
};
use customers_domain::service::Created;
use customers_http::extract::{Authenticated, CustomerNumberPath, JsonBody, idempotency_key, if_match};
use customers_http::respond::with_etag;
use customers_http::{ApiError, ApiState};

fn temporary(customer: &Customer) -> Response {
    with_etag(Json(customer.to_temporary_response()).into_response(), &customer.etag())
}

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
    State(state): State<ApiState>,
    auth: Authenticated,
    headers: HeaderMap,
    body: JsonBody<TemporaryCustomerPostRequest>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let created = state
        .service
        .create_temporary(auth.caller, &body.raw, &body.value, key)
        .await?;
    let (number, etag, mut response) = match created {
        Created::New(customer) => (
            customer.customer_number.value(),
            customer.etag(),
            (StatusCode::CREATED, Json(customer.to_temporary_response())).into_response(),
        ),
        Created::Replayed(record) => {
            let mut response = (StatusCode::CREATED, Json(record.response)).into_response();
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            (record.customer_number.value(), record.etag, response)
        }
    };
    if let Ok(v) = HeaderValue::from_str(&format!("/profiles/temporary/{number}")) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(with_etag(response, &etag))
}

/// Get temporary profile
#[utoipa::path(
    get, path = "/profiles/temporary/{customerNumber}", tag = "Temporary profiles client", operation_id = "getTemporaryProfile",
    params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 200, description = "OK", body = TemporaryCustomerResponse, headers(("ETag" = String, description = "Version of the profile"))))
)]
pub async fn get(
    State(state): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
) -> Result<Response, ApiError> {
    Ok(temporary(&state.service.get_temporary(auth.caller, number).await?))
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
        (status = 412, description = "If-Match names a version that is no longer current", body = customers_http::ErrorResponse),
    )
)]
pub async fn update(
    State(state): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
    headers: HeaderMap,
    body: JsonBody<TemporaryCustomerPutRequest>,
) -> Result<Response, ApiError> {
    let precondition = if_match(&headers)?;
    let customer = state
        .service
        .update_temporary(auth.caller, number, &body.value, precondition)
        .await?;
    Ok(temporary(&customer))
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
    State(state): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
) -> Result<StatusCode, ApiError> {
    state.service.delete_temporary(auth.caller, number).await?;
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
        (status = 409, description = "The email or customerRef is taken, or the profile is no longer temporary", body = customers_http::ErrorResponse),
    )
)]
pub async fn convert(
    State(state): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
    body: JsonBody<ConvertTemporaryCustomerRequest>,
) -> Result<Response, ApiError> {
    let customer = state.service.convert(auth.caller, number, &body.value).await?;
    Ok(with_etag(
        Json(customer.to_response(false)).into_response(),
        &customer.etag(),
    ))
}
