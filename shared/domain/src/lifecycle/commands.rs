//! The lifecycle's commands, parsed, and the profile each one makes of the current one.

use super::merge::move_what_hangs_off;
use crate::customer::{ChangeStamp, Customer, NewCustomer, PersonalDetails, ProfileType, Status};
use crate::error::DomainError;
use crate::values::{
    AccountId, Actor, Channel, CustomerNumber, CustomerRef, DateOfBirth, EmailAddress, LandlineNumber, Language,
    MobileNumber, OrganisationId, Password, PersonName,
};
use chrono::{DateTime, Utc};

/// The fields a temporary profile holds, all optional but its expiration.
#[derive(Clone)]
pub struct TemporaryDetails {
    pub first_name: PersonName,
    pub surname: PersonName,
    pub email: Option<EmailAddress>,
    pub mobile: Option<MobileNumber>,
    pub landline_number: Option<LandlineNumber>,
    pub date_of_birth: Option<DateOfBirth>,
    pub customer_account_id: Option<AccountId>,
    pub expiration_date: DateTime<Utc>,
}

impl std::fmt::Debug for TemporaryDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TemporaryDetails(<redacted>)")
    }
}

/// A temporary profile for an anonymous purchase.
#[derive(Debug, Clone)]
pub struct NewTemporaryCustomer {
    pub organisation_id: OrganisationId,
    pub details: TemporaryDetails,
    pub created_by: Actor,
    pub created_by_channel: Channel,
}

impl NewTemporaryCustomer {
    /// As a [`NewCustomer`] of type T, so that creation follows one path.
    pub fn into_new_customer(self) -> NewCustomer {
        let d = self.details;
        NewCustomer {
            organisation_id: self.organisation_id,
            profile_type: ProfileType::Temporary,
            details: PersonalDetails {
                first_name: d.first_name,
                surname: d.surname,
                email: d.email,
                vipps_id: None,
                mobile: d.mobile,
                telephone_number_verified_at: None,
                landline_number: d.landline_number,
                date_of_birth: d.date_of_birth,
                nationality: None,
                language: Language::norwegian_bokmal(),
                expiration_date: Some(d.expiration_date),
            },
            password: None,
            customer_ref: None,
            customer_account_id: d.customer_account_id,
            created_by: self.created_by,
            created_by_channel: self.created_by_channel,
            postal_addresses: Vec::new(),
        }
    }
}

/// A full overwrite of a temporary profile.
#[derive(Debug, Clone)]
pub struct TemporaryUpdate {
    pub details: TemporaryDetails,
    pub changed_by: Actor,
    pub changed_by_channel: Channel,
}

impl TemporaryUpdate {
    pub fn apply_to(&self, current: &Customer, now: DateTime<Utc>) -> Customer {
        let d = self.details.clone();
        let mut next = current.next_version(&self.changed_by, &self.changed_by_channel, now);
        next.first_name = d.first_name;
        next.surname = d.surname;
        next.email = d.email;
        next.mobile = d.mobile;
        next.landline_number = d.landline_number;
        next.date_of_birth = d.date_of_birth;
        next.customer_account_id = d.customer_account_id;
        next.expiration_date = Some(d.expiration_date);
        next
    }
}

/// A temporary profile made permanent under the same number.
#[derive(Debug, Clone)]
pub struct Conversion {
    pub first_name: PersonName,
    pub surname: PersonName,
    pub email: Option<EmailAddress>,
    pub password: Option<Password>,
    pub customer_ref: Option<CustomerRef>,
    pub organisation_id: Option<OrganisationId>,
    pub changed_by: Actor,
    pub changed_by_channel: Channel,
}

impl Conversion {
    /// Type S, no expiry, the given names; the email when given (else the one it had), the
    /// reference when given (else the one it had).
    pub fn apply_to(&self, current: &Customer, now: DateTime<Utc>) -> Customer {
        let mut next = current.next_version(&self.changed_by, &self.changed_by_channel, now);
        next.profile_type = ProfileType::Standard;
        next.first_name = self.first_name.clone();
        next.surname = self.surname.clone();
        if let Some(email) = &self.email {
            next.email = Some(email.clone());
        }
        next.username = next.email.clone();
        if let Some(r) = &self.customer_ref {
            next.customer_ref = r.clone();
        }
        next.expiration_date = None;
        next
    }
}

/// Deactivation: the contract's only way to delete a permanent profile.
#[derive(Debug, Clone)]
pub struct Deactivation {
    pub expiration_date: DateTime<Utc>,
    pub changed_by: Actor,
    pub changed_by_channel: Channel,
}

impl Deactivation {
    /// Status D, the email moved to emailOld (freeing it for a new profile), deletion scheduled.
    pub fn apply_to(&self, current: &Customer, now: DateTime<Utc>) -> Customer {
        let mut next = current.next_version(&self.changed_by, &self.changed_by_channel, now);
        next.status = Status::Deleted;
        next.email_old = current.email.clone();
        next.email = None;
        next.expiration_date = Some(self.expiration_date);
        next
    }
}

#[derive(Debug, Clone)]
pub struct Restoration {
    pub changed_by: Actor,
    pub changed_by_channel: Channel,
}

impl Restoration {
    /// Status A with its email back and no scheduled deletion. The expiry a permanent profile
    /// had before deactivation is not remembered: a restored profile does not expire.
    pub fn apply_to(&self, current: &Customer, now: DateTime<Utc>) -> Customer {
        let mut next = current.next_version(&self.changed_by, &self.changed_by_channel, now);
        next.status = Status::Active;
        next.email = current.email_old.clone();
        next.email_old = None;
        next.expiration_date = None;
        next
    }
}

/// Connecting (merging) the profile `merged` into another.
#[derive(Debug, Clone)]
pub struct Connection {
    pub merged: CustomerNumber,
    pub changed_by: Actor,
    pub changed_by_channel: Channel,
}

impl Connection {
    fn stamp(&self, now: DateTime<Utc>) -> ChangeStamp {
        ChangeStamp {
            by: self.changed_by.clone(),
            channel: self.changed_by_channel.clone(),
            at: now,
        }
    }

    /// The merged profile becomes Passive and points to the survivor, and what hangs off it
    /// moves to the survivor. The survivor lists it, and the profiles merged into it before,
    /// which now point to the survivor as well (`repointed`), so a merge chain is never longer
    /// than one step.
    pub fn apply(
        &self,
        survivor: &Customer,
        merged: &Customer,
        repointed: &[Customer],
        now: DateTime<Utc>,
    ) -> Result<(Customer, Customer, Vec<Customer>), DomainError> {
        let mut s = survivor.bumped();
        s.changed = self.stamp(now);
        let mut m = merged.bumped();
        m.status = Status::Passive;
        m.merged_into = Some(survivor.customer_number);
        m.changed = self.stamp(now);
        let joining = std::iter::once(merged.customer_number).chain(m.related_customer_numbers.drain(..));
        for number in joining.collect::<Vec<_>>() {
            if number != survivor.customer_number && !s.related_customer_numbers.contains(&number) {
                s.related_customer_numbers.push(number);
            }
        }
        move_what_hangs_off(&mut s, &mut m)?;
        let others = repointed
            .iter()
            .map(|x| {
                let mut next = x.bumped();
                next.merged_into = Some(survivor.customer_number);
                next.changed = self.stamp(now);
                next
            })
            .collect();
        Ok((s, m, others))
    }
}
