//! Handlers of the preferences a customer has chosen.

use crate::State;
use axum::Json;
use axum::extract::State as Serve;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use customers_contract::WireError;
use customers_contract::preferences::{CustomerPreferenceRequest, CustomerPreferenceResponse};
use customers_domain::Customer;
use customers_domain::values::ItemId;
use customers_http::ApiError;
use customers_http::extract::{Authenticated, CustomerNumberPath, JsonBody, JsonList, TextPath, if_match};
use customers_http::respond::{created_item, ok};

fn chosen(c: &Customer) -> Vec<CustomerPreferenceResponse> {
    c.preferences
        .iter()
        .map(|p| CustomerPreferenceResponse::of(p, c.customer_number))
        .collect()
}

/// A customer's preferences
#[utoipa::path(get, path = "/profiles/{customerNumber}/preferences", tag = "Preferences client", operation_id = "getCustomerPreferences",
    params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 200, description = "OK", body = Vec<CustomerPreferenceResponse>)))]
pub async fn list(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
) -> Result<Json<Vec<CustomerPreferenceResponse>>, ApiError> {
    Ok(Json(chosen(&s.serve.choices.profile(auth.organisation, n).await?)))
}

/// Choose a preference for a customer
///
/// Only an active preference of the caller's organisation can be chosen (checked in the same write). Choosing one again replaces its value.
#[utoipa::path(post, path = "/profiles/{customerNumber}/preferences", tag = "Preferences client", operation_id = "addCustomerPreference",
    request_body = CustomerPreferenceRequest, params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 201, description = "Created", body = CustomerPreferenceResponse)))]
pub async fn add(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    body: JsonBody<CustomerPreferenceRequest>,
) -> Result<Response, ApiError> {
    let choice = body.value.choice()?;
    let id = choice.preference_id;
    let c = s.serve.choices.choose(auth.organisation, n, choice).await?;
    let one = c
        .preferences
        .iter()
        .find(|p| p.preference_id == id)
        .map(|p| CustomerPreferenceResponse::of(p, n))
        .ok_or_else(|| ApiError(WireError::internal("the chosen preference is not in the profile")))?;
    Ok(created_item(one, c.version))
}

/// Replace a customer's preferences
///
/// The customer's set of preferences becomes exactly the list given.
#[utoipa::path(put, path = "/profiles/{customerNumber}/preferences", tag = "Preferences client", operation_id = "replaceCustomerPreferences",
    request_body = Vec<CustomerPreferenceRequest>, params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 200, description = "OK", body = Vec<CustomerPreferenceResponse>)))]
pub async fn replace(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    headers: HeaderMap,
    JsonList(list): JsonList<CustomerPreferenceRequest>,
) -> Result<Response, ApiError> {
    let expected = if_match(&headers)?;
    let choices = CustomerPreferenceRequest::choices(&list)?;
    let c = s
        .serve
        .choices
        .replace_all(auth.organisation, n, choices, expected.as_ref())
        .await?;
    Ok(ok(chosen(&c), c.version))
}

/// Remove a customer's preference
#[utoipa::path(delete, path = "/profiles/{customerNumber}/preferences/{preferenceId}", tag = "Preferences client", operation_id = "removeCustomerPreference",
    params(("customerNumber" = i64, Path, description = "Customer number"), ("preferenceId" = i64, Path, description = "Preference id")),
    responses((status = 204, description = "Removed")))]
pub async fn remove(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    TextPath(id): TextPath,
) -> Result<StatusCode, ApiError> {
    let id = ItemId::parse_text("preferenceId", &id)?;
    s.serve.choices.remove(auth.organisation, n, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
