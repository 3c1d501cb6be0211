//! The customer profile: what it holds, which values in it must be unique, which can start a
//! search, and when it is gone.

mod keys;
mod new;
mod update;

pub use keys::{SearchKey, UniqueClaim, first_word};
pub use new::NewCustomer;
pub use update::{CustomerUpdate, PersonalDetails};

use crate::accounts::CustomerAccount;
use crate::addresses::PostalAddress;
use crate::ecards::Ecard;
use crate::notes::Note;
use crate::preferences::ChosenPreference;
use crate::values::{
    AccountId, Actor, Channel, Country, CustomerNumber, CustomerRef, CustomerUuid, DateOfBirth, EmailAddress,
    LandlineNumber, Language, MobileNumber, OrganisationId, PersonName, Version, VippsId,
};
use chrono::{DateTime, Utc};

/// 'A' = Active, 'P' = Passive (merged into another profile), 'D' = Deleted (deactivated).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Active,
    Passive,
    Deleted,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Active => "A",
            Status::Passive => "P",
            Status::Deleted => "D",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "A" => Some(Status::Active),
            "P" => Some(Status::Passive),
            "D" => Some(Status::Deleted),
            _ => None,
        }
    }
}

/// 'S' = Standard, 'P' = Personnel ticket customer, 'T' = Temporary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProfileType {
    Standard,
    Personnel,
    Temporary,
}

impl ProfileType {
    pub fn code(self) -> &'static str {
        match self {
            ProfileType::Standard => "S",
            ProfileType::Personnel => "P",
            ProfileType::Temporary => "T",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code {
            "S" => Some(ProfileType::Standard),
            "P" => Some(ProfileType::Personnel),
            "T" => Some(ProfileType::Temporary),
            _ => None,
        }
    }
}

/// Who changed what, when: kept on every write for GDPR traceability.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeStamp {
    pub by: Actor,
    pub channel: Channel,
    pub at: DateTime<Utc>,
}

/// A customer profile. Every field holds a parsed value; what hangs off the profile (addresses,
/// accounts, chosen preferences, ecards, notes) is kept in it, so it is read, changed and
/// expired as one.
#[derive(Debug, Clone, PartialEq)]
pub struct Customer {
    pub customer_number: CustomerNumber,
    pub organisation_id: OrganisationId,
    pub uuid: CustomerUuid,
    pub status: Status,
    pub profile_type: ProfileType,
    pub first_name: PersonName,
    pub surname: PersonName,
    pub email: Option<EmailAddress>,
    /// A deactivated profile's email, kept so that a restore can bring it back.
    pub email_old: Option<EmailAddress>,
    /// The login name of a standard profile: its email.
    pub username: Option<EmailAddress>,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub vipps_id: Option<VippsId>,
    pub customer_ref: CustomerRef,
    pub mobile: Option<MobileNumber>,
    pub telephone_number_verified_at: Option<DateTime<Utc>>,
    pub landline_number: Option<LandlineNumber>,
    pub date_of_birth: Option<DateOfBirth>,
    pub nationality: Option<Country>,
    pub language: Language,
    pub expiration_date: Option<DateTime<Utc>>,
    /// Deprecated in the contract; kept as given on create.
    pub customer_account_id: Option<AccountId>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub last_sign_in_from: Option<Channel>,
    pub parent_id: Option<CustomerNumber>,
    /// Profiles merged into this one.
    pub related_customer_numbers: Vec<CustomerNumber>,
    /// Set on a Passive profile: the profile it was merged into.
    pub merged_into: Option<CustomerNumber>,
    pub created: ChangeStamp,
    pub changed: ChangeStamp,
    pub version: Version,
    pub postal_addresses: Vec<PostalAddress>,
    pub customer_accounts: Vec<CustomerAccount>,
    /// The account id of the default account: one value, so there is always exactly one.
    pub default_account: Option<AccountId>,
    pub preferences: Vec<ChosenPreference>,
    pub ecards: Vec<Ecard>,
    pub notes: Vec<Note>,
}

impl Customer {
    /// The next version of this profile, changed by `by` through `channel` at `at`.
    pub fn next_version(&self, by: &Actor, channel: &Channel, at: DateTime<Utc>) -> Customer {
        let mut next = self.clone();
        next.changed = ChangeStamp {
            by: by.clone(),
            channel: channel.clone(),
            at,
        };
        next.version = self.version.next();
        next
    }

    /// The next version with the change stamp as it was: a change of what hangs off the
    /// profile, or a sign-in, is not a change of the profile's own fields.
    pub fn bumped(&self) -> Customer {
        let mut next = self.clone();
        next.version = self.version.next();
        next
    }

    /// Expired is gone: reads treat a profile past its expiration as absent, whether or not
    /// the database has deleted it yet.
    pub fn is_expired(&self, now: DateTime<Utc>) -> bool {
        self.expiration_date.is_some_and(|t| t <= now)
    }

    /// A standard, active profile: the only kind that signs in or holds a username.
    pub fn can_sign_in(&self) -> bool {
        self.profile_type == ProfileType::Standard && self.status == Status::Active
    }
}
