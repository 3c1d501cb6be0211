//! Customer-service notes on a profile (deprecated in the contract, kept for compatibility).

use crate::customer::Customer;
use crate::error::{Listed, Missing};
use crate::listed::{ListedItem, ProfileList};
use crate::values::{Actor, ItemId, TextRule};
use chrono::{DateTime, Utc};

/// A note's text: a few paragraphs.
pub const TEXT: TextRule = TextRule::multiline(1, 2000);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteDetails {
    pub text: String,
    pub created_by: Actor,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub id: ItemId,
    pub details: NoteDetails,
    pub created_at: DateTime<Utc>,
}

impl ListedItem for Note {
    type Details = NoteDetails;
    const LIST: Listed = Listed::Notes;
    const MAX: usize = 50;
    const MISSING: Missing = Missing::Note;

    fn id(&self) -> ItemId {
        self.id
    }

    fn list(customer: &Customer) -> &[Self] {
        &customer.notes
    }

    fn list_mut(customer: &mut Customer) -> &mut Vec<Self> {
        &mut customer.notes
    }

    fn create(details: NoteDetails, id: ItemId, now: DateTime<Utc>) -> Self {
        Self {
            id,
            details,
            created_at: now,
        }
    }

    /// Notes are written once; a "replaced" note is a new text under the same id.
    fn replaced(&self, details: NoteDetails, _now: DateTime<Utc>) -> Self {
        Self {
            id: self.id,
            details,
            created_at: self.created_at,
        }
    }
}

/// A profile's notes.
pub type Notes = ProfileList<Note>;
