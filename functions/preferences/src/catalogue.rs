//! Handlers of the organisation's preference catalogue.

use crate::State;
use axum::Json;
use axum::extract::State as Serve;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use customers_contract::preferences::{PreferenceRequest, PreferenceResponse};
use customers_domain::values::ItemId;
use customers_http::ApiError;
use customers_http::extract::{Authenticated, JsonBody, TextPath};

fn preference_id(raw: &str) -> Result<ItemId, ApiError> {
    ItemId::parse_text("preferenceId", raw).map_err(ApiError::from)
}

/// List all preferences
///
/// Get the list of all supported preferences. This list will include inactive preferences.
#[utoipa::path(get, path = "/preferences", tag = "Preferences admin", operation_id = "listPreferences",
    responses((status = 200, description = "OK", body = Vec<PreferenceResponse>)))]
pub async fn list(Serve(s): Serve<State>, auth: Authenticated) -> Result<Json<Vec<PreferenceResponse>>, ApiError> {
    let list = s.serve.catalogue.list(auth.organisation).await?;
    Ok(Json(list.iter().map(PreferenceResponse::of).collect()))
}

/// Add preference
///
/// Add a preference to the database. Its code is unique in the organisation; isActive defaults to true.
#[utoipa::path(post, path = "/preferences", tag = "Preferences admin", operation_id = "addPreference",
    request_body = PreferenceRequest, responses((status = 201, description = "Created", body = PreferenceResponse)))]
pub async fn add(
    Serve(s): Serve<State>,
    auth: Authenticated,
    body: JsonBody<PreferenceRequest>,
) -> Result<Response, ApiError> {
    let details = body.value.details()?;
    let p = s.serve.catalogue.add(auth.organisation, details).await?;
    Ok((StatusCode::CREATED, Json(PreferenceResponse::of(&p))).into_response())
}

/// Find Preference by id
///
/// Get a specific preference by Id.
#[utoipa::path(get, path = "/preferences/{preferenceId}", tag = "Preferences admin", operation_id = "findPreferenceById",
    params(("preferenceId" = i64, Path, description = "Preference id")),
    responses((status = 200, description = "OK", body = PreferenceResponse)))]
pub async fn get(
    Serve(s): Serve<State>,
    auth: Authenticated,
    TextPath(id): TextPath,
) -> Result<Json<PreferenceResponse>, ApiError> {
    let p = s.serve.catalogue.get(auth.organisation, preference_id(&id)?).await?;
    Ok(Json(PreferenceResponse::of(&p)))
}

/// Update preference
#[utoipa::path(put, path = "/preferences/{preferenceId}", tag = "Preferences admin", operation_id = "updatePreference",
    request_body = PreferenceRequest, params(("preferenceId" = i64, Path, description = "Preference id")),
    responses((status = 200, description = "OK", body = PreferenceResponse)))]
pub async fn update(
    Serve(s): Serve<State>,
    auth: Authenticated,
    TextPath(id): TextPath,
    body: JsonBody<PreferenceRequest>,
) -> Result<Json<PreferenceResponse>, ApiError> {
    let id = preference_id(&id)?;
    let details = body.value.details()?;
    let p = s.serve.catalogue.update(auth.organisation, id, details).await?;
    Ok(Json(PreferenceResponse::of(&p)))
}

/// Delete preference
///
/// Customers who chose it keep the choice (by id); set isActive to false to retire a preference gently.
#[utoipa::path(delete, path = "/preferences/{preferenceId}", tag = "Preferences admin", operation_id = "deletePreference",
    params(("preferenceId" = i64, Path, description = "Preference id")), responses((status = 204, description = "Deleted")))]
pub async fn remove(
    Serve(s): Serve<State>,
    auth: Authenticated,
    TextPath(id): TextPath,
) -> Result<StatusCode, ApiError> {
    s.serve.catalogue.delete(auth.organisation, preference_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT)
}
