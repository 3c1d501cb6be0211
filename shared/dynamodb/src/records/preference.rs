//! A catalogue preference as stored.

use super::profile::Reader;
use customers_domain::preferences::catalogue::{CODE, DESCRIPTION, KIND};
use customers_domain::preferences::{Preference, PreferenceDetails};
use customers_domain::values::{ItemId, OrganisationId, Version, format_instant};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct PreferenceRecord {
    id: i64,
    organisation_id: i64,
    is_active: bool,
    preference_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    preference_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    preference_description: Option<String>,
    created_at: String,
    changed_at: String,
    version: u64,
}

impl PreferenceRecord {
    pub(crate) fn of(p: &Preference) -> Self {
        Self {
            id: p.id.value(),
            organisation_id: p.organisation_id.value(),
            is_active: p.details.is_active,
            preference_code: p.details.code.clone(),
            preference_type: p.details.kind.clone(),
            preference_description: p.details.description.clone(),
            created_at: format_instant(&p.created_at),
            changed_at: format_instant(&p.changed_at),
            version: p.version.value(),
        }
    }

    pub(crate) fn into_preference(self) -> Result<Preference, String> {
        let mut r = Reader::default();
        let id = r.take(ItemId::parse("id", self.id));
        let organisation_id = r.take(OrganisationId::parse("organisationId", self.organisation_id));
        let code = r.take(CODE.parse("preferenceCode", &self.preference_code));
        let kind = r.take(KIND.parse_opt("preferenceType", self.preference_type.as_deref()));
        let description =
            r.take(DESCRIPTION.parse_opt("preferenceDescription", self.preference_description.as_deref()));
        let created_at = r.instant("createdAt", &self.created_at);
        let changed_at = r.instant("changedAt", &self.changed_at);
        let version = r.take(Version::parse("version", self.version));
        let preference = (|| {
            Some(Preference {
                id: id?,
                organisation_id: organisation_id?,
                details: PreferenceDetails {
                    is_active: self.is_active,
                    code: code?,
                    kind: kind?,
                    description: description?,
                },
                created_at: created_at?,
                changed_at: changed_at?,
                version: version?,
            })
        })();
        r.finish(preference)
    }
}
