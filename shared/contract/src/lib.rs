//! The wire contract of the customers API (Entur's Customers API v2): the request and response
//! shapes with their OpenAPI schemas, how a request becomes a domain command and an entity an
//! answer, the error catalogue and `ErrorResponse`, `ETag`/`If-Match` and `Idempotency-Key`,
//! the change event's JSON, and the routing table. No HTTP server and no AWS here.

pub mod accounts;
pub mod addresses;
pub mod bounded;
pub mod credentials;
pub mod ecards;
pub mod errors;
pub mod events;
pub mod headers;
pub mod integers;
pub mod lifecycle;
pub mod notes;
pub mod preferences;
pub mod profile;
pub mod routes;
pub mod schema;
pub mod search;
pub mod temporary;

pub use errors::{ErrorCode, ErrorResponse, ErrorSpecification, WireError, WireFieldError};
