//! What every HTTP Lambda of the customers API shares: the contract's error body, correlation
//! ids, bearer-token authentication, request extraction and telemetry. Handlers stay thin: they
//! extract, call the domain, and answer.

pub mod auth;
pub mod error;
pub mod extract;
pub mod lambda;
pub mod middleware;
pub mod respond;
pub mod state;
pub mod telemetry;

pub use auth::{AuthConfig, JwtVerifier};
pub use error::{ApiError, ErrorResponse, ErrorSpecification};
pub use middleware::{CorrelationId, with_contract_layers};
pub use state::ApiState;

/// Request bodies above this size are refused with 413 before they are parsed.
pub const BODY_LIMIT_BYTES: usize = 256 * 1024;
