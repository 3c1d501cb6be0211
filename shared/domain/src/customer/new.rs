//! Creating a profile: the parsed command, and the profile it becomes under its number.

use super::{ChangeStamp, Customer, PersonalDetails, ProfileType, Status};
use crate::addresses::{PostalAddress, PostalAddressDetails};
use crate::values::{
    AccountId, Actor, Channel, CustomerNumber, CustomerRef, CustomerUuid, OrganisationId, Password, Version,
};
use chrono::{DateTime, Utc};

/// A profile ready to be created: every field parsed, the number not yet assigned.
#[derive(Debug, Clone)]
pub struct NewCustomer {
    pub organisation_id: OrganisationId,
    pub profile_type: ProfileType,
    pub details: PersonalDetails,
    pub password: Option<Password>,
    pub customer_ref: Option<CustomerRef>,
    pub customer_account_id: Option<AccountId>,
    pub created_by: Actor,
    pub created_by_channel: Channel,
    pub postal_addresses: Vec<PostalAddressDetails>,
}

impl NewCustomer {
    /// The profile as first stored, under its assigned number.
    pub fn into_customer(self, number: CustomerNumber, now: DateTime<Utc>) -> Customer {
        let stamp = ChangeStamp {
            by: self.created_by,
            channel: self.created_by_channel,
            at: now,
        };
        let d = self.details;
        let username = match self.profile_type {
            ProfileType::Standard => d.email.clone(),
            _ => None,
        };
        Customer {
            customer_number: number,
            organisation_id: self.organisation_id,
            uuid: CustomerUuid::generate(),
            status: Status::Active,
            profile_type: self.profile_type,
            first_name: d.first_name,
            surname: d.surname,
            email: d.email,
            email_old: None,
            username,
            email_verified_at: None,
            vipps_id: d.vipps_id,
            customer_ref: self
                .customer_ref
                .unwrap_or_else(|| CustomerRef::from_customer_number(number)),
            mobile: d.mobile,
            telephone_number_verified_at: d.telephone_number_verified_at,
            landline_number: d.landline_number,
            date_of_birth: d.date_of_birth,
            nationality: d.nationality,
            language: d.language,
            expiration_date: d.expiration_date,
            customer_account_id: self.customer_account_id,
            last_sign_in_at: None,
            last_sign_in_from: None,
            parent_id: None,
            related_customer_numbers: Vec::new(),
            merged_into: None,
            created: stamp.clone(),
            changed: stamp,
            version: Version::FIRST,
            postal_addresses: self
                .postal_addresses
                .into_iter()
                .map(|a| PostalAddress::new(a, now))
                .collect(),
            customer_accounts: Vec::new(),
            default_account: None,
            preferences: Vec::new(),
            ecards: Vec::new(),
            notes: Vec::new(),
        }
    }
}
