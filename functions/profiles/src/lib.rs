//! The `profiles` Lambda: permanent profiles (create, read, update, search, bulk lookups),
//! their lifecycle (deactivate, restore, connect), and the postal addresses, ecards and notes
//! kept in them. Routed from the routing table; each handler extracts typed inputs, calls its
//! capability and shapes the answer.

mod addresses;
mod ecards;
mod lifecycle;
mod listed;
mod notes;
pub mod openapi;
mod profiles;

use axum::Router;
use axum::routing::on;
use customers_contract::routes::Function;
use customers_domain::addresses::AddressBook;
use customers_domain::ecards::TravelCards;
use customers_domain::lifecycle::Lifecycle;
use customers_domain::notes::Notes;
use customers_domain::ports::{
    CustomerNumbers, IdempotencyRecords, PasswordHashes, Port, ProfileBatches, ProfileReads, ProfileSearch,
    ProfileWrites,
};
use customers_domain::profiles::ProfileService;
use customers_http::{Served, Settings};
use std::collections::BTreeSet;
use std::sync::Arc;

/// The capabilities this function serves, wired once per instance.
pub struct Capabilities {
    pub profiles: ProfileService,
    pub lifecycle: Lifecycle,
    pub addresses: AddressBook,
    pub ecards: TravelCards,
    pub notes: Notes,
}

pub type State = Served<Capabilities>;

/// The storage ports this function uses: its IAM policy grants their actions and no others.
pub fn ports() -> BTreeSet<Port> {
    [
        ProfileService::PORTS,
        Lifecycle::PORTS,
        AddressBook::PORTS,
        TravelCards::PORTS,
        Notes::PORTS,
    ]
    .concat()
    .into_iter()
    .collect()
}

pub fn router<S>(store: Arc<S>, settings: Settings) -> Result<Router, String>
where
    S: ProfileReads
        + ProfileBatches
        + ProfileSearch
        + ProfileWrites
        + CustomerNumbers
        + IdempotencyRecords
        + PasswordHashes
        + 'static,
{
    let clock = settings.clock.clone();
    let capabilities = Capabilities {
        profiles: ProfileService::new(store.clone(), clock.clone(), settings.number_block, settings.hasher),
        lifecycle: Lifecycle::new(store.clone(), clock.clone()),
        addresses: AddressBook::new(store.clone(), clock.clone()),
        ecards: TravelCards::new(store.clone(), clock.clone()),
        notes: Notes::new(store, clock),
    };
    let state = Served::new(&settings, capabilities);
    customers_http::router(Function::Profiles, &settings, state, |id, method| {
        Some(match id {
            "createCustomer" => on(method, profiles::create),
            "findCustomersByParameters" => on(method, profiles::find),
            "searchCustomers" => on(method, profiles::search),
            "findCustomersInBulk" => on(method, profiles::bulk),
            "findCustomerByCustomerRef" => on(method, profiles::get_by_ref),
            "findCustomerByCustomerNumber" => on(method, profiles::get),
            "updateCustomer" => on(method, profiles::update),
            "deactivateCustomer" => on(method, lifecycle::deactivate),
            "restoreCustomer" => on(method, lifecycle::restore),
            "connectCustomer" => on(method, lifecycle::connect),
            "getPostalAddresses" => on(method, addresses::list),
            "addPostalAddress" => on(method, addresses::add),
            "updatePostalAddress" => on(method, addresses::replace),
            "deletePostalAddress" => on(method, addresses::delete),
            "getEcards" => on(method, ecards::list),
            "addEcard" => on(method, ecards::add),
            "updateEcard" => on(method, ecards::replace),
            "deleteEcard" => on(method, ecards::delete),
            "getNotes" => on(method, notes::list),
            "addNote" => on(method, notes::add),
            "deleteNote" => on(method, notes::delete),
            _ => return None,
        })
    })
}
