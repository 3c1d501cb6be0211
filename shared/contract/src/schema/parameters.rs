//! Every path, query and header parameter: what each accepts, from the definitions its parser
//! uses. A parameter is described the same wherever it appears.

use super::accepts::Accepts::{self, *};
use customers_domain::addresses::POST_CODE;
use customers_domain::profiles::{MAX_PAGE, MAX_PER_PAGE, MAX_RESULT_SET};
use customers_domain::values::{AccountId, CustomerRef, EmailAddress, PersonName, VippsId};
use serde_json::{Value, json};

/// Where a parameter is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum In {
    Path,
    Query,
    Header,
}

impl In {
    pub fn name(self) -> &'static str {
        match self {
            In::Path => "path",
            In::Query => "query",
            In::Header => "header",
        }
    }
}

/// What a parameter's value must be.
#[derive(Debug, Clone, Copy)]
pub enum ParameterValue {
    Value(Accepts),
    /// A header of visible ASCII: `min..=max` characters, spaces only inside.
    HeaderText {
        min: usize,
        max: usize,
    },
    /// `If-Match` (RFC 9110): `*` or a list of entity tags.
    EntityTags,
    /// `Idempotency-Key`: printable ASCII without spaces.
    IdempotencyKey,
    /// Anything; a value that cannot be used is ignored.
    Any,
}

/// `ET-Client-Name` is recorded as the author of changes that name none, so it is held to the
/// rule of an author ([`customers_domain::values::Actor`]) in the characters a header carries.
pub const CLIENT_NAME_MAX: usize = 100;
/// Printable ASCII without spaces, as [`customers_domain::profiles::IdempotencyKey`] reads it.
pub const IDEMPOTENCY_KEY_PATTERN: &str = "^[!-~]{1,255}$";
/// RFC 9110's `If-Match`: `*`, or entity tags (`"…"` or `W/"…"`) separated by commas; empty is
/// an empty list, the same as no header.
pub const IF_MATCH_PATTERN: &str = "^(\\*|(W/)?\"[!#-~]*\"([ \\t]*,[ \\t]*(W/)?\"[!#-~]*\")*)?$";

impl ParameterValue {
    pub fn schema(&self) -> Value {
        match self {
            ParameterValue::Value(accepts) => accepts.schema(),
            ParameterValue::HeaderText { min, max } => json!({
                "type": "string",
                "minLength": min,
                "maxLength": max,
                "pattern": "^[!-~]([ !-~]*[!-~])?$",
            }),
            ParameterValue::EntityTags => json!({ "type": "string", "pattern": IF_MATCH_PATTERN }),
            ParameterValue::IdempotencyKey => json!({
                "type": "string", "minLength": 1, "maxLength": 255, "pattern": IDEMPOTENCY_KEY_PATTERN,
            }),
            ParameterValue::Any => json!({ "type": "string" }),
        }
    }
}

/// One parameter, wherever it appears.
#[derive(Debug, Clone, Copy)]
pub struct Parameter {
    pub place: In,
    pub name: &'static str,
    pub value: ParameterValue,
}

const fn path(name: &'static str, accepts: Accepts) -> Parameter {
    Parameter {
        place: In::Path,
        name,
        value: ParameterValue::Value(accepts),
    }
}

const fn query(name: &'static str, accepts: Accepts) -> Parameter {
    Parameter {
        place: In::Query,
        name,
        value: ParameterValue::Value(accepts),
    }
}

const fn header(name: &'static str, value: ParameterValue) -> Parameter {
    Parameter {
        place: In::Header,
        name,
        value,
    }
}

pub const PARAMETERS: &[Parameter] = &[
    path("customerNumber", PositiveNumber),
    path("preferenceId", ItemId),
    path("ecardId", ItemId),
    path("noteId", ItemId),
    path("addressId", ItemId),
    path("accountId", Text(AccountId::RULE)),
    path("customerRef", Text(CustomerRef::RULE)),
    query("firstName", Text(PersonName::RULE)),
    query("surname", Text(PersonName::RULE)),
    query("email", Email(EmailAddress::RULE)),
    query("countryCode", CallingCode),
    query("telephoneNumber", TelephoneNumber),
    query("telephoneNumberNoCountryCode", NationalNumber),
    query("landlineNumber", TelephoneNumber),
    query("dateOfBirth", BirthDate),
    query("postalAddress", Text(crate::search::POSTAL_ADDRESS)),
    query("postCode", Text(POST_CODE)),
    query("vippsId", Text(VippsId::RULE)),
    query("customerRef", Text(CustomerRef::RULE)),
    query("organisationId", PositiveNumber),
    query(
        "maxResultSet",
        Bounded {
            min: 1,
            max: MAX_RESULT_SET as u64,
        },
    ),
    query("includeTemporary", Flag),
    query(
        "page",
        Bounded {
            min: 0,
            max: MAX_PAGE as u64,
        },
    ),
    query(
        "perPage",
        Bounded {
            min: 1,
            max: MAX_PER_PAGE as u64,
        },
    ),
    query("includeECards", Flag),
    query("includePersonnelTicket", Flag),
    header(
        "ET-Client-Name",
        ParameterValue::HeaderText {
            min: 1,
            max: CLIENT_NAME_MAX,
        },
    ),
    header("X-Correlation-Id", ParameterValue::Any),
    header("If-Match", ParameterValue::EntityTags),
    header("Idempotency-Key", ParameterValue::IdempotencyKey),
];

/// The description of a parameter, by name.
pub fn find(place: &str, name: &str) -> Option<&'static Parameter> {
    PARAMETERS
        .iter()
        .find(|p| p.place.name() == place && p.name.eq_ignore_ascii_case(name))
}
