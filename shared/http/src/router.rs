//! A function's router, built from the routing table: each operation the table gives the
//! function is routed to the handler the function names for it, under the table's method and
//! path, so that the table is the one place routes are written.

use crate::extract::BODY_LIMIT_BYTES;
use crate::lambda::Settings;
use crate::middleware::{method_not_allowed, unknown_path, with_contract_layers};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{MethodFilter, MethodRouter};
use customers_contract::routes::{Function, Verb, served_by};

fn filter(verb: Verb) -> MethodFilter {
    match verb {
        Verb::Get => MethodFilter::GET,
        Verb::Post => MethodFilter::POST,
        Verb::Put => MethodFilter::PUT,
        Verb::Patch => MethodFilter::PATCH,
        Verb::Delete => MethodFilter::DELETE,
    }
}

/// Routes every operation of `function`: `handler(operation id, method)` gives the handler
/// (built with `axum::routing::on(method, …)`). A path also answers with a trailing slash.
/// Fails, at start-up, when an operation has no handler.
pub fn router<S>(
    function: Function,
    settings: &Settings,
    state: S,
    handler: impl Fn(&'static str, MethodFilter) -> Option<MethodRouter<S>>,
) -> Result<Router, String>
where
    S: Clone + Send + Sync + 'static,
{
    let mut router = Router::new();
    for op in served_by(function) {
        let route = handler(op.id, filter(op.verb))
            .ok_or_else(|| format!("{} has no handler for {}", function.name(), op.id))?;
        router = router
            .route(op.path, route.clone())
            .route(&format!("{}/", op.path), route);
    }
    let router = router
        .fallback(unknown_path)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
        .with_state(state);
    Ok(with_contract_layers(router, settings.scope(function)))
}
