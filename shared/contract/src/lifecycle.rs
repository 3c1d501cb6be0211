//! Deactivate, restore and connect on the wire.

use chrono::{DateTime, Utc};
use customers_domain::lifecycle::{Connected, Connection, Deactivation, Restoration};
use customers_domain::problems::{FieldError, Problem, Problems};
use customers_domain::values::{Actor, Channel, CustomerNumber, format_instant, in_future, parse_instant};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Deactivate a profile: the contract's only way to delete one.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeactivateCustomerRequest {
    /// When the profile and everything under it is deleted. Must be in the future; 2 to 3 days ahead is recommended, so an accidental deletion can be undone.
    pub expiration_date: Option<String>,
    /// Who deactivated the customer.
    pub changed_by: Option<String>,
    /// Through which channel or system.
    pub changed_by_channel: Option<String>,
}

/// Restore a deactivated profile before its expiration date.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct RestoreCustomerRequest {
    /// Who restored the customer.
    pub changed_by: Option<String>,
    /// Through which channel or system.
    pub changed_by_channel: Option<String>,
}

/// Connect (merge) the profile `customerNumberToConnect` into the profile in the path.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerConnectRequest {
    /// Which sales channel or system who last changed the customer. Used for traceability in accordance with GDPR
    pub changed_by_channel: Option<String>,
    /// Who made the change (defaults to the client's ET-Client-Name).
    pub changed_by: Option<String>,
    /// Customer number of the profile to connect
    #[serde(default, deserialize_with = "crate::integers::optional")]
    pub customer_number_to_connect: Option<i64>,
    /// Deprecated: customer number of temporary customer to connect. Use customerNumberToConnect.
    #[schema(deprecated)]
    #[serde(default, deserialize_with = "crate::integers::optional")]
    pub temporary_customer_number: Option<i64>,
}

/// The survivor's connected profiles after a connect.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerConnectResponse {
    /// When the list of connected profiles was last changed. ISO 8601 date format
    pub changed_at: String,
    /// Customer numbers of the profiles connected to this profile
    pub related_customer_numbers: Vec<i64>,
}

/// `changedBy` and `changedByChannel`, both required.
pub(crate) fn change_stamp(
    p: &mut Problems,
    by: Option<&str>,
    channel: Option<&str>,
) -> (Option<Actor>, Option<Channel>) {
    let by = p
        .required("changedBy", by)
        .and_then(|v| p.take(Actor::parse("changedBy", v)));
    let channel = p
        .required("changedByChannel", channel)
        .and_then(|v| p.take(Channel::parse("changedByChannel", v)));
    (by, channel)
}

/// An instant that must be given and lie in the future.
pub(crate) fn future_instant(
    p: &mut Problems,
    field: &str,
    raw: Option<&str>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    p.required(field, raw).and_then(|v| {
        p.take(parse_instant(field, v).and_then(|t| in_future(field, t, now).map_err(|e| e.rejecting(v))))
    })
}

impl DeactivateCustomerRequest {
    pub fn parse(&self, now: DateTime<Utc>) -> Result<Deactivation, Vec<FieldError>> {
        let mut p = Problems::new();
        let expiration_date = future_instant(&mut p, "expirationDate", self.expiration_date.as_deref(), now);
        let (by, channel) = change_stamp(&mut p, self.changed_by.as_deref(), self.changed_by_channel.as_deref());
        let parsed = (|| {
            Some(Deactivation {
                expiration_date: expiration_date?,
                changed_by: by?,
                changed_by_channel: channel?,
            })
        })();
        p.finish(parsed)
    }
}

impl RestoreCustomerRequest {
    pub fn parse(&self) -> Result<Restoration, Vec<FieldError>> {
        let mut p = Problems::new();
        let (by, channel) = change_stamp(&mut p, self.changed_by.as_deref(), self.changed_by_channel.as_deref());
        let parsed = (|| {
            Some(Restoration {
                changed_by: by?,
                changed_by_channel: channel?,
            })
        })();
        p.finish(parsed)
    }
}

impl CustomerConnectRequest {
    /// `changedBy` defaults to the client's name (`ET-Client-Name`).
    pub fn parse(&self, client_name: &str) -> Result<Connection, Vec<FieldError>> {
        let mut p = Problems::new();
        let merged = match self.customer_number_to_connect.or(self.temporary_customer_number) {
            None => {
                p.push(FieldError::new(
                    "customerNumberToConnect",
                    Problem::Required,
                    "customerNumberToConnect is required",
                ));
                None
            }
            Some(n) => p.take(CustomerNumber::parse("customerNumberToConnect", n)),
        };
        if let (Some(a), Some(b)) = (self.customer_number_to_connect, self.temporary_customer_number)
            && a != b
        {
            p.push(FieldError::new(
                "temporaryCustomerNumber",
                Problem::NotAllowed,
                "temporaryCustomerNumber (deprecated) names another profile than customerNumberToConnect",
            ));
        }
        let changed_by = p.take(Actor::parse(
            "changedBy",
            self.changed_by.as_deref().unwrap_or(client_name),
        ));
        let changed_by_channel = p
            .required("changedByChannel", self.changed_by_channel.as_deref())
            .and_then(|v| p.take(Channel::parse("changedByChannel", v)));
        let parsed = (|| {
            Some(Connection {
                merged: merged?,
                changed_by: changed_by?,
                changed_by_channel: changed_by_channel?,
            })
        })();
        p.finish(parsed)
    }
}

impl CustomerConnectResponse {
    pub fn of(connected: &Connected) -> Self {
        Self {
            changed_at: format_instant(&connected.at),
            related_customer_numbers: connected
                .survivor
                .related_customer_numbers
                .iter()
                .map(|n| n.value())
                .collect(),
        }
    }
}
