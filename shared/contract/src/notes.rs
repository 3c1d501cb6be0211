//! Notes on the wire (deprecated in the contract, kept for compatibility).

use customers_domain::notes::{Note, NoteDetails, TEXT};
use customers_domain::problems::{FieldError, Problems};
use customers_domain::values::{Actor, CustomerNumber, format_instant};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

// ---------------------------------------------------------------- notes

/// A customer-service note (deprecated in the contract, kept for compatibility).
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NoteRequest {
    /// Note content.
    pub text: Option<String>,
    /// Who wrote the note.
    pub created_by: Option<String>,
}

/// A note as returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct NoteResponse {
    /// Note id.
    pub id: i64,
    /// Note content.
    pub text: String,
    /// When the note was last changed. ISO 8601 date format
    pub changed_at: String,
    /// Who last changed the note.
    pub changed_by: String,
    /// When the note was created. ISO 8601 date format
    pub created_at: String,
    /// Who created the note.
    pub created_by: String,
    /// Id of the customer connected to the note.
    pub customer_id: i64,
}

impl NoteRequest {
    pub fn details(&self) -> Result<NoteDetails, Vec<FieldError>> {
        let mut p = Problems::new();
        let text = p
            .required("text", self.text.as_deref())
            .and_then(|t| p.take(TEXT.parse("text", t)));
        let created_by = p
            .required("createdBy", self.created_by.as_deref())
            .and_then(|b| p.take(Actor::parse("createdBy", b)));
        let parsed = (|| {
            Some(NoteDetails {
                text: text?,
                created_by: created_by?,
            })
        })();
        p.finish(parsed)
    }
}

impl NoteResponse {
    pub fn of(n: &Note, customer: CustomerNumber) -> Self {
        Self {
            id: n.id.value(),
            text: n.details.text.clone(),
            changed_at: format_instant(&n.created_at),
            changed_by: n.details.created_by.to_string(),
            created_at: format_instant(&n.created_at),
            created_by: n.details.created_by.to_string(),
            customer_id: customer.value(),
        }
    }
}
