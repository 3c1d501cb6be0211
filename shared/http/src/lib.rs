//! What every HTTP Lambda of the customers API shares: bearer-token authentication, the
//! extractors that read a request into contract types, the middleware that renders errors as
//! `ErrorResponse` with the correlation id, the router built from the routing table, and the
//! Lambda entry point. Handlers stay thin: they extract, call the domain, and answer.

pub mod auth;
pub mod error;
pub mod extract;
pub mod lambda;
pub mod middleware;
pub mod respond;
pub mod router;
pub mod token_crypto;

pub use auth::{AuthConfig, JwtVerifier};
pub use error::ApiError;
pub use extract::{Authenticated, BODY_LIMIT_BYTES};
pub use lambda::{Served, Settings};
pub use middleware::CorrelationId;
pub use router::router;
