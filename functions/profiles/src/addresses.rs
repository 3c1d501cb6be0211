//! Handlers of a profile's postal addresses.

use crate::State;
use crate::listed::{self, Shown};
use axum::Json;
use axum::extract::State as Serve;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use customers_contract::addresses::{PostalAddressRequest, PostalAddressResponse};
use customers_domain::addresses::PostalAddress;
use customers_domain::listed::ProfileList;
use customers_domain::values::CustomerNumber;
use customers_http::ApiError;
use customers_http::extract::{Authenticated, CustomerNumberPath, JsonBody, TextPath};

impl Shown for PostalAddress {
    type Response = PostalAddressResponse;
    const ID: &'static str = "addressId";

    fn show(&self, owner: CustomerNumber) -> PostalAddressResponse {
        PostalAddressResponse::of(self, owner)
    }

    fn capability(state: &State) -> &ProfileList<Self> {
        &state.serve.addresses
    }
}

/// List postal addresses
#[utoipa::path(get, path = "/profiles/{customerNumber}/postal-addresses", tag = "Profiles client", operation_id = "getPostalAddresses",
    params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 200, description = "OK", body = Vec<PostalAddressResponse>)))]
pub async fn list(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
) -> Result<Json<Vec<PostalAddressResponse>>, ApiError> {
    listed::list::<PostalAddress>(&s, &auth, n).await
}

/// Add a postal address
///
/// typeOfAddress is P (private, the default), I (invoice) or S (shadow); countryCode is ISO 3166-1 alpha-3 (default NOR); a Norwegian postCode has exactly 4 digits.
#[utoipa::path(post, path = "/profiles/{customerNumber}/postal-addresses", tag = "Profiles client", operation_id = "addPostalAddress",
    request_body = PostalAddressRequest, params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 201, description = "Created", body = PostalAddressResponse)))]
pub async fn add(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    body: JsonBody<PostalAddressRequest>,
) -> Result<Response, ApiError> {
    listed::add::<PostalAddress>(&s, &auth, n, body.value.details()?).await
}

/// Replace a postal address
#[utoipa::path(put, path = "/profiles/{customerNumber}/postal-addresses/{addressId}", tag = "Profiles client", operation_id = "updatePostalAddress",
    request_body = PostalAddressRequest,
    params(("customerNumber" = i64, Path, description = "Customer number"), ("addressId" = i64, Path, description = "Postal address id")),
    responses((status = 200, description = "OK", body = PostalAddressResponse)))]
pub async fn replace(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    TextPath(id): TextPath,
    headers: HeaderMap,
    body: JsonBody<PostalAddressRequest>,
) -> Result<Response, ApiError> {
    listed::replace::<PostalAddress>(&s, &auth, n, &id, &headers, body.value.details()?).await
}

/// Delete a postal address
#[utoipa::path(delete, path = "/profiles/{customerNumber}/postal-addresses/{addressId}", tag = "Profiles client", operation_id = "deletePostalAddress",
    params(("customerNumber" = i64, Path, description = "Customer number"), ("addressId" = i64, Path, description = "Postal address id")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    TextPath(id): TextPath,
) -> Result<StatusCode, ApiError> {
    listed::delete::<PostalAddress>(&s, &auth, n, &id).await
}
