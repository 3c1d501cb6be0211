//! Every request body's members: what each accepts, whether it is required, and the rules that
//! tie members together. Read by the parsers' tests and written into the OpenAPI document.

use super::accepts::Accepts::{self, *};
use customers_domain::accounts::ALIAS;
use customers_domain::addresses::{ADDRESS_LINE, AddressType, POST_CODE, PostalAddress, TOWN};
use customers_domain::ecards::{NAME as ECARD_NAME, OPERATOR as ECARD_OPERATOR};
use customers_domain::listed::ListedItem as _;
use customers_domain::notes::TEXT as NOTE_TEXT;
use customers_domain::preferences::catalogue::{CODE, DESCRIPTION, KIND};
use customers_domain::preferences::choices::VALUE;
use customers_domain::profiles::BULK_MAX;
use customers_domain::values::{AccountId, Actor, Channel, CustomerRef, EmailAddress, PersonName, VippsId};

/// One member of a request body.
#[derive(Debug, Clone, Copy)]
pub struct Member {
    pub name: &'static str,
    pub accepts: Accepts,
    /// Must be present and not null.
    pub required: bool,
}

/// A rule between members of one body.
#[derive(Debug, Clone, Copy)]
pub enum Joint {
    /// Each of the two is given only with the other.
    Together(&'static str, &'static str),
    /// At least one of the members is given (not null).
    AnyOf(&'static [&'static str]),
    /// At least one of the lists is given with at least one entry.
    AnyNonEmpty(&'static [&'static str]),
    /// A Norwegian address (the default country) has a post code of four digits.
    NorwegianPostCode,
    /// No members but the listed ones.
    Closed,
}

/// A request body schema of the document.
#[derive(Debug, Clone, Copy)]
pub struct RequestShape {
    pub schema: &'static str,
    pub members: &'static [Member],
    pub joints: &'static [Joint],
}

const fn req(name: &'static str, accepts: Accepts) -> Member {
    Member {
        name,
        accepts,
        required: true,
    }
}

const fn opt(name: &'static str, accepts: Accepts) -> Member {
    Member {
        name,
        accepts,
        required: false,
    }
}

const ACTOR: Accepts = Text(Actor::RULE);
const CHANNEL: Accepts = Text(Channel::RULE);
const NAME: Accepts = Text(PersonName::RULE);
const EMAIL: Accepts = Email(EmailAddress::RULE);
const REFERENCE: Accepts = Text(CustomerRef::RULE);
const ACCOUNT_ID: Accepts = Text(AccountId::RULE);
const MOBILE: Joint = Joint::Together("countryCode", "telephoneNumberNoCountryCode");
const ADDRESSES: Accepts = Objects {
    schema: "PostalAddressRequest",
    max: PostalAddress::MAX,
};

/// The members a permanent profile's create and update share.
macro_rules! personal {
    ($($more:expr),* $(,)?) => {
        &[
            req("firstName", NAME),
            req("surname", NAME),
            opt("email", EMAIL),
            opt("vippsId", Text(VippsId::RULE)),
            opt("countryCode", CallingCode),
            opt("telephoneNumberNoCountryCode", NationalNumber),
            opt("telephoneNumber", TelephoneNumber),
            opt("telephoneNumberVerifiedAt", Instant),
            opt("landlineNumber", TelephoneNumber),
            opt("dateOfBirth", BirthDate),
            opt("nationality", Country),
            opt("languagePreferenceISO6393", Language3),
            opt("languagePreference", Language1),
            opt("expirationDate", FutureInstant),
            opt("postalAddresses", ADDRESSES),
            opt("customerAccountId", ACCOUNT_ID),
            $($more),*
        ]
    };
}

/// The members a temporary profile's create and update share.
macro_rules! temporary {
    ($($more:expr),* $(,)?) => {
        &[
            req("expirationDate", FutureInstant),
            opt("firstName", NAME),
            opt("surname", NAME),
            opt("email", EMAIL),
            opt("countryCode", CallingCode),
            opt("telephoneNumberNoCountryCode", NationalNumber),
            opt("telephoneNumber", TelephoneNumber),
            opt("landlineNumber", TelephoneNumber),
            opt("dateOfBirth", BirthDate),
            opt("customerAccountId", ACCOUNT_ID),
            $($more),*
        ]
    };
}

const NUMBERS: Accepts = PositiveNumber;
const REFERENCES: Accepts = REFERENCE;

