//! What the handlers of a profile's lists (postal addresses, ecards, notes) share: each change
//! answers with the changed item and the profile's new version in `ETag`.

use crate::State;
use axum::Json;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use customers_contract::WireError;
use customers_domain::listed::{ListedItem, ProfileList};
use customers_domain::values::{CustomerNumber, ItemId};
use customers_http::ApiError;
use customers_http::extract::{Authenticated, if_match};
use customers_http::respond::{created_item, ok};
use serde::Serialize;

/// A kind of listed item as the wire shows it.
pub trait Shown: ListedItem {
    type Response: Serialize;
    /// The path parameter naming one.
    const ID: &'static str;
    fn show(&self, owner: CustomerNumber) -> Self::Response;
    fn capability(state: &State) -> &ProfileList<Self>;
}

pub async fn list<T: Shown>(
    s: &State,
    auth: &Authenticated,
    n: CustomerNumber,
) -> Result<Json<Vec<T::Response>>, ApiError> {
    let c = T::capability(s).profile(auth.organisation, n).await?;
    Ok(Json(<T as ListedItem>::list(&c).iter().map(|x| x.show(n)).collect()))
}

fn shown<T: Shown>(c: &customers_domain::Customer, id: ItemId) -> Result<T::Response, ApiError> {
    <T as ListedItem>::list(c)
        .iter()
        .find(|x| x.id() == id)
        .map(|x| x.show(c.customer_number))
        .ok_or_else(|| ApiError(WireError::internal("the written item is not in the profile")))
}

pub async fn add<T: Shown>(
    s: &State,
    auth: &Authenticated,
    n: CustomerNumber,
    details: T::Details,
) -> Result<Response, ApiError> {
    let (c, id) = T::capability(s).add(auth.organisation, n, details).await?;
    Ok(created_item(shown::<T>(&c, id)?, c.version))
}

pub async fn replace<T: Shown>(
    s: &State,
    auth: &Authenticated,
    n: CustomerNumber,
    id: &str,
    headers: &HeaderMap,
    details: T::Details,
) -> Result<Response, ApiError> {
    let id = ItemId::parse_text(T::ID, id)?;
    let expected = if_match(headers)?;
    let c = T::capability(s)
        .replace(auth.organisation, n, id, details, expected.as_ref())
        .await?;
    Ok(ok(shown::<T>(&c, id)?, c.version))
}

pub async fn delete<T: Shown>(
    s: &State,
    auth: &Authenticated,
    n: CustomerNumber,
    id: &str,
) -> Result<StatusCode, ApiError> {
    let id = ItemId::parse_text(T::ID, id)?;
    T::capability(s).remove(auth.organisation, n, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
