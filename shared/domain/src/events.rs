//! Change events: one small, GDPR-friendly event per change of a profile, for the organisation's
//! subscribers. Customer numbers and what happened; no names, emails or phone numbers: a
//! subscriber looks the profile up when it needs it.

use crate::customer::{Customer, ProfileType, Status};
use crate::values::{CustomerNumber, OrganisationId, Version};
use async_trait::async_trait;
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    pub const ALL: [ChangeType; 8] = [
        ChangeType::Create,
        ChangeType::Update,
        ChangeType::Deactivate,
        ChangeType::Restore,
        ChangeType::Connect,
        ChangeType::Convert,
        ChangeType::Delete,
        ChangeType::Expire,
    ];

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

/// One change of one profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerChanged {
    /// Stable for the change (the stream record's id): a redelivered event has the same id.
    pub event_id: String,
    pub event_type: ChangeType,
    pub organisation_id: OrganisationId,
    pub customer_number: CustomerNumber,
    /// Profiles merged into this one, or (on the merged profile) the one it was merged into.
    pub related_customer_numbers: Vec<CustomerNumber>,
    /// After the change (before it, for DELETE and EXPIRE).
    pub profile_type: ProfileType,
    pub changed_at: DateTime<Utc>,
    /// Increases with every change of the profile: order one profile's events by it.
    pub version: Version,
}

/// What happened to a stored profile.
#[derive(Debug, Clone)]
pub enum ProfileChange {
    Inserted(Box<Customer>),
    Modified { old: Box<Customer>, new: Box<Customer> },
    Removed { old: Box<Customer>, by_expiry: bool },
}

impl CustomerChanged {
    /// The event for a change. `at` is when the store saw it (used for removals, which leave
    /// no change stamp).
    pub fn from_change(event_id: &str, change: &ProfileChange, at: DateTime<Utc>) -> Self {
        let (event_type, profile, version, changed_at) = match change {
            ProfileChange::Inserted(new) => (ChangeType::Create, new, new.version, new.changed.at),
            ProfileChange::Modified { old, new } => (modification(old, new), new, new.version, new.changed.at),
            ProfileChange::Removed { old, by_expiry } => {
                let kind = if *by_expiry {
                    ChangeType::Expire
                } else {
                    ChangeType::Delete
                };
                (kind, old, old.version.next(), at)
            }
        };
        let related = match (event_type, profile.merged_into) {
            (ChangeType::Connect, Some(survivor)) if profile.status == Status::Passive => vec![survivor],
            _ => profile.related_customer_numbers.clone(),
        };
        Self {
            event_id: event_id.to_string(),
            event_type,
            organisation_id: profile.organisation_id,
            customer_number: profile.customer_number,
            related_customer_numbers: related,
            profile_type: profile.profile_type,
            changed_at,
            version,
        }
    }
}

impl CustomerChanged {
    /// The event a replay publishes for a change whose own event was lost: the profile as it
    /// is now, under the lost event's id. Its version is the current one, so a subscriber that
    /// orders by version applies it after anything it has seen, and ignores it when it has
    /// seen this version already. The type says where the profile stands: deactivated
    /// (DEACTIVATE), merged (CONNECT), only ever created (CREATE), or else UPDATE.
    pub fn current(event_id: &str, customer: &Customer) -> Self {
        let event_type = match customer.status {
            Status::Deleted => ChangeType::Deactivate,
            Status::Passive => ChangeType::Connect,
            Status::Active if customer.version == Version::FIRST => ChangeType::Create,
            Status::Active => ChangeType::Update,
        };
        let related = match (customer.status, customer.merged_into) {
            (Status::Passive, Some(survivor)) => vec![survivor],
            _ => customer.related_customer_numbers.clone(),
        };
        Self {
            event_id: event_id.to_string(),
            event_type,
            organisation_id: customer.organisation_id,
            customer_number: customer.customer_number,
            related_customer_numbers: related,
            profile_type: customer.profile_type,
            changed_at: customer.changed.at,
            version: customer.version,
        }
    }
}

