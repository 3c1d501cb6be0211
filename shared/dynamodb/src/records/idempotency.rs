//! The record of a create made with an idempotency key, with the profile as it was created.

use super::profile::{ProfileRecord, Reader};
use customers_domain::profiles::{IdempotencyRecord, RequestFingerprint};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct IdempotencyItem {
    fingerprint: String,
    has_password: bool,
    created: ProfileRecord,
    /// The table's TTL attribute, epoch seconds.
    expires_at: i64,
}

impl IdempotencyItem {
    pub(crate) fn of(record: &IdempotencyRecord) -> Self {
        Self {
            fingerprint: record.fingerprint.0.clone(),
            has_password: record.has_password,
            created: ProfileRecord::of(&record.created),
            expires_at: record.expires_at.timestamp(),
        }
    }

    pub(crate) fn into_record(self) -> Result<IdempotencyRecord, String> {
        let mut r = Reader::default();
        let created = self.created.into_customer().map_err(|e| format!("created: {e}"))?;
        let expires_at = chrono::DateTime::from_timestamp(self.expires_at, 0);
        if expires_at.is_none() {
            r.fault(format!("expiresAt: {} is not a time", self.expires_at));
        }
        let record = expires_at.map(|expires_at| IdempotencyRecord {
            fingerprint: RequestFingerprint(self.fingerprint),
            has_password: self.has_password,
            created,
            expires_at,
        });
        r.finish(record)
    }
}
