//! Handlers of a profile's ecards.

use crate::State;
use crate::listed::{self, Shown};
use axum::Json;
use axum::extract::State as Serve;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use customers_contract::ecards::{EcardOwnershipRequest, EcardOwnershipResponse};
use customers_domain::ecards::Ecard;
use customers_domain::listed::ProfileList;
use customers_domain::values::CustomerNumber;
use customers_http::ApiError;
use customers_http::extract::{Authenticated, CustomerNumberPath, JsonBody, TextPath};

impl Shown for Ecard {
    type Response = EcardOwnershipResponse;
    const ID: &'static str = "ecardId";

    fn show(&self, owner: CustomerNumber) -> EcardOwnershipResponse {
        EcardOwnershipResponse::of(self, owner)
    }

    fn capability(state: &State) -> &ProfileList<Self> {
        &state.serve.ecards
    }
}

/// List ecards
#[utoipa::path(get, path = "/profiles/{customerNumber}/ecards", tag = "Profiles client", operation_id = "getEcards",
    params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 200, description = "OK", body = Vec<EcardOwnershipResponse>)))]
pub async fn list(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
) -> Result<Json<Vec<EcardOwnershipResponse>>, ApiError> {
    listed::list::<Ecard>(&s, &auth, n).await
}

/// Connect an ecard
///
/// Not for temporary profiles. ecardNumber16digits is 16 digits; ownership and shipping dates must be in order.
#[utoipa::path(post, path = "/profiles/{customerNumber}/ecards", tag = "Profiles client", operation_id = "addEcard",
    request_body = EcardOwnershipRequest, params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 201, description = "Created", body = EcardOwnershipResponse)))]
pub async fn add(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    body: JsonBody<EcardOwnershipRequest>,
) -> Result<Response, ApiError> {
    let details = body.value.details(s.clock.now())?;
    listed::add::<Ecard>(&s, &auth, n, details).await
}

/// Replace an ecard
#[utoipa::path(put, path = "/profiles/{customerNumber}/ecards/{ecardId}", tag = "Profiles client", operation_id = "updateEcard",
    request_body = EcardOwnershipRequest,
    params(("customerNumber" = i64, Path, description = "Customer number"), ("ecardId" = i64, Path, description = "Ecard id")),
    responses((status = 200, description = "OK", body = EcardOwnershipResponse)))]
pub async fn replace(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    TextPath(id): TextPath,
    headers: HeaderMap,
    body: JsonBody<EcardOwnershipRequest>,
) -> Result<Response, ApiError> {
    let details = body.value.details(s.clock.now())?;
    listed::replace::<Ecard>(&s, &auth, n, &id, &headers, details).await
}

/// Remove an ecard
#[utoipa::path(delete, path = "/profiles/{customerNumber}/ecards/{ecardId}", tag = "Profiles client", operation_id = "deleteEcard",
    params(("customerNumber" = i64, Path, description = "Customer number"), ("ecardId" = i64, Path, description = "Ecard id")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    TextPath(id): TextPath,
) -> Result<StatusCode, ApiError> {
    listed::delete::<Ecard>(&s, &auth, n, &id).await
}
