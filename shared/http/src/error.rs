//! An error on its way out of a handler: the contract's `WireError`, carried in the response's
//! extensions so that the middleware renders it with the request's path and correlation id.

use axum::response::{IntoResponse, Response};
use customers_contract::WireError;
use customers_domain::DomainError;
use customers_domain::problems::FieldError;

#[derive(Debug, Clone)]
pub struct ApiError(pub WireError);

impl From<WireError> for ApiError {
    fn from(e: WireError) -> Self {
        Self(e)
    }
}

impl From<DomainError> for ApiError {
    fn from(e: DomainError) -> Self {
        Self(WireError::from(e))
    }
}

impl From<Vec<FieldError>> for ApiError {
    fn from(errors: Vec<FieldError>) -> Self {
        Self(WireError::fields(errors))
    }
}

impl From<FieldError> for ApiError {
    fn from(error: FieldError) -> Self {
        Self(WireError::fields(vec![error]))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.0.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}
