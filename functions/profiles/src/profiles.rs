//! Handlers of permanent profiles: create, get, update, search, bulk, by reference.

use crate::State;
use axum::Json;
use axum::extract::State as Serve;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use customers_contract::ErrorResponse;
use customers_contract::bounded::{BULK_RESUME_INDEX, BoundedArray, RESPONSE_BUDGET, RESULT_TRUNCATED};
use customers_contract::profile::{
    CustomerPostRequest, CustomerPutRequest, CustomerResponse, ListCustomerResponse, PageCustomerResponse,
    ProfilesBulkRequest,
};
use customers_contract::search::{CustomerSearchParams, PageParams, flag};
use customers_domain::Customer;
use customers_domain::profiles::Page;
use customers_domain::values::CustomerRef;
use customers_http::ApiError;
use customers_http::extract::{
    Authenticated, CustomerNumberPath, JsonBody, QueryParams, TextPath, idempotency, if_match,
};
use customers_http::respond::{created_profile, json_text, ok};
use serde::Deserialize;
use utoipa::IntoParams;

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
        (status = 409, description = "The email or customerRef is already used in the organisation", body = ErrorResponse),
        (status = 422, description = "The Idempotency-Key was used with another request", body = ErrorResponse),
    )
)]
pub async fn create(
    Serve(s): Serve<State>,
    auth: Authenticated,
    headers: HeaderMap,
    body: JsonBody<CustomerPostRequest>,
) -> Result<Response, ApiError> {
    let keyed = idempotency(&headers, &body.raw)?;
    let new = body.value.parse(s.clock.now())?;
    let created = s.serve.profiles.create(auth.organisation, new, keyed).await?;
    let location = format!("/profiles/{}", created.customer().customer_number);
    Ok(created_profile(&created, &location, |c| CustomerResponse::of(c, false)))
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
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
    QueryParams(params): QueryParams<GetProfileParams>,
) -> Result<Response, ApiError> {
    let include_ecards = flag("includeECards", params.include_e_cards.as_deref())?;
    flag("includePersonnelTicket", params.include_personnel_ticket.as_deref())?;
    let customer = s.serve.profiles.get(auth.organisation, number).await?;
    Ok(ok(CustomerResponse::of(&customer, include_ecards), customer.version))
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
        (status = 409, description = "The email is used by another profile, or the profile cannot be changed in its state", body = ErrorResponse),
        (status = 412, description = "If-Match names a version that is no longer current", body = ErrorResponse),
    )
)]
pub async fn update(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(number): CustomerNumberPath,
    headers: HeaderMap,
    body: JsonBody<CustomerPutRequest>,
) -> Result<Response, ApiError> {
    let expected = if_match(&headers)?;
    let update = body.value.parse(s.clock.now())?;
    let customer = s
        .serve
        .profiles
        .update(auth.organisation, number, update, expected.as_ref())
        .await?;
    Ok(ok(CustomerResponse::of(&customer, false), customer.version))
}

/// Find customers by parameters
///
/// A list of customers matching the search criteria: every parameter given must match. Any
/// parameter can start a search on its own but two: postalAddress (a part of an address line)
/// and countryCode (without telephoneNumberNoCountryCode) only narrow one, and alone are
/// answered with 400 naming what to add. The search starts from the most selective parameter
/// given (email, telephone number, customerRef, vippsId, landlineNumber, telephone number
/// without country code, dateOfBirth, surname, postCode, firstName, in that order) and filters
/// by the rest. Temporary profiles are left out unless includeTemporary=true.
#[utoipa::path(
    get, path = "/profiles", tag = "Profiles client", operation_id = "findCustomersByParameters",
    params(CustomerSearchParams),
    responses((status = 200, description = "OK", body = Vec<ListCustomerResponse>,
        headers(("Result-Truncated" = String, description = "`true` when matches were left out to keep the answer within its size limit (5,000,000 bytes); narrow the search, or page it with /profiles-search"))))
)]
pub async fn find(
    Serve(s): Serve<State>,
    auth: Authenticated,
    QueryParams(params): QueryParams<CustomerSearchParams>,
) -> Result<Response, ApiError> {
    let criteria = params.parse(auth.organisation, s.clock.now().date_naive())?;
    let found = s.serve.profiles.find(auth.organisation, criteria).await?;
    let mut list = BoundedArray::new(RESPONSE_BUDGET, 0);
    let truncated = !found.iter().all(|c| list.push(&ListCustomerResponse::of(c)));
    let headers = if truncated {
        vec![(RESULT_TRUNCATED, "true".to_string())]
    } else {
        Vec::new()
    };
    Ok(json_text(list.into_json(), &headers))
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
    responses((status = 200, description = "OK: the page asked for, or (when its profiles would pass the answer's size limit of 5,000,000 bytes) a smaller page that starts at the same profile, whose `page` and `perPage` say which it is: continue from its page + 1 at its perPage", body = PageCustomerResponse))
)]
pub async fn search(
    Serve(s): Serve<State>,
    auth: Authenticated,
    QueryParams(query): QueryParams<SearchQuery>,
) -> Result<Response, ApiError> {
    let asked = query.page.parse()?;
    let criteria = query.search.parse(auth.organisation, s.clock.now().date_naive())?;
    let (mut items, total) = s.serve.profiles.search(auth.organisation, criteria, asked).await?;
    let (page, written) = fitting_page(asked, &items);
    let total_pages = total.div_ceil(u64::from(page.per_page));
    if page == asked {
        // Every profile of the page fits: answer them as they were written to measure them.
        return Ok(json_text(page_json(written.into_json(), total, total_pages, page), &[]));
    }
    items.truncate(page.per_page as usize);
    Ok(Json(PageCustomerResponse {
        items: ListCustomerResponse::list(&items),
        total_items: total,
        total_pages,
        page: page.page,
        per_page: page.per_page,
    })
    .into_response())
}

