//! A change event as subscribers read it (`docs/events.md`, `docs/asyncapi.yaml`).

use customers_domain::events::{ChangeType, CustomerChanged};
use customers_domain::values::format_instant;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One change of one profile, as published to `customer-changed-{stage}-{organisationId}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerChangedEvent {
    /// Stable for the change: a redelivered event has the same id.
    pub event_id: String,
    /// CREATE, UPDATE, DEACTIVATE, RESTORE, CONNECT, CONVERT, DELETE or EXPIRE.
    pub event_type: String,
    pub organisation_id: i64,
    pub customer_number: i64,
    /// Profiles merged into this one, or (on the merged profile) the one it was merged into.
    pub related_customer_numbers: Vec<i64>,
    /// S, P or T after the change (before it, for DELETE and EXPIRE).
    pub profile_type: String,
    /// When the change was made, in UTC to the millisecond.
    pub changed_at: String,
    /// Increases with every change of the profile: order events of one profile by it.
    pub version: u64,
}

impl CustomerChangedEvent {
    pub fn of(e: &CustomerChanged) -> Self {
        Self {
            event_id: e.event_id.clone(),
            event_type: e.event_type.as_str().to_string(),
            organisation_id: e.organisation_id.value(),
            customer_number: e.customer_number.value(),
            related_customer_numbers: e.related_customer_numbers.iter().map(|n| n.value()).collect(),
            profile_type: e.profile_type.code().to_string(),
            changed_at: format_instant(&e.changed_at),
            version: e.version.value(),
        }
    }

    /// The event's type, as the domain names it.
    pub fn change_type(&self) -> Option<ChangeType> {
        ChangeType::ALL.into_iter().find(|t| t.as_str() == self.event_type)
    }
}
