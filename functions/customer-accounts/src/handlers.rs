//! HTTP handlers of the customer-accounts group.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use customers_domain::Customer;
use customers_domain::contract::CustomerResponse;
use customers_domain::resources::{CustomerAccountPatchRequest, CustomerAccountRequest, CustomerAccountResponse};
use customers_http::extract::{Authenticated, CustomerNumberPath, JsonBody, MergePatch, TextPath, if_match};
use customers_http::respond::with_etag;
use customers_http::{ApiError, ApiState};

fn accounts(c: &Customer) -> Vec<CustomerAccountResponse> {
    c.customer_accounts
        .iter()
        .map(|a| a.to_response(c.customer_number, c.default_account.as_deref()))
        .collect()
}

fn account(c: &Customer, id: &str) -> Result<CustomerAccountResponse, ApiError> {
    accounts(c)
        .into_iter()
        .find(|a| a.customer_account_id == id)
        .ok_or_else(ApiError::internal)
}

/// Get customer accounts
///
/// Get customer accounts by customer number.
#[utoipa::path(get, path = "/profiles/{customerNumber}/customer-accounts", tag = "Customer accounts client", operation_id = "getCustomerAccountsCustomerNumber",
    params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 200, description = "OK", body = Vec<CustomerAccountResponse>)))]
pub async fn list(
    State(s): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
) -> Result<Json<Vec<CustomerAccountResponse>>, ApiError> {
    Ok(Json(accounts(&s.service.profile_resources(auth.caller, n).await?)))
}

/// Create a new customer account
///
/// Create a new customer account for the customer. An account id belongs to at most one profile of the organisation (409 otherwise). The first account is the default; `isDefault: true` makes the new one the default and clears the previous default in the same write.
#[utoipa::path(post, path = "/profiles/{customerNumber}/customer-accounts", tag = "Customer accounts client", operation_id = "createCustomerAccount",
    request_body = CustomerAccountRequest, params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 201, description = "Created", body = CustomerAccountResponse),
        (status = 409, description = "The account id is used by a profile of the organisation", body = customers_http::ErrorResponse)))]
pub async fn add(
    State(s): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    body: JsonBody<CustomerAccountRequest>,
) -> Result<Response, ApiError> {
    let (c, id) = s
        .service
        .add_account(auth.caller, n, &body.value, &auth.client_name)
        .await?;
    Ok(with_etag(
        (StatusCode::CREATED, Json(account(&c, &id)?)).into_response(),
        &c.etag(),
    ))
}

/// Patch a customer account. Follows the JSON Merge Patch RFC7396 standard.
///
/// Send `Content-Type: application/merge-patch+json`. Absent members stay, `null` removes (an alias; for isDefault it means false), members other than alias and isDefault are refused (400). Making an account the default clears the previous default in the same write; the default cannot be un-defaulted except by making another account the default (409).
#[utoipa::path(patch, path = "/profiles/{customerNumber}/customer-accounts/{accountId}", tag = "Customer accounts client", operation_id = "patchCustomerAccount",
    request_body(content = CustomerAccountPatchRequest, content_type = "application/merge-patch+json"),
    params(("customerNumber" = i64, Path, description = "Customer number"), ("accountId" = String, Path, description = "Customer account id")),
    responses((status = 200, description = "OK", body = CustomerAccountResponse)))]
pub async fn patch(
    State(s): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    TextPath(id): TextPath,
    headers: HeaderMap,
    MergePatch(patch): MergePatch,
) -> Result<Response, ApiError> {
    let c = s
        .service
        .patch_account(auth.caller, n, &id, &patch, &auth.client_name, if_match(&headers)?)
        .await?;
    Ok(with_etag(Json(account(&c, &id)?).into_response(), &c.etag()))
}

/// Delete a customer account tied to a customer profile
///
/// Deleting the default account makes the oldest remaining account the default (the answer lists the accounts left, with their isDefault).
#[utoipa::path(delete, path = "/profiles/{customerNumber}/customer-accounts/{accountId}", tag = "Customer accounts client", operation_id = "deleteCustomerAccount",
    params(("customerNumber" = i64, Path, description = "Customer number"), ("accountId" = String, Path, description = "Customer account id")),
    responses((status = 200, description = "OK: the accounts left", body = Vec<CustomerAccountResponse>)))]
pub async fn delete(
    State(s): State<ApiState>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    TextPath(id): TextPath,
) -> Result<Response, ApiError> {
    let c = s.service.delete_account(auth.caller, n, &id).await?;
    Ok(with_etag(Json(accounts(&c)).into_response(), &c.etag()))
}

/// Get profile by customer account id
#[utoipa::path(get, path = "/profiles/customer-accounts/{accountId}", tag = "Customer accounts client", operation_id = "getProfileByCustomerAccountId",
    params(("accountId" = String, Path, description = "Customer account id")),
    responses((status = 200, description = "OK", body = CustomerResponse)))]
pub async fn owner(
    State(s): State<ApiState>,
    auth: Authenticated,
    TextPath(id): TextPath,
) -> Result<Response, ApiError> {
    let c = s.service.profile_by_account(auth.caller, &id).await?;
    Ok(with_etag(Json(c.to_response(false)).into_response(), &c.etag()))
}
