//! Changing a profile's own fields with a full update (PUT): every updatable field replaced,
//! an optional field left out cleared.

use super::{Customer, ProfileType};
use crate::addresses::{PostalAddress, PostalAddressDetails};
use crate::listed::ListedItem;
use crate::values::{
    Actor, Channel, Country, DateOfBirth, EmailAddress, ItemId, LandlineNumber, Language, MobileNumber, PersonName,
    VippsId,
};
use chrono::{DateTime, Utc};

/// The personal and contact fields that create and update share.
#[derive(Clone)]
pub struct PersonalDetails {
    pub first_name: PersonName,
    pub surname: PersonName,
    pub email: Option<EmailAddress>,
    pub vipps_id: Option<VippsId>,
    pub mobile: Option<MobileNumber>,
    pub telephone_number_verified_at: Option<DateTime<Utc>>,
    pub landline_number: Option<LandlineNumber>,
    pub date_of_birth: Option<DateOfBirth>,
    pub nationality: Option<Country>,
    pub language: Language,
    pub expiration_date: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for PersonalDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Personal data stays out of debug output.
        f.write_str("PersonalDetails(<redacted>)")
    }
}

/// A full update of a permanent profile.
#[derive(Debug, Clone)]
pub struct CustomerUpdate {
    pub details: PersonalDetails,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub changed_by: Actor,
    pub changed_by_channel: Channel,
    /// When given, the profile's addresses become these; an address naming an existing id
    /// updates that address. When absent, the addresses stay.
    pub postal_addresses: Option<Vec<(Option<ItemId>, PostalAddressDetails)>>,
}

impl CustomerUpdate {
    /// The profile after the update. Identity, type, status, references and sign-in data stay.
    pub fn apply_to(&self, current: &Customer, now: DateTime<Utc>) -> Customer {
        let d = self.details.clone();
        let mut next = current.next_version(&self.changed_by, &self.changed_by_channel, now);
        let email_changed = next.email.as_ref().map(EmailAddress::key) != d.email.as_ref().map(EmailAddress::key);
        next.first_name = d.first_name;
        next.surname = d.surname;
        next.email = d.email;
        if next.profile_type == ProfileType::Standard {
            // The login name follows the contact email: uniqueness is guarded on the email.
            next.username = next.email.clone();
        }
        next.email_verified_at = if email_changed && self.email_verified_at.is_none() {
            None
        } else {
            self.email_verified_at
        };
        next.vipps_id = d.vipps_id;
        next.mobile = d.mobile;
        next.telephone_number_verified_at = d.telephone_number_verified_at;
        next.landline_number = d.landline_number;
        next.date_of_birth = d.date_of_birth;
        next.nationality = d.nationality;
        next.language = d.language;
        next.expiration_date = d.expiration_date;
        if let Some(addresses) = &self.postal_addresses {
            next.postal_addresses = addresses
                .iter()
                .map(
                    |(id, details)| match id.and_then(|id| current.postal_addresses.iter().find(|x| x.id == id)) {
                        Some(existing) => existing.replaced(details.clone(), now),
                        None => PostalAddress::new(details.clone(), now),
                    },
                )
                .collect();
        }
        next
    }
}
