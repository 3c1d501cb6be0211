//! The `credentials` Lambda: verify credentials, and set, change and generate passwords.

mod handlers;
pub mod openapi;

use axum::Router;
use axum::routing::on;
use customers_contract::routes::Function;
use customers_domain::credentials::Credentials;
use customers_domain::ports::{PasswordHashes, Port, ProfileReads, ProfileWrites, SignInAttempts};
use customers_http::{Served, Settings};
use std::collections::BTreeSet;
use std::sync::Arc;

pub type State = Served<Credentials>;

/// The storage ports this function uses: its IAM policy grants their actions and no others.
pub fn ports() -> BTreeSet<Port> {
    Credentials::PORTS.iter().copied().collect()
}

pub fn router<S>(store: Arc<S>, settings: Settings) -> Result<Router, String>
where
    S: ProfileReads + ProfileWrites + SignInAttempts + PasswordHashes + 'static,
{
    let credentials = Credentials::new(store, settings.clock.clone(), settings.hasher);
    let state = Served::new(&settings, credentials);
    customers_http::router(Function::Credentials, &settings, state, |id, method| {
        Some(match id {
            "verifyCredentials" => on(method, handlers::verify),
            "generatePassword" => on(method, handlers::generate),
            "setPassword" => on(method, handlers::set),
            "changePassword" => on(method, handlers::change),
            _ => return None,
        })
    })
}