fn modification(old: &Customer, new: &Customer) -> ChangeType {
    match (old.status, new.status) {
        (Status::Active, Status::Deleted) => return ChangeType::Deactivate,
        (Status::Deleted, Status::Active) => return ChangeType::Restore,
        (Status::Active, Status::Passive) => return ChangeType::Connect,
        // A profile merged earlier, now pointing to the survivor of its survivor's merge.
        (Status::Passive, Status::Passive) if old.merged_into != new.merged_into => return ChangeType::Connect,
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

/// A stored change that cannot be read, set aside so the stream can move on and an operator can
/// look at it (and replay the profile's current state).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    /// The item's key, `pk/sk`.
    pub key: String,
    /// Where it is in the stream.
    pub sequence_number: String,
    /// The stream record's id: a replay publishes under it.
    pub event_id: String,
    /// INSERT, MODIFY or REMOVE.
    pub event_name: String,
    pub reason: String,
}

/// Where changes that cannot be read go.
#[async_trait]
pub trait SetAsides: Send + Sync {
    /// Keeps the record's description; an error means it was not kept and the record must be
    /// tried again.
    async fn set_aside(&self, record: &SetAside) -> Result<(), String>;
}

/// Where events go: the organisation's topic.
#[async_trait]
pub trait EventPublisher: Send + Sync {
    /// Publishes one event to its organisation's topic. An error means it was not delivered
    /// and must be tried again.
    async fn publish(&self, event: &CustomerChanged) -> Result<(), String>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{new_customer, organisation};

    fn customer() -> Customer {
        let now = DateTime::parse_from_rfc3339("2026-11-23T12:00:00Z")
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_default();
        let number = CustomerNumber::parse("n", 42).unwrap_or_else(|e| panic!("{e:?}"));
        new_customer(organisation(7), Some("ola@nordmann.org")).into_customer(number, now)
    }

    fn kind_of(old: &Customer, new: &Customer) -> ChangeType {
        let change = ProfileChange::Modified {
            old: Box::new(old.clone()),
            new: Box::new(new.clone()),
        };
        CustomerChanged::from_change("e", &change, Utc::now()).event_type
    }

    #[test]
    fn each_transition_has_its_type() {
        let c = customer();
        let next = c.bumped();
        assert_eq!(kind_of(&c, &next), ChangeType::Update);
        let mut deactivated = next.clone();
        deactivated.status = Status::Deleted;
        assert_eq!(kind_of(&c, &deactivated), ChangeType::Deactivate);
        assert_eq!(kind_of(&deactivated, &c), ChangeType::Restore);
        let mut temporary = c.clone();
        temporary.profile_type = ProfileType::Temporary;
        assert_eq!(kind_of(&temporary, &c), ChangeType::Convert);
        let nine = CustomerNumber::parse("n", 9).unwrap_or_else(|e| panic!("{e:?}"));
        let mut survivor = c.clone();
        survivor.related_customer_numbers.push(nine);
        assert_eq!(kind_of(&c, &survivor), ChangeType::Connect);
        let mut merged = c.clone();
        merged.status = Status::Passive;
        merged.merged_into = Some(nine);
        let change = ProfileChange::Modified {
            old: Box::new(c.clone()),
            new: Box::new(merged),
        };
        let e = CustomerChanged::from_change("e", &change, Utc::now());
        assert_eq!(
            (e.event_type, e.related_customer_numbers),
            (ChangeType::Connect, vec![nine])
        );
        // A profile merged into 9 before, now pointing to 9's survivor: a connect of its own.
        let mut earlier = c.clone();
        earlier.status = Status::Passive;
        earlier.merged_into = Some(nine);
        let mut repointed = earlier.bumped();
        let eleven = CustomerNumber::parse("n", 11).unwrap_or_else(|e| panic!("{e:?}"));
        repointed.merged_into = Some(eleven);
        let change = ProfileChange::Modified {
            old: Box::new(earlier.clone()),
            new: Box::new(repointed),
        };
        let e = CustomerChanged::from_change("e", &change, Utc::now());
        assert_eq!(
            (e.event_type, e.related_customer_numbers),
            (ChangeType::Connect, vec![eleven])
        );
        assert_eq!(kind_of(&earlier, &earlier.bumped()), ChangeType::Update);
    }

    #[test]
    fn a_replayed_event_tells_where_the_profile_stands_now() {
        let created = customer();
        let e = CustomerChanged::current("lost-1", &created);
        assert_eq!(
            (e.event_id.as_str(), e.event_type, e.version),
            ("lost-1", ChangeType::Create, created.version)
        );
        let changed = created.bumped();
        assert_eq!(CustomerChanged::current("x", &changed).event_type, ChangeType::Update);
        let mut deactivated = changed.clone();
        deactivated.status = Status::Deleted;
        assert_eq!(
            CustomerChanged::current("x", &deactivated).event_type,
            ChangeType::Deactivate
        );
        let survivor = CustomerNumber::parse("n", 9).unwrap_or_else(|e| panic!("{e:?}"));
        let mut merged = changed;
        merged.status = Status::Passive;
        merged.merged_into = Some(survivor);
        let e = CustomerChanged::current("x", &merged);
        assert_eq!(
            (e.event_type, e.related_customer_numbers),
            (ChangeType::Connect, vec![survivor])
        );
    }

    #[test]
    fn a_removal_by_expiry_is_an_expire_one_version_on() {
        let c = customer();
        let removed = |by_expiry| ProfileChange::Removed {
            old: Box::new(c.clone()),
            by_expiry,
        };
        let expired = CustomerChanged::from_change("id-1", &removed(true), Utc::now());
        assert_eq!(expired.event_type, ChangeType::Expire);
        assert_eq!(expired.version, c.version.next());
        let deleted = CustomerChanged::from_change("id-2", &removed(false), Utc::now());
        assert_eq!(deleted.event_type, ChangeType::Delete);
        let created = CustomerChanged::from_change("id-3", &ProfileChange::Inserted(Box::new(c)), Utc::now());
        assert_eq!(created.event_type, ChangeType::Create);
        assert_eq!(created.event_id, "id-3");
    }
}
