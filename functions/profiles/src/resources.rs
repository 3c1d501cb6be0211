//! Postal addresses, ecards and notes of a profile. Each change answers with the changed item
//! and the profile's new version in `ETag`.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use customers_domain::resource_service::parse_id;
use customers_domain::resources::{
    EcardOwnershipRequest, EcardOwnershipResponse, NoteRequest, NoteResponse, PostalAddressRequest,
    PostalAddressResponse,
};
use customers_http::extract::{Authenticated, CustomerNumberPath, JsonBody, TextPath, if_match};
use customers_http::respond::with_etag;
use customers_http::{ApiError, ApiState};

fn created<T: serde::Serialize>(body: T, etag: &str) -> Response {
    with_etag((StatusCode::CREATED, Json(body)).into_response(), etag)
}

/// List postal addresses
#[utoipa::path(get, path = "/profiles/{customerNumber}/postal-addresses", tag = "Profiles client", operation_id = "getPostalAddresses",
    params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 200, description = "OK", body = Vec<PostalAddressResponse>)))]
pub async fn list_addresses(
    State(s): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
) -> Result<Json<Vec<PostalAddressResponse>>, ApiError> {
    let c = s.service.profile_resources(auth.caller, n).await?;
    Ok(Json(
        c.postal_addresses
            .iter()
            .map(|a| a.to_response(c.customer_number))
            .collect(),
    ))
}

/// Add a postal address
///
/// typeOfAddress is P (private, the default), I (invoice) or S (shadow); countryCode is ISO 3166-1 alpha-3 (default NOR); a Norwegian postCode has exactly 4 digits.
#[utoipa::path(post, path = "/profiles/{customerNumber}/postal-addresses", tag = "Profiles client", operation_id = "addPostalAddress",
    request_body = PostalAddressRequest, params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 201, description = "Created", body = PostalAddressResponse)))]
pub async fn add_address(
    State(s): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    body: JsonBody<PostalAddressRequest>,
) -> Result<Response, ApiError> {
    let (c, id) = s.service.add_address(auth.caller, n, &body.value).await?;
    let address = c
        .postal_addresses
        .iter()
        .find(|a| a.id == id)
        .map(|a| a.to_response(n))
        .ok_or_else(ApiError::internal)?;
    Ok(created(address, &c.etag()))
}

/// Replace a postal address
#[utoipa::path(put, path = "/profiles/{customerNumber}/postal-addresses/{addressId}", tag = "Profiles client", operation_id = "updatePostalAddress",
    request_body = PostalAddressRequest,
    params(("customerNumber" = i64, Path, description = "Customer number"), ("addressId" = i64, Path, description = "Postal address id")),
    responses((status = 200, description = "OK", body = PostalAddressResponse)))]
pub async fn replace_address(
    State(s): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    TextPath(id): TextPath,
    headers: HeaderMap,
    body: JsonBody<PostalAddressRequest>,
) -> Result<Response, ApiError> {
    let id = parse_id("addressId", &id)?;
    let c = s
        .service
        .replace_address(auth.caller, n, id, &body.value, if_match(&headers)?)
        .await?;
    let address = c
        .postal_addresses
        .iter()
        .find(|a| a.id == id)
        .map(|a| a.to_response(n))
        .ok_or_else(ApiError::internal)?;
    Ok(with_etag(Json(address).into_response(), &c.etag()))
}

/// Delete a postal address
#[utoipa::path(delete, path = "/profiles/{customerNumber}/postal-addresses/{addressId}", tag = "Profiles client", operation_id = "deletePostalAddress",
    params(("customerNumber" = i64, Path, description = "Customer number"), ("addressId" = i64, Path, description = "Postal address id")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_address(
    State(s): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    TextPath(id): TextPath,
) -> Result<StatusCode, ApiError> {
    s.service
        .delete_address(auth.caller, n, parse_id("addressId", &id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// List ecards
#[utoipa::path(get, path = "/profiles/{customerNumber}/ecards", tag = "Profiles client", operation_id = "getEcards",
    params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 200, description = "OK", body = Vec<EcardOwnershipResponse>)))]
pub async fn list_ecards(
    State(s): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
) -> Result<Json<Vec<EcardOwnershipResponse>>, ApiError> {
    let c = s.service.profile_resources(auth.caller, n).await?;
    Ok(Json(
        c.ecards.iter().map(|e| e.to_response(c.customer_number)).collect(),
    ))
}

