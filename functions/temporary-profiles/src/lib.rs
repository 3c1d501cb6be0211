//! The `temporary-profiles` Lambda: profiles for anonymous purchases. They carry an expiration
//! date, after which they are gone (404 at once, deleted by DynamoDB's TTL soon after), and can
//! be converted to a permanent profile before then.

mod handlers;
pub mod openapi;

use axum::Router;
use axum::routing::on;
use customers_contract::routes::Function;
use customers_domain::lifecycle::TemporaryProfiles;
use customers_domain::ports::{CustomerNumbers, IdempotencyRecords, PasswordHashes, Port, ProfileReads, ProfileWrites};
use customers_http::{Served, Settings};
use std::collections::BTreeSet;
use std::sync::Arc;

pub type State = Served<TemporaryProfiles>;

/// The storage ports this function uses: its IAM policy grants their actions and no others.
pub fn ports() -> BTreeSet<Port> {
    TemporaryProfiles::PORTS.iter().copied().collect()
}

pub fn router<S>(store: Arc<S>, settings: Settings) -> Result<Router, String>
where
    S: ProfileReads + ProfileWrites + CustomerNumbers + IdempotencyRecords + PasswordHashes + 'static,
{
    let temporary = TemporaryProfiles::new(store, settings.clock.clone(), settings.number_block, settings.hasher);
    let state = Served::new(&settings, temporary);
    customers_http::router(Function::TemporaryProfiles, &settings, state, |id, method| {
        Some(match id {
            "createTemporaryProfile" => on(method, handlers::create),
            "getTemporaryProfile" => on(method, handlers::get),
            "updateTemporaryProfileByCustomerNumber" => on(method, handlers::update),
            "deleteTemporaryProfile" => on(method, handlers::delete),
            "convertTemporaryProfile" => on(method, handlers::convert),
            _ => return None,
        })
    })
}
