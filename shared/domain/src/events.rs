//! Change events: one small, GDPR-friendly event per change of a profile, for the organisation's
//! subscribers. Customer numbers and what happened; no names, emails or phone numbers: the
//! subscriber looks the profile up in the API.

use crate::profile::{Customer, ProfileType, Status};
use crate::time::timestamp;
use crate::values::OrganisationId;
use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ChangeType {
    Create,
    Update,
    Deactivate,
    Restore,
    Connect,
    Convert,
    Delete,
    Expire,
}

impl ChangeType {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeType::Create => "CREATE",
            ChangeType::Update => "UPDATE",
            ChangeType::Deactivate => "DEACTIVATE",
            ChangeType::Restore => "RESTORE",
            ChangeType::Connect => "CONNECT",
            ChangeType::Convert => "CONVERT",
            ChangeType::Delete => "DELETE",
            ChangeType::Expire => "EXPIRE",
        }
    }
}

/// One change of one profile, as published to `customer-changed-{stage}-{organisationId}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerChanged {
    /// Stable for the change (the stream record's id): a redelivered event has the same id.
    pub event_id: String,
    pub event_type: ChangeType,
    pub organisation_id: i64,
    pub customer_number: i64,
    /// Profiles merged into this one, or (on the merged profile) the one it was merged into.
    pub related_customer_numbers: Vec<i64>,
    /// S, P or T after the change (before it, for DELETE and EXPIRE).
    pub profile_type: String,
    #[serde(with = "timestamp")]
    pub changed_at: DateTime<Utc>,
    /// Increases with every change of the profile: order events of one profile by it.
    pub version: u64,
}

/// What the stream says happened to a profile item.
#[derive(Debug, Clone)]
pub enum ProfileChange {
    Inserted(Box<Customer>),
    Modified { old: Box<Customer>, new: Box<Customer> },
    Removed { old: Box<Customer>, by_ttl: bool },
}

impl CustomerChanged {
    /// The event for a stream record of a profile item. `at` is when the stream saw the change
    /// (used for removals, which leave no change stamp).
    pub fn from_change(event_id: &str, change: &ProfileChange, at: DateTime<Utc>) -> Self {
        let (event_type, profile, version, changed_at) = match change {
            ProfileChange::Inserted(new) => (ChangeType::Create, new, new.version, new.changed.at),
            ProfileChange::Modified { old, new } => (modification(old, new), new, new.version, new.changed.at),
            ProfileChange::Removed { old, by_ttl } => {
                let kind = if *by_ttl {
                    ChangeType::Expire
                } else {
                    ChangeType::Delete
                };
                (kind, old, old.version + 1, at)
            }
        };
        let related = match (event_type, profile.merged_into) {
            (ChangeType::Connect, Some(survivor)) if profile.status == Status::Passive => vec![survivor.value()],
            _ => profile.related_customer_numbers.iter().map(|n| n.value()).collect(),
        };
        Self {
            event_id: event_id.to_string(),
            event_type,
            organisation_id: profile.organisation_id.value(),
            customer_number: profile.customer_number.value(),
            related_customer_numbers: related,
            profile_type: profile.profile_type.code().to_string(),
            changed_at,
            version,
        }
    }
}

fn modification(old: &Customer, new: &Customer) -> ChangeType {
    match (old.status, new.status) {
        (Status::Active, Status::Deleted) => return ChangeType::Deactivate,
        (Status::Deleted, Status::Active) => return ChangeType::Restore,
        (Status::Active, Status::Passive) => return ChangeType::Connect,
        _ => {}
    }
    if old.profile_type == ProfileType::Temporary && new.profile_type != ProfileType::Temporary {
        return ChangeType::Convert;
    }
    if new.related_customer_numbers.len() > old.related_customer_numbers.len() {
        return ChangeType::Connect;
    }
    ChangeType::Update
}

/// Where events go: the organisation's topic.
#[async_trait]
pub trait EventPublisher: Send + Sync {
    /// Publishes one event to the topic of `organisation`. An error means it was not delivered
    /// and must be tried again.
    async fn publish(&self, organisation: OrganisationId, event: &CustomerChanged) -> Result<(), String>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::CustomerPostRequest;
    use crate::profile::NewCustomer;
    use crate::values::CustomerNumber;

    fn customer() -> Customer {
        let now = DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let request: CustomerPostRequest = serde_json::from_value(serde_json::json!({
            "firstName": "Ola", "surname": "Nordmann", "email": "ola@nordmann.org",
            "createdBy": "t", "createdByChannel": "t", "organisationId": 7
        }))
        .unwrap_or_default();
        NewCustomer::parse(&request, now)
            .map(|n| n.into_customer(CustomerNumber::assigned(42), now))
            .unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn kind_of(old: &Customer, new: &Customer) -> ChangeType {
        CustomerChanged::from_change(
            "e",
            &ProfileChange::Modified {
                old: Box::new(old.clone()),
                new: Box::new(new.clone()),
            },
            Utc::now(),
        )
        .event_type
    }

    #[test]
    fn each_transition_has_its_type() {
        let c = customer();
        let mut next = c.clone();
        next.version += 1;
        assert_eq!(kind_of(&c, &next), ChangeType::Update);
        let mut deactivated = next.clone();
        deactivated.status = Status::Deleted;
        assert_eq!(kind_of(&c, &deactivated), ChangeType::Deactivate);
        assert_eq!(kind_of(&deactivated, &c), ChangeType::Restore);
        let mut temporary = c.clone();
        temporary.profile_type = ProfileType::Temporary;
        assert_eq!(kind_of(&temporary, &c), ChangeType::Convert);
        let mut survivor = c.clone();
        survivor.related_customer_numbers.push(CustomerNumber::assigned(9));
        assert_eq!(kind_of(&c, &survivor), ChangeType::Connect);
        let mut merged = c.clone();
        merged.status = Status::Passive;
        merged.merged_into = Some(CustomerNumber::assigned(5));
        let e = CustomerChanged::from_change(
            "e",
            &ProfileChange::Modified {
                old: Box::new(c.clone()),
                new: Box::new(merged),
            },
            Utc::now(),
        );
        assert_eq!(
            (e.event_type, e.related_customer_numbers),
            (ChangeType::Connect, vec![5])
        );
    }

    #[test]
    fn a_ttl_removal_is_an_expiry_and_events_carry_no_personal_data() {
        let c = customer();
        let expired = CustomerChanged::from_change(
            "id-1",
            &ProfileChange::Removed {
                old: Box::new(c.clone()),
                by_ttl: true,
            },
            Utc::now(),
        );
        assert_eq!(expired.event_type, ChangeType::Expire);
        assert_eq!(expired.version, c.version + 1);
        let deleted = CustomerChanged::from_change(
            "id-2",
            &ProfileChange::Removed {
                old: Box::new(c.clone()),
                by_ttl: false,
            },
            Utc::now(),
        );
        assert_eq!(deleted.event_type, ChangeType::Delete);
        let created = CustomerChanged::from_change("id-3", &ProfileChange::Inserted(Box::new(c)), Utc::now());
        let json = serde_json::to_string(&created).unwrap_or_default();
        for personal in ["Ola", "Nordmann", "nordmann.org"] {
            assert!(!json.contains(personal), "{json}");
        }
        assert!(json.contains("\"eventType\":\"CREATE\"") && json.contains("\"customerNumber\":42"));
    }
}
