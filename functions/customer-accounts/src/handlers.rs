//! HTTP handlers of the customer-accounts group.

use crate::State;
use axum::Json;
use axum::extract::State as Serve;
use axum::http::HeaderMap;
use axum::response::Response;
use customers_contract::ErrorResponse;
use customers_contract::WireError;
use customers_contract::accounts::{
    CustomerAccountPatchRequest, CustomerAccountRequest, CustomerAccountResponse, account_id,
};
use customers_contract::profile::CustomerResponse;
use customers_domain::Customer;
use customers_domain::values::AccountId;
use customers_http::ApiError;
use customers_http::extract::{Authenticated, CustomerNumberPath, JsonBody, MergePatch, TextPath, if_match};
use customers_http::respond::{created_item, ok};

/// The account as the answer shows it.
fn account(c: &Customer, id: &AccountId) -> Result<CustomerAccountResponse, ApiError> {
    c.customer_accounts
        .iter()
        .find(|a| &a.account_id == id)
        .map(|a| CustomerAccountResponse::of(a, c))
        .ok_or_else(|| ApiError(WireError::internal("the written account is not in the profile")))
}

/// Get customer accounts
///
/// Get customer accounts by customer number.
#[utoipa::path(get, path = "/profiles/{customerNumber}/customer-accounts", tag = "Customer accounts client", operation_id = "getCustomerAccountsCustomerNumber",
    params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 200, description = "OK", body = Vec<CustomerAccountResponse>)))]
pub async fn list(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
) -> Result<Json<Vec<CustomerAccountResponse>>, ApiError> {
    let c = s.serve.profile(auth.organisation, n).await?;
    Ok(Json(CustomerAccountResponse::list(&c)))
}

/// Create a new customer account
///
/// Create a new customer account for the customer. An account id belongs to at most one profile of the organisation (409 otherwise). The first account is the default; `isDefault: true` makes the new one the default and clears the previous default in the same write.
#[utoipa::path(post, path = "/profiles/{customerNumber}/customer-accounts", tag = "Customer accounts client", operation_id = "createCustomerAccount",
    request_body = CustomerAccountRequest, params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 201, description = "Created", body = CustomerAccountResponse),
        (status = 409, description = "The account id is used by a profile of the organisation", body = ErrorResponse)))]
pub async fn add(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    body: JsonBody<CustomerAccountRequest>,
) -> Result<Response, ApiError> {
    let new = body.value.parse()?;
    let id = new.account_id.clone();
    let c = s.serve.add(auth.organisation, n, new, auth.actor()?).await?;
    Ok(created_item(account(&c, &id)?, c.version))
}

/// Patch a customer account. Follows the JSON Merge Patch RFC7396 standard.
///
/// Send `Content-Type: application/merge-patch+json`. Absent members stay, `null` removes (an alias; for isDefault it means false), members other than alias and isDefault are refused (400). Making an account the default clears the previous default in the same write; the default cannot be un-defaulted except by making another account the default (409).
#[utoipa::path(patch, path = "/profiles/{customerNumber}/customer-accounts/{accountId}", tag = "Customer accounts client", operation_id = "patchCustomerAccount",
    request_body(content = CustomerAccountPatchRequest, content_type = "application/merge-patch+json"),
    params(("customerNumber" = i64, Path, description = "Customer number"), ("accountId" = String, Path, description = "Customer account id")),
    responses((status = 200, description = "OK", body = CustomerAccountResponse)))]
pub async fn patch(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    TextPath(id): TextPath,
    headers: HeaderMap,
    MergePatch(patch): MergePatch,
) -> Result<Response, ApiError> {
    let id = account_id("accountId", &id)?;
    let expected = if_match(&headers)?;
    let patch = CustomerAccountPatchRequest::parse(&patch)?;
    let c = s
        .serve
        .patch(auth.organisation, n, &id, patch, auth.actor()?, expected.as_ref())
        .await?;
    Ok(ok(account(&c, &id)?, c.version))
}

/// Delete a customer account tied to a customer profile
///
/// Deleting the default account makes the oldest remaining account the default (the answer lists the accounts left, with their isDefault).
#[utoipa::path(delete, path = "/profiles/{customerNumber}/customer-accounts/{accountId}", tag = "Customer accounts client", operation_id = "deleteCustomerAccount",
    params(("customerNumber" = i64, Path, description = "Customer number"), ("accountId" = String, Path, description = "Customer account id")),
    responses((status = 200, description = "OK: the accounts left", body = Vec<CustomerAccountResponse>)))]
pub async fn delete(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    TextPath(id): TextPath,
) -> Result<Response, ApiError> {
    let id = account_id("accountId", &id)?;
    let c = s.serve.remove(auth.organisation, n, &id).await?;
    Ok(ok(CustomerAccountResponse::list(&c), c.version))
}

/// Get profile by customer account id
#[utoipa::path(get, path = "/profiles/customer-accounts/{accountId}", tag = "Customer accounts client", operation_id = "getProfileByCustomerAccountId",
    params(("accountId" = String, Path, description = "Customer account id")),
    responses((status = 200, description = "OK", body = CustomerResponse)))]
pub async fn owner(Serve(s): Serve<State>, auth: Authenticated, TextPath(id): TextPath) -> Result<Response, ApiError> {
    let id = account_id("accountId", &id)?;
    let c = s.serve.owner(auth.organisation, &id).await?;
    Ok(ok(CustomerResponse::of(&c, false), c.version))
}
