//! HTTP handlers of the profiles group. Thin: extract, call the service, answer.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use customers_domain::Customer;
use customers_domain::contract::{
    CustomerPostRequest, CustomerPutRequest, CustomerResponse, ListCustomerResponse, PageCustomerResponse,
    ProfilesBulkRequest,
};
use customers_domain::lifecycle::{
    CustomerConnectRequest, CustomerConnectResponse, DeactivateCustomerRequest, RestoreCustomerRequest,
};
use customers_domain::search::{CustomerSearchParams, Page, PageParams};
use customers_domain::service::Created;
use customers_domain::validation::{ErrorCode, FieldError};
use customers_http::extract::{
    Authenticated, CustomerNumberPath, JsonBody, QueryParams, TextPath, idempotency_key, if_match,
};
use customers_http::respond::with_etag;
use customers_http::{ApiError, ApiState};
use serde::Deserialize;
use utoipa::IntoParams;

fn profile(customer: &Customer, include_ecards: bool) -> Response {
    with_etag(
        Json(customer.to_response(include_ecards)).into_response(),
        &customer.etag(),
    )
}

fn list(customers: &[Customer]) -> Vec<ListCustomerResponse> {
    customers
        .iter()
        .map(|c| ListCustomerResponse(c.to_response(false)))
        .collect()
}

/// Create a customer
///
/// Creates a new customer in the database. If a customerRef is not specified, one will be
/// assigned (the customer number). The customerRef and email fields must be unique within an
/// organisation. Send `Idempotency-Key` to make a retried create safe: the same key and body
/// answer the first answer and create nothing new.
#[utoipa::path(
    post, path = "/profiles", tag = "Profiles client", operation_id = "createCustomer",
    request_body = CustomerPostRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried create safe for 24 hours")),
    responses(
        (status = 201, description = "Created", body = CustomerResponse,
         headers(("ETag" = String, description = "Version of the profile"), ("Location" = String, description = "Path of the new profile"))),
        (status = 409, description = "The email or customerRef is already used in the organisation", body = customers_http::ErrorResponse),
        (status = 422, description = "The Idempotency-Key was used with another request", body = customers_http::ErrorResponse),
    )
)]
pub async fn create(
    State(state): State<ApiState>,
    auth: Authenticated,
    headers: HeaderMap,
    body: JsonBody<CustomerPostRequest>,
) -> Result<Response, ApiError> {
    let key = idempotency_key(&headers)?;
    let created = state.service.create(auth.caller, &body.raw, &body.value, key).await?;
    let (number, etag, mut response) = match created {
        Created::New(customer) => (
            customer.customer_number.value(),
            customer.etag(),
            (StatusCode::CREATED, Json(customer.to_response(false))).into_response(),
        ),
        Created::Replayed(record) => {
            let status = StatusCode::from_u16(record.status).unwrap_or(StatusCode::CREATED);
            let mut response = (status, Json(record.response)).into_response();
            response
                .headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            (record.customer_number.value(), record.etag, response)
        }
    };
    if let Ok(v) = HeaderValue::from_str(&format!("/profiles/{number}")) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    Ok(with_etag(response, &etag))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(rename_all = "camelCase")]
#[into_params(parameter_in = Query)]
pub struct GetProfileParams {
    /// Include the customer's ecards.
    include_e_cards: Option<String>,
    /// Deprecated in the contract; accepted and ignored (personnel tickets are not served).
    include_personnel_ticket: Option<String>,
}

fn flag(field: &str, raw: Option<&str>) -> Result<bool, ApiError> {
    match raw.map(str::to_ascii_lowercase).as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(other) => Err(ApiError::invalid(vec![
            FieldError::new(field, ErrorCode::Format, format!("{field} must be true or false")).rejecting(other),
        ])),
    }
}

/// Find customer by customer number
///
/// Gets a customer with related information. If the passed customer number is for a merged and
/// passive customer, the result will instead be the active, merged customer. Thus, you may find a
/// customer with a different customer number than you specified in the URL.
#[utoipa::path(
    get, path = "/profiles/{customerNumber}", tag = "Profiles client", operation_id = "findCustomerByCustomerNumber",
    params(("customerNumber" = i64, Path, description = "Customer number"), GetProfileParams),
    responses((status = 200, description = "OK", body = CustomerResponse, headers(("ETag" = String, description = "Version of the profile"))))
)]
pub async fn get(
    State(state): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
    QueryParams(params): QueryParams<GetProfileParams>,
) -> Result<Response, ApiError> {
    let include_ecards = flag("includeECards", params.include_e_cards.as_deref())?;
    flag("includePersonnelTicket", params.include_personnel_ticket.as_deref())?;
    let customer = state.service.get(auth.caller, number).await?;
    Ok(profile(&customer, include_ecards))
}

