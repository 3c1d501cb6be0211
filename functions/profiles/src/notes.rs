//! Handlers of a profile's notes (deprecated in the contract, kept for compatibility).

use crate::State;
use crate::listed::{self, Shown};
use axum::Json;
use axum::extract::State as Serve;
use axum::http::StatusCode;
use axum::response::Response;
use customers_contract::notes::{NoteRequest, NoteResponse};
use customers_domain::listed::ProfileList;
use customers_domain::notes::Note;
use customers_domain::values::CustomerNumber;
use customers_http::ApiError;
use customers_http::extract::{Authenticated, CustomerNumberPath, JsonBody, TextPath};

impl Shown for Note {
    type Response = NoteResponse;
    const ID: &'static str = "noteId";

    fn show(&self, owner: CustomerNumber) -> NoteResponse {
        NoteResponse::of(self, owner)
    }

    fn capability(state: &State) -> &ProfileList<Self> {
        &state.serve.notes
    }
}

/// List notes (deprecated in the contract, kept for compatibility)
#[utoipa::path(get, path = "/profiles/{customerNumber}/notes", tag = "Profiles client", operation_id = "getNotes",
    params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 200, description = "OK", body = Vec<NoteResponse>)))]
pub async fn list(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
) -> Result<Json<Vec<NoteResponse>>, ApiError> {
    listed::list::<Note>(&s, &auth, n).await
}

/// Add a note
#[utoipa::path(post, path = "/profiles/{customerNumber}/notes", tag = "Profiles client", operation_id = "addNote",
    request_body = NoteRequest, params(("customerNumber" = i64, Path, description = "Customer number")),
    responses((status = 201, description = "Created", body = NoteResponse)))]
pub async fn add(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    body: JsonBody<NoteRequest>,
) -> Result<Response, ApiError> {
    listed::add::<Note>(&s, &auth, n, body.value.details()?).await
}

/// Delete a note
#[utoipa::path(delete, path = "/profiles/{customerNumber}/notes/{noteId}", tag = "Profiles client", operation_id = "deleteNote",
    params(("customerNumber" = i64, Path, description = "Customer number"), ("noteId" = i64, Path, description = "Note id")),
    responses((status = 204, description = "Deleted")))]
pub async fn delete(
    Serve(s): Serve<State>,
    auth: Authenticated,
    CustomerNumberPath(n): CustomerNumberPath,
    TextPath(id): TextPath,
) -> Result<StatusCode, ApiError> {
    listed::delete::<Note>(&s, &auth, n, &id).await
}
