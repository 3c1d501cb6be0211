//! Customer accounts on the wire, with JSON Merge Patch (RFC 7396) for changes.

use crate::errors::{ErrorCode, WireError};
use customers_domain::Customer;
use customers_domain::accounts::{ALIAS, AccountPatch, CustomerAccount, NewAccount};
use customers_domain::problems::{FieldError, Problem, Problems};
use customers_domain::values::{AccountId, format_instant};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

// ---------------------------------------------------------------- customer accounts

/// Create a new customer account.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerAccountRequest {
    /// Customer account alias
    pub alias: Option<String>,
    /// Customer account id.
    pub account_id: Option<String>,
    /// True if account is default for customer. Default false. The first account of a customer is always its default.
    pub is_default: Option<bool>,
}

/// Fields a JSON Merge Patch (RFC 7396) may change.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomerAccountPatchRequest {
    /// Customer account alias
    pub alias: Option<String>,
    /// True if account is the default account for the customer.
    pub is_default: Option<bool>,
}

/// A customer account as returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerAccountResponse {
    /// Customer account unique id.
    pub id: i64,
    /// When the customer account was created. ISO 8601 date format
    pub created_at: String,
    /// Who created the customer account.
    pub created_by: String,
    /// Unique customer number
    pub customer_number: i64,
    /// Customer account id string
    pub customer_account_id: String,
    /// Alias for the customer account
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// When the customer account was last changed. ISO 8601 date format
    pub changed_at: String,
    /// Who changed the customer account.
    pub changed_by: String,
    /// True if the account is the default account for the customer
    pub is_default: bool,
}

/// An account id from the path or a body.
pub fn account_id(field: &str, raw: &str) -> Result<AccountId, Vec<FieldError>> {
    AccountId::parse(field, raw).map_err(|e| vec![e])
}

impl CustomerAccountRequest {
    pub fn parse(&self) -> Result<NewAccount, Vec<FieldError>> {
        let mut p = Problems::new();
        let account_id = match self.account_id.as_deref() {
            None => {
                p.push(FieldError::new("accountId", Problem::Required, "accountId is required"));
                None
            }
            Some(a) => p.take(AccountId::parse("accountId", a)),
        };
        let alias = p.take(ALIAS.parse_opt("alias", self.alias.as_deref())).flatten();
        let parsed = account_id.map(|account_id| NewAccount {
            account_id,
            alias,
            make_default: self.is_default == Some(true),
        });
        p.finish(parsed)
    }
}

impl CustomerAccountPatchRequest {
    /// A merge patch of `{alias, isDefault}`. On an object of plain members RFC 7396 comes to:
    /// a member left out keeps its value, `null` removes it (an account without `isDefault` is
    /// not the default), and a value replaces it.
    pub fn parse(patch: &serde_json::Value) -> Result<AccountPatch, WireError> {
        let Some(members) = patch.as_object() else {
            return Err(WireError::bad_request(
                "",
                ErrorCode::MalformedBody,
                "a merge patch must be a JSON object",
            ));
        };
        if let Some(other) = members.keys().find(|k| !matches!(k.as_str(), "alias" | "isDefault")) {
            return Err(WireError::bad_request(
                "",
                ErrorCode::NotAllowed,
                format!(
                    "only alias and isDefault can be patched: unknown field `{other}`, expected `alias` or `isDefault`"
                ),
            ));
        }
        let wrong_type = |field: &str, expected: &str| {
            WireError::bad_request(
                field,
                ErrorCode::MalformedBody,
                format!("{field}: invalid type, expected {expected} or null"),
            )
        };
        let alias = match members.get("alias") {
            None => None,
            Some(serde_json::Value::Null) => Some(None),
            Some(serde_json::Value::String(a)) => Some(
                ALIAS
                    .parse_opt("alias", Some(a))
                    .map_err(|e| WireError::fields(vec![e]))?,
            ),
            Some(_) => return Err(wrong_type("alias", "a string")),
        };
        let is_default = match members.get("isDefault") {
            None => None,
            Some(serde_json::Value::Null) => Some(false),
            Some(serde_json::Value::Bool(b)) => Some(*b),
            Some(_) => return Err(wrong_type("isDefault", "a boolean")),
        };
        Ok(AccountPatch { alias, is_default })
    }
}

impl CustomerAccountResponse {
    pub fn of(a: &CustomerAccount, owner: &Customer) -> Self {
        Self {
            id: a.id.value(),
            created_at: format_instant(&a.created_at),
            created_by: a.created_by.to_string(),
            customer_number: owner.customer_number.value(),
            customer_account_id: a.account_id.to_string(),
            alias: a.alias.clone(),
            changed_at: format_instant(&a.changed_at),
            changed_by: a.changed_by.to_string(),
            is_default: owner.is_default_account(&a.account_id),
        }
    }

    pub fn list(owner: &Customer) -> Vec<Self> {
        owner.customer_accounts.iter().map(|a| Self::of(a, owner)).collect()
    }
}