/// Update a customer
///
/// Replaces every updatable field of the profile; an optional field left out is cleared. Send
/// the ETag of the version you changed in `If-Match` to be refused (412) if someone else changed
/// the profile since; without it the last write wins.
#[utoipa::path(
    put, path = "/profiles/{customerNumber}", tag = "Profiles client", operation_id = "updateCustomer",
    request_body = CustomerPutRequest,
    params(
        ("customerNumber" = i64, Path, description = "Customer number"),
        ("If-Match" = Option<String>, Header, description = "ETag of the version this update is based on"),
    ),
    responses(
        (status = 200, description = "OK", body = CustomerResponse, headers(("ETag" = String, description = "Version of the profile"))),
        (status = 409, description = "The email is used by another profile, or the profile cannot be changed in its state", body = customers_http::ErrorResponse),
        (status = 412, description = "If-Match names a version that is no longer current", body = customers_http::ErrorResponse),
    )
)]
pub async fn update(
    State(state): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
    headers: HeaderMap,
    body: JsonBody<CustomerPutRequest>,
) -> Result<Response, ApiError> {
    let precondition = if_match(&headers)?;
    let customer = state
        .service
        .update(auth.caller, number, &body.value, precondition)
        .await?;
    Ok(profile(&customer, false))
}

/// Find customers by parameters
///
/// A list of customers matching the search criteria: every parameter given must match. A search
/// starts from email, telephone (countryCode with telephoneNumberNoCountryCode, or
/// telephoneNumber), customerRef, vippsId or surname; other parameters only narrow it.
/// Temporary profiles are left out unless includeTemporary=true.
#[utoipa::path(
    get, path = "/profiles", tag = "Profiles client", operation_id = "findCustomersByParameters",
    params(CustomerSearchParams),
    responses((status = 200, description = "OK", body = Vec<ListCustomerResponse>))
)]
pub async fn find(
    State(state): State<ApiState>,
    auth: Authenticated,
    QueryParams(params): QueryParams<CustomerSearchParams>,
) -> Result<Json<Vec<ListCustomerResponse>>, ApiError> {
    let found = state.service.find(auth.caller, &params).await?;
    Ok(Json(list(&found)))
}

#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(flatten)]
    search: CustomerSearchParams,
    #[serde(flatten)]
    page: PageParams,
}

/// Search customers, page by page
///
/// The same search as GET /profiles, answered one page at a time with the total count.
#[utoipa::path(
    get, path = "/profiles-search", tag = "Profiles client", operation_id = "searchCustomers",
    params(CustomerSearchParams, PageParams),
    responses((status = 200, description = "OK", body = PageCustomerResponse))
)]
pub async fn search(
    State(state): State<ApiState>,
    auth: Authenticated,
    QueryParams(query): QueryParams<SearchQuery>,
) -> Result<Json<PageCustomerResponse>, ApiError> {
    let page = Page::parse(&query.page).map_err(ApiError::invalid)?;
    let (items, total) = state.service.search(auth.caller, &query.search, page).await?;
    Ok(Json(PageCustomerResponse {
        items: list(&items),
        total_items: total,
        total_pages: total.div_ceil(u64::from(page.per_page)),
        page: page.page,
        per_page: page.per_page,
    }))
}

/// Look up many customers
///
/// Up to 1000 profiles by customer numbers or, when no numbers are given, by customer
/// references. Answers in the order asked; numbers or references not found are left out.
#[utoipa::path(
    post, path = "/profiles/bulk", tag = "Profiles client", operation_id = "findCustomersInBulk",
    request_body = ProfilesBulkRequest,
    responses((status = 200, description = "OK", body = Vec<ListCustomerResponse>))
)]
pub async fn bulk(
    State(state): State<ApiState>,
    auth: Authenticated,
    body: JsonBody<ProfilesBulkRequest>,
) -> Result<Json<Vec<ListCustomerResponse>>, ApiError> {
    let found = state.service.bulk(auth.caller, &body.value).await?;
    Ok(Json(list(&found)))
}

/// Find customer by customer reference
///
/// The customerRef is unique within an organisation.
#[utoipa::path(
    get, path = "/profiles/customer-ref/{customerRef}", tag = "Profiles client", operation_id = "findCustomerByCustomerRef",
    params(("customerRef" = String, Path, description = "Customer reference")),
    responses((status = 200, description = "OK", body = CustomerResponse, headers(("ETag" = String, description = "Version of the profile"))))
)]
pub async fn get_by_ref(
    State(state): State<ApiState>,
    auth: Authenticated,
    TextPath(reference): TextPath,
) -> Result<Response, ApiError> {
    let customer = state.service.get_by_ref(auth.caller, &reference).await?;
    Ok(profile(&customer, false))
}

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
        (status = 409, description = "The profile is not active, or is temporary", body = customers_http::ErrorResponse),
    )
)]
pub async fn deactivate(
    State(state): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
    body: JsonBody<DeactivateCustomerRequest>,
) -> Result<Response, ApiError> {
    let customer = state.service.deactivate(auth.caller, number, &body.value).await?;
    Ok(profile(&customer, false))
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
        (status = 409, description = "The profile is not deactivated, or its email has been taken", body = customers_http::ErrorResponse),
    )
)]
pub async fn restore(
    State(state): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
    body: JsonBody<RestoreCustomerRequest>,
) -> Result<Response, ApiError> {
    let customer = state.service.restore(auth.caller, number, &body.value).await?;
    Ok(profile(&customer, false))
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
        (status = 409, description = "One of the profiles cannot be connected in its state", body = customers_http::ErrorResponse),
    )
)]
pub async fn connect(
    State(state): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
    body: JsonBody<CustomerConnectRequest>,
) -> Result<Json<CustomerConnectResponse>, ApiError> {
    let response = state
        .service
        .connect(auth.caller, number, &body.value, &auth.client_name)
        .await?;
    Ok(Json(response))
}
