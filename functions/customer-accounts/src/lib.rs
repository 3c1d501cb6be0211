//! The `customer-accounts` Lambda: a customer's accounts for account-based ticketing, their
//! default, and the profile that owns an account id.

mod handlers;
pub mod openapi;

use axum::Router;
use axum::routing::on;
use customers_contract::routes::Function;
use customers_domain::accounts::CustomerAccounts;
use customers_domain::ports::{Port, ProfileReads, ProfileWrites};
use customers_http::{Served, Settings};
use std::collections::BTreeSet;
use std::sync::Arc;

pub type State = Served<CustomerAccounts>;

/// The storage ports this function uses: its IAM policy grants their actions and no others.
pub fn ports() -> BTreeSet<Port> {
    CustomerAccounts::PORTS.iter().copied().collect()
}

pub fn router<S>(store: Arc<S>, settings: Settings) -> Result<Router, String>
where
    S: ProfileReads + ProfileWrites + 'static,
{
    let accounts = CustomerAccounts::new(store, settings.clock.clone());
    let state = Served::new(&settings, accounts);
    customers_http::router(Function::CustomerAccounts, &settings, state, |id, method| {
        Some(match id {
            "getCustomerAccountsCustomerNumber" => on(method, handlers::list),
            "createCustomerAccount" => on(method, handlers::add),
            "patchCustomerAccount" => on(method, handlers::patch),
            "deleteCustomerAccount" => on(method, handlers::delete),
            "getProfileByCustomerAccountId" => on(method, handlers::owner),
            _ => return None,
        })
    })
}