/// Connect an ecard
///
/// Not for temporary profiles. ecardNumber16digits is 16 digits; ownership and shipping dates must be in order.
#[utoipa::path(post, path = "/profiles/{customerNumber}/ecards", tag = "Profiles client", operation_id = "addEcard",
    request_body = EcardOwnershipRequest, params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 201, description = "Created", body = EcardOwnershipResponse)))]
pub async fn add_ecard(
    State(s): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    body: JsonBody<EcardOwnershipRequest>,
) -> Result<Response, ApiError> {
    let (c, id) = s.service.add_ecard(auth.caller, n, &body.value).await?;
    let ecard = c
        .ecards
        .iter()
        .find(|e| e.id == id)
        .map(|e| e.to_response(n))
        .ok_or_else(ApiError::internal)?;
    Ok(created(ecard, &c.etag()))
}

/// Replace an ecard
#[utoipa::path(put, path = "/profiles/{customerNumber}/ecards/{ecardId}", tag = "Profiles client", operation_id = "updateEcard",
    request_body = EcardOwnershipRequest,
    params(("customerNumber" = i64, Path, description = "Customer number"), ("ecardId" = i64, Path, description = "Ecard id")),
    responses((status = 200, description = "OK", body = EcardOwnershipResponse)))]
pub async fn replace_ecard(
    State(s): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    TextPath(id): TextPath,
    headers: HeaderMap,
    body: JsonBody<EcardOwnershipRequest>,
) -> Result<Response, ApiError> {
    let id = parse_id("ecardId", &id)?;
    let c = s
        .service
        .replace_ecard(auth.caller, n, id, &body.value, if_match(&headers)?)
        .await?;
    let ecard = c
        .ecards
        .iter()
        .find(|e| e.id == id)
        .map(|e| e.to_response(n))
        .ok_or_else(ApiError::internal)?;
    Ok(with_etag(Json(ecard).into_response(), &c.etag()))
}

/// Remove an ecard
#[utoipa::path(delete, path = "/profiles/{customerNumber}/ecards/{ecardId}", tag = "Profiles client", operation_id = "deleteEcard",
    params(("customerNumber" = i64, Path, description = "Customer number"), ("ecardId" = i64, Path, description = "Ecard id")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_ecard(
    State(s): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    TextPath(id): TextPath,
) -> Result<StatusCode, ApiError> {
    s.service
        .delete_ecard(auth.caller, n, parse_id("ecardId", &id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// List notes (deprecated in the contract, kept for compatibility)
#[utoipa::path(get, path = "/profiles/{customerNumber}/notes", tag = "Profiles client", operation_id = "getNotes",
    params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 200, description = "OK", body = Vec<NoteResponse>)))]
pub async fn list_notes(
    State(s): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
) -> Result<Json<Vec<NoteResponse>>, ApiError> {
    let c = s.service.profile_resources(auth.caller, n).await?;
    Ok(Json(c.notes.iter().map(|x| x.to_response(c.customer_number)).collect()))
}

/// Add a note
#[utoipa::path(post, path = "/profiles/{customerNumber}/notes", tag = "Profiles client", operation_id = "addNote",
    request_body = NoteRequest, params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 201, description = "Created", body = NoteResponse)))]
pub async fn add_note(
    State(s): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    body: JsonBody<NoteRequest>,
) -> Result<Response, ApiError> {
    let (c, id) = s.service.add_note(auth.caller, n, &body.value).await?;
    let note = c
        .notes
        .iter()
        .find(|x| x.id == id)
        .map(|x| x.to_response(n))
        .ok_or_else(ApiError::internal)?;
    Ok(created(note, &c.etag()))
}

/// Delete a note
#[utoipa::path(delete, path = "/profiles/{customerNumber}/notes/{noteId}", tag = "Profiles client", operation_id = "deleteNote",
    params(("customerNumber" = i64, Path, description = "Customer number"), ("noteId" = i64, Path, description = "Note id")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete_note(
    State(s): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    TextPath(id): TextPath,
) -> Result<StatusCode, ApiError> {
    s.service.delete_note(auth.caller, n, parse_id("noteId", &id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