pub const REQUESTS: &[RequestShape] = &[
    RequestShape {
        schema: "CustomerPostRequest",
        members: personal![
            req("organisationId", PositiveNumber),
            req("createdBy", ACTOR),
            req("createdByChannel", CHANNEL),
            opt("profileType", Code(&["S", "P"])),
            opt("password", NewPassword),
            opt("customerRef", REFERENCE),
        ],
        joints: &[MOBILE],
    },
    RequestShape {
        schema: "CustomerPutRequest",
        members: personal![
            req("changedBy", ACTOR),
            req("changedByChannel", CHANNEL),
            opt("status", Code(&["A"])),
            opt("emailVerifiedAt", Instant),
        ],
        joints: &[MOBILE],
    },
    RequestShape {
        schema: "ProfilesBulkRequest",
        members: &[
            opt(
                "customerNumbers",
                List {
                    of: &NUMBERS,
                    max: BULK_MAX,
                },
            ),
            opt(
                "customerReferences",
                List {
                    of: &REFERENCES,
                    max: BULK_MAX,
                },
            ),
            opt("includePreferences", Flag),
        ],
        joints: &[Joint::AnyNonEmpty(&["customerNumbers", "customerReferences"])],
    },
    RequestShape {
        schema: "TemporaryCustomerPostRequest",
        members: temporary![
            req("createdBy", ACTOR),
            req("createdByChannel", CHANNEL),
            opt("organisationId", PositiveNumber),
        ],
        joints: &[MOBILE],
    },
    RequestShape {
        schema: "TemporaryCustomerPutRequest",
        members: temporary![req("changedBy", ACTOR), req("changedByChannel", CHANNEL)],
        joints: &[MOBILE],
    },
    RequestShape {
        schema: "ConvertTemporaryCustomerRequest",
        members: &[
            req("changedBy", ACTOR),
            req("changedByChannel", CHANNEL),
            req("firstName", NAME),
            req("surname", NAME),
            opt("email", EMAIL),
            opt("password", NewPassword),
            opt("customerRef", REFERENCE),
            opt("organisationId", PositiveNumber),
        ],
        joints: &[],
    },
    RequestShape {
        schema: "DeactivateCustomerRequest",
        members: &[
            req("expirationDate", FutureInstant),
            req("changedBy", ACTOR),
            req("changedByChannel", CHANNEL),
        ],
        joints: &[],
    },
    RequestShape {
        schema: "RestoreCustomerRequest",
        members: &[req("changedBy", ACTOR), req("changedByChannel", CHANNEL)],
        joints: &[],
    },
    RequestShape {
        schema: "CustomerConnectRequest",
        members: &[
            req("changedByChannel", CHANNEL),
            opt("changedBy", ACTOR),
            opt("customerNumberToConnect", PositiveNumber),
            opt("temporaryCustomerNumber", PositiveNumber),
        ],
        joints: &[Joint::AnyOf(&["customerNumberToConnect", "temporaryCustomerNumber"])],
    },
    RequestShape {
        schema: "PostalAddressRequest",
        members: &[
            req("town", Text(TOWN)),
            opt("postCode", Text(POST_CODE)),
            opt("countryCode", Country),
            opt("typeOfAddress", Code(&AddressType::CODES)),
            opt("id", ItemId),
            opt("verifiedAt", Instant),
            opt("addressLine1", Text(ADDRESS_LINE)),
            opt("addressLine2", Text(ADDRESS_LINE)),
        ],
        joints: &[Joint::NorwegianPostCode],
    },
    RequestShape {
        schema: "EcardOwnershipRequest",
        members: &[
            req("ecardNumber", PositiveNumber),
            req("ecardOperator", Text(ECARD_OPERATOR)),
            req("ecardNumber16digits", SixteenDigits),
            opt("ecardName", Text(ECARD_NAME)),
            opt("startOfOwnership", Instant),
            opt("endOfOwnership", Instant),
            opt("bookingDate", Instant),
            opt("shippingDate", Instant),
            opt("expirationDate", Instant),
        ],
        joints: &[],
    },
    RequestShape {
        schema: "NoteRequest",
        members: &[req("text", Text(NOTE_TEXT)), req("createdBy", ACTOR)],
        joints: &[],
    },
    RequestShape {
        schema: "CustomerAccountRequest",
        members: &[
            req("accountId", ACCOUNT_ID),
            opt("alias", Text(ALIAS)),
            opt("isDefault", Flag),
        ],
        joints: &[],
    },
    RequestShape {
        schema: "CustomerAccountPatchRequest",
        members: &[opt("alias", Text(ALIAS)), opt("isDefault", Flag)],
        joints: &[Joint::Closed],
    },
    RequestShape {
        schema: "PreferenceRequest",
        members: &[
            req("preferenceCode", Text(CODE)),
            opt("preferenceType", Text(KIND)),
            opt("preferenceDescription", Text(DESCRIPTION)),
            opt("isActive", Flag),
        ],
        joints: &[],
    },
    RequestShape {
        schema: "CustomerPreferenceRequest",
        members: &[req("preferenceId", ItemId), opt("preferenceValue", Text(VALUE))],
        joints: &[],
    },
    RequestShape {
        schema: "VerifyCredentialsRequest",
        members: &[
            req("email", EMAIL),
            req("password", AttemptedPassword),
            opt("lastSignInFrom", CHANNEL),
        ],
        joints: &[],
    },
    RequestShape {
        schema: "NewPasswordRequest",
        members: &[req("newPassword", NewPassword)],
        joints: &[],
    },
    RequestShape {
        schema: "ChangePasswordRequest",
        members: &[req("oldPassword", AttemptedPassword), req("newPassword", NewPassword)],
        joints: &[],
    },
    RequestShape {
        schema: "GeneratePasswordRequest",
        members: &[req("email", EMAIL), opt("organisationId", PositiveNumber)],
        joints: &[],
    },
];
