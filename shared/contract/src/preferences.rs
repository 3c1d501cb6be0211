//! Preferences on the wire: the catalogue, and a customer's choices.

use customers_domain::preferences::catalogue::{CODE, DESCRIPTION, KIND};
use customers_domain::preferences::choices::VALUE;
use customers_domain::preferences::{ChosenPreference, Preference, PreferenceChoice, PreferenceDetails};
use customers_domain::problems::{FieldError, Problem, Problems};
use customers_domain::values::{CustomerNumber, ItemId, format_instant};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

// ---------------------------------------------------------------- preferences

/// A preference of the organisation's catalogue.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PreferenceRequest {
    /// Whether the preference is active.
    pub is_active: Option<bool>,
    /// The preference code.
    pub preference_code: Option<String>,
    /// Type of preference.
    pub preference_type: Option<String>,
    /// A description of the preference.
    pub preference_description: Option<String>,
}

/// A preference as returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PreferenceResponse {
    /// Preference id.
    pub id: i64,
    /// Whether the preference is active.
    pub is_active: bool,
    /// When the preference was last changed. ISO 8601 date format
    pub changed_at: String,
    /// When the preference was created. ISO 8601 date format
    pub created_at: String,
    /// The preference code.
    pub preference_code: String,
    /// Type of preference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preference_type: Option<String>,
    /// A description of the preference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preference_description: Option<String>,
}

/// A customer's choice of a preference.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerPreferenceRequest {
    /// Id of the preference
    #[serde(default, deserialize_with = "crate::integers::optional")]
    pub preference_id: Option<i64>,
    /// Value of the preference. This can be things like membership number.
    pub preference_value: Option<String>,
}

/// A customer's preference as returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerPreferenceResponse {
    /// Id of the preference
    pub preference_id: i64,
    /// Value of the preference.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preference_value: Option<String>,
    /// When the customer preference was created. ISO 8601 date format
    pub created_at: String,
    /// When the customer preference was last changed. ISO 8601 date format
    pub changed_at: String,
    /// Id of the customer. Deprecated
    pub customer_id: i64,
}

impl PreferenceRequest {
    pub fn details(&self) -> Result<PreferenceDetails, Vec<FieldError>> {
        let mut p = Problems::new();
        let code = p
            .required("preferenceCode", self.preference_code.as_deref())
            .and_then(|c| p.take(CODE.parse("preferenceCode", c)));
        let kind = p
            .take(KIND.parse_opt("preferenceType", self.preference_type.as_deref()))
            .flatten();
        let description = p
            .take(DESCRIPTION.parse_opt("preferenceDescription", self.preference_description.as_deref()))
            .flatten();
        let parsed = code.map(|code| PreferenceDetails {
            is_active: self.is_active.unwrap_or(true),
            code,
            kind,
            description,
        });
        p.finish(parsed)
    }
}

impl PreferenceResponse {
    pub fn of(p: &Preference) -> Self {
        Self {
            id: p.id.value(),
            is_active: p.details.is_active,
            changed_at: format_instant(&p.changed_at),
            created_at: format_instant(&p.created_at),
            preference_code: p.details.code.clone(),
            preference_type: p.details.kind.clone(),
            preference_description: p.details.description.clone(),
        }
    }
}

impl CustomerPreferenceRequest {
    pub fn choice(&self) -> Result<PreferenceChoice, Vec<FieldError>> {
        let mut p = Problems::new();
        let id = match self.preference_id {
            None => {
                p.push(FieldError::new(
                    "preferenceId",
                    Problem::Required,
                    "preferenceId is required",
                ));
                None
            }
            Some(n) => p.take(ItemId::parse("preferenceId", n)),
        };
        let value = p
            .take(VALUE.parse_opt("preferenceValue", self.preference_value.as_deref()))
            .flatten();
        let parsed = id.map(|preference_id| PreferenceChoice { preference_id, value });
        p.finish(parsed)
    }

    /// A whole set of choices, every problem named by its place in the list.
    pub fn choices(requests: &[CustomerPreferenceRequest]) -> Result<Vec<PreferenceChoice>, Vec<FieldError>> {
        let mut p = Problems::new();
        let choices: Vec<PreferenceChoice> = requests
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match r.choice() {
                Ok(c) => Some(c),
                Err(errors) => {
                    p.extend(errors.into_iter().map(|e| e.within(&format!("[{i}]"))));
                    None
                }
            })
            .collect();
        p.finish(Some(choices))
    }
}

impl CustomerPreferenceResponse {
    pub fn of(c: &ChosenPreference, customer: CustomerNumber) -> Self {
        Self {
            preference_id: c.preference_id.value(),
            preference_value: c.value.clone(),
            created_at: format_instant(&c.created_at),
            changed_at: format_instant(&c.changed_at),
            customer_id: customer.value(),
        }
    }
}
