//! HTTP handlers of the preferences group.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use customers_domain::Customer;
use customers_domain::resource_service::parse_id;
use customers_domain::resources::{
    CustomerPreferenceRequest, CustomerPreferenceResponse, PreferenceRequest, PreferenceResponse,
};
use customers_http::extract::{Authenticated, CustomerNumberPath, JsonBody, JsonList, TextPath, if_match};
use customers_http::respond::with_etag;
use customers_http::{ApiError, ApiState};

fn chosen(c: &Customer) -> Vec<CustomerPreferenceResponse> {
    c.preferences.iter().map(|p| p.to_response(c.customer_number)).collect()
}

/// List all preferences
///
/// Get the list of all supported preferences. This list will include inactive preferences.
#[utoipa::path(get, path = "/preferences", tag = "Preferences admin", operation_id = "listPreferences",
    responses((status = 200, description = "OK", body = Vec<PreferenceResponse>)))]
pub async fn list(State(s): State<ApiState>, auth: Authenticated) -> Result<Json<Vec<PreferenceResponse>>, ApiError> {
    Ok(Json(
        s.service
            .list_preferences(auth.caller)
            .await?
            .iter()
            .map(|p| p.to_response())
            .collect(),
    ))
}

/// Add preference
///
/// Add a preference to the database. Its code is unique in the organisation; isActive defaults to true.
#[utoipa::path(post, path = "/preferences", tag = "Preferences admin", operation_id = "addPreference",
    request_body = PreferenceRequest, responses((status = 201, description = "Created", body = PreferenceResponse)))]
pub async fn add(
    State(s): State<ApiState>,
    auth: Authenticated,
    body: JsonBody<PreferenceRequest>,
) -> Result<Response, ApiError> {
    let p = s.service.add_preference(auth.caller, &body.value).await?;
    Ok((StatusCode::CREATED, Json(p.to_response())).into_response())
}

/// Find Preference by id
///
/// Get a specific preference by Id.
#[utoipa::path(get, path = "/preferences/{preferenceId}", tag = "Preferences admin", operation_id = "findPreferenceById",
    params(("preferenceId" = i64, Path, description = "Preference id")),
    responses((status = 200, description = "OK", body = PreferenceResponse)))]
pub async fn get(
    State(s): State<ApiState>,
    auth: Authenticated,
    TextPath(id): TextPath,
) -> Result<Json<PreferenceResponse>, ApiError> {
    Ok(Json(
        s.service
            .get_preference(auth.caller, parse_id("preferenceId", &id)?)
            .await?
            .to_response(),
    ))
}

/// Update preference
#[utoipa::path(put, path = "/preferences/{preferenceId}", tag = "Preferences admin", operation_id = "updatePreference",
    request_body = PreferenceRequest, params(("preferenceId" = i64, Path, description = "Preference id")),
    responses((status = 200, description = "OK", body = PreferenceResponse)))]
pub async fn update(
    State(s): State<ApiState>,
    auth: Authenticated,
    TextPath(id): TextPath,
    body: JsonBody<PreferenceRequest>,
) -> Result<Json<PreferenceResponse>, ApiError> {
    Ok(Json(
        s.service
            .update_preference(auth.caller, parse_id("preferenceId", &id)?, &body.value)
            .await?
            .to_response(),
    ))
}

/// Delete preference
///
/// Customers who chose it keep the choice (by id); set isActive to false to retire a preference gently.
#[utoipa::path(delete, path = "/preferences/{preferenceId}", tag = "Preferences admin", operation_id = "deletePreference",
    params(("preferenceId" = i64, Path, description = "Preference id")), responses((status = 204, description = "Deleted")))]
pub async fn remove(
    State(s): State<ApiState>,
    auth: Authenticated,
    TextPath(id): TextPath,
) -> Result<StatusCode, ApiError> {
    s.service
        .delete_preference(auth.caller, parse_id("preferenceId", &id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A customer's preferences
#[utoipa::path(get, path = "/profiles/{customerNumber}/preferences", tag = "Preferences client", operation_id = "getCustomerPreferences",
    params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 200, description = "OK", body = Vec<CustomerPreferenceResponse>)))]
pub async fn customer_list(
    State(s): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
) -> Result<Json<Vec<CustomerPreferenceResponse>>, ApiError> {
    Ok(Json(chosen(&s.service.profile_resources(auth.caller, n).await?)))
}

/// Choose a preference for a customer
///
/// Only an active preference of the caller's organisation can be chosen (checked in the same write). Choosing one again replaces its value.
#[utoipa::path(post, path = "/profiles/{customerNumber}/preferences", tag = "Preferences client", operation_id = "addCustomerPreference",
    request_body = CustomerPreferenceRequest, params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 201, description = "Created", body = CustomerPreferenceResponse)))]
pub async fn customer_add(
    State(s): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    body: JsonBody<CustomerPreferenceRequest>,
) -> Result<Response, ApiError> {
    let (c, id) = s.service.add_customer_preference(auth.caller, n, &body.value).await?;
    let one = chosen(&c)
        .into_iter()
        .find(|p| p.preference_id == id)
        .ok_or_else(ApiError::internal)?;
    Ok(with_etag((StatusCode::CREATED, Json(one)).into_response(), &c.etag()))
}

/// Replace a customer's preferences
///
/// The customer's set of preferences becomes exactly the list given.
#[utoipa::path(put, path = "/profiles/{customerNumber}/preferences", tag = "Preferences client", operation_id = "replaceCustomerPreferences",
    request_body = Vec<CustomerPreferenceRequest>, params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 200, description = "OK", body = Vec<CustomerPreferenceResponse>)))]
pub async fn customer_replace(
    State(s): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    headers: HeaderMap,
    JsonList(list): JsonList<CustomerPreferenceRequest>,
) -> Result<Response, ApiError> {
    let c = s
        .service
        .replace_customer_preferences(auth.caller, n, &list, if_match(&headers)?)
        .await?;
    Ok(with_etag(Json(chosen(&c)).into_response(), &c.etag()))
}

/// Remove a customer's preference
#[utoipa::path(delete, path = "/profiles/{customerNumber}/preferences/{preferenceId}", tag = "Preferences client", operation_id = "removeCustomerPreference",
    params(("customerNumber" = i64, Path, description = "Customer number"), ("preferenceId" = i64, Path, description = "Preference id")),
    responses((status = 204, description = "Removed")))]
pub async fn customer_remove(
    State(s): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    TextPath(id): TextPath,
) -> Result<StatusCode, ApiError> {
    s.service
        .remove_customer_preference(auth.caller, n, parse_id("preferenceId", &id)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