/// A page's answer around its items' JSON array, as [`PageCustomerResponse`] is written.
fn page_json(items: Vec<u8>, total_items: u64, total_pages: u64, page: Page) -> Vec<u8> {
    let mut body = Vec::with_capacity(items.len() + 96);
    body.extend_from_slice(b"{\"items\":");
    body.extend(items);
    body.extend_from_slice(
        format!(
            ",\"totalItems\":{total_items},\"totalPages\":{total_pages},\"page\":{},\"perPage\":{}}}",
            page.page, page.per_page
        )
        .as_bytes(),
    );
    body
}

/// The page to answer: the one asked, or when its profiles do not fit in the answer, the
/// largest page that does and starts at the same profile (its size divides the size asked, so
/// the page numbers line up).
fn fitting_page(asked: Page, items: &[Customer]) -> (Page, BoundedArray) {
    // Room for the page's other members.
    let mut list = BoundedArray::new(RESPONSE_BUDGET, 200);
    let fit = items
        .iter()
        .take_while(|c| list.push(&ListCustomerResponse::of(c)))
        .count();
    if fit == items.len() {
        return (asked, list);
    }
    let per_page = (1..=asked.per_page)
        .rev()
        .find(|d| asked.per_page.is_multiple_of(*d) && (*d as usize) <= fit)
        .unwrap_or(1);
    let page = Page {
        page: asked.page.saturating_mul(asked.per_page / per_page),
        per_page,
    };
    (page, list)
}

/// Look up many customers
///
/// Up to 1000 profiles by customer numbers or, when no numbers are given, by customer
/// references. Answers in the order asked; numbers or references not found are left out.
#[utoipa::path(
    post, path = "/profiles/bulk", tag = "Profiles client", operation_id = "findCustomersInBulk",
    request_body = ProfilesBulkRequest,
    responses((status = 200, description = "OK", body = Vec<ListCustomerResponse>,
        headers(
            ("Result-Truncated" = String, description = "`true` when the answer stopped early to stay within its size limit (5,000,000 bytes)"),
            ("Bulk-Resume-Index" = i64, description = "With Result-Truncated: the position (from 0) in the request's list of the first profile left out; ask again with the list from there"),
        )))
)]
pub async fn bulk(
    Serve(s): Serve<State>,
    auth: Authenticated,
    body: JsonBody<ProfilesBulkRequest>,
) -> Result<Response, ApiError> {
    let lookup = body.value.parse()?;
    let mut list = BoundedArray::new(RESPONSE_BUDGET, 0);
    let stopped = s
        .serve
        .profiles
        .bulk(auth.organisation, lookup, &mut |c| {
            list.push(&ListCustomerResponse::of(c))
        })
        .await?;
    let headers = match stopped {
        Some(index) => vec![
            (RESULT_TRUNCATED, "true".to_string()),
            (BULK_RESUME_INDEX, index.to_string()),
        ],
        None => Vec::new(),
    };
    Ok(json_text(list.into_json(), &headers))
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
    Serve(s): Serve<State>,
    auth: Authenticated,
    TextPath(reference): TextPath,
) -> Result<Response, ApiError> {
    let reference = CustomerRef::parse("customerRef", &reference)?;
    let customer = s.serve.profiles.by_ref(auth.organisation, &reference).await?;
    Ok(ok(CustomerResponse::of(&customer, false), customer.version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use customers_domain::testing::{new_customer, organisation};
    use customers_domain::values::CustomerNumber;

    /// The page written around its items' JSON is the page as serde writes it.
    #[test]
    fn a_page_written_around_its_items_is_the_contracts_page() {
        let now = chrono::Utc::now();
        let items: Vec<Customer> = [1_000_000_001, 1_000_000_002]
            .into_iter()
            .map(|n| {
                let number = CustomerNumber::parse("n", n).unwrap_or_else(|e| panic!("{e:?}"));
                new_customer(organisation(3), Some("kari@nordmann.org")).into_customer(number, now)
            })
            .collect();
        let page = Page { page: 2, per_page: 2 };
        let (fitted, written) = fitting_page(page, &items);
        assert_eq!(fitted, page);
        let ours: serde_json::Value =
            serde_json::from_slice(&page_json(written.into_json(), 7, 4, page)).unwrap_or_else(|e| panic!("{e}"));
        let serde = serde_json::to_value(PageCustomerResponse {
            items: ListCustomerResponse::list(&items),
            total_items: 7,
            total_pages: 4,
            page: 2,
            per_page: 2,
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ours, serde);
    }
}
