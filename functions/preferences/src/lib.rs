//! The `preferences` Lambda: the organisation's preference catalogue, and the preferences each
//! customer has chosen from it.

mod catalogue;
mod choices;
pub mod openapi;

use axum::Router;
use axum::routing::on;
use customers_contract::routes::Function;
use customers_domain::ports::{Port, PreferenceCatalogue, ProfileReads, ProfileWrites};
use customers_domain::preferences::{Catalogue, CustomerPreferences};
use customers_http::{Served, Settings};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The capabilities this function serves, wired once per instance.
pub struct Capabilities {
    pub catalogue: Catalogue,
    pub choices: CustomerPreferences,
}

pub type State = Served<Capabilities>;

/// The storage ports this function uses: its IAM policy grants their actions and no others.
pub fn ports() -> BTreeSet<Port> {
    [Catalogue::PORTS, CustomerPreferences::PORTS]
        .concat()
        .into_iter()
        .collect()
}

pub fn router<S>(store: Arc<S>, settings: Settings) -> Result<Router, String>
where
    S: ProfileReads + ProfileWrites + PreferenceCatalogue + 'static,
{
    let capabilities = Capabilities {
        catalogue: Catalogue::new(store.clone(), settings.clock.clone()),
        choices: CustomerPreferences::new(store, settings.clock.clone()),
    };
    let state = Served::new(&settings, capabilities);
    customers_http::router(Function::Preferences, &settings, state, |id, method| {
        Some(match id {
            "listPreferences" => on(method, catalogue::list),
            "addPreference" => on(method, catalogue::add),
            "findPreferenceById" => on(method, catalogue::get),
            "updatePreference" => on(method, catalogue::update),
            "deletePreference" => on(method, catalogue::remove),
            "getCustomerPreferences" => on(method, choices::list),
            "addCustomerPreference" => on(method, choices::add),
            "replaceCustomerPreferences" => on(method, choices::replace),
            "removeCustomerPreference" => on(method, choices::remove),
            _ => return None,
        })
    })
}
